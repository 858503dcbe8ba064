"""Writes the part of Rootly's OpenAPI description that the action and its tests use.

Keeps only the operations listed below and the schemas they reach, and drops every
description, summary and example text: what remains is field names, types, enums and
required lists. Run after Rootly publishes a new spec:

    python scripts/trim_openapi.py ../shared/rootly/openapi.json
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

OPERATIONS: dict[str, tuple[str, ...]] = {
    "/v1/incidents": ("get", "post"),
    "/v1/incidents/{id}": ("get", "put", "delete"),
    "/v1/incidents/{id}/duplicate": ("put",),
    "/v1/incidents/{id}/mitigate": ("put",),
    "/v1/incidents/{id}/resolve": ("put",),
    "/v1/incidents/{id}/cancel": ("put",),
    "/v1/incidents/{incident_id}/events": ("post",),
    "/v1/incidents/{incident_id}/form_field_selections": ("get", "post"),
    "/v1/incident_form_field_selections/{id}": ("put",),
    "/v1/services": ("get",),
    "/v1/environments": ("get",),
    "/v1/severities": ("get",),
    "/v1/functionalities": ("get",),
    "/v1/teams": ("get",),
    "/v1/incident_types": ("get",),
    "/v1/causes": ("get",),
    "/v1/form_fields": ("get",),
    "/v1/users": ("get",),
    "/v1/pulses": ("post",),
    "/v1/alerts": ("get", "post"),
    "/v1/alerts/{id}": ("get",),
    "/v1/alerts/{id}/resolve": ("post",),
    "/v1/alerts/{id}/acknowledge": ("post",),
    "/v1/alert_urgencies": ("get",),
    "/v1/escalation_policies": ("get",),
    "/v1/alert_fields": ("get",),
}

# Prose that is Rootly's text, not the contract.
PROSE_KEYS = frozenset({"description", "summary", "example", "examples", "externalDocs"})
# Maps whose keys are names chosen by Rootly (field names), never schema keywords.
NAME_MAPS = frozenset({"properties", "schemas", "content", "responses", "paths"})

TARGET = Path(__file__).resolve().parent.parent / "tests/rootly_standin/rootly-openapi.json"


def strip_prose(node: Any, *, names: bool = False) -> Any:
    if isinstance(node, list):
        return [strip_prose(item) for item in node]
    if not isinstance(node, dict):
        return node
    kept: dict[str, Any] = {}
    for key, value in node.items():
        if not names and key in PROSE_KEYS and not isinstance(value, dict | list):
            continue
        if not names and key in ("examples", "externalDocs"):
            continue
        kept[key] = strip_prose(value, names=(not names and key in NAME_MAPS))
    return kept


def referenced_schemas(node: Any, schemas: dict[str, Any], found: set[str]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                name = value.rsplit("/", 1)[-1]
                if name not in found:
                    found.add(name)
                    referenced_schemas(schemas[name], schemas, found)
            else:
                referenced_schemas(value, schemas, found)
    elif isinstance(node, list):
        for item in node:
            referenced_schemas(item, schemas, found)


def trim(spec: dict[str, Any]) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for path, methods in OPERATIONS.items():
        item = spec["paths"][path]
        kept = {method: item[method] for method in methods}
        if "parameters" in item:
            kept["parameters"] = item["parameters"]
        paths[path] = kept
    schemas = spec["components"]["schemas"]
    # `duplicate_incident` is referenced by no operation, but it is the body Rootly's docs
    # give the duplicate call (tests/rootly_standin/contract.py checks against it).
    found: set[str] = {"errors_list", "duplicate_incident"}
    referenced_schemas(paths, schemas, found)
    trimmed = {
        "openapi": spec["openapi"],
        "info": {"title": "Rootly API (trimmed)", "version": spec["info"]["version"]},
        "paths": paths,
        "components": {
            "schemas": {name: schemas[name] for name in sorted(found)},
            "securitySchemes": spec["components"].get("securitySchemes", {}),
        },
    }
    result: dict[str, Any] = strip_prose(trimmed)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("spec", type=Path, help="Rootly's openapi.json")
    parser.add_argument("--output", type=Path, default=TARGET)
    args = parser.parse_args()
    spec = json.loads(args.spec.read_text(encoding="utf-8"))
    args.output.write_text(json.dumps(trim(spec), indent=1, sort_keys=True) + "\n")
    print(f"wrote {args.output} ({args.output.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
