"""Reading every input into one validated model."""

from __future__ import annotations

import pytest

from rootly_incident_action.errors import InvalidInputs
from rootly_incident_action.inputs import parse_inputs, read_fail_on_error


def test_only_the_token_is_needed_and_defaults_apply() -> None:
    inputs = parse_inputs({"api-token": "tok"})
    assert inputs.api_url == "https://api.rootly.com"
    assert inputs.title is None
    assert inputs.fail_on_error is True
    assert inputs.dry_run is False
    assert inputs.context_labels is True
    assert inputs.timeout_seconds == 30.0


def test_reference_inputs_become_references_in_order() -> None:
    inputs = parse_inputs({"api-token": "tok", "services": "b, a\nb", "severity": " sev "})
    assert inputs.references_for("services") == ("b", "a")
    assert inputs.severity == "sev"


def test_two_severities_are_refused() -> None:
    with pytest.raises(InvalidInputs, match="one severity"):
        parse_inputs({"api-token": "tok", "severity": "sev1, sev2"})


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(InvalidInputs) as caught:
        parse_inputs({"api-token": "", "dry-run": "maybe", "timeout-seconds": "-1"})
    names = [problem.name for problem in caught.value.problems]
    assert names == ["api-token", "timeout-seconds", "dry-run"]


def test_a_token_with_whitespace_is_refused_without_echoing_it() -> None:
    with pytest.raises(InvalidInputs) as caught:
        parse_inputs({"api-token": "abc def"})
    assert "abc def" not in caught.value.message
    assert "'***'" in caught.value.message
    assert "printable ASCII" in caught.value.message


def test_the_token_is_kept_secret_in_the_model() -> None:
    inputs = parse_inputs({"api-token": "s3cr3t-token"})
    assert "s3cr3t-token" not in repr(inputs)
    assert inputs.api_token.reveal() == "s3cr3t-token"


def test_fail_on_error_is_read_even_when_other_inputs_are_bad() -> None:
    assert read_fail_on_error({"fail-on-error": "false", "dry-run": "bad"}) is False
    assert read_fail_on_error({"fail-on-error": "nonsense"}) is True
    assert read_fail_on_error({}) is True


def test_every_input_is_read_into_its_field() -> None:
    from rootly_incident_action.inputs import ActionInputs, Secret

    inputs = parse_inputs(
        {
            "api-token": "tok",
            "api-url": "https://rootly.acme.test/v1/",
            "operation": "create",
            "title": " T ",
            "summary": "S",
            "severity": "SEV1",
            "incident-types": "i",
            "services": "a, b",
            "functionalities": "f",
            "environments": "e",
            "teams": "t",
            "causes": "c",
            "form-fields": "Region: eu-west",
            "private": "true",
            "notify-emails": "x@acme.test",
            "labels": "k=v",
            "test-incident": "TRUE",
            "parent": "run",
            "parent-key": "pk",
            "parent-title": "PT",
            "parent-summary": "PS",
            "parent-severity": "SEV2",
            "alert-ids": "a1, a2",
            "slack-channel-name": "inc",
            "started-at": "2026-11-28T10:00:00+01:00",
            "deduplicate": "false",
            "dedup-key": "dk",
            "dedup-window-hours": "24",
            "context-labels": "false",
            "context-summary": "false",
            "timeout-seconds": "5",
            "deadline-seconds": "60",
            "dry-run": "true",
            "fail-on-error": "false",
        }
    )
    assert inputs == ActionInputs(
        api_token=Secret("tok"),
        api_url="https://rootly.acme.test",
        operation="create",
        incident_id=None,
        message=None,
        fail_if_missing=False,
        title="T",
        summary="S",
        severity="SEV1",
        references={
            "incident-types": ("i",),
            "services": ("a", "b"),
            "functionalities": ("f",),
            "environments": ("e",),
            "teams": ("t",),
            "causes": ("c",),
        },
        private=True,
        notify_emails=("x@acme.test",),
        labels={"k": "v"},
        test_incident=True,
        parent_incident=None,
        parent_mode="run",
        parent_key="pk",
        parent_title="PT",
        parent_summary="PS",
        parent_severity="SEV2",
        deduplicate=False,
        dedup_key="dk",
        dedup_window_hours=24.0,
        alert_ids=("a1", "a2"),
        slack_channel_name="inc",
        timestamps={"started-at": "2026-11-28T09:00:00Z"},
        form_fields={"Region": "eu-west"},
        context_labels=False,
        context_summary=False,
        timeout_seconds=5.0,
        deadline_seconds=60.0,
        dry_run=True,
        fail_on_error=False,
        update_fields=frozenset(
            {
                "title",
                "summary",
                "severity",
                "incident-types",
                "services",
                "functionalities",
                "environments",
                "teams",
                "causes",
                "form-fields",
                "private",
                "labels",
                "alert-ids",
                "slack-channel-name",
                "started-at",
            }
        ),
    )
    assert repr(inputs.api_token) == "Secret('***')"
    assert inputs.api_token != Secret("other") and hash(inputs.api_token) == hash(Secret("tok"))


