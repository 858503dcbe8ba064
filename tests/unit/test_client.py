"""The Rootly client, answered in-process by httpx.MockTransport: retries, rate limits,
errors, paging, deadlines. Time is a fake clock; nothing really sleeps."""

from __future__ import annotations

import email.utils
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fakes import FakeClock

from rootly_incident_action.rootly import errors
from rootly_incident_action.rootly import requests as api
from rootly_incident_action.rootly.client import RootlyClient, proxy_for
from rootly_incident_action.rootly.retry import RetryPolicy

WALL = 1_800_000_000.0  # the wall clock of these tests (epoch seconds)
INCIDENT = {"data": {"id": "inc-1", "type": "incidents", "attributes": {"sequential_id": 1}}}
LIST = {"data": [], "meta": {"total_pages": 1}}


def client_with(
    answers: list[httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]],
    clock: FakeClock | None = None,
    deadline: float | None = None,
) -> tuple[RootlyClient, list[httpx.Request], FakeClock]:
    clock = clock or FakeClock()
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = answers.pop(0) if len(answers) > 1 else answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer(request) if callable(answer) else answer

    client = RootlyClient(
        "https://api.rootly.test",
        "tok-123",
        user_agent="test-agent/1",
        transport=httpx.MockTransport(handler),
        sleep=clock.sleep,
        clock=clock,
        wall_clock=lambda: WALL + clock.now,
        rng=lambda: 0.5,
        deadline=deadline,
    )
    return client, seen, clock


def json_answer(status: int, body: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, json=body, headers=headers or {})


def test_every_request_carries_the_token_media_type_and_user_agent() -> None:
    client, seen, _ = client_with([json_answer(200, LIST)])
    client.page(api.list_entries("/v1/services", {"filter[name]": "Payments"}))
    request = seen[0]
    assert request.headers["Authorization"] == "Bearer tok-123"
    assert request.headers["Accept"] == "application/vnd.api+json"
    assert request.headers["User-Agent"] == "test-agent/1"
    assert request.url.params["filter[name]"] == "Payments"


@pytest.mark.parametrize(
    "failure",
    [
        json_answer(503, {"errors": [{"title": "Down"}]}),
        httpx.ReadTimeout("slow"),
        httpx.RemoteProtocolError("reset"),
    ],
    ids=["5xx", "timeout", "reset"],
)
def test_a_read_is_tried_again_after_an_outage_a_timeout_or_a_reset(failure: Any) -> None:
    client, seen, clock = client_with([failure, json_answer(200, LIST)])
    client.page(api.list_incidents("2026-11-01T00:00:00Z", ()))
    assert len(seen) == 2
    assert clock.slept == [RetryPolicy().backoff(1, 0.5)]


@pytest.mark.parametrize(
    ("failure", "kind"),
    [
        (json_answer(502, {"errors": [{"title": "Bad gateway"}]}), errors.ServerFailed),
        (httpx.ReadTimeout("slow"), errors.TimedOut),
        (httpx.RemoteProtocolError("reset"), errors.ConnectionLost),
    ],
)
def test_a_write_that_may_have_landed_is_never_repeated(
    failure: Any, kind: type[errors.RootlyError]
) -> None:
    client, seen, _ = client_with([failure, json_answer(201, INCIDENT)])
    with pytest.raises(kind) as raised:
        client.incident(api.create_incident({"title": "x"}))
    assert len(seen) == 1
    assert raised.value.maybe_applied is True


def test_a_refused_connection_is_tried_again_even_for_a_write() -> None:
    client, seen, _ = client_with([httpx.ConnectError("refused"), json_answer(201, INCIDENT)])
    assert client.incident(api.create_incident({"title": "x"})).id == "inc-1"
    assert len(seen) == 2


def test_a_refused_connection_gives_up_after_three_tries() -> None:
    client, seen, _ = client_with([httpx.ConnectError("refused")])
    with pytest.raises(errors.Unreachable) as raised:
        client.send(api.get_incident("x"))
    assert len(seen) == 3
    assert raised.value.maybe_applied is False


