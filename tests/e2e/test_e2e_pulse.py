"""`operation: pulse`: the deploy marked in Rootly, names resolved, the run's refs and
labels carried, and a failure that never turns a green deploy red unless asked."""

from __future__ import annotations

import json
from typing import Any

from action_harness import RUN_ID, SERVER_URL, SHA, ActionHarness

from rootly_standin import RootlyStandIn, stable_id

PULSE = {"operation": "pulse"}


def sent(rootly: RootlyStandIn) -> dict[str, Any]:
    (request,) = rootly.requests_to("POST", "/v1/pulses")
    attributes: dict[str, Any] = request.body["data"]["attributes"]
    return attributes


def test_a_pulse_with_services_environments_refs_and_labels_lands_spec_valid(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    run = action.run(
        {
            **PULSE,
            "services": "Payments Gateway, checkout",
            "environments": "production",
            "labels": "team=payments",
            "refs": "image=ghcr.io/acme/shop:1.4.2",
            "started-at": "2026-11-29T03:00:00Z",
            "ended-at": "2026-11-29T03:04:30+00:00",
        }
    )

    assert run.exit_code == 0, run.stdout
    attributes = sent(rootly)
    assert attributes["summary"] == (
        f"Deployed main ({SHA[:7]}) of acme/shop to production by Deploy run #77"
    )
    assert attributes["service_ids"] == [
        stable_id("services", "payments-gateway"),
        stable_id("services", "checkout"),
    ]
    assert attributes["environment_ids"] == [stable_id("environments", "production")]
    run_url = f"{SERVER_URL}/acme/shop/actions/runs/{RUN_ID}/attempts/1"
    assert attributes["refs"] == [
        {"key": "sha", "value": SHA},
        {"key": "ref", "value": "refs/heads/main"},
        {"key": "run", "value": run_url},
        {"key": "image", "value": "ghcr.io/acme/shop:1.4.2"},
    ]
    assert {"key": "team", "value": "payments"} in attributes["labels"]
    assert {"key": "github_repository", "value": "acme/shop"} in attributes["labels"]
    assert attributes["source"] == "github-actions"
    assert attributes["external_url"] == run_url
    assert (attributes["started_at"], attributes["ended_at"]) == (
        "2026-11-29T03:00:00Z",
        "2026-11-29T03:04:30Z",
    )
    assert run.outputs["pulse-id"] == rootly.pulses[0]["id"]
    assert run.outputs["incident-id"] == ""
    assert rootly.incidents == []
    assert "### 📍 Rootly pulse: Deployed main" in run.summary
    assert run.annotations("warning") == []  # started-at is a pulse's, not a backfill


def test_a_pulse_from_a_deployment_status_event_uses_its_environment_and_commit(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    event = {
        "deployment": {
            "id": 4411,
            "sha": "9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a393f2a",
            "ref": "v1.4.2",
            "environment": "production",
            "creator": {"login": "deploy-bot"},
        },
        "deployment_status": {"state": "success", "environment": "production"},
    }
    run = action.run(PULSE, event=event, env={"GITHUB_EVENT_NAME": "deployment_status"})

    assert run.exit_code == 0, run.stdout
    attributes = sent(rootly)
    assert attributes["environment_ids"] == [stable_id("environments", "production")]
    assert attributes["summary"].startswith("Deployed v1.4.2 (9c1d8e7) of acme/shop to production")
    assert {"key": "sha", "value": "9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a393f2a"} in attributes["refs"]


def test_a_release_pulse_carries_the_tag(action: ActionHarness, rootly: RootlyStandIn) -> None:
    event = {"release": {"tag_name": "v2.0.0", "html_url": f"{SERVER_URL}/acme/shop/releases/v2"}}
    action.run(PULSE, event=event, env={"GITHUB_EVENT_NAME": "release"})

    attributes = sent(rootly)
    assert {"key": "tag", "value": "v2.0.0"} in attributes["refs"]
    assert attributes["summary"].startswith(f"Deployed v2.0.0 ({SHA[:7]})")


def test_the_dry_run_prints_the_exact_request_and_sends_nothing(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    run = action.run({**PULSE, "title": "Shipped 1.4.2", "dry-run": "true"})

    assert run.exit_code == 0, run.stdout
    assert rootly.requests == []
    assert "POST " + rootly.url + "/v1/pulses" in run.stdout
    assert '"summary": "Shipped 1.4.2"' in run.stdout
    assert "Authorization: Bearer ***" in run.stdout


def test_a_failed_pulse_is_a_warning_unless_fail_on_error_is_true(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    rootly.add_fault("POST", "/v1/pulses", status=422, times=2)

    soft = action.run(PULSE)
    hard = action.run({**PULSE, "fail-on-error": "true"})

    assert soft.exit_code == 0
    (warning,) = soft.annotations("warning")
    assert "while sending the deploy pulse (POST /v1/pulses)" in warning.message
    assert "No pulse was recorded in Rootly." in warning.message
    assert hard.exit_code == 1
    assert "sending the deploy pulse" in hard.error.message


def test_a_lost_answer_says_the_pulse_may_exist(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    rootly.add_fault("POST", "/v1/pulses", drop_after=True, times=5)

    run = action.run({**PULSE, "fail-on-error": "true"})

    assert run.exit_code == 1
    assert "The pulse may have reached Rootly" in run.error.message
    assert len(rootly.pulses) == 1  # never sent twice by the client


def test_an_unknown_service_is_one_error_and_nothing_is_sent(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    run = action.run({**PULSE, "services": "Paymnets", "fail-on-error": "true"})

    assert run.exit_code == 1
    assert "services: 'Paymnets' matches no service" in run.error.message
    assert rootly.requests_to("POST", "/v1/pulses") == []


def test_inputs_a_pulse_does_not_read_are_refused(action: ActionHarness) -> None:
    run = action.run({**PULSE, "severity": "SEV1"})

    assert run.exit_code == 0  # a pulse's failures are warnings by default
    assert "operation 'pulse' does not read it" in run.annotations("warning")[0].message
    assert json.dumps(run.outputs) == "{}"
