"""The alert and pulse bodies, whole and exactly, for inputs that set every field; the
lookup drafts they resolve through; users named by email; and the exact refusals of
alert targets. Exact values, so that any change to what is sent shows here."""

from __future__ import annotations

import pytest

from rootly_incident_action.catalog.lookup import Lookup
from rootly_incident_action.catalog.matching import CatalogEntry, Matched, Missing
from rootly_incident_action.errors import InvalidInputs
from rootly_incident_action.github.context import Deployment, Release, RunContext
from rootly_incident_action.github.jobs import (
    FailedJob,
    JobsAnswerMalformed,
    describe_job,
    failed_jobs,
    failed_jobs_json,
    jobs_page,
    listed,
    naming_jobs,
)
from rootly_incident_action.inputs import parse_inputs
from rootly_incident_action.plan.alert import build_alert
from rootly_incident_action.plan.dedup import DEDUP_LABEL
from rootly_incident_action.plan.names import Snapshot, match_name
from rootly_incident_action.plan.pulse import build_pulse, default_pulse_summary

RUN = RunContext(
    server_url="https://github.com",
    repository="acme/shop",
    sha="3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39",
    ref="refs/heads/main",
    ref_name="main",
    workflow="Deploy",
    run_id="77",
    run_number="12",
    run_attempt="1",
)
RUN_URL = "https://github.com/acme/shop/actions/runs/77/attempts/1"


def test_an_alert_with_every_field_is_exactly_this_body() -> None:
    inputs = parse_inputs(
        {
            "api-token": "t",
            "operation": "alert",
            "title": "Payments down",
            "summary": "Card payments fail.",
            "services": "svc-1, svc-2",
            "teams": "team-1",
            "environments": "env-1",
            "functionalities": "fn-1",
            "urgency": "urg-1",
            "notify": "service: svc-9\nescalation-policy: ep-1\nteam: team-2\nuser: 42",
            "alert-fields": "field-1: one\nfield-2: two",
            "labels": "team=payments",
            "context-labels": "false",
            "context-summary": "false",
            "dedup-key": "k-1",
            "started-at": "2026-11-29T03:00:00Z",
        }
    )
    draft = build_alert(inputs, RUN)
    assert draft.lookup_draft().references == {
        "services": ("svc-1", "svc-2"),
        "teams": ("team-1",),
        "environments": ("env-1",),
        "functionalities": ("fn-1",),
        "urgency": ("urg-1",),
        "notify (service)": ("svc-9",),
        "notify (escalation-policy)": ("ep-1",),
        "notify (team)": ("team-2",),
        "notify (user)": ("42",),
        "alert-fields (field-1)": ("field-1",),
        "alert-fields (field-2)": ("field-2",),
    }
    lookup = draft.lookup_draft()
    assert (lookup.title, lookup.summary, lookup.labels, lookup.severity) == (
        "Payments down",
        "",
        {},
        None,
    )
    assert draft.attributes(lookup) == {
        "summary": "Payments down",
        "description": "Card payments fail.",
        "service_ids": ["svc-1", "svc-2"],
        "group_ids": ["team-1"],
        "environment_ids": ["env-1"],
        "functionality_ids": ["fn-1"],
        "alert_urgency_id": "urg-1",
        "notification_targets": [
            {"type": "EscalationPolicy", "id": "ep-1"},
            {"type": "Group", "id": "team-2"},
            {"type": "Service", "id": "svc-9"},
            {"type": "User", "id": "42"},
        ],
        "alert_field_values_attributes": [
            {"alert_field_id": "field-1", "value": "one"},
            {"alert_field_id": "field-2", "value": "two"},
        ],
        "labels": [{"key": "team", "value": "payments"}, {"key": DEDUP_LABEL, "value": "k-1"}],
        "external_url": RUN_URL,
        "external_id": "acme/shop/actions/runs/77",
        "started_at": "2026-11-29T03:00:00Z",
        "deduplication_key": "k-1",
    }


def test_a_bare_alert_outside_a_run_sends_only_its_summary() -> None:
    inputs = parse_inputs({"api-token": "t", "operation": "alert", "title": "T"})
    draft = build_alert(inputs, RunContext())
    assert draft.attributes(draft.lookup_draft()) == {"summary": "T"}
    assert not draft.pages and draft.dedup_key is None


def test_a_pulse_with_every_field_is_exactly_this_body() -> None:
    inputs = parse_inputs(
        {
            "api-token": "t",
            "operation": "pulse",
            "services": "svc-1",
            "environments": "env-1, env-2",
            "labels": "team=payments",
            "context-labels": "false",
            "refs": "image=shop:1",
            "started-at": "2026-11-29T03:00:00Z",
            "ended-at": "2026-11-29T03:05:00Z",
        }
    )
    draft = build_pulse(inputs, RUN)
    lookup = draft.lookup_draft()
    assert lookup.references == {"services": ("svc-1",), "environments": ("env-1", "env-2")}
    assert (lookup.title, lookup.soft_inputs, lookup.labels) == (draft.summary, frozenset(), {})
    assert draft.attributes(lookup) == {
        "summary": "Deployed main (3f2a9c1) of acme/shop to env-1, env-2 by Deploy run #12",
        "source": "github-actions",
        "service_ids": ["svc-1"],
        "environment_ids": ["env-1", "env-2"],
        "refs": [
            {"key": "sha", "value": RUN.sha},
            {"key": "ref", "value": "refs/heads/main"},
            {"key": "run", "value": RUN_URL},
            {"key": "image", "value": "shop:1"},
        ],
        "labels": [{"key": "team", "value": "payments"}],
        "external_url": RUN_URL,
        "started_at": "2026-11-29T03:00:00Z",
        "ended_at": "2026-11-29T03:05:00Z",
    }


