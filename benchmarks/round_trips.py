"""Requests and round trips to the create, and wall time, at a latency per answer.

    .venv/bin/python benchmarks/round_trips.py [--runs 5] [--latency-ms 50] [--before REV]

Runs the whole process (entrypoint.py, as the runner starts it) against the Rootly
stand-in, which adds the latency to every answer, for each scenario, and prints one
Markdown row per strategy:

- `action`: this tree;
- `before`: the action at git revision REV (exported to a temporary folder), to show
  what changed;
- `naive`: benchmarks/naive_declare.py, one `filter[name]` after another, then the create.

Columns: requests up to and including the create, the round trip the create was sent
in (counted from when requests arrived and answers left), requests after the create,
whether GitHub's list of the run's jobs was asked in Rootly's first round (the action
names the failed jobs; a GitHub stand-in answers with the same latency), and the median
wall time of the whole process. Deduplication is on (the default).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "support"))

from action_harness import ENTRYPOINT, action_defaults, github_environment

from github_standin import GitHubStandIn, example_jobs
from rootly_standin import RootlyStandIn, stable_id
from rootly_standin.rounds import round_trips

SCENARIOS: dict[str, dict[str, str]] = {
    "all IDs": {
        "severity": stable_id("severities", "sev1"),
        "services": f"{stable_id('services', 'payments')}, {stable_id('services', 'checkout')}",
        "environments": stable_id("environments", "production"),
        "teams": stable_id("teams", "platform"),
        "incident-types": stable_id("incident_types", "deployment"),
        "functionalities": stable_id("functionalities", "card-payments"),
    },
    "six kinds as people write them": {
        "severity": "SEV1",
        "services": "Payments Gateway, Checkout",
        "environments": "production",
        "teams": "Platform",
        "incident-types": "Deployment",
        "functionalities": "Card payments",
    },
}
# The naive script matches names exactly, so it gets the display name of the environment.
NAIVE_NAMES = {"environments": "Production"}


def run_once(
    rootly: RootlyStandIn,
    command: list[str],
    inputs: dict[str, str],
    number: int,
    github: GitHubStandIn | None = None,
) -> tuple[int, int, int, float, str]:
    """(requests to the create, the create's round trip, requests after it, seconds, and
    when GitHub was asked: in round 1, later, or not at all)."""
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        (workdir / "workspace").mkdir()
        # A new run each time: the dedup key must not find the last run's incident.
        environ = step_environment(
            rootly,
            workdir,
            {**inputs, "title": "Benchmark"},
            {"GITHUB_RUN_ID": str(1000 + number)},
            github,
        )
        before = len(rootly.requests)
        asked_before = len(github.requests) if github else 0
        started = time.perf_counter()
        done = subprocess.run(command, env=environ, capture_output=True, check=False)
        seconds = time.perf_counter() - started
        if done.returncode != 0:
            raise SystemExit(f"{command} failed:\n{done.stdout.decode()}{done.stderr.decode()}")
    sent = sorted(rootly.requests[before:], key=lambda request: request.arrived)
    rounds = round_trips(sent)
    create = next(i for i, r in enumerate(sent) if (r.method, r.path) == ("POST", "/v1/incidents"))
    asked = github.requests[asked_before:] if github else []
    first_answer = min(r.answered for r in sent)
    github_round = "-" if not asked else "1" if asked[0].arrived < first_answer else "later"
    return create + 1, rounds[create], len(sent) - create - 1, seconds, github_round


def step_environment(
    rootly: RootlyStandIn,
    workdir: Path,
    inputs: dict[str, str],
    env: dict[str, str],
    github: GitHubStandIn | None = None,
) -> dict[str, str]:
    """The environment the runner gives one step: GITHUB_* (with `env` over them) and an
    INPUT_* for every input given or defaulted, pointed at the stand-ins."""
    defaults = action_defaults(github.token if github else "")
    values = {**defaults, **inputs, "api-token": rootly.token, "api-url": rootly.url}
    return {
        "PATH": "/usr/bin:/bin",
        **github_environment(workdir, None),
        **({"GITHUB_API_URL": github.url} if github else {}),
        **env,
        **{f"INPUT_{name.upper()}": value for name, value in values.items() if value},
    }


def exported(revision: str, into: Path) -> Path:
    """The tree of `revision`, exported with `git archive` (nothing is checked out)."""
    archive = subprocess.run(
        ["git", "archive", "--format=tar", revision], cwd=ROOT, capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into / "entrypoint.py"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--before", help="a git revision to compare with")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        strategies = {"action": [sys.executable, str(ENTRYPOINT)]}
        if args.before:
            old = exported(args.before, Path(tmp))
            strategies[f"before ({args.before})"] = [sys.executable, str(old)]
        strategies["naive"] = [sys.executable, str(ROOT / "benchmarks" / "naive_declare.py")]
        print(
            f"latency {args.latency_ms:g} ms per answer, median of {args.runs} runs\n\n"
            "| references | strategy | requests to the create | create in round trip | "
            "requests after | GitHub asked in round | wall time |\n|---|---|---|---|---|---|---|"
        )
        number = 0
        latency = args.latency_ms / 1000
        with (
            RootlyStandIn(latency=latency, check_responses=False) as rootly,
            GitHubStandIn(repository=None, any_run=example_jobs(), delay=latency) as github,
        ):
            for scenario, inputs in SCENARIOS.items():
                for label, command in strategies.items():
                    given = inputs
                    if label == "naive":
                        if scenario == "all IDs":
                            continue  # it looks everything up by name
                        given = {**inputs, **NAIVE_NAMES}
                    results = []
                    for _ in range(args.runs):
                        number += 1
                        results.append(run_once(rootly, command, given, number, github))
                    to_create, create_round, after, _, github_round = results[-1]
                    median = statistics.median(result[3] for result in results)
                    print(
                        f"| {scenario} | {label} | {to_create} | {create_round} | {after} | "
                        f"{github_round} | {median * 1000:.0f} ms |"
                    )


if __name__ == "__main__":
    main()
