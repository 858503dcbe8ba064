"""In-process stand-ins for unit tests: a runner that records, a clock that never sleeps,
and an incident store in memory whose listing the test controls."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from rootly_incident_action.flows.store import Created, Search
from rootly_incident_action.plan.draft import FORM_FIELD_ATTRIBUTES
from rootly_incident_action.rootly import errors
from rootly_incident_action.rootly.models import Incident
from rootly_incident_action.rootly.requests import ApiRequest, FormFieldSelection


@dataclass
class RecordingRunner:
    """A `Runner` that keeps everything the action says, for assertions."""

    inputs: dict[str, str] = field(default_factory=dict)
    lines: list[tuple[str, str]] = field(default_factory=list)  # (level, text)
    outputs: dict[str, str] = field(default_factory=dict)
    summary: list[str] = field(default_factory=list)
    masked: list[str] = field(default_factory=list)

    def read_input(self, name: str) -> str:
        return self.inputs.get(name, "").strip()

    def mask(self, secret: str) -> None:
        self.masked.append(secret)
        self.lines.append(("mask", secret))

    def info(self, message: str) -> None:
        self.lines.append(("info", message))

    def debug(self, message: str) -> None:
        self.lines.append(("debug", message))

    def warning(self, message: str, title: str | None = None) -> None:
        self.lines.append(("warning", f"{title}: {message}" if title else message))

    def error(self, message: str, title: str | None = None) -> None:
        self.lines.append(("error", f"{title}: {message}" if title else message))

    def set_output(self, name: str, value: str) -> None:
        self.outputs[name] = value

    def append_summary(self, markdown: str) -> None:
        self.summary.append(markdown)

    @contextmanager
    def group(self, title: str) -> Iterator[None]:
        self.lines.append(("group", title))
        yield

    def said(self, level: str) -> list[str]:
        return [text for kind, text in self.lines if kind == level]


class FakeClock:
    """Monotonic time that moves only when something sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def incident(number: int, labels: dict[str, str] | None = None, **attributes: Any) -> Incident:
    """An incident as Rootly answers it; `number` is its sequential ID."""
    return Incident.model_validate(
        {
            "id": f"id-{number}",
            "type": "incidents",
            "attributes": {
                "sequential_id": number,
                "title": f"Incident {number}",
                "status": "started",
                "kind": "normal",
                "url": f"https://rootly.test/incidents/{number}-incident",
                "short_url": f"https://rootly.link/{number}",
                "labels": labels or {},
                **attributes,
            },
        }
    )


