"""The declare sequence against an in-memory store: races, lost answers, form fields.

No server and no real time: the store decides what each search shows, and the clock
moves only when the declarer sleeps.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest
from builders import incident_draft
from fakes import FakeClock, MemoryStore, RecordingRunner

from rootly_incident_action.errors import (
    ActionError,
    FormFieldNotAdded,
    FormFieldsRefused,
    ParentNotFound,
    RootlyFailure,
)
from rootly_incident_action.flows.declare import Declarer, differences
from rootly_incident_action.flows.ledger import Ledger
from rootly_incident_action.flows.store import Search
from rootly_incident_action.flows.wording import Phase, Words, explain
from rootly_incident_action.plan import dedup
from rootly_incident_action.plan.draft import IncidentDraft, Plan
from rootly_incident_action.rootly import errors
from rootly_incident_action.rootly.requests import FormFieldSelection

KEY = "deploy-production"


def draft(title: str = "Deploy failed", key: str | None = KEY, **changes: object) -> IncidentDraft:
    labels = {dedup.DEDUP_LABEL: key} if key else {}
    return incident_draft(title=title, labels=labels, dedup_key=key, **changes)


def words_with(ledger: Ledger) -> Words:
    """The session's words, as the create flow binds them."""

    def words(failure: errors.RootlyError, phase: Phase) -> ActionError:
        return explain(
            failure,
            phase,
            base_url="https://api.rootly.com",
            timeout=2,
            deadline=120,
            ledger=ledger,
        )

    return words


def declarer(
    store: MemoryStore,
    clock: FakeClock | None = None,
    *,
    token: str = "job",
    timeout: float = 2.0,
    runner: RecordingRunner | None = None,
    ledger: Ledger | None = None,
    run_attempt: str = "acme/shop/77/1",
    remaining: Callable[[], float | None] = lambda: None,
) -> Declarer:
    clock = clock or FakeClock()
    ledger = ledger or Ledger()
    return Declarer(
        store,
        runner or RecordingRunner(),
        ledger,
        words_with(ledger),
        timeout_seconds=timeout,
        remaining=remaining,
        sleep=clock.sleep,
        clock=clock,
        repeat_note="Failed again in job 'deploy'",
        token=token,
        run_attempt=run_attempt,
    )


def test_an_open_incident_with_the_key_is_reused_and_the_repeat_noted() -> None:
    store = MemoryStore()
    store.add({dedup.DEDUP_LABEL: KEY})

    declared = declarer(store).declare(Plan(draft()))

    assert declared.created is False
    assert declared.incident.id == "id-1"
    assert store.calls == ["search"]
    assert store.notes == [("id-1", "Failed again in job 'deploy'")]


def test_a_closed_incident_or_another_key_is_not_reused() -> None:
    store = MemoryStore()
    store.add({dedup.DEDUP_LABEL: KEY}, status="resolved")
    store.add({dedup.DEDUP_LABEL: "other"})

    declared = declarer(store).declare(Plan(draft()))

    assert declared.created is True
    assert declared.incident.id == "id-3"
    # search, create, and the one look after the create
    assert store.calls == ["search", "create", "search"]


def test_without_a_key_there_is_no_search_at_all() -> None:
    store = MemoryStore()
    declared = declarer(store).declare(Plan(draft(key=None)))
    assert declared.created is True
    assert store.calls == ["create"]


class FirstLookSeesNothing:
    """One job's view of a shared store: its first search comes before anyone created."""

    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self._looked = False

    def recent(self, *, fresh: bool = False) -> Search:
        if not self._looked:
            self._looked = True
            return Search(())
        return self._store.recent(fresh=fresh)

    def __getattr__(self, name: str) -> object:
        return getattr(self._store, name)


