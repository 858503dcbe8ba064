"""End to end: what hostile or broken surroundings cannot make the action do. A token
echoed back in any form, a bare carriage return from Rootly, a job summary that cannot
be written: never a leak, a smuggled workflow command or a traceback."""

from __future__ import annotations

import pytest
from action_harness import ActionHarness, ActionRun

from github_standin import GitHubStandIn
from rootly_incident_action.plan.dedup import DEDUP_LABEL
from rootly_standin import RootlyStandIn


def commands(run: ActionRun) -> list[str]:
    """The lines the runner would read as workflow commands (it ends lines at \\r too)."""
    lines = run.stdout.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return [line for line in lines if line.lstrip().startswith("::")]


def test_a_token_rootly_echoes_back_is_redacted_in_every_form(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    # The harness looks for the raw, Markdown-escaped, JSON-, HTML- and URL-encoded
    # token in the log, the outputs and the summary on every run.
    echo = {"errors": [{"title": f"Token {rootly.token} may not create incidents"}]}
    rootly.add_fault("POST", "/v1/incidents", status=403, body=echo)

    run = action.run({"title": "Deploy failed"})

    assert run.exit_code == 1
    assert "Token *** may not create incidents" in run.error.message
    assert "Token \\*\\*\\* may not create incidents" in run.summary


@pytest.mark.parametrize(
    "where",
    [
        ("POST", "/v1/incidents", 503, "error title"),
        ("GET", "/v1/incidents", 200, "incident field"),
    ],
    ids=["error title", "returned field"],
)
def test_a_carriage_return_from_rootly_never_starts_a_workflow_command(
    where: tuple[str, str, int, str],
    action: ActionHarness,
    rootly: RootlyStandIn,
    github: GitHubStandIn,
) -> None:
    method, template, status, _ = where
    hostile = "oops\r::add-mask::smuggled\r::warning title=x::smuggled"
    if status == 503:
        rootly.add_fault(method, template, status=503, body={"errors": [{"title": hostile}]})
        run = action.run({"title": "Deploy failed"})
    else:
        first = action.run({"title": "Deploy failed"})
        rootly.incidents[0]["attributes"]["title"] = hostile
        rootly.incidents[0]["attributes"]["status"] = "in_triage\r::warning::smuggled"
        run = action.run(
            {
                "operation": "add-event",
                "incident-id": first.outputs["incident-id"],
                "message": "note",
            }
        )

    assert run.exit_code == 0, run.stdout
    smuggled = [line for line in commands(run) if "smuggled" in line.split("::")[1]]
    assert smuggled == []
    # Only the action's own masks: the Rootly token and the job's GitHub token.
    assert [line for line in commands(run) if line.startswith("::add-mask::")] == [
        f"::add-mask::{rootly.token}",
        f"::add-mask::{github.token}",
    ]


@pytest.mark.parametrize("fail_on_error", ["true", "false"])
@pytest.mark.parametrize(
    "inputs",
    [
        {"title": "Deploy failed"},
        {"title": "Deploy failed", "dry-run": "true"},
        {"title": "Deploy failed", "services": "no-such-service"},
        {"operation": "resolve", "dedup-key": "nothing-open"},
    ],
    ids=["create", "dry run", "refusal", "nothing open"],
)
def test_an_unwritable_summary_is_a_warning_on_every_path(
    inputs: dict[str, str], fail_on_error: str, action: ActionHarness, rootly: RootlyStandIn
) -> None:
    run = action.run(
        {**inputs, "fail-on-error": fail_on_error},
        env={"GITHUB_STEP_SUMMARY": "{workspace}"},  # a folder: nothing can be appended
    )

    failed = "services" in inputs  # the refusal is the step's own outcome
    assert run.exit_code == (1 if failed and fail_on_error == "true" else 0), run.stdout
    warnings = [line for line in commands(run) if "Job summary not written" in line]
    assert len(warnings) == 1
    assert "Traceback" not in run.stdout + run.stderr


def test_outputs_that_cannot_be_written_fail_the_step_saying_what_exists(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    run = action.run({"title": "Deploy failed"}, env={"GITHUB_OUTPUT": "{workspace}"})

    assert run.exit_code == 1
    assert "The step's outputs could not be written" in run.error.message
    assert "created incident #1" in run.error.message
    assert len(rootly.incidents) == 1


def test_an_input_that_is_not_utf8_is_named_with_the_byte(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    # The runner passes the bytes of the workflow file on as they are; Python reads a
    # byte that is not UTF-8 as a lone surrogate.
    run = action.run({"title": "Deploy \udcff failed", "summary": "fine"})

    assert run.exit_code == 1
    assert run.error.message == (
        "input 'title': 'Deploy \ufffd failed' is not valid; it is not UTF-8 text (byte 0xff "
        "at character 8); write it in UTF-8 (a workflow file saved in another encoding does "
        "this)"
    )
    assert rootly.requests == []


def test_a_run_variable_that_is_not_utf8_is_shown_replaced(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    run = action.run({"title": "Deploy failed"}, env={"GITHUB_WORKFLOW": "D\udce9ploy"})

    assert run.exit_code == 0, run.stdout
    assert "D\ufffdploy" in rootly.incidents[0]["attributes"]["summary"]


def secret_title_shown(run: ActionRun, rootly: RootlyStandIn) -> list[str]:
    """Where the private incidents' titles, slugs or web URLs show in the log or the job
    summary (the outputs carry the URL for later steps, as documented)."""
    written = run.stdout + run.summary
    private = [i["attributes"] for i in rootly.incidents if i["attributes"]["private"]]
    return [
        value
        for attributes in private
        for value in (attributes["title"], attributes["slug"], attributes["url"])
        if value in written
    ]


def test_a_private_incident_found_after_a_lost_answer_is_named_by_number_only(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    rootly.add_fault("POST", "/v1/incidents", drop_after=True)

    run = action.run({"title": "Secret merger talks", "private": "true"})

    assert run.exit_code == 0, run.stdout
    assert "but Rootly did create incident #1" in run.stdout
    assert secret_title_shown(run, rootly) == []


def test_a_private_incident_retired_after_a_lost_race_is_named_by_number_only(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    # Another job's private incident with the same key is missed by this job's search.
    rootly.list_lag = 1
    rootly.book.create(
        {"title": "Secret merger talks", "private": True, "labels": {DEDUP_LABEL: "merger"}}
    )

    run = action.run({"title": "Secret merger talks", "private": "true", "dedup-key": "merger"})

    assert run.exit_code == 0, run.stdout
    assert "is marked a duplicate of incident #1" in run.stdout
    assert secret_title_shown(run, rootly) == []
