"""Operations on incidents that exist (update, add-event, mitigate, resolve, cancel),
whole: `operate` is the flow, `Operator` the calls it makes.

1. Find: read the incident named by `incident-id`, or search the dedup window for every
   open incident carrying `dedup-key` or `parent-key` (oldest first). Either rides in
   the first round trip, beside any name lookups an `update` needs.
2. Decide, per incident (`plan.lifecycle.plan_change`): an incident already in the
   wanted state gets nothing, not even a timeline event.
3. Send every change of every incident together (the second round trip), then the
   timeline events of the changes Rootly accepted (the third). Each write's outcome is
   kept, so a failure says exactly what was done and what was not.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from ..errors import (
    ActionError,
    ChangeFailed,
    IncidentMissing,
    InvalidInput,
    InvalidInputs,
    NoOpenIncident,
    Refused,
)
from ..github.report import (
    report_nothing_open,
    report_operated,
    report_operation_dry_run,
    report_search,
)
from ..operations import TRANSITIONS
from ..parsing import incident_number
from ..plan import dedup
from ..plan.draft import Plan, describe_references
from ..plan.lifecycle import (
    Change,
    Write,
    message_and_event,
    plan_change,
    update_attributes,
    update_draft,
)
from ..rootly import errors
from .ledger import Ledger
from .session import USER_AGENT, Seams, open_session, write_report
from .store import IncidentStore
from .wording import Phase, Words

if TYPE_CHECKING:
    from ..github.context import RunContext
    from ..github.runner import Runner
    from ..inputs import ActionInputs
    from ..rootly.models import Incident
    from .store import Search

__all__ = ["Operated", "Operator", "operate"]


@dataclass(frozen=True)
class Operated:
    """The incidents an operation acted on, as they are after it, oldest first."""

    incidents: tuple[Incident, ...]
    changed: tuple[str, ...]  # IDs of the incidents that were changed
    # incident ID -> why it was left alone ("it is already resolved")
    left_alone: dict[str, str]

    @property
    def any_changed(self) -> bool:
        """Whether the operation changed at least one incident."""
        return bool(self.changed)


class Operator:
    """Finds the incidents an operation acts on, and sends its writes."""

    def __init__(self, store: IncidentStore, ledger: Ledger, words: Words) -> None:
        self._store = store
        self._ledger = ledger
        self._words = words

    def find(self, incident_id: str | None) -> Search | Incident:
        """The incident named by ID or slug, or the search in which to find a key's."""
        if incident_id:
            try:
                return self._store.get(incident_id)
            except errors.NotFound:
                number = incident_number(incident_id)
                named = (
                    f"the number {number} ({incident_id!r})"
                    if number is not None
                    else f"the ID or slug {incident_id!r}"
                )
                raise IncidentMissing(
                    f"input 'incident-id': no incident has {named}, or the token cannot see "
                    "it. Pass the `incident-id` (or `incident-slug`) output of the step that "
                    "declared it, or the incident's number as Rootly shows it."
                ) from None
            except errors.RootlyError as failure:
                raise self._words(failure, Phase.FIND) from None
        try:
            return self._store.recent()
        except errors.RootlyError as failure:
            raise self._words(failure, Phase.FIND_BY_KEY) from None

    @staticmethod
    def open_with_key(search: Search, dedup_key: str) -> tuple[Incident, ...]:
        """Every open incident carrying the key, oldest first."""
        return tuple(dedup.labelled(search.incidents, dedup.DEDUP_LABEL, dedup_key))

    @staticmethod
    def open_parents(
        search: Search, parent_key: str, *, with_children: bool
    ) -> tuple[Incident, ...]:
        """Every open parent carrying the key, oldest first; then, `with_children`, their
        open sub-incidents (so that none stays open under a resolved parent)."""
        parents = dedup.labelled(search.incidents, dedup.PARENT_LABEL, parent_key)
        if not with_children:
            return tuple(parents)
        ids = {parent.id for parent in parents}
        children = [
            incident
            for incident in dedup.oldest_first(search.incidents)
            if dedup.is_open(incident) and incident.attributes.parent_incident_id in ids
        ]
        return (*parents, *children)

    def complete(self, changes: Sequence[Change]) -> list[Change]:
        """Changes that set form field values, completed with a write per value: the
        incidents' values are read (all at once) to know which exist."""
        needing = [change for change in changes if change.selections]
        if not needing:
            return list(changes)
        read = self._store.selections_of([change.incident.id for change in needing])
        existing: dict[str, dict[str, str]] = {}
        for change, values in zip(needing, read, strict=True):
            if isinstance(values, errors.RootlyError):
                raise self._words(values, Phase.READ_VALUES)
            existing[change.incident.id] = values
        return [
            change.with_values(existing[change.incident.id]) if change.selections else change
            for change in changes
        ]

    def apply(self, changes: Sequence[Change]) -> Operated:
        """Send every write of every change together, then the timeline events of the
        changes Rootly accepted whole; raise if any failed."""
        after = {change.incident.id: change.incident for change in changes}
        failed = self._send([(c, w) for c in changes for w in c.writes], after)
        failed, moved_meanwhile = self._already_there(failed, after)
        skipped = {change.incident.id for change, _, _ in failed} | moved_meanwhile.keys()
        waiting = [(c, w) for c in changes if c.incident.id not in skipped for w in c.then]
        failed += self._send(waiting, after)
        if failed:
            raise self._failure(failed, after)
        left_alone = {c.incident.id: c.nothing_because for c in changes if not c.writes}
        return Operated(
            incidents=tuple(after[change.incident.id] for change in changes),
            changed=tuple(
                change.incident.id
                for change in changes
                if change.writes and change.incident.id not in moved_meanwhile
            ),
            left_alone={**left_alone, **moved_meanwhile},
        )

    def _already_there(
        self, failed: list[tuple[Change, Write, errors.RootlyError]], after: dict[str, Incident]
    ) -> tuple[list[tuple[Change, Write, errors.RootlyError]], dict[str, str]]:
        """Refused moves whose incident is already where they lead: another job (racing
        resolvers) moved it first, which is a success without a change for this one.
        The incident is read again to know; what is still failed, and those moved."""
        still: list[tuple[Change, Write, errors.RootlyError]] = []
        moved: dict[str, str] = {}
        for change, write, failure in failed:
            move = write.move
            if move is None or not isinstance(failure, errors.Rejected | errors.BadRequest):
                still.append((change, write, failure))
                continue
            try:
                now = self._store.get(change.incident.id)
            except errors.RootlyError:
                still.append((change, write, failure))
                continue
            status = now.attributes.status or ""
            if status not in move.reached:
                after[change.incident.id] = now  # the refusal is worded from its status now
                still.append((change, write, failure))
                continue
            after[change.incident.id] = now
            moved[change.incident.id] = (
                f"it is already {status} (moved meanwhile, not by this step)"
            )
        return still, moved

    def _send(
        self, flat: list[tuple[Change, Write]], after: dict[str, Incident]
    ) -> list[tuple[Change, Write, errors.RootlyError]]:
        if not flat:
            return []
        for _, write in flat:
            self._ledger.record_sending(write.what)
        results = self._store.send_together([(w.request, w.answers_incident) for _, w in flat])
        failed: list[tuple[Change, Write, errors.RootlyError]] = []
        for (change, write), result in zip(flat, results, strict=True):
            if isinstance(result, errors.RootlyError):
                if not result.maybe_applied:
                    self._ledger.settle_sending(write.what)
                failed.append((change, write, result))
                continue
            self._ledger.record_change(write.what)
            if write.answers_incident and result is not None:
                after[change.incident.id] = result
        return failed

    def _failure(
        self,
        failed: list[tuple[Change, Write, errors.RootlyError]],
        after: dict[str, Incident],
    ) -> ActionError:
        change, write, failure = failed[0]
        others = "".join(f" Also failed: {w.what} ({f})." for _, w, f in failed[1:])
        status = after[change.incident.id].attributes.status or "unknown"
        transition = write.move
        if transition is not None and isinstance(failure, errors.Rejected | errors.BadRequest):
            return Refused(
                f"Rootly refused to {transition.action} incident {change.incident.label}, whose "
                f"status is {status!r}: {failure.said} ({failure.status}). It was not moved and "
                f"no timeline event was added to it; change it in Rootly if it must be."
                f"{others}\n"
                f"{self._ledger.account()}"
            )
        # The words end with the ledger's account of what was done.
        words = self._words(failure, Phase.CHANGE)
        what = write.what[0].upper() + write.what[1:]
        return ChangeFailed(f"{what} failed.{others} {words.message}")