@pytest.mark.parametrize(
    ("headers", "wait"),
    [
        ({"Retry-After": "7"}, 7.0),
        ({"Retry-After": email.utils.formatdate(WALL + 1000 + 12, usegmt=True)}, 12.0),
        ({"X-RateLimit-Reset": str(int(WALL + 1000 + 5))}, 5.0),
        ({"RateLimit-Reset": str(int(WALL + 1000 + 9))}, 9.0),  # older deployments
    ],
    ids=["retry-after-seconds", "retry-after-date", "x-ratelimit-reset", "ratelimit-reset"],
)
def test_a_rate_limit_is_waited_out_as_its_headers_say_plus_jitter(
    headers: dict[str, str], wait: float
) -> None:
    limited = json_answer(429, {"error": "Rate limit exceeded. Try again later."}, headers)
    client, seen, clock = client_with([limited, json_answer(201, INCIDENT)])
    client.incident(api.create_incident({"title": "x"}))  # a 429 means nothing was done
    assert len(seen) == 2
    jitter = 0.5 * RetryPolicy().rate_limit_jitter
    assert clock.slept == [pytest.approx(wait + jitter)]


def test_a_rate_limit_that_outlasts_the_deadline_fails_at_once_naming_the_reset() -> None:
    reset = int(WALL + 1000 + 600)
    limited = json_answer(429, {"error": "Rate limit exceeded."}, {"X-RateLimit-Reset": str(reset)})
    clock = FakeClock()
    client, seen, _ = client_with([limited], clock, deadline=clock.now + 120)
    with pytest.raises(errors.RateLimited) as raised:
        client.send(api.get_incident("x"))
    assert len(seen) == 1
    assert clock.slept == []
    assert raised.value.reset_at == reset
    assert raised.value.said == "Rate limit exceeded."


def test_the_client_slows_down_when_the_window_is_nearly_used_up() -> None:
    reset = int(WALL + 1000 + 4)
    low = json_answer(200, LIST, {"X-RateLimit-Remaining": "1", "X-RateLimit-Reset": str(reset)})
    client, _, clock = client_with([low, json_answer(200, LIST)])
    client.send(api.get_incident("a"))
    client.send(api.get_incident("b"))
    assert clock.slept == [pytest.approx(4 + 0.5 * 2.0)]


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (400, errors.BadRequest),
        (401, errors.AuthenticationFailed),
        (403, errors.PermissionDenied),
        (404, errors.NotFound),
        (422, errors.Rejected),
    ],
)
def test_refusals_are_typed_and_carry_rootlys_titles(
    status: int, kind: type[errors.RootlyError]
) -> None:
    body = {"errors": [{"title": "Nope", "status": str(status), "detail": "because"}]}
    client, seen, _ = client_with([json_answer(status, body)])
    with pytest.raises(kind) as raised:
        client.send(api.get_incident("x"))
    assert len(seen) == 1  # a refusal is final
    assert raised.value.status == status
    assert raised.value.titles == ("Nope (because)",)
    assert raised.value.method == "GET"


def test_a_2xx_whose_body_is_not_an_incident_may_still_have_created_one() -> None:
    client, _, _ = client_with([httpx.Response(201, content=b"<html>oops</html>")])
    with pytest.raises(errors.UnexpectedAnswer) as raised:
        client.incident(api.create_incident({"title": "x"}))
    assert raised.value.maybe_applied is True
    assert raised.value.status == 201


def test_redirects_are_not_followed() -> None:
    moved = httpx.Response(302, headers={"Location": "https://elsewhere.test/steal"})
    client, seen, _ = client_with([moved])
    with pytest.raises(errors.RootlyError):
        client.send(api.get_incident("x"))
    assert [str(r.url.host) for r in seen] == ["api.rootly.test"]


def test_every_page_is_read_and_later_pages_are_bounded() -> None:
    def page(request: httpx.Request) -> httpx.Response:
        number = int(request.url.params["page[number]"])
        return json_answer(
            200, {"data": [{"id": f"s{number}", "type": "services"}], "meta": {"total_pages": 30}}
        )

    client, seen, _ = client_with([page])
    listed = client.pages(api.list_entries("/v1/services"), max_pages=10)
    assert [p.data[0]["id"] for p in listed.pages] == [f"s{n}" for n in range(1, 11)]
    assert listed.more
    assert len(seen) == 10


def numbered(request: httpx.Request, total: int, size: int = 2) -> list[dict[str, str]]:
    """Entries `e0`... of a list of `total`, the ones a page number or cursor asks for."""
    after = request.url.params.get("page[after]")
    start = int(after) if after else (int(request.url.params["page[number]"]) - 1) * size
    return [{"id": f"e{i}", "type": "incidents"} for i in range(start, min(start + size, total))]


