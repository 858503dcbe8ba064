"""A stand-in for Rootly's API: a real HTTP server on 127.0.0.1 that speaks its JSON:API.

It is never kinder than Rootly. It checks the token and every request against Rootly's
spec, strips nothing before checking, and records each request that breaks the spec (a
test fails on any). Exactly two off-spec requests are known to the contract
(`contract.ALLOWED_EXCEPTIONS`): Rootly's guide and docs show them, and how the stand-in
answers them is a switch of `Behaviour`, as is everything else the spec leaves open.
Faults (errors, delays, dropped connections) can be queued, and a per-token rate
limit can be switched on; rate-limit headers come with every answer.

The modules: `server` (HTTP, routing, checks), `book` (incidents), `lists` (catalog
filters and paging), `behaviour` (switches and faults), `limiter`, `catalog`, `contract`.
"""

from __future__ import annotations

import io
import json
import random
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx

from . import contract
from .behaviour import Answer, Behaviour, Fault, error_document
from .book import IncidentBook
from .catalog import Catalog, default_catalog
from .limiter import SlidingWindow
from .lists import filtered, paged

__all__ = ["MEDIA_TYPE", "RecordedRequest", "RootlyStandIn"]

MEDIA_TYPE = "application/vnd.api+json"

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
    "/v1/alert_urgencies": "alert_urgencies",
    "/v1/escalation_policies": "escalation_policies",
    "/v1/alert_fields": "alert_fields",
}
INCIDENT_QUERY = frozenset(
    {
        "filter[status]",
        "filter[kind]",
        "filter[kind][in]",
        "filter[created_at][gte]",
        "filter[sequential_id]",
        "sort",
        "page[after]",
        "page[number]",
        "page[size]",
    }
)
# Without a limiter switched on, answers still carry headers, from Rootly's default.
DEFAULT_LIMIT = (3000, 60.0)


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
    status: int | None = None


