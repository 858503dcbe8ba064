"""Reading every input into one validated model."""

from __future__ import annotations

import pytest

from rootly_incident_action.errors import InvalidInputs
from rootly_incident_action.inputs import parse_inputs, read_fail_on_error


def test_only_the_token_is_needed_and_defaults_apply() -> None:
    inputs = parse_inputs({"api-token": "tok"})
    assert inputs.api_url == "https://api.rootly.com"
    assert inputs.title is None
    assert inputs.fail_on_error is True
    assert inputs.dry_run is False
    assert inputs.context_labels is True
    assert inputs.timeout_seconds == 30.0


def test_reference_inputs_become_references_in_order() -> None:
    inputs = parse_inputs({"api-token": "tok", "services": "b, a\nb", "severity": " sev "})
    assert inputs.references_for("services") == ("b", "a")
    assert inputs.severity == "sev"


def test_two_severities_are_refused() -> None:
    with pytest.raises(InvalidInputs, match="one severity"):
        parse_inputs({"api-token": "tok", "severity": "sev1, sev2"})


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(InvalidInputs) as caught:
        parse_inputs({"api-token": "", "dry-run": "maybe", "timeout-seconds": "-1"})
    names = [problem.name for problem in caught.value.problems]
    assert names == ["api-token", "timeout-seconds", "dry-run"]


def test_a_token_with_whitespace_is_refused_without_echoing_it() -> None:
    with pytest.raises(InvalidInputs) as caught:
        parse_inputs({"api-token": "abc def"})
    assert "abc def" not in caught.value.message
    assert "'***'" in caught.value.message
    assert "printable ASCII" in caught.value.message


def test_the_token_is_kept_secret_in_the_model() -> None:
    inputs = parse_inputs({"api-token": "s3cr3t-token"})
    assert "s3cr3t-token" not in repr(inputs)
    assert inputs.api_token.reveal() == "s3cr3t-token"


def test_fail_on_error_is_read_even_when_other_inputs_are_bad() -> None:
    assert read_fail_on_error({"fail-on-error": "false", "dry-run": "bad"}) is False
    assert read_fail_on_error({"fail-on-error": "nonsense"}) is True
    assert read_fail_on_error({}) is True
