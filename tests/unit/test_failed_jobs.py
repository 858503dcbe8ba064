"""Naming what failed, from GitHub's jobs list: the pure reading, the lookup's every way
of failing (as a warning's text, never an exception), and the keys that ignore it."""

from __future__ import annotations

import json
import threading

import httpx
import pytest

from github_standin import GitHubStandIn, example_jobs, job
from rootly_incident_action.github.api import (
    JobsFound,
    JobsLookup,
    JobsMissing,
    fetch_failed_jobs,
    jobs_path,
)
from rootly_incident_action.github.context import RunContext, read_run_context
from rootly_incident_action.github.jobs import (
    FailedJob,
    JobsAnswerMalformed,
    failed_jobs,
    failed_jobs_block,
    failed_jobs_json,
    jobs_page,
    naming_jobs,
)
from rootly_incident_action.plan import dedup

PATH = jobs_path("acme/shop", "42", "1")
API = "https://api.github.test"


def fetch(
    github: GitHubStandIn, api: str = API, token: str | None = None
) -> JobsFound | JobsMissing:
    return fetch_failed_jobs(
        api, token or github.token, PATH, timeout=5, user_agent="t", transport=github.transport()
    )


def test_failed_cancelled_timed_out_and_still_running_with_a_failed_step_count() -> None:
    jobs = [
        job(1, "build", "success", [("Compile", "success")]),
        job(2, "deploy", "failure", [("Migrate", "failure"), ("Roll out", "skipped")]),
        job(3, "e2e", "timed_out", [("Wait", "cancelled")]),
        job(4, "lint", "cancelled", []),
        job(5, "smoke", "skipped", []),
        job(6, "declare", None, [("Set up job", "success")]),
        job(7, "inline", None, [("Set up job", "success"), ("Test", "failure")]),
    ]

    found = failed_jobs(jobs)

    assert [(j.name, j.step, j.conclusion) for j in found] == [
        ("deploy", "Migrate", "failure"),
        ("e2e", "Wait", "timed_out"),
        ("lint", "", "cancelled"),
        ("inline", "Test", "failure"),
    ]
    assert found[0].url == "https://github.com/acme/shop/actions/runs/42/job/2"


def test_an_answer_that_is_not_a_jobs_list_is_malformed() -> None:
    documents: list[object] = [
        [],
        {"jobs": []},
        {"total_count": True, "jobs": []},
        {"total_count": 1},
    ]
    for document in documents:
        with pytest.raises(JobsAnswerMalformed):
            jobs_page(document)
    with pytest.raises(JobsAnswerMalformed):
        failed_jobs([{"conclusion": "failure"}])
    assert jobs_page({"total_count": 3, "jobs": []}) == (3, [])


def test_the_default_title_names_one_job_or_counts_several() -> None:
    one = (FailedJob("deploy", "Migrate", ""),)
    title = "Workflow 'Deploy' failed in acme/shop on main"
    assert (
        naming_jobs(title, one) == "Workflow 'Deploy' failed at job 'deploy' in acme/shop on main"
    )
    assert naming_jobs(title, one * 3) == "Workflow 'Deploy' failed in 3 jobs in acme/shop on main"
    assert naming_jobs(title, ()) == title
    assert naming_jobs("Incident declared by rootly-incident-action", one).endswith("action")


def test_the_summary_lists_at_most_twenty_and_escapes_every_name() -> None:
    hostile = FailedJob("a|b\n::warning::x", "s](javascript:1)", "javascript:alert(1)")
    block = failed_jobs_block((hostile,))
    assert block == "**Failed jobs**\n\n- a\\|b ::warning::x, step s\\]\\(javascript:1\\)"
    many = tuple(FailedJob(f"shard {n}", "", "https://github.com/j") for n in range(23))
    lines = failed_jobs_block(many).splitlines()
    assert len(lines) == 2 + 20 + 1 and lines[-1] == "- and 3 more (see the run)"


