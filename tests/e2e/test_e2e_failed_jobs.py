"""Name what failed: the action reads the run's jobs from GitHub beside Rootly's first
round and names the failed jobs and steps in the incident, its default title, the job
summary and the `failed-jobs` output; it never stands in the way of the incident."""

from __future__ import annotations

import json
import time
from typing import Any

from action_harness import RUN_ID, SERVER_URL, ActionHarness, ActionRun

from github_standin import GitHubStandIn, example_jobs, green_jobs, job
from github_standin.server import Permission
from rootly_standin import RootlyStandIn
from rootly_standin.rounds import round_trips

JOB_URL = f"{SERVER_URL}/acme/shop/actions/runs/{RUN_ID}/job/103"
DEFAULT_TITLE = "Workflow 'Deploy' failed in acme/shop on main"
NAMED_TITLE = "Workflow 'Deploy' failed at job 'deploy' in acme/shop on main"


def failing_run(github: GitHubStandIn, **more: Any) -> None:
    """The run GitHub lists: deploy failed at its migrations, the rest as usual."""
    github.any_run = example_jobs(int(RUN_ID), server=SERVER_URL, **more)


def declare(action: ActionHarness, **inputs: str) -> ActionRun:
    """The recommended shape: a `declare-incident` job after the deploy failed."""
    return action.run(inputs, env={"GITHUB_JOB": "declare-incident"})


def test_the_incident_names_and_links_the_failed_job_and_step(
    action: ActionHarness, rootly: RootlyStandIn, github: GitHubStandIn
) -> None:
    failing_run(github)

    run = declare(action)

    assert run.exit_code == 0, run.stdout
    attributes = rootly.incidents[0]["attributes"]
    assert attributes["title"] == NAMED_TITLE
    assert f"- deploy, step Run database migrations ([log]({JOB_URL}))" in attributes["summary"]
    assert json.loads(run.outputs["failed-jobs"]) == [
        {"name": "deploy", "step": "Run database migrations", "url": JOB_URL}
    ]
    assert (
        f"| Failed jobs | deploy, step Run database migrations ([log]({JOB_URL})) |" in run.summary
    )
    # The token went to GITHUB_API_URL only, as a bearer token, for this run's attempt.
    (asked,) = github.requests
    assert asked.path == f"/api/v3/repos/acme/shop/actions/runs/{RUN_ID}/attempts/1/jobs"
    assert asked.query == {"per_page": "100", "page": "1"}
    assert asked.headers["Authorization"] == f"Bearer {github.token}"
    assert not any(github.token in json.dumps(r.headers) for r in rootly.requests)


def test_several_failed_jobs_are_counted_in_the_title_and_each_named(
    action: ActionHarness, rootly: RootlyStandIn, github: GitHubStandIn
) -> None:
    jobs = example_jobs(int(RUN_ID), server=SERVER_URL)
    jobs[1] = job(102, "test (ubuntu-latest, 3.12)", "timed_out", [("Run pytest", "cancelled")])
    jobs[3] = job(104, "smoke-tests", "cancelled", [])
    github.any_run = jobs

    run = declare(action)

    attributes = rootly.incidents[0]["attributes"]
    assert attributes["title"] == "Workflow 'Deploy' failed in 3 jobs in acme/shop on main"
    named = [entry["name"] for entry in json.loads(run.outputs["failed-jobs"])]
    assert named == ["test (ubuntu-latest, 3.12)", "deploy", "smoke-tests"]
    assert "- smoke\\-tests (cancelled)" in attributes["summary"]
    assert "- test \\(ubuntu\\-latest, 3.12\\), step Run pytest" in attributes["summary"]


def test_a_title_given_is_kept_and_the_jobs_are_still_listed(
    action: ActionHarness, rootly: RootlyStandIn, github: GitHubStandIn
) -> None:
    failing_run(github)

    run = declare(action, title="Checkout deploy failed")

    attributes = rootly.incidents[0]["attributes"]
    assert attributes["title"] == "Checkout deploy failed"
    assert "Run database migrations" in attributes["summary"]
    assert run.outputs["failed-jobs"] != ""


