"""The whole action in-process: `main.run` with a recording runner and a fake Rootly
behind httpx.MockTransport. Fast, and each test names what a user would notice."""

from __future__ import annotations

import io
import threading
from pathlib import Path
from typing import Any

import httpx
from fakes import FakeClock, RecordingRunner

from rootly_incident_action.github.runner import ActionsRunner
from rootly_incident_action.main import Seams, run
from rootly_standin import RootlyStandIn

TOKEN = "rootly_tok_abc123"
RUN_ENV = {
    "GITHUB_REPOSITORY": "acme/shop",
    "GITHUB_RUN_ID": "42",
    "GITHUB_RUN_ATTEMPT": "1",
    "GITHUB_WORKFLOW": "Deploy",
    "GITHUB_JOB": "deploy",
    "GITHUB_SHA": "3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39",
    "GITHUB_REF_NAME": "main",
}


def standin() -> RootlyStandIn:
    """The stand-in the end-to-end tests meet, answering in-process (no server thread)."""
    return RootlyStandIn(token=TOKEN)


def run_action(
    inputs: dict[str, str],
    rootly: RootlyStandIn | None = None,
    transport: httpx.MockTransport | None = None,
) -> tuple[int, RecordingRunner, RootlyStandIn]:
    rootly = rootly or standin()
    runner = RecordingRunner({"api-token": TOKEN, **inputs})
    clock = FakeClock()
    try:
        code = run(runner, RUN_ENV, Seams(transport or rootly.transport(), clock.sleep, clock))
    finally:
        rootly.stop()
    assert rootly.violations == []
    return code, runner, rootly


def test_the_token_is_masked_before_anything_else_is_said() -> None:
    code, runner, _ = run_action({"title": "x", "private": "maybe"})
    assert code == 1
    assert runner.lines[0] == ("mask", TOKEN)
    assert runner.lines.index(("mask", TOKEN)) < min(
        i for i, (kind, _) in enumerate(runner.lines) if kind != "mask"
    )


def test_a_bad_input_sends_nothing() -> None:
    code, runner, rootly = run_action(
        {"private": "maybe", "parent-incident-id": "../../v1/users?x="}
    )
    assert code == 1
    assert rootly.requests == []
    message = runner.said("error")[0]
    assert "input 'parent-incident-id': '../../v1/users?x=' is not valid" in message
    assert "input 'private': 'maybe' is not valid" in message


def test_a_dry_run_of_a_private_incident_shows_neither_its_title_nor_its_summary() -> None:
    code, runner, rootly = run_action(
        {
            "title": "Payroll key leaked",
            "summary": "rotate payroll",
            "private": "true",
            "dry-run": "true",
        }
    )
    assert code == 0
    assert rootly.requests == []
    shown = "\n".join(text for _, text in runner.lines) + "\n".join(runner.summary)
    assert "ayroll" not in shown
    assert "a private incident" in runner.summary[0]


def test_a_declared_incident_fills_the_outputs_and_the_summary() -> None:
    code, runner, rootly = run_action({"title": "Deploy failed"})
    assert code == 0, runner.lines
    assert runner.outputs["incident-id"] == rootly.incidents[0]["id"]
    assert runner.outputs["created"] == "true"
    assert "Deploy failed" in runner.summary[0]
    methods = [(r.method, r.path) for r in rootly.requests]
    assert methods == [
        ("GET", "/v1/incidents"),
        ("POST", "/v1/incidents"),
        ("GET", "/v1/incidents"),
    ]


def test_outputs_that_cannot_be_written_say_the_incident_exists() -> None:
    rootly = standin()
    runner = RecordingRunner({"api-token": TOKEN, "title": "Deploy failed"})

    def broken(name: str, value: str) -> None:
        raise OSError(28, "No space left on device")

    runner.set_output = broken  # type: ignore[method-assign]
    clock = FakeClock()
    code = run(runner, RUN_ENV, Seams(rootly.transport(), clock.sleep, clock))
    assert code == 1
    message = runner.said("error")[0]
    assert "could not be written" in message
    assert "No space left on device" in message
    url = rootly.incidents[0]["attributes"]["url"]
    assert f"created incident #1 ({url})" in message
    assert "Nothing is known" not in message


def actions_run(
    tmp_path: Path, inputs: dict[str, str], rootly: RootlyStandIn
) -> tuple[int, str, str]:
    """The action as the runner sees it: workflow commands on stdout, a summary file."""
    summary = tmp_path / "summary.md"
    output = tmp_path / "output"
    environ = {
        **RUN_ENV,
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_OUTPUT": str(output),
        **{f"INPUT_{k.upper()}": v for k, v in {"api-token": TOKEN, **inputs}.items()},
    }
    stdout = io.StringIO()
    clock = FakeClock()
    try:
        code = run(
            ActionsRunner(environ, stdout), environ, Seams(rootly.transport(), clock.sleep, clock)
        )
    finally:
        rootly.stop()
    return code, stdout.getvalue(), summary.read_text() if summary.exists() else ""


