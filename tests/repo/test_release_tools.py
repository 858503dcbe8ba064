"""The release's decisions: the action.yml it commits, and where the major tag goes."""

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


def test_the_command_prints_its_verdict(repository: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "release_tools.py"), "move-major", "v0.1.0"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    assert re.fullmatch(r"(move|keep) v0\n", done.stdout)


def test_one_version_everywhere_and_release_notes_for_it() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'\nversion = "{__version__}"\n' in pyproject
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(r"^## (\S+)", changelog, flags=re.M)[1] == __version__  # type: ignore[index]
    notes = notes_for(changelog, __version__)
    assert notes.startswith("- Declare a Rootly incident")
    with pytest.raises(ValueError, match=r"no section '## 9\.9\.9'"):
        notes_for(changelog, "9.9.9")
