"""The Rootly-backed store: the duplicate search's window, pages and odd incidents."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fakes import FakeClock

from rootly_incident_action.flows.store import MAX_SEARCH_PAGES, RootlyStore
from rootly_incident_action.plan import dedup
from rootly_incident_action.rootly import errors
from rootly_incident_action.rootly.client import RootlyClient
from rootly_incident_action.rootly.models import Incident

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def store_over(handler: httpx.MockTransport, window_hours: float = 168) -> RootlyStore:
    clock = FakeClock()
    client = RootlyClient(
        "https://api.rootly.test",
        "t",
        user_agent="x",
        transport=handler,
        sleep=clock.sleep,
        clock=clock,
    )
    return RootlyStore(client, window_hours, now=lambda: NOW)


def incidents_page(number: int, total: int, items: list[object]) -> httpx.Response:
    return httpx.Response(
        200, json={"data": items, "meta": {"current_page": number, "total_pages": total}}
    )


def keyed(number: int, key: str) -> dict[str, object]:
    return {
        "id": f"i{number}",
        "type": "incidents",
        "attributes": {
            "sequential_id": number,
            "status": "started",
            "labels": {dedup.DEDUP_LABEL: key},
        },
    }


def test_the_window_is_read_in_hours_and_kinds_are_named() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return incidents_page(1, 1, [])

    store_over(httpx.MockTransport(handler), window_hours=36).recent()
    params = seen[0].url.params
    assert params["filter[created_at][gte]"] == "2026-11-27T00:00:00Z"
    assert params["sort"] == "-created_at"
    assert params["filter[kind][in]"] == "normal,normal_sub,test,test_sub"


def test_every_page_of_the_window_is_searched() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        number = int(request.url.params["page[number]"])
        return incidents_page(number, 3, [keyed(number, "wanted" if number == 3 else "other")])

    search = store_over(httpx.MockTransport(handler)).recent()
    found = dedup.labelled(search.incidents, dedup.DEDUP_LABEL, "wanted")
    assert [incident.id for incident in found] == ["i3"]
    assert search.truncated is False


def test_the_search_stops_at_ten_pages_and_says_so() -> None:
    seen: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        number = int(request.url.params["page[number]"])
        seen.append(number)
        return incidents_page(number, 25, [keyed(number, "k")])

    search = store_over(httpx.MockTransport(handler)).recent()
    assert sorted(seen) == list(range(1, MAX_SEARCH_PAGES + 1))
    assert search.truncated is True


def test_an_odd_incident_is_skipped_instead_of_failing_the_search() -> None:
    odd = [
        {"id": "a", "type": "incidents", "attributes": {"labels": ["k:v"], "sequential_id": 1}},
        {"id": "b", "type": "incidents", "attributes": {"labels": None, "severity": "high"}},
        {"id": "c", "type": "incidents", "attributes": {"sequential_id": "not a number"}},
        {"type": "incidents"},  # no ID at all
        keyed(5, "k"),
    ]
    search = store_over(httpx.MockTransport(lambda r: incidents_page(1, 1, odd))).recent()
    assert [i.id for i in dedup.labelled(search.incidents, dedup.DEDUP_LABEL, "k")] == ["i5"]
    assert search.unreadable == 2
    assert Incident.model_validate(odd[0]).attributes.label_values == {}


@pytest.mark.parametrize("status", [400, 404, 422])
def test_a_refused_duplicate_call_falls_back_to_the_update(status: int) -> None:
    seen: list[tuple[str, str]] = []
    bodies: list[Any] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request.method, request.url.path))
        bodies.append(json.loads(request.content)["data"]["attributes"])
        if request.url.path.endswith("/duplicate"):
            return httpx.Response(status, json={"errors": [{"title": "no"}]})
        return httpx.Response(200, json={"data": {"id": "i2", "type": "incidents"}})

    how = store_over(httpx.MockTransport(handler)).retire(
        Incident.model_validate({"id": "i2"}), Incident.model_validate({"id": "i1"}), "run 77"
    )
    assert seen == [("PUT", "/v1/incidents/i2/duplicate"), ("PUT", "/v1/incidents/i2")]
    assert "update call" in how
    assert bodies == [
        {"duplicate_incident_id": "i1", "reason_for_cancellation": "run 77"},
        {"duplicate_incident_id": "i1", "status": "cancelled", "cancellation_message": "run 77"},
    ]


def test_a_prefetched_failure_is_raised_when_the_search_is_asked_for() -> None:
    store = store_over(
        httpx.MockTransport(
            lambda r: httpx.Response(403, json={"errors": [{"title": "Forbidden"}]})
        )
    )
    store.warm_recent()  # in the first round, alongside the lookups: must not raise there
    try:
        store.recent()
    except errors.PermissionDenied as denied:
        assert denied.said == "Forbidden"
    else:
        raise AssertionError("the search's failure was lost")


def test_a_prefetched_parent_that_does_not_exist_is_raised_when_asked_for() -> None:
    store = store_over(
        httpx.MockTransport(
            lambda r: httpx.Response(404, json={"errors": [{"title": "Not found"}]})
        )
    )
    store.warm("no-such")
    with pytest.raises(errors.NotFound):
        store.get("no-such")


def test_form_field_values_are_read_from_every_page() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        number = int(request.url.params["page[number]"])
        item = {
            "id": f"s{number}",
            "type": "incident_form_field_selections",
            "attributes": {"form_field_id": f"f{number}"},
        }
        odd = {"id": "x", "type": "incident_form_field_selections", "attributes": {}}
        return httpx.Response(200, json={"data": [item, odd], "meta": {"total_pages": 2}})

    assert store_over(httpx.MockTransport(handler)).form_field_ids("i1") == {"f1", "f2"}
