"""End to end: update, add-event, mitigate, resolve and cancel incidents that exist,
through entrypoint.py against the stand-in."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from action_harness import RUN_ID, SERVER_URL, SHA, ActionHarness, ActionRun, cancel_midway

from conftest import every_setting
from rootly_incident_action.plan.dedup import DEDUP_LABEL
from rootly_standin import RootlyStandIn
from rootly_standin.rounds import round_trips

RUN_URL = f"{SERVER_URL}/acme/shop/actions/runs/{RUN_ID}/attempts/1"
WRITES = ("POST", "PUT", "PATCH", "DELETE")


def declare(action: ActionHarness, key: str = "deploy-production", **inputs: str) -> ActionRun:
    named = {name.replace("_", "-"): value for name, value in inputs.items()}
    run = action.run({"title": "Deploy failed", "dedup-key": key, **named})
    assert run.exit_code == 0, run.stdout
    return run


def operate(action: ActionHarness, operation: str, **inputs: str) -> ActionRun:
    named = {name.replace("_", "-"): value for name, value in inputs.items()}
    return action.run({"operation": operation, **named})


def stored(rootly: RootlyStandIn, incident_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(i for i in rootly.incidents if i["id"] == incident_id)
    return dict(found["attributes"])


def events(rootly: RootlyStandIn, incident_id: str) -> list[str]:
    return [event["attributes"]["event"] for event in rootly.events.get(incident_id, [])]


def writes(run: ActionRun) -> list[str]:
    return [f"{r.method} {r.path}" for r in run.sent if r.method in WRITES]


# -- resolve, mitigate, cancel --------------------------------------------------------


@every_setting("labels")
def test_resolve_by_key_resolves_the_open_incident_with_a_linked_message_and_event(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    incident_id = declare(action).outputs["incident-id"]

    run = operate(action, "resolve", dedup_key="deploy-production")

    assert run.exit_code == 0, run.stdout
    attributes = stored(rootly, incident_id)
    assert attributes["status"] == "resolved"
    assert attributes["resolution_message"] == (
        f"Resolved by [workflow Deploy run #77 (attempt 1)]({RUN_URL}) on main"
    )
    (event,) = events(rootly, incident_id)[-1:]
    assert event.startswith("Resolved from GitHub Actions: Resolved by [workflow Deploy")
    assert f"job 'deploy', run #77 (attempt 1): {RUN_URL}" in event
    assert f"Commit {SHA[:7]}: {SERVER_URL}/acme/shop/commit/{SHA}" in event
    assert rootly.events[incident_id][-1]["attributes"]["visibility"] == "internal"
    assert run.outputs["incident-id"] == incident_id
    assert run.outputs["incident-status"] == "resolved"
    assert run.outputs["incident-url"] == attributes["url"]
    assert run.outputs["changed"] == "true"
    assert run.outputs["created"] == "false"
    assert "resolved" in run.summary


def test_a_message_given_is_the_resolution_message(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    incident_id = declare(action).outputs["incident-id"]

    run = operate(action, "mitigate", incident_id=incident_id, message="Rolled back to 1.4.1")

    assert run.exit_code == 0, run.stdout
    attributes = stored(rootly, incident_id)
    assert attributes["status"] == "mitigated"
    assert attributes["mitigation_message"] == "Rolled back to 1.4.1"
    assert events(rootly, incident_id)[-1].startswith(
        "Mitigated from GitHub Actions: Rolled back to 1.4.1\n"
    )


def test_by_id_or_slug_the_change_is_round_trip_two_and_its_event_follows_it(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    slug = declare(action).outputs["incident-slug"]
    rootly.latency = 0.05

    run = operate(action, "resolve", incident_id=slug)

    assert run.exit_code == 0, run.stdout
    incident_id = rootly.incidents[0]["id"]
    assert [f"{r.method} {r.path}" for r in run.sent][:1] == [f"GET /v1/incidents/{slug}"]
    assert sorted(writes(run)) == [
        f"POST /v1/incidents/{incident_id}/events",
        f"PUT /v1/incidents/{incident_id}/resolve",
    ]
    # The event only once Rootly accepted the change: it never claims a refused one.
    assert round_trips(run.sent) == [1, 2, 3]
    assert run.sent[1].path.endswith("/resolve")


def test_by_key_the_search_replaces_the_read(action: ActionHarness, rootly: RootlyStandIn) -> None:
    declare(action)
    rootly.latency = 0.05

    run = operate(action, "cancel", dedup_key="deploy-production", message="Declared by mistake")

    assert run.exit_code == 0, run.stdout
    assert [r.method for r in run.sent] == ["GET", "PUT", "POST"]
    assert round_trips(run.sent) == [1, 2, 3]
    assert rootly.incidents[0]["attributes"]["status"] == "cancelled"
    assert rootly.incidents[0]["attributes"]["cancellation_message"] == "Declared by mistake"


def test_nothing_open_with_the_key_succeeds_without_change_in_one_line(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    run = operate(action, "resolve", dedup_key="deploy-production")

    assert run.exit_code == 0, run.stdout
    assert run.outputs["changed"] == "false"
    assert run.outputs["created"] == "false"
    assert run.outputs["incident-id"] == ""
    said = [line for line in run.stdout.splitlines() if "deploy-production" in line]
    assert len(said) == 1, run.stdout
    assert "No open incident carries the dedup key 'deploy-production'" in said[0]
    assert writes(run) == []


def test_nothing_open_is_an_error_with_fail_if_missing(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    run = operate(action, "resolve", dedup_key="deploy-production", fail_if_missing="true")

    assert run.exit_code == 1
    assert "No open incident carries the dedup key 'deploy-production'" in run.error.message
    assert "fail-if-missing" in run.error.message


def test_an_incident_already_resolved_is_left_alone_without_a_new_event(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    incident_id = declare(action).outputs["incident-id"]
    assert operate(action, "resolve", incident_id=incident_id).exit_code == 0
    before = len(events(rootly, incident_id))

    again = operate(action, "resolve", incident_id=incident_id)
    mitigate = operate(action, "mitigate", incident_id=incident_id)

    for run in (again, mitigate):
        assert run.exit_code == 0, run.stdout
        assert run.outputs["changed"] == "false"
        assert run.outputs["incident-status"] == "resolved"
        assert writes(run) == []
        assert "already resolved" in run.stdout
    assert len(events(rootly, incident_id)) == before


@every_setting("leaving_final")
def test_leaving_a_final_status_is_an_error_naming_it_or_done_with_its_event_after(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    incident_id = declare(action).outputs["incident-id"]
    assert operate(action, "cancel", incident_id=incident_id).exit_code == 0
    before = len(events(rootly, incident_id))

    run = operate(action, "resolve", incident_id=incident_id)

    if rootly.behaviour.leaving_final == "refuse":
        assert run.exit_code == 1
        assert run.error.title == "Rootly refused the change"
        assert "whose status is 'cancelled'" in run.error.message
        assert "Nothing was changed in Rootly." in run.error.message
        assert stored(rootly, incident_id)["status"] == "cancelled"
        # No timeline event claims a resolution that did not happen.
        assert len(events(rootly, incident_id)) == before
    else:
        assert run.exit_code == 0, run.stdout
        assert stored(rootly, incident_id)["status"] == "resolved"
        assert events(rootly, incident_id)[-1].startswith("Resolved from GitHub Actions")


@every_setting("labels")
def test_every_open_incident_with_the_key_is_changed_and_the_outputs_name_the_oldest(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    first = declare(action).outputs["incident-id"]
    # Two more open incidents with the key, declared later (by hand, or another workflow).
    for number in (2, 3):
        rootly.incidents.append(
            {
                **rootly.incidents[0],
                "id": f"extra-{number}",
                "attributes": {
                    **rootly.incidents[0]["attributes"],
                    "sequential_id": number,
                    "slug": f"extra-{number}",
                    "labels": {DEDUP_LABEL: "deploy-production"},
                },
            }
        )

    run = operate(action, "resolve", dedup_key="deploy-production")

    assert run.exit_code == 0, run.stdout
    assert {i["attributes"]["status"] for i in rootly.incidents} == {"resolved"}
    assert run.outputs["incident-id"] == first
    assert "3 of 3 incident(s) resolved" in run.summary


def test_a_closed_incident_with_the_key_is_not_touched(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    incident_id = declare(action).outputs["incident-id"]
    assert operate(action, "resolve", dedup_key="deploy-production").exit_code == 0

    run = operate(action, "cancel", dedup_key="deploy-production")

    assert run.outputs["changed"] == "false"
    assert stored(rootly, incident_id)["status"] == "resolved"


# -- add-event and update ------------------------------------------------------------


def test_add_event_adds_the_text_with_the_run_linked(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    incident_id = declare(action).outputs["incident-id"]

    run = operate(action, "add-event", incident_id=incident_id, message="Rolled back to 1.4.1")

    assert run.exit_code == 0, run.stdout
    text = events(rootly, incident_id)[-1]
    assert text.startswith("Rolled back to 1.4.1\nBy workflow 'Deploy', job 'deploy'")
    assert stored(rootly, incident_id)["status"] == "started"
    assert run.outputs["changed"] == "true"
    assert run.outputs["incident-status"] == "started"


@every_setting("update_labels", "labels")
def test_update_changes_only_what_is_given_labels_merged_lists_replaced(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    incident_id = declare(action, services="Payments", labels="team=payments").outputs[
        "incident-id"
    ]
    before = dict(stored(rootly, incident_id))

    run = operate(
        action,
        "update",
        dedup_key="deploy-production",
        severity="SEV1",
        services="Checkout, search-api",
        labels="rollback=1.4.1",
    )

    assert run.exit_code == 0, run.stdout
    after = stored(rootly, incident_id)
    catalog = rootly.catalog
    assert after["severity"]["data"]["id"] == catalog.id_of("severities", "sev1")
    assert [s["data"]["id"] for s in after["services"]] == [
        catalog.id_of("services", "checkout"),
        catalog.id_of("services", "search-api"),
    ]
    assert after["labels"] == {**before["labels"], "rollback": "1.4.1"}
    assert after["title"] == before["title"]
    assert after["summary"] == before["summary"]
    assert after["private"] is False
    (update,) = rootly.requests_to("PUT", f"/v1/incidents/{incident_id}")
    assert set(update.body["data"]["attributes"]) == {"severity_id", "service_ids", "labels"}
    assert events(rootly, incident_id)[-1].startswith(
        "Updated from GitHub Actions (labels, services, severity)"
    )


def test_update_summary_appends_the_context_block_unless_switched_off(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    incident_id = declare(action).outputs["incident-id"]

    with_block = operate(action, "update", incident_id=incident_id, summary="Rolled back.")
    summary = stored(rootly, incident_id)["summary"]
    without = operate(
        action, "update", incident_id=incident_id, summary="Fixed.", context_summary="false"
    )

    assert with_block.exit_code == without.exit_code == 0
    assert summary.startswith("Rolled back.\n\n**Declared from GitHub Actions**")
    assert stored(rootly, incident_id)["summary"] == "Fixed."


def test_update_names_that_do_not_resolve_send_nothing(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    incident_id = declare(action).outputs["incident-id"]

    run = operate(action, "update", incident_id=incident_id, services="Paymnets", severity="SEV9")

    assert run.exit_code == 1
    message = run.error.message
    assert "2 references could not be resolved" in message
    assert "services: 'Paymnets'" in message and "severity: 'SEV9'" in message
    assert writes(run) == []


def test_update_private_true_makes_it_private_and_nothing_of_its_title_shows(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    incident_id = declare(action, title="Card data exposed").outputs["incident-id"]

    run = operate(action, "update", incident_id=incident_id, private="true")

    assert run.exit_code == 0, run.stdout
    assert stored(rootly, incident_id)["private"] is True
    assert "Card data" not in run.stdout + run.summary
    assert "card-data" not in run.stdout + run.summary


def test_update_private_false_leaves_privacy_alone(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    incident_id = declare(action, private="true").outputs["incident-id"]

    run = operate(action, "update", incident_id=incident_id, title="New title", private="false")

    assert run.exit_code == 0, run.stdout
    (update,) = rootly.requests_to("PUT", f"/v1/incidents/{incident_id}")
    assert update.body["data"]["attributes"] == {"title": "New title"}
    assert stored(rootly, incident_id)["private"] is True
    assert "New title" not in run.stdout + run.summary


# -- inputs, dry run ---------------------------------------------------------------


def test_no_target_is_an_error_naming_both_inputs(action: ActionHarness) -> None:
    run = operate(action, "resolve")

    assert run.exit_code == 1
    assert "'incident-id'" in run.error.message and "'dedup-key'" in run.error.message
    assert run.sent == []


@pytest.mark.parametrize(
    ("inputs", "named"),
    [
        ({"operation": "resolve", "dedup-key": "k", "severity": "SEV1"}, "input 'severity'"),
        ({"operation": "add-event", "dedup-key": "k"}, "input 'message'"),
        ({"operation": "update", "dedup-key": "k"}, "none was given"),
        ({"operation": "close", "dedup-key": "k"}, "input 'operation': 'close'"),
        ({"message": "hello"}, "operation 'create' does not read it"),
        ({"operation": "resolve", "incident-id": "a/b"}, "input 'incident-id'"),
    ],
)
def test_bad_operation_inputs_get_one_clear_error_and_send_nothing(
    action: ActionHarness, inputs: dict[str, str], named: str
) -> None:
    run = action.run(inputs)

    assert run.exit_code == 1
    assert named in run.error.message
    assert run.sent == []


def test_an_unknown_incident_id_says_so(action: ActionHarness) -> None:
    run = operate(action, "resolve", incident_id="no-such-incident")

    assert run.exit_code == 1
    assert run.error.title == "Incident not found"
    assert "'no-such-incident'" in run.error.message


@pytest.mark.parametrize("operation", ["update", "add-event", "mitigate", "resolve", "cancel"])
def test_dry_run_reads_only_what_it_must_and_prints_every_write(
    action: ActionHarness, rootly: RootlyStandIn, operation: str
) -> None:
    incident_id = declare(action).outputs["incident-id"]
    extra = {"title": "New title"} if operation == "update" else {}
    if operation == "add-event":
        extra = {"message": "Rolled back"}

    run = action.run(
        {"operation": operation, "dedup-key": "deploy-production", "dry-run": "true", **extra}
    )

    assert run.exit_code == 0, run.stdout
    assert [r.method for r in run.sent] == ["GET"]
    assert f"POST {rootly.url}/v1/incidents/{incident_id}/events" in run.stdout
    if operation not in ("update", "add-event"):
        assert f"PUT {rootly.url}/v1/incidents/{incident_id}/{operation}" in run.stdout
    assert stored(rootly, incident_id)["status"] == "started"
    assert "nothing was sent" in run.summary


def test_a_cancelled_step_says_which_writes_may_have_been_applied(
    action: ActionHarness, rootly: RootlyStandIn, tmp_path: Path
) -> None:
    incident_id = declare(action).outputs["incident-id"]
    rootly.add_fault("PUT", "/v1/incidents/{id}/resolve", status=None, delay=20)
    inputs = {"operation": "resolve", "incident-id": incident_id}

    done, took = cancel_midway(
        rootly, tmp_path / "cancelled", inputs, ("PUT", f"/v1/incidents/{incident_id}/resolve")
    )

    assert took < 2, took
    assert done.returncode == 1
    assert "Traceback" not in done.stdout + done.stderr
    assert "::error title=Cancelled::" in done.stdout
    assert "Rootly may have applied them: the resolve call on incident #1" in done.stdout


@every_setting("nested_form_fields")
def test_update_sets_form_field_values_replacing_the_ones_the_incident_has(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    incident_id = declare(action, form_fields="Region: eu-west").outputs["incident-id"]
    rootly.latency = 0.05

    run = operate(
        action,
        "update",
        dedup_key="deploy-production",
        form_fields="Region: us-east\nCustomer impact: Card payments fail",
    )

    assert run.exit_code == 0, run.stdout
    catalog = rootly.catalog
    values = {s["form_field_id"]: s for s in rootly.form_field_selections[incident_id]}
    region = catalog.id_of("form_fields", "region")
    impact = catalog.id_of("form_fields", "customer-impact")
    assert set(values) == {region, impact}
    us_east = next(o.id for o in catalog.options_of(region) if o.name == "us-east")
    assert values[region]["selected_option_ids"] == [us_east]
    assert values[impact]["value"] == "Card payments fail"
    # The value it had is changed in place, the new one added; no incident update sent.
    assert sorted(writes(run)) == [
        f"POST /v1/incidents/{incident_id}/events",
        f"POST /v1/incidents/{incident_id}/form_field_selections",
        f"PUT /v1/incident_form_field_selections/{rootly.selection_id(incident_id, region)}",
    ]
    # Search and lookups; the incident's values; the writes and the event.
    assert max(round_trips(run.sent)) == 4  # names, values, the writes, then the event


def test_a_write_that_fails_is_named_with_what_was_done(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    incident_id = declare(action).outputs["incident-id"]
    rootly.add_fault("POST", "/v1/incidents/{incident_id}/events", status=422)

    run = operate(action, "resolve", incident_id=incident_id)

    assert run.exit_code == 1
    assert run.error.title == "Incident not fully changed"
    message = run.error.message
    assert message.startswith("The timeline event on incident #1 failed.")
    assert "Done in Rootly before this failed: the resolve call on incident #1." in message
    assert stored(rootly, incident_id)["status"] == "resolved"


@pytest.mark.parametrize("dry_run", ["true", "false"])
def test_a_private_incident_never_shows_its_title_when_acted_on(
    action: ActionHarness, rootly: RootlyStandIn, dry_run: str
) -> None:
    declare(action, title="Payroll export leaked", private="true")

    run = operate(action, "resolve", dedup_key="deploy-production", dry_run=dry_run)

    assert run.exit_code == 0, run.stdout
    shown = run.stdout + run.summary
    assert "Payroll" not in shown and "payroll" not in shown
    assert "#1" in shown


def test_a_form_field_value_rootly_refuses_is_named_by_the_field(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    incident_id = declare(action).outputs["incident-id"]
    rootly.add_fault("POST", "/v1/incidents/{incident_id}/form_field_selections", status=422)

    run = operate(
        action,
        "update",
        incident_id=incident_id,
        title="Rolled back",
        form_fields="Region: eu-west",
    )

    assert run.exit_code == 1
    message = run.error.message
    assert message.startswith("The value of form field 'Region' on incident #1 failed.")
    assert "Done in Rootly before this failed: the update of incident #1." in message
    # The change did not complete, so no timeline event claims it.
    assert events(rootly, incident_id) == []
    assert stored(rootly, incident_id)["title"] == "Rolled back"


# -- the timeline never claims a change Rootly refused or failed ------------------------


@pytest.mark.parametrize(
    "fault",
    [
        {"status": 422, "body": {"errors": [{"title": "Root cause is required to resolve"}]}},
        {"status": 503},
        {"drop": True},
    ],
    ids=["refused", "outage", "connection lost"],
)
def test_a_resolve_rootly_refuses_or_fails_leaves_no_event_and_quotes_rootly(
    fault: dict[str, Any], action: ActionHarness, rootly: RootlyStandIn
) -> None:
    incident_id = declare(action).outputs["incident-id"]
    rootly.add_fault("PUT", "/v1/incidents/{id}/resolve", times=9, **fault)

    run = operate(action, "resolve", dedup_key="deploy-production")

    assert run.exit_code == 1
    assert stored(rootly, incident_id)["status"] == "started"
    assert events(rootly, incident_id) == []
    if fault.get("status") == 422:
        assert run.error.title == "Rootly refused the change"
        assert (
            "whose status is 'started': Root cause is required to resolve (422)"
            in run.error.message
        )
        assert "lifecycle does not lead" not in run.error.message


@every_setting("repeated_move")
def test_three_jobs_resolving_one_incident_at_once_all_succeed(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    incident_id = declare(action).outputs["incident-id"]
    rootly.latency = 0.3  # wide enough that every job reads the incident open
    barrier = threading.Barrier(3)

    def resolver(_: int) -> ActionRun:
        barrier.wait()
        return operate(action, "resolve", dedup_key="deploy-production")

    with ThreadPoolExecutor(max_workers=3) as pool:
        runs = list(pool.map(resolver, range(3)))

    assert [run.exit_code for run in runs] == [0, 0, 0], [r.stdout for r in runs]
    assert stored(rootly, incident_id)["status"] == "resolved"
    # A job whose search came after another's resolve finds nothing open: also fine.
    assert {run.outputs["incident-id"] for run in runs} <= {incident_id, ""}
    assert {run.outputs["incident-status"] for run in runs} <= {"resolved", ""}
    changed = [run.outputs["changed"] for run in runs]
    if rootly.behaviour.repeated_move == "refuse":
        # Only the job whose resolve Rootly accepted records it on the timeline; the
        # others were refused, read the incident and found it resolved.
        assert changed.count("true") == 1
        assert sum("moved meanwhile" in run.stdout for run in runs) == 2
        assert len(events(rootly, incident_id)) == 1
    else:
        assert len(events(rootly, incident_id)) == changed.count("true")


@pytest.mark.parametrize("operation", ["mitigate", "resolve", "cancel"])
def test_a_move_by_parent_key_moves_the_parents_open_sub_incidents_too(
    operation: str, action: ActionHarness, rootly: RootlyStandIn
) -> None:
    for shard in (1, 2):
        legs = action.run(
            {"title": f"Shard {shard} failed", "parent": "run", "parent-key": "nightly"}
        )
        assert legs.exit_code == 0, legs.stdout

    run = operate(action, operation, parent_key="nightly")

    assert run.exit_code == 0, run.stdout
    statuses = {i["attributes"]["status"] for i in rootly.incidents}
    assert statuses == {
        {"mitigate": "mitigated", "resolve": "resolved", "cancel": "cancelled"}[operation]
    }
    assert len(rootly.incidents) == 3  # the parent and both sub-incidents
