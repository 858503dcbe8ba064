"""Exact words and exact edges: what a user reads when an input is wrong, where each
limit falls, and values that must not change between versions (dedup keys)."""

from __future__ import annotations

import pytest
from fakes import incident

from rootly_incident_action import parsing
from rootly_incident_action.catalog.form_fields import (
    FieldShape,
    FieldValueError,
    option_ids,
    parse_form_fields,
    text_value,
)
from rootly_incident_action.catalog.matching import CatalogEntry
from rootly_incident_action.github import escape
from rootly_incident_action.github.context import RunContext
from rootly_incident_action.plan import dedup

RUN = RunContext(repository="acme/shop", workflow="Deploy", run_id="77", job="ship")


def refusal(parser: object, text: str) -> str:
    with pytest.raises(ValueError) as raised:
        parser(text)  # type: ignore[operator]
    return str(raised.value)


def test_keys_stay_the_same_across_versions_so_reruns_after_an_upgrade_find_their_incident() -> (
    None
):
    assert dedup.default_dedup_key(RUN, "Shard 1") == "sha256:183925bc6b253868076bdf17b304f0d5"
    assert dedup.default_parent_key(RUN) == "sha256:32eb5adde5df66f735668bbd7ed61816"
    scoped = RunContext(
        repository="acme/shop",
        workflow="Deploy",
        workflow_path=".github/workflows/deploy.yml",
        ref_name="main",
    )
    assert dedup.workflow_dedup_key(scoped) == "sha256:ac01cf66355f407507c13054979c85ff"
    by_name = RunContext(repository="acme/shop", workflow="Deploy", ref_name="main")
    assert dedup.workflow_dedup_key(by_name) == "sha256:bc2768d1a1df9d11927fa528c395051a"


def test_keys_of_failures_seen_from_outside_stay_the_same_too() -> None:
    from dataclasses import replace

    from rootly_incident_action.github.context import Deployment, Watcher

    deployment = replace(RUN, deployment=Deployment("42", "production"))
    watched = replace(RUN, watcher=Watcher("5", "1", "W", "u"))
    assert dedup.default_dedup_key(deployment, "x") == "sha256:b47095d82f7a88ceda1fbba8b21839d0"
    assert dedup.default_dedup_key(watched, "x") == "sha256:5d8cd4470202ab87815da1af557292c9"


def test_the_grace_period_is_ten_seconds_or_twice_the_timeout() -> None:
    assert dedup.grace_period(2) == 10.0
    assert dedup.grace_period(5) == 10.0
    assert dedup.grace_period(5.5) == 11.0
    assert dedup.grace_period(30) == 60.0


def test_creation_order_is_the_number_then_the_time_then_the_id() -> None:
    numbered = incident(5, created_at="2026-11-28T10:00:00Z")
    unnumbered_early = incident(1, sequential_id=None, created_at="2026-11-28T09:00:00Z")
    unnumbered_late = incident(2, sequential_id=None, created_at="2026-11-28T11:00:00Z")
    timeless = incident(3, sequential_id=None, created_at=None)
    found = dedup.labelled([unnumbered_late, timeless, numbered, unnumbered_early], "k", "v")
    assert found == []  # none carries the label
    keyed = [
        i.model_copy(update={"attributes": i.attributes.model_copy(update={"labels": {"k": "v"}})})
        for i in (unnumbered_late, timeless, numbered, unnumbered_early)
    ]
    assert [i.id for i in dedup.labelled(keyed, "k", "v")] == ["id-5", "id-3", "id-1", "id-2"]
    assert dedup.is_open(incident(9, status=None)) is True
    assert dedup.is_open(incident(9, status="completed")) is False


def test_escaping_is_exact() -> None:
    assert escape.one_line("a\r\nb\x00c\u2028d  ") == "a b c d"
    assert escape.markdown("Tom & Jerry <b>|x|</b> [a](b)") == (
        "Tom &amp; Jerry &lt;b&gt;\\|x\\|&lt;/b&gt; \\[a\\]\\(b\\)"
    )
    assert escape.link("#7 Down", "https://r.test/7") == "[\\#7 Down](https://r.test/7)"
    assert escape.link("#7 Down", "javascript:alert(1)") == "\\#7 Down"
    assert escape.link("x", None) == "x"
    assert escape.safe_url("https://r.test/a b") == ""


