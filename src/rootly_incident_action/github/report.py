"""What the user sees afterwards: step outputs, the job summary, and log lines.

Every value from outside is escaped before it reaches the log or the summary
(`escape.py`). For a private incident nothing derived from its title is shown: not the
title, the summary, the web URL or slug (made from the title), nor the Slack channel
name; only IDs and Rootly's short link. The outputs keep the full values.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ..errors import ActionError
from ..plan.draft import IncidentDraft
from .context import RunContext
from .escape import link, markdown, one_line, safe_url
from .jobs import failed_jobs_json, listed
from .runner import Log, Runner

if TYPE_CHECKING:
    # Only for annotations: the response models are not needed for a dry run or an
    # input error, so they are not imported on the way there.
    from ..flows.alert import ResolvedAlerts
    from ..flows.declare import Declared
    from ..flows.operate import Operated
    from ..flows.store import Search
    from ..plan.alert import AlertDraft
    from ..plan.lifecycle import Change
    from ..rootly.models import Incident, Resource
    from ..rootly.requests import ApiRequest

__all__ = [
    "OUTPUT_NAMES",
    "incident_outputs",
    "report_alert",
    "report_alert_dry_run",
    "report_alerts_resolved",
    "report_created",
    "report_dry_run",
    "report_failure",
    "report_nothing_open",
    "report_operated",
    "report_operation_dry_run",
    "report_pulse",
    "report_pulse_dry_run",
    "report_search",
    "success_summary",
]

OUTPUT_NAMES = (
    "incident-id",
    "incident-url",
    "incident-sequential-id",
    "incident-slug",
    "incident-status",
    "incident-short-url",
    "slack-channel-name",
    "slack-channel-url",
    "parent-incident-id",
    "parent-incident-url",
    "created",
    "changed",
    "failed-jobs",
    "pulse-id",
    "alert-id",
    "alert-url",
    "alert-short-id",
)


def incident_outputs(declared: Declared) -> dict[str, str]:
    """The step outputs, as Rootly confirmed them."""
    return _outputs(
        declared.incident, declared.parent, created=declared.created, changed=declared.created
    )


def _outputs(
    incident: Incident | None, parent: Incident | None, *, created: bool, changed: bool
) -> dict[str, str]:
    flags = {
        "created": str(created).lower(),
        "changed": str(changed).lower(),
        "failed-jobs": "",  # only a create reads the jobs (report_created sets them)
        "pulse-id": "",  # only a pulse makes one (report_pulse sets it)
        **dict.fromkeys(("alert-id", "alert-url", "alert-short-id"), ""),  # alerts: report_alert
    }
    if incident is None:
        return {name: flags.get(name, "") for name in OUTPUT_NAMES}
    attributes = incident.attributes
    # Only a link Rootly confirmed is reported as the parent.
    linked = parent if parent and attributes.parent_incident_id == parent.id else None
    values: dict[str, Any] = {
        "incident-id": incident.id,
        "incident-url": attributes.url,
        "incident-sequential-id": attributes.sequential_id,
        "incident-slug": attributes.slug,
        "incident-status": attributes.status,
        "incident-short-url": attributes.short_url,
        "slack-channel-name": attributes.slack_channel_name,
        "slack-channel-url": attributes.slack_channel_url,
        "parent-incident-id": linked.id if linked else attributes.parent_incident_id,
        "parent-incident-url": linked.attributes.url if linked else None,
        **flags,
    }
    return {name: "" if values[name] is None else str(values[name]) for name in OUTPUT_NAMES}


def report_created(
    runner: Runner, declared: Declared, draft: IncidentDraft, context: RunContext
) -> None:
    """Outputs, one log line and the job summary for a declared (or reused) incident."""
    outputs = incident_outputs(declared) | {"failed-jobs": failed_jobs_json(draft.failed_jobs)}
    for name, value in outputs.items():
        runner.set_output(name, value)
    incident = declared.incident
    url = safe_url(_public_link(incident, draft))
    verb = "Declared" if declared.created else "Reused the open"
    label = one_line(incident.label)
    runner.info(f"{verb} Rootly incident {label}: {url}" if url else f"{verb} incident {label}")
    runner.append_summary(success_summary(declared, draft, context))


def success_summary(declared: Declared, draft: IncidentDraft, context: RunContext) -> str:
    """The job summary's Markdown for a declared (or reused) incident."""
    incident = declared.incident
    if draft.private:
        # Job summaries are readable by everyone who can read the repository.
        url = safe_url(_public_link(incident, draft))
        shown = (
            f"[Open it in Rootly]({url})" if url else "Its link is in the `incident-url` output."
        )
        return (
            f"### 🔒 A private Rootly incident was {'declared' if declared.created else 'reused'}"
            f"\n\nIncident {markdown(incident.label)} (ID `{markdown(incident.id)}`). {shown}\n\n"
            "Its title and details stay in Rootly because this incident is private."
        )
    title = incident.attributes.title or draft.title
    heading = "### 🚨 Rootly incident " + link(f"{incident.label} {title}", incident.attributes.url)
    rows = []
    if not declared.created:
        rows.append(("Declared", "earlier, for this same failure: reused, not recreated"))
    rows.append(("Status", markdown(incident.attributes.status or "")))
    severity = incident.attributes.severity_name or (draft.severity or "")
    rows.append(("Severity", markdown(severity)))
    rows.append(("Linked to", _linked_to(context)))
    if draft.failed_jobs:
        rows.append(("Failed jobs", "<br>".join(listed(draft.failed_jobs))))
    parent = declared.parent
    if parent is not None:
        parent_title = parent.attributes.title or parent.id
        rows.append(
            ("Parent incident", link(f"{parent.label} {parent_title}", parent.attributes.url))
        )
    elif incident.attributes.parent_incident_id:
        rows.append(("Parent incident", f"`{markdown(incident.attributes.parent_incident_id)}`"))
    if incident.attributes.slack_channel_url:
        name = incident.attributes.slack_channel_name or "channel"
        rows.append(("Slack", link(f"#{name}", incident.attributes.slack_channel_url)))
    for difference in declared.differences:
        rows.append(("⚠️ Not as asked", markdown(difference)))
    table = "\n".join(f"| {key} | {value} |" for key, value in rows if value)
    return f"{heading}\n\n| | |\n|---|---|\n{table}" if table else heading


