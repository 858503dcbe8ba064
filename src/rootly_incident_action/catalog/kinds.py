"""Every kind of thing in a Rootly catalog the action can name, one row each. Pure.

Everything else about kinds (which input fills which create attribute, which path lists
them, what a form field of that kind selects, how messages name them) is derived from
this table, so adding a kind is one new row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..rootly.requests import SelectedIds

__all__ = [
    "KINDS",
    "KINDS_BY_INPUT",
    "KINDS_BY_VALUE_KIND",
    "LIST_INPUTS",
    "CatalogKind",
]


@dataclass(frozen=True)
class CatalogKind:
    """One kind of catalog entry and everything the action needs to know about it."""

    key: str  # how the action and `--list-catalog` call it
    path: str  # the API path that lists it
    singular: str  # for messages: "matches no service"
    plural: str
    input_name: str | None = None  # the action input that names it, if any
    create_attribute: str | None = None  # the `new_incident` attribute it fills
    value_kind: str | None = None  # a form field's `value_kind` that takes it
    selection_attribute: SelectedIds | None = None  # where such a form field's IDs go
    name_field: str = "name"  # the attribute people know an entry by
    include: str | None = None  # what a listing must `include=` to be useful
    slugs: bool = True  # whether entries have slugs (`filter[slug]`)

    @property
    def single(self) -> bool:
        """Whether its input takes one entry (severity) rather than a list."""
        return self.create_attribute is not None and not self.create_attribute.endswith("_ids")


KINDS: dict[str, CatalogKind] = {
    kind.key: kind
    for kind in (
        CatalogKind(
            "severities",
            "/v1/severities",
            "severity",
            "severities",
            input_name="severity",
            create_attribute="severity_id",
        ),
        CatalogKind(
            "incident_types",
            "/v1/incident_types",
            "incident type",
            "incident types",
            input_name="incident-types",
            create_attribute="incident_type_ids",
            value_kind="incident_type",
            selection_attribute="selected_incident_type_ids",
        ),
        CatalogKind(
            "services",
            "/v1/services",
            "service",
            "services",
            input_name="services",
            create_attribute="service_ids",
            value_kind="service",
            selection_attribute="selected_service_ids",
        ),
        CatalogKind(
            "functionalities",
            "/v1/functionalities",
            "functionality",
            "functionalities",
            input_name="functionalities",
            create_attribute="functionality_ids",
            value_kind="functionality",
            selection_attribute="selected_functionality_ids",
        ),
        CatalogKind(
            "environments",
            "/v1/environments",
            "environment",
            "environments",
            input_name="environments",
            create_attribute="environment_ids",
            value_kind="environment",
            selection_attribute="selected_environment_ids",
        ),
        CatalogKind(
            "teams",
            "/v1/teams",
            "team",
            "teams",
            input_name="teams",
            create_attribute="group_ids",  # Rootly's API calls teams "groups"
            value_kind="group",
            selection_attribute="selected_group_ids",
        ),
        CatalogKind(
            "causes",
            "/v1/causes",
            "cause",
            "causes",
            input_name="causes",
            create_attribute="cause_ids",
            value_kind="cause",
            selection_attribute="selected_cause_ids",
        ),
        CatalogKind(
            "form_fields", "/v1/form_fields", "form field", "form fields", include="options"
        ),
        CatalogKind("users", "/v1/users", "user", "users", name_field="full_name", slugs=False),
        # For alerts: how urgent (`urgency`), and whom to page (`notify`).
        CatalogKind(
            "alert_urgencies",
            "/v1/alert_urgencies",
            "alert urgency",
            "alert urgencies",
            slugs=False,
        ),
        CatalogKind("alert_fields", "/v1/alert_fields", "alert field", "alert fields", slugs=False),
        CatalogKind(
            "escalation_policies",
            "/v1/escalation_policies",
            "escalation policy",
            "escalation policies",
            slugs=False,
        ),
    )
}

KINDS_BY_INPUT: dict[str, CatalogKind] = {
    kind.input_name: kind for kind in KINDS.values() if kind.input_name
}
KINDS_BY_VALUE_KIND: dict[str, CatalogKind] = {
    kind.value_kind: kind for kind in KINDS.values() if kind.value_kind
}
# What an alert may page (`notify: <target>: <name>`): the target -> its catalog kind and
# the type Rootly's `notification_targets` call it.
NOTIFY_TARGETS: dict[str, tuple[str, str]] = {
    "escalation-policy": ("escalation_policies", "EscalationPolicy"),
    "team": ("teams", "Group"),
    "service": ("services", "Service"),
    "user": ("users", "User"),
}
# References an alert resolves that are no incident input: the urgency, and one key per
# kind of notification target ("notify (team)").
EXTRA_REFERENCES: dict[str, str] = {
    "urgency": "alert_urgencies",
    **{f"notify ({target})": kind for target, (kind, _) in NOTIFY_TARGETS.items()},
}


# An alert's custom field, one reference each: "alert-fields (Runbook)".
ALERT_FIELD_REFERENCE = "alert-fields ({})"


def kind_for_reference(name: str) -> CatalogKind:
    """The catalog kind a reference of a draft names: an input's, or an alert's extra."""
    found = KINDS_BY_INPUT.get(name)
    if found is not None:
        return found
    if name.startswith("alert-fields ("):
        return KINDS["alert_fields"]
    return KINDS[EXTRA_REFERENCES[name]]


# The inputs that take a list of references, in the order docs/inputs-outputs.md lists them.
LIST_INPUTS: tuple[str, ...] = tuple(
    name for name, kind in KINDS_BY_INPUT.items() if not kind.single
)
