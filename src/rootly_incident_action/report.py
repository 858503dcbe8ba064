"""What the user sees afterwards: step outputs, the job summary, and log lines."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from .context import RunContext
from .errors import ActionError
from .incident import IncidentDraft
from .runner import Runner

if TYPE_CHECKING:
    # Only for annotations: the response models are not needed for a dry run or an
    # input error, so they are not imported on the way there.
    from .declare import Declared
    from .rootly.models import Incident

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
)


def incident_outputs(declared: Declared) -> dict[str, str]:
    incident, parent = declared.incident, declared.parent
    attributes = incident.attributes
    values: dict[str, Any] = {
        "incident-id": incident.id,
        "incident-url": attributes.url,
        "incident-sequential-id": attributes.sequential_id,
        "incident-slug": attributes.slug,
        "incident-status": attributes.status,
        "incident-short-url": attributes.short_url,
        "slack-channel-name": attributes.slack_channel_name,
        "slack-channel-url": attributes.slack_channel_url,
        "parent-incident-id": parent.id if parent else attributes.parent_incident_id,
        "parent-incident-url": parent.attributes.url if parent else None,
        "created": "true" if declared.created else "false",
    }
    return {name: "" if values[name] is None else str(values[name]) for name in OUTPUT_NAMES}


def report_created(
    runner: Runner, declared: Declared, draft: IncidentDraft, context: RunContext
) -> None:
    for name, value in incident_outputs(declared).items():
        runner.set_output(name, value)
    incident = declared.incident
    url = _public_link(incident, draft)
    label = incident.label
    verb = "Declared" if declared.created else "Reused the open"
    runner.info(f"{verb} Rootly incident {label}: {url}" if url else f"{verb} {label}")
    runner.append_summary(success_summary(declared, draft, context))


def success_summary(declared: Declared, draft: IncidentDraft, context: RunContext) -> str:
    incident = declared.incident
    if draft.private:
        # Job summaries are readable by everyone who can read the repository.
        url = _public_link(incident, draft)
        link = f"[Open it in Rootly]({url})" if url else "Its link is in the `incident-url` output."
        return (
            f"### 🔒 A private Rootly incident was {'declared' if declared.created else 'reused'}"
            "\n\n"
            f"{link}\n\n"
            "Its title and details stay in Rootly because this incident is private."
        )
    url = incident.attributes.url or ""
    title = incident.attributes.title or draft.title
    heading = f"### 🚨 Rootly incident [{incident.label} {_escape(title)}]({url})"
    rows = []
    if not declared.created:
        rows.append(("Declared", "earlier, for this same failure: reused, not recreated"))
    rows.append(("Status", incident.attributes.status or ""))
    severity = incident.severity_name or (draft.severity.text if draft.severity else "")
    rows.append(("Severity", severity))
    rows.append(("Linked to", _linked_to(context)))
    parent = declared.parent
    if parent is not None:
        parent_title = _escape(parent.attributes.title or parent.id)
        shown = f"[{parent.label} {parent_title}]({parent.attributes.url or ''})"
        rows.append(("Parent incident", shown))
    elif incident.attributes.parent_incident_id:
        rows.append(("Parent incident", f"`{incident.attributes.parent_incident_id}`"))
    if incident.attributes.slack_channel_url:
        name = incident.attributes.slack_channel_name or "channel"
        rows.append(("Slack", f"[#{_escape(name)}]({incident.attributes.slack_channel_url})"))
    table = "\n".join(f"| {key} | {value} |" for key, value in rows if value)
    return f"{heading}\n\n| | |\n|---|---|\n{table}" if table else heading


def report_failure(runner: Runner, failure: ActionError, *, fail_on_error: bool) -> int:
    """Log and summarise one failure; the exit code follows `fail-on-error`."""
    if fail_on_error:
        runner.error(failure.message, title=failure.title)
        runner.append_summary(f"### ❌ {failure.title}\n\n{failure.message}")
        return 1
    runner.warning(failure.message, title=failure.title)
    runner.append_summary(
        f"### ⚠️ {failure.title}\n\n{failure.message}\n\n"
        "The step succeeded anyway because `fail-on-error` is false."
    )
    return 0


def report_dry_run(runner: Runner, requests: list[dict[str, Any]], draft: IncidentDraft) -> None:
    titles = ["Dry run: the request that would be sent to Rootly"]
    titles.append("Dry run: and the run's parent incident, if no job has declared it yet")
    for title, request in zip(titles, requests, strict=False):
        with runner.group(title):
            runner.info(f"{request['method']} {request['url']}")
            for name, value in request["headers"].items():
                runner.info(f"{name}: {value}")
            runner.info("")
            runner.info(json.dumps(request["body"], indent=2, ensure_ascii=False))
    runner.info("Dry run: every input is valid; nothing was sent to Rootly.")
    subject = "a private incident" if draft.private else f"“{_escape(draft.title)}”"
    runner.append_summary(
        f"### 🧪 Rootly incident dry run\n\nThe inputs are valid. The action would declare "
        f"{subject}; nothing was sent. The exact request is in the step's log."
    )


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
        parts.append(f"[run #{context.run_id}{attempt}]({context.run_url})")
    if context.commit_url:
        parts.append(f"[commit `{context.short_sha}`]({context.commit_url})")
    if context.pull_request_url and context.pull_request:
        parts.append(f"[PR #{context.pull_request.number}]({context.pull_request_url})")
    return ", ".join(parts)


def _escape(text: str) -> str:
    """Keep user text from breaking a Markdown link or table."""
    return text.replace("|", "\\|").replace("[", "\\[").replace("]", "\\]").replace("\n", " ")