def operate(
    runner: Runner, inputs: ActionInputs, context: RunContext, ledger: Ledger, seams: Seams
) -> None:
    """Update, add an event to, mitigate, resolve or cancel the incidents named (by
    `incident-id`, `dedup-key`, `parent-key` or `dedup-scope: workflow`); report them.
    Failures are raised."""
    from ..rootly.models import Incident

    dedup_key = target_key(inputs, context)
    ledger.idle = "Nothing was changed in Rootly."
    plan = Plan(update_draft(inputs, context)) if inputs.operation == "update" else None
    references = describe_references(plan.incident) if plan else ""
    with open_session(inputs, seams, ledger, references) as session:
        store = session.store
        operator = Operator(store, ledger, session.words)
        # The incident (or the search for the key) rides with the name lookups.
        first: Callable[[], Any] = store.warm_recent
        if inputs.incident_id:
            first = partial(store.warm, inputs.incident_id)
        if plan is not None:
            plan = session.resolve_names(plan, [first])
        else:
            first()
        found = operator.find(inputs.incident_id)
        if isinstance(found, Incident):
            targets: tuple[Incident, ...] = (found,)
        else:
            report_search(runner, found)
            if dedup_key:
                targets = operator.open_with_key(found, dedup_key)
            else:
                moves = inputs.operation in TRANSITIONS
                parent_key = inputs.parent_key or ""
                targets = operator.open_parents(found, parent_key, with_children=moves)
        if not targets:
            sentence = nothing_open(inputs, dedup_key)
            if inputs.fail_if_missing:
                raise NoOpenIncident(sentence + " 'fail-if-missing' is true, so the step fails.")
            write_report(ledger, partial(report_nothing_open, runner, sentence))
            return
        message, event = message_and_event(
            inputs.operation, context, inputs.message, inputs.update_fields
        )

        def attributes(target: Incident) -> dict[str, Any] | None:
            if plan is None:
                return None
            current = target.attributes.label_values  # labels are merged into these
            return update_attributes(inputs.update_fields, plan.incident, inputs.labels, current)

        selections = plan.incident.form_field_selections if plan is not None else ()
        changes = operator.complete(
            [
                plan_change(
                    inputs.operation,
                    target,
                    message=message,
                    event=event,
                    attributes=attributes(target),
                    selections=selections,
                    field_names=plan.incident.form_field_names if plan is not None else None,
                )
                for target in targets
            ]
        )
        if inputs.dry_run:
            dry_run = partial(
                report_operation_dry_run,
                runner,
                changes,
                operation=inputs.operation,
                made_private=inputs.private,
                base_url=inputs.api_url,
                user_agent=USER_AGENT,
            )
            write_report(ledger, dry_run)
            return
        operated = operator.apply(changes)
    write_report(
        ledger,
        lambda: report_operated(
            runner, operated, operation=inputs.operation, made_private=inputs.private
        ),
        "incidents already changed are left alone",
    )


