"""The `form-fields` input and selection building, without a network."""

from __future__ import annotations

import pytest

from rootly_incident_action.catalog.form_fields import (
    FieldValueError,
    parse_form_fields,
    selection_for,
)
from rootly_incident_action.catalog.matching import CatalogEntry


def test_yaml_values_become_text_and_lists_become_tuples() -> None:
    parsed = parse_form_fields(
        "Region: eu-west\nBurn: 12.5\nOn call: true\nDay: 2026-11-28\nTags: [a, 2]"
    )
    assert parsed == {
        "Region": "eu-west",
        "Burn": "12.5",
        "On call": "true",
        "Day": "2026-11-28",
        "Tags": ("a", "2"),
    }


def test_json_is_accepted() -> None:
    assert parse_form_fields('{"a": ["x", "y"], "b": 3}') == {"a": ("x", "y"), "b": "3"}


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("- a\n- b", "mapping"),
        ("a: {nested: 1}", "a value or a list"),
        ("a: [{x: 1}]", "plain values"),
        ("a: [unclosed", "YAML or JSON"),
        ('{"a": ', "YAML or JSON"),
    ],
)
def test_shapes_that_cannot_be_fields_are_refused(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_form_fields(text)


def field(input_kind: str, value_kind: str = "inherit", *options: str) -> CatalogEntry:
    entries = [CatalogEntry(f"opt-{value}", value) for value in options]
    details = {"input_kind": input_kind, "value_kind": value_kind, "options": entries}
    return CatalogEntry("field-1", "Field", "field", details)


def no_reference(kind: str, text: str) -> str:
    raise AssertionError("no reference expected")


def no_user(text: str) -> str:
    raise AssertionError("no user expected")


def test_options_match_by_value_or_id() -> None:
    select = field("multi_select", "inherit", "eu-west", "us-east")
    chosen = selection_for(select, ("EU-WEST", "opt-us-east"), no_reference, no_user)
    assert chosen == {
        "form_field_id": "field-1",
        "selected_option_ids": ["opt-eu-west", "opt-us-east"],
    }


def test_user_ids_are_sent_as_integers() -> None:
    users = field("multi_select", "user")
    user_ids = {"alice": "17", "a@b.test": "42"}
    chosen = selection_for(users, ("alice", "a@b.test"), no_reference, user_ids.__getitem__)
    assert chosen["selected_user_ids"] == [17, 42]


def test_references_use_the_resolver_for_the_fields_kind() -> None:
    teams = field("select", "group")
    seen: list[tuple[str, str]] = []

    def resolver(kind: str, text: str) -> str:
        seen.append((kind, text))
        return "team-id"

    assert selection_for(teams, "SRE", resolver, no_user)["selected_group_ids"] == ["team-id"]
    assert seen == [("teams", "SRE")]


@pytest.mark.parametrize(
    ("input_kind", "value", "reason"),
    [
        ("number", "ten", "is not a number"),
        ("date", "28/11/2026", "is not a date"),
        ("datetime", "noon", "is not an ISO 8601 date-time"),
        ("text", ("a", "b"), "the field takes one"),
    ],
)
def test_values_that_do_not_fit_say_why(
    input_kind: str, value: str | tuple[str, ...], reason: str
) -> None:
    with pytest.raises(FieldValueError, match=reason):
        selection_for(field(input_kind), value, no_reference, no_user)


def test_tags_join_into_one_value() -> None:
    assert selection_for(field("tags"), ("a", "b"), no_reference, no_user)["value"] == "a, b"