def _alert_outputs(alert: Resource | None) -> dict[str, str]:
    attributes = alert.attributes if alert else {}
    return {
        "alert-id": alert.id if alert else "",
        "alert-url": str(attributes.get("url") or ""),
        "alert-short-id": str(attributes.get("short_id") or ""),
    }


def report_alert(runner: Runner, alert: Resource, draft: AlertDraft, *, created: bool) -> None:
    """Outputs, one log line and the job summary for an alert raised (or reused: a re-run
    never pages twice)."""
    outputs = _outputs(None, None, created=created, changed=created)
    outputs |= _alert_outputs(alert) | {"failed-jobs": failed_jobs_json(draft.failed_jobs)}
    for name, value in outputs.items():
        runner.set_output(name, value)
    short = one_line(str(alert.attributes.get("short_id") or alert.id))
    url = safe_url(str(alert.attributes.get("url") or ""))
    verb = "Raised" if created else "Reused the open"
    runner.info(f"{verb} Rootly alert {short}" + (f": {url}" if url else ""))
    summary = str(alert.attributes.get("summary") or draft.summary)
    heading = "### 🔔 Rootly alert " + link(f"{short} {summary}", url)
    rows = [("Status", markdown(str(alert.attributes.get("status") or "")))]
    if not created:
        rows.append(("Raised", "earlier, with the same dedup key: reused, nobody paged again"))
    if draft.failed_jobs:
        rows.append(("Failed jobs", "<br>".join(listed(draft.failed_jobs))))
    table = "\n".join(f"| {key} | {value} |" for key, value in rows if value)
    runner.append_summary(f"{heading}\n\n| | |\n|---|---|\n{table}")


