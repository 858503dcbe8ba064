"""Sends one round of lookups at once and reads the answers into catalog entries.

Names of one kind asked by the same field go in one request (`filter[name][in]=a,b`);
a value holding a comma is asked alone, since the list form cannot carry it. Every
page of every answer is read. Other independent calls (the duplicate search, the
parent incident) may ride in the same round.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from ..rootly import requests as api
from .kinds import KINDS
from .lookup import Lookup
from .matching import CatalogEntry

if TYPE_CHECKING:
    from ..rootly.client import RootlyClient
    from ..rootly.models import ListPage, Resource

__all__ = ["MAX_LOOKUP_PAGES", "entries_of", "fetch", "query_groups"]

# Enough for any real catalog; a server that ignores a filter answers with everything.
MAX_LOOKUP_PAGES = 50
# Names per `[in]` query: keeps URLs short.
MAX_NAMES_PER_QUERY = 20

Group = tuple[api.ApiRequest, tuple[Lookup, ...]]


def query_groups(lookups: Iterable[Lookup]) -> list[Group]:
    """The requests that answer `lookups`, each with the lookups it answers. Pure."""
    groups: list[Group] = []
    batched: dict[tuple[str, str], list[Lookup]] = defaultdict(list)
    for lookup in sorted(set(lookups)):
        kind = KINDS[lookup.kind]
        if lookup.field == "list":
            groups.append((api.list_entries(kind.path, include=kind.include), (lookup,)))
        elif lookup.field == "email":
            filters = {"filter[email]": lookup.text}
            groups.append((api.list_entries(kind.path, filters), (lookup,)))
        elif "," in lookup.text:
            filters = {f"filter[{lookup.field}]": lookup.text}
            groups.append((api.list_entries(kind.path, filters, kind.include), (lookup,)))
        else:
            batched[(lookup.kind, lookup.field)].append(lookup)
    for (kind_key, field), asked in sorted(batched.items()):
        kind = KINDS[kind_key]
        for start in range(0, len(asked), MAX_NAMES_PER_QUERY):
            chunk = tuple(asked[start : start + MAX_NAMES_PER_QUERY])
            if len(chunk) == 1:
                filters = {f"filter[{field}]": chunk[0].text}
            else:
                filters = {f"filter[{field}][in]": ",".join(lookup.text for lookup in chunk)}
            groups.append((api.list_entries(kind.path, filters, kind.include), chunk))
    return groups


def fetch(
    client: RootlyClient,
    lookups: Iterable[Lookup],
    alongside: Sequence[Callable[[], Any]] = (),
) -> dict[Lookup, tuple[CatalogEntry, ...]]:
    """Send every request of one round at once (with `alongside`); the entries found."""
    groups = query_groups(lookups)

    def read(group: Group) -> list[CatalogEntry]:
        request, asked = group
        name_field = KINDS[asked[0].kind].name_field
        found: list[CatalogEntry] = []
        for page in client.pages(request, MAX_LOOKUP_PAGES).pages:
            found.extend(entries_of(page, name_field))
        return found

    calls: list[Callable[[], Any]] = [partial(read, group) for group in groups]
    results = client.gather([*calls, *alongside])
    answers: dict[Lookup, tuple[CatalogEntry, ...]] = {}
    for (_, asked), entries in zip(groups, results, strict=False):
        for lookup in asked:
            answers[lookup] = tuple(entries)
    return answers


def entries_of(page: ListPage, name_field: str = "name") -> list[CatalogEntry]:
    """Entries of a page; a form field carries its options (from `include=options`)."""
    options = {item.id: item for item in page.included_resources()}
    entries = []
    for resource in page.resources():
        if resource.type != "form_fields":
            entries.append(_entry(resource, name_field))
            continue
        # Options are linked through relationships; fall back to their form_field_id.
        linked = (resource.relationships.get("options") or {}).get("data") or []
        ids = [link.get("id") for link in linked if isinstance(link, dict)]
        own = [options[i] for i in ids if i in options] or [
            item for item in options.values() if item.attributes.get("form_field_id") == resource.id
        ]
        entries.append(_entry(resource, "name", [_entry(item, "value") for item in own]))
    return entries


def _entry(
    resource: Resource, name_field: str, options: list[CatalogEntry] | None = None
) -> CatalogEntry:
    attributes = resource.attributes
    details = dict(attributes)
    if options is not None:
        details["options"] = options
    if resource.type == "users":
        email = str(attributes.get("email") or "")
        return CatalogEntry(
            id=resource.id, name=str(attributes.get("full_name") or email), slug=email
        )
    return CatalogEntry(
        id=resource.id,
        name=str(attributes.get(name_field) or ""),
        slug=str(attributes.get("slug") or ""),
        details=details,
    )
