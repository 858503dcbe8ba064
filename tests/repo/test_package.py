"""The command line as PyPI delivers it: the wheel built from this tree, installed by
itself in a clean virtual environment, as `pipx run rootly-incident-action` would.

Installing resolves the wheel's own declared dependencies from the package index (held
to the locked versions), so a dependency missing from pyproject.toml fails here.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from action_harness import ROOT, action_metadata

UV = Path(sys.executable).parent / "uv"
# What actions-toolkit declares and the command line must not pull in.
ACTIONS_TOOLKIT_TAIL = {"actions-toolkit", "pygithub", "requests", "cryptography", "pynacl"}


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The `bin` folder of a fresh virtual environment holding only the wheel and its needs."""
    work = tmp_path_factory.mktemp("wheel")
    # Built from a copy, so setuptools' build/ and egg-info never land in the checkout.
    source = work / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(
        ROOT / "src",
        source / "src",
        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"),
    )
    _uv("build", "--wheel", "--out-dir", str(work / "dist"), str(source))
    (wheel,) = (work / "dist").glob("rootly_incident_action-*.whl")
    venv = work / "venv"
    _uv("venv", "--python", sys.executable, str(venv))
    _uv(
        "pip",
        "install",
        "--python",
        str(venv / "bin" / "python"),
        "--constraint",
        str(ROOT / "requirements.lock"),
        str(wheel),
    )
    return venv / "bin"


def _uv(*args: str) -> None:
    done = subprocess.run([str(UV), "--quiet", *args], check=False, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def _clean_environment() -> dict[str, str]:
    """This machine's PATH and nothing of GitHub's or the suite's."""
    return {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp")}


def test_the_wheel_installs_without_actions_toolkit_and_its_tail(installed: Path) -> None:
    listed = subprocess.run(
        [str(UV), "pip", "list", "--format", "json", "--python", str(installed / "python")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    names = {entry["name"].lower() for entry in json.loads(listed)}
    assert "rootly-incident-action" in names
    assert {"httpx", "pydantic", "pyyaml"} <= names
    assert names & ACTIONS_TOOLKIT_TAIL == set()


def test_the_installed_command_documents_every_option_in_action_ymls_words(
    installed: Path,
) -> None:
    shown = subprocess.run(
        [str(installed / "rootly-incident-action"), "--help"],
        capture_output=True,
        text=True,
        check=True,
        env={**_clean_environment(), "COLUMNS": "2000"},
    ).stdout
    assert shown.startswith("usage: rootly-incident-action ")
    for name, spec in action_metadata()["inputs"].items():
        # argparse folds whitespace; the first words of each description are enough.
        opening = " ".join(str(spec["description"]).split()[:6]).replace("%%", "%")
        assert f"--{name}" in shown, name
        assert opening in " ".join(shown.split()), name
    assert "{create,update,add-event,mitigate,resolve,cancel,pulse,alert}" in shown


def test_the_installed_command_dry_runs_inside_a_job_without_the_action_extra(
    installed: Path,
) -> None:
    # A `run: pipx run rootly-incident-action ...` step: GITHUB_ACTIONS is set, but the
    # Actions protocol's extra is not installed, so it speaks plainly to the log.
    done = subprocess.run(
        [
            str(installed / "rootly-incident-action"),
            "--title",
            "Smoke tests failed",
            "--services",
            "5b1c0000-0000-4000-8000-000000000001",
            "--dry-run",
        ],
        check=False,
        capture_output=True,
        text=True,
        env={**_clean_environment(), "GITHUB_ACTIONS": "true", "ROOTLY_API_TOKEN": "tok-wheel"},
    )
    assert done.returncode == 0, done.stderr
    assert "POST https://api.rootly.com/v1/incidents" in done.stdout
    assert '"title": "Smoke tests failed"' in done.stdout
    assert "nothing was sent to Rootly" in done.stdout
    assert "tok-wheel" not in done.stdout + done.stderr
    assert "::" not in done.stdout  # no workflow command without the protocol's extra


def test_without_a_token_the_installed_command_names_the_variable(installed: Path) -> None:
    done = subprocess.run(
        [str(installed / "rootly-incident-action"), "--title", "x"],
        check=False,
        capture_output=True,
        text=True,
        env=_clean_environment(),
    )
    assert done.returncode == 1
    assert "set ROOTLY_API_TOKEN" in done.stderr
    assert "Traceback" not in done.stderr
