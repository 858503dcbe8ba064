"""The conversation with Rootly that declares one incident without ever making two.

- Before creating, look for an open incident carrying the same dedup key (a re-run,
  a repeated step): if there is one, reuse it and note the repeat on its timeline.
- When a create fails in a way that leaves it unknown whether Rootly made the incident
  (timeout, dropped connection, 5xx), look the key up before trying again.
- In pipeline mode, find or create the run's parent incident. Jobs that fail at the
  same moment may each create one; every job then looks again and keeps the oldest
  open parent (Rootly numbers incidents in creation order, so all jobs agree), and a
  job whose own parent lost marks it a duplicate of the survivor before it declares
  its incident under the survivor.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from .context import RunContext
from .dedup import CREATOR_LABEL, labelled
from .errors import ActionError
from .incident import IncidentDraft, describe_references
from .rootly.client import RootlyClient
from .rootly.errors import NotFound, PermissionDenied, Rejected, RootlyError, UnexpectedAnswer
from .rootly.models import Incident
from .runner import Runner

MAX_CREATE_ATTEMPTS = 3
# How many pages (of 100) of recent incidents are searched for a key at most.
MAX_PAGES = 10


class ParentNotFound(ActionError):
    title = "Parent incident not found"


@dataclass(frozen=True)
class Declared:
    incident: Incident
    created: bool
    parent: Incident | None = None


class RecentIncidents:
    """Incidents created within the dedup window, fetched once and again on demand."""

    def __init__(self, client: RootlyClient, window_hours: float, runner: Runner) -> None:
        self._client = client
        self._since = (datetime.now(UTC) - timedelta(hours=window_hours)).strftime(
            "%Y-%m-%dT%H:%M:%SZ"
        )
        self._runner = runner
        self._incidents: list[Incident] | None = None

    def open_with(self, label: str, value: str) -> list[Incident]:
        if self._incidents is None:
            self.refresh()
        return labelled(self._incidents or [], label, value)

    def refresh(self) -> None:
        incidents: list[Incident] = []
        for number in range(1, MAX_PAGES + 1):
            try:
                page = self._client.list_incidents(self._since, number)
            except (NotFound, PermissionDenied) as refused:
                raise type(refused)(
                    f"{refused.message} This was the search for an open incident with the same "
                    "dedup key (GET /v1/incidents): give the token permission to read "
                    "incidents, or set 'deduplicate: false'.",
                    refused.status,
                    refused.titles,
                ) from None
            incidents.extend(page.data)
            if number >= (page.meta.total_pages or 1):
                break
        else:
            self._runner.warning(
                f"More than {MAX_PAGES * 100} incidents were created since {self._since}; "
                "only the newest were searched for a duplicate. Lower 'dedup-window-hours'.",
                title="Duplicate search cut short",
            )
        self._incidents = incidents


class Declarer:
    def __init__(
        self,
        client: RootlyClient,
        runner: Runner,
        context: RunContext,
        window_hours: float,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._client = client
        self._runner = runner
        self._context = context
        self._sleep = sleep
        self._recent = RecentIncidents(client, window_hours, runner)
        # Marks what this process creates, so a lost answer can be told apart from
        # another job's incident created at the same moment.
        self._creator = uuid.uuid4().hex
        self._created: list[Incident] = []

    def declare(self, draft: IncidentDraft, parent_draft: IncidentDraft | None) -> Declared:
        """Find or create the incident (and its parent); a failure says what already exists."""
        try:
            return self._declare(draft, parent_draft)
        except ActionError as failure:
            if self._created:
                # Nothing half-done that the user does not know about.
                made = ", ".join(
                    f"{_label(incident)} ({incident.attributes.url or incident.id})"
                    for incident in self._created
                )
                failure.message += f"\nBefore this failed, the action created {made} in Rootly."
            raise

    def _declare(self, draft: IncidentDraft, parent_draft: IncidentDraft | None) -> Declared:
        parent = None
        if parent_draft is not None:
            parent = self._pipeline_parent(parent_draft)
            draft = draft.under_parent(parent.id)
        elif draft.parent_incident is not None:
            parent = self._given_parent(draft.parent_incident.text)
            draft = draft.under_parent(parent.id)

        if draft.dedup_key:
            existing = self._recent.open_with(draft.dedup_label, draft.dedup_key)
            if existing:
                self._note_repeat(existing[0])
                return Declared(existing[0], created=False, parent=parent)
        incident, created = self._create(draft)
        if not created:
            self._note_repeat(incident)
        return Declared(incident, created=created, parent=parent)

    def _given_parent(self, id_or_slug: str) -> Incident:
        try:
            return self._client.get_incident(id_or_slug)
        except NotFound:
            raise ParentNotFound(
                f"input 'parent-incident-id': no incident has the ID or slug {id_or_slug!r}, "
                "or the token cannot see it. Pass the parent's ID or slug (the "
                "`incident-id` or `incident-slug` output of the step that declared it)."
            ) from None

    def _pipeline_parent(self, parent_draft: IncidentDraft) -> Incident:
        label, key = parent_draft.dedup_label, parent_draft.dedup_key or ""
        found = self._recent.open_with(label, key)
        if found:
            return found[0]
        mine, created = self._create(parent_draft)
        if not created:
            return mine  # another job's parent turned up while we retried
        # Other jobs may have created a parent at the same moment: look again, keep the
        # oldest. The look happens after our create, so every job sees the oldest one.
        self._recent.refresh()
        survivor = next(iter(self._recent.open_with(label, key)), mine)
        if survivor.id != mine.id:
            self._retire_duplicate(mine, survivor)
        return survivor

    def _retire_duplicate(self, duplicate: Incident, survivor: Incident) -> None:
        try:
            try:
                self._client.mark_duplicate(duplicate.id, survivor.id)
            except (Rejected, NotFound, UnexpectedAnswer):
                # Rootly's spec gives the duplicate call a body that cannot name the
                # original; should Rootly refuse ours, the update call does the same job.
                self._client.cancel_as_duplicate(duplicate.id, survivor.id)
        except RootlyError as failure:
            self._runner.warning(
                f"Another job created the run's parent incident first, so this job's parent "
                f"{_label(duplicate)} is a duplicate of {_label(survivor)}, but marking it so "
                f"failed ({failure.message}). Cancel it by hand.",
                title="Duplicate parent left open",
            )
        else:
            self._runner.info(
                f"Another job created the run's parent incident first: {_label(duplicate)} "
                f"is marked a duplicate of {_label(survivor)}."
            )

    def _create(self, draft: IncidentDraft) -> tuple[Incident, bool]:
        """Create once; (incident, True), or (an open twin another job made, False)."""
        body = draft.with_labels({CREATOR_LABEL: self._creator}).request_body()
        for attempt in range(1, MAX_CREATE_ATTEMPTS + 1):
            try:
                incident = self._client.create_incident(body)
            except NotFound as missing:
                raise NotFound(
                    f"{missing.message} Rootly says this when an ID the incident refers to "
                    "does not exist or the token cannot see it. The IDs sent were: "
                    f"{describe_references(draft)}. Check each in Rootly.",
                    missing.status,
                    missing.titles,
                ) from None
            except RootlyError as failure:
                if not (failure.maybe_applied and draft.dedup_key) or (
                    attempt == MAX_CREATE_ATTEMPTS
                ):
                    raise
                # Never create twice: find out whether Rootly made it before trying again.
                self._sleep(float(attempt))
                self._recent.refresh()
                twins = self._recent.open_with(draft.dedup_label, draft.dedup_key)
                ours = [
                    incident
                    for incident in twins
                    if (incident.attributes.labels or {}).get(CREATOR_LABEL) == self._creator
                ]
                if ours:
                    self._runner.info(
                        f"{failure.title}, but Rootly did create {_label(ours[0])}: using it."
                    )
                    self._created.append(ours[0])
                    return ours[0], True
                if twins:
                    return twins[0], False
                self._runner.info(f"{failure.title}, and Rootly has no such incident: retrying.")
            else:
                self._created.append(incident)
                return incident, True
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _note_repeat(self, incident: Incident) -> None:
        context = self._context
        attempt = f" attempt {context.run_attempt}" if context.run_attempt else ""
        where = f"job '{context.job}'" if context.job else "a job"
        link = f": {context.run_url}" if context.run_url else ""
        text = (
            f"Failed again in {where} of workflow '{context.workflow}', run "
            f"{context.run_id}{attempt}{link}"
        )
        try:
            self._client.add_event(incident.id, text)
        except RootlyError as failure:
            self._runner.warning(
                f"The repeat was not recorded on {_label(incident)}'s timeline: {failure.message}",
                title="Timeline event not added",
            )
        self._runner.info(
            f"{_label(incident)} is already open for this failure; it was reused, not recreated."
        )


def _label(incident: Incident) -> str:
    return f"incident {incident.label}"
