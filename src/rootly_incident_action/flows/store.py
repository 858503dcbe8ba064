"""The incidents the action reads and writes, behind a small protocol.

`declare.py` runs its sequence against `IncidentStore`; `RootlyStore` is the one backed
by Rootly's API, and unit tests hand it an in-memory store whose listing they control.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from ..parsing import incident_number
from ..rootly import errors
from ..rootly import requests as api

if TYPE_CHECKING:
    from ..rootly.client import RootlyClient
    from ..rootly.models import Incident
    from ..rootly.requests import FormFieldSelection

__all__ = [
    "MAX_SEARCH_PAGES",
    "SEARCHED_KINDS",
    "Created",
    "IncidentStore",
    "RootlyStore",
    "Search",
]

# The duplicate search reads at most this many pages of 100 incidents, newest first.
MAX_SEARCH_PAGES = 10
# Named explicitly: Rootly's default listing may leave sub-incidents or test ones out.
SEARCHED_KINDS = ("normal", "normal_sub", "test", "test_sub")


@dataclass(frozen=True)
class Created:
    """A create's answer: the incident, and whether Rootly replayed it (200) for an
    earlier request with the same idempotency key instead of making it now (201)."""

    incident: Incident
    replayed: bool = False


@dataclass(frozen=True)
class Search:
    """The incidents created within the dedup window, as far as they were read."""

    incidents: tuple[Incident, ...]
    unreadable: int = 0  # entries skipped because they could not be read
    truncated: bool = False  # more pages existed than were read


class IncidentStore(Protocol):
    """What declaring an incident needs from Rootly."""

    def recent(self, *, fresh: bool = False) -> Search:
        """Incidents created within the dedup window; `fresh` reads them again."""
        ...

    def newest(self) -> Search:
        """The newest incidents of the dedup window, one page: where a create that was
        just sent shows up."""
        ...

    def get(self, id_or_slug: str) -> Incident:
        """One incident, by ID or slug."""
        ...

    def create(self, attributes: dict[str, Any], idempotency_key: str) -> Created:
        """Create an incident (the `new_incident` attributes) with an idempotency key."""
        ...

    def retire(self, duplicate: Incident, survivor: Incident, reason: str) -> str:
        """Mark `duplicate` a duplicate of `survivor` (cancelling it, saying `reason`);
        returns how."""
        ...

    def note(self, incident_id: str, text: str) -> None:
        """Add an internal timeline event."""
        ...

    def form_field_ids(self, incident_id: str) -> set[str]:
        """The IDs of the form fields the incident has values for."""
        ...

    def add_form_field_selection(self, incident_id: str, selection: FormFieldSelection) -> None:
        """Add one form field value to an existing incident."""
        ...

    def selections_of(
        self, incident_ids: Sequence[str]
    ) -> list[dict[str, str] | errors.RootlyError]:
        """For each incident, at once: form field ID -> the ID of its value (selection),
        or the failure to read them."""
        ...

    def send_together(
        self, writes: Sequence[tuple[api.ApiRequest, bool]]
    ) -> list[Incident | errors.RootlyError | None]:
        """Send independent writes at once (`True`: the answer is the incident); each
        one's result in order, a failure included as the error, never raised."""
        ...


