"""Keys that tell one incident from another across re-runs, retries and parallel jobs.

Pure: deciding which incident is "the same" is kept apart from looking for it.
The action writes its keys into the incident's labels and compares them exactly on its
side: Rootly's `filter[labels]` has no documented value format, so it is never relied
on. Each create also carries an `Idempotency-Key` derived from the same identity; a
Rootly that honours it replays instead of creating twice, and the labels remain the
fallback for one that ignores it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..github.context import RunContext

if TYPE_CHECKING:
    from ..rootly.models import Incident

__all__ = [
    "CLOSED_STATUSES",
    "CREATOR_LABEL",
    "DEDUP_LABEL",
    "PARENT_LABEL",
    "Settled",
    "default_dedup_key",
    "default_key",
    "default_parent_key",
    "grace_period",
    "idempotency_key",
    "is_open",
    "labelled",
    "made_by",
    "oldest_first",
    "run_attempt",
    "survivor_of",
    "workflow_dedup_key",
]

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
    """Same run, job and title: the same incident. Attempts share it; matrix titles differ.

    A failure seen from outside is keyed on what failed: the deployment, or the watched
    run (so re-runs of the watcher, and of the deploy, join one incident).
    """
    if context.deployment is not None:
        return _digest("deployment", context.repository, context.deployment.id)
    if context.watcher is not None:
        return _digest("workflow_run", context.repository, context.run_id)
    return _digest(
        "incident", context.repository, context.workflow, context.run_id, context.job, title
    )


def default_key(context: RunContext, title: str, scope: str) -> str:
    """The dedup key when none is given: `dedup-scope: run` (one incident per run's
    failure) or `workflow` (one open incident for the workflow on its ref)."""
    if scope == "workflow":
        return workflow_dedup_key(context)
    return default_dedup_key(context, title)


def workflow_dedup_key(context: RunContext) -> str:
    """Same repository, workflow and ref: the same incident, whatever run or job asks
    (`dedup-scope: workflow`). On `workflow_run` these are the watched run's, so the
    watcher keys on what it watches. The workflow is its file where GitHub says it (a
    name can be shared), else its name; another ref or workflow is another incident.
    """
    workflow = context.workflow_path or context.workflow
    return _digest("workflow", context.repository, workflow, context.ref_name)


def run_attempt(context: RunContext) -> str:
    """The attempt of the run this step belongs to (the watcher's own on `workflow_run`),
    as `repository/run/attempt`; '' outside a workflow run."""
    own = context.watcher
    run_id, attempt = (
        (own.run_id, own.run_attempt) if own else (context.run_id, context.run_attempt)
    )
    if not run_id:
        return ""
    return f"{context.repository}/{run_id}/{attempt or '1'}"


def idempotency_key(identity: str, attempt: str, body_form: str) -> str:
    """The `Idempotency-Key` of one create request. Pure.

    `identity` says which incident is meant (its dedup or parent label and key, or the
    step's own token when nothing else may share it); `attempt` is the run attempt
    (`run_attempt`); `body_form` tells apart the create's forms (with form field values
    under one name or another, or without), whose bodies differ. Every resend of one
    request gets the same key, another request another key, and a later attempt or run
    never one an earlier one used, so Rootly never replays an older run's incident.
    """
    return "rootly-action-" + _digest("idempotency", identity, attempt, body_form)[7:]


def default_parent_key(context: RunContext) -> str:
    """One parent per workflow run, whatever job or attempt asks."""
    return _digest("parent", context.repository, context.run_id)


def is_open(incident: Incident) -> bool:
    """Whether the incident still counts for deduplication (not resolved, cancelled, ...)."""
    return (incident.attributes.status or "") not in CLOSED_STATUSES


def labelled(incidents: Iterable[Incident], label: str, value: str) -> list[Incident]:
    """Open incidents whose `label` is exactly `value`, oldest first.

    Oldest means created first: Rootly numbers incidents in the order it creates them,
    so every job that sees the same incidents picks the same first one.
    """
    found = [
        incident
        for incident in incidents
        if is_open(incident) and incident.attributes.label_values.get(label) == value
    ]
    return oldest_first(found)


def oldest_first(incidents: Iterable[Incident]) -> list[Incident]:
    """Incidents in the order Rootly created them (its numbering), ties by creation time."""
    return sorted(incidents, key=_creation_order)


def made_by(incidents: Iterable[Incident], creator: str) -> list[Incident]:
    """The incidents one create attempt made, told apart by its creator label."""
    return [i for i in incidents if i.attributes.label_values.get(CREATOR_LABEL) == creator]


@dataclass(frozen=True)
class Settled:
    """Who keeps the key after a create: the survivor, and whether it is ours."""

    survivor: Incident
    ours_survives: bool


def survivor_of(ours: Incident, open_with_key: Iterable[Incident]) -> Settled:
    """After our create, every job looking at the same incidents keeps the same one.

    The oldest open incident carrying the key survives (lowest sequential ID: Rootly
    numbers in creation order); ours counts even if the listing has not caught up yet.
    """
    candidates = {incident.id: incident for incident in open_with_key}
    candidates.setdefault(ours.id, ours)
    survivor = min(candidates.values(), key=_creation_order)
    return Settled(survivor, survivor.id == ours.id)


def grace_period(timeout_seconds: float) -> float:
    """How long a create whose answer was lost may take to show up before we send another."""
    return max(10.0, 2 * timeout_seconds)


def _creation_order(incident: Incident) -> tuple[int, str, str]:
    number = incident.attributes.sequential_id
    return (
        number if number is not None else 2**62,
        incident.attributes.created_at or "",
        incident.id,
    )
