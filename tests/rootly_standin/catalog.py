"""The catalog the stand-in serves: severities, services, teams, ... with stable IDs."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

_NAMESPACE = uuid.UUID("6f1c7c1e-2a50-4d3c-9a0e-5b7f1d2c3e4f")
CREATED_AT = "2026-01-05T10:00:00.000Z"

# kind (the path under /v1) -> JSON:API type
KINDS: dict[str, str] = {
    "severities": "severities",
    "services": "services",
    "environments": "environments",
    "functionalities": "functionalities",
    "teams": "groups",
    "incident_types": "incident_types",
    "causes": "causes",
}


def stable_id(kind: str, slug: str) -> str:
    """A UUID derived from the entry, so tests can name an ID without asking the server."""
    return str(uuid.uuid5(_NAMESPACE, f"{kind}/{slug}"))


@dataclass
class Entry:
    kind: str
    name: str
    slug: str
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return stable_id(self.kind, self.slug)

    def resource(self) -> dict[str, Any]:
        attributes = {
            "name": self.name,
            "slug": self.slug,
            "created_at": CREATED_AT,
            "updated_at": CREATED_AT,
            **self.extra,
        }
        return {"id": self.id, "type": KINDS[self.kind], "attributes": attributes}


@dataclass
class Catalog:
    entries: dict[str, list[Entry]] = field(default_factory=lambda: {kind: [] for kind in KINDS})

    def add(self, kind: str, name: str, slug: str | None = None, **extra: Any) -> Entry:
        entry = Entry(kind, name, slug or _slugify(name), extra)
        self.entries[kind].append(entry)
        return entry

    def by_id(self, kind: str, entry_id: str) -> Entry | None:
        return next((entry for entry in self.entries[kind] if entry.id == entry_id), None)

    def id_of(self, kind: str, slug: str) -> str:
        entry = next((entry for entry in self.entries[kind] if entry.slug == slug), None)
        if entry is None:
            raise KeyError(f"no {kind} with slug {slug!r} in the stand-in's catalog")
        return entry.id


def _slugify(name: str) -> str:
    return "-".join(name.lower().split())


def default_catalog() -> Catalog:
    """A small organisation: enough to declare realistic incidents."""
    catalog = Catalog()
    for name, severity in (("SEV0", "critical"), ("SEV1", "high"), ("SEV2", "medium")):
        catalog.add("severities", name, severity=severity, color="#d32f2f")
    for name in ("Payments", "Checkout", "Search", "Auth"):
        catalog.add("services", name)
    for name in ("Production", "Staging"):
        catalog.add("environments", name)
    for name in ("Card payments", "Login"):
        catalog.add("functionalities", name)
    for name in ("Platform", "SRE"):
        catalog.add("teams", name)
    for name in ("Deployment", "Security"):
        catalog.add("incident_types", name)
    for name in ("Bad deploy", "Capacity"):
        catalog.add("causes", name)
    return catalog
