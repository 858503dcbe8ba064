"""When to try a request again, and how long to wait first. Pure: one policy, one place.

- A connection that never opened, and a 429, mean Rootly did nothing: any request may
  be tried again.
- A read (GET) may be tried again after anything passing: a timeout, a dropped
  connection, a 5xx. Waits grow exponentially with random jitter, so many jobs failing
  at once do not retry in step.
- A write that may have reached Rootly is never repeated here: only its caller can find
  out whether it landed (by searching for what it made).
- `Retry-After` (seconds or an HTTP date) and the rate-limit reset header are honoured,
  on 429 and on 503.
- Nothing waits past the caller's deadline.
"""

from __future__ import annotations

import email.utils
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["RetryPolicy", "rate_limit_header", "retry_after"]


@dataclass(frozen=True)
class RetryPolicy:
    """How patient the client is."""

    max_attempts: int = 8
    # A refused connection is retried less: a wrong api-url should fail fast.
    max_connect_attempts: int = 3
    base_delay: float = 0.5
    max_delay: float = 8.0
    # Added to a rate-limit reset, at random: fifty jobs must not return in one second.
    rate_limit_jitter: float = 2.0

    def backoff(self, attempt: int, unit: float) -> float:
        """The wait before try `attempt + 1`: exponential, half of it random (`unit` in [0, 1))."""
        ceiling = min(self.max_delay, self.base_delay * 2.0 ** (attempt - 1))
        return float(ceiling * (0.5 + unit / 2))

    def wait_before_retry(
        self,
        *,
        attempt: int,
        writes: bool,
        reached_rootly: bool,
        status: int | None,
        headers: Mapping[str, str],
        now: float,
        unit: float,
    ) -> float | None:
        """Seconds to wait before trying again, or None when it must not be tried again.

        `reached_rootly` is False only when the connection never opened.
        """
        if attempt >= self.max_attempts:
            return None
        if status == 429:
            told = retry_after(headers, now, with_reset=True)
            wait = told if told is not None else self.backoff(attempt, unit)
            return wait + unit * self.rate_limit_jitter
        if not reached_rootly:
            return self.backoff(attempt, unit) if attempt < self.max_connect_attempts else None
        if writes:
            return None
        if status is None or status >= 500:
            told = retry_after(headers, now) if status == 503 else None
            return told if told is not None else self.backoff(attempt, unit)
        return None


def rate_limit_header(headers: Mapping[str, str], name: str) -> str:
    """`X-RateLimit-<name>`, or the same without `X-` as older deployments send it."""
    value = headers.get(f"x-ratelimit-{name.lower()}") or headers.get(f"ratelimit-{name.lower()}")
    return (value or "").strip()


def retry_after(
    headers: Mapping[str, str], now: float, *, with_reset: bool = False
) -> float | None:
    """Seconds until Rootly takes requests again, from Retry-After (or, for a 429, the
    rate limit's reset: it says when the window frees up, which says nothing of an
    outage).

    `headers` must be case-insensitive or lower-cased; `now` is the wall clock (epoch s).
    """
    text = (headers.get("retry-after") or "").strip()
    if text:
        if text.isdigit():
            return float(text)
        try:
            moment = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError):
            moment = None
        if moment is not None and moment.tzinfo is not None:
            return max(0.0, moment.timestamp() - now)
    reset = rate_limit_header(headers, "Reset")
    if with_reset and reset.isdigit():
        return max(0.0, float(reset) - now)
    return None