def test_sixteen_racing_legs_keep_the_oldest_and_retire_every_extra() -> None:
    store = MemoryStore()
    legs = 16
    declared = [
        declarer(FirstLookSeesNothing(store), token=f"leg{leg}").declare(Plan(draft()))  # type: ignore[arg-type]
        for leg in range(legs)
    ]

    assert {d.incident.id for d in declared} == {"id-1"}  # every job names the oldest
    assert [d.created for d in declared] == [True] + [False] * (legs - 1)
    assert store.retired == [(f"id-{n}", "id-1") for n in range(2, legs + 1)]
    still_open = dedup.labelled(store.recent().incidents, dedup.DEDUP_LABEL, KEY)
    assert [i.id for i in still_open] == ["id-1"]


def test_a_job_that_lost_the_race_retires_its_incident_and_reports_the_survivor() -> None:
    store = MemoryStore()
    # Another job's incident exists but this job's first search misses it (the lists
    # lag); its look after the create sees it.
    store.add({dedup.DEDUP_LABEL: KEY})
    store.visible = lambda incident, search: search > 1

    runner = RecordingRunner()
    declared = declarer(store, runner=runner).declare(Plan(draft()))

    assert declared.created is False
    assert declared.incident.id == "id-1"  # the oldest survives, not the newest
    assert store.retired == [("id-2", "id-1")]
    assert store.incidents[1].attributes.status == "cancelled"
    assert any("is marked a duplicate of incident #1" in line for line in runner.said("info"))


def test_the_newest_never_survives_whichever_job_looks_last() -> None:
    newer = MemoryStore()
    older = newer.add({dedup.DEDUP_LABEL: KEY})
    mine = newer.add({dedup.DEDUP_LABEL: KEY})
    assert dedup.survivor_of(mine, [mine, older]).survivor.id == older.id
    assert dedup.survivor_of(older, [mine]).ours_survives is True
    # Our own incident counts even when the listing has not caught up with it yet.
    assert dedup.survivor_of(mine, []).ours_survives is True


def test_a_lost_answer_whose_create_landed_is_found_by_its_creator_label() -> None:
    store = MemoryStore()
    lost = errors.ConnectionLost("POST", "/v1/incidents", maybe_applied=True)
    store.create_failures = [(lost, True)]
    clock = FakeClock()

    declared = declarer(store, clock).declare(Plan(draft()))

    assert declared.created is True
    assert declared.incident.id == "id-1"
    assert store.calls.count("create") == 1
    assert len(store.incidents) == 1
    assert clock.slept == [1.0]  # one look, one second after the lost answer


def test_a_create_applied_late_is_awaited_for_the_grace_period() -> None:
    # Rootly answers nothing within the timeout but makes the incident a while later:
    # the looks come 1, 3 and 7 s after the lost answer, and the third one sees it.
    store = MemoryStore()
    timed_out = errors.TimedOut("POST", "/v1/incidents", maybe_applied=True)
    store.create_failures = [(timed_out, True)]
    store.late = {"id-1": 4}  # shown from the 4th search on (the first is before the create)
    clock = FakeClock()

    declared = declarer(store, clock, timeout=2.0).declare(Plan(draft()))

    assert declared.incident.id == "id-1"
    assert declared.created is True
    assert store.calls.count("create") == 1
    assert clock.slept == [1.0, 2.0, 4.0]


def test_a_create_unanswered_is_sent_again_only_once_the_whole_grace_period_passed() -> None:
    store = MemoryStore()
    lost = errors.TimedOut("POST", "/v1/incidents", detail="no answer", maybe_applied=True)
    store.create_failures = [(lost, False)]  # Rootly never made it
    clock = FakeClock()
    runner = RecordingRunner()

    declared = declarer(store, clock, timeout=2.0, runner=runner).declare(Plan(draft()))

    assert declared.created is True
    assert store.calls.count("create") == 2
    assert len(store.incidents) == 1
    assert sum(clock.slept) == dedup.grace_period(2.0)  # the whole wait, not a second less
    said = runner.said("info")
    assert any(
        "after 10.0 s: sending the same request again, with the same idempotency key" in line
        for line in said
    )
    assert store.keys[0] == store.keys[1]  # the resend is the same request