def report_alert_dry_run(
    runner: Runner, request: ApiRequest, *, base_url: str, user_agent: str
) -> None:
    """Print the alert that would be raised; nothing was sent."""
    where = {"base_url": base_url, "user_agent": user_agent}
    _report_write_dry_run(runner, request, "alert", "raised in", "raise", **where)


def _report_write_dry_run(
    runner: Runner,
    request: ApiRequest,
    kind: str,
    sent_as: str,
    verb: str,
    *,
    base_url: str,
    user_agent: str,
) -> None:
    """The dry run of one write that is no incident (an alert, a pulse): the request in a
    group, then a summary naming it by its `summary` attribute."""
    title = f"Dry run: the {kind} that would be {sent_as} Rootly"
    _show_request(runner, title, request, base_url, user_agent, private=False)
    runner.info("Dry run: every input is valid; nothing was sent to Rootly.")
    summary = (request.body or {}).get("data", {}).get("attributes", {}).get("summary", "")
    runner.append_summary(
        f"### 🧪 Rootly {kind} dry run\n\nThe inputs are valid. The action would {verb} "
        f"“{markdown(str(summary))}”; nothing was sent. The exact request is in the step's log."
    )


def report_alerts_resolved(runner: Runner, done: ResolvedAlerts, nothing: str) -> None:
    """Outputs, a log line per alert and the job summary after resolving alerts
    (`nothing`: what was searched, when no alert was open)."""
    first = done.alerts[0] if done.alerts else None
    outputs = _outputs(None, None, created=False, changed=bool(done.resolved))
    for name, value in (outputs | _alert_outputs(first)).items():
        runner.set_output(name, value)
    if not done.alerts:
        runner.info(one_line(nothing))
        runner.append_summary(f"### ☑️ Rootly: nothing to do\n\n{markdown(nothing)}")
        return
    rows = []
    for alert in done.alerts:
        short = one_line(str(alert.attributes.get("short_id") or alert.id))
        changed = alert.id in done.resolved
        said = "resolved" if changed else "left alone: already resolved"
        runner.info(f"Alert {short} {said}.")
        rows.append(f"| {markdown(short)} | {said} |")
    runner.append_summary(
        f"### ✅ Rootly: {len(done.resolved)} of {len(done.alerts)} alert(s) resolved\n\n"
        "| Alert | This step |\n|---|---|\n" + "\n".join(rows)
    )


def report_pulse(runner: Runner, pulse_id: str, attributes: dict[str, Any]) -> None:
    """Outputs, one log line and the job summary for a pulse Rootly recorded."""
    outputs = _outputs(None, None, created=True, changed=True) | {"pulse-id": pulse_id}
    for name, value in outputs.items():
        runner.set_output(name, value)
    summary = str(attributes.get("summary", ""))
    runner.info(f"Marked the deploy in Rootly (pulse {one_line(pulse_id)}): {one_line(summary)}")
    refs = ", ".join(f"{r['key']}={r['value']}" for r in attributes.get("refs", []))
    rows = [("Pulse", f"`{markdown(pulse_id)}`"), ("Refs", markdown(refs))]
    table = "\n".join(f"| {key} | {value} |" for key, value in rows if value)
    runner.append_summary(f"### 📍 Rootly pulse: {markdown(summary)}\n\n| | |\n|---|---|\n{table}")


def report_pulse_dry_run(
    runner: Runner, request: ApiRequest, *, base_url: str, user_agent: str
) -> None:
    """Print the pulse that would be sent; nothing was sent."""
    where = {"base_url": base_url, "user_agent": user_agent}
    _report_write_dry_run(runner, request, "pulse", "sent to", "mark", **where)