def answering_the_create_with(hostile: dict[str, Any]) -> RootlyStandIn:
    """A Rootly whose answer to the create carries `hostile` attributes (off-spec on
    purpose: whatever Rootly or a proxy in between sends must not reach the log raw)."""
    rootly = standin()
    incident = {
        "id": "inc-1",
        "type": "incidents",
        "attributes": {
            "title": "Deploy failed",
            "sequential_id": 1,
            "status": "started",
            "url": "https://rootly.test/incidents/1-deploy-failed",
            "short_url": "https://rootly.link/1",
            **hostile,
        },
    }
    rootly.add_fault("POST", "/v1/incidents", status=201, body={"data": incident})
    return rootly


COMMANDS = ("::add-mask::", "::error", "::warning", "::debug::", "::group::", "::endgroup::")


def test_hostile_values_from_rootly_never_become_workflow_commands_or_break_the_summary(
    tmp_path: Path,
) -> None:
    rootly = answering_the_create_with(
        {
            "url": "https://rootly.test/x\n::warning::injected\n::add-mask::abc",
            "short_url": "https://r.link/y\r\n::error::boom",
            "title": "Pay|ments\r[down](javascript:alert(1))\n## heading",
            "status": "started\n| forged | row |",
            "slack_channel_name": "inc\n::warning::x",
            "slack_channel_url": "https://slack.test/c\n::warning::y",
            "severity": {"data": {"id": "s", "attributes": {"name": "SEV1|\n::warning::z"}}},
        }
    )
    code, stdout, summary = actions_run(tmp_path, {"title": "Deploy failed"}, rootly)
    assert code == 0, stdout
    for line in stdout.splitlines():
        if line.lstrip().startswith("::"):
            assert line.startswith(COMMANDS) and "injected" not in line, line
    heading = next(line for line in summary.splitlines() if line.startswith("###"))
    assert "\r" not in heading
    table = [line for line in summary.splitlines() if line.startswith("|")]
    assert all(line.count("|") - line.count("\\|") == 3 for line in table), table
    assert "](javascript:" not in summary  # escaped text, never a link
    assert "Pay\\|ments" in summary  # Rootly's hostile title arrived, escaped


def test_hostile_values_in_the_no_output_file_fallback_stay_on_one_line(tmp_path: Path) -> None:
    rootly = answering_the_create_with({"url": "https://rootly.test/x\n::warning::injected"})
    environ = {
        **RUN_ENV,
        **{f"INPUT_{k.upper()}": v for k, v in {"api-token": TOKEN, "title": "x"}.items()},
    }
    stdout = io.StringIO()
    clock = FakeClock()
    run(ActionsRunner(environ, stdout), environ, Seams(rootly.transport(), clock.sleep, clock))
    assert "::warning::injected" not in [line.strip() for line in stdout.getvalue().splitlines()]
    assert any(line.startswith("output incident-url=") for line in stdout.getvalue().splitlines())


def test_a_stop_signal_mid_request_reports_the_cancellation_and_what_may_exist() -> None:
    from rootly_incident_action.main import Cancelled

    rootly = standin()
    answer = rootly.transport().handler

    def cancelled_during_the_create(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            raise Cancelled(15)  # what the SIGTERM handler raises, mid-request
        return answer(request)  # type: ignore[return-value]

    transport = httpx.MockTransport(cancelled_during_the_create)
    code, runner, _ = run_action({"title": "Deploy failed"}, rootly, transport)
    assert code == 1
    message = runner.said("error")[0]
    assert message.startswith("Cancelled: The step was cancelled")
    assert "may have made that incident" in message


def test_the_action_also_runs_outside_the_main_thread() -> None:
    results: list[int] = []
    thread = threading.Thread(target=lambda: results.append(run_action({"title": "x"})[0]))
    thread.start()
    thread.join()
    assert results == [0]


def test_an_unusable_ca_bundle_is_one_clear_error(monkeypatch: Any) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", "/nowhere/ca.pem")
    runner = RecordingRunner({"api-token": TOKEN, "title": "x"})
    # No transport of the test's: the real one, whose TLS setup reads SSL_CERT_FILE.
    code = run(runner, RUN_ENV, Seams(None))
    assert code == 1
    assert "SSL_CERT_FILE='/nowhere/ca.pem'" in runner.said("error")[0]


def test_a_bug_is_one_line_naming_it_never_a_traceback(monkeypatch: Any) -> None:
    import rootly_incident_action.flows.create as create_flow

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise KeyError("oops")

    monkeypatch.setattr(create_flow, "build_plan", broken)
    code, runner, _ = run_action({"title": "x"})
    assert code == 1
    assert runner.said("error")[0].startswith(
        "Unexpected failure: The action failed unexpectedly (KeyError"
    )


def test_nothing_open_fails_with_fail_if_missing_unless_fail_on_error_is_false() -> None:
    asked = {"operation": "resolve", "dedup-key": "deploy-production", "fail-if-missing": "true"}
    line = (
        "No open incident to change: No open incident carries the dedup key "
        "'deploy-production' (incidents created in the last 168 h were searched): nothing to "
        "resolve. 'fail-if-missing' is true, so the step fails."
    )
    code, runner, _ = run_action(asked)
    assert (code, runner.said("error")) == (1, [line])
    assert runner.outputs == {}

    code, runner, _ = run_action({**asked, "fail-on-error": "false"})
    assert (code, runner.said("warning")) == (0, [line])
    assert runner.outputs == {}

    code, runner, _ = run_action({**asked, "fail-if-missing": "false"})
    assert (code, runner.said("error"), runner.outputs["changed"]) == (0, [], "false")
