"""The alert a failure raises, and how its inputs are read. Pure."""

from __future__ import annotations

import pytest

from rootly_incident_action.errors import InvalidInputs
from rootly_incident_action.github.context import RunContext
from rootly_incident_action.github.jobs import FailedJob
from rootly_incident_action.inputs import parse_inputs
from rootly_incident_action.plan.alert import build_alert
from rootly_incident_action.plan.dedup import DEDUP_LABEL, default_dedup_key

RUN = RunContext(
    repository="acme/shop", workflow="Deploy", run_id="77", job="page", ref_name="main"
)


def alert_of(**inputs: str) -> dict[str, object]:
    given = {
        "api-token": "t",
        "operation": "alert",
        **{k.replace("_", "-"): v for k, v in inputs.items()},
    }
    draft = build_alert(parse_inputs(given), RUN)
    resolved = draft.lookup_draft()
    return draft.attributes(resolved)


def test_notify_targets_become_references_per_kind_and_ids_become_targets_in_order() -> None:
    inputs = parse_inputs(
        {
            "api-token": "t",
            "operation": "alert",
            "notify": "team: Platform\nescalation-policy: Payments On-Call, user: a@b.test",
        }
    )
    assert inputs.notify == {
        "team": ("Platform",),
        "escalation-policy": ("Payments On-Call",),
        "user": ("a@b.test",),
    }
    draft = build_alert(inputs, RUN)
    assert draft.pages
    assert draft.references["notify (team)"] == ("Platform",)
    attributes = draft.attributes(draft.lookup_draft())  # names stand in for IDs here
    assert attributes["notification_targets"] == [
        {"type": "EscalationPolicy", "id": "Payments On-Call"},
        {"type": "Group", "id": "Platform"},
        {"type": "User", "id": "a@b.test"},
    ]


@pytest.mark.parametrize("text", ["pager: x", "team", "team:", "escalation policy: x"])
def test_a_notify_entry_of_another_shape_is_refused_with_the_valid_targets(text: str) -> None:
    with pytest.raises(InvalidInputs) as failed:
        parse_inputs({"api-token": "t", "operation": "alert", "notify": text})
    assert "escalation-policy, team, service, user" in failed.value.message


def test_the_key_is_the_incidents_key_and_rides_as_label_and_deduplication_key() -> None:
    attributes = alert_of()
    key = default_dedup_key(RUN, "Workflow 'Deploy' failed in acme/shop on main")
    assert attributes["deduplication_key"] == key
    assert {"key": DEDUP_LABEL, "value": key} in attributes["labels"]  # type: ignore[operator]
    assert "deduplication_key" not in alert_of(deduplicate="false")
    assert alert_of(dedup_key="k")["deduplication_key"] == "k"


def test_the_failed_jobs_name_a_default_summary_but_never_a_given_one() -> None:
    inputs = parse_inputs({"api-token": "t", "operation": "alert"})
    job = (FailedJob("deploy", "Migrate", "https://github.com/j"),)
    named = build_alert(inputs, RUN).naming_failed_jobs(job, in_description=True)
    assert named.summary == "Workflow 'Deploy' failed at job 'deploy' in acme/shop on main"
    assert named.description.endswith("- deploy, step Migrate ([log](https://github.com/j))")
    titled = parse_inputs({"api-token": "t", "operation": "alert", "title": "Payments down"})
    assert build_alert(titled, RUN).naming_failed_jobs(job, in_description=False).summary == (
        "Payments down"
    )


@pytest.mark.parametrize(
    ("inputs", "said"),
    [
        ({}, "'target: alert' needs the alerts: give 'alert-id'"),
        ({"incident-id": "abc", "alert-id": "a1"}, "with 'target: alert' give 'alert-id'"),
        ({"alert-id": "a1", "dedup-key": "k"}, "give one way to name the alerts"),
        ({"alert-id": "a b"}, "expected an alert ID"),
    ],
)
def test_resolving_alerts_needs_one_way_to_name_them(inputs: dict[str, str], said: str) -> None:
    with pytest.raises(InvalidInputs) as failed:
        parse_inputs({"api-token": "t", "operation": "resolve", "target": "alert", **inputs})
    assert said in failed.value.message


def test_target_and_alert_inputs_belong_to_their_operations() -> None:
    with pytest.raises(InvalidInputs) as failed:
        parse_inputs({"api-token": "t", "target": "alert"})
    assert "operation 'create' does not read it (it is read by: resolve)" in failed.value.message
    with pytest.raises(InvalidInputs) as failed:
        parse_inputs({"api-token": "t", "urgency": "High"})
    assert "it is read by: alert" in failed.value.message
    scoped = parse_inputs(
        {"api-token": "t", "operation": "resolve", "target": "alert", "dedup-scope": "workflow"}
    )
    assert scoped.target == "alert"
