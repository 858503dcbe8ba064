"""The catalog the stand-in serves, with stable IDs tests can compute without asking.

The default catalog is shaped like a real organisation's, with the traps that break
careless resolvers: more than 100 services (so "Payments" is on page 2), two services
whose names differ only in case, a name with doubled spaces, a name that is a prefix of
another, and custom form fields of every kind with options.
"""

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
    "form_fields": "form_fields",
    "form_field_options": "form_field_options",
    "users": "users",
    "alert_urgencies": "alert_urgencies",
    "escalation_policies": "escalation_policies",
    "alert_fields": "alert_fields",
}


def stable_id(kind: str, slug: str) -> str:
    """The ID of an entry: a UUID derived from its kind and slug (users: a number)."""
    derived = uuid.uuid5(_NAMESPACE, f"{kind}/{slug}")
    return str(1000 + derived.int % 900_000) if kind == "users" else str(derived)


@dataclass
class Entry:
    kind: str
    name: str
    slug: str
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return stable_id(self.kind, self.slug)

    def attributes(self) -> dict[str, Any]:
        stamps = {"created_at": CREATED_AT, "updated_at": CREATED_AT}
        if self.kind == "users":
            return {"email": self.slug, "full_name": self.name, **stamps}
        if self.kind == "alert_urgencies":
            return {"name": self.name, "description": "", "position": 1, **self.extra, **stamps}
        if self.kind == "alert_fields":
            return {"name": self.name, "slug": self.slug, "kind": "custom", **stamps}
        if self.kind == "escalation_policies":
            return {"name": self.name, "repeat_count": 1, "created_by_user_id": 1, **stamps}
        if self.kind == "form_field_options":
            return {"value": self.name, "color": "#888888", "position": 1, **self.extra, **stamps}
        return {"name": self.name, "slug": self.slug, **stamps, **self.extra}

    def resource(self) -> dict[str, Any]:
        return {"id": self.id, "type": KINDS[self.kind], "attributes": self.attributes()}


@dataclass
class Catalog:
    entries: dict[str, list[Entry]] = field(default_factory=lambda: {kind: [] for kind in KINDS})

    def add(self, kind: str, name: str, slug: str | None = None, /, **extra: Any) -> Entry:
        entry = Entry(kind, name, slug or _slugify(name), extra)
        if any(other.slug == entry.slug for other in self.entries[kind]):
            raise ValueError(f"two {kind} with slug {entry.slug!r}")
        self.entries[kind].append(entry)
        return entry

    def add_form_field(
        self,
        name: str,
        input_kind: str,
        value_kind: str = "inherit",
        options: tuple[str, ...] = (),
        kind: str = "custom",
    ) -> Entry:
        entry = self.add(
            "form_fields",
            name,
            kind=kind,
            input_kind=input_kind,
            value_kind=value_kind,
            enabled=True,
            shown=["web_new_incident_form"],
            required=[],
            default_values=[],
        )
        for position, value in enumerate(options, start=1):
            self.add(
                "form_field_options",
                value,
                f"{entry.slug}/{_slugify(value)}",
                form_field_id=entry.id,
                position=position,
            )
        return entry

    def options_of(self, form_field_id: str) -> list[Entry]:
        return [
            option
            for option in self.entries["form_field_options"]
            if option.extra["form_field_id"] == form_field_id
        ]

    def by_id(self, kind: str, entry_id: str) -> Entry | None:
        return next((entry for entry in self.entries[kind] if entry.id == entry_id), None)

    def id_of(self, kind: str, slug: str) -> str:
        entry = next((entry for entry in self.entries[kind] if entry.slug == slug), None)
        if entry is None:
            raise KeyError(f"no {kind} with slug {slug!r} in the stand-in's catalog")
        return entry.id


def _slugify(name: str) -> str:
    return "-".join(name.lower().split())


FILLER_SERVICES = 110  # with page[size]=100, the named services below land on page 2


def default_catalog() -> Catalog:
    """A mid-sized organisation."""
    catalog = Catalog()
    for name, severity in (("SEV0", "critical"), ("SEV1", "high"), ("SEV2", "medium")):
        catalog.add("severities", name, severity=severity, color="#d32f2f")
    catalog.add("severities", "SEV3", severity="low", color="#fbc02d")
    for number in range(1, FILLER_SERVICES + 1):
        catalog.add("services", f"Internal tool {number:03d}")
    catalog.add("services", "Payments")
    catalog.add("services", "Payments Gateway")  # "Payments" is a prefix of it
    catalog.add("services", "Checkout")
    catalog.add("services", "checkout", "checkout-2")  # differs only in case
    catalog.add("services", "Search  API", "search-api")  # two spaces, as typed in Rootly
    catalog.add("services", "Auth")
    for name in ("Production", "Staging"):
        catalog.add("environments", name)
    for name in ("Card payments", "Login"):
        catalog.add("functionalities", name)
    for name in ("Platform", "SRE", "Site Reliability"):
        catalog.add("teams", name)
    for name in ("Deployment", "Security", "Customer Facing"):
        catalog.add("incident_types", name)
    for name in ("Bad deploy", "Capacity"):
        catalog.add("causes", name)
    for position, name in enumerate(("High", "Medium", "Low"), start=1):
        catalog.add("alert_urgencies", name, position=position)
    for name in ("Payments On-Call", "Platform On-Call"):
        catalog.add("escalation_policies", name)
    for name in ("Runbook", "Deploy ID"):
        catalog.add("alert_fields", name)
    catalog.add("users", "Alice Example", "alice@acme.test")
    catalog.add("users", "Bob Example", "bob@acme.test")
    catalog.add_form_field("Region", "select", options=("eu-west", "us-east", "ap-south"))
    catalog.add_form_field(
        "Affected regions", "multi_select", options=("eu-west", "us-east", "ap-south")
    )
    catalog.add_form_field("Customer impact", "textarea")
    catalog.add_form_field("Error budget burn", "number")
    catalog.add_form_field("First bad release date", "date")
    catalog.add_form_field("Release owners", "multi_select", value_kind="user")
    catalog.add_form_field("Affected services", "multi_select", value_kind="service")
    catalog.add_form_field("Owning team", "select", value_kind="group")
    catalog.add_form_field("Impacted environment", "select", value_kind="environment")
    catalog.add_form_field("Feature", "select", value_kind="functionality")
    catalog.add_form_field("Category", "select", value_kind="incident_type")
    catalog.add_form_field("Suspected cause", "select", value_kind="cause")
    catalog.add_form_field("Asset", "select", value_kind="catalog_entity")
    catalog.add_form_field("Severity", "select", kind="severity")
    return catalog
