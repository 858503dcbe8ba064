"""End to end: entrypoint.py run as the runner runs it, against the Rootly stand-in."""

from __future__ import annotations

import time

from action_harness import RUN_ID, SERVER_URL, SHA, ActionHarness

from conftest import every_setting
from rootly_standin import RootlyStandIn, stable_id

SEV1 = stable_id("severities", "sev1")
PAYMENTS = stable_id("services", "payments")
CHECKOUT = stable_id("services", "checkout")
PRODUCTION = stable_id("environments", "production")
CARD_PAYMENTS = stable_id("functionalities", "card-payments")
PLATFORM = stable_id("teams", "platform")
DEPLOYMENT = stable_id("incident_types", "deployment")
BAD_DEPLOY = stable_id("causes", "bad-deploy")


def own_labels(attributes: dict[str, object]) -> dict[str, str]:
    """The incident's labels without the action's own bookkeeping (dedup key, creator)."""
    labels = attributes["labels"]
    assert isinstance(labels, dict)
    return {k: v for k, v in labels.items() if not k.startswith("rootly_action_")}


def created_attributes(rootly: RootlyStandIn) -> dict[str, object]:
    creates = rootly.requests_to("POST", "/v1/incidents")
    assert len(creates) == 1
    attributes: dict[str, object] = creates[0].body["data"]["attributes"]
    return attributes


