"""Which inputs each operation reads, and what is wrong with a set of inputs. Pure."""

from __future__ import annotations

import pytest

from rootly_incident_action.errors import InvalidInputs
from rootly_incident_action.inputs import INPUT_DEFAULTS, parse_inputs
from rootly_incident_action.operations import (
    OPERATIONS,
    UPDATE_FIELD_INPUTS,
    given_inputs,
    operation_problems,
    parse_operation,
    reads,
)

TOKEN = "rootly_" + "a" * 40


def problems(**raw: str) -> list[str]:
    named = {name.replace("_", "-"): value for name, value in raw.items()}
    operation = parse_operation(named.get("operation", "create"))
    return [p.message for p in operation_problems(operation, named, INPUT_DEFAULTS)]


def test_only_the_eight_operations_written_exactly_are_accepted() -> None:
    assert OPERATIONS == (
        "create",
        "update",
        "add-event",
        "mitigate",
        "resolve",
        "cancel",
        "pulse",
        "alert",
    )
    for text in ("Resolve", "close", "resolve ", ""):
        with pytest.raises(ValueError, match="expected one of create, update, add-event"):
            parse_operation(text)


def test_an_input_at_its_default_is_not_given_whatever_its_case() -> None:
    raw = {"private": "False", "deduplicate": "TRUE", "title": " ", "severity": "SEV1"}
    assert given_inputs(raw, INPUT_DEFAULTS) == {"severity"}


def test_create_accepts_what_it_always_did_and_refuses_the_operation_only_inputs() -> None:
    assert problems(title="t", severity="SEV1", dedup_key="k", parent="run") == []
    assert problems(incident_id="abc", fail_if_missing="true") == [
        "input 'incident-id': 'abc' is not valid; operation 'create' does not read it (it is "
        "read by: update, add-event, mitigate, resolve, cancel)",
        "input 'fail-if-missing': 'true' is not valid; operation 'create' does not read it "
        "(it is read by: update, add-event, mitigate, resolve, cancel)",
    ]


@pytest.mark.parametrize("operation", ["update", "add-event", "mitigate", "resolve", "cancel"])
def test_every_other_operation_needs_exactly_one_target(operation: str) -> None:
    extra = {"title": "t"} if operation == "update" else {"message": "m"}
    (missing,) = problems(operation=operation, **extra)
    assert "'incident-id'" in missing and "'dedup-key'" in missing
    (both,) = problems(operation=operation, incident_id="a", dedup_key="k", **extra)
    assert "not 2" in both
    assert problems(operation=operation, incident_id="a", **extra) == []
    assert problems(operation=operation, dedup_key="k", **extra) == []


@pytest.mark.parametrize("operation", ["mitigate", "resolve", "cancel", "add-event"])
def test_fields_and_create_only_inputs_are_errors_beside_a_transition(operation: str) -> None:
    found = problems(
        operation=operation,
        dedup_key="k",
        message="m",
        severity="SEV1",
        parent="run",
        deduplicate="false",
    )
    assert [line.split(":")[0] for line in found] == [
        "input 'severity'",
        "input 'parent'",
        "input 'deduplicate'",
    ]
    assert "it is read by: create, update)" in found[0]
    assert "it is read by: create)" in found[1]


def test_update_needs_a_field_and_reads_no_create_only_input() -> None:
    (nothing,) = problems(operation="update", dedup_key="k", private="false")
    assert "none was given" in nothing
    assert all(name in nothing for name in UPDATE_FIELD_INPUTS)
    assert problems(operation="update", dedup_key="k", private="true") == []
    (notify,) = problems(operation="update", dedup_key="k", title="t", notify_emails="a@b.co")
    assert notify.startswith("input 'notify-emails'")


def test_add_event_needs_its_text() -> None:
    (missing,) = problems(operation="add-event", incident_id="a")
    assert missing == (
        "input 'message': '' is not valid; operation 'add-event' needs the event's text in "
        "'message'"
    )