@pytest.mark.parametrize(
    ("name", "value", "said"),
    [
        ("dedup-window-hours", "0", "expected a number of hours above 0 and at most 2160"),
        ("dedup-window-hours", "x", "expected a number of hours, such as 168"),
        ("timeout-seconds", "601", "expected a number of seconds above 0 and at most 600"),
        ("deadline-seconds", "3601", "expected a number of seconds above 0 and at most 3600"),
        ("deadline-seconds", "soon", "expected a number of seconds, such as 120"),
        ("parent", "pipeline", "expected 'run' (one parent incident per workflow run) or nothing"),
        ("notify-emails", "oncall", "'oncall' is not an email address"),
        ("alert-ids", ",".join(str(n) for n in range(101)), "101 entries; at most 100 are taken"),
        ("severity", "SEV1, SEV2", "an incident has one severity"),
    ],
)
def test_each_bad_value_is_named_with_what_would_be_valid(name: str, value: str, said: str) -> None:
    with pytest.raises(InvalidInputs) as caught:
        parse_inputs({"api-token": "tok", name: value})
    assert caught.value.problems[0].name == name
    assert said in caught.value.message


def test_the_token_is_required_and_both_parents_cannot_be_given() -> None:
    with pytest.raises(InvalidInputs) as caught:
        parse_inputs({"api-token": "", "parent": "run", "parent-incident-id": "inc-1"})
    assert caught.value.message == (
        "2 inputs are not valid:\n"
        "- input 'api-token': '' is not valid; it is required: pass a Rootly API token, "
        "e.g. ${{ secrets.ROOTLY_API_TOKEN }}\n"
        "- input 'parent-incident-id': 'inc-1' is not valid; choose one: 'parent: run' "
        "finds or creates the parent itself"
    )


@pytest.mark.parametrize(
    ("name", "value", "said"),
    [
        ("parent", "pipeline", "expected 'run' (one parent incident per workflow run) or nothing"),
        ("timeout-seconds", "x", "expected a number of seconds, such as 30"),
        ("dedup-window-hours", "x", "expected a number of hours, such as 168"),
        ("deadline-seconds", "x", "expected a number of seconds, such as 120"),
    ],
)
def test_the_whole_message_of_a_bad_number_or_mode(name: str, value: str, said: str) -> None:
    with pytest.raises(InvalidInputs) as caught:
        parse_inputs({"api-token": "tok", name: value})
    assert caught.value.message == f"input '{name}': {value!r} is not valid; {said}"


def test_a_hundred_entries_are_taken_and_a_hundred_and_one_are_not() -> None:
    hundred = ",".join(f"s{n}" for n in range(100))
    assert (
        len(parse_inputs({"api-token": "t", "services": hundred}).references_for("services")) == 100
    )
    with pytest.raises(InvalidInputs, match="101 entries; at most 100 are taken"):
        parse_inputs({"api-token": "t", "services": hundred + ",s100"})


def test_the_github_token_is_checked_and_never_echoed_and_empty_turns_the_lookup_off() -> None:
    with pytest.raises(InvalidInputs) as failed:
        parse_inputs({"api-token": "t", "github-token": "ghs_abc def"})
    assert "input 'github-token': '***' is not valid" in failed.value.message
    assert "ghs_abc" not in failed.value.message
    assert parse_inputs({"api-token": "t"}).github_token.reveal() == ""
    given = parse_inputs({"api-token": "t", "github-token": "ghs_abc"})
    assert given.github_token.reveal() == "ghs_abc"
    assert "ghs_abc" not in repr(given)