def test_a_refused_deep_page_number_switches_to_the_cursor() -> None:
    def page(request: httpx.Request) -> httpx.Response:
        if int(request.url.params.get("page[number]", 0)) > 2:
            return json_answer(400, {"errors": [{"title": "page too deep", "status": "400"}]})
        data = numbered(request, total=9)
        last = int(data[-1]["id"][1:])
        meta = {"total_pages": 5, "next_cursor": str(last + 1) if last < 8 else None}
        return json_answer(200, {"data": data, "meta": meta})

    client, seen, _ = client_with([page])
    request = api.ApiRequest("GET", "/v1/incidents", {"page[number]": 1, "page[size]": 2})
    listed = client.pages(request, max_pages=10)

    assert [e["id"] for p in listed.pages for e in p.data] == [f"e{i}" for i in range(9)]
    assert not listed.more
    after = [r.url.params.get("page[after]") for r in seen if "page[after]" in r.url.params]
    assert after == ["4", "6", "8"]
    assert all("page[number]" not in r.url.params for r in seen if "page[after]" in r.url.params)


def test_without_totals_a_full_page_means_there_may_be_more() -> None:
    def page(request: httpx.Request) -> httpx.Response:
        return json_answer(200, {"data": numbered(request, total=5), "meta": {}})

    client, seen, _ = client_with([page])
    request = api.ApiRequest("GET", "/v1/incidents", {"page[number]": 1, "page[size]": 2})
    listed = client.pages(request, max_pages=10)

    assert [e["id"] for p in listed.pages for e in p.data] == [f"e{i}" for i in range(5)]
    assert len(seen) == 3  # the third page is not full: the list ends there
    assert not listed.more


def test_links_next_is_followed_on_the_same_path_only() -> None:
    def page(request: httpx.Request) -> httpx.Response:
        number = int(request.url.params.get("page[number]", 1))
        following = {
            1: "https://api.rootly.com/v1/services?page%5Bnumber%5D=2&page%5Bsize%5D=100",
            2: "https://evil.example/steal?page%5Bnumber%5D=3",
        }.get(number)
        return json_answer(
            200, {"data": [{"id": f"s{number}", "type": "services"}], "links": {"next": following}}
        )

    client, seen, _ = client_with([page])
    listed = client.pages(api.list_entries("/v1/services"), max_pages=10)

    assert [p.data[0]["id"] for p in listed.pages] == ["s1", "s2"]
    assert [r.url.host for r in seen] == [seen[0].url.host] * 2


def test_path_segments_from_outside_stay_one_segment() -> None:
    client, seen, _ = client_with([json_answer(200, INCIDENT)])
    client.incident(api.get_incident("../../v1/users?x="))
    assert seen[0].url.raw_path == b"/v1/incidents/..%2F..%2Fv1%2Fusers%3Fx%3D"


def test_nothing_is_sent_once_the_deadline_has_passed() -> None:
    clock = FakeClock()
    client, seen, _ = client_with([json_answer(200, LIST)], clock, deadline=clock.now - 1)
    with pytest.raises(errors.DeadlineExceeded):
        client.send(api.get_incident("x"))
    assert seen == []


def test_a_retry_that_would_outlast_the_deadline_is_not_waited_for() -> None:
    clock = FakeClock()
    outage = json_answer(503, {"errors": []}, {"Retry-After": "60"})
    client, seen, _ = client_with([outage], clock, deadline=clock.now + 30)
    with pytest.raises(errors.ServerFailed):
        client.send(api.get_incident("x"))
    assert len(seen) == 1
    assert clock.slept == []


def test_an_unusable_ca_bundle_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", "/nowhere/ca.pem")
    with pytest.raises(errors.TlsSetupFailed) as raised:
        RootlyClient("https://api.rootly.test", "t", user_agent="x")
    assert "SSL_CERT_FILE='/nowhere/ca.pem'" in raised.value.detail


def test_an_outage_does_not_wait_for_the_rate_limit_window() -> None:
    # A 503 carries the rate-limit headers too; their reset is about the window, not
    # the outage, so the wait is the ordinary backoff.
    outage = json_answer(503, {"errors": []}, {"X-RateLimit-Reset": str(int(WALL + 1000 + 50))})
    client, _, clock = client_with([outage, json_answer(200, LIST)])
    client.send(api.get_incident("x"))
    assert clock.slept == [RetryPolicy().backoff(1, 0.5)]


