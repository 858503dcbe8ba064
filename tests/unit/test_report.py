"""What a user reads afterwards, exactly: outputs, the job summary, the log, failures."""

from __future__ import annotations

from typing import Any

from builders import incident_draft
from fakes import RecordingRunner, incident

from rootly_incident_action.errors import ActionError
from rootly_incident_action.flows.declare import Declared
from rootly_incident_action.github.context import PullRequest, RunContext
from rootly_incident_action.github.report import (
    incident_outputs,
    report_created,
    report_dry_run,
    report_failure,
    success_summary,
)
from rootly_incident_action.plan.draft import IncidentDraft
from rootly_incident_action.rootly.requests import ApiRequest

RUN = RunContext(
    repository="acme/shop",
    sha="3f2a9c1d8e7b",
    run_id="77",
    run_attempt="2",
    pull_request=PullRequest(number=9),
)


def draft(**changes: object) -> IncidentDraft:
    return incident_draft(**{"severity": "SEV1", **changes})


def made(**attributes: Any) -> Declared:
    return Declared(
        incident(
            7,
            None,
            **{
                "slack_channel_name": "inc-7",
                "slack_channel_url": "https://slack.test/C7",
                **attributes,
            },
        ),
        created=True,
    )


def test_the_summary_of_a_declared_incident_says_what_and_where() -> None:
    summary = success_summary(made(), draft(), RUN)
    assert summary == (
        "### 🚨 Rootly incident [\\#7 Incident 7](https://rootly.test/incidents/7-incident)\n\n"
        "| | |\n|---|---|\n"
        "| Status | started |\n"
        "| Severity | SEV1 |\n"
        "| Linked to | [run \\#77, attempt 2](https://github.com/acme/shop/actions/runs/77/attempts/2), "
        "[commit `3f2a9c1`](https://github.com/acme/shop/commit/3f2a9c1d8e7b), "
        "[PR \\#9](https://github.com/acme/shop/pull/9) |\n"
        "| Slack | [\\#inc\\-7](https://slack.test/C7) |"
    )


def test_a_reused_incident_with_a_parent_says_so() -> None:
    parent = incident(3, title="Release")
    declared = Declared(
        incident(
            7,
            parent_incident_id="id-3",
            severity={"data": {"id": "s", "attributes": {"name": "SEV2"}}},
        ),
        created=False,
        parent=parent,
        differences=("Rootly did not make incident #7 private.",),
    )
    summary = success_summary(declared, draft(), RunContext())
    assert "| Declared | earlier, for this same failure: reused, not recreated |" in summary
    assert "| Severity | SEV2 |" in summary
    assert (
        "| Parent incident | [\\#3 Release](https://rootly.test/incidents/3-incident) |" in summary
    )
    assert "| ⚠️ Not as asked | Rootly did not make incident \\#7 private. |" in summary
    assert "Linked to" not in summary
    lone = success_summary(
        Declared(incident(8, parent_incident_id="p-1"), created=True), draft(), RunContext()
    )
    assert "| Parent incident | `p\\-1` |" in lone


def test_a_private_incident_shows_its_number_id_and_short_link_only() -> None:
    summary = success_summary(
        made(title="Payroll leak"), draft(private=True, title="Payroll leak"), RUN
    )
    assert summary == (
        "### 🔒 A private Rootly incident was declared\n\n"
        "Incident \\#7 (ID `id\\-7`). [Open it in Rootly](https://rootly.link/7)\n\n"
        "Its title and details stay in Rootly because this incident is private."
    )
    no_link = success_summary(
        Declared(incident(7, short_url=None), created=False), draft(private=True), RUN
    )
    assert "was reused" in no_link and "Its link is in the `incident-url` output." in no_link


def test_outputs_name_the_incident_and_only_a_confirmed_parent() -> None:
    parent = incident(3)
    linked = Declared(incident(7, parent_incident_id="id-3"), created=True, parent=parent)
    outputs = incident_outputs(linked)
    assert outputs == {
        "incident-id": "id-7",
        "incident-url": "https://rootly.test/incidents/7-incident",
        "incident-sequential-id": "7",
        "incident-slug": "",
        "incident-status": "started",
        "incident-short-url": "https://rootly.link/7",
        "slack-channel-name": "",
        "slack-channel-url": "",
        "parent-incident-id": "id-3",
        "parent-incident-url": "https://rootly.test/incidents/3-incident",
        "created": "true",
        "changed": "true",
        "failed-jobs": "",
        "pulse-id": "",
        "alert-id": "",
        "alert-url": "",
        "alert-short-id": "",
    }
    unlinked = incident_outputs(Declared(incident(7), created=False, parent=parent))
    assert (
        unlinked["parent-incident-id"],
        unlinked["parent-incident-url"],
        unlinked["created"],
    ) == ("", "", "false")


def test_the_log_line_and_outputs_of_a_report() -> None:
    runner = RecordingRunner()
    report_created(runner, made(), draft(), RUN)
    assert runner.said("info") == [
        "Declared Rootly incident #7: https://rootly.test/incidents/7-incident"
    ]
    assert runner.outputs["incident-id"] == "id-7"
    private = RecordingRunner()
    report_created(
        private, Declared(incident(7, short_url=None), created=False), draft(private=True), RUN
    )
    assert private.said("info") == ["Reused the open incident #7"]


def test_a_failure_is_an_error_or_with_fail_on_error_false_a_warning() -> None:
    failure = ActionError("line one\nline | two")
    failure.title = "It broke"
    runner = RecordingRunner()
    report_failure(runner, failure, fail_on_error=True)
    assert runner.said("error") == ["It broke: line one\nline | two"]
    assert runner.summary == ["### ❌ It broke\n\nline one\n\nline \\| two"]
    soft = RecordingRunner()
    report_failure(soft, failure, fail_on_error=False)
    assert soft.said("warning") == ["It broke: line one\nline | two"]
    assert soft.summary[0].endswith("The step succeeded anyway because `fail-on-error` is false.")


def test_a_dry_run_prints_each_request_and_hides_a_private_title() -> None:
    body = {
        "data": {
            "type": "incidents",
            "attributes": {
                "title": "Payroll",
                "summary": "s",
                "slack_channel_name": "c",
                "kind": "test",
            },
        }
    }
    request = ApiRequest("POST", "/v1/incidents", body=body, headers={"Idempotency-Key": "k1"})
    where = {"base_url": "https://api.rootly.com", "user_agent": "agent/1"}
    runner = RecordingRunner()
    report_dry_run(runner, [request, request], draft(private=True, title="Payroll"), **where)
    text = "\n".join(runner.said("info"))
    assert "Payroll" not in text
    assert text.count('"title": "*** (private)"') == 2
    assert '"summary": "*** (private)"' in text and '"slack_channel_name": "*** (private)"' in text
    assert '"kind": "test"' in text
    assert text.count("POST https://api.rootly.com/v1/incidents") == 2
    assert "Authorization: Bearer ***" in text and "Idempotency-Key: k1" in text
    assert runner.said("group") == [
        "Dry run: the request that would be sent to Rootly",
        "Dry run: and the run's parent incident, if no job has declared it yet",
    ]
    assert "a private incident" in runner.summary[0]
    public = RecordingRunner()
    report_dry_run(public, [request], draft(title="Deploy failed"), **where)
    assert "“Deploy failed”" in public.summary[0]
    assert '"title": "Payroll"' in "\n".join(public.said("info"))