def test_dedup_scope_is_run_or_workflow_and_workflow_needs_no_key_to_resolve() -> None:
    assert parse_inputs({"api-token": "t"}).dedup_scope == "run"
    with pytest.raises(InvalidInputs) as failed:
        parse_inputs({"api-token": "t", "dedup-scope": "repo"})
    assert "input 'dedup-scope': 'repo' is not valid; expected 'run'" in failed.value.message
    resolving = {"api-token": "t", "operation": "resolve", "github-token": "ghs_abc"}
    with pytest.raises(InvalidInputs) as failed:
        parse_inputs(resolving)
    assert "or set 'dedup-scope: workflow'" in failed.value.message
    assert parse_inputs({**resolving, "dedup-scope": "workflow"}).dedup_scope == "workflow"


def test_the_alert_and_pulse_inputs_are_read_into_their_fields() -> None:
    alert = parse_inputs(
        {
            "api-token": "t",
            "operation": "alert",
            "urgency": "High",
            "notify": "Team: Platform, team: SRE, team: Platform",
            "alert-fields": "Runbook: https://r.test\nDeploy ID: 42",
        }
    )
    assert alert.urgency == "High"
    assert alert.notify == {"team": ("Platform", "SRE")}
    assert alert.alert_fields == {"Runbook": "https://r.test", "Deploy ID": "42"}
    resolving = parse_inputs(
        {"api-token": "t", "operation": "resolve", "target": "alert", "alert-id": "a_1-X"}
    )
    assert (resolving.target, resolving.alert_id) == ("alert", "a_1-X")
    pulse = parse_inputs(
        {
            "api-token": "t",
            "operation": "pulse",
            "refs": "a=1",
            "ended-at": "2026-11-29T03:00:00+01:00",
        }
    )
    assert (pulse.refs, pulse.ended_at) == ({"a": "1"}, "2026-11-29T02:00:00Z")
    plain = parse_inputs({"api-token": "t"})
    assert (plain.target, plain.alert_id, plain.urgency, plain.notify, plain.alert_fields) == (
        "incident",
        None,
        None,
        {},
        {},
    )


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (
            {"operation": "resolve", "target": "alerts", "dedup-key": "k"},
            "input 'target': 'alerts' is not valid; expected 'incident' or 'alert'",
        ),
        (
            {"operation": "resolve", "target": "alert", "alert-id": "a/1"},
            "input 'alert-id': 'a/1' is not valid; expected an alert ID, such as the alert-id "
            "output of the step that raised it",
        ),
        (
            {"operation": "alert", "alert-fields": "Runbook: [a, b]"},
            "input 'alert-fields': 'Runbook: [a, b]' is not valid; alert field 'Runbook' takes "
            "one text value, not a list",
        ),
    ],
)
def test_bad_alert_inputs_are_one_clear_error(raw: dict[str, str], message: str) -> None:
    with pytest.raises(InvalidInputs) as failed:
        parse_inputs({"api-token": "t", **raw})
    assert failed.value.message == message


def test_fail_on_error_defaults_to_true_except_for_a_pulse() -> None:
    assert read_fail_on_error({}) is True
    assert read_fail_on_error({"operation": " pulse "}) is False
    assert read_fail_on_error({"operation": "pulse", "fail-on-error": "true"}) is True
    assert read_fail_on_error({"operation": "create", "fail-on-error": "false"}) is False
    assert read_fail_on_error({"fail-on-error": "maybe"}) is True
    assert parse_inputs({"api-token": "t"}).fail_on_error is True
    assert parse_inputs({"api-token": "t", "operation": "pulse"}).fail_on_error is False
    given = parse_inputs({"api-token": "t", "operation": "pulse", "fail-on-error": "true"})
    assert given.fail_on_error is True
    assert parse_inputs({"api-token": "t", "dedup-scope": "workflow"}).dedup_scope == "workflow"
