"""Pure parsers for the text forms inputs arrive in. Each raises ValueError with what is valid."""

from __future__ import annotations

import ipaddress
import re
from datetime import UTC, datetime
from urllib.parse import urlsplit

_LIST_SEPARATOR = re.compile(r"[,\n]")
_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})
_EMAIL = re.compile(r"^[^@\s,]+@[^@\s,]+\.[^@\s,]+$")


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
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def parse_email(text: str) -> str:
    if not _EMAIL.match(text):
        raise ValueError(f"{text!r} is not an email address")
    return text


def parse_api_url(text: str) -> str:
    """Rootly's base URL without a trailing slash or `/v1`; https unless the host is loopback."""
    parts = urlsplit(text)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ValueError("expected a URL such as https://api.rootly.com")
    if parts.query or parts.fragment:
        raise ValueError("the URL must not carry a query or fragment")
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise ValueError(
            "use https: the API token must not cross the network in clear "
            "(plain http is allowed only for localhost and 127.0.0.1)"
        )
    path = parts.path.rstrip("/")
    path = path.removesuffix("/v1")
    return f"{parts.scheme}://{parts.netloc}{path}"


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def parse_number_within(text: str, upper: float, unit: str, example: str) -> float:
    """A number above 0 and at most `upper`, e.g. a timeout in seconds."""
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"expected a number of {unit}, such as {example}") from None
    if not 0 < number <= upper:
        raise ValueError(f"expected a number of {unit} above 0 and at most {upper:g}")
    return number
