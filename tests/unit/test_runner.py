"""The runner protocol, and guards on the parts of actions-toolkit we rely on."""

from __future__ import annotations

import io
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from action_harness import parse_output_file

from rootly_incident_action.github.runner import ActionsRunner, ConsoleRunner, secret_forms


def make_runner(tmp_path: Path) -> tuple[ActionsRunner, io.StringIO, Path, Path]:
    output, summary = tmp_path / "output", tmp_path / "summary"
    output.touch()
    summary.touch()
    stdout = io.StringIO()
    environ = {"GITHUB_OUTPUT": str(output), "GITHUB_STEP_SUMMARY": str(summary)}
    return ActionsRunner(environ, stdout), stdout, output, summary


def test_outputs_survive_newlines_and_equals_signs(tmp_path: Path) -> None:
    runner, _, output, _ = make_runner(tmp_path)
    runner.set_output("incident-url", "https://rootly.test/a=b")
    runner.set_output("note", "line one\nline two")
    outputs = parse_output_file(output.read_text())
    assert outputs == {"incident-url": "https://rootly.test/a=b", "note": "line one\nline two"}


def test_annotations_carry_only_the_properties_given(tmp_path: Path) -> None:
    runner, stdout, _, _ = make_runner(tmp_path)
    runner.error("it broke: 100% sure\nsecond line", title="Rootly, sadly")
    runner.warning("careful")
    lines = stdout.getvalue().splitlines()
    # actions-toolkit's own helpers would add empty file=,line=,... properties here.
    assert lines[0] == "::error title=Rootly%2C sadly::it broke: 100%25 sure%0Asecond line"
    assert lines[1] == "::warning::careful"


def test_a_masked_secret_is_replaced_everywhere_after_the_mask(tmp_path: Path) -> None:
    runner, stdout, output, summary = make_runner(tmp_path)
    runner.mask("hunter2-token")
    runner.info("token is hunter2-token")
    runner.error("bad hunter2-token", title="hunter2-token")
    runner.set_output("x", "hunter2-token")
    runner.append_summary("hunter2-token")
    text = stdout.getvalue()
    assert text.splitlines()[0] == "::add-mask::hunter2-token"
    assert "hunter2-token" not in "\n".join(text.splitlines()[1:])
    assert "hunter2-token" not in output.read_text()
    assert "hunter2-token" not in summary.read_text()


def test_inputs_are_read_with_hyphens_kept_and_trimmed() -> None:
    runner = ActionsRunner({"INPUT_API-TOKEN": "  tok \n"}, io.StringIO())
    assert runner.read_input("api-token") == "tok"
    assert runner.read_input("missing") == ""


def test_without_an_output_file_outputs_go_to_the_log() -> None:
    stdout = io.StringIO()
    ActionsRunner({}, stdout).set_output("incident-id", "42")
    assert stdout.getvalue() == "output incident-id=42\n"


def test_the_console_runner_never_prints_the_mask_command() -> None:
    stdout, stderr = io.StringIO(), io.StringIO()
    runner = ConsoleRunner({"api-token": "tok-123"}, stdout, stderr)
    runner.mask("tok-123")
    runner.error("tok-123 refused", title="Denied")
    assert stdout.getvalue() == ""
    assert stderr.getvalue() == "error: Denied: *** refused\n"


