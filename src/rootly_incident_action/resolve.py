"""Turns every reference in a draft (name, slug or ID) into the ID Rootly needs.

All problems are gathered and reported together, before anything is created. An entry
shaped like a Rootly ID (a UUID) needs no lookup; when its kind is being listed anyway
it is checked too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from .catalog import KINDS
from .errors import ActionError
from .form_fields import BUILT_IN_INPUTS, FieldShape, FieldValueError, selection_for, values_of
from .incident import REFERENCE_INPUT_KINDS, IncidentDraft
from .matching import (
    Ambiguous,
    CatalogEntry,
    ExactHits,
    Matched,
    MatchOutcome,
    Missing,
    match,
    match_exact,
)
from .references import Reference

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")


def looks_like_id(text: str) -> bool:
    return bool(_UUID.match(text))


class Catalog(Protocol):
    """What resolution reads; `catalog.CatalogReader` fetches it from Rootly."""

    def query_exact(self, names: Iterable[tuple[str, str]]) -> None: ...

    def exact(self, kind: str, text: str) -> ExactHits | None: ...

    def load(self, kinds: Iterable[str]) -> None: ...

    def has(self, kind: str) -> bool: ...

    def entries(self, kind: str) -> list[CatalogEntry]: ...

    def load_users(self, emails: Iterable[str]) -> None: ...

    def user(self, email: str) -> CatalogEntry | None: ...


@dataclass(frozen=True)
class Problem:
    input_name: str
    value: str
    reason: str

    def line(self) -> str:
        return f"{self.input_name}: {self.value!r} {self.reason}"


class UnresolvedReferences(ActionError):
    title = "Some names could not be resolved"

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        count = len(problems)
        head = (
            "1 reference could not be resolved"
            if count == 1
            else f"{count} references could not be resolved"
        )
        lines = "\n".join(f"- {problem.line()}" for problem in problems)
        super().__init__(
            f"{head}, so no incident was created:\n{lines}\n"
            "Names match exactly (then ignoring case and spacing); slugs and IDs always match. "
            "`python -m rootly_incident_action --list-catalog` shows what the token can see."
        )


def needs_lookup(draft: IncidentDraft) -> bool:
    """Whether anything in the draft must be looked up in Rootly's catalog."""
    return bool(_first_round(draft))


def resolve_all(drafts: list[IncidentDraft], catalog: Catalog) -> list[IncidentDraft]:
    """Resolve several drafts (an incident and its pipeline parent) in the same requests."""
    _fetch(catalog, [name for draft in drafts for name in _first_round(draft)])
    resolved, problems = [], []
    for draft in drafts:
        try:
            resolved.append(resolve(draft, catalog))
        except UnresolvedReferences as unresolved:
            problems.extend(unresolved.problems)
    if problems:
        raise UnresolvedReferences(problems)
    return resolved


def _first_round(draft: IncidentDraft) -> list[tuple[str, str]]:
    # Form field keys are looked up even when they are IDs: the field's kind decides
    # what its value must be.
    field_keys = [("form_fields", key) for key in draft.form_fields]
    return _named(_reference_texts(draft)) + field_keys


def resolve(draft: IncidentDraft, catalog: Catalog) -> IncidentDraft:
    """The same draft with every reference an ID and form fields as selections."""
    problems: list[Problem] = []
    _fetch(catalog, _first_round(draft))  # nothing new when resolve_all fetched it all

    def resolve_one(input_name: str, kind: str, text: str) -> str:
        outcome = find(catalog, kind, text)
        if isinstance(outcome, Matched):
            return outcome.entry.id
        problems.append(Problem(draft.input_prefix + input_name, text, _explain(outcome, kind)))
        return text

    resolved = {
        # dict.fromkeys: "Checkout" and "checkout" may name the same entry; send it once.
        name: tuple(
            dict.fromkeys(
                Reference(resolve_one(name, REFERENCE_INPUT_KINDS[name], ref.text)) for ref in refs
            )
        )
        for name, refs in draft.all_references().items()
    }
    selections = _form_field_selections(draft, catalog, problems)
    if problems:
        raise UnresolvedReferences(problems)
    return draft.with_ids(resolved, selections)


