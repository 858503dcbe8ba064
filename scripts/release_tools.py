"""The git side of a release, as tested functions (the release workflow calls them).

    python scripts/release_tools.py release X.Y.Z IMAGE DIGEST [--push REMOTE]
    python scripts/release_tools.py action-yml IMAGE DIGEST < action.yml > action.yml.new
    python scripts/release_tools.py notes X.Y.Z            # that version's CHANGELOG section

`release` makes the release commit: the checked-out source (HEAD) with an action.yml
that runs the published image by digest, never by a tag that can move. Its parents are
the previous release commit (the tip of the `releases` branch) and the source, so every
release commit stays reachable from that branch: a SHA pin to one is never taken for a
commit from a fork. Every version tag points at it:

- `vX.Y.Z` is created (a version is released once; an existing tag is refused);
- `vX.Y` and `vX` move to it, but only forward: a backport such as v1.3.5 cut after
  v1.4.2 moves v1.3 and leaves v1 on v1.4.2.

With `--push REMOTE` the branch and the tags go in one atomic push: all or none.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")
_IMAGE = re.compile(r"^[a-z0-9.-]+(:[0-9]+)?(/[a-z0-9._-]+)+$")
_VERSION = re.compile(r"^v(\d+)\.(\d+)\.(\d+)$")


def action_yml_for(text: str, image: str, digest: str) -> str:
    """action.yml with `image: Dockerfile` replaced by the published image, by digest."""
    if not _DIGEST.match(digest):
        raise ValueError(f"{digest!r} is not a digest such as sha256:<64 hex digits>")
    if not _IMAGE.match(image) or "@" in image:
        raise ValueError(f"{image!r} is not an image name such as ghcr.io/owner/name")
    lines = text.split("\n")
    found = [i for i, line in enumerate(lines) if line == "  image: Dockerfile"]
    if len(found) != 1:
        raise ValueError("action.yml must have exactly one `  image: Dockerfile` line under runs")
    lines[found[0]] = f"  image: docker://{image}@{digest}"
    return "\n".join(lines)


def version_of(tag: str) -> tuple[int, int, int]:
    """(major, minor, patch) of a `vX.Y.Z` tag."""
    found = _VERSION.match(tag)
    if not found:
        raise ValueError(f"{tag!r} is not a release tag such as v1.4.2")
    return int(found[1]), int(found[2]), int(found[3])


def should_move_major(new: str, existing: list[str]) -> bool:
    """Whether the major tag follows `new`: only when no release of that major is newer."""
    return _should_move(new, existing, depth=1)


def should_move_minor(new: str, existing: list[str]) -> bool:
    """Whether the minor tag (v1.4) follows `new`: only when no v1.4.x is newer."""
    return _should_move(new, existing, depth=2)


def _should_move(new: str, existing: list[str], depth: int) -> bool:
    wanted = version_of(new)
    others = [version_of(tag) for tag in existing if _VERSION.match(tag)]
    return all(other <= wanted for other in others if other[:depth] == wanted[:depth])


@dataclass(frozen=True)
class Release:
    """What `cut_release` made: the commit, each tag's fate, and the refs to push."""

    commit: str
    created: str
    moved: tuple[str, ...]
    kept: tuple[str, ...]
    refspecs: tuple[str, ...]


RELEASES_BRANCH = "releases"


