"""The fault matrix: a fault in each phase of a run, and what the run leaves behind.

Every cell ends with at most one open incident carrying the dedup key, a truthful exit
code and a truthful message. The "When Rootly misbehaves" table of docs/failures.md is this file.
Also: a cancelled step, and sixteen matrix legs racing for one key, repeated.
"""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from action_harness import ActionHarness, cancel_midway

from conftest import every_setting
from rootly_incident_action.plan.dedup import CLOSED_STATUSES, DEDUP_LABEL
from rootly_standin import RootlyStandIn

# How each fault is injected (rootly_standin.behaviour.Fault).
FAULTS: dict[str, dict[str, Any]] = {
    "outage (503)": {"status": 503},
    "no answer in time": {"status": None, "delay": 2.5},  # then Rootly does it anyway
    "connection reset": {"drop": True},  # before Rootly acts
    "answer lost": {"drop_after": True},  # after Rootly acted
}
# Where: the request, and how many of its kind go through before the fault.
PHASES: dict[str, tuple[str, str, int]] = {
    "lookup": ("GET", "/v1/services", 0),
    "duplicate search": ("GET", "/v1/incidents", 0),
    "create": ("POST", "/v1/incidents", 0),
    "after the create": ("GET", "/v1/incidents", 1),
}
INPUTS = {"title": "Deploy failed", "services": "Payments", "timeout-seconds": "1"}


def open_with_key(rootly: RootlyStandIn) -> list[dict[str, Any]]:
    return [
        incident
        for incident in rootly.incidents
        if incident["attributes"]["status"] not in CLOSED_STATUSES
        and DEDUP_LABEL in incident["attributes"]["labels"]
    ]


@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize("fault", FAULTS)
def test_a_passing_fault_in_any_phase_ends_with_one_incident(
    fault: str, phase: str, action: ActionHarness, rootly: RootlyStandIn
) -> None:
    method, template, skip = PHASES[phase]
    rootly.add_fault(method, template, skip=skip, **FAULTS[fault])

    run = action.run(INPUTS)

    assert run.exit_code == 0, run.stdout
    still_open = open_with_key(rootly)
    assert len(still_open) == 1
    assert run.outputs["incident-id"] == still_open[0]["id"]
    assert run.outputs["created"] == "true"
    if phase == "create":
        # Where Rootly acted despite the fault, the action finds what it made; where it
        # did not, the action waits out the grace period and sends the create again.
        acted = fault in ("no answer in time", "answer lost")
        said = "but Rootly did create incident #1" if acted else "sending the same request again"
        assert said in run.stdout


