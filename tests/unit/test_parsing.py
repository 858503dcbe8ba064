"""The text forms inputs arrive in."""

from __future__ import annotations

import pytest

from rootly_incident_action import parsing
from rootly_incident_action.parsing import incident_number, parse_id_or_slug


def test_lists_split_on_commas_and_newlines_trimmed_without_empties_or_repeats() -> None:
    text = " payments ,checkout\n\n  search,, payments\r\n auth "
    assert parsing.split_list(text) == ["payments", "checkout", "search", "auth"]


def test_an_entry_with_inner_spaces_is_kept_whole() -> None:
    assert parsing.split_list("Card payments, Login page") == ["Card payments", "Login page"]


@pytest.mark.parametrize(("text", "expected"), [("true", True), ("TRUE", True), ("False", False)])
def test_booleans_follow_yaml_core(text: str, expected: bool) -> None:
    assert parsing.parse_bool(text) is expected


@pytest.mark.parametrize("text", ["yes", "1", "on", ""])
def test_other_booleans_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="true or false"):
        parsing.parse_bool(text)


def test_labels_become_an_object_and_values_may_hold_equals_signs() -> None:
    labels = parsing.parse_labels("team=payments, query=a=b\n version = 1.2 ")
    assert labels == {"team": "payments", "query": "a=b", "version": "1.2"}


@pytest.mark.parametrize(
    ("text", "reason"),
    [("team", "key=value"), ("=x", "key=value"), ("a=1,a=2", "given twice")],
)
def test_malformed_labels_say_why(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parsing.parse_labels(text)


def test_timestamps_are_normalised_to_utc() -> None:
    assert parsing.parse_timestamp("2026-11-28T10:30:00+01:00") == "2026-11-28T09:30:00Z"
    assert parsing.parse_timestamp("2026-11-28T09:30:00Z") == "2026-11-28T09:30:00Z"


def test_a_timestamp_without_a_time_zone_is_refused_rather_than_guessed() -> None:
    with pytest.raises(ValueError, match="time zone"):
        parsing.parse_timestamp("2026-11-28T09:30:00")


def test_a_non_timestamp_is_refused_with_an_example() -> None:
    with pytest.raises(ValueError, match="ISO 8601"):
        parsing.parse_timestamp("last tuesday")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://api.rootly.com", "https://api.rootly.com"),
        ("https://api.rootly.com/", "https://api.rootly.com"),
        ("https://api.rootly.com/v1/", "https://api.rootly.com"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("http://localhost:8080", "http://localhost:8080"),
        ("http://[::1]:8080", "http://[::1]:8080"),
    ],
)
def test_api_urls_are_normalised(text: str, expected: str) -> None:
    assert parsing.parse_api_url(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("http://api.rootly.com", "https"),
        ("http://10.0.0.5", "https"),
        ("api.rootly.com", "URL such as"),
        ("https://api.rootly.com?x=1", "query"),
    ],
)
def test_unsafe_or_malformed_api_urls_are_refused(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parsing.parse_api_url(text)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("https://röotly.test", "ASCII"),
        ("https://api.rootly.com:99999", "expected a URL"),
        ("https://user@api.rootly.com", "user name or password"),
        ("https://api.rootly.com/#x", "query or fragment"),
        ("https://" + "a" * 64 + ".test", "labels of 1 to 63"),
    ],
)
def test_api_urls_that_cannot_be_used_safely_are_refused(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parsing.parse_api_url(text)


def test_a_url_with_a_password_is_shown_without_it() -> None:
    assert parsing.shown_url("https://admin:pw@x.test/v1") == "https://***@x.test/v1"
    assert parsing.shown_url("https://x.test") == "https://x.test"
    assert parsing.shown_url("http://[::1") == "http://[::1"


def test_the_loopback_and_a_port_are_kept() -> None:
    assert parsing.parse_api_url("http://[::1]:8080/v1/") == "http://[::1]:8080"
    assert parsing.parse_api_url("http://localhost:9") == "http://localhost:9"


@pytest.mark.parametrize(
    ("written", "number"),
    [("42", 42), ("#42", 42), ("INC-42", 42), ("inc-42", 42), ("INC42", 42), ("#007", 7)],
)
def test_an_incident_number_is_read_as_people_write_it(written: str, number: int) -> None:
    assert incident_number(written) == number
    assert parse_id_or_slug(written) == written  # kept as written, for messages


@pytest.mark.parametrize("text", ["deploy-failed", "3f2a-uuid", "INC-", "#", "42-deploy", "# 42"])
def test_slugs_ids_and_near_misses_are_not_numbers(text: str) -> None:
    assert incident_number(text) is None


def test_a_reference_that_is_neither_names_all_three_forms() -> None:
    with pytest.raises(ValueError, match=r"or its number \(42, #42 or INC-42\)"):
        parse_id_or_slug("#forty-two")