def cut_release(repository: Path, version: str, image: str, digest: str) -> Release:
    """Make the release commit of HEAD and point the branch and the version tags at it."""
    tag = f"v{version}"
    major, minor, _ = version_of(tag)
    existing = release_tags(repository)
    if tag in existing:
        raise ValueError(f"{tag} exists already: a version is released once; bump the version")
    source = _git(repository, "rev-parse", "HEAD^{commit}")
    released = action_yml_for(_git(repository, "show", f"{source}:action.yml"), image, digest)
    tree = _tree_with(repository, source, "action.yml", released)
    previous = _releases_tip(repository)
    parents = [arg for parent in (previous, source) if parent for arg in ("-p", parent)]
    commit = _git(
        repository, "commit-tree", tree, *parents, "-m", f"Release {tag}: run {image}@{digest}"
    )
    _git(repository, "tag", tag, commit)
    _git(repository, "branch", "--force", RELEASES_BRANCH, commit)
    moved, kept = [], []
    for floating, follows in (
        (f"v{major}.{minor}", should_move_minor),
        (f"v{major}", should_move_major),
    ):
        if follows(tag, existing):
            _git(repository, "tag", "--force", floating, commit)
            moved.append(floating)
        else:
            kept.append(floating)
    refspecs = (
        f"refs/heads/{RELEASES_BRANCH}",
        f"refs/tags/{tag}",
        *(f"+refs/tags/{name}" for name in moved),
    )
    return Release(commit, tag, tuple(moved), tuple(kept), refspecs)


def _releases_tip(repository: Path) -> str | None:
    """The last release commit: the remote's `releases` branch, else the local one."""
    for ref in (f"refs/remotes/origin/{RELEASES_BRANCH}", f"refs/heads/{RELEASES_BRANCH}"):
        try:
            return _git(repository, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
        except ValueError:
            continue  # no such branch (yet)
    return None


def _tree_with(repository: Path, commit: str, path: str, text: str) -> str:
    """The tree of `commit` with one file's content replaced, made in a scratch index."""
    blob = _git(repository, "hash-object", "-w", "--stdin", stdin=text)
    with tempfile.TemporaryDirectory() as scratch:
        index = {"GIT_INDEX_FILE": str(Path(scratch) / "index")}
        _git(repository, "read-tree", commit, env=index)
        _git(repository, "update-index", "--cacheinfo", f"100644,{blob},{path}", env=index)
        return _git(repository, "write-tree", env=index)


def _git(
    repository: Path, *args: str, stdin: str | None = None, env: dict[str, str] | None = None
) -> str:
    done = subprocess.run(
        ["git", *args],  # noqa: S607 - git from PATH, as every script here
        cwd=repository,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
    )
    if done.returncode != 0:
        raise ValueError(f"git {' '.join(args)} failed: {done.stderr.strip()}")
    # `git show` keeps the file as it is; every other answer is one line.
    return done.stdout if args[0] == "show" else done.stdout.strip()


def release_tags(repository: Path) -> list[str]:
    """The `vX.Y.Z` tags of a git repository."""
    return [tag for tag in _git(repository, "tag", "--list", "v*").split() if _VERSION.match(tag)]


def notes_for(changelog: str, version: str) -> str:
    """The CHANGELOG.md section of one version, without its heading."""
    sections = re.split(r"^## ", changelog, flags=re.M)
    for section in sections[1:]:
        heading, _, body = section.partition("\n")
        if heading.strip() == version:
            return body.strip() + "\n"
    raise ValueError(f"CHANGELOG.md has no section '## {version}'")


def main(argv: list[str]) -> int:
    if argv[:1] == ["release"] and len(argv) in (4, 6) and argv[4:5] in ([], ["--push"]):
        # The repository is where the command runs: the workflow's checkout, or a test's.
        made = cut_release(Path.cwd(), argv[1], argv[2], argv[3])
        print(f"release commit {made.commit}: {made.created} created")
        for name in made.moved:
            print(f"{name} moved to it")
        for name in made.kept:
            print(f"{name} kept: a newer release of it exists")
        if len(argv) == 6:
            _git(Path.cwd(), "push", "--atomic", argv[5], *made.refspecs)
            print(f"pushed {', '.join(made.refspecs)} to {argv[5]}")
        return 0
    if argv[:1] == ["action-yml"] and len(argv) == 3:
        sys.stdout.write(action_yml_for(sys.stdin.read(), argv[1], argv[2]))
        return 0
    if argv[:1] == ["notes"] and len(argv) == 2:
        sys.stdout.write(notes_for((ROOT / "CHANGELOG.md").read_text(encoding="utf-8"), argv[1]))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except ValueError as refused:
        sys.exit(f"release_tools: {refused}")