def test_the_output_is_json_or_empty_when_not_read() -> None:
    assert failed_jobs_json(None) == ""
    assert failed_jobs_json(()) == "[]"
    assert json.loads(failed_jobs_json((FailedJob("d", "s", "u"),))) == [
        {"name": "d", "step": "s", "url": "u"}
    ]


def test_the_lookup_reads_every_page_against_githubs_description() -> None:
    jobs = [job(n, f"shard {n}", "success") for n in range(250)]
    jobs[240] = job(240, "shard 240", "failure", [("Test", "failure")])
    github = GitHubStandIn(runs={("42", "1"): jobs})

    found = fetch(github)

    assert found == JobsFound((failed_jobs([jobs[240]])[0],), requests=3)
    assert github.violations == []
    assert all(r.headers["authorization"] == f"Bearer {github.token}" for r in github.requests)
    assert {r.headers["x-github-api-version"] for r in github.requests} == {"2022-11-28"}


@pytest.mark.parametrize(
    ("switch", "words"),
    [
        (
            "forbidden",
            "(403: Resource not accessible by integration): give the job `permissions: actions: read`",
        ),
        ("not_found", "(404: Not Found): give the job `permissions: actions: read`"),
        ("rate_limited", "GitHub's rate limit for this token is used up (403"),
        ("malformed", "GitHub's answer was not a jobs list"),
        ("bad_token", "GitHub refused the token (401: Bad credentials)"),
    ],
)
def test_every_refusal_is_a_sentence_that_says_what_to_do(switch: str, words: str) -> None:
    github = GitHubStandIn(runs={("42", "1"): example_jobs()})
    if switch in ("forbidden", "not_found"):
        github.permission = switch  # type: ignore[assignment]
    elif switch != "bad_token":
        setattr(github, switch, True)

    found = fetch(github, token="ghs_revoked" if switch == "bad_token" else None)

    assert isinstance(found, JobsMissing)
    assert words in found.reason


@pytest.mark.parametrize(
    ("failure", "words"),
    [
        (httpx.ReadTimeout("slow"), "GitHub did not answer within 5 s"),
        (httpx.ConnectError("refused"), "GitHub could not be reached (ConnectError: refused)"),
    ],
)
def test_a_slow_or_unreachable_github_is_a_sentence(failure: Exception, words: str) -> None:
    def fail(request: httpx.Request) -> httpx.Response:
        raise failure

    found = fetch_failed_jobs(
        API, "t", PATH, timeout=5, user_agent="t", transport=httpx.MockTransport(fail)
    )
    assert isinstance(found, JobsMissing) and words in found.reason


def test_the_token_never_goes_over_plain_http_unless_the_host_is_loopback() -> None:
    github = GitHubStandIn(runs={("42", "1"): example_jobs()}, prefix="/api/v3")

    refused = fetch(github, "http://github.acme.test/api/v3")
    loopback = fetch(github, "http://127.0.0.1:8080/api/v3")
    odd = fetch(github, "ftp://github.acme.test")

    assert isinstance(refused, JobsMissing) and "plain http" in refused.reason
    assert isinstance(odd, JobsMissing) and "not an http(s) address" in odd.reason
    assert isinstance(loopback, JobsFound)
    assert len(github.requests) == 1  # only the loopback one was sent


def test_a_lookup_still_running_gives_nothing_and_a_bug_gives_a_sentence() -> None:
    release = threading.Event()
    slow = JobsLookup(lambda: (release.wait(5), JobsFound(()))[1])
    assert slow.wait(0.05) is None
    release.set()
    assert slow.wait(5) == JobsFound(())

    def broken() -> JobsFound:
        raise KeyError("jobs")

    outcome = JobsLookup(broken).wait(5)
    assert isinstance(outcome, JobsMissing) and "KeyError" in outcome.reason


