"""Start-up cost of the action, and the size of its image.

    .venv/bin/python benchmarks/startup.py [--runs 15] [--image rootly-incident-action:dev]

Prints the median wall time of a dry run of the whole action process (the token and
every input set as the runner sets them; nothing sent), next to `python -c pass` and
`python -c "import httpx, pydantic"` measured in the same run; the dry run's peak
memory; and, when podman can see the image, the size the project's layers add to
the base image; and the time from starting the process to the first request Rootly
receives (against the local stand-in).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "support"))

from action_harness import ENTRYPOINT, action_defaults, github_environment

BASE_IMAGE = "docker.io/library/python:3.12-slim"
DRY_RUN_INPUTS = {
    "api-token": "benchmark-token-not-used",
    "title": "Deploy to production failed",
    "severity": "5b1c7a8e-0000-4000-8000-000000000001",
    "services": "5b1c7a8e-0000-4000-8000-000000000002, 5b1c7a8e-0000-4000-8000-000000000003",
    "labels": "release=2026.11.3",
    "dry-run": "true",
}


def timed(command: list[str], environ: dict[str, str], runs: int) -> tuple[float, int]:
    """(median seconds, peak resident KiB) over `runs` fresh processes."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run(command, env=environ, capture_output=True, check=False)
        times.append(time.perf_counter() - started)
        if done.returncode != 0:
            raise SystemExit(f"{command} failed: {done.stdout!r} {done.stderr!r}")
    # ru_maxrss of children is the largest any of them reached, in KiB on Linux.
    return statistics.median(times), resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss


def to_first_request(environ: dict[str, str], command: list[str], runs: int) -> float:
    """Median seconds from starting the process to Rootly receiving its first request
    (a run with every reference an ID: its first request is the duplicate search)."""
    from rootly_standin import RootlyStandIn

    waits = []
    with RootlyStandIn(check_responses=False) as rootly:
        given = {
            **environ,
            "INPUT_DRY-RUN": "false",
            "INPUT_API-TOKEN": rootly.token,
            "INPUT_API-URL": rootly.url,
            "INPUT_SEVERITY": "",
            "INPUT_SERVICES": "",
        }
        for number in range(runs):
            given["GITHUB_RUN_ID"] = str(4000 + number)
            before = len(rootly.requests)
            started = time.monotonic()
            subprocess.run(command, env=given, capture_output=True, check=True)
            waits.append(rootly.requests[before].arrived - started)
    return statistics.median(waits)


def image_size(image: str) -> int | None:
    podman = ROOT / "scripts" / "podman"
    try:
        done = subprocess.run(
            [str(podman), "image", "inspect", "--format", "{{.Size}}", image],
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return None
    return int(done.stdout.strip()) if done.returncode == 0 else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--image", default="rootly-incident-action:dev")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        (workdir / "workspace").mkdir()
        values = {**action_defaults(), **DRY_RUN_INPUTS}
        environ = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            **github_environment(workdir, None),
            **{f"INPUT_{name.upper()}": value for name, value in values.items()},
        }
        python = sys.executable
        rows = [
            ("python -c pass", [python, "-c", "pass"]),
            ('python -c "import httpx, pydantic"', [python, "-c", "import httpx, pydantic"]),
            ("action dry run", [python, str(ENTRYPOINT)]),
        ]
        print(f"{'process':<36} {'median':>8}")
        for label, command in rows:
            median, peak = timed(command, environ, args.runs)
            print(f"{label:<36} {median * 1000:>6.0f}ms")
        print(f"{'peak memory of any run above':<36} {peak / 1024:>6.1f}MB")
        first = to_first_request(environ, [python, str(ENTRYPOINT)], args.runs)
        print(f"{'process start to first request':<36} {first * 1000:>6.0f}ms")
    image, base = image_size(args.image), image_size(BASE_IMAGE)
    if image is None or base is None:
        print(f"image {args.image}: not found (build it with scripts/build-image)")
    else:
        print(f"{'layers added to the base image':<36} {(image - base) / 1e6:>6.1f}MB")


if __name__ == "__main__":
    main()
