"""End to end: no duplicate incidents, and one parent incident for a whole pipeline."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from action_harness import RUN_ID, SERVER_URL, ActionHarness, ActionRun

from conftest import every_setting
from rootly_incident_action.github.context import RunContext
from rootly_incident_action.plan.dedup import PARENT_LABEL, default_parent_key
from rootly_standin import RootlyStandIn
from rootly_standin.direct import call

RUN_URL = f"{SERVER_URL}/acme/shop/actions/runs/{RUN_ID}"


def creates(rootly: RootlyStandIn) -> int:
    return len(rootly.requests_to("POST", "/v1/incidents"))


def open_incidents(rootly: RootlyStandIn) -> list[dict[str, Any]]:
    closed = {"resolved", "cancelled", "closed"}
    return [i for i in rootly.incidents if i["attributes"]["status"] not in closed]


@every_setting("labels", "idempotency")
def test_the_same_step_run_twice_declares_one_incident(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    first = action.run({"title": "Deploy failed"})
    second = action.run({"title": "Deploy failed"})

    assert first.exit_code == second.exit_code == 0, second.stdout
    assert len(rootly.incidents) == 1
    assert first.outputs["created"] == "true"
    assert second.outputs["created"] == "false"
    assert second.outputs["incident-id"] == first.outputs["incident-id"]
    assert second.outputs["incident-url"] == first.outputs["incident-url"]
    events = rootly.events[first.outputs["incident-id"]]
    assert len(events) == 1
    text = events[0]["attributes"]["event"]
    assert "job 'deploy'" in text
    assert f"run {RUN_ID} attempt 1" in text
    assert f"{RUN_URL}/attempts/1" in text
    assert events[0]["attributes"]["visibility"] == "internal"
    assert "reused, not recreated" in second.summary


def test_a_rerun_attempt_finds_the_incident_its_first_attempt_declared(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    first = action.run({"title": "Deploy failed"})
    rerun = action.run({"title": "Deploy failed"}, env={"GITHUB_RUN_ATTEMPT": "2"})

    assert rerun.exit_code == 0, rerun.stdout
    assert creates(rootly) == 1
    assert rerun.outputs["created"] == "false"
    assert rerun.outputs["incident-id"] == first.outputs["incident-id"]
    text = rootly.events[first.outputs["incident-id"]][0]["attributes"]["event"]
    assert f"run {RUN_ID} attempt 2: {RUN_URL}/attempts/2" in text


def test_another_run_or_a_closed_incident_means_a_new_incident(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    action.run({"title": "Deploy failed"})
    other_run = action.run({"title": "Deploy failed"}, env={"GITHUB_RUN_ID": "1111"})
    rootly.incidents[0]["attributes"]["status"] = "resolved"
    after_resolution = action.run({"title": "Deploy failed"})

    assert other_run.outputs["created"] == "true"
    assert after_resolution.outputs["created"] == "true"
    assert creates(rootly) == 3


@every_setting("labels")
def test_an_explicit_dedup_key_joins_failures_and_dedup_can_be_switched_off(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    one = action.run({"title": "Smoke test red (eu)", "dedup-key": "smoke-2026-11-28"})
    two = action.run({"title": "Smoke test red (us)", "dedup-key": "smoke-2026-11-28"})
    three = action.run({"title": "Smoke test red (eu)", "deduplicate": "false"})

    assert two.outputs["incident-id"] == one.outputs["incident-id"]
    assert two.outputs["created"] == "false"
    assert three.outputs["created"] == "true"
    assert creates(rootly) == 2
    sent = rootly.requests_to("POST", "/v1/incidents")
    assert sent[0].body["data"]["attributes"]["labels"]["rootly_action_dedup_key"] == (
        "smoke-2026-11-28"
    )
    assert "rootly_action_dedup_key" not in sent[1].body["data"]["attributes"]["labels"]


def test_the_duplicate_search_costs_one_request_before_the_create_and_one_after(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    run = action.run({"title": "Deploy failed"})

    assert run.exit_code == 0
    assert [(r.method, r.path) for r in rootly.requests] == [
        ("GET", "/v1/incidents"),
        ("POST", "/v1/incidents"),
        ("GET", "/v1/incidents"),  # racing jobs: the one check after the create
    ]
    search = rootly.requests[0].query
    assert search["sort"] == "-created_at"
    assert "filter[created_at][gte]" in search
    assert search["filter[kind][in]"] == "normal,normal_sub,test,test_sub"


@every_setting("labels", "idempotency")
def test_a_lost_answer_does_not_make_a_duplicate(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    # Rootly creates the incident, but the connection drops before the answer.
    rootly.add_fault("POST", "/v1/incidents", drop_after=True)

    run = action.run({"title": "Deploy failed"})

    assert run.exit_code == 0, run.stdout
    assert len(rootly.incidents) == 1
    assert creates(rootly) == 1
    assert run.outputs["incident-id"] == rootly.incidents[0]["id"]
    assert run.outputs["created"] == "true"
    assert "Rootly could not be reached, but Rootly did create incident #1" in run.stdout


@every_setting("idempotency")
def test_a_create_that_did_not_land_is_tried_again_after_looking(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    rootly.add_fault("POST", "/v1/incidents", status=503)

    # The grace period is max(10 s, 2 x timeout-seconds): the shortest here.
    run = action.run({"title": "Deploy failed", "timeout-seconds": "2"})

    assert run.exit_code == 0, run.stdout
    assert creates(rootly) == 2
    assert len(rootly.incidents) == 1
    methods = [(r.method, r.path) for r in rootly.requests]
    # search, create (503), searches for the lost create during the grace period,
    # create again, and the check after it
    assert methods[:2] == [("GET", "/v1/incidents"), ("POST", "/v1/incidents")]
    assert methods[-2:] == [("POST", "/v1/incidents"), ("GET", "/v1/incidents")]
    assert set(methods[2:-2]) == {("GET", "/v1/incidents")}
    assert "sending the same request again, with the same idempotency key" in run.stdout
    first, again = rootly.requests_to("POST", "/v1/incidents")
    assert first.headers["Idempotency-Key"] == again.headers["Idempotency-Key"]
    assert first.body == again.body


@every_setting("slug")
def test_a_parent_given_by_slug_is_found(action: ActionHarness, rootly: RootlyStandIn) -> None:
    parent = action.run({"title": "Release 2026.11 failed", "deduplicate": "false"})
    child = action.run(
        {"title": "Smoke tests failed", "parent-incident-id": parent.outputs["incident-slug"]}
    )

    assert child.exit_code == 0, child.stdout
    body = rootly.requests_to("POST", "/v1/incidents")[-1].body["data"]["attributes"]
    assert body["parent_incident_id"] == parent.outputs["incident-id"]
    assert child.outputs["parent-incident-id"] == parent.outputs["incident-id"]
    assert child.outputs["parent-incident-url"] == parent.outputs["incident-url"]


def test_an_unknown_parent_is_named(action: ActionHarness, rootly: RootlyStandIn) -> None:
    run = action.run({"title": "x", "parent-incident-id": "no-such-incident"})

    assert run.exit_code == 1
    assert run.error.message.startswith(
        "input 'parent-incident-id': no incident has the ID or slug 'no-such-incident'"
    )
    assert creates(rootly) == 0


def matrix_leg(action: ActionHarness, shard: int, barrier: threading.Barrier | None) -> ActionRun:
    return action.run(
        {"title": f"Tests failed on shard {shard}", "parent": "run", "severity": "SEV2"},
        env={"GITHUB_JOB": "test"},
        barrier=barrier,
    )


@every_setting("default_listing")
def test_a_rerun_of_a_matrix_leg_finds_its_sub_incident_however_rootly_lists(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    first = matrix_leg(action, 1, None)
    rerun = action.run(
        {"title": "Tests failed on shard 1", "parent": "run", "severity": "SEV2"},
        env={"GITHUB_JOB": "test", "GITHUB_RUN_ATTEMPT": "2"},
    )

    assert rerun.exit_code == 0, rerun.stdout
    assert rerun.outputs["created"] == "false"
    assert rerun.outputs["incident-id"] == first.outputs["incident-id"]
    children = [i for i in rootly.incidents if i["attributes"]["parent_incident_id"]]
    assert len(children) == 1  # no second child, even where sub-incidents are not listed
    assert len(rootly.incidents) == 2


@every_setting("labels")
def test_matrix_legs_get_their_own_incidents_under_one_parent(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    first, second = matrix_leg(action, 1, None), matrix_leg(action, 2, None)

    assert first.exit_code == second.exit_code == 0, second.stdout
    parents = [i for i in rootly.incidents if i["attributes"]["parent_incident_id"] is None]
    children = [i for i in rootly.incidents if i["attributes"]["parent_incident_id"]]
    assert len(parents) == 1
    assert [c["attributes"]["title"] for c in children] == [
        "Tests failed on shard 1",
        "Tests failed on shard 2",
    ]
    parent = parents[0]
    assert parent["attributes"]["title"] == "Workflow 'Deploy' run #77 failed in acme/shop on main"
    assert all(c["attributes"]["parent_incident_id"] == parent["id"] for c in children)
    assert all(c["attributes"]["kind"] == "normal_sub" for c in children)
    assert first.outputs["parent-incident-id"] == second.outputs["parent-incident-id"]
    assert second.outputs["parent-incident-url"] == parent["attributes"]["url"]
    # The second leg found the parent: one search, its own create, and the check after it.
    second_leg = [(r.method, r.path) for r in second.sent]
    # The search and the severity's lookup go out together, in either order.
    assert sorted(second_leg[:2]) == [("GET", "/v1/incidents"), ("GET", "/v1/severities")]
    assert second_leg[2:] == [("POST", "/v1/incidents"), ("GET", "/v1/incidents")]


def test_twenty_jobs_failing_at_once_converge_on_one_parent(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    rootly.latency = 0.03  # widen the race: every answer takes a little while
    legs = 20
    barrier = threading.Barrier(legs)
    with ThreadPoolExecutor(max_workers=legs) as pool:
        runs = list(pool.map(lambda shard: matrix_leg(action, shard, barrier), range(legs)))

    assert [run.exit_code for run in runs] == [0] * legs, [r.stdout for r in runs if r.exit_code]
    parents = [i for i in rootly.incidents if i["attributes"]["parent_incident_id"] is None]
    children = [i for i in rootly.incidents if i["attributes"]["parent_incident_id"]]
    still_open = [p for p in parents if p in open_incidents(rootly)]
    assert len(still_open) == 1, [p["attributes"]["status"] for p in parents]
    survivor = still_open[0]
    assert len(children) == legs
    assert {c["attributes"]["parent_incident_id"] for c in children} == {survivor["id"]}
    for extra in parents:
        if extra is not survivor:
            assert extra["attributes"]["status"] == "cancelled"
            assert extra["attributes"]["duplicate_incident_id"] == survivor["id"]
    assert {run.outputs["parent-incident-id"] for run in runs} == {survivor["id"]}
    assert sorted(run.outputs["created"] for run in runs) == ["true"] * legs


def test_a_pipeline_dry_run_shows_both_requests_and_sends_nothing(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    run = action.run({"title": "Shard 1 failed", "parent": "run", "dry-run": "true"})

    assert run.exit_code == 0, run.stdout
    assert rootly.requests == []
    assert '"title": "Shard 1 failed"' in run.stdout
    assert "parent incident, if no job has declared it yet" in run.stdout
    assert '"rootly_action_parent_key": "sha256:' in run.stdout


def test_parent_mode_inputs_are_checked(action: ActionHarness, rootly: RootlyStandIn) -> None:
    both = action.run({"parent": "run", "parent-incident-id": "inc-1"})
    unknown = action.run({"parent": "pipeline"})

    assert both.exit_code == unknown.exit_code == 1
    assert "input 'parent-incident-id': 'inc-1' is not valid; choose one" in both.error.message
    assert "input 'parent': 'pipeline' is not valid; expected 'run'" in unknown.error.message
    assert rootly.requests == []


def test_a_failure_after_the_parent_was_created_says_so(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    unknown = "00000000-0000-4000-8000-00000000abcd"
    run = action.run({"title": "Shard 1 failed", "parent": "run", "services": unknown})

    assert run.exit_code == 1
    parent = rootly.incidents[0]
    assert f"services={unknown}" in run.error.message
    assert (
        f"Before this failed, the action created incident #1 ({parent['attributes']['url']})"
        in run.error.message
    )


def declare_directly(rootly: RootlyStandIn, attributes: dict[str, Any]) -> dict[str, Any]:
    """Create an incident through the stand-in's API, as another job would."""
    body = {"data": {"type": "incidents", "attributes": attributes}}
    status, document = call(rootly, "POST", "/v1/incidents", body)
    assert status == 201, document
    created: dict[str, Any] = document["data"]
    return created


