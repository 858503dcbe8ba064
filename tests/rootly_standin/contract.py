"""Rootly's contract, from the trimmed OpenAPI copy: which bodies and query strings are valid."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from openapi_schema_validator import OAS30Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

SPEC_PATH = Path(__file__).with_name("rootly-openapi.json")
_SPEC_URI = "urn:rootly-openapi"


@cache
def spec() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
    return loaded


@cache
def _registry() -> Registry[Any]:
    registry: Registry[Any] = Registry().with_resource(
        _SPEC_URI, Resource.from_contents(spec(), default_specification=DRAFT4)
    )
    return registry


def _validator(schema: dict[str, Any]) -> Any:
    return OAS30Validator(_absolute_refs(schema), registry=_registry())


def _absolute_refs(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            key: (f"{_SPEC_URI}{value}" if key == "$ref" else _absolute_refs(value))
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_absolute_refs(item) for item in node]
    return node


def operation(method: str, template: str) -> dict[str, Any]:
    found: dict[str, Any] = spec()["paths"][template][method.lower()]
    return found


def schema_errors(schema: dict[str, Any], document: Any) -> list[str]:
    return [
        f"{'/'.join(str(part) for part in error.absolute_path) or '(root)'}: {error.message}"
        for error in _validator(schema).iter_errors(document)
    ]


def request_errors(method: str, template: str, body: Any) -> list[str]:
    """Why `body` is not a valid request body for the operation (empty when it is)."""
    content = operation(method, template)["requestBody"]["content"]
    return schema_errors(content["application/vnd.api+json"]["schema"], body)


def response_errors(method: str, template: str, status: int, body: Any) -> list[str]:
    """Why `body` is not what the spec says this operation answers with `status`."""
    responses = operation(method, template)["responses"]
    described = responses.get(str(status))
    if described is None:
        return [] if status >= 400 else [f"the spec lists no {status} answer"]
    content = described.get("content", {}).get("application/vnd.api+json")
    return schema_errors(content["schema"], body) if content else []


def schema(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def query_errors(method: str, template: str, query: dict[str, str]) -> list[str]:
    """Query parameters the operation does not document."""
    known = {
        parameter["name"]
        for parameter in operation(method, template).get("parameters", [])
        if parameter.get("in") == "query"
    }
    return [f"query parameter {name!r} is not in the spec" for name in query if name not in known]


def match_template(path: str) -> tuple[str, dict[str, str]] | None:
    """The spec path template `path` belongs to, with its path parameters."""
    for template in spec()["paths"]:
        pattern = "^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template) + "$"
        found = re.match(pattern, path)
        if found:
            return template, found.groupdict()
    return None


# The only requests the action may send off-spec, and why; each has a spec-valid fallback
# that the end-to-end tests exercise under the setting where Rootly refuses it. Keyed by
# (method, path template, the attribute that makes the request off-spec).
ALLOWED_EXCEPTIONS: dict[tuple[str, str, str], str] = {
    ("POST", "/v1/incidents", "form_field_selections_attributes"): (
        "Rootly's guide creates incidents with custom form field values this way (so "
        "Rootly's workflows see them at creation); the spec's new_incident has no such "
        "attribute. Fallback: the next name, then a create without them and a POST of "
        "each value to /v1/incidents/{incident_id}/form_field_selections."
    ),
    ("POST", "/v1/incidents", "form_field_selections"): (
        "Rootly's own CLI (rootlyhq/rootly-cli, CreateIncident) sends the values under "
        "this name; the spec has neither. Same fallback."
    ),
    ("PUT", "/v1/incidents/{id}/duplicate", "duplicate_incident_id"): (
        "Rootly's docs on marking duplicates name the original this way, and the spec's "
        "unreferenced duplicate_incident schema describes the body; the spec gives the "
        "call the resolve body. Fallback: PUT /v1/incidents/{id} with "
        "duplicate_incident_id and status cancelled (both in update_incident)."
    ),
}


def allowed_exception(method: str, template: str, body: dict[str, Any]) -> str | None:
    """The attribute when `body` breaks the spec only by carrying one allowed exception.

    A create's body must validate once the attribute is taken out, and its form field
    values must each validate as the spec's own selection; the duplicate call's body must
    validate as the spec's `duplicate_incident`.
    """
    data = body.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("attributes"), dict):
        return None
    for known_method, known_template, attribute in ALLOWED_EXCEPTIONS:
        if (known_method, known_template) != (method, template):
            continue
        if template.endswith("/duplicate"):
            valid = not schema_errors(schema("duplicate_incident"), body)
            return attribute if valid and attribute in data["attributes"] else None
        attributes = dict(data["attributes"])
        value = attributes.pop(attribute, None)
        rest = {**body, "data": {**data, "attributes": attributes}}
        if value is not None and not request_errors(method, template, rest) and _selections(value):
            return attribute
    return None


def _selections(value: Any) -> bool:
    if not isinstance(value, list):
        return False
    for selection in value:
        document = {
            "data": {
                "type": "incident_form_field_selections",
                "attributes": {"incident_id": "new", **selection}
                if isinstance(selection, dict)
                else selection,
            }
        }
        if schema_errors(schema("new_incident_form_field_selection"), document):
            return False
    return True
