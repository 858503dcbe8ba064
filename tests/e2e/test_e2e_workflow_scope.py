"""`dedup-scope: workflow`: every red run of a workflow on a ref joins one open incident,
and the first green run resolves it, with no key written anywhere."""

from __future__ import annotations

from typing import Any

from action_harness import ActionHarness, ActionRun

from rootly_standin import RootlyStandIn

SCOPE = {"dedup-scope": "workflow"}


def run_of(
    action: ActionHarness, run_id: str, inputs: dict[str, str], ref: str = "main"
) -> ActionRun:
    env = {"GITHUB_RUN_ID": run_id, "GITHUB_REF": f"refs/heads/{ref}", "GITHUB_REF_NAME": ref}
    env["GITHUB_WORKFLOW_REF"] = f"acme/shop/.github/workflows/deploy.yml@refs/heads/{ref}"
    run = action.run({**SCOPE, **inputs}, env=env)
    assert run.exit_code == 0, run.stdout
    return run


def attributes(rootly: RootlyStandIn, incident_id: str) -> dict[str, Any]:
    return dict(next(i for i in rootly.incidents if i["id"] == incident_id)["attributes"])


def test_three_red_runs_and_a_green_one_make_one_incident_resolved_by_the_green_run(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    red = [run_of(action, run_id, {}) for run_id in ("1001", "1002", "1003")]
    green = run_of(action, "1004", {"operation": "resolve"})

    assert [run.outputs["created"] for run in red] == ["true", "false", "false"]
    assert len({run.outputs["incident-id"] for run in red}) == 1
    incident_id = red[0].outputs["incident-id"]
    assert len(rootly.incidents) == 1
    assert attributes(rootly, incident_id)["status"] == "resolved"
    assert green.outputs["incident-id"] == incident_id
    assert green.outputs["changed"] == "true"


def test_another_ref_or_another_workflow_is_another_incident(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    main = run_of(action, "2001", {})
    branch = run_of(action, "2002", {}, ref="release/1.4")
    other = action.run(
        SCOPE,
        env={
            "GITHUB_RUN_ID": "2003",
            "GITHUB_WORKFLOW": "Nightly",
            "GITHUB_WORKFLOW_REF": "acme/shop/.github/workflows/nightly.yml@refs/heads/main",
        },
    )

    ids = {main.outputs["incident-id"], branch.outputs["incident-id"], other.outputs["incident-id"]}
    assert len(ids) == 3
    # The green run of main resolves main's incident only.
    run_of(action, "2004", {"operation": "resolve"})
    statuses = {i["id"]: i["attributes"]["status"] for i in rootly.incidents}
    assert statuses[main.outputs["incident-id"]] == "resolved"
    assert statuses[branch.outputs["incident-id"]] == "started"


def test_a_green_run_with_nothing_open_has_nothing_to_do(action: ActionHarness) -> None:
    run = run_of(action, "3001", {"operation": "resolve"})

    assert run.outputs["changed"] == "false"
    assert "of this workflow on this ref" in run.stdout


def test_a_watcher_keys_on_the_workflow_it_watches(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    def watched(run_id: int, conclusion: str) -> dict[str, Any]:
        return {
            "action": "completed",
            "workflow_run": {
                "id": run_id,
                "name": "Deploy",
                "path": ".github/workflows/deploy.yml",
                "head_branch": "main",
                "head_sha": "3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39",
                "run_attempt": 1,
                "conclusion": conclusion,
                "event": "push",
                "html_url": f"https://github.example.com/acme/shop/actions/runs/{run_id}",
            },
        }

    watcher = {"GITHUB_EVENT_NAME": "workflow_run", "GITHUB_WORKFLOW": "Incidents"}
    first = action.run(
        SCOPE, env={**watcher, "GITHUB_RUN_ID": "4001"}, event=watched(501, "failure")
    )
    second = action.run(
        SCOPE, env={**watcher, "GITHUB_RUN_ID": "4002"}, event=watched(502, "failure")
    )
    green = action.run(
        {**SCOPE, "operation": "resolve"},
        env={**watcher, "GITHUB_RUN_ID": "4003"},
        event=watched(503, "success"),
    )

    assert (first.outputs["created"], second.outputs["created"]) == ("true", "false")
    assert green.outputs["incident-id"] == first.outputs["incident-id"]
    assert rootly.incidents[0]["attributes"]["status"] == "resolved"
