"""Alerts, whole: `operation: alert` raises one that pages on-call, and `operation:
resolve` with `target: alert` resolves the open ones.

    raise:   inputs + run ─► alert draft ─► lookups, the search for an open alert with
             the key, GitHub's jobs (one round) ─► POST /v1/alerts, unless one is open
    resolve: the alert by `alert-id`, or the open alerts with the key ─► POST .../resolve

A re-run never pages twice: an open alert raised with the same dedup key (a label the
action sets, compared on our side) is reused, and Rootly's own `deduplication_key`
carries the same key for the case where two jobs raise at the same moment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING

from ..errors import AlertMissing, NoOpenIncident, PagingRefused
from ..github.report import report_alert, report_alert_dry_run, report_alerts_resolved
from ..plan import dedup
from ..plan.alert import build_alert
from ..plan.draft import Plan, describe_references
from ..plan.lifecycle import default_message
from ..plan.names import Snapshot, lookups_needed
from ..rootly import requests as api
from ..rootly.models import label_mapping
from .failed_jobs import await_failed_jobs, report_jobs_dry_run, start_failed_jobs
from .session import USER_AGENT, open_session, write_report
from .wording import Phase

if TYPE_CHECKING:
    from ..github.context import RunContext
    from ..github.runner import Runner
    from ..inputs import ActionInputs
    from ..rootly.client import RootlyClient
    from ..rootly.errors import RootlyError
    from ..rootly.models import Resource
    from .ledger import Ledger
    from .session import Seams

__all__ = ["ResolvedAlerts", "open_alerts", "raise_alert", "resolve_alerts"]

# Pages of alerts read when searching for the open ones with a key.
MAX_ALERT_PAGES = 10
# Statuses after which an alert is no longer open.
CLOSED_ALERT_STATUSES = frozenset({"resolved"})
_MAYBE_RAISED = (
    "The alert may have been raised (and may have paged): look for it in Rootly's alerts "
    "before raising it again. A re-run with the same dedup key reuses an open one."
)


def open_alerts(client: RootlyClient, window_hours: float, key: str) -> list[Resource]:
    """The open alerts raised with the dedup `key` in the window, oldest first."""
    since = (datetime.now(UTC) - timedelta(hours=window_hours)).strftime("%Y-%m-%dT%H:%M:%SZ")
    found = []
    for page in client.pages(api.list_alerts(since), MAX_ALERT_PAGES).pages:
        for alert in page.resources():
            attributes = alert.attributes
            if str(attributes.get("status") or "") in CLOSED_ALERT_STATUSES:
                continue
            if label_mapping(attributes.get("labels")).get(dedup.DEDUP_LABEL) == key:
                found.append(alert)
    return sorted(found, key=lambda alert: str(alert.attributes.get("created_at") or ""))


def raise_alert(
    runner: Runner, inputs: ActionInputs, context: RunContext, ledger: Ledger, seams: Seams
) -> None:
    """Raise the alert the inputs describe, or reuse the open one a re-run raised."""
    from ..rootly.errors import RootlyError

    ledger.idle = "No alert was raised in Rootly."
    draft = build_alert(inputs, context)
    plan = Plan(draft.lookup_draft())
    dry_run = partial(report_alert_dry_run, base_url=inputs.api_url, user_agent=USER_AGENT)
    if inputs.dry_run and not lookups_needed(plan, Snapshot()):
        report_jobs_dry_run(runner, inputs, context)
        request = api.create_alert(draft.attributes(plan.incident))
        write_report(ledger, partial(dry_run, runner, request))
        return
    jobs_lookup = None if inputs.dry_run else start_failed_jobs(inputs, context, seams)
    references = describe_references(plan.incident)
    with open_session(inputs, seams, ledger, references) as session:
        client = session.client
        searched: list[list[Resource] | RootlyError] = []

        def search() -> None:
            try:
                searched.append(open_alerts(client, inputs.dedup_window_hours, key))
            except RootlyError as failure:
                searched.append(failure)

        key = draft.dedup_key or ""
        plan = session.resolve_names(plan, [search] if key and not inputs.dry_run else [])
        for warning in plan.incident.warnings:
            runner.warning(warning, title="Deployment environment not found")
        jobs = await_failed_jobs(runner, jobs_lookup, client.remaining())
        if jobs is not None:
            draft = draft.naming_failed_jobs(jobs, in_description=inputs.context_summary)
        request = api.create_alert(draft.attributes(plan.incident))
        if inputs.dry_run:
            report_jobs_dry_run(runner, inputs, context)
            write_report(ledger, partial(dry_run, runner, request))
            return
        found = searched[0] if searched else []
        if isinstance(found, RootlyError):
            raise session.words(found, Phase.FIND_ALERTS) from None
        if found:
            # Raised already (a re-run): reused, and nobody is paged again.
            write_report(ledger, partial(report_alert, runner, found[0], draft, created=False))
            return
        try:
            alert = client.resource(request)
        except RootlyError as failure:
            if failure.maybe_applied:
                ledger.idle = _MAYBE_RAISED
            if draft.pages and failure.status in (400, 403, 404, 422):
                raise _paging_refused(failure) from None
            raise session.words(failure, Phase.ALERT) from None
    if draft.pages and not _paged(alert):
        runner.warning(
            "Rootly raised the alert but records no one paged for it: the 'notify' targets "
            "only page with Rootly On-Call. Check that On-Call is enabled for your "
            "organisation, or page through an alert route.",
            title="Nobody paged",
        )
    write_report(ledger, partial(report_alert, runner, alert, draft, created=True))


def _paged(alert: Resource) -> bool:
    attributes = alert.attributes
    return bool(attributes.get("notification_target_id") or attributes.get("alerting_targets"))


def _paging_refused(failure: RootlyError) -> PagingRefused:
    return PagingRefused(
        f"notify: Rootly refused the alert that pages ({failure.status}: {failure.said}). "
        "Paging ('notify') needs Rootly On-Call for your organisation, and each target must "
        "be one On-Call can page. Nothing was raised. Remove 'notify' to raise the alert "
        "without paging, or enable On-Call."
    )


@dataclass(frozen=True)
class ResolvedAlerts:
    """What `resolve` did to the alerts it found: resolved, or left as they were."""

    alerts: tuple[Resource, ...]
    resolved: tuple[str, ...]


def resolve_alerts(
    runner: Runner, inputs: ActionInputs, context: RunContext, ledger: Ledger, seams: Seams
) -> None:
    """Resolve the alert `alert-id` names, or every open one raised with the key."""
    from ..rootly.errors import NotFound, RootlyError

    ledger.idle = "No alert was changed in Rootly."
    key = inputs.dedup_key or ""
    if not inputs.alert_id and not key:
        key = dedup.workflow_dedup_key(context)
    message = inputs.message or default_message("resolve", context)
    with open_session(inputs, seams, ledger, "") as session:
        client = session.client
        if inputs.alert_id:
            try:
                alerts = [client.resource(api.get_alert(inputs.alert_id))]
            except NotFound:
                raise AlertMissing(
                    f"alert-id: no alert {inputs.alert_id!r} exists that this token can see. "
                    "Give the alert-id output of the step that raised it."
                ) from None
            except RootlyError as failure:
                raise session.words(failure, Phase.FIND_ALERT) from None
        else:
            try:
                alerts = open_alerts(client, inputs.dedup_window_hours, key)
            except RootlyError as failure:
                raise session.words(failure, Phase.FIND_ALERTS) from None
        if not alerts:
            sentence = (
                f"No open alert carries the dedup key {key!r} (alerts created in the last "
                f"{inputs.dedup_window_hours:g} h were searched): nothing to resolve."
            )
            if inputs.fail_if_missing:
                raise NoOpenIncident(sentence + " 'fail-if-missing' is true, so the step fails.")
            done = ResolvedAlerts((), ())
            write_report(ledger, partial(report_alerts_resolved, runner, done, sentence))
            return
        resolved: list[str] = []
        final: list[Resource] = []
        for alert in alerts:
            if str(alert.attributes.get("status") or "") in CLOSED_ALERT_STATUSES:
                final.append(alert)
                continue
            what = f"the resolve call on alert {alert.id}"
            ledger.record_sending(what)
            try:
                final.append(client.resource(api.resolve_alert(alert.id, message)))
            except RootlyError as failure:
                if not failure.maybe_applied:
                    ledger.settle_sending(what)
                raise session.words(failure, Phase.RESOLVE_ALERT) from None
            ledger.record_change(what)
            resolved.append(alert.id)
    done = ResolvedAlerts(tuple(final), tuple(resolved))
    write_report(ledger, partial(report_alerts_resolved, runner, done, ""))
