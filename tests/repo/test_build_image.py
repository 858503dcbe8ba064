"""scripts/build-image picks the engine that is here and never installs as a non-root user.

Each test runs the real script with stub commands first on PATH that record how they
were called, so nothing is built or installed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from action_harness import ROOT

BUILD_IMAGE = ROOT / "scripts" / "build-image"


def stub(folder: Path, name: str, script: str = "exit 1") -> None:
    path = folder / name
    path.write_text(f'#!/bin/sh\necho "{name} $*" >> "$STUB_LOG"\n{script}\n')
    path.chmod(0o755)


def run_build(folder: Path, *, path: str) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    log = folder / "calls.log"
    log.touch()
    done = subprocess.run(
        [str(BUILD_IMAGE)],
        env={"PATH": path, "STUB_LOG": str(log), "HOME": str(folder)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return done, log.read_text().splitlines()


def test_docker_is_used_where_its_engine_answers_and_nothing_is_installed(tmp_path: Path) -> None:
    stubs = tmp_path / "bin"
    stubs.mkdir()
    stub(stubs, "docker", "exit 0")
    stub(stubs, "id", "echo 1001")  # a hosted runner's user, not root
    for name in ("apt-get", "sudo", "podman", "runc", "debootstrap"):
        stub(stubs, name)

    done, calls = run_build(tmp_path, path=f"{stubs}:{os.environ['PATH']}")

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "rootly-incident-action:dev"
    assert calls == ["docker info", "docker build --quiet -t rootly-incident-action:dev ."]


def test_without_an_engine_a_non_root_user_is_told_what_to_install(tmp_path: Path) -> None:
    stubs = tmp_path / "bin"
    stubs.mkdir()
    stub(stubs, "docker")  # the client is here, but no engine answers
    stub(stubs, "id", "echo 1001")
    stub(stubs, "apt-get")
    stub(stubs, "sudo")
    for tool in ("bash", "env", "dirname"):  # nothing else: podman is not on this PATH
        found = shutil.which(tool)
        assert found is not None
        (stubs / tool).symlink_to(found)

    done, calls = run_build(tmp_path, path=str(stubs))

    assert done.returncode == 1
    assert calls == ["docker info", "id -u"]  # no apt-get, no sudo
    assert "Install one of them" in done.stderr
    assert "Docker" in done.stderr
    assert "podman, runc and debootstrap" in done.stderr
