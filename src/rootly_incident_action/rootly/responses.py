"""Reading Rootly's answers: bodies into models, failures into typed errors. Pure."""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from . import errors
from .models import ErrorDocument, Incident, ListPage, Resource

__all__ = [
    "decode_json",
    "error_for_status",
    "error_titles",
    "incident_from",
    "page_from",
    "resource_from",
]

_BY_STATUS: dict[int, type[errors.RootlyError]] = {
    400: errors.BadRequest,
    401: errors.AuthenticationFailed,
    403: errors.PermissionDenied,
    404: errors.NotFound,
    422: errors.Rejected,
}


def decode_json(content: bytes) -> Any:
    """The body as JSON, or None when it is not JSON."""
    try:
        return json.loads(content)
    except (ValueError, RecursionError):
        return None


def error_titles(document: Any) -> tuple[str, ...]:
    """Rootly's error titles (and details) from an error body of either shape it uses."""
    if isinstance(document, dict) and isinstance(document.get("error"), str):
        return (document["error"],)  # the 429 body is not JSON:API
    try:
        parsed = ErrorDocument.model_validate(document)
    except ValidationError:
        return ()
    return tuple(
        error.title + (f" ({error.detail})" if error.detail else "")
        for error in parsed.errors
        if error.title
    )


def error_for_status(
    method: str, path: str, status: int, document: Any, reason: str
) -> errors.RootlyError:
    """The typed error for a non-2xx answer other than a 429 (the client handles those)."""
    titles = error_titles(document)
    detail = "" if titles else reason
    if status >= 500:
        # A write answered 5xx may still have been applied before Rootly failed.
        return errors.ServerFailed(
            method, path, status=status, titles=titles, detail=detail, maybe_applied=method != "GET"
        )
    kind = _BY_STATUS.get(status, errors.RootlyError)
    return kind(method, path, status=status, titles=titles, detail=detail)


def incident_from(method: str, path: str, status: int, document: Any) -> Incident:
    """The incident in a `{data: {...}}` answer; UnexpectedAnswer when there is none."""
    data = document.get("data") if isinstance(document, dict) else None
    try:
        return Incident.model_validate(data)
    except ValidationError:
        raise errors.UnexpectedAnswer(
            method,
            path,
            status=status,
            detail="the answer carries no readable incident",
            # A 2xx to a write means Rootly did it, even if we cannot read what it made.
            maybe_applied=method != "GET",
        ) from None


def resource_from(method: str, path: str, status: int, document: Any) -> Resource:
    """The resource in a `{data: {...}}` answer (a pulse, ...); UnexpectedAnswer when none."""
    data = document.get("data") if isinstance(document, dict) else None
    try:
        return Resource.model_validate(data)
    except ValidationError:
        raise errors.UnexpectedAnswer(
            method,
            path,
            status=status,
            detail="the answer carries no readable resource",
            maybe_applied=method != "GET",
        ) from None


def page_from(method: str, path: str, status: int, document: Any) -> ListPage:
    """One page of a list answer; UnexpectedAnswer when the body is not a JSON:API list."""
    try:
        return ListPage.model_validate(document)
    except ValidationError:
        raise errors.UnexpectedAnswer(
            method, path, status=status, detail="the answer is not a JSON:API list"
        ) from None
