"""The run context, read from GITHUB_* variables and the event file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from rootly_incident_action.github.context import read_run_context


def test_nothing_set_means_an_empty_context_not_a_crash() -> None:
    context = read_run_context({})
    assert not context.in_workflow
    assert context.run_url == ""
    assert context.commit_url == ""
    assert context.server_url == "https://github.com"


def test_links_follow_the_server_url_for_enterprise_server() -> None:
    context = read_run_context(
        {
            "GITHUB_SERVER_URL": "https://git.acme.test/",
            "GITHUB_REPOSITORY": "acme/shop",
            "GITHUB_SHA": "abcdef1234567890",
            "GITHUB_RUN_ID": "5",
            "GITHUB_RUN_ATTEMPT": "3",
        }
    )
    assert context.commit_url == "https://git.acme.test/acme/shop/commit/abcdef1234567890"
    assert context.run_url == "https://git.acme.test/acme/shop/actions/runs/5/attempts/3"
    assert context.short_sha == "abcdef1"


def test_the_pull_request_comes_from_the_event_file(tmp_path: Path) -> None:
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": 7, "title": "Bump"}}))
    context = read_run_context({"GITHUB_EVENT_PATH": str(event), "GITHUB_REPOSITORY": "a/b"})
    assert context.pull_request is not None
    assert context.pull_request.number == 7
    assert context.pull_request_url == "https://github.com/a/b/pull/7"


def test_an_unreadable_event_file_only_loses_the_pull_request(tmp_path: Path) -> None:
    event = tmp_path / "event.json"
    event.write_text("{not json")
    assert read_run_context({"GITHUB_EVENT_PATH": str(event)}).pull_request is None
    missing = str(tmp_path / "absent.json")
    assert read_run_context({"GITHUB_EVENT_PATH": missing}).pull_request is None


def test_the_head_branch_names_a_pull_request_run() -> None:
    context = read_run_context({"GITHUB_REF_NAME": "42/merge", "GITHUB_HEAD_REF": "fix-it"})
    assert context.ref_name == "fix-it"


def test_every_variable_lands_in_its_field_trimmed(tmp_path: Path) -> None:
    from rootly_incident_action.github.context import PullRequest, RunContext

    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": 9, "title": 12}}))
    environ = {
        "GITHUB_SERVER_URL": " https://git.acme.test/ ",
        "GITHUB_REPOSITORY": "acme/shop",
        "GITHUB_SHA": "abc123",
        "GITHUB_REF": "refs/heads/main",
        "GITHUB_REF_NAME": "main",
        "GITHUB_WORKFLOW": "Deploy",
        "GITHUB_JOB": "ship",
        "GITHUB_RUN_ID": "77",
        "GITHUB_RUN_NUMBER": "12",
        "GITHUB_RUN_ATTEMPT": "2",
        "GITHUB_ACTOR": "octocat",
        "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_EVENT_PATH": str(event),
    }
    assert read_run_context(environ) == RunContext(
        server_url="https://git.acme.test",
        repository="acme/shop",
        sha="abc123",
        ref="refs/heads/main",
        ref_name="main",
        workflow="Deploy",
        job="ship",
        run_id="77",
        run_number="12",
        run_attempt="2",
        actor="octocat",
        event_name="pull_request",
        pull_request=PullRequest(number=9, title=""),
    )


@pytest.mark.parametrize(
    "event",
    [[1, 2], {"pull_request": "x"}, {"pull_request": {"number": "7"}}, {"ref": "refs/heads/x"}],
)
def test_an_event_without_a_usable_pull_request_has_none(tmp_path: Path, event: object) -> None:
    path = tmp_path / "event.json"
    path.write_text(json.dumps(event))
    assert read_run_context({"GITHUB_EVENT_PATH": str(path)}).pull_request is None


EVENTS = Path(__file__).resolve().parents[1] / "events"


def with_event(tmp_path: Path, name: str, change: Any = None, **environ: str) -> Any:
    from rootly_incident_action.github.context import read_run_context

    payload = json.loads((EVENTS / f"{name}.json").read_text())
    if change:
        change(payload)
    path = tmp_path / "event.json"
    path.write_text(json.dumps(payload))
    base = {
        "GITHUB_REPOSITORY": "acme/shop",
        "GITHUB_RUN_ID": "555",
        "GITHUB_RUN_ATTEMPT": "1",
        "GITHUB_WORKFLOW": "Watch",
        "GITHUB_JOB": "declare",
        "GITHUB_SHA": "f" * 40,
        "GITHUB_REF": "refs/heads/main",
        "GITHUB_REF_NAME": "main",
        "GITHUB_ACTOR": "watcher-bot",
        "GITHUB_EVENT_PATH": str(path),
    }
    return read_run_context({**base, **environ}), payload


def test_on_workflow_run_the_context_is_the_run_that_failed(tmp_path: Path) -> None:
    from rootly_incident_action.github.context import PullRequest, Watcher

    def failed(payload: dict[str, Any]) -> None:
        payload["workflow_run"].update(name="Deploy", run_attempt=2, display_title="Ship it")

    context, payload = with_event(
        tmp_path, "workflow_run.completed", failed, GITHUB_EVENT_NAME="workflow_run"
    )
    run = payload["workflow_run"]
    assert context.run_id == str(run["id"])
    assert context.run_attempt == "2"
    assert context.run_number == str(run["run_number"])
    assert context.workflow == "Deploy"
    assert context.job == ""
    assert context.sha == run["head_sha"]
    assert context.ref == f"refs/heads/{run['head_branch']}"
    assert context.ref_name == run["head_branch"]
    assert context.actor == run["triggering_actor"]["login"]
    assert context.started_by == run["event"]
    assert context.display_title == "Ship it"
    assert context.run_url == f"{run['html_url']}/attempts/2"
    assert context.pull_request == PullRequest(run["pull_requests"][0]["number"])
    assert context.watcher == Watcher(
        "555", "1", "Watch", "https://github.com/acme/shop/actions/runs/555/attempts/1"
    )


def test_a_workflow_run_payload_with_gaps_keeps_what_the_runner_said(tmp_path: Path) -> None:
    def gaps(payload: dict[str, Any]) -> None:
        payload["workflow_run"] = {
            "id": 9,
            "pull_requests": "x",
            "actor": {"login": "a"},
            "head_branch": True,
        }

    context, _ = with_event(
        tmp_path, "workflow_run.completed", gaps, GITHUB_EVENT_NAME="workflow_run"
    )
    assert (context.run_id, context.sha, context.ref_name, context.workflow) == (
        "9",
        "f" * 40,
        "main",
        "Watch",
    )
    assert context.actor == "a"
    assert context.pull_request is None
    assert context.run_url == "https://github.com/acme/shop/actions/runs/9"


def test_on_deployment_status_the_context_is_the_deployment(tmp_path: Path) -> None:
    from rootly_incident_action.github.context import Deployment

    def failed(payload: dict[str, Any]) -> None:
        payload["deployment_status"].update(
            state="failure", environment="production", description="Down"
        )

    context, payload = with_event(
        tmp_path, "deployment_status.created", failed, GITHUB_EVENT_NAME="deployment_status"
    )
    deployment, status = payload["deployment"], payload["deployment_status"]
    assert context.sha == deployment["sha"]
    assert context.ref == context.ref_name == deployment["ref"]
    assert context.actor == deployment["creator"]["login"]
    assert context.deployment == Deployment(
        id=str(deployment["id"]),
        environment="production",
        state="failure",
        creator=deployment["creator"]["login"],
        target_url=status["target_url"],
        log_url=status["log_url"],
        description="Down",
    )
    assert context.run_id == "555" and context.watcher is None


def test_pull_requests_and_releases_add_what_they_are_about(tmp_path: Path) -> None:
    from rootly_incident_action.github.context import Release

    pull, payload = with_event(
        tmp_path, "pull_request.opened", GITHUB_EVENT_NAME="pull_request_target"
    )
    assert pull.sha == payload["pull_request"]["head"]["sha"]
    release, payload = with_event(tmp_path, "release.published", GITHUB_EVENT_NAME="release")
    assert release.release == Release(
        payload["release"]["tag_name"], payload["release"]["html_url"]
    )
    other, _ = with_event(tmp_path, "release.published", GITHUB_EVENT_NAME="push")
    assert other.release is None and other.sha == "f" * 40
