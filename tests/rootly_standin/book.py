"""The stand-in's incidents: what Rootly keeps, and how it answers about them."""

from __future__ import annotations

import itertools
import re
import threading
import uuid
from datetime import UTC, datetime
from typing import Any

from .behaviour import Answer, Behaviour
from .catalog import Catalog

__all__ = ["IncidentBook", "now"]

WEB_APP = "https://rootly.com/account/incidents"

# Which create attribute points into which catalog kind.
REFERENCE_ATTRIBUTES = {
    "severity_id": "severities",
    "service_ids": "services",
    "environment_ids": "environments",
    "functionality_ids": "functionalities",
    "group_ids": "teams",
    "incident_type_ids": "incident_types",
    "cause_ids": "causes",
}
SELECTION_KINDS = {
    "selected_service_ids": "services",
    "selected_group_ids": "teams",
    "selected_environment_ids": "environments",
    "selected_functionality_ids": "functionalities",
    "selected_incident_type_ids": "incident_types",
    "selected_cause_ids": "causes",
}
LINKED_ATTRIBUTES = {
    "service_ids": "services",
    "environment_ids": "environments",
    "functionality_ids": "functionalities",
    "group_ids": "groups",
    "incident_type_ids": "incident_types",
}
TIMESTAMPS = (
    "in_triage_at",
    "started_at",
    "detected_at",
    "acknowledged_at",
    "mitigated_at",
    "resolved_at",
    "closed_at",
    "cancelled_at",
)
# Lifecycle calls: the status they set, the message attribute, and the time they stamp.
TRANSITIONS = {
    "mitigate": ("mitigated", "mitigation_message", "mitigated_at"),
    "resolve": ("resolved", "resolution_message", "resolved_at"),
    "cancel": ("cancelled", "cancellation_message", "cancelled_at"),
}
# Where Rootly refuses a transition: what is resolved or cancelled stays so.
FINAL = {"resolved", "cancelled", "closed"}


