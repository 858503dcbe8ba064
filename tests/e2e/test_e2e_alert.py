"""`operation: alert` pages on-call through Rootly, never twice for one failure, and
`operation: resolve` with `target: alert` resolves it when the pipeline is green."""

from __future__ import annotations

from typing import Any

from action_harness import RUN_ID, SERVER_URL, ActionHarness

from github_standin import GitHubStandIn, example_jobs
from rootly_incident_action.plan.dedup import DEDUP_LABEL
from rootly_standin import RootlyStandIn, stable_id
from rootly_standin.rounds import round_trips

ALERT = {
    "operation": "alert",
    "urgency": "High",
    "services": "Payments",
    "notify": "escalation-policy: Payments On-Call\nuser: alice@acme.test",
}


def sent(rootly: RootlyStandIn, index: int = 0) -> dict[str, Any]:
    attributes: dict[str, Any] = rootly.requests_to("POST", "/v1/alerts")[index].body["data"][
        "attributes"
    ]
    return attributes


def test_an_alert_with_urgency_services_and_notify_targets_by_name_lands_with_its_outputs(
    action: ActionHarness, rootly: RootlyStandIn, github: GitHubStandIn
) -> None:
    github.any_run = example_jobs(int(RUN_ID), server=SERVER_URL)

    run = action.run(ALERT, env={"GITHUB_JOB": "page"})

    assert run.exit_code == 0, run.stdout
    attributes = sent(rootly)
    assert attributes["summary"] == "Workflow 'Deploy' failed at job 'deploy' in acme/shop on main"
    assert attributes["alert_urgency_id"] == stable_id("alert_urgencies", "high")
    assert attributes["service_ids"] == [stable_id("services", "payments")]
    assert attributes["notification_targets"] == [
        {"type": "EscalationPolicy", "id": stable_id("escalation_policies", "payments-on-call")},
        {"type": "User", "id": stable_id("users", "alice@acme.test")},
    ]
    assert "**Declared from GitHub Actions**" in attributes["description"]
    assert "step Run database migrations" in attributes["description"]
    assert {"key": "github_repository", "value": "acme/shop"} in attributes["labels"]
    key = attributes["deduplication_key"]
    assert {"key": DEDUP_LABEL, "value": key} in attributes["labels"]
    assert attributes["external_url"] == f"{SERVER_URL}/acme/shop/actions/runs/{RUN_ID}/attempts/1"
    assert attributes["external_id"] == f"acme/shop/actions/runs/{RUN_ID}"
    alert = rootly.alerts[0]
    assert run.outputs["alert-id"] == alert["id"]
    assert run.outputs["alert-short-id"] == "ALRT-1"
    assert run.outputs["alert-url"] == alert["attributes"]["url"]
    assert (run.outputs["created"], run.outputs["incident-id"]) == ("true", "")
    assert run.annotations("warning") == []
    assert "### 🔔 Rootly alert" in run.summary


def test_a_rerun_does_not_page_twice(action: ActionHarness, rootly: RootlyStandIn) -> None:
    first = action.run(ALERT)
    again = action.run(ALERT, env={"GITHUB_RUN_ATTEMPT": "2"})

    assert len(rootly.alerts) == 1
    assert len(rootly.requests_to("POST", "/v1/alerts")) == 1
    assert (first.outputs["created"], again.outputs["created"]) == ("true", "false")
    assert again.outputs["alert-id"] == first.outputs["alert-id"]
    assert "reused, nobody paged again" in again.summary


