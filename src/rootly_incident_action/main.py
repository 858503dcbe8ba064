"""Wires the stages together and turns every failure into one message and an exit code.

    inputs + run ─► plan ─► lookups needed ─► fetch (all at once, with the duplicate
    search) ─► resolve (pure) ─► declare (create, checks) ─► report

Nothing else decides the exit code, and nothing escapes as a traceback.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from types import FrameType
from typing import TYPE_CHECKING, Any, TypeVar

from . import __version__
from .errors import ActionError
from .flows.ledger import Ledger
from .github.context import RunContext, read_run_context
from .github.report import report_created, report_dry_run, report_failure
from .github.runner import Runner
from .inputs import INPUT_DEFAULTS, TIMESTAMP_INPUTS, ActionInputs, parse_inputs, read_fail_on_error
from .parsing import readable
from .plan.dedup import idempotency_key, run_attempt
from .plan.draft import (
    IncidentDraft,
    Plan,
    build_plan,
    describe_references,
    duplicate_reason,
    repeat_note,
)
from .plan.names import Snapshot, lookups_needed, resolve
from .rootly import requests as api

if TYPE_CHECKING:
    import httpx

    from .flows.wording import Phase, Words
    from .rootly.client import RootlyClient
    from .rootly.errors import RootlyError

__all__ = ["USER_AGENT", "Cancelled", "Seams", "connect", "run"]

USER_AGENT = f"rootly-incident-action/{__version__}"

T = TypeVar("T")


class UnexpectedFailure(ActionError):
    """A bug: reported in one line, never as a traceback."""

    title = "Unexpected failure"


class Cancelled(BaseException):
    """The runner asked the step to stop (SIGTERM or SIGINT: a cancelled workflow)."""


@dataclass(frozen=True)
class Seams:
    """What tests replace: the HTTP transport, and time."""

    transport: httpx.BaseTransport | None = None
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic


def run(runner: Runner, environ: Mapping[str, str], seams: Seams | None = None) -> int:
    """Declare one incident as the inputs say; return the process exit code."""
    seams = seams or Seams()
    raw = {name: runner.read_input(name) for name in INPUT_DEFAULTS}
    # Mask first: nothing below may print before the runner knows the token is secret.
    if raw["api-token"]:
        runner.mask(readable(raw["api-token"]))
    fail_on_error = read_fail_on_error(raw)
    ledger = Ledger()
    try:
        with _stop_on_signals():
            return _run(runner, environ, raw, ledger, seams)
    except ActionError as failure:
        return report_failure(runner, failure, fail_on_error=fail_on_error)
    except Cancelled:
        cancelled = ActionError(
            "The step was cancelled (the runner sent a stop signal) before it finished.\n"
            + ledger.account()
        )
        cancelled.title = "Cancelled"
        return report_failure(runner, cancelled, fail_on_error=True)
    except Exception as bug:  # noqa: BLE001 - the last guard: a traceback helps nobody in CI
        unexpected = UnexpectedFailure(
            f"The action failed unexpectedly ({type(bug).__name__}: {bug}). Please report this "
            f"with the step's log.\n{ledger.account()}"
        )
        return report_failure(runner, unexpected, fail_on_error=fail_on_error)


def _run(
    runner: Runner, environ: Mapping[str, str], raw: dict[str, str], ledger: Ledger, seams: Seams
) -> int:
    inputs = parse_inputs(raw)
    _warn_about_lifecycle_timestamps(runner, inputs)
    context = read_run_context(environ)
    if inputs.operation != "create":
        ledger.idle = "Nothing was changed in Rootly."
        return _operate(runner, inputs, context, ledger, seams)
    plan = build_plan(inputs, context)
    if inputs.dry_run and not lookups_needed(plan, Snapshot()):
        # Nothing to look up: a dry run that makes no request at all.
        _write_report(ledger, partial(_report_dry_run, runner, inputs, plan, context))
        return 0
    if inputs.deduplicate and not plan.incident.dedup_key:
        runner.info(
            "Not deduplicating: outside a workflow run there is no run to tie the "
            "incident to. Give 'dedup-key' to deduplicate anyway."
        )
    return _talk(runner, inputs, plan=plan, context=context, ledger=ledger, seams=seams)


def _talk(
    runner: Runner,
    inputs: ActionInputs,
    *,
    plan: Plan,
    context: RunContext,
    ledger: Ledger,
    seams: Seams,
) -> int:
    # Imported here, after the inputs are known to be good: httpx is the slowest import.
    from .flows.declare import Declarer, StepFailed
    from .flows.store import RootlyStore

    words = _words(inputs, ledger, describe_references(plan.incident))
    with connect(inputs, seams, words) as client:
        store = RootlyStore(client, inputs.dedup_window_hours)
        # The duplicate search and the given parent depend on no name: they go in the
        # first round with the lookups, so the create can be the second round trip.
        alongside: list[Callable[[], Any]] = []
        if not inputs.dry_run:
            if any(draft.dedup_key for draft in plan.drafts()):
                alongside.append(store.warm_recent)
            if plan.incident.parent_incident:
                alongside.append(partial(store.warm, plan.incident.parent_incident))
        asked = plan.incident  # as written: the summary names the severity the user wrote
        started = seams.clock()
        plan = _resolve_names(client, plan, alongside, words)
        first_round = seams.clock() - started
        for warning in plan.incident.warnings:
            runner.warning(warning, title="Deployment environment not found")
        if inputs.dry_run:
            _write_report(ledger, partial(_report_dry_run, runner, inputs, plan, context))
            return 0
        declarer = Declarer(
            store,
            runner,
            ledger,
            timeout_seconds=inputs.timeout_seconds,
            remaining=client.remaining,
            sleep=seams.sleep,
            clock=seams.clock,
            repeat_note=repeat_note(context),
            run_attempt=run_attempt(context),
            duplicate_reason=duplicate_reason(context),
            round_trip=first_round,
        )
        try:
            declared = declarer.declare(plan)
        except StepFailed as failed:
            raise words(failed.failure, failed.phase) from None
    _write_report(ledger, lambda: report_created(runner, declared, asked, context))
    return 0


def _operate(
    runner: Runner, inputs: ActionInputs, context: RunContext, ledger: Ledger, seams: Seams
) -> int:
    """Update, add an event to, mitigate, resolve or cancel incidents that exist."""
    from .flows.declare import report_search
    from .flows.operate import Operator
    from .flows.store import RootlyStore
    from .github.report import report_nothing_open, report_operated, report_operation_dry_run
    from .operations import TRANSITIONS
    from .plan.lifecycle import message_and_event, plan_change, update_attributes, update_draft
    from .rootly.models import Incident

    plan = Plan(update_draft(inputs, context)) if inputs.operation == "update" else None
    words = _words(inputs, ledger, describe_references(plan.incident) if plan else "")
    with connect(inputs, seams, words) as client:
        store = RootlyStore(client, inputs.dedup_window_hours)
        operator = Operator(store, ledger, words)
        # The incident (or the search for the key) rides with the name lookups.
        first: Callable[[], Any] = store.warm_recent
        if inputs.incident_id:
            first = partial(store.warm, inputs.incident_id)
        if plan is not None:
            plan = _resolve_names(client, plan, [first], words)
        else:
            first()
        found = operator.find(inputs.incident_id)
        if isinstance(found, Incident):
            targets: tuple[Incident, ...] = (found,)
        else:
            report_search(runner, found)
            if inputs.dedup_key:
                targets = operator.open_with_key(found, inputs.dedup_key)
            else:
                moves = inputs.operation in TRANSITIONS
                parent_key = inputs.parent_key or ""
                targets = operator.open_parents(found, parent_key, with_children=moves)
        if not targets:
            return _write_report(ledger, partial(report_nothing_open, runner, inputs))
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
            _write_report(
                ledger, partial(report_operation_dry_run, runner, inputs, changes, USER_AGENT)
            )
            return 0
        operated = operator.apply(changes)
    _write_report(
        ledger,
        lambda: report_operated(runner, inputs, operated),
        "incidents already changed are left alone",
    )
    return 0


def _words(inputs: ActionInputs, ledger: Ledger, references: str) -> Words:
    from .flows.wording import explain

    def words(failure: RootlyError, phase: Phase) -> ActionError:
        return explain(
            failure,
            phase,
            base_url=inputs.api_url,
            timeout=inputs.timeout_seconds,
            deadline=inputs.deadline_seconds,
            ledger=ledger,
            references=references,
        )

    return words


def connect(inputs: ActionInputs, seams: Seams, words: Words) -> RootlyClient:
    """The Rootly client the inputs describe, its deadline starting now; a setup failure
    (an unusable CA bundle) comes out in `words`."""
    from .flows.wording import Phase
    from .rootly.client import RootlyClient
    from .rootly.errors import RootlyError

    try:
        return RootlyClient(
            inputs.api_url,
            inputs.api_token.reveal(),
            user_agent=USER_AGENT,
            timeout=inputs.timeout_seconds,
            deadline=seams.clock() + inputs.deadline_seconds,
            transport=seams.transport,
            sleep=seams.sleep,
            clock=seams.clock,
        )
    except RootlyError as failure:
        raise words(failure, Phase.LOOKUP) from None


def _resolve_names(
    client: RootlyClient,
    plan: Plan,
    alongside: list[Callable[[], Any]],
    words: Words,
) -> Plan:
    """Look every name up (with `alongside` in the first round), then resolve the plan.

    `alongside` runs in the first round even when there is no name to look up."""
    from .catalog.fetch import fetch
    from .flows.wording import Phase
    from .rootly.errors import RootlyError

    snapshot = Snapshot()
    try:
        while (needed := lookups_needed(plan, snapshot)) or alongside:
            for lookup, entries in fetch(client, needed, alongside).items():
                snapshot.add(lookup, entries)
            alongside = []
    except RootlyError as failure:
        raise words(failure, Phase.LOOKUP) from None
    return resolve(plan, snapshot)


def _write_report(
    ledger: Ledger, write: Callable[[], T], rerun: str = "the incident is reused"
) -> T:
    """Run `write`, which reports to the runner; outputs that cannot be written are one
    error saying what exists (a job summary that cannot be, only a warning: runner.py)."""
    try:
        return write()
    except OSError as problem:
        done = ledger.account().replace("Before this failed, the action", "The action")
        raise ActionError(
            f"The step's outputs could not be written ({problem}). "
            + done.replace("before this failed", "already")
            + f" Later steps will not see its outputs: re-run the job ({rerun})."
        ) from None


def _warn_about_lifecycle_timestamps(runner: Runner, inputs: ActionInputs) -> None:
    given = [name for name in TIMESTAMP_INPUTS if name in inputs.timestamps]
    if given:
        runner.warning(
            f"{', '.join(given)} set by hand. Rootly records lifecycle times itself as the "
            "incident moves; set them only to backfill an incident that happened earlier.",
            title="Lifecycle timestamps given",
        )


def _report_dry_run(runner: Runner, inputs: ActionInputs, plan: Plan, context: RunContext) -> None:
    previews = []
    for draft in plan.drafts():
        request = api.create_incident(draft.attributes(), _dry_run_key(context, draft))
        headers = {**api.headers("***", USER_AGENT), **request.headers}
        previews.append(
            {
                "method": request.method,
                "url": f"{inputs.api_url}{request.path}",
                "headers": headers,
                "body": request.body,
            }
        )
    report_dry_run(runner, previews, plan.incident)


def _dry_run_key(context: RunContext, draft: IncidentDraft) -> str:
    """The idempotency key the create would carry first, where it depends on nothing but
    the run: the dedup key and the run attempt (declare.py)."""
    attempt = run_attempt(context)
    if not (draft.dedup_key and attempt):
        return "(made when sent: this step's own, as nothing may share it)"
    form = draft.create_bodies()[0][0]
    return idempotency_key(f"{draft.dedup_label}={draft.dedup_key}", attempt, form)


@contextmanager
def _stop_on_signals() -> Iterator[None]:
    """Turn SIGTERM and SIGINT into `Cancelled`, so the step says what may exist and exits.

    In the container the action is process 1, which ignores SIGTERM unless it handles it.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: FrameType | None) -> None:
        raise Cancelled(signum)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
