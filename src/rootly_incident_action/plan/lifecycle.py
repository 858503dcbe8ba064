"""What an operation on an existing incident sends, decided from the incident as read. Pure.

For each incident the operation acts on, `plan_change` gives the writes to send (the
change), the internal timeline event that links the run (sent only once Rootly accepted
the change, so the timeline never claims a change Rootly refused), or why there is
nothing to do. Nothing here sends them (`operate.py` does), so a dry run prints exactly
what would be sent.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from ..catalog.kinds import KINDS_BY_INPUT
from ..github.context import RunContext
from ..github.escape import github_url, markdown
from ..inputs import ActionInputs
from ..operations import TRANSITIONS, Operation, Transition
from ..rootly import requests as api
from .draft import IncidentDraft, build_incident

if TYPE_CHECKING:
    from ..rootly.models import Incident
    from ..rootly.requests import FormFieldSelection

__all__ = [
    "Change",
    "Write",
    "default_message",
    "event_text",
    "message_and_event",
    "plan_change",
    "run_reference",
    "update_attributes",
    "update_draft",
]


@dataclass(frozen=True)
class Write:
    """One request of a change, and how a message names it ("the update of incident #3")."""

    request: api.ApiRequest
    what: str
    # Whether Rootly's answer is the incident after the change (the transition or update).
    answers_incident: bool = False
    # The lifecycle move this write asks for, if it is one (its refusal is worded apart).
    move: Transition | None = None


@dataclass(frozen=True)
class Change:
    """What to do to one incident: its writes, or why nothing (already resolved)."""

    incident: Incident
    writes: tuple[Write, ...] = ()
    nothing_because: str = ""
    # Sent only once every write succeeded: the timeline event of a change must not
    # claim what Rootly refused or failed to do.
    then: tuple[Write, ...] = ()
    # Form field values an update sets; each becomes a PUT of the value the incident has
    # for that field, or a POST, once the incident's values are read (`with_values`).
    selections: tuple[FormFieldSelection, ...] = ()
    # form field ID -> the name the user wrote, for messages about one value
    field_names: dict[str, str] = field(default_factory=dict)

    def with_values(self, existing: dict[str, str]) -> Change:
        """The change with a write per form field value, given the incident's values
        (form field ID -> the ID of its value)."""
        label = self.incident.label
        writes = []
        for selection in self.selections:
            value_id = existing.get(selection["form_field_id"])
            if value_id:
                request = api.update_form_field_selection(value_id, selection)
            else:
                request = api.add_form_field_selection(self.incident.id, selection)
            name = self.field_names.get(selection["form_field_id"], selection["form_field_id"])
            writes.append(Write(request, f"the value of form field {name!r} on incident {label}"))
        return replace(self, writes=(*self.writes, *writes), selections=())

    @property
    def all_writes(self) -> tuple[Write, ...]:
        """Every write, in the order they are sent."""
        return self.writes + self.then


def run_reference(context: RunContext) -> str:
    """`workflow 'Deploy', job 'deploy', run #77 (attempt 1)`, or '' outside a workflow."""
    if not context.in_workflow:
        return ""
    parts = [f"workflow '{markdown(context.workflow)}'" if context.workflow else "a workflow"]
    if context.job:
        parts.append(f"job '{markdown(context.job)}'")
    attempt = f" (attempt {markdown(context.run_attempt)})" if context.run_attempt else ""
    parts.append(f"run #{markdown(context.run_number or context.run_id)}{attempt}")
    return ", ".join(parts)


def default_message(operation: Operation, context: RunContext) -> str:
    """`Resolved by [workflow Deploy run #123 (attempt 1)](link) on main`."""
    verb = TRANSITIONS[operation].verb if operation in TRANSITIONS else "Updated"
    if not context.in_workflow:
        return f"{verb} by rootly-incident-action."
    attempt = f" (attempt {markdown(context.run_attempt)})" if context.run_attempt else ""
    number = markdown(context.run_number or context.run_id)
    run = f"workflow {markdown(context.workflow or context.repository)} run #{number}"
    url = github_url(context.run_url, context.server_url)
    shown = f"[{run}{attempt}]({url})" if url else f"{run}{attempt}"
    where = f" on {markdown(context.ref_name)}" if context.ref_name else ""
    return f"{verb} by {shown}{where}"


def event_text(operation: Operation, context: RunContext, message: str, fields: str = "") -> str:
    """The internal timeline event an operation adds: what was done, and the run, job and
    commit that did it (links included)."""
    lines = []
    if operation in TRANSITIONS:
        lines.append(f"{TRANSITIONS[operation].verb} from GitHub Actions: {message}")
    elif operation == "update":
        said = f": {message}" if message else ""
        lines.append(f"Updated from GitHub Actions ({fields}){said}")
    else:
        lines.append(message)
    run = run_reference(context)
    url = github_url(context.run_url, context.server_url)
    if run:
        lines.append(f"By {run}: {url}" if url else f"By {run}")
    commit = github_url(context.commit_url, context.server_url)
    if commit:
        lines.append(f"Commit {markdown(context.short_sha)}: {commit}")
    return "\n".join(lines)


def message_and_event(
    operation: Operation, context: RunContext, given: str | None, fields: frozenset[str]
) -> tuple[str, str]:
    """The message a transition sends (the one given, or the default naming the run) and
    the text of the operation's timeline event."""
    if operation in TRANSITIONS:
        message = given or default_message(operation, context)
        return message, event_text(operation, context, message)
    return given or "", event_text(operation, context, given or "", ", ".join(sorted(fields)))


