"""Runs the action's image the way GitHub's runner runs a Docker action.

The engine is whichever `scripts/container-engine` names: Docker where its engine
answers (GitHub's hosted runners), podman otherwise. The runner mounts its temp folders
into the container and rewrites the GITHUB_* paths to match: the workspace at
/github/workspace (also the working directory), file commands under
/github/file_commands, the event under /github/workflow, HOME at /github/home. The
container shares the host's network, so the Rootly stand-in on
127.0.0.1 is reachable as it is.
"""

from __future__ import annotations

import os
import subprocess
from functools import cache
from pathlib import Path

from action_harness import ROOT, ActionHarness

from github_standin import GitHubStandIn
from rootly_standin import RootlyStandIn

CONTAINER_ENGINE = ROOT / "scripts" / "container-engine"
BUILD_IMAGE = ROOT / "scripts" / "build-image"

# host folder (relative to the run's folder) -> where the runner mounts it
MOUNTS = {
    "workspace": "/github/workspace",
    "file_commands": "/github/file_commands",
    "workflow": "/github/workflow",
    "home": "/github/home",
}


@cache
def container_engine() -> str:
    """The engine command (`docker` or the podman wrapper); RuntimeError when none."""
    found = subprocess.run(
        [str(CONTAINER_ENGINE)], capture_output=True, text=True, timeout=60, check=False
    )
    if found.returncode != 0:
        raise RuntimeError(found.stderr.strip() or "no container engine")
    return found.stdout.strip()


def container_engine_problem() -> str | None:
    """Why containers cannot run here, or None when they can."""
    try:
        engine = container_engine()
    except RuntimeError as problem:
        return f"{problem} (scripts/build-image installs podman as root)"
    probe = subprocess.run(
        [engine, "info"], capture_output=True, text=True, timeout=60, check=False
    )
    if probe.returncode != 0:
        return f"{engine} cannot run here: {probe.stderr.strip()[:300]}"
    return None


def build_image() -> str:
    done = subprocess.run(
        [str(BUILD_IMAGE)], capture_output=True, text=True, timeout=900, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"building the image failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout.strip().splitlines()[-1]


class ContainerHarness(ActionHarness):
    def __init__(
        self,
        workdir: Path,
        rootly: RootlyStandIn,
        image: str,
        github: GitHubStandIn | None = None,
    ) -> None:
        super().__init__(workdir, rootly, github)
        self.image = image

    def start(
        self, environ: dict[str, str], workdir: Path, timeout: float
    ) -> subprocess.CompletedProcess[str]:
        command, env = self.command_for(environ, workdir)
        return subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=timeout + 60, check=False
        )

    def command_for(
        self, environ: dict[str, str], workdir: Path, name: str | None = None
    ) -> tuple[list[str], dict[str, str]]:
        """The engine's command line and environment that run the image as the runner does."""
        (workdir / "home").mkdir(exist_ok=True)
        rewritten = {
            name: _container_path(value, workdir)
            for name, value in environ.items()
            if name not in ("PATH", "LANG", "HOME")
        }
        command = [container_engine(), "run", "--rm", "--network", "host"]
        if name:
            command += ["--name", name]
        command += ["--workdir", "/github/workspace", "-e", "HOME=/github/home"]
        for folder, target in MOUNTS.items():
            command += ["-v", f"{workdir / folder}:{target}"]
        for variable in sorted(rewritten):
            # `-e NAME` passes the value from podman's environment, as the runner does:
            # values never appear on a command line.
            command += ["-e", variable]
        command.append(self.image)
        return command, {**os.environ, **rewritten}


def _container_path(value: str, workdir: Path) -> str:
    for folder, target in MOUNTS.items():
        host = str(workdir / folder)
        if value == host or value.startswith(host + "/"):
            return target + value[len(host) :]
    return value