class RootlyStandIn:
    """Start with `with RootlyStandIn() as rootly:`; point the action at `rootly.url`."""

    def __init__(
        self,
        token: str = "test-token-7f3a9c",
        catalog: Catalog | None = None,
        latency: float = 0.0,
        latency_spread: float = 0.0,
        host: str = "127.0.0.1",
        port: int = 0,
        check_responses: bool = True,
        tls: ssl.SSLContext | None = None,
        behaviour: Behaviour | None = None,
        rate_limit: tuple[int, float] | None = None,
    ) -> None:
        self.token = token
        # Validating its own answers against the spec keeps the stand-in honest in tests;
        # benchmarks switch it off, since real Rootly spends no such time.
        self.check_responses = check_responses
        self.catalog = catalog or default_catalog()
        self.behaviour = behaviour or Behaviour()
        self.book = IncidentBook(self.catalog, self.behaviour)
        self.latency = latency
        # Each answer takes `latency` plus up to this much more, at random.
        self.latency_spread = latency_spread
        self.requests: list[RecordedRequest] = []
        self.violations: list[str] = []
        # Requests off-spec in one of the two known ways (contract.ALLOWED_EXCEPTIONS).
        self.exceptions: list[str] = []
        self.faults: list[Fault] = []
        # A shared limit per token (requests per window); off (Rootly's default) unless set.
        self.limiter = SlidingWindow(*(rate_limit or DEFAULT_LIMIT))
        self.limited = rate_limit is not None
        self._lock = threading.Lock()
        self._create_lock = threading.Lock()
        # Idempotency-Key -> (the body first sent with it, the incident it made).
        self.idempotency_keys: dict[str, tuple[Any, str]] = {}
        self._server = ThreadingHTTPServer((host, port), _Handler)
        self._server.daemon_threads = True
        self._server.request_queue_size = 128
        self._server.standin = self  # type: ignore[attr-defined]
        self._tls = tls
        if tls is not None:
            # HTTPS with a certificate of the test's own CA: clients must be told to trust it.
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # What tests read and set, kept by the incident book.
    @property
    def incidents(self) -> list[dict[str, Any]]:
        return self.book.incidents

    @property
    def events(self) -> dict[str, list[dict[str, Any]]]:
        return self.book.events

    @property
    def pulses(self) -> list[dict[str, Any]]:
        return self.book.pulses

    @property
    def alerts(self) -> list[dict[str, Any]]:
        return self.book.alerts

    @property
    def on_call(self) -> str:
        return self.book.on_call

    @on_call.setter
    def on_call(self, value: str) -> None:
        self.book.on_call = value

    @property
    def form_field_selections(self) -> dict[str, list[dict[str, Any]]]:
        return self.book.selections

    def selection_id(self, incident_id: str, form_field_id: str) -> str:
        """The ID Rootly gives the value of one form field on one incident."""
        resource = self.book.selection_resource(incident_id, {"form_field_id": form_field_id})
        return str(resource["id"])

    @property
    def required_form_fields(self) -> set[str]:
        return self.book.required_form_fields

    @required_form_fields.setter
    def required_form_fields(self, value: set[str]) -> None:
        self.book.required_form_fields = value

    @property
    def list_lag(self) -> int:
        return self.book.list_lag

    @list_lag.setter
    def list_lag(self, value: int) -> None:
        self.book.list_lag = value

    @property
    def slack_enabled(self) -> bool:
        return self.book.slack_enabled

    @slack_enabled.setter
    def slack_enabled(self, value: bool) -> None:
        self.book.slack_enabled = value

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        scheme = "https" if self._tls else "http"
        return f"{scheme}://{host!s}:{port}"

    def start(self) -> RootlyStandIn:
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread.is_alive():  # a stand-in used only as a transport never served
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

    def transport(self) -> httpx.MockTransport:
        """The same stand-in without a socket: every request goes through `handle` as if
        it had arrived over HTTP (checks, faults, behaviour switches and all), so the
        in-process tests meet the Rootly the end-to-end tests meet. A dropped connection
        is the error httpx raises for one."""

        def answer(request: httpx.Request) -> httpx.Response:
            exchange = _Exchange(request)
            self.handle(exchange)  # type: ignore[arg-type]
            if exchange.answered is None:
                raise httpx.RemoteProtocolError("Server disconnected without sending a response.")
            return exchange.answered

        return httpx.MockTransport(answer)

    def requests_to(self, method: str, path: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.method == method and r.path == path]

    # -- request handling -------------------------------------------------------------

    def handle(self, handler: _Handler) -> None:
        arrived = time.monotonic()
        if self.latency or self.latency_spread:
            time.sleep(self.latency + random.random() * self.latency_spread)  # noqa: S311
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
        allowed, limits = self.limiter.take(handler.headers.get("Authorization", ""))
        prefix = "X-" if self.behaviour.rate_limit_headers == "x_prefixed" else ""
        handler.extra_headers = {f"{prefix}RateLimit-{k}": v for k, v in limits.items()}
        status: int | None
        document: Any
        try:
            if self.limited and not allowed:
                handler.extra_headers["Retry-After"] = str(
                    max(1, int(limits["Reset"]) - int(time.time()))
                )
                status, document = 429, {"error": "Rate limit exceeded. Try again later."}
            else:
                status, document = self._route(handler, parts.path, query, body, raw)
        except Answer as answer:
            status, document = answer.status, error_document(answer.status, answer.title)
        recorded.status = status
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
            raise Answer(404, "Not found or unauthorized")
        template, parameters = found
        if handler.headers.get("Authorization") != f"Bearer {self.token}":
            raise Answer(401, "Invalid token")
        fault = self._take_fault(method, template)
        if fault is not None and not (fault.drop_after or fault.garble):
            time.sleep(fault.delay)
            if fault.drop:
                handler.close_connection = True
                return None, None
            if fault.status is not None:
                handler.extra_headers.update(fault.headers)
                return fault.status, fault.body if fault.body is not None else error_document(
                    fault.status, "Injected failure"
                )
        exception = self._check_request(method, template, query, body, raw, handler)
        headers = dict(handler.headers)
        answer = self._act(method, template, parameters, query, body, exception, headers)
        if fault is not None and fault.drop_after:
            # Rootly did the work, but the answer is lost on the way back.
            handler.close_connection = True
            return None, None
        if fault is not None and fault.garble:
            return answer[0], "<html><body>502 Bad Gateway</body></html>"
        return answer

    def _act(
        self,
        method: str,
        template: str,
        parameters: dict[str, str],
        query: dict[str, str],
        body: Any,
        exception: str | None,
        headers: dict[str, str],
    ) -> tuple[int, Any]:
        if method == "GET" and template in LIST_PATHS:
            return 200, self._answer(method, template, 200, self._list(template, query))
        attributes = dict(body["data"]["attributes"]) if isinstance(body, dict) else {}
        key = parameters.get("id") or parameters.get("incident_id") or ""
        book = self.book
        if book.form_fields_switch(exception or "") == "refuse":
            raise Answer(400, f"Unpermitted parameter: {exception}")
        if exception == "duplicate_incident_id":
            if self.behaviour.duplicate_call == "refuse":
                raise Answer(400, "Unpermitted parameter: duplicate_incident_id")
            if self.behaviour.duplicate_call == "not_found":
                raise Answer(404, "Not found or unauthorized")
        routes: dict[tuple[str, str], Callable[[], tuple[int, Any]]] = {
            ("POST", "/v1/incidents"): lambda: self._create(attributes, body, headers),
            ("GET", "/v1/incidents"): lambda: (
                200,
                paged("/v1/incidents", query, book.listed(query), self.behaviour.paging),
            ),
            ("GET", "/v1/incidents/{id}"): lambda: (200, {"data": book.find(key, by_number=True)}),
            ("DELETE", "/v1/incidents/{id}"): lambda: (200, {"data": book.delete(key)}),
            ("PUT", "/v1/incidents/{id}"): lambda: (200, {"data": book.update(key, attributes)}),
            ("PUT", "/v1/incidents/{id}/duplicate"): lambda: (
                200,
                {"data": book.mark_duplicate(key, attributes)},
            ),
            ("POST", "/v1/incidents/{incident_id}/events"): lambda: (
                201,
                {"data": book.add_event(key, attributes)},
            ),
            ("GET", "/v1/incidents/{incident_id}/form_field_selections"): lambda: (
                200,
                paged(
                    template,
                    query,
                    [
                        book.selection_resource(book.find(key)["id"], selection)
                        for selection in book.selections.get(book.find(key)["id"], [])
                    ],
                ),
            ),
            ("POST", "/v1/incidents/{incident_id}/form_field_selections"): lambda: (
                201,
                {"data": book.add_selection(key, attributes)},
            ),
            ("PUT", "/v1/incident_form_field_selections/{id}"): lambda: (
                200,
                {"data": book.update_selection(key, attributes)},
            ),
            ("POST", "/v1/pulses"): lambda: (201, {"data": book.add_pulse(attributes)}),
            ("POST", "/v1/alerts"): lambda: (201, {"data": book.add_alert(attributes)}),
            ("GET", "/v1/alerts"): lambda: (
                200,
                paged("/v1/alerts", query, book.alerts_since(query), self.behaviour.paging),
            ),
            ("GET", "/v1/alerts/{id}"): lambda: (200, {"data": book.find_alert(key)}),
            ("POST", "/v1/alerts/{id}/resolve"): lambda: (
                200,
                {"data": book.move_alert(key, "resolved", attributes)},
            ),
            ("POST", "/v1/alerts/{id}/acknowledge"): lambda: (
                200,
                {"data": book.move_alert(key, "acknowledged", attributes)},
            ),
        }
        for action in ("mitigate", "resolve", "cancel"):
            routes[("PUT", f"/v1/incidents/{{id}}/{action}")] = partial(
                lambda action: (200, {"data": book.transition(key, action, attributes)}), action
            )
        route = routes.get((method, template))
        if route is None:
            raise Answer(404, "Not found or unauthorized")
        status, document = route()
        data = document.get("data") if isinstance(document, dict) else None
        if isinstance(data, dict) and data.get("type") == "incidents":
            document = {"data": book.shown(data)}
        # A replayed create (200) carries what the create's 201 carries.
        checked = 201 if (method, template) == ("POST", "/v1/incidents") else status
        return status, self._answer(method, template, checked, document)

    def _create(
        self, attributes: dict[str, Any], body: Any, headers: dict[str, str]
    ) -> tuple[int, Any]:
        """POST /v1/incidents, with the `Idempotency-Key` treated as the behaviour says."""
        key = headers.get("Idempotency-Key", "")
        if not key or self.behaviour.idempotency == "ignored":
            return 201, {"data": self.book.create(attributes)}
        with self._create_lock:  # a key's first request and its resends, one at a time
            seen = self.idempotency_keys.get(key)
            if seen is not None:
                first_body, incident_id = seen
                if first_body != body and self.behaviour.idempotency == "strict":
                    raise Answer(422, "Idempotency-Key was already used with another request")
                return 200, {"data": self.book.find(incident_id)}
            incident = self.book.create(attributes)
            self.idempotency_keys[key] = (body, incident["id"])
        return 201, {"data": incident}

    def _take_fault(self, method: str, template: str) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.method == method and fault.template == template and fault.times > 0:
                    if fault.skip > 0:
                        fault.skip -= 1
                        continue
                    fault.times -= 1
                    return fault
        return None

    def _violation(self, message: str) -> Answer:
        with self._lock:
            self.violations.append(message)
        return Answer(400, f"Request does not match Rootly's API: {message}")

    def _check_request(
        self,
        method: str,
        template: str,
        query: dict[str, str],
        body: Any,
        raw: bytes,
        handler: _Handler,
    ) -> str | None:
        """Check the request against the spec, whole. Returns the allowed exception's
        attribute when the request is off-spec in exactly that one known way."""
        where = f"{method} {template}"
        problems = contract.query_errors(method, template, query)
        if template == "/v1/incidents" and method == "GET":
            problems += [
                f"the stand-in does not implement {name!r}"
                for name in query
                if name not in INCIDENT_QUERY
            ]
        if problems:
            raise self._violation(f"{where}: {'; '.join(problems)}")
        if method in ("GET", "DELETE"):
            return None
        content_type = handler.headers.get("Content-Type", "")
        if not content_type.startswith(MEDIA_TYPE):
            raise self._violation(f"{where}: Content-Type is {content_type!r}, not {MEDIA_TYPE}")
        if not isinstance(body, dict):
            raise self._violation(f"{where}: the body is not a JSON object: {raw[:200]!r}")
        problems = contract.request_errors(method, template, body)
        if not problems:
            return None
        exception = contract.allowed_exception(method, template, body)
        if exception is None:
            raise self._violation(f"{where}: {'; '.join(problems)}")
        with self._lock:
            self.exceptions.append(f"{where}: {exception}")
        return exception

    # -- lists ------------------------------------------------------------------------

    def _list(self, template: str, query: dict[str, str]) -> dict[str, Any]:
        kind = LIST_PATHS[template]
        entries = filtered(self.catalog.entries[kind], query, self.behaviour)
        # Catalog lists offer no `page[after]` in the spec: only totals can be left out.
        paging = "no_totals" if self.behaviour.paging == "no_totals" else "offset"
        document = paged(template, query, [entry.resource() for entry in entries], paging)
        if kind == "form_fields" and query.get("include") == "options":
            included: list[dict[str, Any]] = []
            for resource in document["data"]:
                options = self.catalog.options_of(resource["id"])
                links = [{"id": option.id, "type": "form_field_options"} for option in options]
                resource["relationships"] = {"options": {"data": links}}
                included.extend(option.resource() for option in options)
            document["included"] = included
        return document

    def _answer(self, method: str, template: str, status: int, document: Any) -> Any:
        if self.check_responses:
            problems = contract.response_errors(method, template, status, document)
            if self.behaviour.severity == "null":
                # Off-spec on purpose: Rootly's answers have carried a null severity.
                problems = [p for p in problems if "attributes/severity:" not in p]
            if self.behaviour.paging == "no_totals":
                # Off-spec on purpose: answers without totals are guarded against by
                # Rootly's MCP server.
                problems = [p for p in problems if not p.startswith(("meta:", "links:"))]
            if self.behaviour.labels != "object":
                # Off-spec on purpose: Rootly's CLI reads labels as an array first.
                problems = [p for p in problems if "attributes/labels:" not in p]
            if problems:
                # The stand-in itself must never answer off-spec.
                self.violations.append(f"stand-in answered off-spec for {template}: {problems}")
        return document