def test_a_read_gives_up_after_its_last_attempt() -> None:
    client, seen, _ = client_with([json_answer(503, {"errors": []})])
    with pytest.raises(errors.ServerFailed):
        client.send(api.get_incident("x"))
    assert len(seen) == RetryPolicy().max_attempts


def test_a_retry_after_that_is_not_a_date_falls_back_to_backoff() -> None:
    limited = json_answer(429, {"error": "slow down"}, {"Retry-After": "soon-ish"})
    client, _, clock = client_with([limited, json_answer(200, LIST)])
    client.send(api.get_incident("x"))
    jitter = 0.5 * RetryPolicy().rate_limit_jitter
    assert clock.slept == [pytest.approx(RetryPolicy().backoff(1, 0.5) + jitter)]


def test_waiting_for_the_window_stops_short_of_the_deadline() -> None:
    reset = int(WALL + 1000 + 300)
    low = json_answer(200, LIST, {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset)})
    clock = FakeClock()
    client, _, _ = client_with([low, json_answer(200, LIST)], clock, deadline=clock.now + 10)
    client.send(api.get_incident("a"))
    client.send(api.get_incident("b"))
    assert clock.slept == [pytest.approx(9.0)]  # one second left for the request itself


def test_lifecycle_requests_name_their_message() -> None:
    request = api.transition("inc 1", "resolve", "resolution_message", "Fixed")
    assert request.path == "/v1/incidents/inc%201/resolve"
    assert request.body == {
        "data": {"type": "incidents", "attributes": {"resolution_message": "Fixed"}}
    }


def test_gather_keeps_order_runs_on_daemon_threads_and_raises_the_first_failure() -> None:
    import threading

    client, _, _ = client_with([json_answer(200, {})])
    seen: list[bool] = []

    def value(number: int) -> Callable[[], int]:
        def call() -> int:
            # Daemon workers: a step cancelled mid-round exits without waiting for them.
            seen.append(threading.current_thread().daemon)
            return number

        return call

    def failing(message: str) -> Callable[[], int]:
        def call() -> int:
            raise errors.NotFound("GET", f"/v1/{message}", status=404)

        return call

    assert client.gather([value(n) for n in range(12)]) == list(range(12))
    assert seen and all(seen)
    with pytest.raises(errors.NotFound, match="first"):
        client.gather([value(1), failing("first"), failing("second")])


@pytest.mark.parametrize(
    ("environ", "url", "named"),
    [
        ({"HTTPS_PROXY": "http://p:3128"}, "https://api.rootly.com", "HTTPS_PROXY='http://p:3128'"),
        (
            {"https_proxy": "http://u:pw@p:3128"},
            "https://api.rootly.com",
            "https_proxy='http://***@p:3128'",
        ),
        ({"ALL_PROXY": "socks5://p:1080"}, "https://api.rootly.com", "ALL_PROXY='socks5://p:1080'"),
        ({"HTTP_PROXY": "http://p:3128"}, "https://api.rootly.com", ""),
        ({"HTTPS_PROXY": "http://p:3128", "NO_PROXY": "rootly.com"}, "https://api.rootly.com", ""),
        ({"HTTPS_PROXY": "http://p:3128", "no_proxy": ".rootly.com"}, "https://api.rootly.com", ""),
        ({"HTTPS_PROXY": "http://p:3128", "NO_PROXY": "*"}, "https://api.rootly.com", ""),
        (
            {"HTTPS_PROXY": "http://p:3128", "NO_PROXY": "otherrootly.com"},
            "https://api.rootly.com",
            "HTTPS_PROXY='http://p:3128'",
        ),
        ({"HTTP_PROXY": "http://p:3128"}, "http://127.0.0.1:8080", ""),
    ],
)
def test_the_proxy_named_in_messages_is_the_one_that_applies(
    environ: dict[str, str], url: str, named: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in (
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
        "NO_PROXY",
        "no_proxy",
    ):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)

    assert proxy_for(url) == named


def test_each_requests_timeout_is_cut_to_the_time_left_before_the_deadline() -> None:
    clock = FakeClock()
    client, seen, _ = client_with([json_answer(200, LIST)], clock, deadline=clock.now + 2.5)

    client.page(api.list_entries("/v1/services"))
    clock.now += 1.0
    client.page(api.list_entries("/v1/services"))

    # The client's timeout is 30 s; the deadline leaves less, and the request gets that.
    cut = [request.extensions["timeout"] for request in seen]
    assert [set(timeouts.values()) for timeouts in cut] == [{2.5}, {1.5}]
