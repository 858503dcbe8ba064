"""What the action tells its users when talking to Rootly fails: one module of wording.

The Rootly client raises errors that carry data (status, Rootly's titles, whether a
write may have landed). Here they become one message each, saying what happened, what
to do, and (from the ledger) what exists in Rootly because of this run.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from ..errors import ActionError, RootlyFailure
from ..rootly import errors
from .ledger import Ledger

__all__ = ["Phase", "Situation", "Words", "explain", "title_of"]


class Phase(Enum):
    """What the action was doing when Rootly failed it."""

    LOOKUP = "looking names up in Rootly's catalog"
    SEARCH = "searching for an open incident with the same dedup key"
    PARENT = "reading the parent incident"
    CREATE = "creating the incident"
    CREATE_WITHOUT_FORM_FIELDS = (
        "creating the incident without its custom form field values, which Rootly refused "
        "inside the create"
    )
    CHECK = "checking for incidents other jobs created at the same moment"
    RETIRE = "marking a duplicate incident as such"
    FORM_FIELDS = "adding custom form field values"
    LIST = "listing the catalog"
    FIND = "reading the incident named by 'incident-id'"
    FIND_BY_KEY = "searching for the open incidents that carry the dedup key"
    CHANGE = "changing the incident"
    READ_VALUES = "reading the custom form field values the incident has"
    PULSE = "sending the deploy pulse"
    ALERT = "raising the alert"
    FIND_ALERTS = "searching for the open alerts raised with the dedup key"
    FIND_ALERT = "reading the alert named by 'alert-id'"
    RESOLVE_ALERT = "resolving the alert"


# Turns a failure met in a phase into the message for the user (`explain`, bound to one
# run's settings and ledger).
Words = Callable[[errors.RootlyError, Phase], ActionError]


def title_of(failure: errors.RootlyError) -> str:
    """The annotation title for a failure."""
    return _wording_of(failure).title


@dataclass(frozen=True)
class Situation:
    """What a message may say about where the failure happened."""

    phase: Phase
    base_url: str
    timeout: float
    deadline: float
    references: str

    def where(self, failure: errors.RootlyError) -> str:
        return f"This happened while {self.phase.value} ({failure.method} {failure.path})."

    @property
    def searching(self) -> bool:
        return self.phase in (Phase.SEARCH, Phase.CHECK)


def explain(
    failure: errors.RootlyError,
    phase: Phase,
    *,
    base_url: str,
    timeout: float,
    deadline: float,
    ledger: Ledger | None = None,
    references: str = "",
) -> RootlyFailure:
    """One message for the user: what happened, what to do, and what exists in Rootly."""
    situation = Situation(phase, base_url, timeout, deadline, references)
    wording = _wording_of(failure)
    text = wording.says(failure, situation)
    if ledger is not None:
        text += "\n" + ledger.account()
    return RootlyFailure(wording.title, text, failure)


def _token_refused(failure: errors.RootlyError, at: Situation) -> str:
    return (
        f"Rootly refused the API token (401: {failure.said}). Check that the secret passed "
        "as 'api-token' holds a current Rootly API token for this organisation, and that "
        f"'api-url' ({at.base_url}) is your Rootly API."
    )


def _denied(failure: errors.RootlyError, at: Situation) -> str:
    skip = ", or set 'deduplicate: false' to skip the search" if at.searching else ""
    return (
        f"Rootly denied the request (403: {failure.said}). {at.where(failure)} The token is "
        f"valid, but its role may not do this: use a token whose role can{skip}."
    )


def _not_found(failure: errors.RootlyError, at: Situation) -> str:
    text = f"Rootly answered 404 ({failure.said}). {at.where(failure)}"
    if at.phase in (Phase.CREATE, Phase.CREATE_WITHOUT_FORM_FIELDS):
        text += (
            " Rootly says this when an ID the incident refers to does not exist or the "
            f"token cannot see it. The IDs sent were: {at.references or '(none)'}. "
            "Check each in Rootly."
        )
    elif at.searching:
        text += " Give the token permission to read incidents, or set 'deduplicate: false'."
    return text


def _rejected(failure: errors.RootlyError, at: Situation) -> str:
    if at.phase is Phase.CREATE_WITHOUT_FORM_FIELDS:
        # A refusal about a required field is FormFieldsRefused (flows/declare.py): this
        # one is about something else, which Rootly's own words name.
        return (
            f"Rootly rejected the incident (422): {failure.said}. {at.where(failure)} Fix "
            "what Rootly names and run again."
        )
    if at.phase is not Phase.CREATE:
        return f"Rootly refused a request (422: {failure.said}). {at.where(failure)}"
    return (
        f"Rootly rejected the incident (422): {failure.said}. Fix the inputs it names (or "
        "the form fields your organisation requires) and run again."
    )


def _malformed(failure: errors.RootlyError, at: Situation) -> str:
    return (
        f"Rootly refused the request as malformed (400: {failure.said}). {at.where(failure)} "
        "Please report this with the step's log: the action may need updating for "
        "Rootly's API."
    )


def _rate_limited(failure: errors.RootlyError, at: Situation) -> str:
    reset_at = getattr(failure, "reset_at", None)
    when = ""
    if reset_at:
        when = f" It resets at {time.strftime('%H:%M:%S UTC', time.gmtime(reset_at))}."
    return (
        "Rootly's rate limit for this API token is used up (429), and it did not reset "
        f"within the step's deadline ('deadline-seconds': {at.deadline:g} s).{when} "
        f"{at.where(failure)} Other automation may share the token: re-run the job later, "
        "raise 'deadline-seconds', or give this workflow a token of its own."
    )


def _outage(failure: errors.RootlyError, at: Situation) -> str:
    text = f"Rootly had a problem on its side ({failure.status}: {failure.said}). "
    text += at.where(failure)
    if failure.maybe_applied:
        text += " The request may or may not have taken effect: look in Rootly before "
        text += "re-running."
    return text + " See https://status.rootly.com."


def _timed_out(failure: errors.RootlyError, at: Situation) -> str:
    waited = at.timeout
    if isinstance(failure, errors.TimedOut) and failure.waited is not None:
        waited = failure.waited  # the timeout that applied: the deadline may have cut it
    cut = waited < at.timeout
    text = f"Rootly did not answer a {failure.method} within {waited:g} s"
    if cut:
        text += f" (all that was left of 'deadline-seconds': {at.deadline:g} s)"
    text += ". " + at.where(failure)
    if failure.maybe_applied:
        text += " The request was sent, so it may have taken effect: look in Rootly before "
        text += "re-running."
    if cut:
        return text + " Raise 'deadline-seconds' if Rootly is slow for you."
    return text + " Raise 'timeout-seconds' if Rootly is slow for you."


def _tls_setup(failure: errors.RootlyError, at: Situation) -> str:
    return (
        "Could not set up TLS to reach Rootly: the CA bundle named by SSL_CERT_FILE or "
        f"SSL_CERT_DIR cannot be used ({failure.detail}). Inside the action's container the "
        "workspace is /github/workspace."
    )


def _proxy_setup(failure: errors.RootlyError, at: Situation) -> str:
    return (
        f"The proxy settings cannot be used to reach Rootly at {at.base_url} "
        f"({failure.detail}). Give an http:// or https:// proxy in that variable (SOCKS "
        "proxies are not supported), or name Rootly's host in NO_PROXY."
    )


def _proxy_refused(failure: errors.RootlyError, at: Situation) -> str:
    return (
        f"The proxy refused to connect to Rootly at {at.base_url} ({failure.detail}); "
        "Rootly was not reached, so nothing was sent to it. Ask for Rootly's host to be "
        "allowed through the proxy, or name it in NO_PROXY."
    )


def _unreachable(failure: errors.RootlyError, at: Situation) -> str:
    if "CERTIFICATE_VERIFY_FAILED" in failure.detail:
        return (
            f"Could not connect to Rootly at {at.base_url}: its TLS certificate is not "
            f"trusted ({failure.detail}). Behind a TLS-inspecting proxy or with a private CA, "
            "point SSL_CERT_FILE at a CA bundle that includes it (inside the action's "
            "container the workspace is /github/workspace)."
        )
    return (
        f"Could not connect to Rootly at {at.base_url} ({failure.detail}). Check 'api-url' "
        "and that the runner can reach it (proxy, firewall, DNS)."
    )


def _connection_lost(failure: errors.RootlyError, at: Situation) -> str:
    text = f"The connection to Rootly at {at.base_url} broke ({failure.detail}). "
    text += at.where(failure)
    if failure.maybe_applied:
        text += " The request may have reached Rootly: look for the incident before re-running."
    return text


def _out_of_time(failure: errors.RootlyError, at: Situation) -> str:
    return (
        f"The step's deadline ('deadline-seconds': {at.deadline:g} s) passed before Rootly "
        f"could be asked again. {at.where(failure)} Raise 'deadline-seconds' if Rootly is "
        "slow for you."
    )


def _not_understood(failure: errors.RootlyError, at: Situation) -> str:
    return (
        f"Rootly answered {failure.status} to {failure.method} {failure.path}, but "
        f"{failure.detail}. {at.where(failure)}"
    )


def _anything_else(failure: errors.RootlyError, at: Situation) -> str:
    return f"Rootly answered {failure.status}: {failure.said}. {at.where(failure)}"


@dataclass(frozen=True)
class _Wording:
    """How one kind of failure is told: its annotation title and its message."""

    kind: type[errors.RootlyError]
    title: str
    says: Callable[[errors.RootlyError, Situation], str]


# One row per failure the client raises: the title and the words live side by side.
_WORDINGS = (
    _Wording(errors.AuthenticationFailed, "Rootly refused the API token", _token_refused),
    _Wording(errors.PermissionDenied, "Rootly denied the request", _denied),
    _Wording(errors.NotFound, "Rootly could not find something", _not_found),
    _Wording(errors.Rejected, "Rootly rejected the incident", _rejected),
    _Wording(errors.BadRequest, "Rootly refused the request", _malformed),
    _Wording(errors.RateLimited, "Rootly's rate limit was reached", _rate_limited),
    _Wording(errors.ServerFailed, "Rootly had an outage", _outage),
    _Wording(errors.TimedOut, "Rootly did not answer in time", _timed_out),
    _Wording(errors.TlsSetupFailed, "Rootly could not be reached", _tls_setup),
    _Wording(errors.ProxySetupFailed, "The proxy settings cannot be used", _proxy_setup),
    _Wording(errors.ProxyRefused, "The proxy refused the connection", _proxy_refused),
    _Wording(errors.Unreachable, "Rootly could not be reached", _unreachable),
    _Wording(errors.ConnectionLost, "Rootly could not be reached", _connection_lost),
    _Wording(errors.DeadlineExceeded, "The step ran out of time", _out_of_time),
    _Wording(errors.UnexpectedAnswer, "Rootly's answer was not understood", _not_understood),
)
_ANYTHING_ELSE = _Wording(errors.RootlyError, "Rootly answered unexpectedly", _anything_else)


def _wording_of(failure: errors.RootlyError) -> _Wording:
    return next((row for row in _WORDINGS if isinstance(failure, row.kind)), _ANYTHING_ELSE)
