"""`--list-catalog`: what a token can see, printed so people can find the names to write."""

from __future__ import annotations

from collections.abc import Iterable

from .kinds import KINDS
from .matching import CatalogEntry

__all__ = ["LISTABLE_KINDS", "format_kind"]

# Users are found by email inside form fields; listing a whole organisation helps nobody.
LISTABLE_KINDS = tuple(sorted(key for key in KINDS if key != "users"))


def format_kind(kind: str, entries: Iterable[CatalogEntry]) -> str:
    """A titled, aligned table of one kind's entries: name, slug, ID (and form field kinds)."""
    rows = sorted(entries, key=lambda entry: entry.name.casefold())
    title = f"{KINDS[kind].plural.capitalize()} ({len(rows)})"
    table: list[tuple[str, ...]]
    if kind == "form_fields":
        table = [("name", "slug", "id", "kind", "options")]
        table += [
            (
                entry.name,
                entry.slug,
                entry.id,
                _field_kind(entry),
                ", ".join(option.name for option in entry.details.get("options") or []),
            )
            for entry in rows
        ]
    else:
        table = [("name", "slug", "id")]
        table += [(entry.name, entry.slug, entry.id) for entry in rows]
    return f"{title}\n{_columns(table)}"


def _field_kind(entry: CatalogEntry) -> str:
    details = entry.details
    kind = str(details.get("kind") or "custom")
    if kind != "custom":
        return f"built-in ({kind})"
    value_kind = str(details.get("value_kind") or "inherit")
    input_kind = str(details.get("input_kind") or "text")
    return input_kind if value_kind == "inherit" else f"{input_kind} of {value_kind}"


def _columns(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )
