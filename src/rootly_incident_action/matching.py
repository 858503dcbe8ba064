"""Exact matching of what people write ("Payments", `payments`, an ID) to catalog entries.

Pure: no I/O. The rules, in order of precedence, each tried only if the one before found
nothing: the ID; the slug; the name exactly as written; the name ignoring case and runs
of whitespace. Two entries at the best level that matched make the reference ambiguous.
Never "the first search result".
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class CatalogEntry:
    """One thing in a Rootly catalog, as much as matching needs of it."""

    id: str
    name: str
    slug: str = ""
    details: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def describe(self) -> str:
        slug = f"slug {self.slug}, " if self.slug else ""
        return f"{self.name!r} ({slug}id {self.id})"


@dataclass(frozen=True)
class Matched:
    entry: CatalogEntry


@dataclass(frozen=True)
class Ambiguous:
    candidates: tuple[CatalogEntry, ...]
    rule: str


@dataclass(frozen=True)
class Missing:
    closest: tuple[CatalogEntry, ...]


MatchOutcome = Matched | Ambiguous | Missing


def normalize(text: str) -> str:
    return _WHITESPACE.sub(" ", text.strip()).casefold()


def _same_loosely(name: str, text: str) -> bool:
    return normalize(name) == normalize(text)


_RULES: tuple[tuple[str, Callable[[CatalogEntry, str], bool]], ...] = (
    ("ID", lambda entry, text: entry.id == text),
    ("slug", lambda entry, text: bool(entry.slug) and entry.slug == text),
    ("name", lambda entry, text: entry.name == text),
    (
        "name ignoring case and spacing",
        lambda entry, text: normalize(entry.name) == normalize(text),
    ),
)


@dataclass(frozen=True)
class ExactHits:
    """What exact `filter[slug]` and `filter[name]` queries found for one name."""

    by_slug: tuple[CatalogEntry, ...]
    by_name: tuple[CatalogEntry, ...]

    @classmethod
    def of(
        cls, text: str, by_slug: Sequence[CatalogEntry], by_name: Sequence[CatalogEntry]
    ) -> ExactHits:
        # Checked again here: whatever the server's filters do, only exact hits count.
        return cls(
            tuple(entry for entry in by_slug if entry.slug == text),
            tuple(entry for entry in by_name if entry.name == text),
        )


def match_exact(hits: ExactHits) -> Matched | Ambiguous | None:
    """Settle a name from exact queries alone; None when only a full listing can tell.

    The two queries cover every page, so the slug rule and the exact-name rule are
    decided here exactly as `match` would decide them over the whole catalog.
    """
    for rule, found in (("slug", hits.by_slug), ("name", hits.by_name)):
        if len(found) == 1:
            return Matched(found[0])
        if len(found) > 1:
            return Ambiguous(found, rule)
    return None


def match(text: str, entries: Sequence[CatalogEntry]) -> MatchOutcome:
    """Find the one entry `text` refers to, or say why there is not exactly one."""
    for rule, fits in _RULES:
        found = tuple(entry for entry in entries if fits(entry, text))
        if len(found) == 1:
            return Matched(found[0])
        if len(found) > 1:
            return Ambiguous(found, rule)
    return Missing(closest(text, entries))


def closest(text: str, entries: Sequence[CatalogEntry], limit: int = 3) -> tuple[CatalogEntry, ...]:
    """The entries whose name or slug is nearest to `text`, best first."""
    wanted = normalize(text)
    scored = []
    for entry in entries:
        score = max(
            difflib.SequenceMatcher(None, wanted, normalize(candidate)).ratio()
            for candidate in (entry.name, entry.slug or entry.name)
        )
        if wanted and wanted in normalize(entry.name):
            score = max(score, 0.75)  # "pay" is close to "Payments" whatever the ratio says
        if score >= 0.6:
            scored.append((score, entry.name, entry))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return tuple(entry for _, _, entry in scored[:limit])
