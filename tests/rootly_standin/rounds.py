"""Round trips, counted from when requests arrived and when their answers left."""

from __future__ import annotations

from collections.abc import Sequence

from .server import RecordedRequest


def round_trips(requests: Sequence[RecordedRequest]) -> list[int]:
    """For each request (in arrival order), which round trip of the client it belongs to.

    A request is in round 1 when no earlier answer had left before it arrived; else one
    round after the latest round whose answer it could have waited for. With a latency
    per answer, requests sent at once share a round, and each wait for an answer adds one.
    """
    ordered = sorted(requests, key=lambda request: request.arrived)
    rounds: list[int] = []
    for index, request in enumerate(ordered):
        waited = [
            rounds[earlier]
            for earlier in range(index)
            if ordered[earlier].answered and ordered[earlier].answered <= request.arrived
        ]
        rounds.append(1 + max(waited, default=0))
    return rounds