def test_the_github_request_leaves_with_the_first_round_and_the_create_stays_second(
    action: ActionHarness, rootly: RootlyStandIn, github: GitHubStandIn
) -> None:
    failing_run(github)
    rootly.latency = 0.2

    run = declare(action, services="Payments Gateway")

    assert run.exit_code == 0, run.stdout
    create = rootly.requests_to("POST", "/v1/incidents")[0]
    assert round_trips(run.sent)[run.sent.index(create)] == 2
    first_round = [r for r in run.sent if r.arrived < create.arrived]
    # GitHub was asked before Rootly's first round had answered.
    assert github.requests[0].arrived < min(r.answered for r in first_round)


def test_without_the_permission_the_incident_is_declared_with_a_warning_naming_it(
    action: ActionHarness, rootly: RootlyStandIn, github: GitHubStandIn
) -> None:
    failing_run(github)
    refusals: tuple[Permission, ...] = ("forbidden", "not_found")
    for refusal in refusals:
        github.permission = refusal

        run = declare(action, **{"dedup-key": refusal})

        assert run.exit_code == 0, run.stdout
        assert rootly.incidents[-1]["attributes"]["title"] == DEFAULT_TITLE
        (warning,) = run.annotations("warning")
        assert warning.title == "Failed jobs not named"
        assert "permissions: actions: read" in warning.message
        assert run.outputs["failed-jobs"] == ""
        assert run.outputs["created"] == "true"


def test_a_rate_limit_or_a_malformed_answer_is_a_warning_never_a_failure(
    action: ActionHarness, rootly: RootlyStandIn, github: GitHubStandIn
) -> None:
    github.rate_limited = True
    limited = declare(action, **{"dedup-key": "limited"})
    github.rate_limited, github.malformed = False, True
    malformed = declare(action, **{"dedup-key": "malformed"})

    assert [limited.exit_code, malformed.exit_code] == [0, 0]
    assert "rate limit" in limited.annotations("warning")[0].message
    assert "not a jobs list" in malformed.annotations("warning")[0].message
    assert len(rootly.incidents) == 2


def test_a_slow_github_delays_the_create_at_most_five_seconds(
    action: ActionHarness, rootly: RootlyStandIn, github: GitHubStandIn
) -> None:
    failing_run(github)
    github.delay = 40.0  # longer than the step would ever wait

    started = time.monotonic()
    run = declare(action)
    took = time.monotonic() - started

    assert run.exit_code == 0, run.stdout
    assert rootly.incidents[0]["attributes"]["title"] == DEFAULT_TITLE
    warning = run.annotations("warning")[0]
    assert "GitHub had not answered 5 s after Rootly's first round" in warning.message
    assert took < 30, took  # it did not wait for GitHub's answer, nor its 30 s timeout
    create = rootly.requests_to("POST", "/v1/incidents")[0]
    first_answer = max(r.answered for r in rootly.requests if r.arrived < create.arrived)
    assert create.arrived - first_answer >= 4.9  # it gave GitHub its 5 s


def test_a_github_that_answers_within_the_grace_names_the_jobs(
    action: ActionHarness, rootly: RootlyStandIn, github: GitHubStandIn
) -> None:
    failing_run(github)
    github.delay = 1.5

    run = declare(action)

    assert rootly.incidents[0]["attributes"]["title"] == NAMED_TITLE
    assert run.annotations("warning") == []


def test_an_unreachable_github_is_a_warning(action: ActionHarness, rootly: RootlyStandIn) -> None:
    run = action.run({}, env={"GITHUB_API_URL": "http://127.0.0.1:9"})

    assert run.exit_code == 0, run.stdout
    assert "GitHub could not be reached" in run.annotations("warning")[0].message
    assert len(rootly.incidents) == 1