def test_an_answered_5xx_is_looked_for_once_then_sent_again_at_once() -> None:
    store = MemoryStore()
    outage = errors.ServerFailed("POST", "/v1/incidents", status=503, maybe_applied=True)
    store.create_failures = [(outage, False)]
    clock = FakeClock()
    runner = RecordingRunner()

    declared = declarer(store, clock, runner=runner).declare(Plan(draft()))

    assert declared.created is True
    assert store.calls == ["search", "create", "search", "create", "search"]
    assert sum(clock.slept) == 0
    assert store.keys[0] == store.keys[1]
    assert any(
        "after 0.0 s: sending the same request again" in line for line in runner.said("info")
    )


def test_when_the_deadline_comes_first_the_create_is_not_sent_again() -> None:
    store = MemoryStore()
    lost = errors.TimedOut("POST", "/v1/incidents", detail="no answer", maybe_applied=True)
    store.create_failures = [(lost, True)]  # made, but it never shows in the lists
    store.late = {"id-1": 99}
    clock = FakeClock()
    deadline = clock.now + 3.5
    runner = RecordingRunner()
    ledger = Ledger()
    declaring = declarer(
        store, clock, runner=runner, ledger=ledger, remaining=lambda: deadline - clock.now
    )

    with pytest.raises(RootlyFailure) as failed:
        declaring.declare(Plan(draft()))

    assert store.calls.count("create") == 1
    assert len(store.incidents) == 1
    assert failed.value.cause is lost
    assert ledger.unanswered  # the message says it may exist, and how to find it
    assert any(
        "no incident from the create after 3.0 s, and the step's deadline" in line
        for line in runner.said("info")
    )


def test_a_create_that_lands_after_the_grace_period_is_cleaned_up_by_the_check() -> None:
    store = MemoryStore()
    lost = errors.TimedOut("POST", "/v1/incidents", maybe_applied=True)
    store.create_failures = [(lost, True)]
    store.late = {"id-1": 99}  # the first attempt shows up long after the grace period
    clock = FakeClock()

    declared = declarer(store, clock).declare(Plan(draft()))
    # The second attempt made id-2; the first shows up just before the check after it.
    assert declared.incident.id == "id-2"

    store.late = {}
    assert dedup.survivor_of(declared.incident, store.recent().incidents).survivor.id == "id-1"


def test_without_a_key_a_lost_answer_is_not_retried_and_the_message_says_it_may_exist() -> None:
    store = MemoryStore()
    store.create_failures = [(errors.TimedOut("POST", "/v1/incidents", maybe_applied=True), True)]
    job = declarer(store)

    with pytest.raises(RootlyFailure) as failed:
        job.declare(Plan(draft(key=None)))

    assert store.calls == ["create"]
    message = failed.value.message
    assert "may have made that incident" in message
    assert f"label {dedup.CREATOR_LABEL}=job-1" in message


def test_a_lost_answer_then_a_failed_search_still_says_what_may_exist() -> None:
    store = MemoryStore()
    store.create_failures = [
        (errors.ConnectionLost("POST", "/v1/incidents", maybe_applied=True), False)
    ]
    job = declarer(store)
    searches = {"n": 0}
    original = store.recent

    def failing_search(*, fresh: bool = False):  # type: ignore[no-untyped-def]
        searches["n"] += 1
        if searches["n"] > 1:
            raise errors.ServerFailed("GET", "/v1/incidents", status=503)
        return original(fresh=fresh)

    store.recent = failing_search  # type: ignore[method-assign]
    with pytest.raises(RootlyFailure) as failed:
        job.declare(Plan(draft()))

    message = failed.value.message
    assert f"while {Phase.SEARCH.value} (GET /v1/incidents)" in message
    assert "(503" in message
    assert f"label {dedup.DEDUP_LABEL}={KEY}" in message
    assert "may have made that incident" in message