def target_key(inputs: ActionInputs, context: RunContext) -> str | None:
    """The dedup key whose open incidents the operation acts on: the one given, or with
    `dedup-scope: workflow` and no other target, this workflow's on this ref."""
    if inputs.dedup_key or inputs.incident_id or inputs.parent_key:
        return inputs.dedup_key
    if inputs.dedup_scope != "workflow":
        return None
    if not context.in_workflow:
        raise InvalidInputs(
            [
                InvalidInput(
                    "dedup-scope",
                    "workflow",
                    "outside a workflow run there is no workflow to key on: give "
                    "'incident-id' or 'dedup-key'",
                )
            ]
        )
    return dedup.workflow_dedup_key(context)


def nothing_open(inputs: ActionInputs, dedup_key: str | None = None) -> str:
    """What was searched when no open incident carries the key: `dedup_key` (the one
    given or derived), else the parent key."""
    dedup_key = dedup_key or inputs.dedup_key
    if dedup_key:
        shown = repr(dedup_key)
        if not inputs.dedup_key:
            shown = f"of this workflow on this ref ({dedup_key})"
        what = f"incident carries the dedup key {shown}"
    else:
        what = f"parent incident carries the parent key {inputs.parent_key!r}"
    return (
        f"No open {what} (incidents created in the last {inputs.dedup_window_hours:g} h "
        f"were searched): nothing to {inputs.operation}."
    )
