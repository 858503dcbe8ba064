"""Incident labels read from either shape Rootly answers with, by every reader of them."""

from __future__ import annotations

from typing import Any

import pytest

from rootly_incident_action.plan import dedup
from rootly_incident_action.rootly.models import Incident, label_mapping


def incident(labels: Any, status: str = "started", number: int = 1) -> Incident:
    return Incident.model_validate(
        {
            "id": f"id-{number}",
            "attributes": {"sequential_id": number, "status": status, "labels": labels},
        }
    )


def test_the_specs_object_is_read_as_it_is() -> None:
    assert label_mapping({"platform": "osx", "version": "1.29"}) == {
        "platform": "osx",
        "version": "1.29",
    }


def test_an_array_of_key_value_pairs_reads_as_the_same_mapping() -> None:
    answer = [{"key": "platform", "value": "osx"}, {"key": "version", "value": "1.29"}]

    assert label_mapping(answer) == {"platform": "osx", "version": "1.29"}


@pytest.mark.parametrize(
    ("value", "text"),
    [(True, "true"), (False, "false"), (3, "3"), (1.5, "1.5"), (None, ""), (["a"], '["a"]')],
)
def test_values_that_are_not_text_read_as_json_writes_them(value: Any, text: str) -> None:
    assert label_mapping({"flag": value}) == {"flag": text}
    assert label_mapping([{"key": "flag", "value": value}]) == {"flag": text}


def test_odd_array_entries_are_skipped_and_other_shapes_read_as_no_labels() -> None:
    answer = [{"key": "kept", "value": "yes"}, {"value": "no key"}, "text", 7, {"key": None}]

    assert label_mapping(answer) == {"kept": "yes"}
    assert label_mapping("platform:osx") == {}
    assert label_mapping(None) == {}


@pytest.mark.parametrize(
    "shape",
    [
        {dedup.DEDUP_LABEL: "deploy-prod", "team": "payments"},
        [{"key": dedup.DEDUP_LABEL, "value": "deploy-prod"}, {"key": "team", "value": "payments"}],
    ],
    ids=["object", "array"],
)
def test_the_duplicate_search_finds_the_key_in_either_shape(shape: Any) -> None:
    found = dedup.labelled(
        [incident(shape), incident({}, number=2)], dedup.DEDUP_LABEL, "deploy-prod"
    )

    assert [i.id for i in found] == ["id-1"]


def test_the_creator_label_is_found_in_an_array_too() -> None:
    made = incident([{"key": dedup.CREATOR_LABEL, "value": "abc-1"}])

    assert dedup.made_by([made], "abc-1") == [made]
    assert dedup.made_by([made], "abc-2") == []
