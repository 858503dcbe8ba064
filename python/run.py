"""Runs the action with the runner's own Python: the last step of python/action.yml.

It makes a virtual environment in the runner's temporary folder (once per job: a second
step with the same lock reuses it), installs exactly the pins of the action's own
requirements-image.lock, hash-checked and without resolving anything, and starts the
same entrypoint.py the container starts, with the inputs as the INPUT_<NAME> variables a
container action receives. Only the standard library is used here: this runs before
anything is installed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements-image.lock"
ENTRYPOINT = ROOT / "entrypoint.py"
# python/action.yml hands each input over as ROOTLY_INPUT_<NAME>, hyphens as underscores;
# every input name is lower case with hyphens, so the mapping back is exact.
PASSED_AS = "ROOTLY_INPUT_"


def main() -> int:
    """Set up the environment when needed, run the action in it; the exit code."""
    try:
        python = _environment(Path(os.environ.get("RUNNER_TEMP") or tempfile.gettempdir()))
    except SetupFailed as failure:
        _error(str(failure))
        return 1
    done = subprocess.run(
        [str(python), str(ENTRYPOINT)], env=entrypoint_environment(os.environ), check=False
    )
    return done.returncode


class SetupFailed(Exception):
    """The virtual environment could not be made; the message says what to do."""


def entrypoint_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """The entrypoint's environment: the runner's, the inputs renamed as a container
    action would receive them, and nothing of ours left over."""
    passed = {
        "INPUT_" + name[len(PASSED_AS) :].replace("_", "-"): value
        for name, value in environ.items()
        if name.startswith(PASSED_AS)
    }
    kept = {name: value for name, value in environ.items() if not name.startswith(PASSED_AS)}
    kept.pop("ROOTLY_PYTHON", None)
    # Windows runners write a pipe in the locale's code page; the log carries Unicode.
    return {**kept, **passed, "PYTHONUTF8": "1"}


def _environment(temporary: Path) -> Path:
    """The Python of a ready virtual environment for this lock and this interpreter."""
    lock = LOCK.read_bytes()
    fingerprint = hashlib.sha256(lock + sys.version.encode()).hexdigest()[:16]
    home = temporary / "rootly-incident-action" / fingerprint
    python = home / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    ready = home / ".ready"
    if ready.exists():
        return python
    # A half-made environment (a cancelled step) is made again from nothing.
    shutil.rmtree(home, ignore_errors=True)
    made = subprocess.run(
        [sys.executable, "-m", "venv", str(home)], capture_output=True, text=True, check=False
    )
    if made.returncode != 0:
        raise SetupFailed(
            f"Could not make a virtual environment with {sys.executable} "
            f"({made.stderr.strip() or 'no reason given'}). On Debian and Ubuntu images, "
            "install python3-venv, or let the action set Python up by removing python3 "
            "from PATH."
        )
    installed = subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-input",
            "--require-hashes",
            "--no-deps",
            "--only-binary",
            ":all:",
            "-r",
            str(LOCK),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if installed.returncode != 0:
        last = "\n".join(installed.stderr.strip().splitlines()[-5:])
        raise SetupFailed(
            "Could not install the action's locked dependencies from the package index "
            "(pip's last words below). The runner must reach PyPI, or the index that "
            f"PIP_INDEX_URL names. Nothing was sent to Rootly.\n{last}"
        )
    ready.write_text("ready\n", encoding="utf-8")
    return python


def _error(message: str) -> None:
    """An error annotation, escaped as the runner's protocol wants."""
    escaped = message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    sys.stdout.write(f"::error title=Rootly action set-up failed::{escaped}\n")


if __name__ == "__main__":
    sys.exit(main())
