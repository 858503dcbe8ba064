"""A stand-in for Rootly's API: a real HTTP server on 127.0.0.1 that speaks its JSON:API.

It checks the token, rejects any request whose body or query does not validate against
Rootly's schema (and records the violation so a test fails), keeps the incidents it is
asked to create, and answers with bodies shaped as the spec describes. Faults (errors,
delays, dropped connections) can be queued to test how the action copes.
"""

from __future__ import annotations

import json
import re
import ssl
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from . import contract
from .catalog import Catalog, default_catalog

MEDIA_TYPE = "application/vnd.api+json"
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
# List endpoints the stand-in serves, and the catalog kind behind each.
LIST_PATHS = {
    "/v1/severities": "severities",
    "/v1/services": "services",
    "/v1/environments": "environments",
    "/v1/functionalities": "functionalities",
    "/v1/teams": "teams",
    "/v1/incident_types": "incident_types",
    "/v1/causes": "causes",
    "/v1/form_fields": "form_fields",
    "/v1/users": "users",
}
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
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


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any
    # When it arrived and when its answer left (time.monotonic()): round trips are
    # counted from these.
    arrived: float = 0.0
    answered: float = 0.0


@dataclass
class Fault:
    """An answer to give instead of the normal one, to the next matching requests."""

    method: str
    template: str
    status: int | None = 500  # None: after the delay, answer as usual
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    drop: bool = False  # close the connection without answering, before acting
    drop_after: bool = False  # act as usual, then close the connection without answering
    times: int = 1


class _Answer(Exception):
    """Raised inside a handler to answer at once with an error document."""

    def __init__(self, status: int, title: str) -> None:
        super().__init__(title)
        self.status = status
        self.title = title


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "incident"


