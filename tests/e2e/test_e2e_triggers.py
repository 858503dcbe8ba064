"""Failed-deploy triggers: a workflow that reacts to another run's failure links what
failed, not itself. Payloads are @octokit/webhooks-examples' (npm), kept in tests/events/,
with the conclusion set to failure."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from action_harness import SERVER_URL, ActionHarness

from rootly_standin import RootlyStandIn, stable_id

EVENTS = Path(__file__).resolve().parents[1] / "events"
WATCHER = {
    "GITHUB_EVENT_NAME": "workflow_run",
    "GITHUB_WORKFLOW": "Declare incidents",
    "GITHUB_JOB": "declare",
    "GITHUB_RUN_ID": "555",
    "GITHUB_RUN_ATTEMPT": "1",
    "GITHUB_SHA": "f" * 40,  # the default branch's head: not what failed
    "GITHUB_REF": "refs/heads/main",
    "GITHUB_REF_NAME": "main",
}


def event(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((EVENTS / f"{name}.json").read_text(encoding="utf-8"))
    return loaded


def failed_deploy() -> dict[str, Any]:
    payload = event("workflow_run.completed")
    run = payload["workflow_run"]
    run.update(
        conclusion="failure",
        name="Deploy",
        run_attempt=2,
        display_title="Ship | 1.4.2\\n::warning::x",
    )
    return payload


def created(rootly: RootlyStandIn) -> dict[str, Any]:
    attributes: dict[str, Any] = rootly.requests_to("POST", "/v1/incidents")[-1].body["data"][
        "attributes"
    ]
    return attributes


def test_a_watcher_links_the_failed_run_not_itself(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    payload = failed_deploy()
    run = payload["workflow_run"]
    # The example payload is github.com's; this run is on the harness's GitHub server.
    run["html_url"] = run["html_url"].replace("https://github.com", SERVER_URL)

    declared = action.run(env=WATCHER, event=payload)

    assert declared.exit_code == 0, declared.stdout
    attributes = created(rootly)
    branch, sha = run["head_branch"], run["head_sha"]
    assert attributes["title"] == f"Workflow 'Deploy' failed in acme/shop on {branch}"
    summary = attributes["summary"]
    assert f"- Run: [#{run['id']}]({run['html_url']}/attempts/2) (attempt 2)" in summary
    assert f"/commit/{sha})" in summary
    event = run["event"].replace("_", "\\_")  # Markdown-escaped, as all payload text
    assert f"- Event: {event} (seen through workflow\\_run)" in summary
    watcher_url = f"{SERVER_URL}/acme/shop/actions/runs/555/attempts/1"
    assert (
        f"- Declared by: workflow 'Declare incidents' [run #555]({watcher_url}) (attempt 1)"
        in summary
    )
    assert "Ship \\| 1.4.2" in summary  # the display title is escaped text
    labels = attributes["labels"]
    assert labels["github_run_id"] == str(run["id"])
    assert labels["github_sha"] == sha
    assert labels["github_workflow"] == "Deploy"
    assert labels["github_event"] == "workflow_run"
    assert labels["github_watcher_run_id"] == "555"
    number = run["pull_requests"][0]["number"]
    assert f"/pull/{number})" in summary
    assert f"{run['html_url']}/attempts/2" in declared.summary


def test_a_rerun_of_the_watcher_or_of_the_deploy_joins_the_same_incident(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    first = action.run(env=WATCHER, event=failed_deploy())
    watcher_rerun = action.run(env={**WATCHER, "GITHUB_RUN_ATTEMPT": "2"}, event=failed_deploy())
    deploy_again = failed_deploy()
    deploy_again["workflow_run"]["run_attempt"] = 3  # the deploy re-run fails again
    next_watcher = action.run(env={**WATCHER, "GITHUB_RUN_ID": "556"}, event=deploy_again)

    assert first.outputs["created"] == "true"
    assert watcher_rerun.outputs["created"] == "false"
    assert next_watcher.outputs["created"] == "false"
    assert (
        watcher_rerun.outputs["incident-id"]
        == next_watcher.outputs["incident-id"]
        == first.outputs["incident-id"]
    )
    assert len(rootly.incidents) == 1


def test_a_pull_request_links_its_head_commit_not_the_merge_commit(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    payload = event("pull_request.opened")
    head = payload["pull_request"]["head"]["sha"]

    run = action.run(
        env={"GITHUB_EVENT_NAME": "pull_request", "GITHUB_SHA": "e" * 40}, event=payload
    )

    assert run.exit_code == 0, run.stdout
    attributes = created(rootly)
    assert attributes["labels"]["github_sha"] == head
    assert f"/commit/{head})" in attributes["summary"]
    assert f"/pull/{payload['pull_request']['number']})" in attributes["summary"]


def test_a_private_incident_shows_nothing_from_the_payload(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    run = action.run({"private": "true"}, env=WATCHER, event=failed_deploy())

    assert run.exit_code == 0, run.stdout
    for shown in (run.summary, run.stdout):
        assert "Ship" not in shown
        assert "Deploy" not in shown


DEPLOYER = {
    "GITHUB_EVENT_NAME": "deployment_status",
    "GITHUB_WORKFLOW": "Deployment watch",
    "GITHUB_RUN_ID": "777",
    "GITHUB_SHA": "f" * 40,
}


def failed_deployment(
    environment: str = "production", description: str = "Health check failed"
) -> dict[str, Any]:
    payload = event("deployment_status.created")
    payload["deployment_status"].update(
        state="failure", environment=environment, description=description
    )
    payload["deployment"]["environment"] = environment
    return payload


def test_a_failed_deployment_links_its_environment_commit_and_status(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    payload = failed_deployment()
    deployment, status = payload["deployment"], payload["deployment_status"]

    run = action.run(env=DEPLOYER, event=payload)

    assert run.exit_code == 0, run.stdout
    attributes = created(rootly)
    assert (
        attributes["title"] == f"Deployment to production failed in acme/shop ({deployment['ref']})"
    )
    # "production" is the slug of the stand-in's Production environment.
    assert attributes["environment_ids"] == [stable_id("environments", "production")]
    summary = attributes["summary"]
    assert f"- Deployment: #{deployment['id']} to production (failure)" in summary
    assert f"- Deployment target: [target]({status['target_url']})" in summary
    assert f"- Deployment log: [log]({status['log_url']})" in summary
    assert "- Deployment status: Health check failed" in summary
    assert f"/commit/{deployment['sha']})" in summary
    assert attributes["labels"]["github_sha"] == deployment["sha"]
    assert attributes["labels"]["github_event"] == "deployment_status"
    assert run.annotations("warning") == []


def test_every_status_of_one_deployment_joins_one_incident(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    first = action.run(env=DEPLOYER, event=failed_deployment())
    error = failed_deployment(description="Timed out")
    error["deployment_status"]["state"] = "error"
    second = action.run(env={**DEPLOYER, "GITHUB_RUN_ID": "778"}, event=error)

    assert second.outputs["created"] == "false"
    assert second.outputs["incident-id"] == first.outputs["incident-id"]
    assert len(rootly.incidents) == 1


def test_an_environment_rootly_does_not_know_is_a_warning_not_an_error(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    run = action.run(env=DEPLOYER, event=failed_deployment("github-pages"))

    assert run.exit_code == 0, run.stdout
    assert "environment_ids" not in created(rootly)
    warning = run.annotations("warning")[0]
    assert warning.title == "Deployment environment not found"
    assert "'github-pages' matches no environment" in warning.message
    assert "environment-from-deployment: false" in warning.message


def test_the_deployment_environment_can_be_left_out_or_overridden(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    action.run({"environment-from-deployment": "false"}, env=DEPLOYER, event=failed_deployment())
    action.run(
        {"environments": "Staging", "dedup-key": "other"}, env=DEPLOYER, event=failed_deployment()
    )

    creates = rootly.requests_to("POST", "/v1/incidents")
    assert "environment_ids" not in creates[0].body["data"]["attributes"]
    assert creates[1].body["data"]["attributes"]["environment_ids"] == [
        stable_id("environments", "staging")
    ]


def test_a_release_event_links_the_release(action: ActionHarness, rootly: RootlyStandIn) -> None:
    payload = event("release.published")
    release = payload["release"]
    release["html_url"] = release["html_url"].replace("https://github.com", SERVER_URL)

    run = action.run(env={"GITHUB_EVENT_NAME": "release"}, event=payload)
    again = action.run(
        env={"GITHUB_EVENT_NAME": "release", "GITHUB_RUN_ATTEMPT": "2"}, event=payload
    )

    assert run.exit_code == 0, run.stdout
    attributes = created(rootly)
    assert f"- Release: [{release['tag_name']}]({release['html_url']})" in attributes["summary"]
    assert "- Event: release" in attributes["summary"]
    assert attributes["labels"]["github_event"] == "release"
    assert attributes["title"] == "Workflow 'Deploy' failed in acme/shop on main"
    assert again.outputs["created"] == "false"  # a re-run of the release workflow reuses it


@pytest.mark.parametrize(
    "html_url",
    ["javascript:alert(document.cookie)", "https://evil.example/acme/shop/actions/runs/1"],
    ids=["javascript", "another host"],
)
def test_a_payload_link_to_a_run_elsewhere_is_not_used(
    html_url: str, action: ActionHarness, rootly: RootlyStandIn
) -> None:
    payload = failed_deploy()
    run = payload["workflow_run"]
    run["html_url"] = html_url

    declared = action.run(env=WATCHER, event=payload)

    assert declared.exit_code == 0, declared.stdout
    summary = created(rootly)["summary"]
    assert html_url not in summary and "evil" not in summary and "javascript" not in summary
    own = f"{SERVER_URL}/acme/shop/actions/runs/{run['id']}/attempts/2"
    assert f"- Run: [#{run['id']}]({own}) (attempt 2)" in summary


def test_payload_text_cannot_add_links_html_or_lines_to_what_rootly_gets(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    payload = failed_deploy()
    run = payload["workflow_run"]
    run["html_url"] = run["html_url"].replace("https://github.com", SERVER_URL)
    hostile = "[click](javascript:alert(1)) <img src=x onerror=alert(1)>\n## Injected"
    run["display_title"] = hostile
    run["head_branch"] = "fix](https://evil.example)"
    run["name"] = "Deploy <b>now</b>\n- Fake: line"

    declared = action.run(env=WATCHER, event=payload)
    resolved = action.run(
        {"operation": "resolve", "incident-id": declared.outputs["incident-id"]},
        env=WATCHER,
        event=payload,
    )

    assert declared.exit_code == resolved.exit_code == 0, resolved.stdout
    attributes = rootly.incidents[0]["attributes"]
    texts = {
        "summary": attributes["summary"],
        "resolution message": attributes["resolution_message"],
        "timeline event": rootly.events[rootly.incidents[0]["id"]][-1]["attributes"]["event"],
    }
    for where, text in texts.items():
        assert "](javascript" not in text, where
        assert "](https://evil" not in text, where
        assert "<img" not in text and "<b>" not in text, where
        assert "\n## Injected" not in text and "\n- Fake" not in text, where
