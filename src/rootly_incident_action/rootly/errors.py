"""What went wrong talking to Rootly, as data. No advice: the caller words it for its users.

Every error carries the request it belongs to (`method`, `path`), the HTTP status when
there was an answer, Rootly's error titles, and `maybe_applied`: True when a write may
have taken effect although no answer says so (a timeout after sending, a dropped
connection, a 5xx, a 2xx whose body cannot be read).
"""

from __future__ import annotations

__all__ = [
    "AuthenticationFailed",
    "BadRequest",
    "ConnectionLost",
    "DeadlineExceeded",
    "NotFound",
    "PermissionDenied",
    "ProxyRefused",
    "ProxySetupFailed",
    "RateLimited",
    "Rejected",
    "RootlyError",
    "ServerFailed",
    "TimedOut",
    "TlsSetupFailed",
    "UnexpectedAnswer",
    "Unreachable",
]


class RootlyError(Exception):
    """A request to Rootly did not give the answer it should have."""

    def __init__(
        self,
        method: str,
        path: str,
        *,
        status: int | None = None,
        titles: tuple[str, ...] = (),
        detail: str = "",
        maybe_applied: bool = False,
    ) -> None:
        self.method = method
        self.path = path
        self.status = status
        self.titles = titles
        self.detail = detail
        self.maybe_applied = maybe_applied
        said = "; ".join(titles) or detail
        answer = f"{status}" if status is not None else type(self).__name__
        super().__init__(f"{method} {path}: {answer}" + (f" ({said})" if said else ""))

    @property
    def said(self) -> str:
        """What Rootly said, or what happened: for messages."""
        return "; ".join(self.titles) or self.detail


class AuthenticationFailed(RootlyError):
    """401: the token is not valid."""


class PermissionDenied(RootlyError):
    """403: the token is valid but may not do this."""


class NotFound(RootlyError):
    """404: unknown, or not visible to the token (Rootly does not say which)."""


class BadRequest(RootlyError):
    """400: the request itself was refused (an attribute Rootly does not take, ...)."""


class Rejected(RootlyError):
    """422: understood and refused (a rule, a required field, ...)."""


class RateLimited(RootlyError):
    """429, and the limit did not reset within the time allowed."""

    def __init__(self, method: str, path: str, *, reset_at: float | None = None, **kw: object):
        super().__init__(method, path, **kw)  # type: ignore[arg-type]
        self.reset_at = reset_at


class ServerFailed(RootlyError):
    """5xx: Rootly failed on its side."""


class TimedOut(RootlyError):
    """No answer within the timeout; `waited` is the timeout that applied (the client's,
    or less when the deadline was nearer)."""

    def __init__(self, method: str, path: str, *, waited: float | None = None, **kw: object):
        super().__init__(method, path, **kw)  # type: ignore[arg-type]
        self.waited = waited


class Unreachable(RootlyError):
    """The connection could not be opened: Rootly saw nothing."""


class ConnectionLost(RootlyError):
    """The connection broke after the request went out."""


class UnexpectedAnswer(RootlyError):
    """An answer that is not what the operation returns (not JSON:API, wrong shape)."""


class TlsSetupFailed(RootlyError):
    """The CA bundle named by SSL_CERT_FILE or SSL_CERT_DIR cannot be used."""


class ProxySetupFailed(RootlyError):
    """The proxy a variable names cannot be used (a SOCKS proxy, an unknown scheme);
    `detail` names the variable."""


class ProxyRefused(RootlyError):
    """The proxy refused to open the tunnel to Rootly: Rootly saw nothing."""


class DeadlineExceeded(RootlyError):
    """The caller's overall deadline would pass before the request could be (re)tried."""
