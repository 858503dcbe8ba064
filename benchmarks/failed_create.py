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
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "support"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from lifecycle import run_once  # one run of entrypoint.py, as the runner starts it
from rootly_standin import RootlyStandIn

FAULTS: dict[str, dict[str, Any]] = {
    "one 5xx on the create": {"status": 503},
    "the create's answer lost (made)": {"drop_after": True},
}


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
                requests, _, seconds = run_once(rootly, {"title": f"Benchmark {number}"}, number)
                results.append((requests, seconds))
            median = statistics.median(seconds for _, seconds in results)
            print(f"| {fault} | {results[-1][0]} | {median:.1f} s |")


if __name__ == "__main__":
    main()
