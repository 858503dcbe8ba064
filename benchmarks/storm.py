"""A storm: fifty jobs declaring at once against one token's rate limit.

    .venv/bin/python benchmarks/storm.py [--before REV] [--limit 60] [--window 10]

The stand-in answers in 50 ms and allows `limit` requests per `window` seconds for the
token (Rootly's sliding window), with its rate-limit headers on every answer. Fifty
processes of entrypoint.py start together, each naming a severity and a service:

- 20 jobs of different workflows, each with a title of its own (20 incidents expected);
- 20 jobs sharing one dedup key (1 incident expected);
- 10 legs of one matrix job under `parent: run` (10 sub-incidents and 1 parent expected).

Printed, as a Markdown row per strategy (this tree, and the action at REV): incidents
expected and open afterwards, duplicates (open incidents beyond one per key), failed
jobs, requests per expected incident, 429 answers, and the median and 95th percentile
of the time each job took to its incident.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "support"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from action_harness import ENTRYPOINT

from rootly_standin import RootlyStandIn
from round_trips import exported, step_environment

EXPECTED = 20 + 1 + 10 + 1
CLOSED = {"resolved", "cancelled", "closed"}


def jobs() -> list[tuple[dict[str, str], dict[str, str]]]:
    """(inputs, environment) of each of the fifty jobs."""
    named = {"severity": "SEV1", "services": "Payments"}
    found = []
    for number in range(20):
        env = {"GITHUB_WORKFLOW": f"Deploy {number}", "GITHUB_RUN_ID": str(5000 + number)}
        found.append(({**named, "title": f"Service {number} failed"}, env))
    for number in range(20):
        env = {"GITHUB_WORKFLOW": f"Mirror {number}", "GITHUB_RUN_ID": str(6000 + number)}
        found.append(({**named, "title": "Registry down", "dedup-key": "registry-outage"}, env))
    for number in range(10):
        env = {"GITHUB_WORKFLOW": "Tests", "GITHUB_JOB": "test", "GITHUB_RUN_ID": "7000"}
        found.append(({**named, "title": f"Shard {number} failed", "parent": "run"}, env))
    return found


def run_job(
    rootly: RootlyStandIn, command: list[str], inputs: dict[str, str], env: dict[str, str]
) -> tuple[int, float]:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        (workdir / "workspace").mkdir()
        environ = step_environment(rootly, workdir, inputs, env)
        started = time.perf_counter()
        done = subprocess.run(command, env=environ, capture_output=True, check=False, timeout=300)
        return done.returncode, time.perf_counter() - started


def storm(command: list[str], limit: int, window: float) -> dict[str, Any]:
    with RootlyStandIn(latency=0.05, check_responses=False, rate_limit=(limit, window)) as rootly:
        with ThreadPoolExecutor(max_workers=50) as pool:
            results = list(pool.map(lambda job: run_job(rootly, command, *job), jobs()))
        open_incidents = [i for i in rootly.incidents if i["attributes"]["status"] not in CLOSED]
        keys: Counter[str] = Counter()
        for incident in open_incidents:
            labels = incident["attributes"]["labels"]
            keys[
                labels.get("rootly_action_dedup_key")
                or labels.get("rootly_action_parent_key")
                or incident["id"]
            ] += 1
        times = sorted(seconds for _, seconds in results)
        return {
            "open": len(open_incidents),
            "duplicates": sum(count - 1 for count in keys.values()),
            "failed": sum(1 for code, _ in results if code != 0),
            "per_incident": len(rootly.requests) / EXPECTED,
            "429s": sum(1 for request in rootly.requests if request.status == 429),
            "p50": statistics.median(times),
            "p95": times[int(0.95 * (len(times) - 1))],
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", help="a git revision to compare with")
    parser.add_argument("--limit", type=int, default=60)
    parser.add_argument("--window", type=float, default=10.0)
    args = parser.parse_args()
    print(
        f"50 jobs, limit {args.limit} requests per {args.window:g} s, 50 ms per answer\n\n"
        "| strategy | incidents expected | open incidents | duplicates | failed jobs | "
        "requests per incident | 429s | p50 to incident | p95 to incident |\n"
        "|---|---|---|---|---|---|---|---|---|"
    )
    with tempfile.TemporaryDirectory() as tmp:
        strategies = {"action": [sys.executable, str(ENTRYPOINT)]}
        if args.before:
            strategies[f"before ({args.before})"] = [
                sys.executable,
                str(exported(args.before, Path(tmp))),
            ]
        for label, command in strategies.items():
            found = storm(command, args.limit, args.window)
            print(
                f"| {label} | {EXPECTED} | {found['open']} | {found['duplicates']} | "
                f"{found['failed']} | {found['per_incident']:.1f} | {found['429s']} | "
                f"{found['p50']:.1f} s | {found['p95']:.1f} s |"
            )


if __name__ == "__main__":
    main()
