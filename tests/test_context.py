"""The run context, read from GITHUB_* variables and the event file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rootly_incident_action.context import read_run_context


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
    from rootly_incident_action.context import PullRequest, RunContext

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
