"""References to things in a Rootly catalog (a severity, a service, a team, ...)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Reference:
    """What the user wrote to point at one catalog entry.

    Today the text is sent to Rootly as the entry's ID. It is a type of its own, not a
    bare string, because a reference may also be a name or a slug that must be resolved
    to an ID before anything is created.
    """

    text: str

    def __str__(self) -> str:
        return self.text
