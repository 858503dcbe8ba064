"""`operation: alert`: a Rootly alert that pages on-call. Pure.

The alert is what the incident would be, in Rootly's `new_alert` shape: the title as its
summary, the user's summary plus the run's context block (and the failed jobs, once
GitHub names them) as its description, services, teams, environments and
functionalities named as for incidents, an urgency, whom to page (`notify`, as
`notification_targets`), labels as `{key, value}`, the run as `external_url` and
`external_id`, and the action's dedup key as Rootly's `deduplication_key`, so a re-run
never pages twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from ..catalog.kinds import ALERT_FIELD_REFERENCE, NOTIFY_TARGETS
from ..github.context import RunContext
from ..github.escape import github_url
from ..github.jobs import FailedJob, failed_jobs_block, naming_jobs
from ..inputs import ActionInputs
from .dedup import DEDUP_LABEL, default_key
from .draft import IncidentDraft, context_block, context_labels, default_title, names_only

__all__ = ["ALERT_REFERENCES", "AlertDraft", "build_alert"]

# Alert attribute -> the reference (input) whose IDs fill it.
ALERT_REFERENCES = {
    "service_ids": "services",
    "group_ids": "teams",
    "environment_ids": "environments",
    "functionality_ids": "functionalities",
}


@dataclass(frozen=True)
class AlertDraft:
    """The alert as it will be sent; names until resolution makes them IDs."""

    summary: str
    description: str
    references: dict[str, tuple[str, ...]]
    labels: dict[str, str] = field(default_factory=dict)
    external_url: str = ""
    external_id: str = ""
    dedup_key: str | None = None
    started_at: str = ""
    # Custom alert fields: the name, slug or ID written -> the value.
    alert_fields: dict[str, str] = field(default_factory=dict)
    title_given: bool = True
    failed_jobs: tuple[FailedJob, ...] | None = None

    @property
    def pages(self) -> bool:
        """Whether it asks Rootly to page someone (`notify`)."""
        return any(name.startswith("notify (") for name in self.references)

    def lookup_draft(self) -> IncidentDraft:
        """The names to resolve, in the shape name resolution takes (no incident is made)."""
        return names_only(self.summary, self.references)

    def naming_failed_jobs(
        self, jobs: tuple[FailedJob, ...], *, in_description: bool
    ) -> AlertDraft:
        """This alert naming what failed, as an incident's draft does."""
        summary = self.summary if self.title_given else naming_jobs(self.summary, jobs)
        description = self.description
        if jobs and in_description:
            block = failed_jobs_block(jobs)
            description = f"{description}\n\n{block}" if description else block
        return replace(self, summary=summary, description=description, failed_jobs=jobs)

    def attributes(self, resolved: IncidentDraft) -> dict[str, Any]:
        """The `new_alert` attributes, with the IDs `resolved` (the lookup draft, after
        resolution) carries."""
        ids = resolved.references
        attributes: dict[str, Any] = {"summary": self.summary}
        if self.description:
            attributes["description"] = self.description
        for attribute, name in ALERT_REFERENCES.items():
            if ids.get(name):
                attributes[attribute] = list(ids[name])
        if ids.get("urgency"):
            attributes["alert_urgency_id"] = ids["urgency"][0]
        targets = [
            {"type": kind_type, "id": entry_id}
            for target, (_, kind_type) in NOTIFY_TARGETS.items()
            for entry_id in ids.get(f"notify ({target})", ())
        ]
        if targets:
            attributes["notification_targets"] = targets
        values = [
            {"alert_field_id": ids[ALERT_FIELD_REFERENCE.format(name)][0], "value": value}
            for name, value in self.alert_fields.items()
            if ids.get(ALERT_FIELD_REFERENCE.format(name))
        ]
        if values:
            attributes["alert_field_values_attributes"] = values
        if self.labels:
            attributes["labels"] = [{"key": k, "value": v} for k, v in self.labels.items()]
        for attribute in ("external_url", "external_id", "started_at"):
            if getattr(self, attribute):
                attributes[attribute] = getattr(self, attribute)
        if self.dedup_key:
            attributes["deduplication_key"] = self.dedup_key
        return attributes


def build_alert(inputs: ActionInputs, context: RunContext) -> AlertDraft:
    """The alert the inputs ask for, with the run's context added."""
    title = inputs.title or default_title(context)
    description = inputs.summary or ""
    if inputs.context_summary and context.in_workflow:
        block = context_block(context)
        description = f"{description}\n\n{block}" if description else block
    references = {name: inputs.references_for(name) for name in ALERT_REFERENCES.values()}
    if inputs.urgency:
        references["urgency"] = (inputs.urgency,)
    for target, names in inputs.notify.items():
        references[f"notify ({target})"] = names
    for name in inputs.alert_fields:
        references[ALERT_FIELD_REFERENCE.format(name)] = (name,)
    labels = context_labels(context) if inputs.context_labels else {}
    labels.update(inputs.labels)
    dedup_key = None
    if inputs.deduplicate:
        dedup_key = inputs.dedup_key or (
            default_key(context, title, inputs.dedup_scope) if context.in_workflow else None
        )
    if dedup_key:
        labels[DEDUP_LABEL] = dedup_key
    run = github_url(context.run_url, context.server_url)
    return AlertDraft(
        summary=title,
        description=description,
        references={name: refs for name, refs in references.items() if refs},
        labels=labels,
        external_url=run,
        external_id=f"{context.repository}/actions/runs/{context.run_id}"
        if context.in_workflow
        else "",
        dedup_key=dedup_key,
        started_at=inputs.timestamps.get("started-at", ""),
        alert_fields=dict(inputs.alert_fields),
        title_given=bool(inputs.title),
    )
