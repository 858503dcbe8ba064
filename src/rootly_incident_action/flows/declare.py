"""The sequence of calls that declares one incident without ever leaving two.

The rules it follows are pure functions of `dedup.py`; the calls go through an
`IncidentStore`. In order:

1. In pipeline mode, find or create the run's parent the same way as the incident.
2. Look for an open incident carrying the dedup key: a re-run or a repeated step
   reuses it, and the repeat is noted on its timeline.
3. Create, with an `Idempotency-Key` tied to the incident and the run attempt, and the
   custom form field values under the first name Rootly takes (or added afterwards).
   When the answer is lost (timeout, dropped connection, 5xx, an unreadable 2xx), look
   for this create's creator label for a grace period before sending the same request
   again: Rootly may apply a create after the client gave up, and one that honours the
   key replays it (200) instead of making a second.
4. After every create that carries a key, look the key up once more. Jobs that raced
   each keep the oldest open incident, and each retires its own extra one as a
   duplicate of it. Only the job whose incident survived reports `created: true`.
5. Make sure custom form field values landed, whichever way Rootly treated them in
   the create, and warn where Rootly did not do what was asked.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import FormFieldNotAdded, FormFieldsRefused, ParentNotFound
from ..github.report import report_search
from ..github.runner import Log
from ..plan import dedup
from ..plan.draft import FORM_FIELD_ATTRIBUTES, IncidentDraft, Plan
from ..rootly import errors
from .ledger import Ledger, SentCreate, describe_incident
from .store import Created, IncidentStore, Search

if TYPE_CHECKING:
    from ..rootly.models import Incident
from .wording import Phase, Words, title_of

__all__ = [
    "Declared",
    "Declarer",
    "differences",
]


@dataclass(frozen=True)
class Waited:
    """How a look for an incident ended: what it found, after how long, and whether the
    step's deadline cut the wait short."""

    found: Incident | None
    seconds: float
    cut_short: bool = False


@dataclass(frozen=True)
class Declared:
    """The incident the step stands for, and whether this step created it."""

    incident: Incident
    created: bool
    parent: Incident | None = None
    # What Rootly did not do as asked ("did not link this incident under #12").
    differences: tuple[str, ...] = ()


