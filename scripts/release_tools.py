"""Two decisions of a release, as tested functions (the release workflow calls them).

    python scripts/release_tools.py action-yml IMAGE DIGEST < action.yml > action.yml.new
    python scripts/release_tools.py move-major vX.Y.Z      # prints `move vX` or `keep vX`
    python scripts/release_tools.py notes X.Y.Z            # that version's CHANGELOG section

- The released action.yml runs the published image by digest, never by a tag that can move.
- The major tag (v1) only moves forward: a backport such as v1.3.5 cut after v1.4.2
  leaves v1 where it is.
"""

from __future__ import annotations

import re
import subprocess
import sys
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
    wanted = version_of(new)
    same_major = [version_of(tag) for tag in existing if _VERSION.match(tag)]
    return all(other <= wanted for other in same_major if other[0] == wanted[0])


def release_tags(repository: Path) -> list[str]:
    """The `vX.Y.Z` tags of a git repository."""
    listed = subprocess.run(
        ["git", "tag", "--list", "v*"],  # noqa: S607 - git from PATH, as every script here
        cwd=repository,
        capture_output=True,
        text=True,
        check=True,
    )
    return [tag for tag in listed.stdout.split() if _VERSION.match(tag)]


def notes_for(changelog: str, version: str) -> str:
    """The CHANGELOG.md section of one version, without its heading."""
    sections = re.split(r"^## ", changelog, flags=re.M)
    for section in sections[1:]:
        heading, _, body = section.partition("\n")
        if heading.strip() == version:
            return body.strip() + "\n"
    raise ValueError(f"CHANGELOG.md has no section '## {version}'")


def main(argv: list[str]) -> int:
    if argv[:1] == ["action-yml"] and len(argv) == 3:
        sys.stdout.write(action_yml_for(sys.stdin.read(), argv[1], argv[2]))
        return 0
    if argv[:1] == ["move-major"] and len(argv) == 2:
        major = f"v{version_of(argv[1])[0]}"
        verdict = "move" if should_move_major(argv[1], release_tags(ROOT)) else "keep"
        print(f"{verdict} {major}")
        return 0
    if argv[:1] == ["notes"] and len(argv) == 2:
        sys.stdout.write(notes_for((ROOT / "CHANGELOG.md").read_text(encoding="utf-8"), argv[1]))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
