"""python/action.yml, the action for runners without Docker: the same inputs and outputs
as the container action, and the README's failure-job pattern run through its steps with
this machine's own Python, no container engine involved."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from action_harness import ROOT, RUN_ID, SERVER_URL, action_metadata
from python_action_harness import PythonActionHarness, find_runner_python, python_action
from readme_examples import check_example, readme_examples, start_example

from github_standin import GitHubStandIn, example_jobs
from rootly_standin import RootlyStandIn


@pytest.fixture(scope="module")
def runner_temp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One job's temporary folder, shared by every run of this module (so the locked
    dependencies install once, as they would for the steps of one job)."""
    yield tmp_path_factory.mktemp("runner-temp")


@pytest.fixture
def python_action_run(
    tmp_path: Path, rootly: RootlyStandIn, github: GitHubStandIn, runner_temp: Path
) -> PythonActionHarness:
    return PythonActionHarness(tmp_path, rootly, github, find_runner_python(tmp_path), runner_temp)


def test_inputs_and_outputs_are_exactly_the_container_actions() -> None:
    docker, composite = action_metadata(), python_action()
    assert composite["inputs"] == docker["inputs"]
    assert list(composite["outputs"]) == list(docker["outputs"])
    for name, spec in composite["outputs"].items():
        assert spec["description"] == docker["outputs"][name]["description"], name
        assert spec["value"] == f"${{{{ steps.run.outputs.{name} }}}}", name
    run_step = composite["runs"]["steps"][-1]
    # Every input reaches run.py; a new input of action.yml cannot be forgotten.
    passed = {name for name in run_step["env"] if name.startswith("ROOTLY_INPUT_")}
    assert passed == {"ROOTLY_INPUT_" + n.upper().replace("-", "_") for n in docker["inputs"]}
    assert len(composite["description"]) < 125
    assert composite["runs"]["using"] == "composite"


def test_python_action_yml_is_generated_from_action_yml() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "python_action.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_the_failure_job_pattern_runs_with_the_runners_python(
    python_action_run: PythonActionHarness, rootly: RootlyStandIn, github: GitHubStandIn
) -> None:
    github.any_run = example_jobs(int(RUN_ID), server=SERVER_URL)
    (pattern,) = [
        e for e in readme_examples() if e.heading == "Declare an incident when a deploy fails"
    ]
    example_run = start_example(pattern, rootly)

    example_run.run_all(
        lambda inputs, env: python_action_run.run(
            inputs, env={"GITHUB_JOB": "declare-incident", **env}
        )
    )

    check_example(rootly, example_run)
    (_, _, run) = example_run.runs[0]
    (incident,) = rootly.incidents
    assert incident["attributes"]["title"].startswith("Workflow 'Deploy' failed at job 'deploy'")
    assert run.outputs["incident-id"] == incident["id"]
    assert run.outputs["created"] == "true"
    assert "Failed jobs" in run.summary


def test_a_re_run_through_the_python_action_reuses_the_incident(
    python_action_run: PythonActionHarness, rootly: RootlyStandIn
) -> None:
    first = python_action_run.run({"title": "Smoke tests failed"})
    again = python_action_run.run({"title": "Smoke tests failed"})

    assert first.exit_code == again.exit_code == 0, first.stdout + again.stdout
    assert again.outputs["incident-id"] == first.outputs["incident-id"]
    assert again.outputs["created"] == "false"
    assert len(rootly.incidents) == 1


def test_bad_input_is_one_clear_error_through_the_python_action(
    python_action_run: PythonActionHarness, rootly: RootlyStandIn
) -> None:
    run = python_action_run.run({"operation": "explode"})

    assert run.exit_code == 1
    assert [a.message for a in run.annotations("error")] == [
        "input 'operation': 'explode' is not valid; expected one of create, update, "
        "add-event, mitigate, resolve, cancel, pulse, alert"
    ]
    assert rootly.requests == []


def test_a_package_index_out_of_reach_is_one_error_and_nothing_is_sent(
    tmp_path: Path, rootly: RootlyStandIn, github: GitHubStandIn
) -> None:
    # A fresh job (nothing installed yet) on a runner that cannot reach any index.
    harness = PythonActionHarness(
        tmp_path, rootly, github, find_runner_python(tmp_path), tmp_path / "fresh-temp"
    )
    unreachable = {
        "PIP_CONFIG_FILE": os.devnull,
        "PIP_INDEX_URL": "http://127.0.0.1:9/simple/",
        "PIP_RETRIES": "0",
        "PIP_TIMEOUT": "2",
    }

    run = harness.run({"title": "Smoke tests failed"}, env=unreachable)

    assert run.exit_code == 1
    (error,) = run.annotations("error")
    assert error.title == "Rootly action set-up failed"
    assert error.message.startswith(
        "Could not install the action's locked dependencies from the package index"
    )
    assert "Nothing was sent to Rootly." in error.message
    assert rootly.requests == []
    assert run.outputs == {}
    # The next step tries again instead of using a half-made environment.
    assert not list((tmp_path / "fresh-temp").rglob(".ready"))
