"""End to end through the action's image, run the way GitHub's runner runs it.

Needs a container engine. Without one these tests are skipped with the reason; in CI
(REQUIRE_CONTAINER_TESTS=1, set by .ci/run) a missing engine is a failure instead.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme
from action_harness import ROOT, SERVER_URL, github_environment, input_variables
from container_harness import (
    ContainerHarness,
    build_image,
    container_engine,
    container_engine_problem,
)
from readme_examples import Example, check_example, readme_examples, start_example

from github_standin import GitHubStandIn, example_jobs
from rootly_standin import RootlyStandIn, stable_id

PACKAGE = ROOT / "src" / "rootly_incident_action"
# What the project's layers may add to the base image (pyyaml included).
MAX_ADDED_BYTES = 20_000_000

pytestmark = pytest.mark.container


@pytest.fixture(scope="session")
def action_image() -> str:
    problem = container_engine_problem()
    if problem:
        if os.environ.get("REQUIRE_CONTAINER_TESTS") == "1":
            pytest.fail(f"container tests are required here, but {problem}")
        pytest.skip(f"CONTAINER TESTS SKIPPED: {problem}")
    # .ci/run builds the image first and names it; otherwise build it now.
    return os.environ.get("ACTION_IMAGE") or build_image()


@pytest.fixture
def container(
    tmp_path: Path, rootly: RootlyStandIn, github: GitHubStandIn, action_image: str
) -> Iterator[ContainerHarness]:
    yield ContainerHarness(tmp_path, rootly, action_image, github)


def test_the_image_declares_an_incident_as_the_runner_runs_it(
    container: ContainerHarness, rootly: RootlyStandIn
) -> None:
    run = container.run(
        {"title": "Deploy failed (container)", "services": "Payments", "severity": "sev1"},
        event={"pull_request": {"number": 5, "title": "Ship it"}},
        env={"GITHUB_EVENT_NAME": "pull_request"},
    )

    assert run.exit_code == 0, run.stdout + run.stderr
    incident = rootly.incidents[0]
    assert run.outputs["incident-id"] == incident["id"]
    assert run.outputs["incident-url"] == incident["attributes"]["url"]
    body = rootly.requests_to("POST", "/v1/incidents")[0].body["data"]["attributes"]
    assert body["service_ids"] == [stable_id("services", "payments")]
    assert body["severity_id"] == stable_id("severities", "sev1")
    # The event file was read at its container path.
    assert "/acme/shop/pull/5" in body["summary"]
    assert incident["attributes"]["url"] in run.summary


def test_the_image_names_the_failed_job_read_from_github(
    container: ContainerHarness, rootly: RootlyStandIn, github: GitHubStandIn
) -> None:
    github.any_run = example_jobs(server=SERVER_URL)

    run = container.run({}, env={"GITHUB_JOB": "declare-incident"})

    assert run.exit_code == 0, run.stdout + run.stderr
    attributes = rootly.incidents[0]["attributes"]
    assert attributes["title"] == "Workflow 'Deploy' failed at job 'deploy' in acme/shop on main"
    assert "step Run database migrations" in attributes["summary"]
    assert json.loads(run.outputs["failed-jobs"])[0]["step"] == "Run database migrations"
    assert github.requests[0].headers["Authorization"] == f"Bearer {github.token}"


def test_the_image_fails_cleanly_on_bad_input(
    container: ContainerHarness, rootly: RootlyStandIn
) -> None:
    run = container.run({"private": "maybe"})

    assert run.exit_code == 1
    assert run.error.message == ("input 'private': 'maybe' is not valid; expected true or false")
    assert rootly.requests == []


def test_the_image_dry_run_sends_nothing(
    container: ContainerHarness, rootly: RootlyStandIn
) -> None:
    run = container.run({"title": "dry", "dry-run": "true"})

    assert run.exit_code == 0, run.stdout + run.stderr
    assert rootly.requests == []
    assert '"title": "dry"' in run.stdout


def test_the_image_trusts_a_private_ca_from_the_workspace(
    tmp_path: Path, tls_rootly: RootlyStandIn, ca: trustme.CA, action_image: str
) -> None:
    container = ContainerHarness(tmp_path, tls_rootly, action_image)
    run = container.run(
        {"title": "Over TLS, in the image"},
        # As a workflow writes it: the workspace is /github/workspace inside the container.
        env={"SSL_CERT_FILE": "/github/workspace/certs/ca.pem"},
        workspace_files={"certs/ca.pem": ca.cert_pem.bytes()},
    )

    assert run.exit_code == 0, run.stdout + run.stderr
    assert tls_rootly.incidents[0]["attributes"]["title"] == "Over TLS, in the image"


@pytest.mark.parametrize("example", readme_examples(), ids=lambda example: example.name)
def test_every_readme_example_declares_its_incident_in_the_image(
    example: Example, container: ContainerHarness, rootly: RootlyStandIn
) -> None:
    example_run = start_example(example, rootly)
    example_run.run_all(lambda inputs, env: container.run(inputs, env=env))
    check_example(rootly, example_run)


def imported_modules() -> set[str]:
    """Every module the package imports anywhere, deferred imports inside functions too."""
    found = {"rootly_incident_action"}
    for path in PACKAGE.rglob("*.py"):
        module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        found.add(module.removesuffix(".__init__").removesuffix(".__main__"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module)
    return found


def test_every_module_and_every_import_of_the_package_loads_in_the_image(
    action_image: str,
) -> None:
    modules = sorted(imported_modules())
    # `__main__` would run the command line, so it stands for the package; its imports count.
    code = (
        "import importlib, sys; sys.path.insert(0, '/action/src'); failed = []\n"
        f"for name in {modules!r}:\n"
        "    try: importlib.import_module(name)\n"
        "    except Exception as problem: failed.append(f'{name}: {problem!r}')\n"
        "print('\\n'.join(failed)); sys.exit(1 if failed else 0)"
    )
    python = ["--entrypoint", "/opt/venv/bin/python", action_image]
    done = subprocess.run(
        [container_engine(), "run", "--rm", *python, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, f"missing from the image:\n{done.stdout}{done.stderr}"
    assert "yaml" in modules and "httpx" in modules


def test_the_projects_layers_stay_small(action_image: str) -> None:
    def size(image: str) -> int:
        done = subprocess.run(
            [container_engine(), "image", "inspect", "--format", "{{.Size}}", image],
            capture_output=True,
            text=True,
            check=True,
        )
        return int(done.stdout.strip())

    base = _base_image_of(action_image)
    if container_engine() == "docker":
        # BuildKit keeps the base it pulled in its build cache, not always among the images.
        subprocess.run(["docker", "pull", "-q", base], capture_output=True, check=False)
    added = size(action_image) - size(base)
    assert 0 < added <= MAX_ADDED_BYTES, f"the project adds {added / 1e6:.1f} MB to {base}"


def _base_image_of(image: str) -> str:
    """The base the image was built on: the Dockerfile's pinned one, or podman's stand-in."""
    if container_engine() == "docker":
        text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
        return text.split("ARG BASE_IMAGE=", 1)[1].split()[0]
    return os.environ.get("BASE_IMAGE", "docker.io/library/python:3.12-slim")


def test_the_image_stops_within_two_seconds_when_the_workflow_is_cancelled(
    tmp_path: Path, rootly: RootlyStandIn, action_image: str
) -> None:
    # In the container the action is process 1, which ignores SIGTERM unless it handles it.
    rootly.add_fault("POST", "/v1/incidents", status=None, delay=20)
    container = ContainerHarness(tmp_path, rootly, action_image)
    workdir = tmp_path / "cancelled"
    (workdir / "workspace").mkdir(parents=True)
    environ = {**github_environment(workdir, None), **input_variables(rootly, {"title": "x"})}
    name = f"rootly-cancel-{uuid.uuid4().hex[:8]}"
    command, env = container.command_for(environ, workdir, name=name)
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 60
    while not rootly.requests_to("POST", "/v1/incidents") and time.monotonic() < deadline:
        time.sleep(0.05)
    started = time.monotonic()
    subprocess.run(
        [container_engine(), "kill", "--signal", "TERM", name], capture_output=True, check=True
    )
    stdout, _ = process.communicate(timeout=30)
    took = time.monotonic() - started

    assert took < 2, f"{took:.1f} s"
    assert "::error title=Cancelled::" in stdout
    assert "may have made that incident" in stdout
