"""What a user reads after the newer outcomes: the failed jobs named, a pulse, an alert,
alerts resolved, and the duplicate search's own warnings, exactly."""

from __future__ import annotations

import json

from builders import incident_draft
from fakes import RecordingRunner, incident

from rootly_incident_action.flows.alert import ResolvedAlerts
from rootly_incident_action.flows.declare import Declared
from rootly_incident_action.flows.store import Search
from rootly_incident_action.github.context import RunContext
from rootly_incident_action.github.escape import markdown
from rootly_incident_action.github.jobs import FailedJob
from rootly_incident_action.github.report import (
    OUTPUT_NAMES,
    report_alert,
    report_alerts_resolved,
    report_created,
    report_pulse,
    report_pulse_dry_run,
    report_search,
    success_summary,
)
from rootly_incident_action.inputs import parse_inputs
from rootly_incident_action.plan.alert import build_alert
from rootly_incident_action.plan.dedup import DEDUP_LABEL, workflow_dedup_key
from rootly_incident_action.plan.draft import build_incident, repeat_note
from rootly_incident_action.rootly.models import Resource
from rootly_incident_action.rootly.requests import create_pulse

RUN = RunContext(
    repository="acme/shop", workflow="Deploy", run_id="77", job="ship", ref_name="main"
)
JOB = FailedJob("deploy", "Migrate", "https://github.com/acme/shop/actions/runs/77/job/3")
LINE = "deploy, step Migrate ([log](https://github.com/acme/shop/actions/runs/77/job/3))"


def test_a_created_incident_lists_its_failed_jobs_in_the_summary_and_the_output() -> None:
    draft = incident_draft(failed_jobs=(JOB,))
    runner = RecordingRunner()

    report_created(runner, Declared(incident(7), created=True), draft, RUN)

    assert f"| Failed jobs | {LINE} |" in runner.summary[0]
    assert json.loads(runner.outputs["failed-jobs"]) == [JOB.as_output()]
    unread = RecordingRunner()
    report_created(unread, Declared(incident(7), created=True), incident_draft(), RUN)
    assert unread.outputs["failed-jobs"] == ""
    assert "Failed jobs" not in success_summary(
        Declared(incident(7), created=True), incident_draft(), RUN
    )


def test_the_draft_names_the_jobs_in_a_default_title_and_the_summary_but_keeps_its_key() -> None:
    inputs = parse_inputs({"api-token": "t"})
    draft = build_incident(inputs, RUN)
    assert not draft.title_given

    named = draft.naming_failed_jobs((JOB,))

    assert named.title == "Workflow 'Deploy' failed at job 'deploy' in acme/shop on main"
    assert named.summary.endswith(f"**Failed jobs**\n\n- {LINE}")
    assert named.dedup_key == draft.dedup_key and named.failed_jobs == (JOB,)
    quiet = draft.naming_failed_jobs((JOB,), in_summary=False)
    assert quiet.summary == draft.summary
    none = draft.naming_failed_jobs(())
    assert (none.title, none.summary, none.failed_jobs) == (draft.title, draft.summary, ())
    given = build_incident(parse_inputs({"api-token": "t", "title": "T"}), RUN)
    assert given.title_given and given.naming_failed_jobs((JOB,)).title == "T"


def test_the_workflow_scope_keys_the_incident_on_the_workflow_and_ref() -> None:
    scoped = build_incident(parse_inputs({"api-token": "t", "dedup-scope": "workflow"}), RUN)
    assert scoped.dedup_key == workflow_dedup_key(RUN)
    assert scoped.labels[DEDUP_LABEL] == workflow_dedup_key(RUN)
    given = build_incident(
        parse_inputs({"api-token": "t", "dedup-scope": "workflow", "dedup-key": "k"}), RUN
    )
    assert given.dedup_key == "k"
    update = build_incident(parse_inputs({"api-token": "t"}), RUN, from_run=False)
    assert update.dedup_key is None and update.labels == {}