@dataclass
class MemoryStore:
    """An `IncidentStore` in memory. Incidents it holds are listed only once `visible`
    says so, which lets a test decide when each job sees each other job's incident."""

    incidents: list[Incident] = field(default_factory=list)
    visible: Callable[[Incident, int], bool] = lambda incident, search: True
    # Failures for the next creates: (the error, whether Rootly made the incident anyway).
    create_failures: list[tuple[errors.RootlyError, bool]] = field(default_factory=list)
    # Incidents made by a create whose answer was lost, shown only from this search on.
    late: dict[str, int] = field(default_factory=dict)
    searches: int = 0
    calls: list[str] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)
    retired: list[tuple[str, str]] = field(default_factory=list)
    selections: dict[str, list[FormFieldSelection]] = field(default_factory=dict)
    keeps_nested_form_fields: bool = True
    # Whether a create with an idempotency key already used answers with its incident.
    honours_keys: bool = False
    keys: list[str] = field(default_factory=list)  # every create's idempotency key
    made_with_key: dict[str, str] = field(default_factory=dict)
    refuse_duplicate_call: bool = False
    # Failures for writes sent together, by the end of their path ("resolve", "events").
    write_failures: dict[str, errors.RootlyError] = field(default_factory=dict)
    # Each batch of writes sent together, as "METHOD path" lines.
    batches: list[list[str]] = field(default_factory=list)

    def recent(self, *, fresh: bool = False) -> Search:
        self.searches += 1
        self.calls.append("search")
        shown = tuple(
            i
            for i in self.incidents
            if self.visible(i, self.searches) and self.late.get(i.id, 0) <= self.searches
        )
        return Search(shown)

    def newest(self) -> Search:
        return self.recent(fresh=True)  # the first page is all a test's store holds

    def get(self, id_or_slug: str) -> Incident:
        self.calls.append(f"get {id_or_slug}")
        for known in self.incidents:
            if id_or_slug in (known.id, known.attributes.slug):
                return known
        raise errors.NotFound("GET", f"/v1/incidents/{id_or_slug}", status=404)

    def create(self, attributes: dict[str, Any], idempotency_key: str) -> Created:
        self.calls.append("create")
        self.keys.append(idempotency_key)
        if self.create_failures and not self.create_failures[0][1]:
            raise self.create_failures.pop(0)[0]  # refused or lost before Rootly acted
        if self.honours_keys and idempotency_key in self.made_with_key:
            return Created(self.get(self.made_with_key[idempotency_key]), replayed=True)
        made = self.add(
            attributes.get("labels") or {},
            title=attributes.get("title"),
            parent_incident_id=attributes.get("parent_incident_id"),
            private=bool(attributes.get("private")),
        )
        self.made_with_key[idempotency_key] = made.id
        nested = [value for name in FORM_FIELD_ATTRIBUTES for value in attributes.get(name) or []]
        if self.keeps_nested_form_fields:
            self.selections[made.id] = nested
        if self.create_failures:
            raise self.create_failures.pop(0)[0]  # made, but the answer was lost
        return Created(made)

    def add(self, labels: dict[str, str], **attributes: Any) -> Incident:
        """An incident made by anyone (this job or another), numbered in creation order."""
        made = incident(len(self.incidents) + 1, labels, **attributes)
        self.incidents.append(made)
        return made

    def retire(self, duplicate: Incident, survivor: Incident, reason: str) -> str:
        self.calls.append(f"retire {duplicate.id}")
        self.retired.append((duplicate.id, survivor.id))
        self.incidents = [i if i.id != duplicate.id else _cancelled(i) for i in self.incidents]
        return "the update call" if self.refuse_duplicate_call else "the duplicate call"

    def note(self, incident_id: str, text: str) -> None:
        self.notes.append((incident_id, text))

    def form_field_ids(self, incident_id: str) -> set[str]:
        self.calls.append("form fields")
        return {s["form_field_id"] for s in self.selections.get(incident_id, [])}

    def add_form_field_selection(self, incident_id: str, selection: FormFieldSelection) -> None:
        self.calls.append(f"add form field {selection['form_field_id']}")
        self.selections.setdefault(incident_id, []).append(selection)

    def selections_of(
        self, incident_ids: Sequence[str]
    ) -> list[dict[str, str] | errors.RootlyError]:
        self.calls.append(f"read values of {', '.join(incident_ids)}")
        return [
            {s["form_field_id"]: f"value-{s['form_field_id']}" for s in self.selections.get(i, [])}
            for i in incident_ids
        ]

    def send_together(
        self, writes: Sequence[tuple[ApiRequest, bool]]
    ) -> list[Incident | errors.RootlyError | None]:
        self.batches.append([f"{request.method} {request.path}" for request, _ in writes])
        return [self._write(request) for request, _ in writes]

    def _write(self, request: ApiRequest) -> Incident | errors.RootlyError | None:
        parts = [unquote(part) for part in request.path.split("/")]  # '', v1, incidents, id
        incident_id, last = parts[3], parts[-1]
        failure = self.write_failures.pop(last, None)
        if failure is not None:
            return failure
        attributes = (request.body or {})["data"]["attributes"]
        if "form_field_selections" in request.path:
            self.calls.append(f"{request.method} form field value")
            return None
        if last == "events":
            self.notes.append((incident_id, attributes["event"]))
            return None
        changes = dict(attributes)
        if last in _STATUS_AFTER:
            changes = {"status": _STATUS_AFTER[last]}
        known = self.get(incident_id)
        changed = known.model_copy(
            update={"attributes": known.attributes.model_copy(update=changes)}
        )
        self.incidents = [changed if i.id == known.id else i for i in self.incidents]
        return changed


_STATUS_AFTER = {"mitigate": "mitigated", "resolve": "resolved", "cancel": "cancelled"}


def _cancelled(known: Incident) -> Incident:
    attributes = known.attributes.model_copy(update={"status": "cancelled"})
    return known.model_copy(update={"attributes": attributes})
