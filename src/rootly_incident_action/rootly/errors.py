"""Failures talking to Rootly, each with a message that says what happened and what to do."""

from __future__ import annotations

from ..errors import ActionError


class RootlyError(ActionError):
    """Rootly answered, or could not be reached; `status` is the HTTP status when there was one."""

    def __init__(
        self,
        message: str,
        status: int | None = None,
        titles: tuple[str, ...] = (),
        *,
        maybe_applied: bool = False,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.titles = titles
        # True when the request reached Rootly and may have taken effect even though no
        # answer says so (a timeout, a dropped connection, a 5xx after a POST).
        self.maybe_applied = maybe_applied


class AuthenticationFailed(RootlyError):
    title = "Rootly refused the API token"


class PermissionDenied(RootlyError):
    title = "Rootly denied the request"


class NotFound(RootlyError):
    title = "Rootly could not find something"


class Rejected(RootlyError):
    """422: Rootly understood the request and refused it (a rule, a required field, ...)."""

    title = "Rootly rejected the incident"


class RateLimited(RootlyError):
    title = "Rootly's rate limit was reached"


class ServerFailed(RootlyError):
    title = "Rootly had an outage"


class TimedOut(RootlyError):
    title = "Rootly did not answer in time"


class Unreachable(RootlyError):
    title = "Rootly could not be reached"


class UnexpectedAnswer(RootlyError):
    title = "Rootly's answer was not understood"