def test_the_parent_of_a_pipeline_is_found_or_created_like_any_incident() -> None:
    store = MemoryStore()
    parent_draft = draft("Run failed", key="parent-key", dedup_label=dedup.PARENT_LABEL)
    parent_draft = replace(parent_draft, labels={dedup.PARENT_LABEL: "parent-key"})
    existing_parent = store.add({dedup.PARENT_LABEL: "parent-key"})

    declared = declarer(store).declare(Plan(draft(), parent_draft))

    assert declared.parent is not None and declared.parent.id == existing_parent.id
    assert declared.incident.attributes.parent_incident_id == existing_parent.id


def test_an_unknown_given_parent_is_an_input_error() -> None:
    with pytest.raises(ParentNotFound, match="input 'parent-incident-id'"):
        declarer(MemoryStore()).declare(Plan(draft(parent_incident="no-such")))


FIELD = "ff-region"
SELECTION: FormFieldSelection = {"form_field_id": FIELD, "selected_option_ids": ["opt-eu"]}


def with_fields() -> IncidentDraft:
    return replace(draft(), form_field_selections=(SELECTION,), form_field_names={FIELD: "Region"})


def test_form_fields_accepted_in_the_create_are_only_confirmed() -> None:
    store = MemoryStore()
    runner = RecordingRunner()
    declarer(store, runner=runner).declare(Plan(with_fields()))
    assert store.calls == ["search", "create", "search", "form fields"]
    assert store.selections["id-1"] == [SELECTION]
    assert "Every form field value arrived with the create." in runner.said("debug")


def test_form_fields_dropped_by_the_create_are_added_afterwards() -> None:
    store = MemoryStore(keeps_nested_form_fields=False)
    runner = RecordingRunner()
    declarer(store, runner=runner).declare(Plan(with_fields()))
    assert store.calls[-1] == f"add form field {FIELD}"
    assert store.selections["id-1"] == [SELECTION]
    assert any("adding them one by one" in line for line in runner.said("debug"))


def test_a_create_refused_for_its_form_fields_is_sent_with_the_other_name_then_without() -> None:
    store = MemoryStore(keeps_nested_form_fields=False)
    refused = errors.BadRequest(
        "POST", "/v1/incidents", status=400, titles=("Unpermitted parameter",)
    )
    store.create_failures = [(refused, False), (refused, False)]
    runner = RecordingRunner()

    declared = declarer(store, runner=runner).declare(Plan(with_fields()))

    assert declared.created is True
    assert store.calls.count("create") == 3
    assert store.selections["id-1"] == [SELECTION]  # added after the create
    debug = runner.said("debug")
    assert any(
        "as form_field_selections_attributes" in line and "them as form_field_selections." in line
        for line in debug
    )
    assert any("as form_field_selections (" in line and "without them" in line for line in debug)
    # Each form is its own request: its own idempotency key.
    assert len(set(store.keys)) == 3


def test_a_required_field_taken_under_neither_name_is_one_error_naming_it() -> None:
    store = MemoryStore()
    required = errors.Rejected("POST", "/v1/incidents", status=422, titles=("Region is required",))
    store.create_failures = [(required, False)] * 3
    ledger = Ledger()

    with pytest.raises(FormFieldsRefused) as failed:
        declarer(store, ledger=ledger).declare(Plan(with_fields()))

    assert store.calls.count("create") == 3
    message = failed.value.message
    assert message.startswith("form-fields: Rootly requires 'Region' when an incident is created")
    assert "neither form_field_selections_attributes nor form_field_selections" in message
    assert "(422: Region is required)" in message
    assert "Nothing was created." in message
    assert ledger.unanswered == [] and ledger.made == []


