"""Reading Rootly's answers: odd bodies become typed errors, never exceptions of the parser."""

from __future__ import annotations

import pytest

from rootly_incident_action.rootly import errors
from rootly_incident_action.rootly.responses import decode_json, error_for_status, page_from


def test_a_body_nested_beyond_reason_is_not_json_to_us() -> None:
    assert decode_json(b"[" * 100_000) is None
    assert decode_json(b"not json") is None


def test_a_list_answer_that_is_not_a_list_is_an_unexpected_answer() -> None:
    with pytest.raises(errors.UnexpectedAnswer, match="not a JSON:API list"):
        page_from("GET", "/v1/services", 200, {"data": "nope"})


def test_an_unknown_status_keeps_rootlys_words_or_the_reason() -> None:
    failure = error_for_status("GET", "/v1/x", 409, {"errors": [{"title": "Conflict"}]}, "Conflict")
    assert type(failure) is errors.RootlyError
    assert failure.said == "Conflict"
    plain = error_for_status("GET", "/v1/x", 418, "<html>", "I'm a teapot")
    assert plain.said == "I'm a teapot"
