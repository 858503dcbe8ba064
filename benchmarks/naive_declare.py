"""A baseline, NOT the action: how a simple script declares an incident by name.

One exact `filter[name]` request per name, one after another, then the create: what
simple tools do (no slugs, no case rules, no dedup). It imports httpx only, so its
start-up is the least a Python client can pay.

    python benchmarks/naive_declare.py   (with INPUT_* set, as the runner sets them)
"""

from __future__ import annotations

import os
import sys

import httpx

PATHS = {
    "severity": "/v1/severities",
    "services": "/v1/services",
    "environments": "/v1/environments",
    "teams": "/v1/teams",
    "incident-types": "/v1/incident_types",
    "functionalities": "/v1/functionalities",
}
ATTRIBUTES = {
    "severity": "severity_id",
    "services": "service_ids",
    "environments": "environment_ids",
    "teams": "group_ids",
    "incident-types": "incident_type_ids",
    "functionalities": "functionality_ids",
}


def main() -> int:
    def given(name: str) -> str:
        return os.environ.get(f"INPUT_{name.upper()}", "").strip()

    media = "application/vnd.api+json"
    headers = {"Authorization": f"Bearer {given('api-token')}", "Content-Type": media}
    attributes: dict[str, object] = {"title": given("title") or "Incident"}
    with httpx.Client(base_url=given("api-url"), headers=headers) as client:
        for name, path in PATHS.items():
            ids = []
            for text in filter(None, (part.strip() for part in given(name).split(","))):
                found = client.get(path, params={"filter[name]": text}).json()["data"]
                if not found:
                    print(f"{name}: {text!r} not found", file=sys.stderr)
                    return 1
                ids.append(found[0]["id"])  # the first result, as simple tools take it
            if ids:
                attributes[ATTRIBUTES[name]] = ids[0] if name == "severity" else ids
        body = {"data": {"type": "incidents", "attributes": attributes}}
        return 0 if client.post("/v1/incidents", json=body).status_code == 201 else 1


if __name__ == "__main__":
    sys.exit(main())
