"""Keys that tell one incident from another across re-runs, retries and parallel jobs.

Pure: deciding which incident is "the same" is kept apart from looking for it.
Rootly's API has no idempotency key, so the action writes its own into the incident's
labels and compares them exactly on its side: Rootly's `filter[labels]` has no
documented value format, so it is never relied on.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import TYPE_CHECKING

from .context import RunContext

if TYPE_CHECKING:
    from .rootly.models import Incident

DEDUP_LABEL = "rootly_action_dedup_key"
PARENT_LABEL = "rootly_action_parent_key"
# A random token per action process, on everything it creates: after a lost answer it
# tells "the incident I created" from one another job created at the same moment.
CREATOR_LABEL = "rootly_action_creator"

CLOSED_STATUSES = frozenset({"resolved", "cancelled", "closed", "completed"})


def _digest(*parts: str) -> str:
    material = "\x1f".join(parts).encode("utf-8")
    return "sha256:" + hashlib.sha256(material).hexdigest()[:32]


def default_dedup_key(context: RunContext, title: str) -> str:
    """Same run, job and title: the same incident. Attempts share it; matrix titles differ."""
    return _digest(
        "incident", context.repository, context.workflow, context.run_id, context.job, title
    )


def default_parent_key(context: RunContext) -> str:
    """One parent per workflow run, whatever job or attempt asks."""
    return _digest("parent", context.repository, context.run_id)


def is_open(incident: Incident) -> bool:
    return (incident.attributes.status or "") not in CLOSED_STATUSES


def labelled(incidents: Iterable[Incident], label: str, value: str) -> list[Incident]:
    """Open incidents whose `label` is exactly `value`, oldest first.

    Oldest means created first: Rootly numbers incidents in the order it creates them,
    so every job that sees the same incidents picks the same first one.
    """
    found = [
        incident
        for incident in incidents
        if is_open(incident) and str((incident.attributes.labels or {}).get(label)) == value
    ]
    return sorted(found, key=_creation_order)


def _creation_order(incident: Incident) -> tuple[int, str, str]:
    number = incident.attributes.sequential_id
    return (
        number if number is not None else 2**62,
        incident.attributes.created_at or "",
        incident.id,
    )
