"""Rootly API requests as plain values: paths, query strings, headers, JSON:API bodies. Pure.

Both the client (which sends them) and a dry run (which prints them) build requests here,
so what is printed is what would be sent. Every path segment taken from outside is
percent-encoded: an ID such as `../../v1/users` stays one segment.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Required, TypedDict
from urllib.parse import parse_qsl, quote, urlsplit

from . import MEDIA_TYPE

__all__ = [
    "IDEMPOTENCY_HEADER",
    "PAGE_SIZE",
    "ApiRequest",
    "FormFieldSelection",
    "SelectedIds",
    "add_event",
    "add_form_field_selection",
    "cancel_as_duplicate",
    "create_alert",
    "create_incident",
    "create_pulse",
    "form_field_selections",
    "get_alert",
    "get_incident",
    "headers",
    "incidents_numbered",
    "list_alerts",
    "list_entries",
    "list_incidents",
    "mark_duplicate",
    "resolve_alert",
    "segment",
    "transition",
    "update_form_field_selection",
    "update_incident",
]

PAGE_SIZE = 100  # the most Rootly serves per page
# Rootly's generated client sends it on creates; its spec copy here does not list it.
IDEMPOTENCY_HEADER = "Idempotency-Key"

Params = dict[str, str | int]


@dataclass(frozen=True)
class ApiRequest:
    """One request, before it is sent: method, path under the base URL, query, body."""

    method: str
    path: str
    params: Params = field(default_factory=dict)
    body: dict[str, Any] | None = None
    # Sent on top of the client's own headers (an `Idempotency-Key`).
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def writes(self) -> bool:
        """Whether sending it may change something in Rootly (then it is never repeated
        blindly once it may have arrived)."""
        return self.method != "GET"

    def with_page(self, number: int) -> ApiRequest:
        """The same list request for page `number`."""
        params = {k: v for k, v in self.params.items() if k != "page[after]"}
        return ApiRequest(self.method, self.path, {**params, "page[number]": number})

    def after(self, cursor: str) -> ApiRequest:
        """The same list request for the page after `cursor` (`meta.next_cursor`)."""
        params = {k: v for k, v in self.params.items() if k != "page[number]"}
        return ApiRequest(self.method, self.path, {**params, "page[after]": cursor})

    def following(self, link: str) -> ApiRequest | None:
        """The request a `links.next` URL stands for, when it is this list's own path:
        only its query is taken, so a link can never send the token elsewhere."""
        parts = urlsplit(link)
        if parts.path and parts.path.rstrip("/") != self.path.rstrip("/"):
            return None
        params: Params = dict(parse_qsl(parts.query, keep_blank_values=True))
        return ApiRequest(self.method, self.path, params) if params else None


def headers(token: str, user_agent: str) -> dict[str, str]:
    """The headers of every request: bearer token and JSON:API's media type."""
    return {
        "Authorization": f"Bearer {token}",
        "Accept": MEDIA_TYPE,
        "Content-Type": MEDIA_TYPE,
        "User-Agent": user_agent,
    }


# Where a form field takes IDs of a catalog kind (`selected_..._ids`).
SelectedIds = Literal[
    "selected_incident_type_ids",
    "selected_service_ids",
    "selected_functionality_ids",
    "selected_environment_ids",
    "selected_group_ids",
    "selected_cause_ids",
    "selected_catalog_entity_ids",
    "selected_option_ids",
]


class FormFieldSelection(TypedDict, total=False):
    """One custom form field value, as the create (`form_field_selections_attributes`)
    and the form field selection calls take it: the field, then one way of giving it."""

    form_field_id: Required[str]
    value: str
    selected_user_ids: list[int]
    selected_incident_type_ids: list[str]
    selected_service_ids: list[str]
    selected_functionality_ids: list[str]
    selected_environment_ids: list[str]
    selected_group_ids: list[str]
    selected_cause_ids: list[str]
    selected_catalog_entity_ids: list[str]
    selected_option_ids: list[str]


def segment(value: str) -> str:
    """One path segment, percent-encoded so it can never become two."""
    return quote(value, safe="")


def _envelope(kind: str, attributes: dict[str, Any]) -> dict[str, Any]:
    return {"data": {"type": kind, "attributes": attributes}}


def create_alert(attributes: dict[str, Any]) -> ApiRequest:
    """POST /v1/alerts with the `new_alert` attributes: Rootly pages its targets."""
    return ApiRequest("POST", "/v1/alerts", body=_envelope("alerts", attributes))


def get_alert(alert_id: str) -> ApiRequest:
    """GET /v1/alerts/{id}."""
    return ApiRequest("GET", f"/v1/alerts/{segment(alert_id)}")


def list_alerts(created_since: str) -> ApiRequest:
    """Alerts created at or after `created_since` (which are open is decided on our side)."""
    params: Params = {
        "filter[created_at][gte]": created_since,
        "page[number]": 1,
        "page[size]": PAGE_SIZE,
    }
    return ApiRequest("GET", "/v1/alerts", params)


def resolve_alert(alert_id: str, message: str) -> ApiRequest:
    """POST /v1/alerts/{id}/resolve with a resolution message (`resolve_alert`)."""
    body = _envelope("alerts", {"resolution_message": message})
    return ApiRequest("POST", f"/v1/alerts/{segment(alert_id)}/resolve", body=body)