@every_setting("duplicate_call")
def test_an_extra_parent_is_cancelled_as_a_duplicate_however_rootly_takes_the_call(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    # Rootly's lists lag two queries behind its creates here, so this job's first search
    # and its second look miss the parent another job has just created and it creates
    # its own; the check after finds the older one, and this job retires its own.
    rootly.list_lag = 2
    key = default_parent_key(RunContext(repository="acme/shop", run_id=RUN_ID))
    other = declare_directly(rootly, {"title": "Other job's parent", "labels": {PARENT_LABEL: key}})
    run = matrix_leg(action, 1, None)

    assert run.exit_code == 0, run.stdout
    extra = rootly.incidents[1]
    child = rootly.incidents[2]
    assert extra["attributes"]["labels"][PARENT_LABEL] == key
    # Where the duplicate call is refused (400 or 404), the update call cancels it instead.
    assert rootly.requests_to("PUT", f"/v1/incidents/{extra['id']}/duplicate")
    fell_back = rootly.behaviour.duplicate_call != "accept"
    assert bool(rootly.requests_to("PUT", f"/v1/incidents/{extra['id']}")) is fell_back
    assert extra["attributes"]["status"] == "cancelled"
    assert extra["attributes"]["duplicate_incident_id"] == other["id"]
    # The reason names the run that declared it twice, whichever call cancelled it.
    assert extra["attributes"]["cancellation_message"] == (
        f"Declared again by job 'test' of workflow 'Deploy', run {RUN_ID} attempt 1 "
        f"({SERVER_URL}/acme/shop/actions/runs/{RUN_ID}/attempts/1), while another job "
        "declared the same failure first; cancelled as a duplicate."
    )
    assert child["attributes"]["parent_incident_id"] == other["id"]
    assert run.outputs["parent-incident-id"] == other["id"]


@every_setting("idempotency")
def test_sixteen_legs_at_200_ms_create_few_parents_and_one_where_the_key_is_honoured(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    rootly.latency = 0.2
    legs = 16
    barrier = threading.Barrier(legs)
    with ThreadPoolExecutor(max_workers=legs) as pool:
        runs = list(pool.map(lambda shard: matrix_leg(action, shard, barrier), range(legs)))

    assert [run.exit_code for run in runs] == [0] * legs, [r.stdout for r in runs if r.exit_code]
    made = [i for i in rootly.incidents if i["attributes"]["parent_incident_id"] is None]
    still_open = [p for p in made if p in open_incidents(rootly)]
    assert len(still_open) == 1
    # Every parent made fired Rootly's create-time workflows (a Slack channel, a page).
    if rootly.behaviour.idempotency == "ignored":
        assert len(made) <= 4, len(made)
    else:
        assert len(made) == 1
    parent_creates = [
        r
        for r in rootly.requests_to("POST", "/v1/incidents")
        if PARENT_LABEL in r.body["data"]["attributes"]["labels"]
    ]
    assert len({json.dumps(r.body, sort_keys=True) for r in parent_creates}) == 1  # one body
    assert len({r.headers["Idempotency-Key"] for r in parent_creates}) == 1  # one key
