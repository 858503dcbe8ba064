"""One HTTP client for one Rootly account: sending, retrying, paging, reading answers.

It stands alone: it knows Rootly's API, not who uses it. Requests are built by
`requests.py`, answers read by `responses.py`, and when to retry is `retry.py`'s call.
Failures are raised as the typed errors of `errors.py`, carrying data, not advice.
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, TypeVar, cast

import httpx

from . import errors
from .hosts import is_loopback
from .requests import ApiRequest, headers
from .retry import RetryPolicy, rate_limit_header

if TYPE_CHECKING:
    from .models import Incident, ListPage, Resource

__all__ = ["Pages", "RootlyClient", "proxy_for"]

T = TypeVar("T")

_CA_VARIABLES = ("SSL_CERT_FILE", "SSL_CERT_DIR")
# Below this many requests left in the rate-limit window, wait for it to reset first.
LOW_REMAINING = 3


class RootlyClient:
    """Talks to one Rootly account with one token. Use as a context manager.

    `deadline` is a moment on `clock` (monotonic seconds) after which nothing is sent
    and no wait goes on; each request's timeout is cut to the time left. `transport`
    lets tests answer in-process (`httpx.MockTransport`); `sleep`, `clock`, `wall_clock`
    and `rng` let them control time and chance.
    """

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        user_agent: str,
        timeout: float = 30.0,
        deadline: float | None = None,
        transport: httpx.BaseTransport | None = None,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        rng: Callable[[], float] = random.random,
        max_concurrency: int = 8,
    ) -> None:
        self.base_url = base_url
        self.timeout = timeout
        self.deadline = deadline
        self._policy = policy or RetryPolicy()
        self._sleep = sleep
        self._clock = clock
        self._wall_clock = wall_clock
        self._rng = rng
        self._max_concurrency = max_concurrency
        self._limit_lock = threading.Lock()
        self._remaining: int | None = None
        self._reset_at: float | None = None
        self.requests_sent = 0
        host = httpx.URL(base_url).host
        try:
            self._http = httpx.Client(
                base_url=base_url,
                timeout=timeout,
                transport=transport,
                # A loopback API never goes through a proxy: HTTP_PROXY would otherwise
                # receive the token in clear for an http://127.0.0.1 address.
                mounts={_pattern_for(host): None} if is_loopback(host) else None,
                headers=headers(token, user_agent),
                follow_redirects=False,
            )
        except (OSError, ValueError, ImportError) as problem:
            proxy = proxy_for(base_url)
            if proxy and (isinstance(problem, ImportError) or "proxy" in str(problem).lower()):
                detail = f"{proxy}: {_describe(problem)}"
                raise errors.ProxySetupFailed("SETUP", base_url, detail=detail) from None
            # httpx reads these when it builds its TLS context; name the one that failed.
            named = [
                f"{name}={os.environ[name]!r}" for name in _CA_VARIABLES if os.environ.get(name)
            ]
            detail = f"{', '.join(named)}: {_describe(problem)}" if named else _describe(problem)
            raise errors.TlsSetupFailed("SETUP", base_url, detail=detail) from None

    def __enter__(self) -> RootlyClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._http.close()

    def remaining(self) -> float | None:
        """Seconds left before the deadline; None without one."""
        return None if self.deadline is None else self.deadline - self._clock()

    # -- typed operations --------------------------------------------------------------

    def incident(self, request: ApiRequest) -> Incident:
        """Send a request whose answer is one incident, and read it."""
        return self.answered_incident(request)[0]

    def answered_incident(self, request: ApiRequest) -> tuple[Incident, int]:
        """Send a request whose answer is one incident; the incident and the status
        (a create answered 200 is a replay of an earlier one with its idempotency key)."""
        from .responses import decode_json, incident_from

        response = self.send(request)
        status = response.status_code
        return incident_from(
            request.method, request.path, status, decode_json(response.content)
        ), status

    def resource(self, request: ApiRequest) -> Resource:
        """Send a request whose answer is one resource of any kind, and read it."""
        from .responses import decode_json, resource_from

        response = self.send(request)
        return resource_from(
            request.method, request.path, response.status_code, decode_json(response.content)
        )

    def page(self, request: ApiRequest) -> ListPage:
        """Send a request for one page of a list, and read it."""
        from .responses import decode_json, page_from

        response = self.send(request)
        return page_from(
            request.method, request.path, response.status_code, decode_json(response.content)
        )

    def pages(self, request: ApiRequest, max_pages: int) -> Pages:
        """The pages of a list, up to `max_pages`, trusting no one field to say how many.

        When the first page gives `total_pages`, the rest are asked by number all at once
        (one round trip). A refused page number (Rootly refuses deep ones) switches to
        following the previous page's `meta.next_cursor` (`page[after]`) or `links.next`,
        one page at a time, as does a first page without a total; with none of those, a
        full page means there may be more, and the next number is asked.
        """
        read = [self.page(request.with_page(1))]
        total = read[0].meta.total_pages
        if total is not None and total > 1 and max_pages > 1:
            numbers = range(2, min(total, max_pages) + 1)
            later = self.gather(
                [_refusal_kept(partial(self.page, request.with_page(n))) for n in numbers]
            )
            for page in later:
                if isinstance(page, errors.BadRequest):
                    break  # a page number too deep for Rootly: go on from the last page read
                read.append(page)
            else:
                return Pages(read, more=total > len(read))
        while True:
            following = _next_page(request, read[-1], len(read))
            if following is None:
                return Pages(read, more=total is not None and total > len(read))
            if len(read) >= max_pages:
                return Pages(read, more=True)
            try:
                read.append(self.page(following))
            except errors.BadRequest:
                if "page[number]" not in following.params:
                    raise
                # Only a full page suggested more; past the last page is refused here.
                return Pages(read, more=False)

    def gather(self, calls: Sequence[Callable[[], T]]) -> list[T]:
        """Run independent calls at the same time; their results in the same order.

        The first failure is raised once every call has finished. The workers are daemon
        threads: when the step is cancelled mid-round (SIGTERM raises in the main
        thread), the process exits at once instead of waiting for answers that no
        longer matter (a ThreadPoolExecutor joins its workers at exit).
        """
        if len(calls) <= 1:
            return [call() for call in calls]
        waiting = list(enumerate(calls))
        outcomes: dict[int, tuple[bool, object]] = {}
        lock = threading.Lock()

        def work() -> None:
            while True:
                with lock:
                    if not waiting:
                        return
                    index, call = waiting.pop(0)
                try:
                    outcome: tuple[bool, object] = (True, call())
                except BaseException as failure:  # noqa: BLE001 - handed to the caller
                    outcome = (False, failure)
                with lock:
                    outcomes[index] = outcome

        workers = [
            threading.Thread(target=work, daemon=True)
            for _ in range(min(self._max_concurrency, len(calls)))
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        results: list[T] = []
        for index in range(len(calls)):
            succeeded, value = outcomes[index]
            if not succeeded:
                assert isinstance(value, BaseException)
                raise value
            results.append(cast("T", value))  # what call() returned
        return results

    # -- sending -----------------------------------------------------------------------

    def send(self, request: ApiRequest) -> httpx.Response:
        """Send, retrying as `RetryPolicy` allows within the deadline; a 2xx or an error."""
        attempt = 0
        while True:
            attempt += 1
            self._wait_for_rate_limit(request)
            response, failure, reached = self._try_once(request)
            if response is not None and response.is_success:
                return response
            status = response.status_code if response is not None else None
            wait = self._policy.wait_before_retry(
                attempt=attempt,
                writes=request.writes,
                reached_rootly=reached,
                status=status,
                headers=response.headers if response is not None else {},
                now=self._wall_clock(),
                unit=self._rng(),
            )
            error = failure or self._error_for(request, response)
            left = self.remaining()
            if wait is None or (left is not None and wait >= left):
                raise error
            if status == 429:
                with self._limit_lock:
                    self._remaining = None  # this wait is the reset: no second wait for it
            self._sleep(wait)

    def _try_once(
        self, request: ApiRequest
    ) -> tuple[httpx.Response | None, errors.RootlyError | None, bool]:
        """(answer, failure, whether the request may have reached Rootly)."""
        method, path = request.method, request.path
        failure: errors.RootlyError
        left = self.remaining()
        if left is not None and left <= 0:
            raise errors.DeadlineExceeded(method, path, detail="the step's deadline passed")
        timeout = self.timeout if left is None else min(self.timeout, left)
        self.requests_sent += 1
        try:
            response = self._http.request(
                method,
                path,
                params=request.params or None,
                json=request.body,
                headers=request.headers or None,
                timeout=timeout,
            )
        except httpx.ProxyError as problem:
            # The proxy would not open the tunnel: Rootly saw nothing.
            proxy = proxy_for(self.base_url) or "a proxy"
            failure = errors.ProxyRefused(method, path, detail=f"{proxy}: {_describe(problem)}")
            return None, failure, False
        except (httpx.ConnectError, httpx.ConnectTimeout) as problem:
            # The connection never opened, so Rootly saw nothing.
            proxy = proxy_for(self.base_url)
            through = f" (through the proxy {proxy})" if proxy else ""
            failure = errors.Unreachable(method, path, detail=_describe(problem) + through)
            if "CERTIFICATE_VERIFY_FAILED" in failure.detail:
                raise failure from None  # trying again cannot make the certificate trusted
            return None, failure, False
        except httpx.TimeoutException:
            # Rootly may still apply a write it did not answer in time.
            failure = errors.TimedOut(
                method,
                path,
                detail=f"no answer within {timeout:g} s",
                maybe_applied=request.writes,
                waited=timeout,
            )
            return None, failure, True
        except (httpx.TransportError, httpx.InvalidURL) as problem:
            failure = errors.ConnectionLost(
                method, path, detail=_describe(problem), maybe_applied=request.writes
            )
            return None, failure, True
        self._note_rate_limit(response)
        return response, None, True

    def _error_for(
        self, request: ApiRequest, response: httpx.Response | None
    ) -> errors.RootlyError:
        from .responses import decode_json, error_for_status, error_titles

        assert response is not None  # a failure without an answer is raised as it is
        method, path, status = request.method, request.path, response.status_code
        document = decode_json(response.content)
        if status == 429:
            reset = rate_limit_header(response.headers, "Reset")
            return errors.RateLimited(
                method,
                path,
                status=429,
                reset_at=float(reset) if reset.isdigit() else None,
                titles=error_titles(document),
            )
        return error_for_status(method, path, status, document, response.reason_phrase)

    # -- rate limit ------------------------------------------------------------------------

    def _note_rate_limit(self, response: httpx.Response) -> None:
        remaining = rate_limit_header(response.headers, "Remaining")
        reset = rate_limit_header(response.headers, "Reset")
        with self._limit_lock:
            if remaining.isdigit():
                self._remaining = int(remaining)
            if reset.isdigit():
                self._reset_at = float(reset)

    def _wait_for_rate_limit(self, request: ApiRequest) -> None:
        """When the window is nearly used up, wait for its reset instead of causing 429s."""
        with self._limit_lock:
            remaining, reset_at = self._remaining, self._reset_at
            if remaining is None or reset_at is None or remaining > LOW_REMAINING:
                return
            self._remaining = None  # one thread waits for the reset; the answers tell the rest
        wait = max(0.0, reset_at - self._wall_clock()) + self._rng() * 2.0
        left = self.remaining()
        if left is not None:
            wait = min(wait, max(0.0, left - 1.0))
        if wait > 0:
            self._sleep(wait)


@dataclass(frozen=True)
class Pages:
    """The pages of a list that were read, and whether more were left unread."""

    pages: list[ListPage]
    more: bool = False


def _refusal_kept(call: Callable[[], ListPage]) -> Callable[[], ListPage | errors.BadRequest]:
    """`call`, handing back a 400 instead of raising it: among pages asked together, a
    refused page number is a reason to go on another way, not a failure."""

    def guarded() -> ListPage | errors.BadRequest:
        try:
            return call()
        except errors.BadRequest as refused:
            return refused

    return guarded


def _next_page(request: ApiRequest, page: ListPage, read: int) -> ApiRequest | None:
    """The request for the page after `page` (the `read`-th), or None when it is the last."""
    if page.meta.next_cursor:
        return request.after(page.meta.next_cursor)
    if page.links.next:
        return request.following(page.links.next)
    size = request.params.get("page[size]")
    if page.meta.total_pages is None and isinstance(size, int) and len(page.data) >= size:
        number = (page.meta.current_page or read) + 1
        return request.with_page(number)
    return None


# The variables httpx reads for a proxy, by the scheme of the URL, most specific first.
_PROXY_VARIABLES = {
    "https": ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"),
    "http": ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"),
}


def proxy_for(url: str) -> str:
    """`NAME='value'` of the proxy variable that applies to `url` (its password hidden),
    or '' when none does (none set, NO_PROXY names the host, or the host is loopback)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    host = parts.hostname or ""
    if is_loopback(host) or _bypassed(host):
        return ""
    for name in _PROXY_VARIABLES.get(parts.scheme, ()):
        value = os.environ.get(name, "")
        if value:
            shown = urlsplit(value)
            if shown.password is not None or shown.username is not None:
                value = shown._replace(netloc="***@" + shown.netloc.rsplit("@", 1)[-1]).geturl()
            return f"{name}={value!r}"
    return ""


def _bypassed(host: str) -> bool:
    """Whether NO_PROXY names `host` (itself, a domain above it, or `*`)."""
    listed = os.environ.get("NO_PROXY") or os.environ.get("no_proxy") or ""
    for entry in (item.strip().lstrip(".").lower() for item in listed.split(",")):
        if entry == "*" or (entry and (host == entry or host.endswith("." + entry))):
            return True
    return False


def _pattern_for(host: str) -> str:
    return f"all://[{host}]" if ":" in host else f"all://{host}"


def _describe(problem: Exception) -> str:
    return str(problem) or type(problem).__name__
