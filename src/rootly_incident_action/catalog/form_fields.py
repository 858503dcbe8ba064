"""Custom form fields: the `form-fields` input and the selections Rootly's create takes.

Pure: the caller supplies the field's catalog entry and a way to resolve references.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from .kinds import KINDS_BY_VALUE_KIND
from .matching import Ambiguous, CatalogEntry, Matched, match

if TYPE_CHECKING:
    from ..rootly.requests import FormFieldSelection

__all__ = [
    "BUILT_IN_INPUTS",
    "FieldShape",
    "FieldValueError",
    "FormValue",
    "option_ids",
    "parse_form_fields",
    "selection_for",
    "text_value",
    "values_of",
]

FormValue = str | tuple[str, ...]
TEXT_INPUT_KINDS = frozenset(
    {"text", "textarea", "rich_text", "tags", "number", "date", "datetime"}
)
OPTION_INPUT_KINDS = frozenset({"select", "multi_select", "checkbox"})
# Built-in fields have inputs of their own.
BUILT_IN_INPUTS = {
    "title": "title",
    "summary": "summary",
    "severity": "severity",
    "environments": "environments",
    "types": "incident-types",
    "services": "services",
    "causes": "causes",
    "functionalities": "functionalities",
    "teams": "teams",
    "labels": "labels",
    "notify_emails": "notify-emails",
    "mark_as_test": "test-incident",
    "visibility": "private",
}


def parse_form_fields(text: str) -> dict[str, FormValue]:
    """A YAML or JSON mapping from a field's name, slug or ID to a value or list of values."""
    try:
        loaded = json.loads(text) if text.lstrip().startswith("{") else _yaml(text)
    except ValueError as problem:
        raise ValueError(f"expected a YAML or JSON mapping of field to value ({problem})") from None
    except RecursionError:
        raise ValueError(
            "expected a flat mapping of field to value; this one nests too deeply"
        ) from None
    if not isinstance(loaded, dict):
        raise ValueError("expected a mapping such as `Region: eu-west` (one field per line)")
    fields: dict[str, FormValue] = {}
    for key, value in loaded.items():
        if isinstance(value, list):
            if not all(_is_scalar(item) for item in value):
                raise ValueError(f"field {key!r}: a list may hold only plain values")
            fields[str(key)] = tuple(_text(item) for item in value)
        elif _is_scalar(value):
            fields[str(key)] = _text(value)
        else:
            raise ValueError(f"field {key!r}: expected a value or a list of values")
    return fields


def _yaml(text: str) -> Any:
    import yaml  # only runs that set form fields pay for the import

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as problem:
        raise ValueError(str(problem).replace("\n", " ")) from None


def _is_scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | bool | date) and value is not None


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value).strip()


def values_of(value: FormValue) -> tuple[str, ...]:
    """One value or several, as a tuple."""
    return value if isinstance(value, tuple) else (value,)


@dataclass(frozen=True)
class FieldShape:
    """What a field accepts, derived from its kinds."""

    input_kind: str
    value_kind: str

    @classmethod
    def of(cls, field: CatalogEntry) -> FieldShape:
        """The shape of a form field catalog entry."""
        return cls(
            str(field.details.get("input_kind") or "text"),
            str(field.details.get("value_kind") or "inherit"),
        )

    @property
    def single(self) -> bool:
        """Whether the field takes one value."""
        return self.input_kind == "select" or self.input_kind in TEXT_INPUT_KINDS - {"tags"}

    @property
    def catalog_kind(self) -> str | None:
        """The catalog kind whose entries the field takes, for reference fields."""
        found = KINDS_BY_VALUE_KIND.get(self.value_kind)
        return found.key if found else None

    def describe(self) -> str:
        """What the field takes, for messages."""
        if self.value_kind == "user":
            return "users, by email or ID"
        if self.catalog_kind:
            return f"{self.catalog_kind.replace('_', ' ')}, by name, slug or ID"
        if self.value_kind == "catalog_entity":
            return "catalog entity IDs"
        if self.input_kind in OPTION_INPUT_KINDS:
            return "option values or option IDs"
        return {
            "number": "a number",
            "date": "a date such as 2026-11-28",
            "datetime": "an ISO 8601 date-time such as 2026-11-28T09:30:00Z",
            "tags": "text tags",
        }.get(self.input_kind, "text")


class FieldValueError(ValueError):
    """One value that does not fit its field, and why."""

    def __init__(self, value: str, reason: str) -> None:
        super().__init__(f"{value!r} {reason}")
        self.value = value
        self.reason = reason


def text_value(shape: FieldShape, value: FormValue) -> str:
    """The `value` of a text-like field, checked against the field's kind."""
    entries = values_of(value)
    if shape.input_kind == "tags":
        return ", ".join(entries)
    text = entries[0]
    if shape.input_kind == "number" and not re.fullmatch(r"-?\d+(\.\d+)?", text):
        raise FieldValueError(text, "is not a number")
    if shape.input_kind == "date":
        try:
            date.fromisoformat(text)
        except ValueError:
            raise FieldValueError(text, "is not a date such as 2026-11-28") from None
    if shape.input_kind == "datetime":
        try:
            datetime.fromisoformat(text)
        except ValueError:
            raise FieldValueError(text, "is not an ISO 8601 date-time") from None
    return text


def option_ids(field: CatalogEntry, value: FormValue) -> list[str]:
    """The IDs of the options a select-like field's value names."""
    options: list[CatalogEntry] = list(field.details.get("options") or [])
    chosen = []
    for text in values_of(value):
        outcome = match(text, options)
        if isinstance(outcome, Matched):
            chosen.append(outcome.entry.id)
        elif isinstance(outcome, Ambiguous):
            raise FieldValueError(text, "matches more than one option; use the option's ID")
        else:
            listed = ", ".join(repr(option.name) for option in options) or "none"
            raise FieldValueError(text, f"is not one of its options ({listed})")
    return chosen


def selection_for(
    field: CatalogEntry,
    value: FormValue,
    resolve_reference: Callable[[str, str], str],
    resolve_user: Callable[[str], str],
) -> FormFieldSelection:
    """One entry of `form_field_selections_attributes` for a custom field."""
    shape = FieldShape.of(field)
    entries = values_of(value)
    if shape.single and len(entries) > 1:
        raise FieldValueError(", ".join(entries), f"is {len(entries)} values; the field takes one")
    selection: FormFieldSelection = {"form_field_id": field.id}
    if shape.value_kind == "user":
        selection["selected_user_ids"] = [int(resolve_user(entry)) for entry in entries]
    elif shape.catalog_kind:
        attribute = KINDS_BY_VALUE_KIND[shape.value_kind].selection_attribute
        assert attribute is not None  # every value kind in the table has one
        selection[attribute] = [resolve_reference(shape.catalog_kind, entry) for entry in entries]
    elif shape.value_kind == "catalog_entity":
        selection["selected_catalog_entity_ids"] = list(entries)
    elif shape.input_kind in OPTION_INPUT_KINDS:
        selection["selected_option_ids"] = option_ids(field, value)
    else:
        selection["value"] = text_value(shape, value)
    return selection
