"""Runs workflows under nektos/act (scripts/act) as GitHub's runner would, and checks them.

    .venv/bin/python scripts/check_workflows.py

1. The CI workflow's `self-test` job: `uses: ./` builds the Dockerfile and dry-runs it;
   and its `python-action` job's Linux leg: `uses: ./python` dry-runs with the job
   container's Python.
2. tests/workflows/failure-job.yml, the README's recommended pattern: a deploy job fails,
   and a failure job of its own declares the incident through `uses: ./` against the
   local Rootly stand-in, naming the failed job read from the GitHub stand-in (with the
   job token act hands out), then hands its outputs to a later step.
3. tests/workflows/resolve-on-recovery.yml, the README's "Resolve on recovery" pattern:
   a red run declares the incident, then a green run resolves it with
   `dedup-scope: workflow` (the failure job skipped), and a second green run finds
   nothing open.
4. tests/workflows/pulse.yml, the "Marking deploys" pattern (docs/paging-and-deploys.md):
   a deploy job marks itself with a pulse through `uses: ./`, services and environments
   resolved by name.
5. tests/workflows/python-action.yml: the failure-job pattern through `uses: ./python`,
   the composite for runners without Docker, with the job container's own Python (its
   locked dependencies installed from the package index). act fetches every action a
   composite names, even for a step that is skipped, and github.com is out of reach
   here: actions/setup-python is replaced by a local action that fails if it ever runs,
   which proves the step is skipped when the runner has a Python.
Exits non-zero, saying why, when one does not behave.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "support"))

from github_standin import GitHubStandIn, job
from python_action import SETUP_PYTHON
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

    # act runs Linux legs only, and finds no image for a matrix leg unless the matrix is
    # narrowed to it; the macOS and Windows legs run on GitHub alone.
    with never_run_setup_python() as replacement:
        code, log = act(
            "push",
            "-W",
            ".github/workflows/ci.yml",
            "-j",
            "python-action",
            "--matrix",
            "os:ubuntu-latest",
            "--local-repository",
            f"{SETUP_PYTHON}={replacement}",
        )
    if code != 0 or "🏁  Job succeeded" not in log or "setup-python ran" in log:
        fail("the CI workflow's python-action job did not succeed under act", log)
    print("ci.yml python-action: ./python dry-ran with the job container's Python")

    # What GitHub would list for the run: the deploy job failed at its one step.
    jobs = [
        job(1, "deploy", "failure", [("Set up job", "success"), ("Run echo", "failure")]),
        job(2, "declare-incident", None, [("Set up job", "success")]),
    ]
    with (
        RootlyStandIn(token="act-token", port=0) as rootly,
        GitHubStandIn(repository=None, any_run=jobs) as github,
    ):
        check_failure_job("failure-job.yml", "./", rootly, github)

    with (
        RootlyStandIn(token="act-token", port=0) as rootly,
        GitHubStandIn(repository=None, any_run=jobs) as github,
        never_run_setup_python() as never_run,
    ):
        check_failure_job(
            "python-action.yml",
            "./python",
            rootly,
            github,
            "--local-repository",
            f"{SETUP_PYTHON}={never_run}",
        )

    with RootlyStandIn(token="act-token", port=0) as rootly:
        check_resolve_on_recovery(rootly)

    with RootlyStandIn(token="act-token", port=0) as rootly:
        check_pulse(rootly)


@contextmanager
def never_run_setup_python() -> Iterator[str]:
    """A local action standing for actions/setup-python that fails if it ever runs."""
    with tempfile.TemporaryDirectory() as never_run:
        (Path(never_run) / "action.yml").write_text(
            "name: setup-python stand-in\ndescription: fails if it runs\n"
            "runs:\n  using: composite\n  steps:\n"
            "    - run: echo 'setup-python ran' && exit 1\n      shell: bash\n",
            encoding="utf-8",
        )
        yield never_run


def check_failure_job(
    workflow: str, uses: str, rootly: RootlyStandIn, github: GitHubStandIn, *more: str
) -> None:
    """The failure-job pattern (tests/workflows/`workflow`, the action as `uses: {uses}`):
    the deploy job fails, the failure job declares one incident with its services,
    naming the failed job and step read from the GitHub stand-in."""
    _exit_code, log = act(  # exits 1: the deploy job fails on purpose
        "workflow_dispatch",
        "-W",
        f"tests/workflows/{workflow}",
        *more,
        "-s",
        f"ROOTLY_API_TOKEN={rootly.token}",
        "-s",
        f"GITHUB_TOKEN={github.token}",
        "--env",
        f"ROOTLY_API_URL={rootly.url}",
        "--env",
        f"GITHUB_API_URL={github.url}",
    )
    if (
        "Job 'deploy' failed" not in log
        or "[Deploy/declare-incident] 🏁  Job succeeded" not in log
        or "setup-python ran" in log
    ):
        fail(f"the failure job of {workflow} did not declare the incident under act", log)
    if len(rootly.incidents) != 1 or rootly.violations:
        fail(f"expected one incident, got {len(rootly.incidents)}: {rootly.violations}", log)
    attributes = rootly.incidents[0]["attributes"]
    services = [link["data"]["id"] for link in attributes["services"]]
    if services != [stable_id("services", "payments"), stable_id("services", "checkout")]:
        fail(f"the incident has the wrong services: {services}", log)
    if "failed at job 'deploy'" not in attributes["title"] or github.violations:
        fail(f"the incident does not name the failed job: {attributes['title']!r}", log)
    if not github.requests or "Run echo" not in attributes["summary"]:
        fail("the failed job's step is not in the incident's summary", log)
    print(f"{workflow}: declared {attributes['title']!r} through uses: {uses}")


def recovery_run(rootly: RootlyStandIn, outcome: str) -> str:
    """One run of the pattern whose deploy job ends `outcome` (red or green); its log."""
    code, log = act(
        "workflow_dispatch",
        "-W",
        "tests/workflows/resolve-on-recovery.yml",
        "-s",
        f"ROOTLY_API_TOKEN={rootly.token}",
        "--env",
        f"ROOTLY_API_URL={rootly.url}",
        "--env",
        f"DEPLOY_OUTCOME={outcome}",
    )
    if outcome == "green" and code != 0:
        fail("a green run of resolve-on-recovery.yml did not succeed under act", log)
    return log


def check_resolve_on_recovery(rootly: RootlyStandIn) -> None:
    red = recovery_run(rootly, "red")
    if "[Deploy/declare-incident] 🏁  Job succeeded" not in red or len(rootly.incidents) != 1:
        fail("the red run did not declare one incident", red)
    if "Deploy/resolve-incident" in red:
        fail("the red run ran the resolve job", red)
    green = recovery_run(rootly, "green")
    if "Deploy/declare-incident" in green:
        fail("the green run ran the failure job", green)
    if "resolve-incident status=resolved changed=true" not in green:
        fail("the green run did not resolve the incident", green)
    again = recovery_run(rootly, "green")
    if "resolve-incident status= changed=false" not in again:
        fail("a second green run changed something", again)
    status = rootly.incidents[0]["attributes"]["status"]
    if len(rootly.incidents) != 1 or status != "resolved" or rootly.violations:
        fail(f"expected one resolved incident: {rootly.incidents}, {rootly.violations}", again)
    print("resolve-on-recovery.yml: a red run declared, a green run resolved, the next did nothing")


def check_pulse(rootly: RootlyStandIn) -> None:
    code, log = act(
        "workflow_dispatch",
        "-W",
        "tests/workflows/pulse.yml",
        "-s",
        f"ROOTLY_API_TOKEN={rootly.token}",
        "--env",
        f"ROOTLY_API_URL={rootly.url}",
    )
    if code != 0 or len(rootly.pulses) != 1 or rootly.violations:
        fail(f"the deploy did not mark one pulse: {rootly.pulses}, {rootly.violations}", log)
    sent = rootly.requests_to("POST", "/v1/pulses")[0].body["data"]["attributes"]
    if sent.get("environment_ids") != [stable_id("environments", "production")]:
        fail(f"the pulse has the wrong environments: {sent}", log)
    print(f"pulse.yml: marked {sent['summary']!r} through uses: ./")


if __name__ == "__main__":
    main()
