"""The documented patterns for closing the loop, played as the runs that use them:
red runs, then a green one; failing nights, then a passing one; a release that fails,
rolls back and is fixed; a test incident cancelled. Each step is the docs' own,
run through entrypoint.py against the stand-in."""

from __future__ import annotations

from typing import Any

from action_harness import ActionHarness, ActionRun
from readme_examples import Example, ExampleRun, readme_examples, start_example

from rootly_standin import RootlyStandIn


def example(heading: str) -> Example:
    (found,) = [e for e in readme_examples() if e.heading == heading]
    return found


def start(action: ActionHarness) -> Any:
    return lambda inputs, env: action.run(inputs, env=env)


def run(
    example_run: ExampleRun, action: ActionHarness, job: str, index: int, run_id: str
) -> ActionRun:
    """Step `index` of `job`, as a run with its own ID would run it."""
    step = example_run.steps_of(job)[index]
    done = example_run.run_step(step, start(action), {"GITHUB_RUN_ID": run_id})
    assert done.exit_code == 0, done.stdout
    return done


def events(rootly: RootlyStandIn, incident_id: str) -> list[str]:
    return [e["attributes"]["event"] for e in rootly.events.get(incident_id, [])]


def test_resolve_on_recovery(action: ActionHarness, rootly: RootlyStandIn) -> None:
    pattern = start_example(example("Resolve on recovery"), rootly)

    first_red = run(pattern, action, "declare-incident", 0, "1001")
    second_red = run(pattern, action, "declare-incident", 0, "1002")
    green = run(pattern, action, "resolve-incident", 0, "1003")
    next_green = run(pattern, action, "resolve-incident", 0, "1004")

    incident_id = first_red.outputs["incident-id"]
    assert [i["id"] for i in rootly.incidents] == [incident_id]
    assert second_red.outputs["incident-id"] == incident_id
    assert second_red.outputs["created"] == "false"
    assert events(rootly, incident_id)[0].startswith("Failed again in job 'deploy'")
    assert "run 1002" in events(rootly, incident_id)[0]
    assert green.outputs["incident-id"] == incident_id
    assert green.outputs["incident-status"] == "resolved"
    attributes = rootly.incidents[0]["attributes"]
    assert "/actions/runs/1003/" in attributes["resolution_message"]
    assert next_green.outputs["changed"] == "false"
    assert [r.method for r in next_green.sent] == ["GET"]  # what a green run pays: one search


def test_a_nightly_job_that_keeps_failing(action: ActionHarness, rootly: RootlyStandIn) -> None:
    pattern = start_example(example("A nightly job that keeps failing"), rootly)

    nights = [run(pattern, action, "e2e", 0, night) for night in ("2001", "2002", "2003")]
    passing = run(pattern, action, "e2e", 1, "2004")

    assert len(rootly.incidents) == 1
    incident_id = nights[0].outputs["incident-id"]
    assert [night.outputs["incident-id"] for night in nights] == [incident_id] * 3
    assert len(events(rootly, incident_id)) == 3  # two repeats and the resolution
    assert passing.outputs["incident-status"] == "resolved"
    assert rootly.incidents[0]["attributes"]["resolution_message"] == (
        "The nightly end-to-end tests pass again."
    )
    failing_again = run(pattern, action, "e2e", 0, "2005")
    assert failing_again.outputs["created"] == "true"  # a new failure, a new incident


def test_a_release_pipeline(action: ActionHarness, rootly: RootlyStandIn) -> None:
    pattern = start_example(
        example("A release pipeline: declare, annotate, mitigate, resolve"), rootly
    )

    declared = run(pattern, action, "declare-incident", 0, "3001")
    noted = run(pattern, action, "rollback", 0, "3001")
    mitigated = run(pattern, action, "rollback", 1, "3001")
    fixed = run(pattern, action, "resolve", 0, "3002")

    incident_id = declared.outputs["incident-id"]
    assert noted.outputs["incident-id"] == mitigated.outputs["incident-id"] == incident_id
    assert noted.outputs["incident-status"] == "started"
    assert mitigated.outputs["incident-status"] == "mitigated"
    assert fixed.outputs["incident-status"] == "resolved"
    texts = events(rootly, incident_id)
    assert texts[0].startswith("Rolled back to 1.4.1\n")
    assert texts[1].startswith("Mitigated from GitHub Actions: Rolled back to 1.4.1;")
    assert texts[2].startswith("Resolved from GitHub Actions: Fixed by release main")
    assert len(rootly.incidents) == 1