def _encoded(document: Any) -> tuple[bytes, str]:
    """An answer's bytes and content type: JSON:API for data and errors, HTML as a
    broken proxy sends it for a garbled answer."""
    if isinstance(document, str):
        return document.encode(), "text/html"
    payload = b"" if document is None else json.dumps(document).encode()
    is_json_api = isinstance(document, dict) and ("data" in document or "errors" in document)
    return payload, MEDIA_TYPE if is_json_api else "application/json"


class _Exchange:
    """One httpx request in the shape `RootlyStandIn.handle` reads from an HTTP handler."""

    def __init__(self, request: httpx.Request) -> None:
        self.command = request.method
        self.path = request.url.raw_path.decode("ascii")
        self.headers = {k.title(): v for k, v in request.headers.items()}
        content = request.read()
        self.headers["Content-Length"] = str(len(content))
        self.rfile = io.BytesIO(content)
        self.extra_headers: dict[str, str] = {}
        self.close_connection = False
        self.answered: httpx.Response | None = None

    def answer(self, status: int, document: Any) -> None:
        payload, content_type = _encoded(document)
        headers = {"Content-Type": content_type, **self.extra_headers}
        self.answered = httpx.Response(status, headers=headers, content=payload)


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
        payload, content_type = _encoded(document)
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in self.extra_headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        return  # keep test output readable