def test_a_bare_pulse_outside_a_run_and_the_summarys_parts() -> None:
    inputs = parse_inputs({"api-token": "t", "operation": "pulse", "context-labels": "false"})
    draft = build_pulse(inputs, RunContext())
    assert draft.attributes(draft.lookup_draft()) == {
        "summary": "Deployed a change",
        "source": "github-actions",
    }
    only_sha = RunContext(sha="abcdef1234")
    assert default_pulse_summary(only_sha, ()) == "Deployed abcdef1"
    only_ref = RunContext(ref_name="main", workflow="Deploy")
    assert default_pulse_summary(only_ref, ("prod",)) == "Deployed main to prod by Deploy"
    tagged = RunContext(release=Release("v2"), run_id="9")
    assert default_pulse_summary(tagged, ()) == "Deployed v2 by run #9"
    deployed = RunContext(repository="a/b", deployment=Deployment("1", "prod"))
    no_env = parse_inputs(
        {"api-token": "t", "operation": "pulse", "environment-from-deployment": "false"}
    )
    assert build_pulse(no_env, deployed).references == {}


def test_users_are_named_by_email_exactly_or_by_their_number() -> None:
    snapshot = Snapshot()
    assert match_name("users", "1234", snapshot) == Matched(CatalogEntry(id="1234", name="1234"))
    assert match_name("users", "not an email", snapshot) == Missing(())
    asked = Lookup("users", "email", "alice@acme.test")
    assert match_name("users", "Alice@Acme.test", snapshot) == asked
    alice = CatalogEntry(id="7", name="Alice", slug="alice@acme.test")
    other = CatalogEntry(id="8", name="Alicia", slug="alicia@acme.test")
    snapshot.add(asked, [other, alice])
    assert match_name("users", "Alice@Acme.test", snapshot) == Matched(alice)
    snapshot.add(Lookup("users", "email", "bob@acme.test"), [other])
    assert match_name("users", "bob@acme.test", snapshot) == Missing(())


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (
            {},
            "input 'alert-id or dedup-key': '' is not valid; 'target: alert' needs the alerts: "
            "give 'alert-id' (such as the alert-id output of the step that raised it), "
            "'dedup-key' (every open alert raised with it), or set 'dedup-scope: workflow'",
        ),
        (
            {"alert-id": "a1", "parent-key": "p"},
            "input 'parent-key': 'p' is not valid; with 'target: alert' give 'alert-id' or "
            "'dedup-key'",
        ),
        (
            {"dedup-key": "k", "dedup-scope": "workflow"},
            "input 'dedup-scope': 'workflow' is not valid; give one way to name the alerts",
        ),
    ],
)
def test_the_exact_refusals_of_resolving_alerts(given: dict[str, str], message: str) -> None:
    with pytest.raises(InvalidInputs) as failed:
        parse_inputs({"api-token": "t", "operation": "resolve", "target": "alert", **given})
    assert failed.value.message == message


def test_the_exact_job_texts() -> None:
    job = FailedJob("build (linux)", "", "https://github.com/j", "timed_out")
    assert describe_job(job) == "build \\(linux\\) (timed out) ([log](https://github.com/j))"
    assert describe_job(FailedJob("b", "", "", "failure")) == "b"
    assert listed((job,) * 3, limit=2)[-1] == "and 1 more (see the run)"
    assert len(listed((job,) * 2, limit=2)) == 2
    assert naming_jobs("X failed in Y failed in Z", (job,)) == (
        "X failed at job 'build (linux)' in Y failed in Z"
    )
    assert (
        failed_jobs_json((FailedJob("ü", "s", "u"),)) == '[{"name": "ü", "step": "s", "url": "u"}]'
    )
    with pytest.raises(JobsAnswerMalformed, match="the answer is not a JSON object"):
        jobs_page([])
    with pytest.raises(JobsAnswerMalformed, match="no 'total_count' number and 'jobs' list"):
        jobs_page({"total_count": "3", "jobs": []})
    with pytest.raises(JobsAnswerMalformed, match="a job has no name"):
        failed_jobs(["not a job"])
    odd = {"name": "x", "conclusion": "failure", "steps": "none", "html_url": 5}
    assert failed_jobs([odd]) == (FailedJob("x", "", "", "failure"),)
    unnamed_step = {"name": "y", "conclusion": None, "steps": [{"conclusion": "failure"}, 3]}
    assert failed_jobs([unnamed_step]) == ()
