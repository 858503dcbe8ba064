"""Dedup keys and the choice of the incident that counts (pure)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from rootly_incident_action.github.context import RunContext
from rootly_incident_action.plan.dedup import (
    DEDUP_LABEL,
    default_dedup_key,
    default_parent_key,
    is_open,
    labelled,
)
from rootly_incident_action.rootly.models import Incident

RUN = RunContext(repository="acme/shop", workflow="CI", run_id="5", job="test", run_attempt="1")


def incident(number: int, key: str, status: str = "started") -> Incident:
    return Incident.model_validate(
        {
            "id": f"id-{number}",
            "type": "incidents",
            "attributes": {
                "sequential_id": number,
                "status": status,
                "labels": {DEDUP_LABEL: key},
                "created_at": "2026-11-28T10:00:00Z",
            },
        }
    )


def test_attempts_share_a_key_and_titles_jobs_and_runs_do_not() -> None:
    key = default_dedup_key(RUN, "Shard 1")
    assert default_dedup_key(replace(RUN, run_attempt="3"), "Shard 1") == key
    assert default_dedup_key(RUN, "Shard 2") != key
    assert default_dedup_key(replace(RUN, job="lint"), "Shard 1") != key
    assert default_dedup_key(replace(RUN, run_id="6"), "Shard 1") != key


def test_the_parent_key_ignores_job_and_attempt() -> None:
    other_job = replace(RUN, job="deploy", run_attempt="2")
    assert default_parent_key(other_job) == default_parent_key(RUN)


def test_only_open_incidents_with_the_exact_key_count_oldest_first() -> None:
    found = labelled(
        [
            incident(9, "k"),
            incident(3, "k"),
            incident(1, "k", status="resolved"),
            incident(2, "k", status="cancelled"),
            incident(4, "k-other"),
            incident(5, "k", status="mitigated"),
        ],
        DEDUP_LABEL,
        "k",
    )
    assert [i.id for i in found] == ["id-3", "id-5", "id-9"]


@pytest.mark.parametrize(
    ("status", "still_open"),
    [
        ("in_triage", True),
        ("started", True),
        ("detected", True),
        ("acknowledged", True),
        ("mitigated", True),
        ("resolved", False),
        ("closed", False),
        ("cancelled", False),
        ("completed", False),
    ],
)
def test_only_incidents_not_yet_over_count_as_open(status: str, still_open: bool) -> None:
    found = incident(1, "k", status=status)

    assert is_open(found) is still_open
    assert (labelled([found], DEDUP_LABEL, "k") == [found]) is still_open
