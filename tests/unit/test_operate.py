"""The operation sequence against an in-memory store: what is sent together, what a
failure says was done and not done."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from fakes import MemoryStore, incident

from rootly_incident_action.errors import ActionError, ChangeFailed, IncidentMissing, Refused
from rootly_incident_action.flows.ledger import Ledger
from rootly_incident_action.flows.operate import Operator
from rootly_incident_action.flows.store import Search
from rootly_incident_action.flows.wording import Phase, explain
from rootly_incident_action.plan.lifecycle import plan_change
from rootly_incident_action.rootly import errors
from rootly_incident_action.rootly.models import Incident
from rootly_incident_action.rootly.requests import FormFieldSelection

KEY = {"rootly_action_dedup_key": "deploy-production"}


def operator(store: MemoryStore) -> tuple[Operator, Ledger]:
    ledger = Ledger(idle="Nothing was changed in Rootly.")

    def words(failure: errors.RootlyError, phase: Phase) -> ActionError:
        return explain(
            failure,
            phase,
            base_url="https://api.rootly.com",
            timeout=30,
            deadline=120,
            ledger=ledger,
        )

    return Operator(store, ledger, words), ledger


def resolve_all(store: MemoryStore, op: Operator) -> None:
    found = op.find(None)
    targets = op.open_with_key(found, "deploy-production")  # type: ignore[arg-type]
    op.apply([plan_change("resolve", t, message="m", event="e") for t in targets])


def test_every_open_incident_with_the_key_is_found_oldest_first_closed_ones_left_out() -> None:
    store = MemoryStore()
    store.add(KEY, status="resolved")
    second = store.add(KEY)
    store.add({"rootly_action_dedup_key": "other"})
    fourth = store.add(KEY, status="mitigated")
    op, _ = operator(store)

    found = op.find(None)

    assert [i.id for i in op.open_with_key(found, "deploy-production")] == [  # type: ignore[arg-type]
        second.id,
        fourth.id,
    ]


def test_all_writes_of_all_incidents_are_sent_in_one_batch() -> None:
    store = MemoryStore()
    store.add(KEY)
    store.add(KEY)
    op, _ = operator(store)

    resolve_all(store, op)

    # The changes together, then their timeline events once Rootly accepted them.
    assert store.batches == [
        ["PUT /v1/incidents/id-1/resolve", "PUT /v1/incidents/id-2/resolve"],
        ["POST /v1/incidents/id-1/events", "POST /v1/incidents/id-2/events"],
    ]
    assert {i.attributes.status for i in store.incidents} == {"resolved"}


def test_a_failed_write_is_named_with_what_was_done_and_what_may_have_been() -> None:
    store = MemoryStore()
    store.add(KEY)
    store.add(KEY)
    store.write_failures["resolve"] = errors.TimedOut(
        "PUT", "/v1/incidents/id-1/resolve", maybe_applied=True
    )
    op, _ = operator(store)

    with pytest.raises(ChangeFailed) as caught:
        resolve_all(store, op)

    message = caught.value.message
    assert message.startswith("The resolve call on incident #1 failed.")
    assert "may have taken effect" in message
    assert (
        "Done in Rootly before this failed: the resolve call on incident #2; the timeline "
        "event on incident #2."
    ) in message
    # No event claims a resolve whose fate is unknown.
    assert [incident_id for incident_id, _ in store.notes] == ["id-2"]


def test_a_refused_transition_names_the_status_and_adds_no_event() -> None:
    store = MemoryStore()
    store.add({}, status="cancelled")
    store.write_failures["resolve"] = errors.Rejected(
        "PUT", "/v1/incidents/id-1/resolve", status=422, titles=("Incident is cancelled",)
    )
    op, _ = operator(store)
    target = op.find("id-1")

    with pytest.raises(Refused) as caught:
        op.apply([plan_change("resolve", target, message="m", event="e")])  # type: ignore[arg-type]

    # Rootly's own reason, not a guess about its lifecycle.
    assert (
        "Rootly refused to resolve incident #1, whose status is 'cancelled': Incident is "
        "cancelled (422). It was not moved and no timeline event was added to it"
    ) in caught.value.message
    assert caught.value.message.endswith("Nothing was changed in Rootly.")
    assert store.notes == []
    assert store.batches == [["PUT /v1/incidents/id-1/resolve"]]


def test_a_refused_move_to_where_another_job_just_moved_it_is_a_success_without_change() -> None:
    store = MemoryStore()
    store.add(KEY)
    op, _ = operator(store)
    target = op.find("id-1")
    # Another job resolves it between this job's read and its resolve, and Rootly
    # refuses the second resolve.
    assert isinstance(target, Incident)
    resolved = target.attributes.model_copy(update={"status": "resolved"})
    store.incidents = [target.model_copy(update={"attributes": resolved})]
    store.write_failures["resolve"] = errors.Rejected(
        "PUT", "/v1/incidents/id-1/resolve", status=422, titles=("Incident is already resolved",)
    )

    operated = op.apply([plan_change("resolve", target, message="m", event="e")])

    assert operated.changed == ()
    assert operated.left_alone == {
        "id-1": "it is already resolved (moved meanwhile, not by this step)"
    }
    assert operated.incidents[0].attributes.status == "resolved"
    assert store.notes == []  # only the job whose resolve was accepted adds the event


def test_an_unknown_incident_id_names_the_input_and_how_to_find_the_id() -> None:
    op, _ = operator(MemoryStore())

    with pytest.raises(IncidentMissing) as caught:
        op.find("deploy-failed-404")

    assert caught.value.message.startswith(
        "input 'incident-id': no incident has the ID or slug 'deploy-failed-404'"
    )


def test_incidents_left_alone_are_reported_unchanged() -> None:
    store = MemoryStore()
    store.add({}, status="resolved")
    op, _ = operator(store)
    target = op.find("id-1")

    operated = op.apply([plan_change("resolve", target, message="m", event="e")])  # type: ignore[arg-type]

    assert operated.any_changed is False
    assert operated.left_alone == {"id-1": "it is already resolved"}
    assert store.batches == []


def test_form_field_values_are_read_for_every_incident_at_once_before_the_writes() -> None:
    store = MemoryStore()
    first, second = store.add(KEY), store.add(KEY)
    store.selections[first.id] = [{"form_field_id": "f-region"}]
    op, _ = operator(store)
    selection: tuple[FormFieldSelection, ...] = ({"form_field_id": "f-region", "value": "x"},)

    changes = op.complete(
        [
            plan_change("update", t, message="", event="e", attributes={}, selections=selection)
            for t in (first, second)
        ]
    )
    op.apply(changes)

    assert store.calls[0] == "read values of id-1, id-2"
    assert store.batches == [
        [
            "PUT /v1/incident_form_field_selections/value-f-region",
            "POST /v1/incidents/id-2/form_field_selections",
        ],
        ["POST /v1/incidents/id-1/events", "POST /v1/incidents/id-2/events"],
    ]


class FailingStore(MemoryStore):
    """A store whose reads fail as Rootly's do when it is down."""

    def get(self, id_or_slug: str) -> Incident:
        raise errors.ServerFailed("GET", f"/v1/incidents/{id_or_slug}", status=503)

    def recent(self, *, fresh: bool = False) -> Search:
        raise errors.PermissionDenied("GET", "/v1/incidents", status=403, titles=("Forbidden",))

    def selections_of(
        self, incident_ids: Sequence[str]
    ) -> list[dict[str, str] | errors.RootlyError]:
        return [
            errors.TimedOut("GET", f"/v1/incidents/{i}/form_field_selections") for i in incident_ids
        ]