def report_search(log: Log, search: Search) -> None:
    """Say what the duplicate search could not read (debug) or did not reach (warning)."""
    if search.unreadable:
        log.debug(
            f"{search.unreadable} incident(s) in the dedup window could not be read and "
            "were skipped."
        )
    if search.truncated:
        log.warning(
            "More incidents were created within 'dedup-window-hours' than the duplicate "
            "search reads (10 pages of 100, newest first): older ones were not searched. "
            "Lower 'dedup-window-hours' to search all of the window.",
            title="Duplicate search cut short",
        )


def report_failure(runner: Runner, failure: ActionError, *, fail_on_error: bool) -> None:
    """Log and summarise one failure: an error when the step fails (`fail-on-error`),
    else a warning that says the step succeeded anyway. `main` picks the exit code."""
    message = failure.message
    if fail_on_error:
        runner.error(message, title=failure.title)
        runner.append_summary(f"### ❌ {markdown(failure.title)}\n\n{_paragraphs(message)}")
        return
    runner.warning(message, title=failure.title)
    runner.append_summary(
        f"### ⚠️ {markdown(failure.title)}\n\n{_paragraphs(message)}\n\n"
        "The step succeeded anyway because `fail-on-error` is false."
    )


def _paragraphs(text: str) -> str:
    return "\n\n".join(markdown(line) for line in text.splitlines() if line.strip())


def report_dry_run(
    runner: Runner,
    requests: list[ApiRequest],
    draft: IncidentDraft,
    *,
    base_url: str,
    user_agent: str,
) -> None:
    """Print each create that would be sent (a private title and summary hidden)."""
    titles = ["Dry run: the request that would be sent to Rootly"]
    titles.append("Dry run: and the run's parent incident, if no job has declared it yet")
    for title, request in zip(titles, requests, strict=False):
        _show_request(runner, title, request, base_url, user_agent, private=draft.private)
    runner.info("Dry run: every input is valid; nothing was sent to Rootly.")
    subject = "a private incident" if draft.private else f"“{markdown(draft.title)}”"
    runner.append_summary(
        f"### 🧪 Rootly incident dry run\n\nThe inputs are valid. The action would declare "
        f"{subject}; nothing was sent. The exact request is in the step's log."
    )


def _show_request(
    runner: Runner,
    title: str,
    request: ApiRequest,
    base_url: str,
    user_agent: str,
    *,
    private: bool,
) -> None:
    """One request a dry run would send, as a folded group: request line, headers (the
    token hidden), body (a private incident's title and texts hidden)."""
    from ..rootly import requests as api

    body = _private_safe(request.body or {}) if private else request.body
    with runner.group(title):
        runner.info(f"{request.method} {base_url}{request.path}")
        for name, value in {**api.headers("***", user_agent), **request.headers}.items():
            runner.info(f"{name}: {value}")
        runner.info("")
        runner.info(json.dumps(body, indent=2, ensure_ascii=False))


def _private_safe(body: dict[str, Any]) -> dict[str, Any]:
    """A request body with what a private incident must not show replaced by `***`."""
    if "data" not in body:
        return body
    attributes = dict(body["data"]["attributes"])
    hidden_attributes = (
        "title",
        "summary",
        "slack_channel_name",
        "event",
        "mitigation_message",
        "resolution_message",
        "cancellation_message",
    )
    for hidden in hidden_attributes:
        if hidden in attributes:
            attributes[hidden] = "*** (private)"
    return {**body, "data": {**body["data"], "attributes": attributes}}


def _public_link(incident: Incident, draft: IncidentDraft) -> str:
    """The link safe to show everyone: a private incident's web URL ends in a slug made
    from its title, so it gets the short link (or none) instead."""
    if draft.private:
        return incident.attributes.short_url or ""
    return incident.attributes.url or ""


def _linked_to(context: RunContext) -> str:
    parts = []
    if context.run_url:
        attempt = f", attempt {context.run_attempt}" if context.run_attempt else ""
        parts.append(link(f"run #{context.run_id}{attempt}", context.run_url))
    if context.commit_url:
        parts.append(f"[commit `{markdown(context.short_sha)}`]({safe_url(context.commit_url)})")
    if context.pull_request_url and context.pull_request:
        parts.append(link(f"PR #{context.pull_request.number}", context.pull_request_url))
    return ", ".join(parts)


