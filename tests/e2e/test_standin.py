"""The stand-in must reject what Rootly rejects, or the end-to-end tests prove nothing."""

from __future__ import annotations

import urllib.request
from typing import Any

import pytest

from rootly_standin import RootlyStandIn, contract, stable_id
from rootly_standin.behaviour import Behaviour
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


@pytest.mark.parametrize("setting", ["refuse", "accept", "drop"])
def test_the_guides_nested_form_fields_get_each_plausible_answer(setting: str) -> None:
    with RootlyStandIn(behaviour=Behaviour(nested_form_fields=setting)) as rootly:  # type: ignore[arg-type]
        field = stable_id("form_fields", "release-owners")
        alice = int(stable_id("users", "alice@acme.test"))
        good = {"form_field_id": field, "selected_user_ids": [alice]}
        status = post(rootly, with_selection(good))
        assert status == (400 if setting == "refuse" else 201)
        kept = (
            rootly.form_field_selections.get(rootly.incidents[0]["id"])
            if rootly.incidents
            else None
        )
        assert kept == ([good] if setting == "accept" else ([] if setting == "drop" else None))
        # Off-spec in the one known way: recorded as the allowed exception, not a violation.
        assert rootly.violations == []
        assert rootly.exceptions == ["POST /v1/incidents: form_field_selections_attributes"]


def test_a_nested_selection_that_breaks_its_own_schema_is_a_violation() -> None:
    with RootlyStandIn(behaviour=Behaviour(nested_form_fields="accept")) as rootly:
        field = stable_id("form_fields", "release-owners")
        bad = {
            "form_field_id": field,
            "selected_user_ids": [str(stable_id("users", "alice@acme.test"))],
        }
        assert post(rootly, with_selection(bad)) == 400
        assert len(rootly.violations) == 1


def with_selection(selection: dict[str, Any]) -> dict[str, Any]:
    attributes = {"title": "x", "form_field_selections_attributes": [selection]}
    return {"data": {"type": "incidents", "attributes": attributes}}


def put(rootly: RootlyStandIn, path: str, body: Any) -> int:
    return call(rootly, "PUT", path, body)[0]


@pytest.mark.parametrize(
    ("setting", "status"), [("refuse", 400), ("accept", 200), ("not_found", 404)]
)
def test_the_duplicate_call_gets_each_plausible_answer(setting: str, status: int) -> None:
    with RootlyStandIn(behaviour=Behaviour(duplicate_call=setting)) as rootly:  # type: ignore[arg-type]
        for title in ("original", "copy"):
            post(rootly, {"data": {"type": "incidents", "attributes": {"title": title}}})
        original, copy = (incident["id"] for incident in rootly.incidents)
        path = f"/v1/incidents/{copy}/duplicate"
        good = {"data": {"type": "incidents", "attributes": {"duplicate_incident_id": original}}}
        assert put(rootly, path, good) == status
        assert (rootly.incidents[1]["attributes"]["status"] == "cancelled") is (status == 200)
        unknown = {"duplicate_incident_id": original, "reason": "x"}
        assert put(rootly, path, {"data": {"type": "incidents", "attributes": unknown}}) == 400
        assert len(rootly.violations) == 1  # only the one with an unknown attribute


def test_pages_past_the_end_or_over_a_hundred_are_refused() -> None:
    with RootlyStandIn() as rootly:
        assert call(rootly, "GET", "/v1/services?page[size]=101", None)[0] == 400
        assert call(rootly, "GET", "/v1/services?page[size]=100&page[number]=9", None)[0] == 400
        assert call(rootly, "GET", "/v1/services?page[size]=100&page[number]=2", None)[0] == 200


@pytest.mark.parametrize("setting", ["exact", "substring", "ignored"])
def test_name_filters_follow_the_setting(setting: str) -> None:
    with RootlyStandIn(behaviour=Behaviour(name_filters=setting)) as rootly:  # type: ignore[arg-type]
        _status, document = call(
            rootly, "GET", "/v1/services?filter[name]=payments&page[size]=100", None
        )
        names = [item["attributes"]["name"] for item in document["data"]]
        expected = {"exact": [], "substring": ["Payments", "Payments Gateway"]}
        if setting == "ignored":
            assert document["meta"]["total_count"] > 100
        else:
            assert names == expected[setting]


def test_every_answer_carries_rate_limit_headers() -> None:
    for setting, name in (("x_prefixed", "X-RateLimit-Remaining"), ("bare", "RateLimit-Remaining")):
        with RootlyStandIn(behaviour=Behaviour(rate_limit_headers=setting)) as rootly:  # type: ignore[arg-type]
            request = urllib.request.Request(
                f"{rootly.url}/v1/services", headers={"Authorization": f"Bearer {rootly.token}"}
            )
            with urllib.request.urlopen(request, timeout=10) as response:
                assert response.headers[name] == "2999"
