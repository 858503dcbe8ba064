"""What an operation sends to each incident, decided from the incident as read. Pure."""

from __future__ import annotations

import pytest
from fakes import incident

from rootly_incident_action.github.context import RunContext
from rootly_incident_action.inputs import parse_inputs
from rootly_incident_action.plan.lifecycle import (
    default_message,
    event_text,
    message_and_event,
    plan_change,
    run_reference,
    update_attributes,
    update_draft,
)
from rootly_incident_action.rootly.requests import FormFieldSelection

TOKEN = "rootly_" + "a" * 40
RUN = RunContext(
    server_url="https://github.com",
    repository="acme/shop",
    sha="0123456789abcdef",
    ref="refs/heads/main",
    ref_name="main",
    workflow="Deploy",
    job="deploy",
    run_id="123456",
    run_number="123",
    run_attempt="2",
)
RUN_URL = "https://github.com/acme/shop/actions/runs/123456/attempts/2"


def test_the_default_message_names_the_run_linked_and_the_branch() -> None:
    assert default_message("resolve", RUN) == (
        f"Resolved by [workflow Deploy run #123 (attempt 2)]({RUN_URL}) on main"
    )
    assert default_message("mitigate", RUN).startswith("Mitigated by [workflow Deploy")
    assert default_message("cancel", RunContext()) == "Cancelled by rootly-incident-action."


def test_the_event_links_the_run_the_job_and_the_commit() -> None:
    assert event_text("resolve", RUN, "Fixed by 1.4.2") == (
        "Resolved from GitHub Actions: Fixed by 1.4.2\n"
        f"By workflow 'Deploy', job 'deploy', run #123 (attempt 2): {RUN_URL}\n"
        "Commit 0123456: https://github.com/acme/shop/commit/0123456789abcdef"
    )
    assert event_text("add-event", RUN, "Rolled back").startswith("Rolled back\nBy workflow")
    assert event_text("update", RUN, "", "severity, title").startswith(
        "Updated from GitHub Actions (severity, title)\nBy"
    )
    assert event_text("add-event", RunContext(), "Note") == "Note"
    assert run_reference(RunContext()) == ""


@pytest.mark.parametrize(
    ("operation", "status", "left_alone"),
    [
        ("resolve", "resolved", True),
        ("resolve", "closed", True),
        ("resolve", "mitigated", False),
        ("mitigate", "resolved", True),
        ("mitigate", "started", False),
        ("cancel", "cancelled", True),
        ("cancel", "resolved", False),
    ],
)
def test_an_incident_already_there_or_past_it_is_left_alone(
    operation: str, status: str, left_alone: bool
) -> None:
    change = plan_change(operation, incident(3, status=status), message="m", event="e")  # type: ignore[arg-type]
    assert (change.writes == ()) is left_alone
    if left_alone:
        assert change.nothing_because == f"it is already {status}"


@pytest.mark.parametrize("status", ["started", "mitigated", "cancelled"])
def test_a_transitions_event_waits_for_rootly_to_accept_it(status: str) -> None:
    change = plan_change("resolve", incident(3, status=status), message="m", event="e")
    assert [w.request.path for w in change.writes] == ["/v1/incidents/id-3/resolve"]
    assert change.writes[0].request.body == {
        "data": {"type": "incidents", "attributes": {"resolution_message": "m"}}
    }
    assert [w.request.path for w in change.then] == ["/v1/incidents/id-3/events"]


def test_update_sends_only_the_fields_given_with_labels_merged() -> None:
    inputs = parse_inputs(
        {
            "api-token": TOKEN,
            "operation": "update",
            "dedup-key": "k",
            "title": "New title",
            "labels": "rollback=1.4.1, team=web",
            "alert-ids": "a1",
        }
    )
    draft = update_draft(inputs, RUN)
    current = {"team": "payments", "rootly_action_dedup_key": "k"}

    attributes = update_attributes(inputs.update_fields, draft, inputs.labels, current)

    assert attributes == {
        "title": "New title",
        "alert_ids": ["a1"],
        "labels": {"team": "web", "rootly_action_dedup_key": "k", "rollback": "1.4.1"},
    }


def test_update_summary_carries_the_run_block_unless_switched_off() -> None:
    raw = {"api-token": TOKEN, "operation": "update", "dedup-key": "k", "summary": "Fixed."}
    with_block = update_draft(parse_inputs(raw), RUN)
    without = update_draft(parse_inputs({**raw, "context-summary": "false"}), RUN)

    assert with_block.summary.startswith("Fixed.\n\n**Declared from GitHub Actions**")
    assert without.summary == "Fixed."
    assert with_block.labels == {}  # no context label, no dedup label: nothing re-sent


def test_update_ignores_a_deployments_environment() -> None:
    from rootly_incident_action.github.context import Deployment

    inputs = parse_inputs(
        {"api-token": TOKEN, "operation": "update", "dedup-key": "k", "title": "t"}
    )
    context = RunContext(repository="acme/shop", run_id="1", deployment=Deployment("9", "prod"))
    assert update_draft(inputs, context).references["environments"] == ()


def test_a_transition_without_a_message_gets_the_default_in_both_places() -> None:
    message, event = message_and_event("resolve", RUN, None, frozenset())
    assert message == default_message("resolve", RUN)
    assert event.startswith(f"Resolved from GitHub Actions: {message}\n")
    given, _ = message_and_event("cancel", RUN, "Oops", frozenset())
    assert given == "Oops"
    update_message, update_event = message_and_event(
        "update", RUN, None, frozenset({"title", "labels"})
    )
    assert update_message == ""
    assert update_event.startswith("Updated from GitHub Actions (labels, title)\n")


