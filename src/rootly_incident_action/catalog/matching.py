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

__all__ = [
    "Ambiguous",
    "CatalogEntry",
    "MatchOutcome",
    "Matched",
    "Missing",
    "closest",
    "match",
    "normalize",
]

_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class CatalogEntry:
    """One thing in a Rootly catalog, as much as matching needs of it."""

    id: str
    name: str
    slug: str = ""
    details: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def describe(self) -> str:
        """`'Payments' (slug payments, id ...)`, for messages."""
        slug = f"slug {self.slug}, " if self.slug else ""
        return f"{self.name!r} ({slug}id {self.id})"


@dataclass(frozen=True)
class Matched:
    """Exactly one entry fits."""

    entry: CatalogEntry


@dataclass(frozen=True)
class Ambiguous:
    """More than one entry fits by the best rule that found any; `rule` names it."""

    candidates: tuple[CatalogEntry, ...]
    rule: str


@dataclass(frozen=True)
class Missing:
    """Nothing fits; `closest` are suggestions."""

    closest: tuple[CatalogEntry, ...]


MatchOutcome = Matched | Ambiguous | Missing


def normalize(text: str) -> str:
    """Text compared ignoring case and runs of whitespace."""
    return _WHITESPACE.sub(" ", text.strip()).casefold()


_RULES: tuple[tuple[str, Callable[[CatalogEntry, str], bool]], ...] = (
    ("ID", lambda entry, text: entry.id == text),
    ("slug", lambda entry, text: bool(entry.slug) and entry.slug == text),
    ("name", lambda entry, text: entry.name == text),
    (
        "name ignoring case and spacing",
        lambda entry, text: normalize(entry.name) == normalize(text),
    ),
)


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
