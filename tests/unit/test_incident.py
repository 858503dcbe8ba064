"""Building the create request from inputs and context (pure)."""

from __future__ import annotations

from dataclasses import replace

from rootly_incident_action.github.context import Deployment, PullRequest, Release, RunContext
from rootly_incident_action.inputs import parse_inputs
from rootly_incident_action.plan.draft import (
    FALLBACK_TITLE,
    build_incident,
    context_block,
    default_title,
    describe_references,
)
from rootly_incident_action.rootly.requests import create_incident

CONTEXT = RunContext(
    repository="acme/shop",
    sha="0123456789abcdef",
    ref="refs/heads/main",
    ref_name="main",
    workflow="Release",
    job="publish",
    run_id="11",
    run_attempt="1",
    actor="octocat",
    event_name="push",
)


def test_the_default_title_names_workflow_repository_and_ref() -> None:
    assert default_title(CONTEXT) == "Workflow 'Release' failed in acme/shop on main"


def test_outside_a_workflow_the_title_still_says_something() -> None:
    assert default_title(RunContext()) == FALLBACK_TITLE


def test_empty_inputs_are_left_out_of_the_request() -> None:
    draft = build_incident(
        parse_inputs({"api-token": "t", "title": "T", "context-labels": "false"}), RunContext()
    )
    assert create_incident(draft.attributes()).body == {
        "data": {"type": "incidents", "attributes": {"title": "T"}}
    }


def test_teams_are_sent_as_groups_and_test_incidents_as_kind_test() -> None:
    inputs = parse_inputs({"api-token": "t", "teams": "team-1", "test-incident": "true"})
    attributes = build_incident(inputs, CONTEXT).attributes()
    assert attributes["group_ids"] == ["team-1"]
    assert attributes["kind"] == "test"


def test_user_labels_win_over_context_labels() -> None:
    inputs = parse_inputs({"api-token": "t", "labels": "github_ref=custom, team=sre"})
    labels = build_incident(inputs, CONTEXT).labels
    assert labels["github_ref"] == "custom"
    assert labels["team"] == "sre"
    assert labels["github_run_id"] == "11"


def test_the_context_block_leaves_out_what_is_unknown() -> None:
    block = context_block(RunContext(repository="acme/shop", run_id="3"))
    assert "Commit" not in block
    assert "Pull request" not in block
    assert "[#3](https://github.com/acme/shop/actions/runs/3)" in block


def test_the_context_block_links_the_pull_request() -> None:
    context = replace(CONTEXT, pull_request=PullRequest(number=9, title="Fix"))
    assert "- Pull request: [#9 Fix](https://github.com/acme/shop/pull/9)" in context_block(context)


def test_the_references_sent_are_described_by_input_name() -> None:
    inputs = parse_inputs({"api-token": "t", "severity": "s1", "services": "a, b"})
    described = describe_references(build_incident(inputs, CONTEXT))
    assert described == "severity=s1; services=a, b"


FULL = RunContext(
    server_url="https://git.acme.test",
    repository="acme/shop",
    sha="3f2a9c1d8e7b",
    ref="refs/heads/main",
    ref_name="main",
    workflow="Deploy",
    job="ship",
    run_id="77",
    run_number="12",
    run_attempt="2",
    actor="octocat",
    event_name="pull_request",
    pull_request=PullRequest(number=9, title="Fix"),
)


def test_the_context_block_links_everything_it_knows() -> None:
    assert context_block(FULL) == (
        "**Declared from GitHub Actions**\n\n"
        "- Repository: [acme/shop](https://git.acme.test/acme/shop)\n"
        "- Ref: `refs/heads/main`\n"
        "- Commit: [`3f2a9c1`](https://git.acme.test/acme/shop/commit/3f2a9c1d8e7b)\n"
        "- Workflow: Deploy / ship\n"
        "- Run: [#77](https://git.acme.test/acme/shop/actions/runs/77/attempts/2) (attempt 2)\n"
        "- Actor: octocat\n"
        "- Event: pull\\_request\n"
        "- Pull request: [#9 Fix](https://git.acme.test/acme/shop/pull/9)"
    )
    bare = replace(FULL, pull_request=PullRequest(number=9), run_attempt="", ref="", sha="")
    block = context_block(bare, with_job=False)
    assert "- Workflow: Deploy\n" in block
    assert "- Run: [#77](https://git.acme.test/acme/shop/actions/runs/77)\n" in block
    assert "Ref" not in block and "Commit" not in block
    assert block.endswith("- Pull request: [#9](https://git.acme.test/acme/shop/pull/9)")