def test_an_empty_github_token_sends_no_request_to_github(
    action: ActionHarness, rootly: RootlyStandIn, github: GitHubStandIn
) -> None:
    failing_run(github)

    run = declare(action, **{"github-token": ""})

    assert github.requests == []
    assert run.outputs["failed-jobs"] == ""
    assert rootly.incidents[0]["attributes"]["title"] == DEFAULT_TITLE
    assert run.annotations("warning") == []


def test_more_than_a_hundred_jobs_are_read_page_by_page(
    action: ActionHarness, rootly: RootlyStandIn, github: GitHubStandIn
) -> None:
    jobs = [job(1000 + n, f"shard {n}", "success", server=SERVER_URL) for n in range(230)]
    jobs[7] = job(1007, "shard 7", "failure", [("Run tests", "failure")], server=SERVER_URL)
    jobs[215] = job(1215, "shard 215", "failure", [("Run tests", "failure")], server=SERVER_URL)
    github.any_run = jobs

    run = declare(action)

    assert sorted(r.query["page"] for r in github.requests) == ["1", "2", "3"]
    names = [entry["name"] for entry in json.loads(run.outputs["failed-jobs"])]
    assert names == ["shard 7", "shard 215"]


def test_hostile_job_names_and_links_are_escaped_and_never_become_commands(
    action: ActionHarness, rootly: RootlyStandIn, github: GitHubStandIn
) -> None:
    github.any_run = [
        job(
            9,
            "deploy\n::warning::pwned [click](javascript:alert(1)) | row",
            "failure",
            [("step\r\n::add-mask::x", "failure")],
            html_url="javascript:alert(1)",
        )
    ]

    run = declare(action)

    assert run.exit_code == 0, run.stdout
    summary = rootly.incidents[0]["attributes"]["summary"]
    assert "](javascript:" not in summary + run.summary  # text, never a link
    assert "\\[click\\]\\(javascript:alert\\(1\\)\\)" in summary
    for line in run.stdout.splitlines():
        assert not line.startswith(("::warning::pwned", "::add-mask::x")), line
    listed = json.loads(run.outputs["failed-jobs"])
    assert listed[0]["url"] == ""  # not a plain http(s) link
    assert listed[0]["name"].startswith("deploy\n")  # the output keeps the value as given


def test_the_key_does_not_depend_on_github_so_a_rerun_finds_the_same_incident(
    action: ActionHarness, rootly: RootlyStandIn, github: GitHubStandIn
) -> None:
    github.permission = "forbidden"
    first = declare(action)
    github.permission = "granted"
    failing_run(github, attempt=2)
    again = action.run({}, env={"GITHUB_JOB": "declare-incident", "GITHUB_RUN_ATTEMPT": "2"})

    assert (first.outputs["created"], again.outputs["created"]) == ("true", "false")
    assert len(rootly.incidents) == 1
    incident_id = first.outputs["incident-id"]
    (note,) = [e["attributes"]["event"] for e in rootly.events.get(incident_id, [])]
    assert "Failed jobs: deploy, step Run database migrations" in note
    assert json.loads(again.outputs["failed-jobs"])[0]["name"] == "deploy"


def test_an_action_inside_the_failing_job_names_its_own_failed_step(
    action: ActionHarness, rootly: RootlyStandIn, github: GitHubStandIn
) -> None:
    # `if: failure()` after a failed step: the job itself is still running.
    github.any_run = [
        *green_jobs(server=SERVER_URL)[:1],
        job(
            105,
            "deploy",
            None,
            [("Set up job", "success"), ("Run smoke tests", "failure"), ("Rootly", None)],
            server=SERVER_URL,
        ),
    ]

    action.run({})

    assert rootly.incidents[0]["attributes"]["title"] == NAMED_TITLE
