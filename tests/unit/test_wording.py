"""Every failure talking to Rootly becomes one true message: what happened, what to do,
what exists. Pure: errors are built by hand."""

from __future__ import annotations

import pytest
from fakes import incident

from rootly_incident_action.flows.ledger import Ledger, SentCreate
from rootly_incident_action.flows.wording import Phase, explain
from rootly_incident_action.rootly import errors


def words(
    failure: errors.RootlyError, phase: Phase = Phase.CREATE, ledger: Ledger | None = None
) -> str:
    return explain(
        failure,
        phase,
        base_url="https://api.rootly.com",
        timeout=30,
        deadline=120,
        ledger=ledger or Ledger(),
        references="services=abc",
    ).message


@pytest.mark.parametrize(
    ("failure", "phase", "said"),
    [
        (
            errors.AuthenticationFailed("GET", "/v1/x", status=401, titles=("Invalid token",)),
            Phase.LOOKUP,
            "401: Invalid token",
        ),
        (
            errors.PermissionDenied("GET", "/v1/incidents", status=403),
            Phase.SEARCH,
            "set 'deduplicate: false'",
        ),
        (
            errors.PermissionDenied("POST", "/v1/incidents", status=403),
            Phase.CREATE,
            "use a token whose role can.",
        ),
        (
            errors.NotFound("POST", "/v1/incidents", status=404),
            Phase.CREATE,
            "The IDs sent were: services=abc",
        ),
        (
            errors.NotFound("GET", "/v1/incidents", status=404),
            Phase.CHECK,
            "permission to read incidents",
        ),
        (
            errors.Rejected("PUT", "/v1/incidents/1", status=422, titles=("No",)),
            Phase.RETIRE,
            "Rootly refused a request (422: No)",
        ),
        (
            errors.BadRequest("POST", "/v1/incidents", status=400, titles=("Bad",)),
            Phase.CREATE,
            "malformed (400: Bad)",
        ),
        (
            errors.RateLimited("GET", "/v1/x", status=429, reset_at=1_800_000_000),
            Phase.LOOKUP,
            "It resets at",
        ),
        (
            errors.ServerFailed("POST", "/v1/incidents", status=502, maybe_applied=True),
            Phase.CREATE,
            "may or may not have taken effect",
        ),
        (errors.ServerFailed("GET", "/v1/x", status=502), Phase.LOOKUP, "status.rootly.com"),
        (
            errors.TimedOut("POST", "/v1/incidents", maybe_applied=True),
            Phase.CREATE,
            "it may have taken effect",
        ),
        (errors.TimedOut("GET", "/v1/x"), Phase.LOOKUP, "Raise 'timeout-seconds'"),
        (errors.TimedOut("GET", "/v1/x", waited=30), Phase.LOOKUP, "within 30 s. "),
        (
            errors.TimedOut("GET", "/v1/x", waited=4),
            Phase.LOOKUP,
            "within 4 s (all that was left of 'deadline-seconds': 120 s).",
        ),
        (errors.TimedOut("GET", "/v1/x", waited=4), Phase.LOOKUP, "Raise 'deadline-seconds'"),
        (
            errors.TlsSetupFailed("SETUP", "u", detail="SSL_CERT_FILE='x'"),
            Phase.LOOKUP,
            "SSL_CERT_FILE='x'",
        ),
        (errors.Unreachable("GET", "/v1/x", detail="refused"), Phase.LOOKUP, "Check 'api-url'"),
        (
            errors.ConnectionLost("POST", "/v1/incidents", maybe_applied=True),
            Phase.CREATE,
            "may have reached Rootly",
        ),
        (errors.DeadlineExceeded("GET", "/v1/x"), Phase.CHECK, "'deadline-seconds': 120 s"),
        (
            errors.UnexpectedAnswer("GET", "/v1/x", status=200, detail="not a list"),
            Phase.LOOKUP,
            "but not a list",
        ),
        (
            errors.RootlyError("GET", "/v1/x", status=409, titles=("Conflict",)),
            Phase.LOOKUP,
            "Rootly answered 409: Conflict",
        ),
    ],
)
def test_each_failure_has_its_own_words(
    failure: errors.RootlyError, phase: Phase, said: str
) -> None:
    message = words(failure, phase)
    assert said in message
    assert message.endswith("Nothing was created in Rootly.")


def test_a_message_names_what_exists_and_what_may_exist_privately() -> None:
    ledger = Ledger()
    ledger.record_made(incident(3, slug="3-payroll-key-leaked"), private=True)
    ledger.record_made(incident(3), private=True)  # recorded once
    ledger.record_unanswered(SentCreate("tok-2", "rootly_action_dedup_key", "k"))
    ledger.record_unanswered(SentCreate("tok-2", "rootly_action_dedup_key", "k"))
    message = words(errors.ServerFailed("GET", "/v1/incidents", status=503), Phase.CHECK, ledger)
    assert "the action created incident #3 (https://rootly.link/3) in Rootly." in message
    assert message.count("may have made that incident") == 1
    assert "payroll" not in message


def test_without_a_dedup_key_the_creator_label_is_the_way_to_find_it() -> None:
    ledger = Ledger()
    ledger.record_unanswered(SentCreate("tok-1", "rootly_action_dedup_key", None))
    message = words(
        errors.TimedOut("POST", "/v1/incidents", maybe_applied=True), Phase.CREATE, ledger
    )
    assert "label rootly_action_creator=tok-1" in message
    assert "A re-run with the same dedup key" not in message


def test_a_refusal_of_the_create_without_form_fields_gives_rootlys_reason_not_a_guess() -> None:
    refused = errors.Rejected(
        "POST", "/v1/incidents", status=422, titles=("Detected at can not be before Started time",)
    )
    message = explain(
        refused, Phase.CREATE_WITHOUT_FORM_FIELDS, base_url="u", timeout=30, deadline=120
    ).message

    assert message.startswith(
        "Rootly rejected the incident (422): Detected at can not be before Started time."
    )
    assert "form field it requires" not in message and "cannot be set" not in message