def test_path_parts_are_encoded_so_none_can_reach_another_endpoint() -> None:
    assert jobs_path("acme/shop", "42", "") == "/repos/acme/shop/actions/runs/42/attempts/1/jobs"
    assert jobs_path("acme/../x", "4?2", "1") == (
        "/repos/acme/..%2Fx/actions/runs/4%3F2/attempts/1/jobs"
    )


def test_the_workflow_key_spans_runs_but_not_refs_or_workflows() -> None:
    base = RunContext(
        repository="acme/shop",
        workflow="Deploy",
        workflow_path=".github/workflows/deploy.yml",
        ref_name="main",
        run_id="1",
        job="deploy",
    )
    key = dedup.workflow_dedup_key(base)
    assert (
        dedup.workflow_dedup_key(RunContext(**{**base.__dict__, "run_id": "2", "job": "x"})) == key
    )
    assert dedup.workflow_dedup_key(RunContext(**{**base.__dict__, "ref_name": "dev"})) != key
    renamed = RunContext(**{**base.__dict__, "workflow": "Deploy v2"})
    assert dedup.workflow_dedup_key(renamed) == key  # the file, not the name
    other = RunContext(**{**base.__dict__, "workflow_path": ".github/workflows/nightly.yml"})
    assert dedup.workflow_dedup_key(other) != key
    assert dedup.default_key(base, "T", "run") == dedup.default_dedup_key(base, "T")
    assert dedup.default_key(base, "T", "workflow") == key


def test_the_workflow_file_comes_from_the_workflow_ref_or_the_watched_run(tmp_path) -> None:  # type: ignore[no-untyped-def]
    direct = read_run_context(
        {
            "GITHUB_REPOSITORY": "acme/shop",
            "GITHUB_WORKFLOW_REF": "acme/shop/.github/workflows/deploy.yml@refs/heads/main",
            "GITHUB_API_URL": "https://ghe.acme.test/api/v3/",
        }
    )
    assert direct.workflow_path == ".github/workflows/deploy.yml"
    assert direct.api_url == "https://ghe.acme.test/api/v3"
    event = tmp_path / "event.json"
    event.write_text(
        json.dumps(
            {
                "workflow_run": {
                    "id": 7,
                    "path": ".github/workflows/deploy.yml@main",
                    "run_attempt": 2,
                }
            }
        )
    )
    watched = read_run_context(
        {
            "GITHUB_REPOSITORY": "acme/shop",
            "GITHUB_EVENT_NAME": "workflow_run",
            "GITHUB_EVENT_PATH": str(event),
            "GITHUB_WORKFLOW_REF": "acme/shop/.github/workflows/watch.yml@refs/heads/main",
        }
    )
    assert watched.workflow_path == ".github/workflows/deploy.yml"
    assert (watched.run_id, watched.run_attempt) == ("7", "2")
    assert read_run_context({"GITHUB_WORKFLOW_REF": "odd"}).workflow_path == ""


@pytest.mark.parametrize(
    ("workflow_ref", "repository", "path"),
    [
        (
            "acme/shop/.github/workflows/deploy.yml@refs/heads/main",
            "acme/shop",
            ".github/workflows/deploy.yml",
        ),
        (
            "acme/shop/.github/workflows/a@b.yml@refs/tags/v1",
            "acme/shop",
            ".github/workflows/a@b.yml",
        ),
        ("acme/shop/.github/workflows/deploy.yml", "acme/shop", ""),
        ("other/repo/.github/workflows/deploy.yml@refs/heads/main", "acme/shop", ""),
        ("acme/shop/.github/workflows/deploy.yml@refs/heads/main", "", ""),
    ],
)
def test_the_workflow_file_is_the_path_between_repository_and_ref(
    workflow_ref: str, repository: str, path: str
) -> None:
    environ = {"GITHUB_WORKFLOW_REF": workflow_ref, "GITHUB_REPOSITORY": repository}
    assert read_run_context(environ).workflow_path == path