def test_a_green_run_resolves_the_alert_by_its_key_and_then_finds_nothing(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    scope = {"dedup-scope": "workflow"}
    red = action.run({**ALERT, **scope}, env={"GITHUB_RUN_ID": "501"})
    green = action.run(
        {"operation": "resolve", "target": "alert", **scope}, env={"GITHUB_RUN_ID": "502"}
    )
    again = action.run(
        {"operation": "resolve", "target": "alert", **scope}, env={"GITHUB_RUN_ID": "503"}
    )

    assert green.exit_code == 0, green.stdout
    alert = rootly.alerts[0]
    assert alert["attributes"]["status"] == "resolved"
    assert "/actions/runs/502/" in alert["attributes"]["resolution_message"]
    assert green.outputs["alert-id"] == red.outputs["alert-id"]
    assert green.outputs["changed"] == "true"
    assert again.outputs["changed"] == "false"
    assert "No open alert carries the dedup key" in again.stdout


def test_an_alert_is_resolved_by_its_id_and_an_unknown_id_is_one_error(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    raised = action.run(ALERT)
    by_id = {"operation": "resolve", "target": "alert", "message": "Rolled back"}

    done = action.run({**by_id, "alert-id": raised.outputs["alert-id"]})
    missing = action.run({**by_id, "alert-id": "no-such-alert"})

    assert rootly.alerts[0]["attributes"]["resolution_message"] == "Rolled back"
    assert done.outputs["changed"] == "true"
    assert missing.exit_code == 1
    assert missing.error.message.startswith("alert-id: no alert 'no-such-alert' exists")


def test_without_on_call_a_refused_page_is_one_error_naming_notify(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    rootly.on_call = "refused"

    run = action.run(ALERT)

    assert run.exit_code == 1
    assert run.error.title == "Rootly refused to page"
    assert run.error.message.startswith("notify: Rootly refused the alert that pages (422")
    assert "Nothing was raised" in run.error.message
    assert rootly.alerts == []


def test_without_on_call_an_alert_raised_with_nobody_paged_is_a_warning(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    rootly.on_call = "ignored"

    run = action.run(ALERT)

    assert run.exit_code == 0
    (warning,) = run.annotations("warning")
    assert warning.title == "Nobody paged"
    assert run.outputs["alert-id"] == rootly.alerts[0]["id"]


def test_a_notify_target_that_matches_nothing_is_named_and_nothing_is_raised(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    run = action.run({**ALERT, "notify": "escalation-policy: Paymnets On-Call"})

    assert run.exit_code == 1
    assert "notify (escalation-policy): 'Paymnets On-Call' matches no escalation policy" in (
        run.error.message
    )
    assert rootly.requests_to("POST", "/v1/alerts") == []


def test_a_badly_written_notify_is_one_error_with_what_would_be_valid(
    action: ActionHarness,
) -> None:
    run = action.run({**ALERT, "notify": "pager: Payments"})

    assert run.exit_code == 1
    assert "input 'notify': 'pager: Payments' is not valid" in run.error.message
    assert "escalation-policy, team, service, user" in run.error.message


def test_the_dry_run_shows_the_exact_alert_and_sends_nothing(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    run = action.run({**ALERT, "dry-run": "true"})

    assert run.exit_code == 0, run.stdout
    assert rootly.requests_to("POST", "/v1/alerts") == []
    assert f"POST {rootly.url}/v1/alerts" in run.stdout
    assert '"notification_targets": [' in run.stdout
    assert stable_id("escalation_policies", "payments-on-call") in run.stdout


def test_the_alert_and_the_pulse_are_written_in_round_trip_two(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    rootly.latency = 0.1

    alert = action.run(ALERT)
    pulse = action.run({"operation": "pulse", "services": "Payments", "environments": "production"})

    for run, path in ((alert, "/v1/alerts"), (pulse, "/v1/pulses")):
        write = next(r for r in run.sent if (r.method, r.path) == ("POST", path))
        assert round_trips(run.sent)[run.sent.index(write)] == 2, [
            (r.method, r.path) for r in run.sent
        ]


def test_custom_alert_fields_are_named_as_form_fields_are(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    fields = "Runbook: https://runbooks.acme.test/deploy\ndeploy-id: d-42"

    run = action.run({**ALERT, "alert-fields": fields})

    assert run.exit_code == 0, run.stdout
    assert sent(rootly)["alert_field_values_attributes"] == [
        {
            "alert_field_id": stable_id("alert_fields", "runbook"),
            "value": "https://runbooks.acme.test/deploy",
        },
        {"alert_field_id": stable_id("alert_fields", "deploy-id"), "value": "d-42"},
    ]
    wrong = action.run({**ALERT, "alert-fields": "Runbok: x"})
    assert wrong.exit_code == 1
    assert "alert-fields (Runbok): 'Runbok' matches no alert field" in wrong.error.message


def test_a_failed_search_or_resolve_says_where_it_failed_and_what_was_done(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    rootly.add_fault("GET", "/v1/alerts", status=403)
    searching = action.run(ALERT)
    assert searching.exit_code == 1
    assert "while searching for the open alerts raised with the dedup key" in (
        searching.error.message
    )
    assert rootly.requests_to("POST", "/v1/alerts") == []

    raised = action.run(ALERT)
    rootly.add_fault("POST", "/v1/alerts/{id}/resolve", status=422)
    by_id = {"operation": "resolve", "target": "alert", "alert-id": raised.outputs["alert-id"]}
    resolving = action.run(by_id)
    assert resolving.exit_code == 1
    assert "while resolving the alert" in resolving.error.message
    assert "No alert was changed in Rootly." in resolving.error.message


def test_an_alert_dry_run_without_names_sends_nothing_at_all(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    run = action.run({"operation": "alert", "title": "Payments down", "dry-run": "true"})

    assert run.exit_code == 0, run.stdout
    assert rootly.requests == []
    assert '"summary": "Payments down"' in run.stdout
    assert "Dry run: the failed jobs would be read from GET" in run.stdout