def test_a_refusal_about_something_else_gives_rootlys_own_words() -> None:
    store = MemoryStore()
    other = errors.Rejected(
        "POST", "/v1/incidents", status=422, titles=("Detected at can not be before Started time",)
    )
    store.create_failures = [(other, False)] * 3
    with pytest.raises(RootlyFailure) as failed:
        declarer(store).declare(Plan(with_fields()))
    assert failed.value.cause is other


def test_without_form_fields_a_refused_create_is_not_tried_again() -> None:
    store = MemoryStore()
    other = errors.Rejected("POST", "/v1/incidents", status=422, titles=("Title is too long",))
    store.create_failures = [(other, False)]
    with pytest.raises(RootlyFailure):
        declarer(store).declare(Plan(draft()))
    assert store.calls.count("create") == 1


def test_a_form_field_that_cannot_be_added_is_named_and_the_incident_given() -> None:
    store = MemoryStore(keeps_nested_form_fields=False)

    def refuse(incident_id: str, selection: FormFieldSelection) -> None:
        raise errors.Rejected("POST", "/x", status=422, titles=("Selected option must exist",))

    store.add_form_field_selection = refuse  # type: ignore[method-assign]
    with pytest.raises(FormFieldNotAdded) as failed:
        declarer(store).declare(Plan(with_fields()))
    assert "'Region'" in failed.value.message
    assert "The incident exists: incident #1 (https://rootly.test/incidents/1-incident)" in (
        failed.value.message
    )


def test_what_rootly_did_not_do_is_told_apart_from_what_it_did() -> None:
    store = MemoryStore()
    parent = store.add({})
    asked = draft(test=True, private=True)
    unlinked = store.add({}, kind="normal", private=False)
    found = differences(asked, unlinked, parent)
    assert "did not link incident #2 under #1" in found[0]
    assert "did not make incident #2 private" in found[1]
    # A sub-incident takes its parent's kind; alone, a test incident must be of kind test.
    assert not any("kind" in line for line in found)
    alone = differences(asked, unlinked, None)
    assert any("not a test incident" in line for line in alone)
    linked = store.add({}, kind="test", private=True, parent_incident_id=parent.id)
    assert differences(asked, linked, parent) == ()


def test_a_retire_that_fails_warns_that_the_extra_incident_is_left_open() -> None:
    store = MemoryStore()
    store.add({dedup.DEDUP_LABEL: KEY})
    store.visible = lambda incident, search: search > 1

    def refuse(duplicate: object, survivor: object, reason: object) -> str:
        raise errors.ServerFailed("PUT", "/v1/incidents/id-2", status=503)

    store.retire = refuse  # type: ignore[method-assign]
    runner = RecordingRunner()
    declared = declarer(store, runner=runner).declare(Plan(draft()))
    assert declared.incident.id == "id-1"
    assert any("Duplicate incident left open" in line for line in runner.said("warning"))


def test_a_repeat_that_cannot_be_noted_warns_and_still_reuses() -> None:
    store = MemoryStore()
    store.add({dedup.DEDUP_LABEL: KEY})

    def refuse(incident_id: str, text: str) -> None:
        raise errors.PermissionDenied("POST", "/v1/incidents/id-1/events", status=403)

    store.note = refuse  # type: ignore[method-assign]
    runner = RecordingRunner()
    declared = declarer(store, runner=runner).declare(Plan(draft()))
    assert declared.created is False
    assert any("Timeline event not added" in line for line in runner.said("warning"))


def test_a_search_cut_short_or_with_odd_incidents_says_so() -> None:
    store = MemoryStore()
    store.recent = lambda *, fresh=False: Search((), unreadable=2, truncated=True)  # type: ignore[method-assign]
    runner = RecordingRunner()
    declarer(store, runner=runner).declare(Plan(draft()))
    assert any("Duplicate search cut short" in line for line in runner.said("warning"))
    assert any(
        "2 incident(s) in the dedup window could not be read" in l2 for l2 in runner.said("debug")
    )


