"""End to end through the action's image, run the way GitHub's runner runs it.

Needs a container engine. Without one these tests are skipped with the reason; in CI
(REQUIRE_CONTAINER_TESTS=1, set by .ci/run) a missing engine is a failure instead.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from container_harness import ContainerHarness, build_image, container_engine_problem
from rootly_standin import RootlyStandIn, stable_id

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
    tmp_path: Path, rootly: RootlyStandIn, action_image: str
) -> Iterator[ContainerHarness]:
    yield ContainerHarness(tmp_path, rootly, action_image)


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