def test_start_up_does_not_import_requests_pygithub_or_actions_toolkit() -> None:
    # actions_toolkit.core imports requests (and .github PyGithub): ~85 ms per start; and
    # the command line installed without the `action` extra has no actions_toolkit at all.
    code = (
        "import sys, rootly_incident_action.main, rootly_incident_action.cli;"
        "print(sorted(m for m in ('requests', 'github', 'httpx', 'actions_toolkit')"
        " if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == "[]"


def test_actions_toolkits_stray_tests_package_is_not_installed() -> None:
    # actions-toolkit's wheel carries a top-level `tests` package; bootstrap removes it.
    stray = Path(sysconfig.get_paths()["purelib"]) / "tests"
    assert not stray.exists(), f"a stray 'tests' package is installed at {stray}"


def test_the_suites_leak_check_catches_a_token_anywhere_but_the_mask_command() -> None:
    from action_harness import ActionRun, assert_secret_not_leaked

    clean = ActionRun(0, "::add-mask::tok-1\nok\n", "", {"incident-id": "1"}, "done")
    assert_secret_not_leaked(clean, "tok-1")
    for leaky in (
        ActionRun(0, "::add-mask::tok-1\nusing tok-1\n", "", {}, ""),
        ActionRun(1, "", "Traceback: tok-1", {}, ""),
        ActionRun(0, "", "", {"incident-url": "https://x/?t=tok-1"}, ""),
        ActionRun(0, "", "", {}, "token tok-1"),
    ):
        with pytest.raises(AssertionError, match="a token appeared"):
            assert_secret_not_leaked(leaky, "tok-1")


@pytest.mark.parametrize(
    "token",
    ["rootly_a1-b2+c3/d4", 'tok"en\\with<quotes>&more'],
    ids=["markdown and url specials", "json and html specials"],
)
def test_a_secret_is_redacted_in_every_form_it_can_be_written_in(
    tmp_path: Path, token: str
) -> None:
    runner, stdout, output, summary = make_runner(tmp_path)
    runner.mask(token)
    forms = secret_forms(token)
    assert len(forms) >= 3  # raw, Markdown-escaped, and at least one encoding differ
    for form in forms:
        runner.info(f"echoed: {form}")
        runner.error(f"echoed: {form}", title="t")
        runner.set_output("x", form)
        runner.append_summary(f"echoed: {form}")
    written = (
        "\n".join(stdout.getvalue().splitlines()[1:]) + output.read_text() + summary.read_text()
    )
    assert [form for form in forms if form in written] == []
    # Each stands hidden: `***`, or `\*\*\*` where it was written escaped for Markdown.
    assert written.count("***") + written.count("\\*\\*\\*") >= 4 * len(forms)


@pytest.mark.parametrize("line_break", ["\r", "\r\n", "\n"], ids=["CR", "CRLF", "LF"])
def test_no_line_break_the_runner_honours_can_start_a_command(
    tmp_path: Path, line_break: str
) -> None:
    runner, stdout, _, _ = make_runner(tmp_path)
    runner.info(f"Rootly said: oops{line_break}::add-mask::x{line_break}  ::warning::y")
    # The runner ends lines at \r too: split as it does.
    lines = stdout.getvalue().replace("\r\n", "\n").replace("\r", "\n").split("\n")
    assert not [line for line in lines if line.lstrip().startswith("::")]


def test_an_unwritable_summary_is_one_warning_and_nothing_more(tmp_path: Path) -> None:
    runner, stdout, _, summary = make_runner(tmp_path)
    summary.unlink()
    summary.mkdir()  # the runner cannot append to a folder

    runner.append_summary("### first")
    runner.append_summary("### second")

    warnings = [line for line in stdout.getvalue().splitlines() if line.startswith("::warning")]
    assert len(warnings) == 1
    assert warnings[0].startswith("::warning title=Job summary not written::The job summary")


def test_a_terminals_unwritable_summary_is_one_warning_on_stderr(tmp_path: Path) -> None:
    stdout, stderr = io.StringIO(), io.StringIO()
    runner = ConsoleRunner({}, stdout, stderr, summary_path=str(tmp_path))  # a folder

    runner.append_summary("### first")
    runner.append_summary("### second")

    lines = stderr.getvalue().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("warning: Job summary not written: The job summary could not")
    assert stdout.getvalue() == ""


def test_the_console_runner_names_inputs_as_the_options_a_person_types() -> None:
    stdout, stderr = io.StringIO(), io.StringIO()
    runner = ConsoleRunner({}, stdout, stderr, option_names=["dedup-key", "api-url", "key"])

    runner.error("input 'dedup-key': 'x' is not valid; check 'api-url' and 'keys'")
    runner.info("Give 'dedup-key' to deduplicate anyway.")

    assert stderr.getvalue() == (
        "error: --dedup-key: 'x' is not valid; check --api-url and 'keys'\n"
    )
    assert stdout.getvalue() == "Give --dedup-key to deduplicate anyway.\n"