class RootlyStore:
    """`IncidentStore` on Rootly's API, through one `RootlyClient`."""

    def __init__(
        self,
        client: RootlyClient,
        window_hours: float,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._client = client
        since = now() - timedelta(hours=window_hours)
        self._since = since.strftime("%Y-%m-%dT%H:%M:%SZ")
        self._search: Search | errors.RootlyError | None = None
        self._got: dict[str, Incident | errors.RootlyError] = {}

    def warm_recent(self) -> None:
        """Read the recent incidents ahead of need; a failure is raised when they are."""
        try:
            self._search = self._read_recent()
        except errors.RootlyError as failure:
            self._search = failure

    def warm(self, id_or_slug: str) -> None:
        """Read one incident ahead of need; a failure is raised when it is asked for."""
        try:
            self._got[id_or_slug] = self.get(id_or_slug)
        except errors.RootlyError as failure:
            self._got[id_or_slug] = failure

    def recent(self, *, fresh: bool = False) -> Search:
        if self._search is None or fresh:
            self._search = self._read_recent()
        if isinstance(self._search, errors.RootlyError):
            failure, self._search = self._search, None
            raise failure
        return self._search

    def _read_recent(self) -> Search:
        from ..rootly.models import read_incidents

        request = api.list_incidents(self._since, SEARCHED_KINDS)
        incidents: list[Incident] = []
        unreadable = 0
        listed = self._client.pages(request, MAX_SEARCH_PAGES)
        for page in listed.pages:
            found, skipped = read_incidents(page.data)
            incidents.extend(found)
            unreadable += skipped
        return Search(tuple(incidents), unreadable, truncated=listed.more)

    def newest(self) -> Search:
        from ..rootly.models import read_incidents

        page = self._client.page(api.list_incidents(self._since, SEARCHED_KINDS))
        found, skipped = read_incidents(page.data)
        return Search(tuple(found), skipped)

    def get(self, id_or_slug: str) -> Incident:
        known = self._got.pop(id_or_slug, None)
        if isinstance(known, errors.RootlyError):
            raise known
        if known is not None:
            return known
        number = incident_number(id_or_slug)
        if number is None:
            return self._client.incident(api.get_incident(id_or_slug))
        try:
            # Rootly's CLI says the API takes the number as the ID; the spec does not.
            return self._client.incident(api.get_incident(str(number)))
        except errors.NotFound:
            return self._numbered(number)

    def _numbered(self, number: int) -> Incident:
        """The incident numbered `number`, found through the list's documented filter."""
        from ..rootly.models import read_incidents

        page = self._client.page(api.incidents_numbered(number, SEARCHED_KINDS))
        for incident in read_incidents(page.data)[0]:
            if incident.attributes.sequential_id == number:
                return incident
        raise errors.NotFound("GET", f"/v1/incidents/{number}", status=404)

    def create(self, attributes: dict[str, Any], idempotency_key: str) -> Created:
        request = api.create_incident(attributes, idempotency_key)
        incident, status = self._client.answered_incident(request)
        return Created(incident, replayed=status == 200)

    def retire(self, duplicate: Incident, survivor: Incident, reason: str) -> str:
        try:
            self._client.send(api.mark_duplicate(duplicate.id, survivor.id, reason))
        except (errors.BadRequest, errors.Rejected, errors.NotFound, errors.UnexpectedAnswer):
            # The spec gives the duplicate call a body that cannot name the original;
            # should Rootly refuse ours, the update call does the same job, spec-valid.
            self._client.send(api.cancel_as_duplicate(duplicate.id, survivor.id, reason))
            return "the update call (the duplicate call was refused)"
        return "the duplicate call"

    def note(self, incident_id: str, text: str) -> None:
        self._client.send(api.add_event(incident_id, text))

    def form_field_ids(self, incident_id: str) -> set[str]:
        return set(self._selection_ids(incident_id))

    def _selection_ids(self, incident_id: str) -> dict[str, str]:
        found: dict[str, str] = {}
        for page in self._client.pages(api.form_field_selections(incident_id), 10).pages:
            for resource in page.resources():
                field_id = resource.attributes.get("form_field_id")
                if field_id:
                    found[str(field_id)] = resource.id
        return found

    def selections_of(
        self, incident_ids: Sequence[str]
    ) -> list[dict[str, str] | errors.RootlyError]:
        calls = [_caught(partial(self._selection_ids, incident_id)) for incident_id in incident_ids]
        return self._client.gather(calls)

    def add_form_field_selection(self, incident_id: str, selection: FormFieldSelection) -> None:
        self._client.send(api.add_form_field_selection(incident_id, selection))

    def send_together(
        self, writes: Sequence[tuple[api.ApiRequest, bool]]
    ) -> list[Incident | errors.RootlyError | None]:
        calls = [_caught(partial(self._write, request, flag)) for request, flag in writes]
        return self._client.gather(calls)

    def _write(self, request: api.ApiRequest, answers_incident: bool) -> Incident | None:
        if answers_incident:
            return self._client.incident(request)
        self._client.send(request)
        return None


T = TypeVar("T")


def _caught(call: Callable[[], T]) -> Callable[[], T | errors.RootlyError]:
    """`call`, handing back a Rootly failure instead of raising it: among calls sent
    together, one failure must not hide what the others did."""

    def guarded() -> T | errors.RootlyError:
        try:
            return call()
        except errors.RootlyError as failure:
            return failure

    return guarded
