"""One HTTP client for Rootly: auth, JSON:API media type, retries that cannot duplicate, errors."""

from __future__ import annotations

import email.utils
import os
import time
from collections.abc import Callable
from typing import Any

import httpx
from pydantic import ValidationError

from .. import __version__
from . import MEDIA_TYPE, errors
from .models import ErrorDocument, Incident, IncidentDocument, IncidentPage, ListPage

# How often a request is tried when trying again is known to be safe.
MAX_ATTEMPTS = 3
# The longest we wait for a rate limit to reset before giving up: a failing deploy
# should not hold its runner for minutes.
MAX_RATE_LIMIT_WAIT = 30.0


class RootlyClient:
    """Talks to one Rootly account with one token. Use as a context manager."""

    def __init__(
        self,
        base_url: str,
        token: str,
        timeout: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._base_url = base_url
        self._timeout = timeout
        self._sleep = sleep
        self._clock = clock
        host = httpx.URL(base_url).host
        try:
            self._http = httpx.Client(
                base_url=base_url,
                timeout=timeout,
                # A loopback API never goes through a proxy: HTTP_PROXY would otherwise
                # receive the token in clear for an http://127.0.0.1 stand-in.
                mounts={_pattern_for(host): None} if _is_loopback(host) else None,
                headers={
                    "Authorization": f"Bearer {token}",
                    "Accept": MEDIA_TYPE,
                    "Content-Type": MEDIA_TYPE,
                    "User-Agent": f"rootly-incident-action/{__version__}",
                },
            )
        except (OSError, ValueError) as problem:
            # SSL_CERT_FILE / SSL_CERT_DIR name a CA bundle that cannot be read.
            raise errors.Unreachable(
                "Could not set up TLS to reach Rootly: the CA bundle named by SSL_CERT_FILE "
                f"({os.environ.get('SSL_CERT_FILE', '')!r}) or SSL_CERT_DIR cannot be used "
                f"({_describe(problem)}). Inside the action's container the workspace is "
                "/github/workspace."
            ) from None

    def __enter__(self) -> RootlyClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._http.close()

    def create_incident(self, body: dict[str, Any]) -> Incident:
        """POST /v1/incidents. Never repeated once it may have reached Rootly."""
        response = self._send("POST", "/v1/incidents", body, idempotent=False)
        return self._incident_from(response)

    def _incident_from(self, response: httpx.Response) -> Incident:
        try:
            return IncidentDocument.model_validate(response.json()).data
        except (ValueError, ValidationError):
            raise errors.UnexpectedAnswer(
                f"Rootly answered {response.status_code} to {response.request.method} "
                f"{response.request.url.path}, but the body is not an incident."
            ) from None

    def get_incident(self, id_or_slug: str) -> Incident:
        """GET /v1/incidents/{id}: Rootly takes the ID or the slug."""
        response = self._send("GET", f"/v1/incidents/{id_or_slug}", None, idempotent=True)
        return self._incident_from(response)

    def list_incidents(self, created_since: str, page: int) -> IncidentPage:
        """Newest first, created at or after `created_since` (ISO 8601), 100 a page."""
        params: dict[str, str | int] = {
            "filter[created_at][gte]": created_since,
            "sort": "-created_at",
            "page[number]": page,
            "page[size]": 100,
        }
        response = self._send("GET", "/v1/incidents", None, idempotent=True, params=params)
        try:
            return IncidentPage.model_validate(response.json())
        except (ValueError, ValidationError):
            raise errors.UnexpectedAnswer(
                "Rootly's answer to GET /v1/incidents is not a list of incidents."
            ) from None

    def add_event(self, incident_id: str, text: str) -> None:
        """A timeline event, visible to responders only."""
        body = {
            "data": {
                "type": "incident_events",
                "attributes": {"event": text, "visibility": "internal"},
            }
        }
        self._send("POST", f"/v1/incidents/{incident_id}/events", body, idempotent=False)

    def mark_duplicate(self, incident_id: str, original_id: str) -> None:
        """PUT /v1/incidents/{id}/duplicate: cancels the incident as a duplicate."""
        body = {"data": {"type": "incidents", "attributes": {"duplicate_incident_id": original_id}}}
        self._send("PUT", f"/v1/incidents/{incident_id}/duplicate", body, idempotent=True)

    def cancel_as_duplicate(self, incident_id: str, original_id: str) -> None:
        """PUT /v1/incidents/{id}: the same outcome as the duplicate call, through the
        update schema (which, unlike the duplicate call's, names the original)."""
        attributes = {"duplicate_incident_id": original_id, "status": "cancelled"}
        body = {"data": {"type": "incidents", "attributes": attributes}}
        self._send("PUT", f"/v1/incidents/{incident_id}", body, idempotent=True)

    def list_page(self, path: str, params: dict[str, str | int]) -> ListPage:
        """GET one page of a list endpoint (`/v1/services`, ...)."""
        response = self._send("GET", path, None, idempotent=True, params=params)
        try:
            return ListPage.model_validate(response.json())
        except (ValueError, ValidationError):
            raise errors.UnexpectedAnswer(
                f"Rootly's answer to GET {path} is not a JSON:API list."
            ) from None

    def _send(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None,
        *,
        idempotent: bool,
        params: dict[str, str | int] | None = None,
    ) -> httpx.Response:
        waited = 0.0
        for attempt in range(1, MAX_ATTEMPTS + 1):
            last = attempt == MAX_ATTEMPTS
            try:
                response = self._http.request(method, path, json=body, params=params)
            except (httpx.ConnectError, httpx.ConnectTimeout) as problem:
                # The connection never opened, so Rootly saw nothing: safe to try again.
                if last:
                    raise self._unreachable(problem) from None
                self._sleep(0.5 * attempt)
                continue
            except httpx.TimeoutException:
                if idempotent and not last:
                    continue
                raise self._timed_out(method, idempotent=idempotent) from None
            except httpx.TransportError as problem:
                if idempotent and not last:
                    self._sleep(0.5 * attempt)
                    continue
                raise self._connection_lost(problem, idempotent=idempotent) from None

            if response.status_code == 429:
                wait = self._rate_limit_wait(response)
                if not last and waited + wait <= MAX_RATE_LIMIT_WAIT:
                    # A 429 means Rootly did nothing with the request: repeating it is safe.
                    self._sleep(wait)
                    waited += wait
                    continue
                raise self._rate_limited(response)
            if response.status_code >= 500 and idempotent and not last:
                self._sleep(0.5 * attempt)
                continue
            if response.is_success:
                return response
            raise self._error_for(response, idempotent=idempotent)
        raise AssertionError("unreachable: the last attempt always returns or raises")

    def _rate_limit_wait(self, response: httpx.Response) -> float:
        """Seconds until Rootly accepts requests again, from Retry-After or the reset header."""
        retry_after = response.headers.get("Retry-After", "").strip()
        if retry_after:
            if retry_after.isdigit():
                return float(retry_after)
            try:
                moment = email.utils.parsedate_to_datetime(retry_after)
                return max(0.0, moment.timestamp() - self._clock())
            except (TypeError, ValueError):
                pass
        reset = _header(response, "RateLimit-Reset")
        if reset and reset.isdigit():
            return max(0.0, float(reset) - self._clock())
        return 2.0

    def _error_for(self, response: httpx.Response, *, idempotent: bool) -> errors.RootlyError:
        status = response.status_code
        titles = _error_titles(response)
        said = "; ".join(titles) if titles else response.reason_phrase
        if status == 401:
            return errors.AuthenticationFailed(
                f"Rootly refused the API token (401: {said}). Check that the secret passed as "
                "'api-token' holds a current Rootly API token for this organisation, and that "
                f"'api-url' ({self._base_url}) is your Rootly API.",
                status,
                titles,
            )
        if status == 403:
            return errors.PermissionDenied(
                f"Rootly denied the request (403: {said}). The token is valid but may not "
                "create incidents: use a token whose role allows it.",
                status,
                titles,
            )
        if status == 404:
            return errors.NotFound(f"Rootly answered 404 ({said}).", status, titles)
        if status == 422:
            return errors.Rejected(
                f"Rootly rejected the incident (422): {said}. Fix the inputs it names "
                "(or the form fields your organisation requires) and run again.",
                status,
                titles,
            )
        if status >= 500:
            maybe = (
                ""
                if idempotent
                else " The incident may or may not have been created: look in Rootly "
                "before re-running the job."
            )
            return errors.ServerFailed(
                f"Rootly had a problem on its side ({status}: {said}).{maybe} "
                "See https://status.rootly.com.",
                status,
                titles,
                maybe_applied=not idempotent,
            )
        return errors.RootlyError(f"Rootly answered {status}: {said}.", status, titles)

    def _rate_limited(self, response: httpx.Response) -> errors.RateLimited:
        reset = _header(response, "RateLimit-Reset")
        when = ""
        if reset and reset.isdigit():
            when = " It resets at " + time.strftime("%H:%M:%S UTC", time.gmtime(int(reset))) + "."
        return errors.RateLimited(
            f"Rootly's rate limit for this API token is used up (429), and it did not reset "
            f"within {MAX_RATE_LIMIT_WAIT:.0f} s.{when} Other automation may share the token: "
            "re-run the job later, or give this workflow a token of its own.",
            429,
        )

    def _timed_out(self, method: str, *, idempotent: bool) -> errors.TimedOut:
        maybe = (
            ""
            if idempotent
            else " The request was sent, so the incident may have been created: look in Rootly "
            "before re-running the job."
        )
        return errors.TimedOut(
            f"Rootly did not answer a {method} within {self._timeout:g} s.{maybe} "
            "Raise 'timeout-seconds' if Rootly is slow for you.",
            maybe_applied=not idempotent,
        )

    def _unreachable(self, problem: Exception) -> errors.Unreachable:
        if "CERTIFICATE_VERIFY_FAILED" in str(problem):
            return errors.Unreachable(
                f"Could not connect to Rootly at {self._base_url}: its TLS certificate is not "
                f"trusted ({_describe(problem)}). Behind a TLS-inspecting proxy or with a "
                "private CA, point SSL_CERT_FILE at a CA bundle that includes it (inside the "
                "action's container the workspace is /github/workspace)."
            )
        return errors.Unreachable(
            f"Could not connect to Rootly at {self._base_url} ({_describe(problem)}). "
            "Check 'api-url' and that the runner can reach it (proxy, firewall, DNS)."
        )

    def _connection_lost(self, problem: Exception, *, idempotent: bool) -> errors.Unreachable:
        maybe = (
            ""
            if idempotent
            else " The request may have reached Rootly: look for the incident before re-running."
        )
        return errors.Unreachable(
            f"The connection to Rootly at {self._base_url} broke ({_describe(problem)}).{maybe}",
            maybe_applied=not idempotent,
        )


def _pattern_for(host: str) -> str:
    return f"all://[{host}]" if ":" in host else f"all://{host}"


def _is_loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _header(response: httpx.Response, name: str) -> str:
    # Newer deployments prefix rate-limit headers with X-, older ones do not.
    return (response.headers.get(f"X-{name}") or response.headers.get(name) or "").strip()


def _error_titles(response: httpx.Response) -> tuple[str, ...]:
    try:
        payload = response.json()
    except ValueError:
        return ()
    if isinstance(payload, dict) and isinstance(payload.get("error"), str):
        return (payload["error"],)  # the 429 body is not JSON:API
    try:
        document = ErrorDocument.model_validate(payload)
    except ValidationError:
        return ()
    return tuple(
        error.title + (f" ({error.detail})" if error.detail else "")
        for error in document.errors
        if error.title
    )


def _describe(problem: Exception) -> str:
    return str(problem) or type(problem).__name__