def update_draft(inputs: ActionInputs, context: RunContext) -> IncidentDraft:
    """The fields `update` was given, as a draft whose names resolve as a create's do.

    Nothing is derived from the run but the summary's context block: no default title,
    no context labels, no dedup label, no deployment environment.
    """
    return build_incident(inputs, context, from_run=False)


# Input name -> `update_incident` attribute, for the inputs copied as they resolved.
_COPIED = {
    "title": "title",
    "summary": "summary",
    "private": "private",
    "alert-ids": "alert_ids",
    "slack-channel-name": "slack_channel_name",
    "started-at": "started_at",
    "detected-at": "detected_at",
    "acknowledged-at": "acknowledged_at",
    "in-triage-at": "in_triage_at",
    "mitigated-at": "mitigated_at",
    "resolved-at": "resolved_at",
}


def update_attributes(
    fields: frozenset[str], draft: IncidentDraft, labels: dict[str, str], current: dict[str, str]
) -> dict[str, Any]:
    """The `update_incident` attributes for the given `fields` of a resolved draft.

    Labels are merged into the incident's `current` ones (Rootly replaces the whole
    object); lists replace the incident's lists.
    """
    full = draft.attributes()
    attributes: dict[str, Any] = {}
    for name in sorted(fields):
        kind = KINDS_BY_INPUT.get(name)
        attribute = kind.create_attribute if kind else _COPIED.get(name)
        if attribute is not None and attribute in full:
            attributes[attribute] = full[attribute]
    if "labels" in fields:
        attributes["labels"] = {**current, **labels}
    return attributes


def plan_change(
    operation: Operation,
    incident: Incident,
    *,
    message: str,
    event: str,
    attributes: dict[str, Any] | None = None,
    selections: tuple[FormFieldSelection, ...] = (),
    field_names: dict[str, str] | None = None,
) -> Change:
    """The writes `operation` sends to `incident`, or why it sends none."""
    label = incident.label
    note = Write(api.add_event(incident.id, event), f"the timeline event on incident {label}")
    if operation == "add-event":
        return Change(incident, (note,))
    if operation == "update":
        update = Write(
            api.update_incident(incident.id, attributes or {}),
            f"the update of incident {label}",
            answers_incident=True,
        )
        # Only form fields given: the incident's own fields are left alone.
        writes = (update,) if attributes else ()
        return Change(
            incident,
            writes,
            then=(note,),
            selections=selections,
            field_names=field_names or {},
        )
    transition = TRANSITIONS[operation]
    status = incident.attributes.status or ""
    if status in transition.reached:
        return Change(incident, nothing_because=f"it is already {status}")
    call = Write(
        api.transition(incident.id, transition.action, transition.message_attribute, message),
        f"the {transition.action} call on incident {label}",
        answers_incident=True,
        move=transition,
    )
    return Change(incident, (call,), then=(note,))