def test_cancel_a_test_incident_declared_by_mistake(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    pattern = start_example(example("Cancel a test incident declared by mistake"), rootly)

    cancelled = run(pattern, action, "cancel", 0, "4001")
    again = run(pattern, action, "cancel", 0, "4002")

    (incident,) = rootly.incidents
    assert incident["attributes"]["kind"] == "test"
    assert incident["attributes"]["status"] == "cancelled"
    assert incident["attributes"]["cancellation_message"] == (
        "Declared by mistake while trying the pipeline."
    )
    assert cancelled.outputs["changed"] == "true"
    assert again.outputs["changed"] == "false"
    assert len(events(rootly, incident["id"])) == 1


def test_a_matrix_whose_parent_is_resolved_when_it_passes(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    pattern = start_example(
        example("A matrix whose parent incident is resolved when it passes"), rootly
    )

    def shard(number: int, night: str) -> ActionRun:
        pattern.matrix = {"shard": str(number)}
        return run(pattern, action, "test", 0, night)

    first_night = [shard(1, "5001"), shard(2, "5001")]
    second_night = [shard(1, "5002")]
    passing = run(pattern, action, "resolve", 0, "5003")

    parents = [i for i in rootly.incidents if not i["attributes"]["parent_incident_id"]]
    children = [i for i in rootly.incidents if i["attributes"]["parent_incident_id"]]
    assert len(parents) == 1 and len(children) == 2
    assert {c["attributes"]["parent_incident_id"] for c in children} == {parents[0]["id"]}
    assert second_night[0].outputs["incident-id"] == first_night[0].outputs["incident-id"]
    assert passing.outputs["incident-id"] == parents[0]["id"]
    assert {i["attributes"]["status"] for i in rootly.incidents} == {"resolved"}
    assert parents[0]["attributes"]["resolution_message"] == "Every shard passes again."


def test_page_then_declare_then_resolve_the_alert_when_green(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    pattern = start_example(example("Paging on-call: `operation: alert`"), rootly)

    alert = run(pattern, action, "page-and-declare", 0, "2001")
    incident = run(pattern, action, "page-and-declare", 1, "2001")
    rerun_alert = run(pattern, action, "page-and-declare", 0, "2002")
    green = run(pattern, action, "resolve-alert", 0, "2003")

    alert_id = alert.outputs["alert-id"]
    assert rootly.incidents[0]["attributes"]["alert_ids"] == [alert_id]
    assert incident.outputs["created"] == "true"
    assert rerun_alert.outputs["alert-id"] == alert_id  # the next red run pages nobody again
    assert len(rootly.alerts) == 1
    assert green.outputs["alert-id"] == alert_id
    assert rootly.alerts[0]["attributes"]["status"] == "resolved"


def test_a_pulse_on_every_successful_deploy(action: ActionHarness, rootly: RootlyStandIn) -> None:
    pattern = start_example(example("Marking deploys: `operation: pulse`"), rootly)

    first = run(pattern, action, "deploy", 0, "3001")
    second = run(pattern, action, "deploy", 0, "3002")

    assert [p["id"] for p in rootly.pulses] == [
        first.outputs["pulse-id"],
        second.outputs["pulse-id"],
    ]
    refs = {
        r["key"]: r["value"]
        for r in rootly.requests_to("POST", "/v1/pulses")[1].body["data"]["attributes"]["refs"]
    }
    assert "/actions/runs/3002/" in refs["run"]