def test_the_parent_of_a_run_outlives_its_attempts_and_names_the_run() -> None:
    from rootly_incident_action.plan.dedup import PARENT_LABEL, default_parent_key
    from rootly_incident_action.plan.draft import build_parent_incident

    inputs = parse_inputs(
        {
            "api-token": "t",
            "parent": "run",
            "parent-summary": "All shards",
            "parent-severity": "SEV2",
            "private": "true",
            "test-incident": "true",
        }
    )
    parent = build_parent_incident(inputs, FULL)
    assert parent.title == "Workflow 'Deploy' run #12 failed in acme/shop on main"
    assert parent.summary == "All shards\n\n" + context_block(FULL, with_job=False)
    assert parent.severity == "SEV2"
    assert parent.private is True and parent.test is True
    assert parent.dedup_label == PARENT_LABEL
    assert parent.dedup_key == default_parent_key(FULL)
    assert parent.input_prefix == "parent-"
    assert "github_run_attempt" not in parent.labels
    assert parent.labels[PARENT_LABEL] == parent.dedup_key
    assert parent.labels["github_run_id"] == "77"
    keyed = build_parent_incident(
        parse_inputs(
            {
                "api-token": "t",
                "parent": "run",
                "parent-key": "release-7",
                "parent-title": "Release 7",
                "context-labels": "false",
                "context-summary": "false",
            }
        ),
        FULL,
    )
    assert (keyed.title, keyed.summary, keyed.dedup_key) == ("Release 7", "", "release-7")
    assert keyed.labels == {PARENT_LABEL: "release-7"}


def test_default_titles_use_what_the_run_has() -> None:
    from rootly_incident_action.plan.draft import default_parent_title

    assert default_parent_title(FULL) == "Workflow 'Deploy' run #12 failed in acme/shop on main"
    no_number = replace(FULL, run_number="", workflow="", ref_name="")
    assert default_parent_title(no_number) == "A workflow run #77 failed in acme/shop"
    assert default_parent_title(RunContext()) == FALLBACK_TITLE
    assert (
        default_title(replace(FULL, workflow="", ref_name="")) == "A workflow failed in acme/shop"
    )


def test_every_input_fills_its_create_attribute() -> None:
    inputs = parse_inputs(
        {
            "api-token": "t",
            "title": "T",
            "summary": "S",
            "severity": "sev-id",
            "services": "s1, s2",
            "environments": "e1",
            "functionalities": "f1",
            "teams": "g1",
            "incident-types": "i1",
            "causes": "c1",
            "private": "true",
            "test-incident": "true",
            "notify-emails": "a@x.test",
            "alert-ids": "al1",
            "labels": "k=v",
            "slack-channel-name": "inc-x",
            "started-at": "2026-11-28T09:00:00Z",
            "parent-incident-id": "parent-slug",
            "context-labels": "false",
            "context-summary": "false",
            "dedup-key": "key-1",
        }
    )
    draft = build_incident(inputs, FULL)
    assert draft.attributes() == {
        "title": "T",
        "summary": "S",
        "kind": "test",
        "private": True,
        "severity_id": "sev-id",
        "incident_type_ids": ["i1"],
        "service_ids": ["s1", "s2"],
        "functionality_ids": ["f1"],
        "environment_ids": ["e1"],
        "group_ids": ["g1"],
        "cause_ids": ["c1"],
        "parent_incident_id": "parent-slug",
        "notify_emails": ["a@x.test"],
        "alert_ids": ["al1"],
        "labels": {"k": "v", "rootly_action_dedup_key": "key-1"},
        "slack_channel_name": "inc-x",
        "started_at": "2026-11-28T09:00:00Z",
    }
    assert describe_references(draft) == (
        "severity=sev-id; incident-types=i1; services=s1, s2; functionalities=f1; "
        "environments=e1; teams=g1; causes=c1; parent-incident-id=parent-slug; alert-ids=al1"
    )