def test_parse_inputs_reports_operation_problems_with_every_other_one() -> None:
    with pytest.raises(InvalidInputs) as caught:
        parse_inputs(
            {"api-token": TOKEN, "operation": "resolve", "timeout-seconds": "-1", "title": "x"}
        )
    names = [problem.name for problem in caught.value.problems]
    assert names == ["title", "incident-id or dedup-key", "timeout-seconds"]


def test_an_unknown_operation_is_the_one_error_about_it() -> None:
    with pytest.raises(InvalidInputs) as caught:
        parse_inputs({"api-token": TOKEN, "operation": "close", "message": "m"})
    assert [problem.name for problem in caught.value.problems] == ["operation"]


def test_parsed_inputs_carry_the_target_the_message_and_the_fields_given() -> None:
    inputs = parse_inputs(
        {
            "api-token": TOKEN,
            "operation": "update",
            "incident-id": "inc-42",
            "message": "rolled back",
            "severity": "SEV1",
            "private": "false",
            "labels": "a=b",
        }
    )
    assert (inputs.operation, inputs.incident_id, inputs.message) == (
        "update",
        "inc-42",
        "rolled back",
    )
    assert inputs.update_fields == {"severity", "labels"}
    assert inputs.fail_if_missing is False


def test_each_problem_names_its_input_and_value_exactly() -> None:
    def named(**raw: str) -> list[tuple[str, str]]:
        given = {name.replace("_", "-"): value for name, value in raw.items()}
        operation = parse_operation(given["operation"])
        return [(p.name, p.value) for p in operation_problems(operation, given, INPUT_DEFAULTS)]

    assert named(operation="resolve") == [("incident-id or dedup-key", "")]
    assert named(operation="resolve", incident_id=" a ", dedup_key=" k ") == [("dedup-key", "k")]
    assert named(operation="update", dedup_key="k") == [("operation", "update")]
    assert named(operation="add-event", dedup_key="k") == [("message", "")]
    assert named(operation="cancel", dedup_key="k", title=" T ") == [("title", "T")]


def test_a_parent_key_is_a_target_of_its_own() -> None:
    assert problems(operation="resolve", parent_key="nightly") == []
    (both,) = problems(operation="resolve", dedup_key="k", parent_key="nightly")
    assert both.startswith("input 'parent-key': 'nightly' is not valid; give one of")


@pytest.mark.parametrize("operation", ["update", "add-event", "mitigate", "resolve", "cancel"])
def test_the_workflow_scope_is_a_target_of_its_own_for_every_operation(operation: str) -> None:
    extra = {"title": "t"} if operation == "update" else {"message": "m"}
    assert problems(operation=operation, dedup_scope="workflow", **extra) == []
    (missing,) = problems(operation=operation, dedup_scope="run", **extra)
    assert missing == (
        "input 'incident-id or dedup-key': '' is not valid; operation "
        f"'{operation}' needs its incident: give 'incident-id' (an ID or slug, such as the "
        "incident-id output of the step that declared it), 'dedup-key' (every open incident "
        "declared with that key) or 'parent-key' (every open parent incident declared with "
        "that key in 'parent: run' mode), or set 'dedup-scope: workflow' (the open incident "
        "of this workflow on this ref)"
    )


def test_what_pulse_and_alert_read_and_refuse() -> None:
    every = frozenset(INPUT_DEFAULTS)
    assert {"ended-at", "refs", "services", "environments"} <= reads("pulse", every)
    assert "severity" not in reads("pulse", every) and "notify" not in reads("pulse", every)
    assert {"urgency", "notify", "alert-fields", "teams"} <= reads("alert", every)
    assert "severity" not in reads("alert", every)
    assert {"target", "alert-id"} <= reads("resolve", every)
    assert "target" not in reads("mitigate", every)
    assert not {"ended-at", "refs", "urgency", "notify", "target", "alert-id"} & reads(
        "create", every
    )
    assert "github-token" in reads("cancel", every)  # the runner always fills it
    assert problems(operation="pulse", severity="SEV1") == [
        "input 'severity': 'SEV1' is not valid; operation 'pulse' does not read it (it is "
        "read by: create, update)"
    ]
    assert problems(operation="alert") == [] and problems(operation="pulse") == []
