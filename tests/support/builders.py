"""Values the unit tests build again and again, with only what a test changes written out."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from rootly_incident_action.plan.draft import IncidentDraft, names_only


def incident_draft(**changes: Any) -> IncidentDraft:
    """A resolved draft titled "Deploy failed" with nothing else set: no severity,
    references, labels or dedup key unless `changes` give them."""
    return replace(names_only("Deploy failed", {}), **changes)
