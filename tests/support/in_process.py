"""Resolution in-process: the stand-in's catalog answered through httpx.MockTransport,
so the unit tests resolve real names against the same catalog the end-to-end tests use,
without a server or a subprocess."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

import httpx

from rootly_incident_action.flows.session import resolve_names
from rootly_incident_action.github.context import RunContext
from rootly_incident_action.inputs import parse_inputs
from rootly_incident_action.plan.draft import Plan, build_plan
from rootly_incident_action.rootly.client import RootlyClient
from rootly_standin import default_catalog
from rootly_standin.behaviour import Behaviour
from rootly_standin.lists import filtered, paged
from rootly_standin.server import LIST_PATHS


def catalog_transport(
    behaviour: Behaviour | None = None, seen: list[str] | None = None
) -> httpx.MockTransport:
    catalog = default_catalog()
    behaviour = behaviour or Behaviour()

    def answer(request: httpx.Request) -> httpx.Response:
        query = dict(parse_qsl(request.url.query.decode(), keep_blank_values=True))
        if seen is not None:
            seen.append(f"{request.url.path}?{request.url.query.decode()}")
        kind = LIST_PATHS[request.url.path]
        entries = filtered(catalog.entries[kind], query, behaviour)
        document: dict[str, Any] = paged(request.url.path, query, [e.resource() for e in entries])
        if kind == "form_fields":
            included: list[dict[str, Any]] = []
            for resource in document["data"]:
                options = catalog.options_of(resource["id"])
                resource["relationships"] = {
                    "options": {
                        "data": [{"id": o.id, "type": "form_field_options"} for o in options]
                    }
                }
                included.extend(option.resource() for option in options)
            document["included"] = included
        return httpx.Response(200, json=document)

    return httpx.MockTransport(answer)


def resolved(
    inputs: dict[str, str], behaviour: Behaviour | None = None, seen: list[str] | None = None
) -> Plan:
    """The plan the inputs make, resolved against the stand-in's catalog (or raising)."""
    parsed = parse_inputs({"api-token": "t", "deduplicate": "false", **inputs})
    plan = build_plan(parsed, RunContext(repository="acme/shop", run_id="1"))
    client = RootlyClient(
        "https://api.rootly.test", "t", user_agent="x", transport=catalog_transport(behaviour, seen)
    )
    with client:
        return resolve_names(client, plan)  # the loop the action ships