@pytest.mark.parametrize(
    ("parser", "text", "message"),
    [
        (parsing.parse_bool, "yes", "expected true or false"),
        (
            parsing.parse_timestamp,
            "yesterday",
            "expected an ISO 8601 date-time such as 2026-11-28T09:30:00Z",
        ),
        (
            parsing.parse_timestamp,
            "2026-11-28T09:30:00",
            "the time zone is missing; add Z for UTC or an offset such as +02:00",
        ),
        (
            parsing.parse_timestamp,
            "9999-12-31T23:59:59-01:00",
            "expected a date-time between the years 1 and 9999 in UTC",
        ),
        (parsing.parse_api_url, "ftp://x.test", "expected a URL such as https://api.rootly.com"),
        (parsing.parse_api_url, "https://x:99999", "expected a URL such as https://api.rootly.com"),
        (
            parsing.parse_api_url,
            "https://u:p@x.test",
            "the URL must not carry a user name or password; the token is enough",
        ),
        (parsing.parse_api_url, "https://x.test?a", "the URL must not carry a query or fragment"),
        (parsing.parse_api_url, "https://x.test/#", "the URL must not carry a query or fragment"),
        (
            parsing.parse_api_url,
            "https://a..test",
            "the host name is not valid (labels of 1 to 63 characters)",
        ),
        (
            parsing.parse_api_url,
            "http://rootly.internal",
            "use https: the API token must not cross the network in clear (plain http is allowed only for localhost and 127.0.0.1)",
        ),
        (parsing.parse_token, "a b", "a token is printable ASCII with no spaces or line breaks"),
        (
            parsing.parse_id_or_slug,
            "a/b",
            "expected an incident ID or slug, such as the `incident-id` or `incident-slug` output of the step that declared it, or its number (42, #42 or INC-42)",
        ),
        (parsing.parse_labels, "a=1,b", "label 'b' is not of the form key=value"),
    ],
)
def test_each_refusal_says_what_would_be_valid(parser: object, text: str, message: str) -> None:
    assert refusal(parser, text) == message


def test_limits_fall_exactly_where_they_are_said_to() -> None:
    host = "https://" + "a" * 63 + ".test"
    assert parsing.parse_api_url(host) == host
    assert "labels of 1 to 63" in refusal(parsing.parse_api_url, "https://" + "a" * 64 + ".test")
    long_host = ".".join(["a" * 50] * 5)  # 254 characters
    assert "labels of 1 to 63" in refusal(parsing.parse_api_url, f"https://{long_host}")
    fits = "https://x.test/" + "p" * (parsing.MAX_URL_LENGTH - 15)
    assert len(fits) == parsing.MAX_URL_LENGTH
    assert parsing.parse_api_url(fits) == fits
    assert "at most 2048" in refusal(parsing.parse_api_url, fits + "p")
    assert parsing.parse_api_url("https://x.test/v1/v1/") == "https://x.test/v1"
    assert parsing.parse_api_url("https://x.test/rootly/v1") == "https://x.test/rootly"
    assert parsing.parse_number_within("600", 600, "seconds", "30") == 600.0
    assert parsing.parse_number_within("0.5", 600, "seconds", "30") == 0.5
    assert refusal(lambda t: parsing.parse_number_within(t, 600, "seconds", "30"), "0") == (
        "expected a number of seconds above 0 and at most 600"
    )
    assert parsing.shown_url("https://only-user@x.test") == "https://***@x.test"
    assert parsing.shown_url("https://a@b@x.test") == "https://***@x.test"


def test_a_labels_entry_with_spaces_and_empty_lines_is_read() -> None:
    assert parsing.parse_labels("a = 1\n\n, b=2") == {"a": "1", "b": "2"}


def test_form_field_words_are_exact() -> None:
    assert (
        refusal(parse_form_fields, "- a")
        == "expected a mapping such as `Region: eu-west` (one field per line)"
    )
    assert refusal(parse_form_fields, "a: [").startswith(
        "expected a YAML or JSON mapping of field to value (while parsing a flow"
    )
    assert "\n" not in refusal(parse_form_fields, "a: [")
    deep = '{"a":' * 3000 + "1" + "}" * 3000
    assert refusal(parse_form_fields, deep) == (
        "expected a flat mapping of field to value; this one nests too deeply"
    )
    assert parse_form_fields('  {"a": true, "b": false}') == {"a": "true", "b": "false"}
    assert parse_form_fields("a: false") == {"a": "false"}
    assert FieldShape.of(CatalogEntry("f", "F")) == FieldShape("text", "inherit")
    descriptions = {
        FieldShape("select", "incident_type"): "incident types, by name, slug or ID",
        FieldShape("select", "catalog_entity"): "catalog entity IDs",
        FieldShape("datetime", "inherit"): "an ISO 8601 date-time such as 2026-11-28T09:30:00Z",
        FieldShape("tags", "inherit"): "text tags",
        FieldShape("rich_text", "inherit"): "text",
    }
    for shape, said in descriptions.items():
        assert shape.describe() == said
    with pytest.raises(FieldValueError) as raised:
        text_value(FieldShape("datetime", "inherit"), "noon")
    assert (raised.value.value, raised.value.reason) == ("noon", "is not an ISO 8601 date-time")
    field = CatalogEntry(
        "f", "F", details={"options": [CatalogEntry("o1", "eu"), CatalogEntry("o2", "eu")]}
    )
    with pytest.raises(FieldValueError) as twice:
        option_ids(field, "eu")
    assert (twice.value.value, twice.value.reason) == (
        "eu",
        "matches more than one option; use the option's ID",
    )
    empty = CatalogEntry("f", "F", details={})
    with pytest.raises(FieldValueError) as none:
        option_ids(empty, "eu")
    assert none.value.reason == "is not one of its options (none)"