# -- operations on incidents that exist ------------------------------------------------

_DONE = {
    "update": "updated",
    "add-event": "given a timeline event",
    "mitigate": "mitigated",
    "resolve": "resolved",
    "cancel": "cancelled",
}


def _is_private(incident: Incident, made_private: bool) -> bool:
    # Private as Rootly says, or as this step made it: either way nothing of its title shows.
    return bool(incident.attributes.private) or made_private


def _shown(incident: Incident, private: bool) -> str:
    """`#3 Checkout is down` (linked), or `#3` alone for a private incident. Markdown."""
    if private:
        url = safe_url(incident.attributes.short_url)
        return link(incident.label, url) + " (private)"
    title = incident.attributes.title or ""
    return link(f"{incident.label} {title}".strip(), incident.attributes.url)


def report_operated(
    runner: Runner, operated: Operated, *, operation: str, made_private: bool
) -> None:
    """Outputs, a log line per incident and the job summary after `operation`
    (`made_private`: the step asked for the incidents to be private)."""
    first = operated.incidents[0]
    outputs = _outputs(first, None, created=False, changed=operated.any_changed)
    for name, value in outputs.items():
        runner.set_output(name, value)
    done = _DONE[operation]
    rows = []
    for incident in operated.incidents:
        private = _is_private(incident, made_private)
        where = safe_url(incident.attributes.short_url if private else incident.attributes.url)
        status = one_line(incident.attributes.status or "unknown")
        why = operated.left_alone.get(incident.id)
        if why is not None:
            runner.info(f"Incident {one_line(incident.label)} left as it is: {one_line(why)}.")
            unchanged = f"unchanged: {markdown(why)}"
            rows.append((_shown(incident, private), markdown(status), unchanged))
        else:
            runner.info(
                f"Incident {one_line(incident.label)} {done} (status: {status})"
                + (f": {where}" if where else ".")
            )
            rows.append((_shown(incident, private), markdown(status), done))
    count = len(operated.incidents)
    heading = (
        f"### ✅ Rootly: {len(operated.changed)} of {count} incident(s) {done}"
        if operated.any_changed
        else f"### ☑️ Rootly: nothing to do, {count} incident(s) already as asked"
    )
    table = "\n".join(f"| {a} | {b} | {c} |" for a, b, c in rows)
    runner.append_summary(f"{heading}\n\n| Incident | Status | This step |\n|---|---|---|\n{table}")


def report_nothing_open(runner: Runner, sentence: str) -> None:
    """No open incident carries the key, and that is no error: `changed=false`, empty
    incident outputs, and `sentence` (which says what was searched) in log and summary."""
    for name, value in _outputs(None, None, created=False, changed=False).items():
        runner.set_output(name, value)
    runner.info(one_line(sentence))
    runner.append_summary(f"### ☑️ Rootly: nothing to do\n\n{markdown(sentence)}")


def report_operation_dry_run(
    runner: Runner,
    changes: list[Change],
    *,
    operation: str,
    made_private: bool,
    base_url: str,
    user_agent: str,
) -> None:
    """Print every write `operation` would send to `base_url`; nothing was sent."""
    count = 0
    for change in changes:
        private = _is_private(change.incident, made_private)
        if not change.writes:
            runner.info(
                f"Dry run: incident {one_line(change.incident.label)} would be left as it "
                f"is: {one_line(change.nothing_because)}."
            )
        for write in change.all_writes:
            count += 1
            _show_request(
                runner,
                f"Dry run: {write.what}",
                write.request,
                base_url,
                user_agent,
                private=private,
            )
    runner.info(f"Dry run: every input is valid; {count} write(s) were not sent to Rootly.")
    runner.append_summary(
        f"### 🧪 Rootly {markdown(operation)} dry run\n\nThe inputs are valid. The "
        f"action would send {count} write(s) to {len(changes)} incident(s); nothing was "
        "sent. The exact requests are in the step's log."
    )