class RootlyStandIn:
    """Start with `with RootlyStandIn() as rootly:`; point the action at `rootly.url`."""

    def __init__(
        self,
        token: str = "test-token-7f3a9c",
        catalog: Catalog | None = None,
        latency: float = 0.0,
        host: str = "127.0.0.1",
        port: int = 0,
        check_responses: bool = True,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.token = token
        # Validating its own answers against the spec keeps the stand-in honest in tests;
        # benchmarks switch it off, since real Rootly spends no such time.
        self.check_responses = check_responses
        self.catalog = catalog or default_catalog()
        self.latency = latency
        self.requests: list[RecordedRequest] = []
        self.violations: list[str] = []
        self.incidents: list[dict[str, Any]] = []
        self.faults: list[Fault] = []
        self.slack_enabled = True
        # Form field IDs an organisation requires when an incident is created.
        self.required_form_fields: set[str] = set()
        # incident ID -> the form field selections it was created with
        self.form_field_selections: dict[str, list[dict[str, Any]]] = {}
        # incident ID -> timeline events added through the API
        self.events: dict[str, list[dict[str, Any]]] = {}
        # How many incident list queries miss a new incident (a lagging search index).
        self.list_lag = 0
        self._unlisted: dict[str, int] = {}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer((host, port), _Handler)
        self._server.daemon_threads = True
        self._server.standin = self  # type: ignore[attr-defined]
        self._tls = tls
        if tls is not None:
            # HTTPS with a certificate of the test's own CA: clients must be told to trust it.
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        scheme = "https" if self._tls else "http"
        return f"{scheme}://{host!s}:{port}"

    def start(self) -> RootlyStandIn:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> RootlyStandIn:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def add_fault(self, method: str, template: str, **how: Any) -> Fault:
        fault = Fault(method, template, **how)
        with self._lock:
            self.faults.append(fault)
        return fault

    def requests_to(self, method: str, path: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.method == method and r.path == path]

    # -- request handling -------------------------------------------------------------

    def handle(self, handler: _Handler) -> None:
        arrived = time.monotonic()
        if self.latency:
            time.sleep(self.latency)
        parts = urlsplit(handler.path)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        body: Any = None
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                body = raw.decode("utf-8", "replace")
        recorded = RecordedRequest(
            handler.command, parts.path, query, dict(handler.headers), body, arrived
        )
        with self._lock:
            self.requests.append(recorded)
        try:
            status, document = self._route(handler, parts.path, query, body, raw)
        except _Answer as answer:
            status, document = answer.status, _errors(answer.status, answer.title)
        if status is None:
            recorded.answered = time.monotonic()
            return  # the connection was dropped on purpose
        handler.answer(status, document)
        recorded.answered = time.monotonic()

    def _route(
        self,
        handler: _Handler,
        path: str,
        query: dict[str, str],
        body: Any,
        raw: bytes,
    ) -> tuple[int | None, Any]:
        found = contract.match_template(path)
        method = handler.command
        if found is None or method.lower() not in contract.spec()["paths"][found[0]]:
            raise _Answer(404, "Not found or unauthorized")
        template, parameters = found
        if handler.headers.get("Authorization") != f"Bearer {self.token}":
            raise _Answer(401, "Invalid token")
        fault = self._take_fault(method, template)
        if fault is not None and not fault.drop_after:
            time.sleep(fault.delay)
            if fault.drop:
                handler.close_connection = True
                return None, None
            if fault.status is not None:
                handler.extra_headers = fault.headers
                return fault.status, fault.body if fault.body is not None else _errors(
                    fault.status, "Injected failure"
                )
        self._check_request(method, template, query, body, raw, handler)
        answer = self._act(method, template, parameters, query, body)
        if fault is not None and fault.drop_after:
            # Rootly did the work, but the answer is lost on the way back.
            handler.close_connection = True
            return None, None
        return answer

    def _act(
        self,
        method: str,
        template: str,
        parameters: dict[str, str],
        query: dict[str, str],
        body: Any,
    ) -> tuple[int, Any]:
        if method == "GET" and template in LIST_PATHS:
            return 200, self._list(template, query)
        attributes = body["data"]["attributes"] if isinstance(body, dict) else {}
        key = parameters.get("id") or parameters.get("incident_id") or ""
        routes: dict[tuple[str, str], Callable[[], tuple[int, Any]]] = {
            ("POST", "/v1/incidents"): lambda: (201, self._create_incident(attributes)),
            ("GET", "/v1/incidents"): lambda: (200, self._list_incidents(query)),
            ("GET", "/v1/incidents/{id}"): lambda: (200, {"data": self._find_incident(key)}),
            ("PUT", "/v1/incidents/{id}"): lambda: (200, self._update_incident(key, attributes)),
            ("PUT", "/v1/incidents/{id}/duplicate"): lambda: (
                200,
                self._mark_duplicate(key, attributes["duplicate_incident_id"]),
            ),
            ("POST", "/v1/incidents/{incident_id}/events"): lambda: (
                201,
                self._add_event(key, attributes),
            ),
            ("GET", "/v1/incidents/{incident_id}/form_field_selections"): lambda: (
                200,
                self._list_selections(key, query),
            ),
            ("POST", "/v1/incidents/{incident_id}/form_field_selections"): lambda: (
                201,
                self._add_selection(key, attributes),
            ),
        }
        route = routes.get((method, template))
        if route is None:
            raise _Answer(404, "Not found or unauthorized")
        return route()

    def _take_fault(self, method: str, template: str) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.method == method and fault.template == template and fault.times > 0:
                    fault.times -= 1
                    return fault
        return None

    def _violation(self, message: str) -> _Answer:
        with self._lock:
            self.violations.append(message)
        return _Answer(400, f"Request does not match Rootly's API: {message}")

    def _check_request(
        self,
        method: str,
        template: str,
        query: dict[str, str],
        body: Any,
        raw: bytes,
        handler: _Handler,
    ) -> None:
        where = f"{method} {template}"
        problems = contract.query_errors(method, template, query)
        if problems:
            raise self._violation(f"{where}: {'; '.join(problems)}")
        if method == "GET":
            return
        content_type = handler.headers.get("Content-Type", "")
        if not content_type.startswith(MEDIA_TYPE):
            raise self._violation(f"{where}: Content-Type is {content_type!r}, not {MEDIA_TYPE}")
        if not isinstance(body, dict):
            raise self._violation(f"{where}: the body is not a JSON object: {raw[:200]!r}")
        checked = body
        if template == "/v1/incidents" and method == "POST":
            checked = self._without_form_fields(body)
        if template == "/v1/incidents/{id}/duplicate":
            checked = self._without_duplicate_target(body)
        problems = contract.request_errors(method, template, checked)
        if problems:
            raise self._violation(f"{where}: {'; '.join(problems)}")

    def _without_duplicate_target(self, body: dict[str, Any]) -> dict[str, Any]:
        """The spec gives the duplicate call the resolve call's body, which cannot say what
        the incident duplicates; API-NOTES documents `duplicate_incident_id` for it. That
        one attribute is required and checked here; the rest is validated as the spec says."""
        data = body.get("data")
        if not isinstance(data, dict) or not isinstance(data.get("attributes"), dict):
            return body
        attributes = data["attributes"]
        target = attributes.get("duplicate_incident_id")
        if not isinstance(target, str) or not target:
            raise self._violation("duplicate call without a duplicate_incident_id string")
        rest = {k: v for k, v in attributes.items() if k != "duplicate_incident_id"}
        return {**body, "data": {**data, "attributes": rest}}

    def _without_form_fields(self, body: dict[str, Any]) -> dict[str, Any]:
        """Rootly's guide documents form_field_selections_attributes on create; the spec
        does not, so it is checked against the selection schema and then set aside."""
        data = body.get("data")
        if not isinstance(data, dict) or not isinstance(data.get("attributes"), dict):
            return body
        attributes = dict(data["attributes"])
        selections = attributes.pop("form_field_selections_attributes", None)
        if selections is not None:
            if not isinstance(selections, list):
                raise self._violation("form_field_selections_attributes is not a list")
            for selection in selections:
                document = {
                    "data": {
                        "type": "incident_form_field_selections",
                        "attributes": {"incident_id": "new", **selection},
                    }
                }
                problems = contract.schema_errors(
                    contract.schema("new_incident_form_field_selection"), document
                )
                if problems:
                    raise self._violation(f"form field selection: {'; '.join(problems)}")
        return {**body, "data": {**data, "attributes": attributes}}

    # -- lists ------------------------------------------------------------------------

    def _list(self, template: str, query: dict[str, str]) -> dict[str, Any]:
        kind = LIST_PATHS[template]
        entries = list(self.catalog.entries[kind])
        if "filter[name]" in query:  # exact and case-sensitive, as Rootly documents
            entries = [entry for entry in entries if entry.name == query["filter[name]"]]
        if "filter[slug]" in query:
            entries = [entry for entry in entries if entry.slug == query["filter[slug]"]]
        if "filter[name][in]" in query:
            names = query["filter[name][in]"].split(",")
            entries = [entry for entry in entries if entry.name in names]
        if "filter[slug][in]" in query:
            slugs = query["filter[slug][in]"].split(",")
            entries = [entry for entry in entries if entry.slug in slugs]
        if "filter[search]" in query:
            needle = query["filter[search]"].casefold()
            entries = [entry for entry in entries if needle in entry.name.casefold()]
        if "filter[email]" in query:
            email = query["filter[email]"].casefold()
            entries = [entry for entry in entries if entry.slug.casefold() == email]
        document = self._paged(template, query, [entry.resource() for entry in entries])
        if kind == "form_fields" and query.get("include") == "options":
            included: list[dict[str, Any]] = []
            for resource in document["data"]:
                options = self.catalog.options_of(resource["id"])
                links = [{"id": option.id, "type": "form_field_options"} for option in options]
                resource["relationships"] = {"options": {"data": links}}
                included.extend(option.resource() for option in options)
            document["included"] = included
        self._check_answer("GET", template, 200, document)
        return document

    def _paged(
        self, template: str, query: dict[str, str], items: list[dict[str, Any]]
    ) -> dict[str, Any]:
        """One page of `items` in a JSON:API list document, with links and meta."""
        try:
            size = min(int(query.get("page[size]", DEFAULT_PAGE_SIZE)), MAX_PAGE_SIZE)
            number = int(query.get("page[number]", 1))
        except ValueError:
            raise _Answer(400, "Invalid page parameters") from None
        total_pages = max(1, -(-len(items) // size))

        def link(page: int | None) -> str | None:
            if page is None:
                return None
            params = {**query, "page[number]": str(page), "page[size]": str(size)}
            return f"{template}?{urlencode(params)}"

        previous = number - 1 if number > 1 else None
        following = number + 1 if number < total_pages else None
        return {
            "data": [dict(item) for item in items[(number - 1) * size : number * size]],
            "links": {
                "self": link(number),
                "first": link(1),
                "prev": link(previous),
                "next": link(following),
                "last": link(total_pages),
            },
            "meta": {
                "current_page": number,
                "next_page": following,
                "prev_page": previous,
                "total_count": len(items),
                "total_pages": total_pages,
            },
        }

    def _check_answer(self, method: str, template: str, status: int, document: Any) -> None:
        if not self.check_responses:
            return
        problems = contract.response_errors(method, template, status, document)
        if problems:
            # The stand-in itself must never answer off-spec.
            self.violations.append(f"stand-in answered off-spec for {template}: {problems}")

    # -- incidents --------------------------------------------------------------------

    INCIDENT_FILTERS = frozenset(
        {
            "filter[status]",
            "filter[kind]",
            "filter[kind][in]",
            "filter[created_at][gte]",
            "sort",
            "page[number]",
            "page[size]",
        }
    )

    def _list_incidents(self, query: dict[str, str]) -> dict[str, Any]:
        unknown = set(query) - self.INCIDENT_FILTERS
        if unknown:
            # Better a loud refusal than a silently different answer from Rootly's.
            raise _Answer(400, f"the stand-in does not implement {sorted(unknown)}")
        with self._lock:
            found = [i for i in self.incidents if self._unlisted.get(i["id"], 0) == 0]
            for incident_id, misses in self._unlisted.items():
                self._unlisted[incident_id] = max(0, misses - 1)
        if "filter[status]" in query:
            found = [i for i in found if i["attributes"]["status"] == query["filter[status]"]]
        if "filter[kind]" in query:
            found = [i for i in found if i["attributes"]["kind"] == query["filter[kind]"]]
        if "filter[kind][in]" in query:
            kinds = query["filter[kind][in]"].split(",")
            found = [i for i in found if i["attributes"]["kind"] in kinds]
        if "filter[created_at][gte]" in query:
            since = _instant(query["filter[created_at][gte]"])
            found = [i for i in found if _instant(i["attributes"]["created_at"]) >= since]
        order = query.get("sort", "created_at")
        if order not in ("created_at", "-created_at"):
            raise _Answer(400, f"the stand-in does not implement sort={order}")
        found.sort(
            key=lambda i: (i["attributes"]["created_at"], i["attributes"]["sequential_id"]),
            reverse=order.startswith("-"),
        )
        return self._paged("/v1/incidents", query, found)

    def _mark_duplicate(self, key: str, original_key: str) -> dict[str, Any]:
        incident = self._find_incident(key)
        original = self._find_incident(original_key)
        with self._lock:
            attributes = incident["attributes"]
            attributes["duplicate_incident_id"] = original["id"]
            attributes["status"] = "cancelled"
            attributes["cancelled_at"] = attributes["updated_at"] = _now()
        return {"data": incident}

    UPDATABLE = frozenset({"duplicate_incident_id", "status", "title", "summary"})

    def _update_incident(self, key: str, changes: dict[str, Any]) -> dict[str, Any]:
        incident = self._find_incident(key)
        unsupported = set(changes) - self.UPDATABLE
        if unsupported:
            raise _Answer(400, f"the stand-in does not implement updating {sorted(unsupported)}")
        if "duplicate_incident_id" in changes:
            changes = {
                **changes,
                "duplicate_incident_id": self._find_incident(changes["duplicate_incident_id"])[
                    "id"
                ],
            }
        with self._lock:
            incident["attributes"].update(changes)
            incident["attributes"]["updated_at"] = _now()
            if changes.get("status") == "cancelled":
                incident["attributes"]["cancelled_at"] = incident["attributes"]["updated_at"]
        return {"data": incident}

    def _add_event(self, key: str, attributes: dict[str, Any]) -> dict[str, Any]:
        incident = self._find_incident(key)
        now = _now()
        event = {
            "id": str(uuid.uuid4()),
            "type": "incident_events",
            "attributes": {
                "event": attributes["event"],
                "visibility": attributes.get("visibility") or "internal",
                "occurred_at": now,
                "created_at": now,
                "updated_at": now,
            },
        }
        with self._lock:
            self.events.setdefault(incident["id"], []).append(event)
        return {"data": event}

    def _selection_resource(self, incident_id: str, selection: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": str(
                uuid.uuid5(uuid.NAMESPACE_URL, f"{incident_id}/{selection['form_field_id']}")
            ),
            "type": "incident_form_field_selections",
            "attributes": {"incident_id": incident_id, **selection},
        }

    def _list_selections(self, key: str, query: dict[str, str]) -> dict[str, Any]:
        incident = self._find_incident(key)
        stored = self.form_field_selections.get(incident["id"], [])
        items = [self._selection_resource(incident["id"], s) for s in stored]
        template = "/v1/incidents/{incident_id}/form_field_selections"
        document = self._paged(template, query, items)
        self._check_answer("GET", template, 200, document)
        return document

    def _add_selection(self, key: str, attributes: dict[str, Any]) -> dict[str, Any]:
        incident = self._find_incident(key)
        selection = {k: v for k, v in attributes.items() if k != "incident_id"}
        self._check_form_field_selections([selection], required=False)
        with self._lock:
            stored = self.form_field_selections.setdefault(incident["id"], [])
            stored[:] = [s for s in stored if s["form_field_id"] != selection["form_field_id"]]
            stored.append(selection)
        document = {"data": self._selection_resource(incident["id"], selection)}
        self._check_answer(
            "POST", "/v1/incidents/{incident_id}/form_field_selections", 201, document
        )
        return document

    def _find_incident(self, key: str) -> dict[str, Any]:
        for incident in self.incidents:
            if key in (incident["id"], incident["attributes"]["slug"]):
                return incident
        raise _Answer(404, "Not found or unauthorized")

    def _create_incident(self, attributes: dict[str, Any]) -> dict[str, Any]:
        for attribute, kind in REFERENCE_ATTRIBUTES.items():
            value = attributes.get(attribute)
            for entry_id in [value] if isinstance(value, str) else value or []:
                if self.catalog.by_id(kind, entry_id) is None:
                    raise _Answer(404, "Not found or unauthorized")
        started, detected = attributes.get("started_at"), attributes.get("detected_at")
        if started and detected and _instant(detected) < _instant(started):
            raise _Answer(422, "Detected at can not be before Started time")
        selections = attributes.get("form_field_selections_attributes") or []
        self._check_form_field_selections(selections)
        parent = None
        if attributes.get("parent_incident_id"):
            parent = self._find_incident(attributes["parent_incident_id"])
            if parent["attributes"]["parent_incident_id"]:
                raise _Answer(422, "A sub-incident cannot have sub-incidents")
        with self._lock:
            incident = self._new_incident(attributes, parent)
            self.incidents.append(incident)
            self._unlisted[incident["id"]] = self.list_lag
            self.form_field_selections[incident["id"]] = selections
        document = {"data": incident}
        self._check_answer("POST", "/v1/incidents", 201, document)
        return document

    def _check_form_field_selections(
        self, selections: list[dict[str, Any]], *, required: bool = True
    ) -> None:
        chosen = {selection["form_field_id"] for selection in selections}
        for form_field_id in (self.required_form_fields - chosen) if required else ():
            entry = self.catalog.by_id("form_fields", form_field_id)
            raise _Answer(422, f"{entry.name if entry else form_field_id} is required")
        for selection in selections:
            field = self.catalog.by_id("form_fields", selection["form_field_id"])
            if field is None:
                raise _Answer(422, "Form field must exist")
            option_ids = {option.id for option in self.catalog.options_of(field.id)}
            if not set(selection.get("selected_option_ids") or []) <= option_ids:
                raise _Answer(422, "Selected option must exist")
            known_users = {user.id for user in self.catalog.entries["users"]}
            if not {str(i) for i in selection.get("selected_user_ids") or []} <= known_users:
                raise _Answer(422, "Selected user must exist")
            for attribute, kind in SELECTION_KINDS.items():
                for entry_id in selection.get(attribute) or []:
                    if self.catalog.by_id(kind, entry_id) is None:
                        raise _Answer(422, f"{attribute} must exist")

    def _new_incident(self, given: dict[str, Any], parent: dict[str, Any] | None) -> dict[str, Any]:
        number = len(self.incidents) + 1
        title = given.get("title") or f"Incident #{number}"
        slug = f"{number}-{_slugify(title)}"
        kind = given.get("kind") or "normal"
        if parent is not None:
            kind = "test_sub" if parent["attributes"]["kind"].startswith("test") else "normal_sub"
        now = _now()
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
            "created_at": now,
            "updated_at": now,
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
        for stamp in TIMESTAMPS:
            attributes[stamp] = given.get(stamp)
        attributes["started_at"] = attributes["started_at"] or now
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


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _errors(status: int, title: str) -> dict[str, Any]:
    return {"errors": [{"title": title, "status": str(status), "code": None, "detail": None}]}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body leave in two writes; with Nagle's algorithm on, a kept-alive
    # connection then stalls ~40 ms per answer waiting for a delayed ACK.
    disable_nagle_algorithm = True
    extra_headers: dict[str, str] = {}  # noqa: RUF012 - replaced per request, never mutated

    def _dispatch(self) -> None:
        self.extra_headers = {}
        self.server.standin.handle(self)  # type: ignore[attr-defined]

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _dispatch

    def answer(self, status: int, document: Any) -> None:
        payload = b"" if document is None else json.dumps(document).encode()
        self.send_response(status)
        is_json_api = isinstance(document, dict) and ("data" in document or "errors" in document)
        self.send_header("Content-Type", MEDIA_TYPE if is_json_api else "application/json")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in self.extra_headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        return  # keep test output readable
