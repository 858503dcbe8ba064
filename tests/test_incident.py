"""Building the create request from inputs and context (pure)."""

from __future__ import annotations

from dataclasses import replace

from rootly_incident_action.context import PullRequest, RunContext
from rootly_incident_action.incident import (
    FALLBACK_TITLE,
    build_incident,
    context_block,
    default_title,
    describe_references,
)
from rootly_incident_action.inputs import parse_inputs
from rootly_incident_action.rootly.requests import create_incident

CONTEXT = RunContext(
    repository="acme/shop",
    sha="0123456789abcdef",
    ref="refs/heads/main",
    ref_name="main",
    workflow="Release",
    job="publish",
    run_id="11",
    run_attempt="1",
    actor="octocat",
    event_name="push",
)


def test_the_default_title_names_workflow_repository_and_ref() -> None:
    assert default_title(CONTEXT) == "Workflow 'Release' failed in acme/shop on main"


def test_outside_a_workflow_the_title_still_says_something() -> None:
    assert default_title(RunContext()) == FALLBACK_TITLE


def test_empty_inputs_are_left_out_of_the_request() -> None:
    draft = build_incident(
        parse_inputs({"api-token": "t", "title": "T", "context-labels": "false"}), RunContext()
    )
    assert create_incident(draft.attributes()).body == {
        "data": {"type": "incidents", "attributes": {"title": "T"}}
    }


def test_teams_are_sent_as_groups_and_test_incidents_as_kind_test() -> None:
    inputs = parse_inputs({"api-token": "t", "teams": "team-1", "test-incident": "true"})
    attributes = build_incident(inputs, CONTEXT).attributes()
    assert attributes["group_ids"] == ["team-1"]
    assert attributes["kind"] == "test"


def test_user_labels_win_over_context_labels() -> None:
    inputs = parse_inputs({"api-token": "t", "labels": "github_ref=custom, team=sre"})
    labels = build_incident(inputs, CONTEXT).labels
    assert labels["github_ref"] == "custom"
    assert labels["team"] == "sre"
    assert labels["github_run_id"] == "11"


def test_the_context_block_leaves_out_what_is_unknown() -> None:
    block = context_block(RunContext(repository="acme/shop", run_id="3"))
    assert "Commit" not in block
    assert "Pull request" not in block
    assert "[#3](https://github.com/acme/shop/actions/runs/3)" in block


def test_the_context_block_links_the_pull_request() -> None:
    context = replace(CONTEXT, pull_request=PullRequest(number=9, title="Fix"))
    assert "- Pull request: [#9 Fix](https://github.com/acme/shop/pull/9)" in context_block(context)


def test_the_references_sent_are_described_by_input_name() -> None:
    inputs = parse_inputs({"api-token": "t", "severity": "s1", "services": "a, b"})
    described = describe_references(build_incident(inputs, CONTEXT))
    assert described == "severity=s1; services=a, b"
