"""Runs workflows under nektos/act (scripts/act) as GitHub's runner would, and checks them.

    .venv/bin/python scripts/check_workflows.py

1. The CI workflow's `self-test` job: `uses: ./` builds the Dockerfile and dry-runs it.
2. tests/workflows/failure-job.yml, the README's recommended pattern: a deploy job fails,
   and a failure job of its own declares the incident through `uses: ./` against the
   local Rootly stand-in, then hands its outputs to a later step.
Exits non-zero, saying why, when either does not behave.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from rootly_standin import RootlyStandIn, stable_id

ACT = str(ROOT / "scripts" / "act")


def act(*args: str) -> tuple[int, str]:
    done = subprocess.run(
        [ACT, *args], capture_output=True, text=True, timeout=900, check=False, cwd=ROOT
    )
    return done.returncode, done.stdout + done.stderr


def fail(why: str, log: str) -> None:
    print(log[-6000:])
    sys.exit(f"check_workflows: {why}")


def main() -> None:
    code, log = act("push", "-W", ".github/workflows/ci.yml", "-j", "self-test")
    if code != 0 or "🏁  Job succeeded" not in log:
        fail("the CI workflow's self-test job did not succeed under act", log)
    print("ci.yml self-test: the Dockerfile built and the dry run succeeded")

    with RootlyStandIn(token="act-token", port=0) as rootly:
        code, log = act(
            "workflow_dispatch",
            "-W",
            "tests/workflows/failure-job.yml",
            "-s",
            f"ROOTLY_API_TOKEN={rootly.token}",
            "--env",
            f"ROOTLY_API_URL={rootly.url}",
        )
        # act exits 1 because the deploy job fails on purpose; the failure job must not.
        if (
            "Job 'deploy' failed" not in log
            or "[Deploy/declare-incident] 🏁  Job succeeded" not in log
        ):
            fail("the failure job did not declare the incident under act", log)
        if len(rootly.incidents) != 1 or rootly.violations:
            fail(f"expected one incident, got {len(rootly.incidents)}: {rootly.violations}", log)
        attributes = rootly.incidents[0]["attributes"]
        services = [link["data"]["id"] for link in attributes["services"]]
        if services != [stable_id("services", "payments"), stable_id("services", "checkout")]:
            fail(f"the incident has the wrong services: {services}", log)
        print(f"failure-job.yml: declared {attributes['title']!r} through uses: ./")


if __name__ == "__main__":
    main()
