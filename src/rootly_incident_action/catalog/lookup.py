"""One question for Rootly's catalog, as the planner asks it and the fetcher sends it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["Field", "Lookup"]

# How a lookup finds entries: by exact slug or name, by listing the whole kind, by email.
Field = Literal["slug", "name", "list", "email"]


@dataclass(frozen=True, order=True)
class Lookup:
    """One thing to ask Rootly: a name or slug of a kind, a whole kind, or a user's email."""

    kind: str
    field: Field
    text: str = ""
