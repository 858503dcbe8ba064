"""What a create that fails costs: requests and wall time with a busy dedup window.

    .venv/bin/python benchmarks/failed_create.py [--runs 3] [--latency-ms 50] [--window 1000]

Fills the stand-in with `--window` incidents created within the dedup window, then runs
entrypoint.py (as the runner starts it) once per fault on the create: an answered 5xx
(Rootly is done with it: looked for once, sent again at once) and a dropped connection
after Rootly made the incident (looked for until found). Prints one Markdown row per
fault: requests sent, and the median wall time of the whole process.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "support"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from action_harness import ENTRYPOINT

from rootly_standin import RootlyStandIn
from round_trips import step_environment

FAULTS: dict[str, dict[str, Any]] = {
    "one 5xx on the create": {"status": 503},
    "the create's answer lost (made)": {"drop_after": True},
}


def run_once(rootly: RootlyStandIn, number: int) -> tuple[int, float]:
    """(requests, seconds) of one run of the action."""
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        (workdir / "workspace").mkdir()
        inputs = {"title": f"Benchmark {number}"}
        environ = step_environment(rootly, workdir, inputs, {"GITHUB_RUN_ID": str(7000 + number)})
        before = len(rootly.requests)
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, str(ENTRYPOINT)], env=environ, capture_output=True, check=False
        )
        seconds = time.perf_counter() - started
        if done.returncode != 0:
            raise SystemExit(f"failed:\n{done.stdout.decode()}{done.stderr.decode()}")
    return len(rootly.requests) - before, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--window", type=int, default=1000)
    args = parser.parse_args()
    print(
        f"{args.window} incidents in the dedup window, latency {args.latency_ms:g} ms per "
        f"answer, median of {args.runs} runs\n\n| fault | requests | wall time |\n|---|---|---|"
    )
    number = 0
    with RootlyStandIn(latency=args.latency_ms / 1000, check_responses=False) as rootly:
        for index in range(args.window):
            rootly.book.create({"title": f"Other incident {index}"})
        for fault, how in FAULTS.items():
            results = []
            for _ in range(args.runs):
                number += 1
                rootly.add_fault("POST", "/v1/incidents", **how)
                results.append(run_once(rootly, number))
            median = statistics.median(seconds for _, seconds in results)
            print(f"| {fault} | {results[-1][0]} | {median:.1f} s |")


if __name__ == "__main__":
    main()
