"""Reads what a Rootly account contains — services, teams, severities, ... — for matching.

Two ways to look, chosen by measurement (benchmarks/resolution.py):

- exact queries, `filter[slug]` and `filter[name]` for each name, all sent at once. They
  settle most names in one round trip however large the catalog, because both filters
  are exact and cover every page;
- listing a kind whole (every page, 100 at a time), only for names the exact queries
  did not settle: a name written in another case or spacing, a typo that needs "did
  you mean", or an ID-shaped entry of a kind being listed anyway.

Each (kind, name) is queried at most once and each kind listed at most once per run;
everything that can go at the same time does. Users are found by `filter[email]`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from .matching import CatalogEntry, ExactHits

if TYPE_CHECKING:
    from .rootly.client import RootlyClient
    from .rootly.models import ListPage, Resource

PAGE_SIZE = 100  # the most Rootly serves per page
MAX_CONCURRENT_REQUESTS = 16


@dataclass(frozen=True)
class CatalogKind:
    key: str
    path: str
    singular: str
    plural: str


KINDS: dict[str, CatalogKind] = {
    kind.key: kind
    for kind in (
        CatalogKind("severities", "/v1/severities", "severity", "severities"),
        CatalogKind("services", "/v1/services", "service", "services"),
        CatalogKind("environments", "/v1/environments", "environment", "environments"),
        CatalogKind("functionalities", "/v1/functionalities", "functionality", "functionalities"),
        CatalogKind("teams", "/v1/teams", "team", "teams"),
        CatalogKind("incident_types", "/v1/incident_types", "incident type", "incident types"),
        CatalogKind("causes", "/v1/causes", "cause", "causes"),
        CatalogKind("form_fields", "/v1/form_fields", "form field", "form fields"),
    )
}

T = TypeVar("T")
R = TypeVar("R")


class CatalogReader:
    """Lists catalog kinds through one client; each kind is fetched at most once."""

    def __init__(self, client: RootlyClient) -> None:
        self._client = client
        self._entries: dict[str, list[CatalogEntry]] = {}
        self._exact: dict[tuple[str, str], ExactHits] = {}
        self._users: dict[str, CatalogEntry | None] = {}

    def query_exact(self, names: Iterable[tuple[str, str]]) -> None:
        """Ask for each (kind, name) by slug and by name, all at once."""
        wanted = sorted(set(names) - set(self._exact))
        jobs = [(kind, text, field) for kind, text in wanted for field in ("slug", "name")]
        pages = _concurrently(jobs, lambda job: self._filtered(*job))
        found = iter(pages)
        for kind, text in wanted:
            by_slug, by_name = next(found), next(found)
            self._exact[(kind, text)] = ExactHits.of(text, by_slug, by_name)

    def exact(self, kind: str, text: str) -> ExactHits | None:
        return self._exact.get((kind, text))

    def has(self, kind: str) -> bool:
        return kind in self._entries

    def entries(self, kind: str) -> list[CatalogEntry]:
        return self._entries[kind]

    def load(self, kinds: Iterable[str]) -> None:
        """Fetch every kind not yet known, all concurrently."""
        wanted = sorted(set(kinds) - set(self._entries))
        if not wanted:
            return
        first_pages = _concurrently(wanted, lambda kind: self._page(kind, 1))
        later = [
            (kind, number)
            for kind, page in zip(wanted, first_pages, strict=True)
            for number in range(2, (page.meta.total_pages or 1) + 1)
        ]
        later_pages = _concurrently(later, lambda job: self._page(*job))
        pages: dict[str, list[ListPage]] = {
            kind: [page] for kind, page in zip(wanted, first_pages, strict=True)
        }
        for (kind, _), page in zip(later, later_pages, strict=True):
            pages[kind].append(page)
        for kind in wanted:
            self._entries[kind] = [entry for page in pages[kind] for entry in _entries_of(page)]

    def load_users(self, emails: Iterable[str]) -> None:
        wanted = sorted({email.casefold() for email in emails} - set(self._users))
        found = _concurrently(wanted, self._user_by_email)
        self._users.update(zip(wanted, found, strict=True))

    def user(self, email: str) -> CatalogEntry | None:
        return self._users.get(email.casefold())

    def _filtered(self, kind: str, text: str, field: str) -> list[CatalogEntry]:
        params: dict[str, str | int] = {f"filter[{field}]": text, "page[size]": PAGE_SIZE}
        if kind == "form_fields":
            params["include"] = "options"
        return _entries_of(self._client.list_page(KINDS[kind].path, params))

    def _page(self, kind: str, number: int) -> ListPage:
        params: dict[str, str | int] = {"page[number]": number, "page[size]": PAGE_SIZE}
        if kind == "form_fields":
            params["include"] = "options"
        return self._client.list_page(KINDS[kind].path, params)

    def _user_by_email(self, email: str) -> CatalogEntry | None:
        page = self._client.list_page(
            "/v1/users", {"filter[email]": email, "page[size]": PAGE_SIZE}
        )
        for user in page.data:
            address = str(user.attributes.get("email") or "")
            if address.casefold() == email:
                name = str(user.attributes.get("full_name") or address)
                return CatalogEntry(id=user.id, name=name, slug=address)
        return None


def _entries_of(page: ListPage) -> list[CatalogEntry]:
    """Entries of a page; a form field carries its options (from `include=options`)."""
    options = {item.id: item for item in page.included if item.type == "form_field_options"}
    entries = []
    for resource in page.data:
        if resource.type != "form_fields":
            entries.append(_entry(resource, "name"))
            continue
        # Options are linked through relationships; fall back to their form_field_id.
        linked = resource.relationships.get("options", {}).get("data") or []
        ids = [link.get("id") for link in linked if isinstance(link, dict)]
        own = [options[i] for i in ids if i in options] or [
            item for item in options.values() if item.attributes.get("form_field_id") == resource.id
        ]
        entries.append(_entry(resource, "name", [_entry(item, "value") for item in own]))
    return entries


def _entry(
    resource: Resource, name_key: str, options: list[CatalogEntry] | None = None
) -> CatalogEntry:
    attributes = resource.attributes
    details = dict(attributes)
    if options is not None:
        details["options"] = options
    return CatalogEntry(
        id=resource.id,
        name=str(attributes.get(name_key) or ""),
        slug=str(attributes.get("slug") or ""),
        details=details,
    )


def _concurrently(jobs: list[T], work: Callable[[T], R]) -> list[R]:
    if len(jobs) <= 1:
        return [work(job) for job in jobs]
    from concurrent.futures import ThreadPoolExecutor  # only runs that look things up

    with ThreadPoolExecutor(max_workers=min(MAX_CONCURRENT_REQUESTS, len(jobs))) as pool:
        return list(pool.map(work, jobs))