def create_pulse(attributes: dict[str, Any]) -> ApiRequest:
    """POST /v1/pulses with the `new_pulse` attributes: a mark on Rootly's timeline."""
    return ApiRequest("POST", "/v1/pulses", body=_envelope("pulses", attributes))


def create_incident(attributes: dict[str, Any], idempotency_key: str = "") -> ApiRequest:
    """POST /v1/incidents with the `new_incident` attributes.

    With an `idempotency_key`, a Rootly that honours it answers a resend of the same
    request with the incident the first one made (200) instead of making another.
    """
    extra = {IDEMPOTENCY_HEADER: idempotency_key} if idempotency_key else {}
    body = _envelope("incidents", attributes)
    return ApiRequest("POST", "/v1/incidents", body=body, headers=extra)


def get_incident(id_or_slug: str) -> ApiRequest:
    """GET /v1/incidents/{id}: Rootly takes the ID or the slug."""
    return ApiRequest("GET", f"/v1/incidents/{segment(id_or_slug)}")


def list_incidents(created_since: str, kinds: tuple[str, ...]) -> ApiRequest:
    """Incidents of the given kinds created at or after `created_since`, newest first."""
    params: Params = {
        "filter[created_at][gte]": created_since,
        "sort": "-created_at",
        "page[number]": 1,
        "page[size]": PAGE_SIZE,
    }
    if kinds:
        # Named, not left to Rootly's default listing, which may leave sub-incidents and
        # test incidents out.
        params["filter[kind][in]"] = ",".join(kinds)
    return ApiRequest("GET", "/v1/incidents", params)


def incidents_numbered(number: int, kinds: tuple[str, ...]) -> ApiRequest:
    """The incidents of the given kinds whose sequential number is `number` (the spec's
    `filter[sequential_id]`; the answer is still checked, as for every filter)."""
    params: Params = {"filter[sequential_id]": number, "page[size]": PAGE_SIZE}
    if kinds:
        params["filter[kind][in]"] = ",".join(kinds)
    return ApiRequest("GET", "/v1/incidents", params)


def update_incident(incident_id: str, attributes: dict[str, Any]) -> ApiRequest:
    """PUT /v1/incidents/{id} with `update_incident` attributes."""
    return ApiRequest(
        "PUT", f"/v1/incidents/{segment(incident_id)}", body=_envelope("incidents", attributes)
    )


def mark_duplicate(incident_id: str, original_id: str, reason: str) -> ApiRequest:
    """PUT /v1/incidents/{id}/duplicate naming the original and why, as Rootly's docs and
    the spec's (unreferenced) `duplicate_incident` schema describe it.

    The spec gives this operation a body that cannot name the original; should Rootly
    refuse it, `cancel_as_duplicate` is the spec-valid way to the same end.
    """
    attributes = {"duplicate_incident_id": original_id, "reason_for_cancellation": reason}
    body = _envelope("incidents", attributes)
    return ApiRequest("PUT", f"/v1/incidents/{segment(incident_id)}/duplicate", body=body)


def cancel_as_duplicate(incident_id: str, original_id: str, reason: str) -> ApiRequest:
    """The update that marks an incident a duplicate and cancels it, saying why (spec-valid)."""
    return update_incident(
        incident_id,
        {
            "duplicate_incident_id": original_id,
            "status": "cancelled",
            "cancellation_message": reason,
        },
    )


def transition(incident_id: str, action: str, message_attribute: str, message: str) -> ApiRequest:
    """PUT /v1/incidents/{id}/{mitigate|resolve|cancel} with its message."""
    body = _envelope("incidents", {message_attribute: message})
    return ApiRequest("PUT", f"/v1/incidents/{segment(incident_id)}/{action}", body=body)


def add_event(incident_id: str, text: str, visibility: str = "internal") -> ApiRequest:
    """A timeline event; internal ones are seen by responders only."""
    body = _envelope("incident_events", {"event": text, "visibility": visibility})
    return ApiRequest("POST", f"/v1/incidents/{segment(incident_id)}/events", body=body)


def form_field_selections(incident_id: str) -> ApiRequest:
    """The custom form field values an incident carries."""
    path = f"/v1/incidents/{segment(incident_id)}/form_field_selections"
    return ApiRequest("GET", path, {"page[number]": 1, "page[size]": PAGE_SIZE})


def add_form_field_selection(incident_id: str, selection: FormFieldSelection) -> ApiRequest:
    """POST one custom form field value to an existing incident."""
    path = f"/v1/incidents/{segment(incident_id)}/form_field_selections"
    attributes = {"incident_id": incident_id, **selection}
    return ApiRequest("POST", path, body=_envelope("incident_form_field_selections", attributes))


def update_form_field_selection(selection_id: str, selection: FormFieldSelection) -> ApiRequest:
    """PUT one value of a form field an incident already has (its selection's own ID);
    the field itself cannot change, so `form_field_id` is not sent."""
    attributes = {k: v for k, v in selection.items() if k != "form_field_id"}
    path = f"/v1/incident_form_field_selections/{segment(selection_id)}"
    return ApiRequest("PUT", path, body=_envelope("incident_form_field_selections", attributes))


def list_entries(
    path: str, filters: Mapping[str, str | int] | None = None, include: str | None = None
) -> ApiRequest:
    """The first page of a catalog list (`/v1/services`, ...), filtered or whole."""
    params: Params = {**(filters or {}), "page[number]": 1, "page[size]": PAGE_SIZE}
    if include:
        params["include"] = include
    return ApiRequest("GET", path, params)