def test_a_repeat_names_at_most_five_failed_jobs() -> None:
    jobs = tuple(FailedJob(f"shard {n}", "", "") for n in range(7))
    note = repeat_note(RUN, jobs)
    assert note.endswith(
        ". Failed jobs: shard 0; shard 1; shard 2; shard 3; shard 4; and 2 more (see the run)"
    )
    assert "Failed jobs" not in repeat_note(RUN, ())
    assert "Failed jobs" not in repeat_note(RUN)


def test_a_pulse_is_reported_with_its_id_and_refs_and_its_dry_run_sends_nothing() -> None:
    attributes = {"summary": "Deployed main", "refs": [{"key": "sha", "value": "abc"}]}
    runner = RecordingRunner()

    report_pulse(runner, "p-1", attributes)

    assert runner.outputs["pulse-id"] == "p-1" and list(runner.outputs) == list(OUTPUT_NAMES)
    assert (runner.outputs["created"], runner.outputs["incident-id"]) == ("true", "")
    assert runner.said("info") == ["Marked the deploy in Rootly (pulse p-1): Deployed main"]
    assert runner.summary == [
        "### 📍 Rootly pulse: Deployed main\n\n| | |\n|---|---|\n| Pulse | `p\\-1` |\n"
        "| Refs | sha=abc |"
    ]
    dry = RecordingRunner()
    report_pulse_dry_run(dry, create_pulse(attributes), base_url="https://r.test", user_agent="a")
    assert "POST https://r.test/v1/pulses" in dry.said("info")
    assert dry.summary[0].startswith("### 🧪 Rootly pulse dry run")
    assert "“Deployed main”" in dry.summary[0]


def alert(status: str = "triggered", alert_id: str = "a-1", **attributes: object) -> Resource:
    return Resource.model_validate(
        {
            "id": alert_id,
            "type": "alerts",
            "attributes": {
                "short_id": "ALRT-1",
                "status": status,
                "summary": "Deploy failed",
                "url": "https://rootly.test/alerts/1",
                **attributes,
            },
        }
    )


def test_an_alert_raised_or_reused_is_reported_with_its_outputs() -> None:
    draft = build_alert(parse_inputs({"api-token": "t", "operation": "alert"}), RUN)
    raised = RecordingRunner()

    report_alert(raised, alert(), draft, created=True)

    assert {k: raised.outputs[k] for k in ("alert-id", "alert-url", "alert-short-id")} == {
        "alert-id": "a-1",
        "alert-url": "https://rootly.test/alerts/1",
        "alert-short-id": "ALRT-1",
    }
    assert raised.outputs["created"] == "true"
    assert raised.said("info") == ["Raised Rootly alert ALRT-1: https://rootly.test/alerts/1"]
    assert raised.summary[0].startswith(
        "### 🔔 Rootly alert [ALRT\\-1 Deploy failed](https://rootly.test/alerts/1)"
    )
    reused = RecordingRunner()
    report_alert(
        reused, alert(), draft.naming_failed_jobs((JOB,), in_description=True), created=False
    )
    assert reused.outputs["created"] == "false"
    assert reused.said("info")[0].startswith("Reused the open Rootly alert ALRT-1")
    assert (
        "| Raised | earlier, with the same dedup key: reused, nobody paged again |"
        in (reused.summary[0])
    )
    assert f"| Failed jobs | {LINE} |" in reused.summary[0]


def test_alerts_resolved_say_which_changed_and_nothing_open_says_what_was_searched() -> None:
    runner = RecordingRunner()
    done = ResolvedAlerts(
        (alert("resolved"), alert("resolved", "a-2", short_id="ALRT-2")), ("a-1",)
    )

    report_alerts_resolved(runner, done, "")

    assert runner.said("info") == [
        "Alert ALRT-1 resolved.",
        "Alert ALRT-2 left alone: already resolved.",
    ]
    assert runner.outputs["changed"] == "true" and runner.outputs["alert-id"] == "a-1"
    assert runner.summary[0].startswith("### ✅ Rootly: 1 of 2 alert(s) resolved")
    empty = RecordingRunner()
    report_alerts_resolved(empty, ResolvedAlerts((), ()), "Nothing open.")
    assert empty.said("info") == ["Nothing open."]
    assert (empty.outputs["changed"], empty.outputs["alert-id"]) == ("false", "")


