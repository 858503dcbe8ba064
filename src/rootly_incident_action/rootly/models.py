"""The parts of Rootly's JSON:API answers that are read. Lenient: unknown fields are
ignored, and fields that are missing or null, or shaped oddly, read as absent."""

from __future__ import annotations

import json
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

__all__ = [
    "ErrorDocument",
    "Incident",
    "IncidentAttributes",
    "ListPage",
    "PageLinks",
    "PageMeta",
    "Resource",
    "label_mapping",
    "label_text",
    "read_incidents",
]


def label_text(value: Any) -> str:
    """A label value as text, written as JSON writes it (`true`, not `True`)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def label_mapping(labels: Any) -> dict[str, str]:
    """An incident's labels, read from either shape Rootly answers with.

    The spec documents an object (`{"platform": "osx"}`), and list answers and webhooks
    carry one; Rootly's own CLI reads single incidents as an array of
    `{"key": ..., "value": ...}` first. Entries of neither form are skipped.
    """
    if isinstance(labels, dict):
        return {str(key): label_text(value) for key, value in labels.items()}
    if not isinstance(labels, list):
        return {}
    found: dict[str, str] = {}
    for entry in labels:
        if isinstance(entry, dict) and isinstance(entry.get("key"), str | int):
            found[str(entry["key"])] = label_text(entry.get("value"))
    return found


class _Lenient(BaseModel):
    # Rootly adds attributes often; an answer with more than we know is still a good answer.
    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)


class IncidentAttributes(_Lenient):
    """What the action reads of an incident."""

    title: str | None = None
    sequential_id: int | None = None
    slug: str | None = None
    kind: str | None = None
    status: str | None = None
    url: str | None = None
    short_url: str | None = None
    summary: str | None = None
    private: bool | None = None
    parent_incident_id: str | None = None
    labels: Any = None
    severity: Any = None
    slack_channel_name: str | None = None
    slack_channel_url: str | None = None
    created_at: str | None = None

    @property
    def label_values(self) -> dict[str, str]:
        """Labels as a mapping of text, whichever shape Rootly answered with."""
        return label_mapping(self.labels)

    @property
    def severity_name(self) -> str:
        """The severity's name (or ID) from `{data: {id, attributes: {name}}}`, or ''."""
        data = self.severity.get("data") if isinstance(self.severity, dict) else None
        if not isinstance(data, dict):
            return ""
        attributes = data.get("attributes")
        name = attributes.get("name") if isinstance(attributes, dict) else None
        return str(name or data.get("id") or "")


class Incident(_Lenient):
    """One incident resource."""

    id: str
    type: str = "incidents"
    attributes: IncidentAttributes = IncidentAttributes()

    @property
    def label(self) -> str:
        """`#42`, the number people know the incident by; the ID when there is none."""
        number = self.attributes.sequential_id
        return f"#{number}" if number is not None else self.id


class ErrorObject(_Lenient):
    """One entry of an error body."""

    title: str = ""
    status: str | None = None
    detail: str | None = None


class ErrorDocument(_Lenient):
    """`{"errors": [{"title": ..., "status": "422", ...}]}`."""

    errors: list[ErrorObject] = []


class Resource(_Lenient):
    """Any JSON:API resource object: a service, a team, a form field option, ..."""

    id: str
    type: str = ""
    attributes: dict[str, Any] = {}
    relationships: dict[str, Any] = {}


class PageMeta(_Lenient):
    """Where a page is in its list."""

    current_page: int | None = None
    total_pages: int | None = None
    total_count: int | None = None
    # For `page[after]`: the spec offers cursors on some lists.
    next_cursor: str | None = None


class PageLinks(_Lenient):
    """Links to other pages of the list (whole URLs)."""

    next: str | None = None


class ListPage(_Lenient):
    """One page of a list: its resources as raw objects, read one by one by the caller."""

    data: list[Any]
    included: list[Any] = []
    meta: PageMeta = PageMeta()
    links: PageLinks = PageLinks()

    def resources(self) -> list[Resource]:
        """The readable resources of the page (odd entries skipped)."""
        return _readable(Resource, self.data)

    def included_resources(self) -> list[Resource]:
        """The readable `included` resources (form field options, ...)."""
        return _readable(Resource, self.included)


_M = TypeVar("_M", bound=BaseModel)


def read_incidents(items: list[Any]) -> tuple[list[Incident], int]:
    """The incidents that can be read, and how many could not (skipped, not fatal)."""
    incidents = _readable(Incident, items)
    return incidents, len(items) - len(incidents)


def _readable(model: type[_M], items: list[Any]) -> list[_M]:
    found = []
    for item in items:
        try:
            found.append(model.model_validate(item))
        except ValidationError:
            continue  # one odd entry must not make the whole answer unreadable
    return found
