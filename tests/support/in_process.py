"""Resolution in-process: the stand-in answers through its httpx.MockTransport, so the
unit tests resolve real names against the same catalog, checks and switches the
end-to-end tests meet, without a server thread or a subprocess."""

from __future__ import annotations

from rootly_incident_action.flows.session import resolve_names
from rootly_incident_action.github.context import RunContext
from rootly_incident_action.inputs import parse_inputs
from rootly_incident_action.plan.draft import Plan, build_plan
from rootly_incident_action.rootly.client import RootlyClient
from rootly_standin.behaviour import Behaviour
from rootly_standin.server import RootlyStandIn


def resolved(
    inputs: dict[str, str], behaviour: Behaviour | None = None, seen: list[str] | None = None
) -> Plan:
    """The plan the inputs make, resolved against the stand-in's catalog (or raising);
    `seen` receives the path of each request sent."""
    parsed = parse_inputs({"api-token": "t", "deduplicate": "false", **inputs})
    plan = build_plan(parsed, RunContext(repository="acme/shop", run_id="1"))
    rootly = RootlyStandIn(token="t", behaviour=behaviour)
    client = RootlyClient(
        "https://api.rootly.test", "t", user_agent="x", transport=rootly.transport()
    )
    try:
        with client:
            return resolve_names(client, plan)  # the loop the action ships
    finally:
        rootly.stop()
        if seen is not None:
            seen.extend(request.path for request in rootly.requests)
        assert rootly.violations == [], rootly.violations
