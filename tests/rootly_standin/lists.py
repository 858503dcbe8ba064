"""Catalog lists: filters as the behaviour says, and JSON:API paging as the spec says."""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import urlencode

from .behaviour import Answer, Behaviour
from .catalog import Entry

__all__ = ["DEFAULT_PAGE_SIZE", "MAX_PAGE_SIZE", "filtered", "paged"]

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# Under cursor paging, the deepest page number answered (Rootly refuses deep ones).
CURSOR_DEPTH_LIMIT = 2


def _matches(wanted: list[str], value: str, behaviour: Behaviour) -> bool:
    if behaviour.name_filters == "ignored":
        return True
    if behaviour.name_filters == "substring":
        return any(text.casefold() in value.casefold() for text in wanted)
    return value in wanted


def filtered(entries: list[Entry], query: dict[str, str], behaviour: Behaviour) -> list[Entry]:
    """The entries a list query selects. Name and slug filters follow the behaviour."""
    found = list(entries)
    for field in ("name", "slug"):
        for key, wanted in (
            (f"filter[{field}]", [query.get(f"filter[{field}]", "")]),
            (f"filter[{field}][in]", query.get(f"filter[{field}][in]", "").split(",")),
        ):
            if key in query:
                found = [e for e in found if _matches(wanted, getattr(e, field), behaviour)]
    if "filter[search]" in query:
        needle = query["filter[search]"].casefold()
        found = [entry for entry in found if needle in entry.name.casefold()]
    if "filter[email]" in query:
        # Undocumented like the name filters, so it follows the same switch.
        found = [e for e in found if _matches([query["filter[email]"]], e.slug, behaviour)]
    return found


def paged(
    template: str, query: dict[str, str], items: list[dict[str, Any]], paging: str = "offset"
) -> dict[str, Any]:
    """One page of `items` in a JSON:API list document, with links and meta.

    Like Rootly, it refuses a page size over 100 and a page number past the last page.
    `paging` (the behaviour's switch): `offset` pages by number with totals, as the spec
    says; `cursor` also offers `meta.next_cursor` for `page[after]`, and refuses page
    numbers past `CURSOR_DEPTH_LIMIT`; `no_totals` leaves out the totals and the links
    and numbers of other pages.
    """
    try:
        size = int(query.get("page[size]", DEFAULT_PAGE_SIZE))
        number = int(query.get("page[number]", 1))
        after = _offset_of(query["page[after]"]) if "page[after]" in query else None
    except ValueError:
        raise Answer(400, "Invalid page parameters") from None
    if not 0 < size <= MAX_PAGE_SIZE:
        raise Answer(400, f"page[size] must be between 1 and {MAX_PAGE_SIZE}")
    total_pages = max(1, -(-len(items) // size))
    if after is not None:
        number = after // size + 1
        start = after
    else:
        if paging == "cursor" and number > CURSOR_DEPTH_LIMIT:
            raise Answer(400, f"page[number] past {CURSOR_DEPTH_LIMIT}: use page[after]")
        if not 0 < number <= total_pages:
            raise Answer(400, f"page[number] {number} is beyond the last page ({total_pages})")
        start = (number - 1) * size
    end = start + size

    def link(page: int | None) -> str | None:
        if page is None:
            return None
        params = {**query, "page[number]": str(page), "page[size]": str(size)}
        params.pop("page[after]", None)
        return f"{template}?{urlencode(params)}"

    previous = number - 1 if number > 1 else None
    following = number + 1 if end < len(items) else None
    data = [dict(item) for item in items[start:end]]
    if paging == "no_totals":
        return {"data": data, "links": {"self": link(number)}, "meta": {"current_page": number}}
    document: dict[str, Any] = {
        "data": data,
        "links": {
            "self": link(number),
            "first": link(1),
            "prev": link(previous),
            "next": link(following),
            "last": link(total_pages),
        },
        "meta": {
            "current_page": number,
            "next_page": following,
            "prev_page": previous,
            "total_count": len(items),
            "total_pages": total_pages,
        },
    }
    if paging == "cursor":
        cursor = _cursor_for(end) if end < len(items) else None
        document["meta"]["next_cursor"] = cursor
        if cursor is not None:
            params = {k: v for k, v in query.items() if k != "page[number]"}
            document["links"]["next"] = f"{template}?{urlencode({**params, 'page[after]': cursor})}"
    return document


def _cursor_for(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def _offset_of(cursor: str) -> int:
    text = base64.urlsafe_b64decode(cursor.encode()).decode()
    if not text.startswith("offset:"):
        raise ValueError(cursor)
    return int(text.removeprefix("offset:"))