class Declarer:
    """Runs the sequence for one plan against one store."""

    def __init__(
        self,
        store: IncidentStore,
        log: Log,
        ledger: Ledger,
        words: Words,
        *,
        timeout_seconds: float,
        remaining: Callable[[], float | None] = lambda: None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        repeat_note: str = "",
        token: str | None = None,
        run_attempt: str = "",
        duplicate_reason: str = "Declared twice for the same failure.",
        round_trip: float = 0.0,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self._store = store
        self._log = log
        self.ledger = ledger
        self._words = words
        self._grace = dedup.grace_period(timeout_seconds)
        self._remaining = remaining
        self._sleep = sleep
        self._clock = clock
        self._repeat_note = repeat_note
        # A random token per step, numbered per create: after a lost answer it tells "the
        # incident this create made" from one another job made meanwhile.
        self._token = token or uuid.uuid4().hex[:16]
        # Idempotency keys are tied to the run attempt (`dedup.run_attempt`); outside a
        # run, to the create's own creator label, so no other invocation shares them.
        self._run_attempt = run_attempt
        self._duplicate_reason = duplicate_reason
        self._round_trip = round_trip
        self._rng = rng
        self._attempts = 0
        self._phase = Phase.SEARCH

    def declare(self, plan: Plan) -> Declared:
        """Find or create the incident (and its parent). A Rootly failure is raised in
        the session's words, which say in which phase it came and what exists."""
        try:
            return self._declare(plan)
        except errors.RootlyError as failure:
            raise self._words(failure, self._phase) from None

    # -- the sequence ------------------------------------------------------------------

    def _declare(self, plan: Plan) -> Declared:
        parent = None
        if plan.parent is not None:
            parent, _ = self._find_or_create(plan.parent)
        elif plan.incident.parent_incident:
            parent = self._given_parent(plan.incident.parent_incident)
        draft = plan.incident.under_parent(parent.id) if parent else plan.incident
        incident, created = self._find_or_create(draft)
        if not created:
            self._note_repeat(incident)
            return Declared(incident, created=False, parent=parent)
        if draft.form_field_selections:
            self._make_sure_form_fields_landed(incident, draft)
        found = differences(draft, incident, parent)
        for difference in found:
            self._log.warning(difference, title="Rootly did not do everything asked")
        return Declared(incident, created=True, parent=parent, differences=found)

    def _given_parent(self, id_or_slug: str) -> Incident:
        self._phase = Phase.PARENT
        try:
            return self._store.get(id_or_slug)
        except errors.NotFound:
            raise ParentNotFound(
                f"input 'parent-incident-id': no incident has the ID or slug {id_or_slug!r}, "
                "or the token cannot see it. Pass the parent's ID or slug (the "
                "`incident-id` or `incident-slug` output of the step that declared it)."
            ) from None

    def _find_or_create(self, draft: IncidentDraft) -> tuple[Incident, bool]:
        if draft.dedup_key:
            self._phase = Phase.SEARCH
            search = self._store.recent()
            report_search(self._log, search)
            found = dedup.labelled(search.incidents, draft.dedup_label, draft.dedup_key)
            if found:
                return found[0], False
            if draft.dedup_label == dedup.PARENT_LABEL:
                other = self._look_again_for_parent(draft)
                if other is not None:
                    return other, False
        mine, ours = self._create(draft)
        if not draft.dedup_key or not ours:
            return mine, ours
        # Other jobs may have created one at the same moment: every job looks once more
        # after its create and keeps the oldest, so all of them agree.
        self._phase = Phase.CHECK
        try:
            search = self._store.recent(fresh=True)
        except errors.RootlyError as failure:
            # The incident exists and is ours; only the race check could not be made.
            self._log.warning(
                f"Could not check for incidents other jobs created at the same moment "
                f"({failure}). Should another job have declared this failure just now, two "
                f"incidents may be open: look for the label {draft.dedup_label}="
                f"{draft.dedup_key} in Rootly.",
                title="Duplicate check not made",
            )
            return mine, True
        settled = dedup.survivor_of(
            mine, dedup.labelled(search.incidents, draft.dedup_label, draft.dedup_key)
        )
        if settled.ours_survives:
            return mine, True
        self._retire(mine, settled.survivor, draft)
        return settled.survivor, False

    def _look_again_for_parent(self, draft: IncidentDraft) -> Incident | None:
        """Every leg of a matrix that fails at once finds no parent and would create one:
        each waits a random moment and looks once more, so that most find the parent the
        earliest leg made (Rootly's workflows fire on every incident created). A Rootly
        that honours the idempotency key makes one parent anyway; this is for one that
        does not. The wait spreads over twenty round trips, within 0.5 to 5 s."""
        spread = min(5.0, max(0.5, 20 * self._round_trip))
        wait = self._rng() * spread
        left = self._remaining()
        if left is not None and wait >= left - 1.0:
            return None  # no time to spare: create at once
        self._sleep(wait)
        found = dedup.labelled(
            self._store.newest().incidents, draft.dedup_label, draft.dedup_key or ""
        )
        if found:
            self._log.info(
                f"Another job of this run declared the run's parent incident "
                f"{_named(found[0], draft)} meanwhile: using it."
            )
            return found[0]
        return None

    def _create(self, draft: IncidentDraft) -> tuple[Incident, bool]:
        """Create once; after a lost answer, look before sending the same request again
        (once, with the same body and idempotency key). Whether this step made it."""
        self._phase = Phase.CREATE
        creator = self._creator_for(draft)
        sent = SentCreate(creator, draft.dedup_label, draft.dedup_key)
        for attempt in (1, 2):
            self.ledger.record_unanswered(sent)  # until Rootly answers, it may exist
            try:
                created = self._send_create(draft, creator)
            except FormFieldsRefused:
                self.ledger.settle_unanswered(creator)  # every form was refused whole
                raise
            except errors.RootlyError as failure:
                if not failure.maybe_applied:
                    self.ledger.settle_unanswered(creator)  # refused: nothing was made
                    if _key_in_use(failure) and draft.dedup_key:
                        return self._made_by_another_request(draft, failure), False
                    raise
                if not draft.dedup_key or attempt == 2:
                    raise
                waited = self._await_landing(draft, creator, failure)
                if waited.found is not None:
                    return waited.found, True
                if waited.cut_short:
                    # Sending it again now could make a second incident should the first
                    # still land: the failure says it may exist, and how to find it.
                    self._log.info(
                        f"Rootly showed no incident from the create after {waited.seconds:.1f} "
                        "s, and the step's deadline ('deadline-seconds') comes before the "
                        "rest of the wait: the create is not sent again."
                    )
                    raise
                self._log.info(
                    f"Rootly shows no incident from the create ({failure}) after "
                    f"{waited.seconds:.1f} s: sending the same request again, with the same "
                    "idempotency key."
                )
                self._phase = Phase.CREATE
                continue
            self.ledger.settle_unanswered(creator)
            incident = created.incident
            # A replay answers with the incident the first request with the key made: this
            # step's own lost create, or another job's create of the same incident.
            if created.replayed and not dedup.made_by([incident], creator):
                self._log.info(
                    f"Rootly answered with {_named(incident, draft)}, which another job of "
                    "this run created with the same idempotency key: using it."
                )
                return incident, False
            self.ledger.record_made(incident, private=draft.private)
            return incident, True
        raise AssertionError("unreachable: the second attempt returns or raises")

    def _send_create(self, draft: IncidentDraft, creator: str) -> Created:
        """Send the create in the first of its forms Rootly takes. Custom form field values
        go under each name Rootly may take them by, then without them (they are added
        afterwards); every refused form was refused whole, so nothing was made."""
        # Without a dedup key, the step's own creator label: nothing else may share it.
        identity = draft.identity or f"{dedup.CREATOR_LABEL}={creator}"
        forms = draft.with_labels({dedup.CREATOR_LABEL: creator}).create_bodies()
        for index, (form, attributes) in enumerate(forms):
            key = dedup.idempotency_key(identity, self._run_attempt or creator, form)
            try:
                return self._store.create(attributes, key)
            except (errors.BadRequest, errors.Rejected) as refused:
                last = index == len(forms) - 1
                required = _required_fields(draft, refused) if last and len(forms) > 1 else ""
                if required:
                    raise FormFieldsRefused(_refused_form_fields(required, refused)) from None
                if last or _key_in_use(refused):
                    raise
                following = forms[index + 1][0]
                self._log.debug(
                    f"Rootly refused the create with the custom form field values as {form} "
                    f"({refused}); trying "
                    + (f"them as {following}." if following else "without them, to add each after.")
                )
                if not following:
                    self._phase = Phase.CREATE_WITHOUT_FORM_FIELDS
        raise AssertionError("unreachable: the last form returns or raises")

    def _await_landing(
        self, draft: IncidentDraft, creator: str, failure: errors.RootlyError
    ) -> Waited:
        """Look for the create's creator label among the newest incidents.

        A create that got no answer (a timeout, a dropped connection, an unreadable 2xx)
        may still be applied: look until the grace period ends. A 5xx was answered, so
        Rootly is done with it: one look, then the same request again (a Rootly that
        honours the key replays it, should it have been made after all).
        """
        answered = isinstance(failure, errors.ServerFailed)
        grace = 0.0 if answered else self._grace
        if answered:
            self._log.info(
                f"The create failed on Rootly's side ({failure}); the action looks once for "
                "the incident before sending the same request again."
            )
        else:
            self._log.info(
                f"The answer to the create was lost ({failure}); Rootly may still make the "
                f"incident, so the action looks for it for up to {grace:g} s before "
                "sending the create again."
            )
        waited = self._await(lambda search: dedup.made_by(search.incidents, creator), grace)
        if waited.found is not None:
            self.ledger.settle_unanswered(creator)
            self.ledger.record_made(waited.found, private=draft.private)
            self._log.info(
                f"{title_of(failure)}, but Rootly did create {_named(waited.found, draft)}: "
                "using it."
            )
        return waited

    def _made_by_another_request(
        self, draft: IncidentDraft, failure: errors.RootlyError
    ) -> Incident:
        """Rootly refused the idempotency key as used by another request: another job of
        this run sent the same incident's create first. Wait for that incident."""
        self._log.info(
            f"Rootly refused the create's idempotency key as already used ({failure}): "
            "another job of this run is creating the same incident. Looking for it for up "
            f"to {self._grace:g} s."
        )
        waited = self._await(
            lambda search: dedup.labelled(
                search.incidents, draft.dedup_label, draft.dedup_key or ""
            ),
            self._grace,
        )
        if waited.found is None:
            raise failure
        return waited.found

    def _await(self, find: Callable[[Search], list[Incident]], grace: float) -> Waited:
        """Look at the newest incidents until `find` names one or `grace` seconds have
        passed (a last look at the end; at once, when `grace` is 0); cut short, and
        said so, when the deadline comes first."""
        self._phase = Phase.SEARCH
        started = self._clock()
        wait = 1.0
        while True:
            elapsed = self._clock() - started
            step = min(wait, max(0.0, grace - elapsed))
            left = self._remaining()
            if left is not None and step >= left:
                return Waited(None, self._clock() - started, cut_short=True)
            self._sleep(step)
            found = find(self._store.newest())
            if found:
                return Waited(found[0], self._clock() - started)
            if self._clock() - started >= grace:
                return Waited(None, self._clock() - started)
            wait = min(wait * 2, 4.0)

    def _retire(self, mine: Incident, survivor: Incident, draft: IncidentDraft) -> None:
        self._phase = Phase.RETIRE
        try:
            how = self._store.retire(mine, survivor, self._duplicate_reason)
        except errors.RootlyError as failure:
            self._log.warning(
                f"Another job created an incident with the same key first, so "
                f"{_named(mine, draft)} is a duplicate of {_named(survivor, draft)}, but "
                f"marking it so failed ({failure}). Cancel it by hand.",
                title="Duplicate incident left open",
            )
            return
        self._log.info(
            f"Another job created an incident with the same key first: {_named(mine, draft)} "
            f"is marked a duplicate of {_named(survivor, draft)} (through {how})."
        )

    def _note_repeat(self, incident: Incident) -> None:
        text = self._repeat_note
        try:
            if text:
                self._store.note(incident.id, text)
        except errors.RootlyError as failure:
            self._log.warning(
                f"The repeat was not recorded on incident {incident.label}'s timeline: {failure}",
                title="Timeline event not added",
            )
        self._log.info(
            f"Incident {incident.label} is already open for this failure; it was reused, "
            "not recreated."
        )

    def _make_sure_form_fields_landed(self, incident: Incident, draft: IncidentDraft) -> None:
        self._phase = Phase.FORM_FIELDS
        present = self._store.form_field_ids(incident.id)
        missing = [s for s in draft.form_field_selections if s["form_field_id"] not in present]
        if not missing:
            self._log.debug("Every form field value arrived with the create.")
            return
        self._log.debug(
            f"{len(missing)} form field value(s) are not on incident {incident.label} after "
            "the create; adding them one by one."
        )
        for selection in missing:
            try:
                self._store.add_form_field_selection(incident.id, selection)
            except errors.RootlyError as failure:
                name = draft.form_field_names.get(selection["form_field_id"], "")
                raise FormFieldNotAdded(
                    f"form-fields: the value of {name or selection['form_field_id']!r} could "
                    f"not be added to the incident ({failure}). The incident exists: "
                    f"{describe_incident(incident, private=draft.private)}. Set the field in "
                    "Rootly, or fix the value and re-run (the incident is reused)."
                ) from None

    def _creator_for(self, draft: IncidentDraft) -> str:
        """The creator label of one create: this step's own, except for the run's parent,
        which every leg of the run attempt creates with one body (and one idempotency
        key), so that a Rootly honouring the key replays it instead of refusing."""
        if draft.dedup_label == dedup.PARENT_LABEL and draft.dedup_key and self._run_attempt:
            return "parent-" + dedup.idempotency_key(draft.dedup_key, self._run_attempt, "")[-16:]
        self._attempts += 1
        return f"{self._token}-{self._attempts}"


def differences(
    draft: IncidentDraft, incident: Incident, parent: Incident | None
) -> tuple[str, ...]:
    """What Rootly's answer says it did differently from what was asked. Pure.

    Only fields the answer carries are compared: a missing field is not a difference.
    """
    found = []
    attributes = incident.attributes
    if parent is not None and attributes.parent_incident_id != parent.id:
        found.append(
            f"Rootly did not link incident {incident.label} under {parent.label}: "
            "check that the parent is not itself a sub-incident."
        )
    # A sub-incident takes its parent's kind (normal_sub or test_sub), as Rootly documents.
    asked_test = draft.test and parent is None
    if asked_test and attributes.kind is not None and not attributes.kind.startswith("test"):
        found.append(
            f"Rootly made incident {incident.label} of kind {attributes.kind!r}, not a test "
            "incident: is the Test Incidents feature enabled for your organisation?"
        )
    if draft.private and attributes.private is False:
        found.append(f"Rootly did not make incident {incident.label} private.")
    return tuple(found)


def _key_in_use(refused: errors.RootlyError) -> bool:
    """Whether Rootly refused a create because another request already used its
    idempotency key (undocumented: a conflict or a refusal that names the key)."""
    return refused.status in (400, 409, 422) and "idempotency" in refused.said.lower()


def _required_fields(draft: IncidentDraft, refused: errors.RootlyError) -> str:
    """The given form fields a refusal of the create without them is about, or ''."""
    if not isinstance(refused, errors.Rejected):
        return ""
    said = refused.said.casefold()
    given = list(draft.form_field_names.values())
    named = [name for name in given if name.casefold() in said]
    if not named and "required" not in said:
        return ""  # refused for another reason, which Rootly's words give
    return ", ".join(repr(name) for name in named or given) or "a custom form field"


def _refused_form_fields(fields: str, refused: errors.RootlyError) -> str:
    return (
        f"form-fields: Rootly requires {fields} when an incident is created, but took the "
        f"values under neither {FORM_FIELD_ATTRIBUTES[0]} nor {FORM_FIELD_ATTRIBUTES[1]} "
        f"inside the create, and refused it without them (422: {refused.said}). Nothing was "
        "created. In Rootly, make the field optional for incidents created through the API "
        "(or give it a default), then run again."
    )


def _named(incident: Incident, draft: IncidentDraft) -> str:
    return describe_incident(incident, private=draft.private)