def find(catalog: Catalog, kind: str, text: str) -> MatchOutcome:
    """The entry `text` names, from a full listing when there is one, else exact hits."""
    if catalog.has(kind):
        return match(text, catalog.entries(kind))
    if looks_like_id(text):
        return Matched(CatalogEntry(id=text, name=text))  # taken on trust; Rootly checks
    hits = catalog.exact(kind, text)
    outcome = match_exact(hits) if hits is not None else None
    if outcome is None:
        raise AssertionError(f"{kind} {text!r} was neither queried nor listed")
    return outcome


def _fetch(catalog: Catalog, names: list[tuple[str, str]]) -> None:
    """Exact queries for every name at once; then list, whole, the kinds they left open."""
    catalog.query_exact(names)
    unsettled = {
        kind
        for kind, text in names
        if not catalog.has(kind) and not _settled(catalog.exact(kind, text))
    }
    catalog.load(unsettled)


def _settled(hits: ExactHits | None) -> bool:
    return hits is not None and match_exact(hits) is not None


def _reference_texts(draft: IncidentDraft) -> list[tuple[str, str]]:
    return [
        (REFERENCE_INPUT_KINDS[name], ref.text)
        for name, refs in draft.all_references().items()
        for ref in refs
    ]


def _named(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(kind, text) for kind, text in pairs if not looks_like_id(text)]


def _form_field_selections(
    draft: IncidentDraft, catalog: Catalog, problems: list[Problem]
) -> tuple[dict[str, Any], ...]:
    fields: list[tuple[CatalogEntry, str, Any]] = []
    for key, value in draft.form_fields.items():
        outcome = find(catalog, "form_fields", key)
        if isinstance(outcome, Matched) and not outcome.entry.details:
            # An ID taken on trust has no kind to go by: list the fields to learn it.
            catalog.load(["form_fields"])
            outcome = find(catalog, "form_fields", key)
        if not isinstance(outcome, Matched):
            problems.append(Problem("form-fields", key, _explain(outcome, "form_fields")))
            continue
        field = outcome.entry
        kind = str(field.details.get("kind") or "custom")
        if kind != "custom":
            own_input = BUILT_IN_INPUTS.get(kind)
            hint = f"set it with the '{own_input}' input" if own_input else "it is not custom"
            problems.append(Problem("form-fields", key, f"is Rootly's built-in field: {hint}"))
            continue
        fields.append((field, key, value))
    if not fields:
        return ()

    # Second round: the catalog entries and users the field values name, all at once.
    names, emails = [], []
    for field, _, value in fields:
        shape = FieldShape.of(field)
        for text in values_of(value):
            if shape.catalog_kind and not looks_like_id(text):
                names.append((shape.catalog_kind, text))
            if shape.value_kind == "user" and _EMAIL.match(text):
                emails.append(text)
    catalog.load_users(emails)
    _fetch(catalog, names)

    def reference(kind: str, text: str) -> str:
        outcome = find(catalog, kind, text)
        if isinstance(outcome, Matched):
            return outcome.entry.id
        raise FieldValueError(text, _explain(outcome, kind))

    def user(text: str) -> str:
        if text.isdigit():
            return text
        if not _EMAIL.match(text):
            raise FieldValueError(text, "is neither an email address nor a user ID")
        found = catalog.user(text)
        if found is None or not found.id.isdigit():
            raise FieldValueError(text, "matches no user's email")
        return found.id

    selections = []
    for field, key, value in fields:
        shape = FieldShape.of(field)
        where = f"form-fields: {key!r} ({shape.input_kind} field, takes {shape.describe()})"
        try:
            selections.append(selection_for(field, value, reference, user))
        except FieldValueError as problem:
            problems.append(Problem(where, problem.value, problem.reason))
    return tuple(selections)


def _explain(outcome: Ambiguous | Missing, kind: str) -> str:
    names = KINDS[kind]
    if isinstance(outcome, Ambiguous):
        listed = "; ".join(entry.describe() for entry in outcome.candidates)
        return (
            f"is ambiguous: {len(outcome.candidates)} {names.plural} match by "
            f"{outcome.rule}: {listed}. Write the slug or the ID instead"
        )
    if outcome.closest:
        listed = "; ".join(entry.describe() for entry in outcome.closest)
        return f"matches no {names.singular}. Closest: {listed}"
    return f"matches no {names.singular}, and nothing is close"
