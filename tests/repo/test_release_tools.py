"""The release's git side: the action.yml it commits, the commit every version tag points
at, the `releases` branch that keeps each release commit reachable, and where the minor
and major tags go; run as the workflow runs it, against local repositories."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from action_harness import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
from release_tools import (
    action_yml_for,
    notes_for,
    release_tags,
    should_move_major,
    should_move_minor,
)
from rootly_incident_action import __version__

DIGEST = "sha256:" + "ab12" * 16


def test_the_released_action_yml_runs_the_image_by_digest_and_changes_nothing_else() -> None:
    original = (ROOT / "action.yml").read_text(encoding="utf-8")
    released = action_yml_for(original, "ghcr.io/acme/rootly-incident-action", DIGEST)
    assert f"  image: docker://ghcr.io/acme/rootly-incident-action@{DIGEST}" in released
    assert "image: Dockerfile" not in released
    changed = [
        (a, b) for a, b in zip(original.split("\n"), released.split("\n"), strict=True) if a != b
    ]
    assert changed == [
        ("  image: Dockerfile", f"  image: docker://ghcr.io/acme/rootly-incident-action@{DIGEST}")
    ]


@pytest.mark.parametrize(
    ("image", "digest", "said"),
    [
        ("ghcr.io/acme/x", "sha256:abc", "is not a digest"),
        ("ghcr.io/acme/x", "latest", "is not a digest"),
        ("ghcr.io/Acme/x", DIGEST, "is not an image name"),
        ("ghcr.io/acme/x:v1", DIGEST, "is not an image name"),
    ],
)
def test_a_tag_or_a_bad_digest_is_refused(image: str, digest: str, said: str) -> None:
    with pytest.raises(ValueError, match=said):
        action_yml_for("runs:\n  using: docker\n  image: Dockerfile\n", image, digest)


def git(repository: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repository, check=True, capture_output=True)


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    git(tmp_path, "init", "-q")
    git(
        tmp_path,
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@t",
        "commit",
        "-q",
        "--allow-empty",
        "-m",
        "x",
    )
    for tag in ("v1.3.4", "v1.4.2", "v0.9.0", "not-a-release", "v2.0.0-rc1"):
        git(tmp_path, "tag", tag)
    return tmp_path


def test_the_major_tag_only_moves_forward(repository: Path) -> None:
    tags = release_tags(repository)
    assert sorted(tags) == ["v0.9.0", "v1.3.4", "v1.4.2"]
    assert should_move_major("v1.3.5", tags) is False  # a backport after v1.4.2
    assert should_move_major("v1.4.3", tags) is True
    assert should_move_major("v1.4.2", tags) is True  # re-running the same release
    assert should_move_major("v2.0.0", tags) is True
    assert should_move_major("v0.9.1", tags) is True


def test_the_minor_tag_only_moves_forward_within_its_minor(repository: Path) -> None:
    tags = release_tags(repository)
    assert should_move_minor("v1.3.5", tags) is True  # v1.3 follows its backport
    assert should_move_minor("v1.4.1", tags) is False  # v1.4.2 is newer
    assert should_move_minor("v1.5.0", tags) is True


IMAGE = "ghcr.io/acme/rootly-incident-action"


class Remote:
    """A bare repository standing for GitHub's, and a clone of it standing for the
    release job's checkout (every branch and tag fetched)."""

    def __init__(self, tmp_path: Path) -> None:
        self.origin = tmp_path / "origin.git"
        self.work = tmp_path / "work"
        git(tmp_path, "init", "-q", "--bare", "-b", "main", str(self.origin))
        git(tmp_path, "clone", "-q", str(self.origin), str(self.work))
        git(self.work, "config", "user.name", "release-bot")
        git(self.work, "config", "user.email", "bot@example.test")
        git(self.work, "checkout", "-q", "-b", "main")
        (self.work / "action.yml").write_text(
            (ROOT / "action.yml").read_text(encoding="utf-8"), encoding="utf-8"
        )
        self.source_commit("the first source")
        git(self.work, "push", "-q", "origin", "main")

    def source_commit(self, what: str) -> str:
        (self.work / "CHANGES").write_text(what + "\n", encoding="utf-8")
        git(self.work, "add", "-A")
        git(self.work, "commit", "-q", "-m", what)
        return self.at(self.work, "HEAD")

    def release(self, version: str, digest: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [
                sys.executable,
                str(ROOT / "scripts" / "release_tools.py"),
                "release",
                version,
                IMAGE,
                digest,
                "--push",
                "origin",
            ],
            cwd=self.work,
            capture_output=True,
            text=True,
            check=False,
        )

    @staticmethod
    def at(repository: Path, ref: str) -> str:
        return subprocess.run(
            ["git", "rev-parse", f"{ref}^{{commit}}"],
            cwd=repository,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()

    def tag(self, name: str) -> str:
        return self.at(self.origin, f"refs/tags/{name}")

    def on_releases_branch(self, commit: str) -> bool:
        return (
            subprocess.run(
                ["git", "merge-base", "--is-ancestor", commit, "refs/heads/releases"],
                cwd=self.origin,
                check=False,
            ).returncode
            == 0
        )

    def action_yml(self, commit: str) -> str:
        return subprocess.run(
            ["git", "show", f"{commit}:action.yml"],
            cwd=self.origin,
            capture_output=True,
            text=True,
            check=True,
        ).stdout


def test_every_version_tag_points_at_a_digest_commit_on_the_releases_branch(
    tmp_path: Path,
) -> None:
    remote = Remote(tmp_path)
    first_source = remote.at(remote.work, "HEAD")
    first_digest, second_digest, backport_digest = ("sha256:" + digit * 64 for digit in "123")

    done = remote.release("1.0.0", first_digest)

    assert done.returncode == 0, done.stderr
    first = remote.tag("v1.0.0")
    assert remote.tag("v1.0") == remote.tag("v1") == first
    assert f"  image: docker://{IMAGE}@{first_digest}\n" in remote.action_yml(first)
    assert remote.on_releases_branch(first)
    assert remote.at(remote.origin, f"{first}^1") == first_source
    assert done.stdout.splitlines() == [
        f"release commit {first}: v1.0.0 created",
        "v1.0 moved to it",
        "v1 moved to it",
        "pushed refs/heads/releases, refs/tags/v1.0.0, +refs/tags/v1.0, +refs/tags/v1 to origin",
    ]

    # The next minor release: every tag of its line moves, v1.0 stays.
    git(remote.work, "checkout", "-q", "main")
    second_source = remote.source_commit("a new feature")
    assert remote.release("1.1.0", second_digest).returncode == 0
    second = remote.tag("v1.1.0")
    # Its parents: the previous release (the branch moves forward) and its source.
    assert remote.at(remote.origin, f"{second}^1") == first
    assert remote.at(remote.origin, f"{second}^2") == second_source
    assert remote.tag("v1.1") == remote.tag("v1") == second
    assert remote.tag("v1.0") == first

    # A backport to 1.0, cut after 1.1.0: v1.0 follows it, v1 does not go back.
    git(remote.work, "checkout", "-q", "-b", "backport", first_source)
    remote.source_commit("a fix for 1.0")
    backported = remote.release("1.0.1", backport_digest)
    assert backported.returncode == 0, backported.stderr
    backport = remote.tag("v1.0.1")
    assert remote.tag("v1.0") == backport
    assert remote.tag("v1") == second
    assert "v1 kept: a newer release of it exists" in backported.stdout
    assert f"@{backport_digest}\n" in remote.action_yml(backport)

    # Every release commit stays reachable from the branch, so no SHA pin is an impostor.
    assert all(remote.on_releases_branch(commit) for commit in (first, second, backport))


def test_a_version_is_released_once(tmp_path: Path) -> None:
    remote = Remote(tmp_path)
    assert remote.release("1.0.0", DIGEST).returncode == 0
    released = remote.tag("v1.0.0")

    again = remote.release("1.0.0", "sha256:" + "9" * 64)

    assert again.returncode == 1
    assert again.stderr == (
        "release_tools: v1.0.0 exists already: a version is released once; bump the version\n"
    )
    assert remote.tag("v1.0.0") == released


def test_one_version_everywhere_and_release_notes_for_it() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'\nversion = "{__version__}"\n' in pyproject
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(r"^## (\S+)", changelog, flags=re.M)[1] == __version__  # type: ignore[index]
    notes = notes_for(changelog, __version__)
    assert notes.startswith("The first release: `@v1`")
    assert "\n- Declare a Rootly incident" in notes
    with pytest.raises(ValueError, match=r"no section '## 9\.9\.9'"):
        notes_for(changelog, "9.9.9")
