"""`operation: create`, whole: the plan, the first round (names, the duplicate search, a
given parent), then the declare sequence, then the report.

    inputs + run ─► plan ─► lookups needed ─► fetch (all at once, with the duplicate
    search and GitHub's list of the run's jobs) ─► resolve (pure) ─► the failed jobs
    named (waited for at most 5 s more) ─► declare (create, checks) ─► report
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, Any

from ..github.report import report_created, report_dry_run
from ..plan.dedup import idempotency_key, run_attempt
from ..plan.draft import (
    IncidentDraft,
    Plan,
    build_plan,
    describe_references,
    duplicate_reason,
    repeat_note,
)
from ..plan.names import Snapshot, lookups_needed
from ..rootly import requests as api
from .failed_jobs import await_failed_jobs, report_jobs_dry_run, start_failed_jobs
from .ledger import Ledger
from .session import USER_AGENT, Seams, open_session, write_report

if TYPE_CHECKING:
    from ..github.context import RunContext
    from ..github.jobs import FailedJob
    from ..github.runner import Runner
    from ..inputs import ActionInputs

__all__ = ["create"]


def create(
    runner: Runner, inputs: ActionInputs, context: RunContext, ledger: Ledger, seams: Seams
) -> None:
    """Declare the incident (and the run's parent) the inputs ask for, or find the one a
    re-run already declared; report it. Failures are raised."""
    plan = build_plan(inputs, context)
    if inputs.dry_run and not lookups_needed(plan, Snapshot()):
        # Nothing to look up: a dry run that makes no request at all.
        write_report(ledger, partial(_report_dry_run, runner, inputs, plan, context))
        return
    # GitHub's list of the run's jobs leaves now, with Rootly's first round.
    jobs_lookup = None if inputs.dry_run else start_failed_jobs(inputs, context, seams)
    if inputs.deduplicate and not plan.incident.dedup_key:
        runner.info(
            "Not deduplicating: outside a workflow run there is no run to tie the "
            "incident to. Give 'dedup-key' to deduplicate anyway."
        )
    from .declare import Declarer

    with open_session(inputs, seams, ledger, describe_references(plan.incident)) as session:
        store = session.store
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
        plan = session.resolve_names(plan, alongside)
        first_round = seams.clock() - started
        jobs = await_failed_jobs(runner, jobs_lookup, session.client.remaining())
        if jobs is not None:
            plan, asked = _naming(plan, jobs, inputs), _naming(Plan(asked), jobs, inputs).incident
        for warning in plan.incident.warnings:
            runner.warning(warning, title="Deployment environment not found")
        if inputs.dry_run:
            write_report(ledger, partial(_report_dry_run, runner, inputs, plan, context))
            return
        declarer = Declarer(
            store,
            runner,
            ledger,
            session.words,
            timeout_seconds=inputs.timeout_seconds,
            remaining=session.client.remaining,
            sleep=seams.sleep,
            clock=seams.clock,
            repeat_note=repeat_note(context, jobs),
            run_attempt=run_attempt(context),
            duplicate_reason=duplicate_reason(context),
            round_trip=first_round,
        )
        declared = declarer.declare(plan)
    write_report(ledger, lambda: report_created(runner, declared, asked, context))


def _naming(plan: Plan, jobs: tuple[FailedJob, ...], inputs: ActionInputs) -> Plan:
    """The plan whose incident (not the run's parent) names the failed jobs."""
    named = plan.incident.naming_failed_jobs(jobs, in_summary=inputs.context_summary)
    return replace(plan, incident=named)


def _report_dry_run(runner: Runner, inputs: ActionInputs, plan: Plan, context: RunContext) -> None:
    report_jobs_dry_run(runner, inputs, context)
    creates = [
        api.create_incident(draft.attributes(), _dry_run_key(context, draft))
        for draft in plan.drafts()
    ]
    report_dry_run(runner, creates, plan.incident, base_url=inputs.api_url, user_agent=USER_AGENT)


def _dry_run_key(context: RunContext, draft: IncidentDraft) -> str:
    """The idempotency key the create would carry first, where it depends on nothing but
    the run: the dedup key and the run attempt (declare.py)."""
    attempt = run_attempt(context)
    if not (draft.identity and attempt):
        return "(made when sent: this step's own, as nothing may share it)"
    form = draft.create_bodies()[0][0]
    return idempotency_key(draft.identity, attempt, form)
