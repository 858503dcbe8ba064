"""Runs python/action.yml the way GitHub's runner runs a composite action's steps.

The first step (finding the runner's Python) runs once, from the action file's own
script; every run then goes through the last step as written: `python/run.py` with the
inputs as ROOTLY_INPUT_<NAME> variables, the runner's temporary folder shared by the runs
(as the steps of one job share it), and GITHUB_ACTION_PATH at the action's folder.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import yaml
from action_harness import ROOT, ActionHarness, parse_output_file

from github_standin import GitHubStandIn
from rootly_standin import RootlyStandIn

ACTION_FOLDER = ROOT / "python"


def python_action() -> dict[str, Any]:
    """python/action.yml, parsed."""
    document: dict[str, Any] = yaml.safe_load(
        (ACTION_FOLDER / "action.yml").read_text(encoding="utf-8")
    )
    return document


def find_runner_python(workdir: Path) -> str:
    """What the composite's `find-python` step answers on this machine."""
    (step,) = [s for s in python_action()["runs"]["steps"] if s.get("id") == "find-python"]
    output = workdir / "find-python-output"
    output.write_text("", encoding="utf-8")
    subprocess.run(
        ["bash", "-e", "-c", step["run"]],
        env={"PATH": os.environ["PATH"], "GITHUB_OUTPUT": str(output)},
        check=True,
    )
    return parse_output_file(output.read_text(encoding="utf-8"))["path"]


class PythonActionHarness(ActionHarness):
    """An ActionHarness whose runs go through python/action.yml's last step."""

    def __init__(
        self,
        workdir: Path,
        rootly: RootlyStandIn,
        github: GitHubStandIn | None,
        runner_python: str,
        runner_temp: Path,
    ) -> None:
        super().__init__(workdir, rootly, github)
        self.runner_python = runner_python
        self.runner_temp = runner_temp

    def start(
        self, environ: dict[str, str], workdir: Path, timeout: float
    ) -> subprocess.CompletedProcess[str]:
        """The `run` step: each INPUT_<NAME> travels as the composite passes it."""
        passed = {name: value for name, value in environ.items() if not name.startswith("INPUT_")}
        for name, value in environ.items():
            if name.startswith("INPUT_"):
                passed["ROOTLY_INPUT_" + name[len("INPUT_") :].replace("-", "_")] = value
        passed.update(
            RUNNER_TEMP=str(self.runner_temp),
            GITHUB_ACTION_PATH=str(ACTION_FOLDER),
            ROOTLY_PYTHON=self.runner_python,
        )
        return subprocess.run(
            ["bash", "-e", "-c", _run_step()],
            env=passed,
            cwd=workdir / "workspace",
            capture_output=True,
            text=True,
            # The first run installs the locked dependencies from the package index.
            timeout=timeout + 180,
            check=False,
        )


def _run_step() -> str:
    (step,) = [s for s in python_action()["runs"]["steps"] if s.get("id") == "run"]
    script: str = step["run"]
    return script
