"""Rootly's rate limit: requests per API token over a sliding window."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

__all__ = ["SlidingWindow"]


class SlidingWindow:
    """At most `limit` requests per token in any `window` seconds; beyond, a 429."""

    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.time) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()
        self.refused = 0

    def take(self, token: str) -> tuple[bool, dict[str, str]]:
        """Count one request; (allowed, the rate-limit headers of its answer)."""
        now = self._clock()
        with self._lock:
            seen = self._seen.setdefault(token, deque())
            while seen and seen[0] <= now - self.window:
                seen.popleft()
            allowed = len(seen) < self.limit
            if allowed:
                seen.append(now)
            else:
                self.refused += 1
            reset = (seen[0] + self.window) if seen else now
        headers = {
            "Limit": str(self.limit),
            "Remaining": str(max(0, self.limit - len(seen))),
            "Used": str(len(seen)),
            "Reset": str(int(reset + 0.999)),
        }
        return allowed, headers
