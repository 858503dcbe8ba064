"""Runs python/action.yml the way GitHub's runner runs a composite action's steps.

The first step (finding the runner's Python) runs once, from the action file's own
script; every run then goes through the last step as written: `python/run.py` with the
inputs as ROOTLY_INPUT_<NAME> variables, the runner's temporary folder shared by the runs
(as the steps of one job share it), and GITHUB_ACTION_PATH at the action's folder.
"""

from __future__ import annotations

import os
import re
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
    step = _step("find-python")
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
        """The `run` step, its `env:` filled as the runner fills it: each
        `${{ inputs.<name> }}` with that input's value (what INPUT_<NAME> holds)."""
        step = _step("run")
        passed = {name: value for name, value in environ.items() if not name.startswith("INPUT_")}
        for variable, expression in step["env"].items():
            found = re.fullmatch(r"\$\{\{ inputs\.([a-z0-9-]+) \}\}", str(expression))
            if found:
                passed[variable] = environ.get(f"INPUT_{found[1].upper()}", "")
        passed.update(
            RUNNER_TEMP=str(self.runner_temp),
            GITHUB_ACTION_PATH=str(ACTION_FOLDER),
            ROOTLY_PYTHON=self.runner_python,
        )
        return subprocess.run(
            ["bash", "-e", "-c", step["run"]],
            env=passed,
            cwd=workdir / "workspace",
            capture_output=True,
            text=True,
            # The first run installs the locked dependencies from the package index.
            timeout=timeout + 180,
            check=False,
        )


def _step(step_id: str) -> dict[str, Any]:
    """The step of python/action.yml with this `id`."""
    (step,) = [s for s in python_action()["runs"]["steps"] if s.get("id") == step_id]
    found: dict[str, Any] = step
    return found
