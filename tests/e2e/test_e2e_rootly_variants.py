"""End to end, under each shape of Rootly its own public clients show: the idempotency key
on creates, paging that does not trust one field, and incidents named by number."""

from __future__ import annotations

from typing import Any

import pytest
from action_harness import ActionHarness

from conftest import every_setting
from rootly_incident_action.plan.dedup import DEDUP_LABEL
from rootly_standin import RootlyStandIn
from rootly_standin.behaviour import Behaviour


def creates(rootly: RootlyStandIn) -> list[Any]:
    return rootly.requests_to("POST", "/v1/incidents")


def test_every_create_carries_an_idempotency_key_the_dry_run_shows(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    dry = action.run({"title": "Deploy failed", "dry-run": "true"})
    run = action.run({"title": "Deploy failed"})

    assert run.exit_code == 0, run.stdout
    (sent,) = creates(rootly)
    key = sent.headers["Idempotency-Key"]
    assert key.startswith("rootly-action-")
    assert f"Idempotency-Key: {key}" in dry.stdout


def test_a_rerun_attempt_sends_another_key_so_a_resolved_incident_is_never_replayed(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    rootly.behaviour.idempotency = "replayed"
    first = action.run({"title": "Deploy failed"})
    rootly.incidents[0]["attributes"]["status"] = "resolved"
    rerun = action.run({"title": "Deploy failed"}, env={"GITHUB_RUN_ATTEMPT": "2"})

    assert rerun.exit_code == 0, rerun.stdout
    assert rerun.outputs["created"] == "true"
    assert rerun.outputs["incident-id"] != first.outputs["incident-id"]
    one, two = creates(rootly)
    assert one.headers["Idempotency-Key"] != two.headers["Idempotency-Key"]


@pytest.mark.parametrize(
    "rootly",
    [Behaviour(idempotency="replayed"), Behaviour(idempotency="strict")],
    ids=["idempotency=replayed", "idempotency=strict"],
    indirect=True,
)
def test_where_rootly_honours_the_key_a_create_applied_after_the_wait_leaves_one_incident(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    # Rootly makes the incident but the answer is lost, and its lists never show it
    # within the wait: the action must send the create again, and the key makes that
    # resend a replay instead of a second incident.
    rootly.add_fault("POST", "/v1/incidents", drop_after=True)
    rootly.list_lag = 1000

    run = action.run({"title": "Deploy failed", "timeout-seconds": "1"})

    assert run.exit_code == 0, run.stdout
    assert len(rootly.incidents) == 1
    first, again = creates(rootly)
    assert again.status == 200  # the replay
    assert first.headers["Idempotency-Key"] == again.headers["Idempotency-Key"]
    assert first.body == again.body
    assert run.outputs["incident-id"] == rootly.incidents[0]["id"]
    assert run.outputs["created"] == "true"  # this step's own create, replayed


@every_setting("idempotency")
def test_jobs_sharing_a_key_in_one_run_end_with_one_incident(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    # Two jobs of one run declare the same incident (same dedup key); Rootly's lists
    # lag, so the second job's search misses the first one's incident, as jobs starting
    # together do, and both send the create with the same key.
    rootly.list_lag = 2
    inputs = {"title": "Smoke red", "dedup-key": "smoke"}
    one = action.run(inputs)
    two = action.run(inputs, env={"GITHUB_JOB": "smoke-us"})

    assert one.exit_code == two.exit_code == 0, two.stdout
    still_open = [i for i in rootly.incidents if i["attributes"]["status"] != "cancelled"]
    assert len(still_open) == 1
    assert two.outputs["incident-id"] == one.outputs["incident-id"] == still_open[0]["id"]
    assert [one.outputs["created"], two.outputs["created"]] == ["true", "false"]
    first, second = creates(rootly)
    assert first.headers["Idempotency-Key"] == second.headers["Idempotency-Key"]
    setting = rootly.behaviour.idempotency
    # Honoured, the key stops the second incident; ignored, the check after the create
    # retires it as a duplicate.
    assert len(rootly.incidents) == (2 if setting == "ignored" else 1)
    assert second.status == {"ignored": 201, "replayed": 200, "strict": 422}[setting]


def seed(rootly: RootlyStandIn, count: int, labels: dict[str, str] | None = None) -> None:
    """Incidents made by others, straight into the stand-in's book."""
    for number in range(count):
        rootly.book.create({"title": f"Other incident {number}", "labels": labels or {}})


@every_setting("paging")
def test_the_duplicate_search_finds_an_incident_several_pages_down(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    first = action.run({"title": "Deploy failed", "dedup-key": "deep"})
    seed(rootly, 250)  # newer ones: ours is now on the third page of 100, newest first

    again = action.run({"title": "Deploy failed", "dedup-key": "deep"})

    assert again.exit_code == 0, again.stdout
    assert again.outputs["created"] == "false"
    assert again.outputs["incident-id"] == first.outputs["incident-id"]
    assert len(creates(rootly)) == 1
    assert "cut short" not in again.stdout
    searches = [r for r in rootly.requests_to("GET", "/v1/incidents") if r.status == 200]
    if rootly.behaviour.paging == "cursor":
        assert any("page[after]" in r.query for r in searches)


@every_setting("paging")
def test_a_search_cut_short_still_warns_however_rootly_pages(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    seed(rootly, 1001)

    run = action.run({"title": "Deploy failed", "dedup-key": "deep"})

    assert run.exit_code == 0, run.stdout
    assert "Duplicate search cut short" in run.stdout


@every_setting("paging")
def test_operations_by_key_find_an_incident_several_pages_down(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    declared = action.run({"title": "Deploy failed", "dedup-key": "deep"})
    seed(rootly, 250, labels={DEDUP_LABEL: "other"})

    run = action.run({"operation": "resolve", "dedup-key": "deep"})

    assert run.exit_code == 0, run.stdout
    assert run.outputs["incident-id"] == declared.outputs["incident-id"]
    assert rootly.book.find(declared.outputs["incident-id"])["attributes"]["status"] == "resolved"


@every_setting("numeric_ids")
@pytest.mark.parametrize("written", ["3", "#3", "INC-3", "inc-3"])
def test_an_incident_named_by_its_number_is_acted_on(
    written: str, action: ActionHarness, rootly: RootlyStandIn
) -> None:
    seed(rootly, 2)
    declared = action.run({"title": "Deploy failed"})  # incident 3

    run = action.run({"operation": "resolve", "incident-id": written})

    assert run.exit_code == 0, run.stdout
    assert run.outputs["incident-id"] == declared.outputs["incident-id"]
    assert rootly.book.find(declared.outputs["incident-id"])["attributes"]["status"] == "resolved"
    reads = [f"{r.method} {r.path}" for r in run.sent if r.method == "GET"]
    if rootly.behaviour.numeric_ids == "accepted":
        assert reads == ["GET /v1/incidents/3"]
    else:
        assert reads == ["GET /v1/incidents/3", "GET /v1/incidents"]


@every_setting("numeric_ids")
def test_a_number_no_incident_has_is_named_in_the_error(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    run = action.run({"operation": "resolve", "incident-id": "INC-41"})

    assert run.exit_code == 1
    assert "'INC-41'" in run.error.message
    assert "no incident has the number 41" in run.error.message
