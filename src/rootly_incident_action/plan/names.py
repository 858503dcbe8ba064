"""From names to IDs, purely: what must be looked up, and what the answers mean.

Resolution runs in rounds. `lookups_needed(plan, snapshot)` says which queries the next
round must send, given what is already known; `fetch.py` sends them all at once and adds
the answers to the snapshot; when nothing more is needed, `resolve(plan, snapshot)`
turns every reference into an ID, or raises one error listing every problem.

Each name is settled by `match_name`, the one place that knows the order of the rules:

- an entry shaped like a Rootly ID (a UUID) needs no lookup (Rootly checks it);
- a value that can be a slug (lower case, digits, `-`, `_`) is asked by `filter[slug]`
  first, and by `filter[name]` only if no slug matches;
- any other value (capitals, spaces) cannot be a slug: `filter[name]` alone;
- a name no exact query settles (another case or spacing, a typo) needs the kind
  listed whole, to match loosely or suggest the closest names.

Answers are checked again here: whatever a server's filters do (exact, substring,
ignored), only an exact slug or name counts. Every page of an answer is read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..catalog.form_fields import (
    BUILT_IN_INPUTS,
    FieldShape,
    FieldValueError,
    selection_for,
    values_of,
)
from ..catalog.kinds import KINDS, kind_for_reference
from ..catalog.lookup import Field, Lookup
from ..catalog.matching import Ambiguous, CatalogEntry, Matched, MatchOutcome, Missing, match
from ..errors import UnresolvedReferences
from ..parsing import is_email
from .draft import IncidentDraft, Plan

if TYPE_CHECKING:
    from ..rootly.requests import FormFieldSelection

__all__ = [
    "Problem",
    "Snapshot",
    "looks_like_id",
    "looks_like_slug",
    "lookups_needed",
    "match_name",
    "resolve",
]

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def looks_like_id(text: str) -> bool:
    """Whether `text` is shaped like a Rootly ID (a UUID)."""
    return bool(_UUID.match(text))


def looks_like_slug(text: str) -> bool:
    """Whether `text` can be a slug: Rootly's slugs are lower case, without spaces."""
    return bool(_SLUG.match(text))


@dataclass
class Snapshot:
    """Everything looked up so far: the answers to exact queries, whole kinds, users."""

    answers: dict[Lookup, tuple[CatalogEntry, ...]] = field(default_factory=dict)

    def add(self, lookup: Lookup, entries: Iterable[CatalogEntry]) -> None:
        self.answers[lookup] = tuple(entries)

    def listed(self, kind: str) -> tuple[CatalogEntry, ...] | None:
        return self.answers.get(Lookup(kind, "list"))


@dataclass(frozen=True)
class Problem:
    """One reference that did not resolve, and why."""

    input_name: str
    value: str
    reason: str

    def line(self) -> str:
        return f"{self.input_name}: {self.value!r} {self.reason}"


def match_name(kind: str, text: str, snapshot: Snapshot) -> MatchOutcome | Lookup:
    """What `text` names among `kind`, or the lookup that must come first."""
    if kind == "users":
        return _user(text, snapshot)
    listed = snapshot.listed(kind)
    if listed is not None:
        return match(text, listed)
    if looks_like_id(text):
        if kind == "form_fields":
            return Lookup(kind, "list")  # its kind decides what its value must be
        return Matched(CatalogEntry(id=text, name=text))  # taken on trust; Rootly checks
    fields: tuple[Field, ...] = ("name",)
    if KINDS[kind].slugs and looks_like_slug(text):
        fields = ("slug", "name")
    for asked in fields:
        outcome = _exactly(Lookup(kind, asked, text), snapshot)
        if outcome is not None:
            return outcome
    return Lookup(kind, "list")


def _user(text: str, snapshot: Snapshot) -> MatchOutcome | Lookup:
    """A user named by email (asked exactly) or by Rootly's numeric user ID."""
    if text.isdigit():
        return Matched(CatalogEntry(id=text, name=text))  # taken on trust; Rootly checks
    if not is_email(text):
        return Missing(())
    lookup = Lookup("users", "email", text.casefold())
    answer = snapshot.answers.get(lookup)
    if answer is None:
        return lookup
    hits = tuple(entry for entry in answer if entry.slug.casefold() == text.casefold())
    return Matched(hits[0]) if len(hits) == 1 else Missing(())


def _exactly(lookup: Lookup, snapshot: Snapshot) -> MatchOutcome | Lookup | None:
    """The exact hits of one query's answer; the query itself when it is not answered yet;
    None when nothing in the answer matches exactly."""
    answer = snapshot.answers.get(lookup)
    if answer is None:
        return lookup
    hits = tuple(entry for entry in answer if _field_of(entry, lookup.field) == lookup.text)
    if len(hits) > 1:
        return Ambiguous(hits, lookup.field)
    return Matched(hits[0]) if hits else None


def _field_of(entry: CatalogEntry, asked: Field) -> str:
    return entry.slug if asked == "slug" else entry.name


def _references(draft: IncidentDraft) -> list[tuple[str, str, str]]:
    """(input name, kind, text) for every catalog reference of a draft."""
    return [
        (draft.input_prefix + name, kind_for_reference(name).key, text)
        for name, texts in draft.all_references().items()
        for text in texts
    ]


