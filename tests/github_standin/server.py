"""The GitHub stand-in: a real HTTP server on 127.0.0.1 (or an in-process transport)
answering the jobs of a run attempt, as GitHub's description says, with switches for the
ways GitHub refuses or stalls."""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qsl, urlsplit

import httpx
from openapi_schema_validator import OAS30Validator

__all__ = ["GitHubStandIn", "Recorded"]

SPEC_PATH = Path(__file__).with_name("github-openapi.json")
TEMPLATE = "/repos/{owner}/{repo}/actions/runs/{run_id}/attempts/{attempt_number}/jobs"
_PATH = re.compile(
    r"^/repos/(?P<owner>[^/]+)/(?P<repo>[^/]+)/actions/runs/(?P<run_id>\d+)"
    r"/attempts/(?P<attempt>\d+)/jobs$"
)
# How GitHub answers a token that may not read Actions runs, and a used-up rate limit.
Permission = Literal["granted", "forbidden", "not_found"]
FORBIDDEN = "Resource not accessible by integration"
DOCS = "https://docs.github.com/rest/actions/workflow-jobs"


@cache
def _operation() -> dict[str, Any]:
    spec = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
    found: dict[str, Any] = spec["paths"][TEMPLATE]["get"]
    return found


def _schema(status: int) -> dict[str, Any]:
    responses = _operation()["responses"]
    # The description documents 200 and 404; GitHub's 403 and 429 carry the same error
    # document ("Basic Error"), so they are checked against the 404's schema.
    answer = responses.get(str(status)) or responses["404"]
    schema: dict[str, Any] = answer["content"]["application/json"]["schema"]
    return schema


def schema_errors(status: int, document: Any) -> list[str]:
    """Where an answer breaks the description's schema for its status."""
    return [
        f"{status} {'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}"
        for error in OAS30Validator(_schema(status)).iter_errors(document)
    ]


@dataclass
class Recorded:
    """One request as it arrived."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    status: int = 0
    arrived: float = field(default_factory=time.monotonic)


@dataclass
class GitHubStandIn:
    """Serve `runs[(run_id, attempt)]` as that attempt's jobs for `repository`.

    Switches: `permission` (the token may read Actions runs, or GitHub answers 403 or
    404), `rate_limited`, `delay` (seconds before each answer), `malformed` (a 200 that
    is not a jobs list), `prefix` (a GHES API lives under `/api/v3`).
    """

    token: str = "ghs_standin0123456789abcdef"
    # The repository whose runs it serves; None: whichever is asked (act names its own).
    repository: str | None = "acme/shop"
    runs: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    # The jobs of any other run: the action only ever asks about the run it is in, whose
    # ID each test picks, so most tests need only say what its jobs are.
    any_run: list[dict[str, Any]] | None = None
    permission: Permission = "granted"
    rate_limited: bool = False
    delay: float = 0.0
    malformed: bool = False
    prefix: str = ""
    requests: list[Recorded] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # -- the answers ---------------------------------------------------------------------

    def answer(
        self, method: str, target: str, headers: dict[str, str]
    ) -> tuple[int, dict[str, str], Any]:
        """Status, headers and JSON document for one request."""
        parts = urlsplit(target)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        recorded = Recorded(method, parts.path, query, headers)
        with self._lock:
            self.requests.append(recorded)
        if self.delay:
            time.sleep(self.delay)
        status, extra, document = self._answer(method, parts.path, query, headers)
        recorded.status = status
        problems = schema_errors(status, document) if not self.malformed else []
        if problems:
            with self._lock:
                self.violations.extend(f"answer off the description: {p}" for p in problems)
        return status, {"Content-Type": "application/json; charset=utf-8", **extra}, document

    def _answer(
        self, method: str, path: str, query: dict[str, str], headers: dict[str, str]
    ) -> tuple[int, dict[str, str], Any]:
        path = path.removeprefix(self.prefix) if self.prefix else path
        found = _PATH.match(path)
        jobs = self.runs.get((found["run_id"], found["attempt"]), self.any_run) if found else None
        refused = self._refusal(method, found, jobs, headers)
        if refused is not None:
            return refused
        assert jobs is not None
        self._check_query(query)
        if self.malformed:
            return 200, {}, {"jobs": "not a list", "total_count": "many"}
        per_page = min(int(query.get("per_page", "30")), 100)
        page = int(query.get("page", "1"))
        start = (page - 1) * per_page
        document = {"total_count": len(jobs), "jobs": jobs[start : start + per_page]}
        return 200, self._link(path, per_page, page, len(jobs)), document

    def _refusal(
        self,
        method: str,
        found: re.Match[str] | None,
        jobs: list[dict[str, Any]] | None,
        headers: dict[str, str],
    ) -> tuple[int, dict[str, str], Any] | None:
        """GitHub's refusal of the request, in the order GitHub checks; None to answer."""
        not_found = {"message": "Not Found", "documentation_url": DOCS, "status": "404"}
        if method != "GET" or not found:
            return 404, {}, not_found
        auth = {k.lower(): v for k, v in headers.items()}.get("authorization", "")
        if auth not in (f"Bearer {self.token}", f"token {self.token}"):
            return 401, {}, {"message": "Bad credentials", "documentation_url": DOCS}
        if self.rate_limited:
            limits = {"x-ratelimit-limit": "1000", "x-ratelimit-remaining": "0"}
            limits["x-ratelimit-reset"] = str(int(time.time()) + 600)
            message = "API rate limit exceeded for installation."
            return 403, limits, {"message": message, "documentation_url": DOCS, "status": "403"}
        if self.permission == "forbidden":
            return 403, {}, {"message": FORBIDDEN, "documentation_url": DOCS, "status": "403"}
        repository = f"{found['owner']}/{found['repo']}"
        foreign = self.repository is not None and repository != self.repository
        if self.permission == "not_found" or foreign or jobs is None:
            return 404, {}, not_found
        return None

    def _check_query(self, query: dict[str, str]) -> None:
        for name, value in query.items():
            if name not in ("per_page", "page"):
                self.violations.append(f"unknown query parameter {name}")
            elif not value.isdigit() or (name == "per_page" and int(value) > 100):
                self.violations.append(f"{name}={value!r} is not a valid {name}")

    def _link(self, path: str, per_page: int, page: int, total: int) -> dict[str, str]:
        last = max(1, -(-total // per_page))
        if page >= last:
            return {}
        base = f"{self.url}{self.prefix}{path}" if self._server else f"https://api.github.com{path}"
        return {"Link": f'<{base}?per_page={per_page}&page={page + 1}>; rel="next"'}

    # -- serving ---------------------------------------------------------------------------

    def transport(self) -> httpx.MockTransport:
        """The stand-in without a socket, for in-process tests."""

        def handle(request: httpx.Request) -> httpx.Response:
            target = request.url.raw_path.decode("ascii")
            status, headers, document = self.answer(request.method, target, dict(request.headers))
            return httpx.Response(status, headers=headers, content=json.dumps(document).encode())

        return httpx.MockTransport(handle)

    @property
    def url(self) -> str:
        """The API base URL to give the action as GITHUB_API_URL."""
        assert self._server is not None, "start() the stand-in first"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}{self.prefix}"

    def start(self) -> GitHubStandIn:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                status, headers, document = standin.answer("GET", self.path, dict(self.headers))
                payload = json.dumps(document).encode()
                self.send_response(status)
                for name, value in {**headers, "Content-Length": str(len(payload))}.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> GitHubStandIn:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
