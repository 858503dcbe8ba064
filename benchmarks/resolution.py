"""How fast references resolve: request counts and wall time of the whole process.

    .venv/bin/python benchmarks/resolution.py [--runs 7] [--latency-ms 0 50]

For each latency the Rootly stand-in adds to every answer, and each scenario —
(a) every reference an ID, (b) one named reference of each of six kinds — it runs
the real entrypoint several times and prints the number of requests and the median
wall time, next to two baselines measured in the same run
(benchmarks/baseline_resolvers.py: the same process with another resolution strategy):
a naive resolver (one request per name, in input order) and listing every kind whole.
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

from action_harness import ENTRYPOINT, action_defaults, github_environment
from rootly_standin import RootlyStandIn, stable_id

SCENARIOS = {
    "all IDs": {
        "severity": stable_id("severities", "sev1"),
        "services": f"{stable_id('services', 'payments')}, {stable_id('services', 'checkout')}",
        "environments": stable_id("environments", "production"),
        "teams": stable_id("teams", "platform"),
        "incident-types": stable_id("incident_types", "deployment"),
        "functionalities": stable_id("functionalities", "card-payments"),
    },
    "six kinds by name": {
        "severity": "SEV1",
        "services": "Payments, Checkout",
        "environments": "Production",
        "teams": "Platform",
        "incident-types": "Deployment",
        "functionalities": "Card payments",
    },
}
BASELINES = str(ROOT / "benchmarks/baseline_resolvers.py")
COMMANDS = {
    "action": [sys.executable, str(ENTRYPOINT)],
    "naive sequential": [sys.executable, BASELINES, "naive"],
    "list every kind": [sys.executable, BASELINES, "listing"],
}


def measure(
    rootly: RootlyStandIn, command: list[str], inputs: dict[str, str], runs: int
) -> tuple[int, float]:
    """(requests per run, median seconds) of `runs` runs of `command`."""
    times, counts = [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            workdir = Path(tmp)
            (workdir / "workspace").mkdir()
            values = {
                **action_defaults(),
                **inputs,
                "title": "Benchmark",
                # Resolution is what is measured; the duplicate search would add one
                # request to every variant alike.
                "deduplicate": "false",
                "api-token": rootly.token,
                "api-url": rootly.url,
            }
            environ = {
                "PATH": "/usr/bin:/bin",
                **github_environment(workdir, None),
                **{f"INPUT_{name.upper()}": value for name, value in values.items()},
            }
            before = len(rootly.requests)
            started = time.perf_counter()
            done = subprocess.run(command, env=environ, capture_output=True, check=False)
            times.append(time.perf_counter() - started)
            counts.append(len(rootly.requests) - before)
            if done.returncode != 0:
                raise SystemExit(f"{command} failed:\n{done.stdout.decode()}{done.stderr.decode()}")
    return max(counts), statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--latency-ms", type=float, nargs="+", default=[0.0, 50.0])
    args = parser.parse_args()
    print(f"{'latency':>8}  {'scenario':<18} {'resolver':<20} {'requests':>8} {'median':>9}")
    for latency in args.latency_ms:
        with RootlyStandIn(latency=latency / 1000, check_responses=False) as rootly:
            for scenario, inputs in SCENARIOS.items():
                results = {}
                for label, command in COMMANDS.items():
                    if scenario == "all IDs" and label != "action":
                        continue
                    count, median = measure(rootly, command, inputs, args.runs)
                    results[label] = median
                    print(
                        f"{latency:>6.0f}ms  {scenario:<18} {label:<20} {count:>8} "
                        f"{median * 1000:>7.0f}ms"
                    )
                if "naive sequential" in results:
                    speedup = results["naive sequential"] / results["action"]
                    print(f"{'':>8}  {'':<18} {'action vs naive':<20} {'':>8} {speedup:>7.2f}x")


if __name__ == "__main__":
    main()
