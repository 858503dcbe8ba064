"""Requests, round trips and wall time of each operation, beside a create.

    .venv/bin/python benchmarks/lifecycle.py [--runs 5] [--latency-ms 50]

Runs entrypoint.py (as the runner starts it) against the Rootly stand-in, which adds the
latency to every answer. Before each run of an operation a fresh open incident is
declared through the stand-in directly (not counted), carrying a dedup key of its own
that the operation looks for. Prints one Markdown row per scenario: requests sent, round trips
(counted from when requests arrived and answers left) and the median wall time.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "support"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from action_harness import ENTRYPOINT

from rootly_standin import RootlyStandIn
from rootly_standin.direct import call
from rootly_standin.rounds import round_trips
from round_trips import step_environment

KEY = "deploy-production"
NAMES = {"severity": "SEV1", "services": "Payments Gateway, Checkout", "teams": "Platform"}
# scenario -> (inputs; whether the incident-id of a fresh incident is given)
SCENARIOS: dict[str, tuple[dict[str, str], bool]] = {
    "create, no names": ({"title": "Benchmark"}, False),
    "create, three kinds by name": ({"title": "Benchmark", **NAMES}, False),
    "resolve by incident-id": ({"operation": "resolve"}, True),
    "resolve by dedup-key": ({"operation": "resolve", "dedup-key": KEY}, False),
    "resolve by dedup-key, nothing open": ({"operation": "resolve", "dedup-key": "none"}, False),
    "mitigate by incident-id": ({"operation": "mitigate"}, True),
    "add-event by incident-id": ({"operation": "add-event", "message": "Rolled back"}, True),
    "update by dedup-key, three kinds by name": (
        {"operation": "update", "dedup-key": KEY, **NAMES},
        False,
    ),
    "update by incident-id, two form fields": (
        {"operation": "update", "form-fields": "Region: eu-west\nCustomer impact: none"},
        True,
    ),
    "cancel by dedup-key": ({"operation": "cancel", "dedup-key": KEY}, False),
}


def fresh_incident(rootly: RootlyStandIn, key: str) -> str:
    """An open incident carrying `key`, made without the action."""
    body = {
        "data": {
            "type": "incidents",
            "attributes": {"title": "Deploy failed", "labels": {"rootly_action_dedup_key": key}},
        }
    }
    status, answer = call(rootly, "POST", "/v1/incidents", body)
    assert status == 201, answer
    return str(answer["data"]["id"])


def run_once(rootly: RootlyStandIn, inputs: dict[str, str], number: int) -> tuple[int, int, float]:
    """(requests, round trips, seconds) of one run of the action."""
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        (workdir / "workspace").mkdir()
        environ = step_environment(rootly, workdir, inputs, {"GITHUB_RUN_ID": str(5000 + number)})
        before = len(rootly.requests)
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, str(ENTRYPOINT)], env=environ, capture_output=True, check=False
        )
        seconds = time.perf_counter() - started
        if done.returncode != 0:
            raise SystemExit(f"failed:\n{done.stdout.decode()}{done.stderr.decode()}")
    sent = rootly.requests[before:]
    return len(sent), max(round_trips(sent), default=0), seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    args = parser.parse_args()
    print(
        f"latency {args.latency_ms:g} ms per answer, median of {args.runs} runs\n\n"
        "| scenario | requests | round trips | wall time |\n|---|---|---|---|"
    )
    number = 0
    with RootlyStandIn(latency=args.latency_ms / 1000, check_responses=False) as rootly:
        for scenario, (inputs, by_id) in SCENARIOS.items():
            results = []
            for _ in range(args.runs):
                number += 1
                # A key of its own per run: earlier runs' incidents stay out of this one.
                key = f"{KEY}-{number}"
                incident_id = fresh_incident(rootly, key) if inputs.get("operation") else ""
                given = dict(inputs)
                if given.get("dedup-key") == KEY:
                    given["dedup-key"] = key
                if by_id:
                    given["incident-id"] = incident_id
                results.append(run_once(rootly, given, number))
            requests, rounds, _ = results[-1]
            median = statistics.median(result[2] for result in results)
            print(f"| {scenario} | {requests} | {rounds} | {median * 1000:.0f} ms |")


if __name__ == "__main__":
    main()
