"""Reads the jobs of the run that failed from GitHub's REST API, beside Rootly's first round.

The lookup never stands in the way of the incident: it runs in a thread of its own
(`JobsLookup`), the create waits for it only so long, and every way it can fail (no
permission, a slow or unreachable GitHub, a rate limit, an answer that is not a jobs
list) comes back as `JobsMissing`: a sentence for a warning that says how to fix it,
never an exception.

The token goes only to `GITHUB_API_URL`, never over plain http unless the host is
loopback, and page links in GitHub's answers are never followed: each page's address
is built here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from ..rootly.hosts import is_loopback
from .escape import one_line
from .jobs import FailedJob, JobsAnswerMalformed, failed_jobs, jobs_page

if TYPE_CHECKING:
    import httpx

__all__ = [
    "MAX_PAGES",
    "PER_PAGE",
    "JobsFound",
    "JobsLookup",
    "JobsMissing",
    "JobsOutcome",
    "fetch_failed_jobs",
    "jobs_path",
]

PER_PAGE = 100  # GitHub's largest page
MAX_PAGES = 10  # 1,000 jobs: more than any run GitHub allows to start
API_VERSION = "2022-11-28"
PERMISSION_HINT = (
    "give the job `permissions: actions: read` (with a `permissions:` block, every "
    "permission not named is none), or pass a token that can read this repository's "
    "Actions runs as 'github-token'"
)


@dataclass(frozen=True)
class JobsFound:
    """The run's failed jobs (possibly none), and how many requests it took."""

    jobs: tuple[FailedJob, ...]
    requests: int = 1


@dataclass(frozen=True)
class JobsMissing:
    """Why the failed jobs could not be read, and what to do: one warning's text."""

    reason: str


JobsOutcome = JobsFound | JobsMissing


class JobsLookup:
    """A lookup started at once in a daemon thread (a slow GitHub never holds up the
    step's exit); `wait` gives its outcome, or None while it is still running."""

    def __init__(self, fetch: Callable[[], JobsOutcome]) -> None:
        self._outcome: JobsOutcome | None = None
        self._done = threading.Event()

        def run() -> None:
            try:
                self._outcome = fetch()
            except Exception as bug:  # noqa: BLE001 - a lookup must never fail the step
                self._outcome = JobsMissing(f"reading them failed unexpectedly ({bug!r})")
            finally:
                self._done.set()

        threading.Thread(target=run, name="github-jobs", daemon=True).start()

    def wait(self, seconds: float) -> JobsOutcome | None:
        """The outcome once there is one, waiting at most `seconds` for it."""
        self._done.wait(max(0.0, seconds))
        return self._outcome


def jobs_path(repository: str, run_id: str, attempt: str) -> str:
    """The path of the jobs of one attempt of one run, each part percent-encoded."""
    owner, _, name = repository.partition("/")
    parts = (quote(owner, safe=""), quote(name, safe=""), quote(run_id, safe=""))
    return (
        f"/repos/{parts[0]}/{parts[1]}/actions/runs/{parts[2]}"
        f"/attempts/{quote(attempt or '1', safe='')}/jobs"
    )


def fetch_failed_jobs(
    api_url: str,
    token: str,
    path: str,
    *,
    timeout: float,
    user_agent: str,
    transport: httpx.BaseTransport | None = None,
) -> JobsOutcome:
    """Every page of the jobs at `path`, read into the failed jobs; never raises."""
    parts = urlsplit(api_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return JobsMissing(f"GITHUB_API_URL ({api_url!r}) is not an http(s) address")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        return JobsMissing(
            f"GITHUB_API_URL ({api_url}) is plain http, and the token is not sent over it "
            "unless the host is loopback"
        )
    import httpx

    try:
        client = httpx.Client(
            base_url=api_url.rstrip("/"),
            timeout=timeout,
            transport=transport,
            follow_redirects=False,
            # A loopback API never goes through a proxy, which would see the token.
            mounts={_pattern_for(parts.hostname): None} if is_loopback(parts.hostname) else None,
            headers={
                "Authorization": f"Bearer {token}",
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": API_VERSION,
                "User-Agent": user_agent,
            },
        )
    except (OSError, ValueError, ImportError) as problem:
        return JobsMissing(f"no connection to GitHub could be set up ({problem})")
    with client:
        return _read_every_page(client, path)


def _read_every_page(client: httpx.Client, path: str) -> JobsOutcome:
    first = _page(client, path, 1)
    if isinstance(first, JobsMissing):
        return first
    total, jobs = first
    pages = min(MAX_PAGES, max(1, -(-total // PER_PAGE)))
    if pages > 1:
        with ThreadPoolExecutor(max_workers=min(4, pages - 1)) as pool:
            rest = list(pool.map(lambda number: _page(client, path, number), range(2, pages + 1)))
        for page in rest:
            if isinstance(page, JobsMissing):
                return page
            jobs.extend(page[1])
    try:
        return JobsFound(failed_jobs(jobs), requests=pages)
    except JobsAnswerMalformed as problem:
        return JobsMissing(f"GitHub's answer was not a jobs list ({problem})")


def _page(client: httpx.Client, path: str, number: int) -> tuple[int, list[Any]] | JobsMissing:
    import httpx

    try:
        response = client.get(path, params={"per_page": PER_PAGE, "page": number})
    except httpx.TimeoutException:
        return JobsMissing(
            f"GitHub did not answer within {client.timeout.read or 0:g} s; "
            "the incident was declared without waiting longer"
        )
    except httpx.HTTPError as problem:
        return JobsMissing(f"GitHub could not be reached ({type(problem).__name__}: {problem})")
    refused = _refusal(response)
    if refused:
        return JobsMissing(refused)
    try:
        return jobs_page(response.json())
    except (ValueError, JobsAnswerMalformed) as problem:
        return JobsMissing(f"GitHub's answer was not a jobs list ({problem})")


def _refusal(response: httpx.Response) -> str:
    """Why GitHub refused, and what to do; '' for a 200."""
    status = response.status_code
    if status == 200:
        return ""
    said = _message(response)
    limited = response.headers.get("x-ratelimit-remaining") == "0"
    if status == 429 or (status == 403 and limited):
        return (
            f"GitHub's rate limit for this token is used up ({status}: {said}); the jobs "
            "will be named again once it resets"
        )
    if status in (403, 404):
        return f"GitHub refused to list the run's jobs ({status}: {said}): {PERMISSION_HINT}"
    if status == 401:
        return f"GitHub refused the token ({status}: {said}): check 'github-token'"
    return f"GitHub answered {status} ({said})"


def _pattern_for(host: str) -> str:
    return f"all://[{host}]" if ":" in host else f"all://{host}"


def _message(response: httpx.Response) -> str:
    """GitHub's own `message`, on one line and short, or the status's reason."""
    try:
        document = response.json()
    except ValueError:
        document = None
    message = document.get("message") if isinstance(document, dict) else None
    text = message if isinstance(message, str) and message else response.reason_phrase
    return one_line(text)[:200]