def test_a_repeat_note_names_the_job_run_attempt_and_link() -> None:
    from rootly_incident_action.plan.draft import repeat_note

    assert repeat_note(FULL) == (
        "Failed again in job 'ship' of workflow 'Deploy', run 77 attempt 2: "
        "https://git.acme.test/acme/shop/actions/runs/77/attempts/2"
    )
    assert (
        repeat_note(RunContext(workflow="W", run_id="1"))
        == "Failed again in a job of workflow 'W', run 1"
    )


def test_without_dedup_there_is_no_key_and_outside_a_run_no_default_key() -> None:
    off = build_incident(parse_inputs({"api-token": "t", "deduplicate": "false"}), FULL)
    assert off.dedup_key is None
    assert "rootly_action_dedup_key" not in off.labels
    local = build_incident(parse_inputs({"api-token": "t"}), RunContext())
    assert local.dedup_key is None


def test_a_deployment_names_the_title_the_key_and_the_summary() -> None:
    from rootly_incident_action.github.context import Deployment, Release, Watcher
    from rootly_incident_action.plan.dedup import default_dedup_key

    deployment = Deployment(
        "42", "production", "failure", "bot", "https://t.test/1", "https://l.test/1", "Down | now"
    )
    context = replace(FULL, deployment=deployment, event_name="deployment_status")
    assert default_title(context) == "Deployment to production failed in acme/shop (main)"
    assert default_title(
        replace(context, ref_name="", deployment=replace(deployment, environment=""))
    ) == ("Deployment to an environment failed in acme/shop")
    assert default_dedup_key(context, "a") == default_dedup_key(replace(context, run_id="9"), "b")
    block = context_block(context)
    assert "- Deployment: #42 to production (failure)\n" in block
    assert "- Deployment target: [target](https://t.test/1)\n" in block
    assert "- Deployment log: [log](https://l.test/1)\n" in block
    assert "- Deployment status: Down \\| now" in block
    unsafe = replace(
        context,
        deployment=replace(
            deployment, target_url="javascript:x", state="", log_url="", description=""
        ),
    )
    unsafe_block = context_block(unsafe)
    assert "- Deployment: #42 to production\n" in unsafe_block
    assert "javascript" not in unsafe_block and "Deployment log" not in unsafe_block
    on_server = f"{FULL.server_url}/acme/shop/releases/tag/v1.2"
    released = context_block(replace(FULL, release=Release("v1.2", on_server)))
    assert f"- Release: [v1.2]({on_server})" in released
    # A link that stands for a GitHub page must be on the GitHub server.
    elsewhere = context_block(replace(FULL, release=Release("v1.2", "https://r.test/v1.2")))
    assert "- Release: v1.2\n" in elsewhere and "r.test" not in elsewhere
    watched = replace(
        FULL,
        watcher=Watcher("5", "", "", f"{FULL.server_url}/w/5"),
        started_by="push",
        display_title="Ship *it*",
    )
    watched_block = context_block(watched)
    assert "- Event: push (seen through pull\\_request)\n" in watched_block
    assert "- Display title: Ship \\*it\\*\n" in watched_block
    assert f"- Declared by: [run #5]({FULL.server_url}/w/5)\n" in watched_block
    assert default_dedup_key(watched, "a") == default_dedup_key(replace(watched, job="x"), "b")
    assert default_dedup_key(watched, "a") != default_dedup_key(replace(watched, run_id="78"), "a")


def test_payload_links_that_are_not_plain_http_are_left_out_whichever_field() -> None:
    hostile = "javascript:alert(1)"
    deployment = Deployment(
        "42", "production", target_url=hostile, log_url=hostile, description="d"
    )
    block = context_block(replace(FULL, deployment=deployment, release=Release("v1", hostile)))

    assert "javascript" not in block
    assert "- Deployment target" not in block and "- Deployment log" not in block
    assert "- Release: v1\n" in block
    # A deployment's own links may point anywhere http(s), unlike GitHub's pages.
    elsewhere = replace(
        deployment, target_url="https://shop.example/", log_url="http://ci.example/7"
    )
    shown = context_block(replace(FULL, deployment=elsewhere))
    assert "- Deployment target: [target](https://shop.example/)" in shown
    assert "- Deployment log: [log](http://ci.example/7)" in shown