def now() -> str:
    """The current time as Rootly writes it."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "incident"


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


class IncidentBook:
    """Incidents, their timeline events and form field values, kept as Rootly keeps them."""

    def __init__(self, catalog: Catalog, behaviour: Behaviour) -> None:
        self.catalog = catalog
        self.behaviour = behaviour
        self.incidents: list[dict[str, Any]] = []
        self.events: dict[str, list[dict[str, Any]]] = {}
        self.selections: dict[str, list[dict[str, Any]]] = {}
        # Deploy marks (POST /v1/pulses), in the order they came.
        self.pulses: list[dict[str, Any]] = []
        self.alerts: list[dict[str, Any]] = []
        # Whether the account has Rootly On-Call, and how an alert that pages is answered
        # without it (undocumented): refused with a 422, or raised with nobody paged.
        self.on_call: str = "enabled"  # enabled | refused | ignored
        self._alert_numbers = itertools.count(1)
        self.required_form_fields: set[str] = set()
        self.slack_enabled = True
        # How many incident list queries miss a new incident (a lagging search index).
        self.list_lag = 0
        self._unlisted: dict[str, int] = {}
        self._numbers = itertools.count(1)
        self._lock = threading.Lock()

    # -- reading ------------------------------------------------------------------------

    def find(self, key: str, *, by_number: bool = False) -> dict[str, Any]:
        """The incident whose ID or slug is `key` (or, `by_number` where the behaviour
        takes numeric IDs, its number); 404 as Rootly answers it."""
        for incident in self.incidents:
            if key in (incident["id"], incident["attributes"]["slug"]):
                return incident
        if by_number and self.behaviour.numeric_ids == "accepted" and key.isdigit():
            for incident in self.incidents:
                if incident["attributes"]["sequential_id"] == int(key):
                    return incident
        raise Answer(404, "Not found or unauthorized")

    def delete(self, key: str) -> dict[str, Any]:
        """DELETE /v1/incidents/{id}: gone, with its events and form field values."""
        incident = self.find(key)
        with self._lock:
            self.incidents.remove(incident)
            self.events.pop(incident["id"], None)
            self.selections.pop(incident["id"], None)
        return incident

    def form_fields_switch(self, attribute: str) -> str:
        """How form field values under `attribute` inside a create are taken ('' when the
        attribute is not one of the two names Rootly's clients use)."""
        switches = {
            "form_field_selections_attributes": self.behaviour.nested_form_fields,
            "form_field_selections": self.behaviour.form_field_selections,
        }
        return switches.get(attribute, "")

    def shown(self, incident: dict[str, Any], *, in_list: bool = False) -> dict[str, Any]:
        """The incident as an answer carries it, in the shape the behaviour says."""
        attributes = dict(incident["attributes"])
        shape = self.behaviour.labels
        if shape == "array" or (shape == "array_in_single_reads" and not in_list):
            attributes["labels"] = [
                {"key": key, "value": value}
                for key, value in (attributes.get("labels") or {}).items()
            ]
        if self.behaviour.severity == "null":
            attributes["severity"] = None
        elif self.behaviour.severity == "missing":
            attributes.pop("severity", None)
        return {**incident, "attributes": attributes}

    def listed(self, query: dict[str, str]) -> list[dict[str, Any]]:
        """The incidents a GET /v1/incidents query selects, in the order it asks."""
        with self._lock:
            found = [i for i in self.incidents if self._unlisted.get(i["id"], 0) == 0]
            for incident_id, misses in self._unlisted.items():
                self._unlisted[incident_id] = max(0, misses - 1)
        kinds: list[str] | None = None
        if "filter[kind]" in query:
            kinds = [query["filter[kind]"]]
        if "filter[kind][in]" in query:
            kinds = query["filter[kind][in]"].split(",")
        if kinds is None and self.behaviour.default_listing == "top_level":
            kinds = ["normal"]
        if kinds is not None:
            found = [i for i in found if i["attributes"]["kind"] in kinds]
        if "filter[sequential_id]" in query:
            number = query["filter[sequential_id]"]
            found = [i for i in found if str(i["attributes"]["sequential_id"]) == number]
        if "filter[status]" in query:
            found = [i for i in found if i["attributes"]["status"] == query["filter[status]"]]
        if "filter[created_at][gte]" in query:
            since = _instant(query["filter[created_at][gte]"])
            found = [i for i in found if _instant(i["attributes"]["created_at"]) >= since]
        order = query.get("sort", "created_at")
        if order not in ("created_at", "-created_at"):
            raise Answer(400, f"the stand-in does not implement sort={order}")
        found.sort(
            key=lambda i: (i["attributes"]["created_at"], i["attributes"]["sequential_id"]),
            reverse=order.startswith("-"),
        )
        return [self.shown(incident, in_list=True) for incident in found]

    # -- writing ------------------------------------------------------------------------

    def create(self, attributes: dict[str, Any]) -> dict[str, Any]:
        """POST /v1/incidents, after the request was checked against the spec."""
        self._check_references(attributes)
        started, detected = attributes.get("started_at"), attributes.get("detected_at")
        if started and detected and _instant(detected) < _instant(started):
            raise Answer(422, "Detected at can not be before Started time")
        kept = [
            selection
            for name in ("form_field_selections_attributes", "form_field_selections")
            if self.form_fields_switch(name) == "accept"
            for selection in attributes.get(name) or []
        ]
        self.check_selections(kept)
        parent = None
        if attributes.get("parent_incident_id"):
            parent = self.find(attributes["parent_incident_id"])
            if parent["attributes"]["parent_incident_id"]:
                raise Answer(422, "A sub-incident cannot have sub-incidents")
        with self._lock:
            incident = self._new_incident(attributes, parent)
            self.incidents.append(incident)
            self._unlisted[incident["id"]] = self.list_lag
            self.selections[incident["id"]] = list(kept)
        return incident

    def add_alert(self, attributes: dict[str, Any]) -> dict[str, Any]:
        """POST /v1/alerts. Alerts sharing an open alert's `deduplication_key` are that
        alert (as Rootly documents); unknown IDs are a 404; paging follows `on_call`."""
        for attribute, kind in (
            ("service_ids", "services"),
            ("group_ids", "teams"),
            ("environment_ids", "environments"),
            ("functionality_ids", "functionalities"),
        ):
            for entry_id in attributes.get(attribute) or []:
                if self.catalog.by_id(kind, entry_id) is None:
                    raise Answer(404, "Not found or unauthorized")
        urgency = attributes.get("alert_urgency_id")
        if urgency and self.catalog.by_id("alert_urgencies", urgency) is None:
            raise Answer(404, "Not found or unauthorized")
        targets = attributes.get("notification_targets") or []
        kinds = {"EscalationPolicy": "escalation_policies", "Group": "teams", "Service": "services"}
        for target in targets:
            target_kind = kinds.get(target["type"])
            known = (
                any(u.id == target["id"] for u in self.catalog.entries["users"])
                if target["type"] == "User"
                else target_kind is not None
                and self.catalog.by_id(target_kind, target["id"]) is not None
            )
            if not known:
                raise Answer(422, f"Notification target {target['type']} must exist")
        for value in attributes.get("alert_field_values_attributes") or []:
            if self.catalog.by_id("alert_fields", value["alert_field_id"]) is None:
                raise Answer(422, "Alert field must exist")
        if targets and self.on_call == "refused":
            raise Answer(422, "Notification targets are only available with Rootly On-Call")
        key = attributes.get("deduplication_key")
        with self._lock:
            for alert in self.alerts:
                same = key and alert["attributes"].get("deduplication_key") == key
                if same and alert["attributes"]["status"] != "resolved":
                    return alert
            number = next(self._alert_numbers)
            stamp = now()
            paged = bool(targets) and self.on_call == "enabled"
            alert = {
                "id": str(uuid.uuid4()),
                "type": "alerts",
                "attributes": {
                    "short_id": f"ALRT-{number}",
                    "source": "api",
                    "status": "triggered" if paged else "open",
                    "summary": attributes["summary"],
                    "description": attributes.get("description"),
                    "services": [],
                    "groups": [],
                    "functionalities": [],
                    "environments": [],
                    "service_ids": attributes.get("service_ids") or [],
                    "group_ids": attributes.get("group_ids") or [],
                    "environment_ids": attributes.get("environment_ids") or [],
                    "functionality_ids": attributes.get("functionality_ids") or [],
                    "alert_urgency_id": urgency,
                    "labels": attributes.get("labels") or [],
                    "external_id": attributes.get("external_id"),
                    "external_url": attributes.get("external_url"),
                    "deduplication_key": key,
                    "url": f"https://rootly.com/account/alerts/ALRT-{number}",
                    "started_at": attributes.get("started_at") or stamp,
                    "ended_at": None,
                    "created_at": stamp,
                    "updated_at": stamp,
                },
            }
            if paged:  # absent, not null, when nobody was paged (the enum has no null)
                alert["attributes"]["notification_target_type"] = targets[0]["type"]
                alert["attributes"]["notification_target_id"] = targets[0]["id"]
            self.alerts.append(alert)
        return alert

    def alerts_since(self, query: dict[str, str]) -> list[dict[str, Any]]:
        """GET /v1/alerts, narrowed by `filter[created_at][gte]` (newest first)."""
        since = query.get("filter[created_at][gte]")
        found = [
            a
            for a in self.alerts
            if not since or _instant(a["attributes"]["created_at"]) >= _instant(since)
        ]
        return list(reversed(found))

    def find_alert(self, key: str) -> dict[str, Any]:
        found = next((a for a in self.alerts if a["id"] == key), None)
        if found is None:
            raise Answer(404, "Not found or unauthorized")
        return found

    def move_alert(self, key: str, status: str, attributes: dict[str, Any]) -> dict[str, Any]:
        """POST .../resolve or .../acknowledge."""
        alert = self.find_alert(key)
        with self._lock:
            alert["attributes"]["status"] = status
            alert["attributes"]["updated_at"] = now()
            if status == "resolved":
                alert["attributes"]["ended_at"] = now()
                alert["attributes"]["resolution_message"] = attributes.get("resolution_message")
        return alert

    def add_pulse(self, attributes: dict[str, Any]) -> dict[str, Any]:
        """POST /v1/pulses: 404 for a service or environment no catalog entry has."""
        for attribute, kind in (("service_ids", "services"), ("environment_ids", "environments")):
            for entry_id in attributes.get(attribute) or []:
                if self.catalog.by_id(kind, entry_id) is None:
                    raise Answer(404, "Not found or unauthorized")
        stamp = now()
        pulse = {
            "id": str(uuid.uuid4()),
            "type": "pulses",
            "attributes": {
                "source": attributes.get("source"),
                "summary": attributes["summary"],
                "services": [],
                "environments": [],
                "labels": attributes.get("labels") or [],
                "refs": attributes.get("refs") or [],
                "external_url": attributes.get("external_url"),
                "started_at": attributes.get("started_at") or stamp,
                "ended_at": attributes.get("ended_at"),
                "created_at": stamp,
                "updated_at": stamp,
            },
        }
        with self._lock:
            self.pulses.append(pulse)
        return pulse

    def check_selections(self, selections: list[dict[str, Any]], *, creating: bool = True) -> None:
        """Refuse selections Rootly would refuse: unknown fields, options, users, entries,
        and (on create) a required field left out."""
        chosen = {selection["form_field_id"] for selection in selections}
        for form_field_id in (self.required_form_fields - chosen) if creating else ():
            entry = self.catalog.by_id("form_fields", form_field_id)
            raise Answer(422, f"{entry.name if entry else form_field_id} is required")
        known_users = {user.id for user in self.catalog.entries["users"]}
        for selection in selections:
            field = self.catalog.by_id("form_fields", selection["form_field_id"])
            if field is None:
                raise Answer(422, "Form field must exist")
            option_ids = {option.id for option in self.catalog.options_of(field.id)}
            if not set(selection.get("selected_option_ids") or []) <= option_ids:
                raise Answer(422, "Selected option must exist")
            if not {str(i) for i in selection.get("selected_user_ids") or []} <= known_users:
                raise Answer(422, "Selected user must exist")
            for attribute, kind in SELECTION_KINDS.items():
                for entry_id in selection.get(attribute) or []:
                    if self.catalog.by_id(kind, entry_id) is None:
                        raise Answer(422, f"{attribute} must exist")

    def add_selection(self, key: str, attributes: dict[str, Any]) -> dict[str, Any]:
        """POST .../form_field_selections: one value on an existing incident."""
        incident = self.find(key)
        selection = {k: v for k, v in attributes.items() if k != "incident_id"}
        self.check_selections([selection], creating=False)
        with self._lock:
            stored = self.selections.setdefault(incident["id"], [])
            stored[:] = [s for s in stored if s["form_field_id"] != selection["form_field_id"]]
            stored.append(selection)
        return self.selection_resource(incident["id"], selection)

    def update_selection(self, selection_id: str, attributes: dict[str, Any]) -> dict[str, Any]:
        """PUT /v1/incident_form_field_selections/{id}: new values for one field's value;
        the selection keeps its field (the body cannot name another)."""
        found = [
            (incident_id, index, selection)
            for incident_id, stored in self.selections.items()
            for index, selection in enumerate(stored)
            if self.selection_resource(incident_id, selection)["id"] == selection_id
        ]
        if not found:
            raise Answer(404, "Not found or unauthorized")
        incident_id, index, selection = found[0]
        changed = {"form_field_id": selection["form_field_id"], **attributes}
        self.check_selections([changed], creating=False)
        with self._lock:
            self.selections[incident_id][index] = changed
        return self.selection_resource(incident_id, changed)

    @staticmethod
    def selection_resource(incident_id: str, selection: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": str(
                uuid.uuid5(uuid.NAMESPACE_URL, f"{incident_id}/{selection['form_field_id']}")
            ),
            "type": "incident_form_field_selections",
            "attributes": {"incident_id": incident_id, **selection},
        }

    def mark_duplicate(self, key: str, changes: dict[str, Any]) -> dict[str, Any]:
        """PUT .../duplicate as Rootly's docs describe it: cancelled, pointing at the
        original, with the reason given."""
        incident = self.find(key)
        original = self.find(changes["duplicate_incident_id"])
        with self._lock:
            attributes = incident["attributes"]
            attributes["duplicate_incident_id"] = original["id"]
            attributes["cancellation_message"] = changes.get("reason_for_cancellation")
            attributes["status"] = "cancelled"
            attributes["cancelled_at"] = attributes["updated_at"] = now()
        return incident

    # What the stand-in keeps of an update; the spec allows more (Jira, Google Drive,
    # scheduling), which nothing here sends, so those are refused rather than dropped.
    UPDATABLE = frozenset(
        {
            "duplicate_incident_id",
            "status",
            "title",
            "summary",
            "private",
            "labels",
            "alert_ids",
            "slack_channel_name",
            "cancellation_message",
            *REFERENCE_ATTRIBUTES,
            *TIMESTAMPS,
        }
    )

    def update(self, key: str, changes: dict[str, Any]) -> dict[str, Any]:
        """PUT /v1/incidents/{id}: the given attributes replace the incident's (lists and
        the labels object whole), after the checks a create makes."""
        incident = self.find(key)
        unsupported = set(changes) - self.UPDATABLE
        if unsupported:
            raise Answer(400, f"the stand-in does not implement updating {sorted(unsupported)}")
        self._check_references(changes)
        if changes.get("private") is False and incident["attributes"]["private"]:
            raise Answer(422, "A private incident cannot be made public")
        if "duplicate_incident_id" in changes:
            changes = {
                **changes,
                "duplicate_incident_id": self.find(changes["duplicate_incident_id"])["id"],
            }
        with self._lock:
            attributes = incident["attributes"]
            for name, value in changes.items():
                if name == "severity_id":
                    severity = self._linked("severities", value)
                    if severity is None:
                        attributes.pop("severity", None)
                    else:
                        attributes["severity"] = severity
                elif name == "labels" and self.behaviour.update_labels == "merge":
                    attributes["labels"] = {**(attributes.get("labels") or {}), **(value or {})}
                elif name in LINKED_ATTRIBUTES:
                    kind_name = LINKED_ATTRIBUTES[name]
                    kind_key = "teams" if kind_name == "groups" else kind_name
                    attributes[kind_name] = [self._linked(kind_key, i) for i in value or []]
                else:
                    attributes[name] = value
            attributes["updated_at"] = now()
            if changes.get("status") == "cancelled":
                attributes["cancelled_at"] = attributes["updated_at"]
        return incident

    def _check_references(self, attributes: dict[str, Any]) -> None:
        """404 for an ID no catalog entry has, as Rootly answers it."""
        for attribute, kind in REFERENCE_ATTRIBUTES.items():
            value = attributes.get(attribute)
            for entry_id in [value] if isinstance(value, str) else value or []:
                if self.catalog.by_id(kind, entry_id) is None:
                    raise Answer(404, "Not found or unauthorized")

    def transition(self, key: str, action: str, attributes: dict[str, Any]) -> dict[str, Any]:
        """PUT .../mitigate, .../resolve, .../cancel."""
        incident = self.find(key)
        status, message_attribute, stamp = TRANSITIONS[action]
        current = incident["attributes"]["status"]
        if current in FINAL and current != status and self.behaviour.leaving_final == "refuse":
            raise Answer(422, f"Incident is {current} and cannot be {status}")
        if current == status and self.behaviour.repeated_move == "refuse":
            raise Answer(422, f"Incident is already {current}")
        with self._lock:
            incident["attributes"]["status"] = status
            incident["attributes"][message_attribute] = attributes.get(message_attribute)
            incident["attributes"][stamp] = incident["attributes"]["updated_at"] = now()
        return incident

    def add_event(self, key: str, attributes: dict[str, Any]) -> dict[str, Any]:
        """POST .../events: a timeline event."""
        incident = self.find(key)
        stamp = now()
        event = {
            "id": str(uuid.uuid4()),
            "type": "incident_events",
            "attributes": {
                "event": attributes["event"],
                "visibility": attributes.get("visibility") or "internal",
                "occurred_at": stamp,
                "created_at": stamp,
                "updated_at": stamp,
            },
        }
        with self._lock:
            self.events.setdefault(incident["id"], []).append(event)
        return event

    def _new_incident(self, given: dict[str, Any], parent: dict[str, Any] | None) -> dict[str, Any]:
        number = next(self._numbers)  # never reused, even after a delete
        title = given.get("title") or f"Incident #{number}"
        slug = _slugify(title)
        if self.behaviour.slug == "numbered":
            slug = f"{number}-{slug}"
        taken = {incident["attributes"]["slug"] for incident in self.incidents}
        if slug in taken:  # bare slugs of equal titles must still tell incidents apart
            slug = next(f"{slug}-{n}" for n in itertools.count(2) if f"{slug}-{n}" not in taken)
        kind = given.get("kind") or "normal"
        if parent is not None:
            kind = "test_sub" if parent["attributes"]["kind"].startswith("test") else "normal_sub"
        stamp = now()
        attributes: dict[str, Any] = {
            "sequential_id": number,
            "title": title,
            "kind": kind,
            "slug": slug,
            "parent_incident_id": parent["id"] if parent else None,
            "duplicate_incident_id": None,
            "summary": given.get("summary"),
            "private": bool(given.get("private")),
            "source": "api",
            "status": given.get("status") or "started",
            "url": f"{WEB_APP}/{slug}",
            "short_url": f"https://rootly.link/{uuid.uuid4().hex[:8]}",
            "labels": given.get("labels") or {},
            "notify_emails": given.get("notify_emails") or [],
            "alert_ids": given.get("alert_ids") or [],
            "cause_ids": given.get("cause_ids") or [],
            "created_at": stamp,
            "updated_at": stamp,
        }
        severity = self._linked("severities", given.get("severity_id"))
        if severity is not None:
            # Left out rather than null: the spec's `allOf` + `nullable` does not admit null.
            attributes["severity"] = severity
        for attribute, kind_name in LINKED_ATTRIBUTES.items():
            kind_key = "teams" if kind_name == "groups" else kind_name
            attributes[kind_name] = [
                self._linked(kind_key, entry_id) for entry_id in given.get(attribute) or []
            ]
        for name in TIMESTAMPS:
            attributes[name] = given.get(name)
        attributes["started_at"] = attributes["started_at"] or stamp
        channel = given.get("slack_channel_name") or (
            f"inc-{slug}"[:80] if self.slack_enabled and not given.get("private") else None
        )
        attributes["slack_channel_name"] = channel
        attributes["slack_channel_id"] = f"C{number:08d}" if channel else None
        attributes["slack_channel_url"] = (
            f"https://acme.slack.com/archives/C{number:08d}" if channel else None
        )
        return {"id": str(uuid.uuid4()), "type": "incidents", "attributes": attributes}

    def _linked(self, kind: str, entry_id: str | None) -> dict[str, Any] | None:
        entry = self.catalog.by_id(kind, entry_id) if entry_id else None
        return {"data": entry.resource()} if entry else None
