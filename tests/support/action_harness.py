"""Runs the action's real entrypoint the way GitHub's runner runs a step.

Every input of action.yml is set as INPUT_<NAME> (upper-cased, hyphens kept) with the
defaults of action.yml applied, the GITHUB_* variables describe a run, the event is a
file, and outputs and the job summary are files read back afterwards. Every run is
checked for the API token leaking into anything a person could read.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from github_standin import GitHubStandIn
from rootly_incident_action.github.runner import secret_forms
from rootly_standin import RootlyStandIn

ROOT = Path(__file__).resolve().parents[2]
ENTRYPOINT = ROOT / "entrypoint.py"

RUN_ID = "9876543210"
SHA = "3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39"
SERVER_URL = "https://github.example.com"  # Enterprise Server: links must follow it


@cache
def action_metadata() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    return loaded


def action_defaults(job_token: str = "") -> dict[str, str]:
    """action.yml's defaults, with `${{ github.token }}` filled in as the runner does
    (`job_token`: the job's token; '' for a job without one)."""
    return {
        name: str(spec.get("default", "")).replace("${{ github.token }}", job_token)
        for name, spec in action_metadata()["inputs"].items()
    }


def github_environment(workdir: Path, event: dict[str, Any] | None) -> dict[str, str]:
    event_path = workdir / "workflow" / "event.json"
    event_path.parent.mkdir(parents=True, exist_ok=True)
    event_path.write_text(json.dumps(event or {"ref": "refs/heads/main"}), encoding="utf-8")
    files = workdir / "file_commands"
    files.mkdir(exist_ok=True)
    for name in ("output", "summary", "env", "path", "state"):
        (files / name).touch()
    return {
        "GITHUB_ACTIONS": "true",
        "CI": "true",
        "GITHUB_SERVER_URL": SERVER_URL,
        "GITHUB_API_URL": f"{SERVER_URL}/api/v3",
        "GITHUB_REPOSITORY": "acme/shop",
        "GITHUB_REPOSITORY_OWNER": "acme",
        "GITHUB_SHA": SHA,
        "GITHUB_REF": "refs/heads/main",
        "GITHUB_REF_NAME": "main",
        "GITHUB_REF_TYPE": "branch",
        "GITHUB_HEAD_REF": "",
        "GITHUB_WORKFLOW": "Deploy",
        "GITHUB_JOB": "deploy",
        "GITHUB_RUN_ID": RUN_ID,
        "GITHUB_RUN_NUMBER": "77",
        "GITHUB_RUN_ATTEMPT": "1",
        "GITHUB_ACTOR": "octocat",
        "GITHUB_EVENT_NAME": "push",
        "GITHUB_EVENT_PATH": str(event_path),
        "GITHUB_WORKSPACE": str(workdir / "workspace"),
        "GITHUB_OUTPUT": str(files / "output"),
        "GITHUB_STEP_SUMMARY": str(files / "summary"),
        "GITHUB_ENV": str(files / "env"),
        "GITHUB_PATH": str(files / "path"),
        "GITHUB_STATE": str(files / "state"),
        "RUNNER_OS": "Linux",
        "RUNNER_TEMP": str(workdir / "runner_temp"),
    }


def parse_output_file(text: str) -> dict[str, str]:
    """Read `name=value` and `name<<DELIMITER ... DELIMITER` entries as the runner does."""
    outputs: dict[str, str] = {}
    lines = text.split("\n")
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if not line:
            continue
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            value_lines = []
            while lines[index] != delimiter:
                value_lines.append(lines[index])
                index += 1
            index += 1
            outputs[name] = "\n".join(value_lines)
        else:
            name, value = line.split("=", 1)
            outputs[name] = value
    return outputs


@dataclass
class Annotation:
    level: str
    title: str
    message: str


@dataclass
class ActionRun:
    exit_code: int
    stdout: str
    stderr: str
    outputs: dict[str, str]
    summary: str
    sent: list[Any] = field(default_factory=list)

    def annotations(self, level: str) -> list[Annotation]:
        found = []
        for line in self.stdout.splitlines():
            match = re.match(rf"^::{level}(?: (?P<props>[^:]*))?::(?P<message>.*)$", line)
            if match:
                props = dict(
                    part.split("=", 1) for part in (match["props"] or "").split(",") if part
                )
                found.append(
                    Annotation(
                        level, _unescape(props.get("title", "")), _unescape(match["message"])
                    )
                )
        return found

    @property
    def error(self) -> Annotation:
        errors = self.annotations("error")
        assert len(errors) == 1, f"expected one error annotation, got {errors}\n{self.stdout}"
        return errors[0]


def _unescape(text: str) -> str:
    return (
        text.replace("%0A", "\n")
        .replace("%0D", "\r")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
    )


def coverage_variables() -> dict[str, str]:
    """Passed on to the action's process, so `scripts/coverage` measures it too."""
    return {name: value for name, value in os.environ.items() if name.startswith("COVERAGE_")}


def assert_secret_not_leaked(run: ActionRun, secret: str) -> None:
    """A token may appear only in its one `::add-mask::` line, which the runner consumes."""
    stdout_lines = [line for line in run.stdout.splitlines() if line != f"::add-mask::{secret}"]
    places = {
        "stdout": "\n".join(stdout_lines),
        "stderr": run.stderr,
        "outputs": json.dumps(run.outputs),
        "summary": run.summary,
    }
    leaked = [
        f"{where} ({form!r})"
        for where, text in places.items()
        for form in secret_forms(secret)
        if form in text
    ]
    assert not leaked, f"a token appeared in {leaked}"


def input_variables(
    rootly: RootlyStandIn, inputs: dict[str, str] | None, job_token: str = ""
) -> dict[str, str]:
    """INPUT_* for every input of action.yml: the given values over its defaults, with
    `${{ github.token }}` filled in as the runner does (`job_token`)."""
    given = {"api-token": rootly.token, "api-url": rootly.url, **(inputs or {})}
    unknown = set(given) - set(action_defaults())
    assert not unknown, f"inputs not declared in action.yml: {unknown}"
    values = {**action_defaults(job_token), **given}
    return {f"INPUT_{name.upper()}": value for name, value in values.items()}


class ActionHarness:
    """Runs the action as the runner does. With `github` (a GitHub stand-in) the job's
    token and GITHUB_API_URL lead there, as on a real runner; without one the job has no
    token, as if `github-token: ''` were set."""

    def __init__(
        self, workdir: Path, rootly: RootlyStandIn, github: GitHubStandIn | None = None
    ) -> None:
        self.workdir = workdir
        self.rootly = rootly
        self.github = github
        self._numbers = itertools.count(1)  # thread-safe: runs may start concurrently

    def run(
        self,
        inputs: dict[str, str] | None = None,
        *,
        env: dict[str, str] | None = None,
        event: dict[str, Any] | None = None,
        timeout: float = 60,
        barrier: threading.Barrier | None = None,
        workspace_files: dict[str, bytes] | None = None,
    ) -> ActionRun:
        """Run the action once. `{workspace}` in an `env` value is the run's workspace,
        where `workspace_files` (relative path -> content) are written first."""
        workdir = self.workdir / f"run{next(self._numbers)}"
        workspace = workdir / "workspace"
        workspace.mkdir(parents=True)
        for relative, content in (workspace_files or {}).items():
            (workspace / relative).parent.mkdir(parents=True, exist_ok=True)
            (workspace / relative).write_bytes(content)
        given_env = {k: v.replace("{workspace}", str(workspace)) for k, v in (env or {}).items()}
        environ = {
            **coverage_variables(),
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(workdir),
            "LANG": "C.UTF-8",
            **github_environment(workdir, event),
            **({"GITHUB_API_URL": self.github.url} if self.github else {}),
            **input_variables(self.rootly, inputs, self.github.token if self.github else ""),
            **given_env,
        }
        if barrier is not None:
            barrier.wait()  # start together with the other runs
        before = len(self.rootly.requests)
        finished = self.start(environ, workdir, timeout)
        run = ActionRun(
            exit_code=finished.returncode,
            stdout=finished.stdout,
            stderr=finished.stderr,
            outputs=parse_output_file(_text_of(Path(environ["GITHUB_OUTPUT"]))),
            summary=_text_of(Path(environ["GITHUB_STEP_SUMMARY"])),
            sent=self.rootly.requests[before:],
        )
        assert "Traceback" not in run.stdout + run.stderr, run.stdout + run.stderr
        assert_secret_not_leaked(run, self.rootly.token)
        if self.github is not None:
            assert_secret_not_leaked(run, self.github.token)
        return run

    def start(
        self, environ: dict[str, str], workdir: Path, timeout: float
    ) -> subprocess.CompletedProcess[str]:
        """Start the action the way the runner does; here, entrypoint.py directly."""
        return subprocess.run(
            [sys.executable, str(ENTRYPOINT)],
            env=environ,
            cwd=workdir / "workspace",
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )


def _text_of(path: Path) -> str:
    """A file's text; '' where a test made it something that cannot be written (a folder)."""
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def cancel_midway(
    rootly: RootlyStandIn, workdir: Path, inputs: dict[str, str], waiting_for: tuple[str, str]
) -> tuple[subprocess.CompletedProcess[str], float]:
    """Start the action, send SIGTERM once the request `waiting_for` (method, path) has
    arrived, as a cancelled workflow does; the finished process and how long it took."""
    import signal
    import time

    (workdir / "workspace").mkdir(parents=True)
    environ = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        **github_environment(workdir, None),
        **input_variables(rootly, inputs),
    }
    process = subprocess.Popen(
        [sys.executable, str(ENTRYPOINT)],
        env=environ,
        cwd=workdir / "workspace",
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    while not rootly.requests_to(*waiting_for):
        time.sleep(0.05)
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    stdout, stderr = process.communicate(timeout=30)
    took = time.monotonic() - started
    done = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
    return done, took
