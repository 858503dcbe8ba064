"""Calls to the stand-in from tests themselves, as another Rootly client (another job) would."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from .server import MEDIA_TYPE, RootlyStandIn


def call(
    rootly: RootlyStandIn,
    method: str,
    path: str,
    body: Any,
    content_type: str = MEDIA_TYPE,
) -> tuple[int, Any]:
    """(status, decoded answer) of one request with the stand-in's token."""
    request = urllib.request.Request(
        f"{rootly.url}{path}",
        data=json.dumps(body).encode(),
        method=method,
        headers={"Authorization": f"Bearer {rootly.token}", "Content-Type": content_type},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status), json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")