@every_setting("severity")
def test_every_input_reaches_rootly_and_the_outputs_name_the_incident(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    parent = action.run({"title": "Release 2026.11 failed"})
    parent_id = parent.outputs["incident-id"]

    run = action.run(
        {
            "title": "Deploy to production failed",
            "summary": "The canary's error rate doubled.",
            "severity": SEV1,
            "services": f"{PAYMENTS},\n{CHECKOUT}, {PAYMENTS}",
            "environments": PRODUCTION,
            "functionalities": CARD_PAYMENTS,
            "teams": PLATFORM,
            "incident-types": DEPLOYMENT,
            "causes": BAD_DEPLOY,
            "private": "false",
            "notify-emails": "oncall@acme.test, sre@acme.test",
            "labels": "team=payments\nversion=2026.11.3",
            "test-incident": "true",
            "parent-incident-id": parent_id,
            "alert-ids": "alert-1, alert-2",
            "slack-channel-name": "inc-deploy-prod",
            "started-at": "2026-11-28T09:00:00Z",
            "detected-at": "2026-11-28T10:05:00+01:00",
            "acknowledged-at": "2026-11-28T09:10:00Z",
            "in-triage-at": "2026-11-28T09:06:00Z",
            "mitigated-at": "2026-11-28T09:30:00Z",
            "resolved-at": "2026-11-28T09:45:00Z",
        }
    )

    assert run.exit_code == 0, run.stdout
    sent = rootly.requests_to("POST", "/v1/incidents")[-1]
    assert sent.headers["Authorization"] == f"Bearer {rootly.token}"
    assert sent.headers["Content-Type"] == "application/vnd.api+json"
    attributes = sent.body["data"]["attributes"]
    assert sent.body["data"]["type"] == "incidents"
    assert attributes["title"] == "Deploy to production failed"
    assert attributes["summary"].startswith("The canary's error rate doubled.\n\n")
    assert attributes["severity_id"] == SEV1
    assert attributes["service_ids"] == [PAYMENTS, CHECKOUT]
    assert attributes["environment_ids"] == [PRODUCTION]
    assert attributes["functionality_ids"] == [CARD_PAYMENTS]
    assert attributes["group_ids"] == [PLATFORM]
    assert attributes["incident_type_ids"] == [DEPLOYMENT]
    assert attributes["cause_ids"] == [BAD_DEPLOY]
    assert "private" not in attributes
    assert attributes["notify_emails"] == ["oncall@acme.test", "sre@acme.test"]
    assert attributes["labels"]["team"] == "payments"
    assert attributes["labels"]["version"] == "2026.11.3"
    assert attributes["kind"] == "test"
    assert attributes["parent_incident_id"] == parent_id
    assert attributes["alert_ids"] == ["alert-1", "alert-2"]
    assert attributes["slack_channel_name"] == "inc-deploy-prod"
    assert attributes["started_at"] == "2026-11-28T09:00:00Z"
    assert attributes["detected_at"] == "2026-11-28T09:05:00Z"  # normalised to UTC
    assert attributes["acknowledged_at"] == "2026-11-28T09:10:00Z"
    assert attributes["in_triage_at"] == "2026-11-28T09:06:00Z"
    assert attributes["mitigated_at"] == "2026-11-28T09:30:00Z"
    assert attributes["resolved_at"] == "2026-11-28T09:45:00Z"

    stored = rootly.incidents[-1]
    assert run.outputs == {
        "incident-id": stored["id"],
        "incident-url": stored["attributes"]["url"],
        "incident-sequential-id": "2",
        "incident-slug": stored["attributes"]["slug"],
        "incident-status": "started",
        "incident-short-url": stored["attributes"]["short_url"],
        "slack-channel-name": "inc-deploy-prod",
        "slack-channel-url": stored["attributes"]["slack_channel_url"],
        "parent-incident-id": parent_id,
        "parent-incident-url": rootly.incidents[0]["attributes"]["url"],
        "created": "true",
        "changed": "true",
        "failed-jobs": "[]",  # nothing had failed in the run GitHub listed
        "pulse-id": "",
        "alert-id": "",
        "alert-url": "",
        "alert-short-id": "",
    }
    assert stored["attributes"]["kind"] == "normal_sub"
    assert f"]({stored['attributes']['url']})" in run.summary
    # The severity's name from Rootly's answer; what was asked (here an ID) when it has none.
    shown = "SEV1" if rootly.behaviour.severity == "object" else SEV1
    assert f"| Severity | {shown.replace('-', chr(92) + '-')} |" in run.summary
    warnings = run.annotations("warning")
    assert len(warnings) == 1
    assert "started-at, detected-at" in warnings[0].message


def test_defaults_link_the_incident_to_the_run_commit_and_pull_request(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    run = action.run(
        env={
            "GITHUB_EVENT_NAME": "pull_request",
            "GITHUB_REF": "refs/pull/42/merge",
            "GITHUB_REF_NAME": "42/merge",
            "GITHUB_HEAD_REF": "fix-checkout",
            "GITHUB_RUN_ATTEMPT": "2",
        },
        event={"pull_request": {"number": 42, "title": "Fix checkout"}},
    )

    assert run.exit_code == 0, run.stdout
    attributes = created_attributes(rootly)
    assert attributes["title"] == "Workflow 'Deploy' failed in acme/shop on fix-checkout"
    run_url = f"{SERVER_URL}/acme/shop/actions/runs/{RUN_ID}/attempts/2"
    summary = str(attributes["summary"])
    assert f"[#{RUN_ID}]({run_url}) (attempt 2)" in summary
    assert f"[`{SHA[:7]}`]({SERVER_URL}/acme/shop/commit/{SHA})" in summary
    assert f"[#42 Fix checkout]({SERVER_URL}/acme/shop/pull/42)" in summary
    assert "Workflow: Deploy / deploy" in summary
    assert "Actor: octocat" in summary
    assert "Event: pull\\_request" in summary  # escaped, as all text from the run
    assert own_labels(attributes) == {
        "github_repository": "acme/shop",
        "github_workflow": "Deploy",
        "github_run_id": RUN_ID,
        "github_run_attempt": "2",
        "github_sha": SHA,
        "github_ref": "refs/pull/42/merge",
        "github_event": "pull_request",
    }
    assert run_url in run.summary
    assert f"{SERVER_URL}/acme/shop/pull/42" in run.summary


def test_context_labels_and_summary_can_be_switched_off(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    run = action.run(
        {
            "title": "Smoke test red",
            "labels": "github_repository=overridden",
            "context-labels": "false",
            "context-summary": "false",
        }
    )

    assert run.exit_code == 0, run.stdout
    attributes = created_attributes(rootly)
    assert own_labels(attributes) == {"github_repository": "overridden"}
    assert "summary" not in attributes


def test_a_private_incident_shows_only_its_link_in_the_job_summary(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    run = action.run(
        {
            "title": "Leaked key in acme-payroll",
            "summary": "Rotate the payroll key",
            "private": "true",
        }
    )

    assert run.exit_code == 0, run.stdout
    assert created_attributes(rootly)["private"] is True
    stored = rootly.incidents[0]["attributes"]
    assert f"[Open it in Rootly]({stored['short_url']})" in run.summary
    # The web URL ends in a slug made from the title, so it must not be shown either.
    assert run.outputs["incident-url"] == stored["url"]
    for log in (run.summary, run.stdout):
        assert "payroll" not in log
        assert "Leaked" not in log


def test_a_wrong_token_fails_with_its_own_message(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    run = action.run({"title": "x", "api-token": "not-the-right-token"})

    assert run.exit_code == 1
    assert run.error.title == "Rootly refused the API token"
    assert "401: Invalid token" in run.error.message
    assert "api-token" in run.error.message
    assert "Rootly refused the API token" in run.summary
    assert "not-the-right-token" not in run.stdout.replace("::add-mask::not-the-right-token", "")
    assert "not-the-right-token" not in run.summary
    assert run.outputs == {}
    assert rootly.incidents == []


def test_an_unknown_id_fails_naming_the_ids_that_were_sent(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    # IDs are sent as they are, without a lookup: Rootly's 404 is what reveals a bad one.
    unknown = "00000000-0000-4000-8000-000000000000"
    run = action.run({"title": "x", "severity": SEV1, "services": f"{PAYMENTS}, {unknown}"})

    assert run.exit_code == 1
    assert run.error.title == "Rootly could not find something"
    assert "404 (Not found or unauthorized)" in run.error.message
    assert f"services={PAYMENTS}, {unknown}" in run.error.message
    assert f"severity={SEV1}" in run.error.message
    assert rootly.incidents == []


def test_a_422_fails_with_rootlys_reasons(action: ActionHarness, rootly: RootlyStandIn) -> None:
    run = action.run(
        {
            "title": "x",
            "started-at": "2026-11-28T10:00:00Z",
            "detected-at": "2026-11-28T09:00:00Z",
        }
    )

    assert run.exit_code == 1
    assert run.error.title == "Rootly rejected the incident"
    assert "422" in run.error.message
    assert "Detected at can not be before Started time" in run.error.message
    assert rootly.incidents == []


def test_with_fail_on_error_false_a_failure_is_a_warning_and_outputs_stay_empty(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    run = action.run({"title": "x", "api-token": "expired-token", "fail-on-error": "false"})

    assert run.exit_code == 0
    assert run.annotations("error") == []
    warning = run.annotations("warning")[0]
    assert warning.title == "Rootly refused the API token"
    assert "fail-on-error" in run.summary
    assert run.outputs == {}


@every_setting("rate_limit_headers")
def test_a_rate_limit_is_waited_out_when_it_resets_soon(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    prefix = "X-" if rootly.behaviour.rate_limit_headers == "x_prefixed" else ""
    rootly.add_fault(
        "POST",
        "/v1/incidents",
        status=429,
        body={"error": "Rate limit exceeded. Try again later."},
        # No Retry-After: the reset header alone says when, in this deployment's naming.
        headers={
            f"{prefix}RateLimit-Remaining": "0",
            f"{prefix}RateLimit-Reset": str(int(time.time()) + 1),
        },
    )

    run = action.run({"title": "x"})

    assert run.exit_code == 0, run.stdout
    assert len(rootly.requests_to("POST", "/v1/incidents")) == 2
    assert len(rootly.incidents) == 1


def test_a_rate_limit_that_does_not_reset_in_time_fails_clearly(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    rootly.add_fault(
        "POST",
        "/v1/incidents",
        status=429,
        body={"error": "Rate limit exceeded. Try again later."},
        headers={"Retry-After": "3600"},
    )

    run = action.run({"title": "x"})

    assert run.exit_code == 1
    assert run.error.title == "Rootly's rate limit was reached"
    assert "429" in run.error.message
    assert len(rootly.requests_to("POST", "/v1/incidents")) == 1


def test_an_outage_is_not_retried_blindly_and_says_to_check_rootly(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    rootly.add_fault("POST", "/v1/incidents", status=503)

    # Without a dedup key there is no way to tell whether the create landed.
    run = action.run({"title": "x", "deduplicate": "false"})

    assert run.exit_code == 1
    assert run.error.title == "Rootly had an outage"
    assert "503" in run.error.message
    assert "look in Rootly before re-running" in run.error.message
    # A create that may have landed is never repeated: it could make a duplicate.
    assert len(rootly.requests_to("POST", "/v1/incidents")) == 1


def test_a_timeout_names_the_input_that_controls_it(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    rootly.add_fault("POST", "/v1/incidents", status=None, delay=2.5)

    run = action.run({"title": "x", "timeout-seconds": "1", "deduplicate": "false"})

    assert run.exit_code == 1
    assert run.error.title == "Rootly did not answer in time"
    assert "within 1 s" in run.error.message
    assert "timeout-seconds" in run.error.message


def test_a_dropped_connection_is_reported_as_a_network_error(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    rootly.add_fault("POST", "/v1/incidents", drop=True)

    run = action.run({"title": "x", "deduplicate": "false"})

    assert run.exit_code == 1
    assert run.error.title == "Rootly could not be reached"
    assert "may have reached Rootly" in run.error.message


def test_an_unreachable_api_url_is_a_network_error(action: ActionHarness) -> None:
    run = action.run({"title": "x", "api-url": "http://127.0.0.1:9"})

    assert run.exit_code == 1
    assert run.error.title == "Rootly could not be reached"
    assert "http://127.0.0.1:9" in run.error.message
    assert "api-url" in run.error.message


def test_bad_inputs_are_reported_together_and_nothing_is_sent(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    run = action.run(
        {
            "private": "yes",
            "labels": "team",
            "started-at": "yesterday",
            "notify-emails": "oncall",
            "api-url": "http://rootly.internal",
        }
    )

    assert run.exit_code == 1
    message = run.error.message
    assert message.startswith("5 inputs are not valid")
    assert "input 'private': 'yes' is not valid; expected true or false" in message
    assert "input 'labels': 'team'" in message
    assert "key=value" in message
    assert "input 'started-at': 'yesterday'" in message
    assert "ISO 8601" in message
    assert "input 'notify-emails'" in message
    assert "input 'api-url': 'http://rootly.internal'" in message
    assert "https" in message
    assert rootly.requests == []


def test_a_missing_token_is_named(action: ActionHarness, rootly: RootlyStandIn) -> None:
    run = action.run({"api-token": ""})

    assert run.exit_code == 1
    assert "input 'api-token'" in run.error.message
    assert "required" in run.error.message
    assert rootly.requests == []


def test_dry_run_prints_the_request_and_sends_nothing(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    run = action.run({"title": "Dry", "services": PAYMENTS, "dry-run": "true"})

    assert run.exit_code == 0
    assert rootly.requests == []
    assert f"POST {rootly.url}/v1/incidents" in run.stdout
    assert "Authorization: Bearer ***" in run.stdout
    assert f'"service_ids": [\n        "{PAYMENTS}"\n      ]' in run.stdout
    assert "dry run" in run.summary
    assert run.outputs == {}


def test_a_retry_after_given_as_a_date_is_waited_out(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    import email.utils

    rootly.add_fault(
        "GET",
        "/v1/incidents",
        status=429,
        body={"error": "Rate limit exceeded. Try again later."},
        headers={"Retry-After": email.utils.formatdate(time.time() + 1, usegmt=True)},
    )

    run = action.run({"title": "x"})

    assert run.exit_code == 0, run.stdout
    assert len(rootly.requests_to("GET", "/v1/incidents")) == 3  # 429, search, check


def test_a_token_that_may_not_read_incidents_is_told_how_to_go_on(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    rootly.add_fault("GET", "/v1/incidents", status=403, times=5)

    run = action.run({"title": "x"})

    assert run.exit_code == 1
    assert run.error.title == "Rootly denied the request"
    assert "searching for an open incident with the same dedup key" in run.error.message
    assert "set 'deduplicate: false'" in run.error.message
    assert "Nothing was created in Rootly." in run.error.message
    assert rootly.incidents == []