def test_a_failed_read_says_what_was_being_read_and_that_nothing_changed() -> None:
    store = FailingStore()
    op, _ = operator(store)

    with pytest.raises(ActionError) as by_id:
        op.find("inc-1")
    with pytest.raises(ActionError) as by_key:
        op.find(None)
    change = plan_change(
        "update",
        incident(1),
        message="",
        event="e",
        attributes={},
        selections=({"form_field_id": "f"},),
    )
    with pytest.raises(ActionError) as values:
        op.complete([change])

    assert "reading the incident named by 'incident-id'" in by_id.value.message
    assert "searching for the open incidents that carry the dedup key" in by_key.value.message
    assert "reading the custom form field values the incident has" in values.value.message
    for caught in (by_id, by_key, values):
        assert caught.value.message.endswith("Nothing was changed in Rootly.")
    assert store.batches == []


def test_a_parent_key_finds_the_open_parents_and_for_a_move_their_open_children() -> None:
    store = MemoryStore()
    parent_key = {"rootly_action_parent_key": "nightly"}
    parent = store.add(parent_key)
    open_child = store.add({}, parent_incident_id=parent.id)
    store.add({}, parent_incident_id=parent.id, status="resolved")
    store.add({"rootly_action_parent_key": "other"})
    later_parent = store.add(parent_key)
    op, _ = operator(store)
    found = op.find(None)

    moved = op.open_parents(found, "nightly", with_children=True)  # type: ignore[arg-type]
    updated = op.open_parents(found, "nightly", with_children=False)  # type: ignore[arg-type]

    assert [i.id for i in moved] == [parent.id, later_parent.id, open_child.id]
    assert [i.id for i in updated] == [parent.id, later_parent.id]