def test_the_duplicate_search_reports_what_it_skipped_and_what_it_did_not_reach() -> None:
    runner = RecordingRunner()

    report_search(runner, Search((), unreadable=2, truncated=True))

    assert runner.said("debug") == [
        "2 incident(s) in the dedup window could not be read and were skipped."
    ]
    assert runner.said("warning") == [
        "Duplicate search cut short: More incidents were created within 'dedup-window-hours' than the duplicate search "
        "reads (10 pages of 100, newest first): older ones were not searched. Lower "
        "'dedup-window-hours' to search all of the window."
    ]
    quiet = RecordingRunner()
    report_search(quiet, Search(()))
    assert quiet.lines == []


def test_the_alert_and_pulse_dry_runs_print_the_exact_request_with_the_token_hidden() -> None:
    from rootly_incident_action.github.report import report_alert_dry_run
    from rootly_incident_action.rootly.requests import create_alert

    runner = RecordingRunner()

    report_alert_dry_run(
        runner,
        create_alert({"summary": "Deploy | failed"}),
        base_url="https://r.test",
        user_agent="ua/1",
    )

    assert runner.said("group") == ["Dry run: the alert that would be raised in Rootly"]
    assert runner.said("info") == [
        "POST https://r.test/v1/alerts",
        "Authorization: Bearer ***",
        "Accept: application/vnd.api+json",
        "Content-Type: application/vnd.api+json",
        "User-Agent: ua/1",
        "",
        '{\n  "data": {\n    "type": "alerts",\n    "attributes": {\n      "summary": '
        '"Deploy | failed"\n    }\n  }\n}',
        "Dry run: every input is valid; nothing was sent to Rootly.",
    ]
    assert runner.summary == [
        "### 🧪 Rootly alert dry run\n\nThe inputs are valid. The action would raise "
        "“Deploy \\| failed”; nothing was sent. The exact request is in the step's log."
    ]
    pulse = RecordingRunner()
    report_pulse_dry_run(
        pulse, create_pulse({"summary": "S"}), base_url="https://r.test", user_agent="ua/1"
    )
    assert pulse.said("group") == ["Dry run: the pulse that would be sent to Rootly"]
    assert pulse.said("info")[0] == "POST https://r.test/v1/pulses"
    assert pulse.summary == [
        "### 🧪 Rootly pulse dry run\n\nThe inputs are valid. The action would mark “S”; "
        "nothing was sent. The exact request is in the step's log."
    ]


def test_an_alert_report_in_full() -> None:
    draft = build_alert(parse_inputs({"api-token": "t", "operation": "alert"}), RUN)
    runner = RecordingRunner()

    report_alert(runner, alert(summary="Payments | down"), draft, created=True)

    assert runner.summary == [
        "### 🔔 Rootly alert [ALRT\\-1 Payments \\| down](https://rootly.test/alerts/1)\n\n"
        "| | |\n|---|---|\n| Status | triggered |"
    ]
    assert runner.outputs == {
        **{name: "" for name in OUTPUT_NAMES},
        "created": "true",
        "changed": "true",
        "alert-id": "a-1",
        "alert-url": "https://rootly.test/alerts/1",
        "alert-short-id": "ALRT-1",
    }
    bare = RecordingRunner()
    report_alert(
        bare, Resource.model_validate({"id": "a-9", "attributes": {}}), draft, created=False
    )
    assert bare.said("info") == ["Reused the open Rootly alert a-9"]
    assert bare.outputs["alert-url"] == "" and bare.outputs["alert-short-id"] == ""
    assert bare.summary[0].startswith(f"### 🔔 Rootly alert a\\-9 {markdown(draft.summary)}")