def lookups_needed(plan: Plan, snapshot: Snapshot) -> set[Lookup]:
    """The lookups the next round must send (empty: everything can be resolved)."""
    needed: set[Lookup] = set()
    for draft in plan.drafts():
        for _, kind, text in _references(draft):
            _collect(match_name(kind, text, snapshot), needed)
        for key, value in draft.form_fields.items():
            outcome = match_name("form_fields", key, snapshot)
            if isinstance(outcome, Lookup):
                needed.add(outcome)
                continue
            if not isinstance(outcome, Matched) or outcome.entry.details.get("kind") != "custom":
                continue
            shape = FieldShape.of(outcome.entry)
            for text in values_of(value):
                if shape.catalog_kind:
                    _collect(match_name(shape.catalog_kind, text, snapshot), needed)
                elif shape.value_kind == "user" and is_email(text):
                    lookup = Lookup("users", "email", text.casefold())
                    if lookup not in snapshot.answers:
                        needed.add(lookup)
    return needed


def _collect(outcome: MatchOutcome | Lookup, needed: set[Lookup]) -> None:
    if isinstance(outcome, Lookup):
        needed.add(outcome)


def resolve(plan: Plan, snapshot: Snapshot) -> Plan:
    """The plan with every reference an ID and form fields as selections, or every problem."""
    problems: list[Problem] = []
    drafts = [_resolve_draft(draft, snapshot, problems) for draft in plan.drafts()]
    if problems:
        raise UnresolvedReferences(problems)
    return plan.with_drafts(drafts)


def _outcome(kind: str, text: str, snapshot: Snapshot) -> MatchOutcome:
    outcome = match_name(kind, text, snapshot)
    if isinstance(outcome, Lookup):
        raise AssertionError(f"{kind} {text!r} was resolved before {outcome} was looked up")
    return outcome


def _resolve_draft(
    draft: IncidentDraft, snapshot: Snapshot, problems: list[Problem]
) -> IncidentDraft:
    resolved: dict[str, list[str]] = {}
    warnings: list[str] = []
    for input_name, kind, text in _references(draft):
        outcome = _outcome(kind, text, snapshot)
        name = input_name.removeprefix(draft.input_prefix)
        ids = resolved.setdefault(name, [])
        if isinstance(outcome, Matched):
            if outcome.entry.id not in ids:  # "Checkout" and "checkout" may be one entry
                ids.append(outcome.entry.id)
        elif name in draft.soft_inputs:
            warnings.append(
                f"The deployment's environment {text!r} {why_unresolved(outcome, kind)}; the "
                "incident is declared without an environment. Name it with 'environments', or set "
                "'environment-from-deployment: false'."
            )
        else:
            problems.append(Problem(input_name, text, why_unresolved(outcome, kind)))
    selections, names = _form_field_selections(draft, snapshot, problems)
    ids_by_input = {k: tuple(v) for k, v in resolved.items()}
    return draft.with_ids(ids_by_input, selections, names, tuple(warnings))


def _form_field_selections(
    draft: IncidentDraft, snapshot: Snapshot, problems: list[Problem]
) -> tuple[tuple[FormFieldSelection, ...], dict[str, str]]:
    selections: list[FormFieldSelection] = []
    names: dict[str, str] = {}

    def reference(kind: str, text: str) -> str:
        outcome = _outcome(kind, text, snapshot)
        if isinstance(outcome, Matched):
            return outcome.entry.id
        raise FieldValueError(text, why_unresolved(outcome, kind))

    def user(text: str) -> str:
        if text.isdigit():
            return text
        if not is_email(text):
            raise FieldValueError(text, "is neither an email address nor a user ID")
        found = snapshot.answers.get(Lookup("users", "email", text.casefold()), ())
        exact = [entry for entry in found if entry.slug.casefold() == text.casefold()]
        if not exact or not exact[0].id.isdigit():
            raise FieldValueError(text, "matches no user's email")
        return exact[0].id

    for key, value in draft.form_fields.items():
        outcome = _outcome("form_fields", key, snapshot)
        if not isinstance(outcome, Matched):
            problems.append(Problem("form-fields", key, why_unresolved(outcome, "form_fields")))
            continue
        field_entry = outcome.entry
        built_in = str(field_entry.details.get("kind") or "custom")
        if built_in != "custom":
            own_input = BUILT_IN_INPUTS.get(built_in)
            hint = f"set it with the '{own_input}' input" if own_input else "it is not custom"
            problems.append(Problem("form-fields", key, f"is Rootly's built-in field: {hint}"))
            continue
        shape = FieldShape.of(field_entry)
        where = f"form-fields: {key!r} ({shape.input_kind} field, takes {shape.describe()})"
        try:
            selections.append(selection_for(field_entry, value, reference, user))
            names[field_entry.id] = key
        except FieldValueError as problem:
            problems.append(Problem(where, problem.value, problem.reason))
    return tuple(selections), names


def why_unresolved(outcome: MatchOutcome, kind: str) -> str:
    """Why a reference did not resolve, with the candidates or the closest names."""
    words = KINDS[kind]
    if isinstance(outcome, Ambiguous):
        listed = "; ".join(entry.describe() for entry in outcome.candidates)
        return (
            f"is ambiguous: {len(outcome.candidates)} {words.plural} match by "
            f"{outcome.rule}: {listed}. Write the slug or the ID instead"
        )
    if isinstance(outcome, Missing) and outcome.closest:
        listed = "; ".join(entry.describe() for entry in outcome.closest)
        return f"matches no {words.singular}. Closest: {listed}"
    return f"matches no {words.singular}, and nothing is close"
