"""Pure parsers for the text forms inputs arrive in. Each raises ValueError with what is valid."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import urlsplit

from .rootly.hosts import is_loopback

_LIST_SEPARATOR = re.compile(r"[,\n]")
_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})
_EMAIL = re.compile(r"^[^@\s,]+@[^@\s,]+\.[^@\s,]+$")
# A Rootly ID (a UUID), or a slug such as `42-deploy-failed`: one path segment, no more.
_ID_OR_SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,199}$")
# An incident's number as people write it: `42`, `#42`, `INC-42` (Rootly's CLI strips
# the `INC-` prefix too).
_NUMBER = re.compile(r"^(?:#|INC-?)?([0-9]{1,12})$", re.IGNORECASE)
# What a token can hold: printable ASCII without spaces (HTTP headers take nothing else).
_TOKEN = re.compile(r"^[\x21-\x7e]+$")
MAX_URL_LENGTH = 2048

__all__ = [
    "MAX_URL_LENGTH",
    "incident_number",
    "is_email",
    "is_loopback",
    "parse_api_url",
    "parse_bool",
    "parse_email",
    "parse_id_or_slug",
    "parse_labels",
    "parse_number_within",
    "parse_timestamp",
    "parse_token",
    "readable",
    "shown_url",
    "split_list",
]


def split_list(text: str) -> list[str]:
    """Entries separated by commas and/or newlines, trimmed, without empties or repeats."""
    entries: list[str] = []
    for raw in _LIST_SEPARATOR.split(text):
        entry = raw.strip()
        if entry and entry not in entries:
            entries.append(entry)
    return entries


def parse_bool(text: str) -> bool:
    """YAML 1.2 core booleans, as GitHub's own toolkit accepts them."""
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError("expected true or false")


def parse_labels(text: str) -> dict[str, str]:
    """`key=value` entries separated by commas or newlines; a key may appear once."""
    labels: dict[str, str] = {}
    for raw in _LIST_SEPARATOR.split(text):
        entry = raw.strip()
        if not entry:
            continue
        key, separator, value = entry.partition("=")
        key, value = key.strip(), value.strip()
        if not separator or not key:
            raise ValueError(f"label {entry!r} is not of the form key=value")
        if key in labels:
            raise ValueError(f"label key {key!r} is given twice")
        labels[key] = value
    return labels


def parse_timestamp(text: str) -> str:
    """An ISO 8601 date-time with a time zone, returned in UTC as Rootly stores it."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError("expected an ISO 8601 date-time such as 2026-11-28T09:30:00Z") from None
    if moment.tzinfo is None:
        raise ValueError("the time zone is missing; add Z for UTC or an offset such as +02:00")
    try:
        utc = moment.astimezone(UTC)
    except OverflowError:
        raise ValueError("expected a date-time between the years 1 and 9999 in UTC") from None
    return utc.isoformat().replace("+00:00", "Z")


def parse_email(text: str) -> str:
    """An email address, as Rootly's notify_emails take it."""
    if not is_email(text):
        raise ValueError(f"{text!r} is not an email address")
    return text


def is_email(text: str) -> bool:
    """Whether `text` is written as an email address (the one test of it, for every input
    that takes one: notify-emails and user form fields)."""
    return bool(_EMAIL.match(text))


def parse_api_url(text: str) -> str:
    """Rootly's base URL without a trailing slash or `/v1`; https unless the host is loopback."""
    if len(text) > MAX_URL_LENGTH or not text.isascii() or any(c.isspace() for c in text):
        raise ValueError(
            f"expected a URL such as https://api.rootly.com (ASCII, no spaces, at most "
            f"{MAX_URL_LENGTH} characters)"
        )
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise ValueError("expected a URL such as https://api.rootly.com") from None
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ValueError("expected a URL such as https://api.rootly.com")
    if parts.username is not None or parts.password is not None:
        # Credentials in the URL would be sent as Basic auth instead of the token.
        raise ValueError("the URL must not carry a user name or password; the token is enough")
    if parts.query or parts.fragment or "?" in text or "#" in text:
        raise ValueError("the URL must not carry a query or fragment")
    if any(not 0 < len(label) <= 63 for label in parts.hostname.split(".")) or (
        len(parts.hostname) > 253
    ):
        raise ValueError("the host name is not valid (labels of 1 to 63 characters)")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise ValueError(
            "use https: the API token must not cross the network in clear "
            "(plain http is allowed only for localhost and 127.0.0.1)"
        )
    path = parts.path.rstrip("/")
    path = path.removesuffix("/v1")
    netloc = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    return f"{parts.scheme}://{netloc}{f':{port}' if port else ''}{path}"


def shown_url(text: str) -> str:
    """The URL as it may be printed: any user name or password replaced by `***`."""
    try:
        parts = urlsplit(text)
    except ValueError:
        return text
    if parts.username is None and parts.password is None:
        return text
    host = parts.netloc.rsplit("@", 1)[-1]
    return parts._replace(netloc=f"***@{host}").geturl()


def readable(text: str) -> str:
    """`text` with any byte that was not UTF-8 (a lone surrogate, as Python decodes the
    environment and the command line) replaced by U+FFFD, so it can be printed and sent."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def parse_token(text: str) -> str:
    """A Rootly API token: printable ASCII without spaces. Never echoed in errors."""
    if not _TOKEN.match(text):
        raise ValueError("a token is printable ASCII with no spaces or line breaks")
    return text


def parse_id_or_slug(text: str) -> str:
    """An incident's ID or slug (one path segment of letters, digits, `-` and `_`), or
    its number as people write it (`42`, `#42`, `INC-42`)."""
    if not (_ID_OR_SLUG.match(text) or _NUMBER.match(text)):
        raise ValueError(
            "expected an incident ID or slug, such as the `incident-id` or `incident-slug` "
            "output of the step that declared it, or its number (42, #42 or INC-42)"
        )
    return text


def incident_number(text: str) -> int | None:
    """The incident number `text` writes (`42`, `#42`, `INC-42`), or None."""
    found = _NUMBER.match(text)
    return int(found.group(1)) if found else None


def parse_number_within(text: str, upper: float, unit: str, example: str) -> float:
    """A number above 0 and at most `upper`, e.g. a timeout in seconds."""
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"expected a number of {unit}, such as {example}") from None
    if not 0 < number <= upper:  # NaN fails this too
        raise ValueError(f"expected a number of {unit} above 0 and at most {upper:g}")
    return number
