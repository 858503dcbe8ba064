"""The stand-in must reject what Rootly rejects, or the end-to-end tests prove nothing."""

from __future__ import annotations

from typing import Any

import pytest

from rootly_standin import RootlyStandIn, contract, stable_id
from rootly_standin.direct import call


def post(rootly: RootlyStandIn, body: Any, content_type: str = "application/vnd.api+json") -> int:
    return call(rootly, "POST", "/v1/incidents", body, content_type)[0]


@pytest.mark.parametrize(
    "body",
    [
        {"title": "flat body, as the guide shows"},
        {"data": {"type": "incidents", "attributes": {"title": "x", "create_test_incident": True}}},
        {"data": {"type": "incidents", "attributes": {"labels": ["a:b"]}}},
        {"data": {"type": "incident", "attributes": {"title": "x"}}},
        {"data": {"type": "incidents", "attributes": {"service_ids": "one-id"}}},
    ],
)
def test_bodies_that_break_the_schema_are_refused_and_recorded(body: Any) -> None:
    with RootlyStandIn() as rootly:
        assert post(rootly, body) == 400
        assert len(rootly.violations) == 1
        assert rootly.incidents == []


def test_the_wrong_media_type_is_refused() -> None:
    with RootlyStandIn() as rootly:
        body = {"data": {"type": "incidents", "attributes": {"title": "x"}}}
        assert post(rootly, body, content_type="application/json") == 400
        assert "Content-Type" in rootly.violations[0]


def test_a_valid_body_creates_an_incident_whose_answer_matches_the_spec() -> None:
    with RootlyStandIn() as rootly:
        assert post(rootly, {"data": {"type": "incidents", "attributes": {"title": "x"}}}) == 201
        document = {"data": rootly.incidents[0]}
        assert contract.response_errors("POST", "/v1/incidents", 201, document) == []
        assert rootly.violations == []


def test_the_guides_form_field_selections_are_checked_against_their_own_schema() -> None:
    with RootlyStandIn() as rootly:
        field = stable_id("form_fields", "release-owners")
        alice = int(stable_id("users", "alice@acme.test"))
        good = {"form_field_id": field, "selected_user_ids": [alice]}
        bad = {"form_field_id": field, "selected_user_ids": [str(alice)]}
        assert post(rootly, with_selection(good)) == 201
        assert post(rootly, with_selection(bad)) == 400


def with_selection(selection: dict[str, Any]) -> dict[str, Any]:
    attributes = {"title": "x", "form_field_selections_attributes": [selection]}
    return {"data": {"type": "incidents", "attributes": attributes}}


def put(rootly: RootlyStandIn, path: str, body: Any) -> int:
    return call(rootly, "PUT", path, body)[0]


def test_the_duplicate_call_needs_its_target_and_nothing_unknown() -> None:
    with RootlyStandIn() as rootly:
        for title in ("original", "copy"):
            post(rootly, {"data": {"type": "incidents", "attributes": {"title": title}}})
        original, copy = (incident["id"] for incident in rootly.incidents)
        path = f"/v1/incidents/{copy}/duplicate"
        assert put(rootly, path, {"data": {"type": "incidents", "attributes": {}}}) == 400
        unknown = {"duplicate_incident_id": original, "reason": "x"}
        assert put(rootly, path, {"data": {"type": "incidents", "attributes": unknown}}) == 400
        good = {"data": {"type": "incidents", "attributes": {"duplicate_incident_id": original}}}
        assert put(rootly, path, good) == 200
        assert rootly.incidents[1]["attributes"]["status"] == "cancelled"
        assert len(rootly.violations) == 2
