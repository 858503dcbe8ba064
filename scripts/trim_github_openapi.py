"""Writes the part of GitHub's REST description (npm `@octokit/openapi`) that the
action and its GitHub stand-in use: the operations below, dereferenced (so each is
self-contained) and without prose. Run after a new release of the package:

    npm pack @octokit/openapi && tar xzf octokit-openapi-*.tgz
    python scripts/trim_github_openapi.py package/generated/api.github.com.deref.json \\
        --package-version "$(jq -r .version package/package.json)"
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from trim_openapi import strip_prose

OPERATIONS: dict[str, tuple[str, ...]] = {
    "/repos/{owner}/{repo}/actions/runs/{run_id}/attempts/{attempt_number}/jobs": ("get",),
}

TARGET = Path(__file__).resolve().parent.parent / "tests/github_standin/github-openapi.json"


def null_in_nullable_enums(node: Any) -> Any:
    """Lists `None` in every enum of a nullable schema. OpenAPI 3.0 leaves open whether
    `nullable` admits null past an `enum`; GitHub's answers say it does (an unfinished
    job's `conclusion` is null), and a validator must accept what GitHub sends."""
    if isinstance(node, list):
        return [null_in_nullable_enums(item) for item in node]
    if not isinstance(node, dict):
        return node
    kept = {key: null_in_nullable_enums(value) for key, value in node.items()}
    enum = kept.get("enum")
    if kept.get("nullable") is True and isinstance(enum, list) and None not in enum:
        kept["enum"] = [*enum, None]
    return kept


def trim(spec: dict[str, Any], package_version: str) -> dict[str, Any]:
    paths = {
        path: {method: spec["paths"][path][method] for method in methods}
        for path, methods in OPERATIONS.items()
    }
    trimmed = {
        "openapi": spec["openapi"],
        "info": {
            "title": "GitHub REST API (trimmed, dereferenced)",
            "version": spec["info"]["version"],
            "x-source": f"npm @octokit/openapi {package_version}, api.github.com.deref.json",
        },
        "paths": paths,
    }
    result: dict[str, Any] = null_in_nullable_enums(strip_prose(trimmed))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("spec", type=Path, help="api.github.com.deref.json")
    parser.add_argument("--package-version", required=True)
    parser.add_argument("--output", type=Path, default=TARGET)
    args = parser.parse_args()
    spec = json.loads(args.spec.read_text(encoding="utf-8"))
    args.output.write_text(
        json.dumps(trim(spec, args.package_version), indent=1, sort_keys=True) + "\n"
    )
    print(f"wrote {args.output} ({args.output.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