def test_an_outage_that_lasts_through_the_search_creates_nothing_and_says_so(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    rootly.add_fault("GET", "/v1/incidents", status=503, times=99)

    run = action.run({**INPUTS, "deadline-seconds": "5"})

    assert run.exit_code == 1
    assert rootly.incidents == []
    assert "searching for an open incident with the same dedup key" in run.error.message
    assert "Nothing was created in Rootly." in run.error.message


def test_an_outage_that_lasts_through_the_create_says_what_may_exist_and_how_to_find_it(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    rootly.add_fault("POST", "/v1/incidents", status=503, times=99)

    run = action.run({**INPUTS, "deadline-seconds": "6"})

    assert run.exit_code == 1
    assert len(open_with_key(rootly)) <= 1
    key = rootly.requests_to("POST", "/v1/incidents")[0].body["data"]["attributes"]["labels"][
        DEDUP_LABEL
    ]
    assert "Rootly may have made that incident" in run.error.message
    assert f"label {DEDUP_LABEL}={key}" in run.error.message
    assert "A re-run with the same dedup key reuses it." in run.error.message


def test_a_check_after_the_create_that_keeps_failing_keeps_the_incident_and_warns(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    rootly.add_fault("GET", "/v1/incidents", status=503, times=99, skip=1)

    run = action.run({**INPUTS, "deadline-seconds": "5"})

    assert run.exit_code == 0, run.stdout
    assert len(open_with_key(rootly)) == 1
    assert run.outputs["created"] == "true"
    warning = next(w for w in run.annotations("warning") if w.title == "Duplicate check not made")
    assert f"look for the label {DEDUP_LABEL}=" in warning.message


def test_an_unreadable_2xx_to_the_create_is_found_and_used(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    # Rootly makes the incident, but its answer is not JSON.
    rootly.add_fault("POST", "/v1/incidents", garble=True)

    run = action.run(INPUTS)

    assert run.exit_code == 0, run.stdout
    assert len(rootly.incidents) == 1
    assert run.outputs["incident-id"] == rootly.incidents[0]["id"]
    assert run.outputs["created"] == "true"


def test_a_cancelled_step_exits_within_two_seconds_saying_what_may_exist(
    tmp_path: Path, rootly: RootlyStandIn
) -> None:
    rootly.add_fault("POST", "/v1/incidents", status=None, delay=20)

    done, took = cancel_midway(rootly, tmp_path / "run", INPUTS, ("POST", "/v1/incidents"))

    assert took < 2, took
    assert done.returncode == 1
    assert "Traceback" not in done.stdout + done.stderr
    assert "::error title=Cancelled::" in done.stdout
    assert "may have made that incident" in done.stdout


def leg(action: ActionHarness, barrier: threading.Barrier) -> Any:
    # Legs of one matrix job with the default title share the default dedup key.
    return action.run({"title": ""}, env={"GITHUB_JOB": "test"}, barrier=barrier)


@pytest.mark.parametrize("repeat", range(3))
def test_sixteen_legs_failing_at_once_leave_one_open_incident(
    repeat: int, action: ActionHarness, rootly: RootlyStandIn
) -> None:
    rootly.latency, rootly.latency_spread = 0.05, 0.15  # 50-200 ms per answer
    legs = 16
    barrier = threading.Barrier(legs)
    with ThreadPoolExecutor(max_workers=legs) as pool:
        runs = list(pool.map(lambda _: leg(action, barrier), range(legs)))

    assert [run.exit_code for run in runs] == [0] * legs, [r.stdout for r in runs if r.exit_code]
    still_open = open_with_key(rootly)
    assert len(still_open) == 1
    survivor = still_open[0]
    assert {run.outputs["incident-id"] for run in runs} == {survivor["id"]}
    assert sum(run.outputs["created"] == "true" for run in runs) == 1
    for extra in rootly.incidents:
        if extra is not survivor:
            assert extra["attributes"]["status"] == "cancelled"
            assert extra["attributes"]["duplicate_incident_id"] == survivor["id"]


@every_setting("idempotency")
def test_a_create_unanswered_when_the_deadline_cuts_the_wait_is_not_sent_again(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    # Rootly answers the create only after the client gave up (it is made all the same),
    # and its lists do not show it: the step's deadline comes before the wait is over.
    rootly.add_fault("POST", "/v1/incidents", status=None, delay=1.5)
    rootly.list_lag = 1000

    run = action.run({**INPUTS, "deadline-seconds": "5"})

    assert run.exit_code == 1
    assert len(rootly.requests_to("POST", "/v1/incidents")) == 1
    assert len(rootly.incidents) == 1
    assert "the create is not sent again" in run.stdout
    assert "Rootly may have made that incident" in run.error.message
    assert "created" not in run.outputs or run.outputs["created"] != "true"
    # The log gives the time it really looked, not the grace period it was allowed.
    assert "after 10" not in run.stdout


def test_one_5xx_on_the_create_with_a_thousand_incidents_costs_seconds(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    for number in range(1000):
        rootly.book.create({"title": f"Other incident {number}"})
    rootly.add_fault("POST", "/v1/incidents", status=503)

    run = action.run(INPUTS)

    assert run.exit_code == 0, run.stdout
    assert len(open_with_key(rootly)) == 1
    # The first search and the check after the create read the window (10 pages each);
    # the failed create is looked for once, on the newest page, and sent again at once.
    assert len(run.sent) <= 30, len(run.sent)
    # Sent again after that one look, not after the grace period (10 s and more).
    waited = re.search(r"after (\d+\.\d) s: sending the same request again", run.stdout)
    assert waited is not None and float(waited[1]) < 5, run.stdout