def test_form_field_values_replace_the_incidents_own_or_are_added() -> None:
    region: FormFieldSelection = {"form_field_id": "f-region", "selected_option_ids": ["o-us"]}
    impact: FormFieldSelection = {"form_field_id": "f-impact", "value": "Card payments fail"}
    change = plan_change(
        "update",
        incident(3),
        message="",
        event="e",
        attributes={},
        selections=(region, impact),
        field_names={"f-region": "Region"},
    )
    assert change.writes == ()
    assert [w.request.path for w in change.then] == ["/v1/incidents/id-3/events"]

    completed = change.with_values({"f-region": "value-7"})

    assert [(w.request.method, w.request.path) for w in completed.writes] == [
        ("PUT", "/v1/incident_form_field_selections/value-7"),
        ("POST", "/v1/incidents/id-3/form_field_selections"),
    ]
    assert [w.request.path for w in completed.then] == ["/v1/incidents/id-3/events"]
    assert completed.writes[0].request.body == {
        "data": {
            "type": "incident_form_field_selections",
            "attributes": {"selected_option_ids": ["o-us"]},
        }
    }
    assert completed.selections == ()
    assert [w.what for w in completed.writes[:2]] == [
        "the value of form field 'Region' on incident #3",
        "the value of form field 'f-impact' on incident #3",
    ]


def test_a_run_without_link_name_or_job_is_still_named() -> None:
    bare = RunContext(repository="acme/shop", run_id="55")
    assert run_reference(bare) == "a workflow, run #55"
    link = "https://github.com/acme/shop/actions/runs/55"
    assert default_message("resolve", bare) == f"Resolved by [workflow acme/shop run #55]({link})"
    assert event_text("resolve", bare, "m") == (
        f"Resolved from GitHub Actions: m\nBy a workflow, run #55: {link}"
    )


def test_each_operation_sends_exactly_its_writes_with_their_bodies() -> None:
    target = incident(3, status="started")
    event_body = {
        "data": {"type": "incident_events", "attributes": {"event": "E", "visibility": "internal"}}
    }

    added = plan_change("add-event", target, message="M", event="E")
    updated = plan_change("update", target, message="", event="E", attributes={"title": "T"})
    cancelled = plan_change("cancel", target, message="M", event="E")

    assert [(w.request.method, w.request.body, w.answers_incident) for w in added.writes] == [
        ("POST", event_body, False)
    ]
    assert [w.what for w in added.writes] == ["the timeline event on incident #3"]
    assert [(w.request.method, w.request.path, w.answers_incident) for w in updated.writes] == [
        ("PUT", "/v1/incidents/id-3", True),
    ]
    assert [(w.request.path, w.request.body) for w in updated.then] == [
        ("/v1/incidents/id-3/events", event_body)
    ]
    assert updated.writes[0].request.body == {
        "data": {"type": "incidents", "attributes": {"title": "T"}}
    }
    assert updated.writes[0].what == "the update of incident #3"
    assert [(w.request.path, w.answers_incident) for w in cancelled.writes] == [
        ("/v1/incidents/id-3/cancel", True),
    ]
    assert cancelled.writes[0].request.body == {
        "data": {"type": "incidents", "attributes": {"cancellation_message": "M"}}
    }
    assert cancelled.writes[0].what == "the cancel call on incident #3"
    assert [w.request.body for w in cancelled.then] == [event_body]
    assert added.then == ()  # the event is the change itself


def test_update_maps_every_field_to_its_attribute() -> None:
    raw = {
        "api-token": TOKEN,
        "operation": "update",
        "incident-id": "inc-1",
        "severity": "1b8e7e22-0000-4000-8000-000000000001",
        "services": "1b8e7e22-0000-4000-8000-000000000002",
        "teams": "1b8e7e22-0000-4000-8000-000000000003",
        "private": "true",
        "slack-channel-name": "inc-rollback",
        "resolved-at": "2026-11-28T10:00:00Z",
    }
    inputs = parse_inputs(raw)

    attributes = update_attributes(
        inputs.update_fields, update_draft(inputs, RUN), inputs.labels, {"a": "b"}
    )

    assert attributes == {
        "severity_id": "1b8e7e22-0000-4000-8000-000000000001",
        "service_ids": ["1b8e7e22-0000-4000-8000-000000000002"],
        "group_ids": ["1b8e7e22-0000-4000-8000-000000000003"],
        "private": True,
        "slack_channel_name": "inc-rollback",
        "resolved_at": "2026-11-28T10:00:00Z",
    }


def test_the_default_message_of_each_transition_and_of_an_update() -> None:
    for operation, verb in (("mitigate", "Mitigated"), ("cancel", "Cancelled")):
        assert default_message(operation, RUN) == (  # type: ignore[arg-type]
            f"{verb} by [workflow Deploy run #123 (attempt 2)]({RUN_URL}) on main"
        )
    assert default_message("update", RunContext()) == "Updated by rootly-incident-action."
    unnumbered = RunContext(repository="acme/shop", run_id="9", workflow="")
    assert default_message("resolve", unnumbered) == (
        "Resolved by [workflow acme/shop run #9](https://github.com/acme/shop/actions/runs/9)"
    )
    assert message_and_event("update", RUN, "Rolled back", frozenset({"title"}))[1].startswith(
        "Updated from GitHub Actions (title): Rolled back\n"
    )