def test_a_lost_answer_near_the_deadline_is_not_waited_for() -> None:
    store = MemoryStore()
    store.create_failures = [
        (errors.TimedOut("POST", "/v1/incidents", maybe_applied=True), False)
    ] * 2
    clock = FakeClock()
    ledger = Ledger()
    job = Declarer(
        store,
        RecordingRunner(),
        ledger,
        words_with(ledger),
        timeout_seconds=2,
        remaining=lambda: 0.5,
        sleep=clock.sleep,
        clock=clock,
        token="job",
    )
    with pytest.raises(RootlyFailure):
        job.declare(Plan(draft()))
    assert clock.slept == []


# -- the idempotency key ---------------------------------------------------------------


def test_the_key_is_tied_to_the_incident_and_the_run_attempt_never_to_chance() -> None:
    keys = []
    for token, attempt in (("job-a", "acme/shop/77/1"), ("job-b", "acme/shop/77/1")):
        store = MemoryStore()
        declarer(store, token=token, run_attempt=attempt).declare(Plan(draft()))
        keys.append(store.keys[0])
    later = MemoryStore()
    declarer(later, run_attempt="acme/shop/77/2").declare(Plan(draft()))

    assert keys[0] == keys[1]  # two jobs declaring the same incident in one attempt
    assert later.keys[0] != keys[0]  # a re-run never replays the first attempt's incident
    assert keys[0].startswith("rootly-action-")


def test_without_a_dedup_key_or_a_run_the_key_is_the_steps_own() -> None:
    undeduplicated = replace(draft(), dedup_key=None)
    keys = []
    for token in ("job-a", "job-b"):
        store = MemoryStore()
        declarer(store, token=token).declare(Plan(undeduplicated))
        keys.append(store.keys[0])
    outside = []
    for token in ("cli-a", "cli-b"):
        store = MemoryStore()
        declarer(store, token=token, run_attempt="").declare(Plan(draft()))
        outside.append(store.keys[0])

    assert keys[0] != keys[1]
    assert outside[0] != outside[1]


def test_a_lost_create_resent_and_replayed_is_this_steps_incident() -> None:
    store = MemoryStore(honours_keys=True)
    lost = errors.TimedOut("POST", "/v1/incidents", detail="no answer", maybe_applied=True)
    store.create_failures = [(lost, True)]
    store.late = {"id-1": 99}  # the lost create never shows in the searches
    clock = FakeClock()
    ledger = Ledger()

    declared = declarer(store, clock, ledger=ledger).declare(Plan(draft()))

    assert len(store.incidents) == 1
    assert declared.created is True
    assert store.keys[0] == store.keys[1]
    assert [made.id for made, _ in ledger.made] == ["id-1"]


def test_a_replay_of_another_jobs_create_is_reused_not_claimed() -> None:
    store = MemoryStore(honours_keys=True, visible=lambda incident, search: False)
    other_job = declarer(store, token="other")
    other_job.declare(Plan(draft()))
    runner = RecordingRunner()
    ledger = Ledger()

    declared = declarer(store, token="mine", runner=runner, ledger=ledger).declare(Plan(draft()))

    assert len(store.incidents) == 1
    assert declared.created is False
    assert ledger.made == []
    assert any("another job of this run created" in line for line in runner.said("info"))


def test_a_key_refused_as_used_waits_for_the_other_jobs_incident() -> None:
    store = MemoryStore()
    in_use = errors.Rejected(
        "POST", "/v1/incidents", status=422, titles=("Idempotency-Key was already used",)
    )
    store.create_failures = [(in_use, False)]
    theirs = store.add({dedup.DEDUP_LABEL: draft().dedup_key or ""})
    store.late = {theirs.id: 2}  # it shows from the second search on
    clock = FakeClock()

    declared = declarer(store, clock).declare(Plan(draft()))

    assert declared.incident.id == theirs.id
    assert declared.created is False
    assert store.calls.count("create") == 1
