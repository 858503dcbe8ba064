"""`operation: pulse`: the deploy mark Rootly correlates incidents with. Pure.

What was deployed (the commit, the ref or the release's tag), where (the environments,
from the deployment on `deployment_status`), and by which run, as Rootly's `new_pulse`
takes it: a summary, services and environments (named as for incidents), `refs` and
`labels` as `{key, value}` lists, the run as `external_url`, `source: github-actions`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..github.context import RunContext
from ..github.escape import github_url
from ..inputs import ActionInputs
from .draft import IncidentDraft, context_labels, names_only, with_deployment_environment

__all__ = ["PULSE_SOURCE", "PulseDraft", "build_pulse", "default_pulse_summary"]

PULSE_SOURCE = "github-actions"
# The inputs whose names a pulse resolves, as for incidents.
PULSE_REFERENCES = ("services", "environments")


@dataclass(frozen=True)
class PulseDraft:
    """The pulse as it will be sent; services and environments are names until resolved."""

    summary: str
    references: dict[str, tuple[str, ...]]
    labels: dict[str, str] = field(default_factory=dict)
    refs: dict[str, str] = field(default_factory=dict)
    external_url: str = ""
    started_at: str = ""
    ended_at: str = ""
    # An environment taken from the deployment, not typed: a miss there is a warning.
    soft_inputs: frozenset[str] = frozenset()

    def lookup_draft(self) -> IncidentDraft:
        """The names to resolve, in the shape name resolution takes (no incident is made)."""
        return names_only(self.summary, self.references, self.soft_inputs)

    def attributes(self, resolved: IncidentDraft) -> dict[str, Any]:
        """The `new_pulse` attributes, with the IDs `resolved` (the lookup draft, after
        resolution) carries."""
        attributes: dict[str, Any] = {"summary": self.summary, "source": PULSE_SOURCE}
        for name, attribute in (("services", "service_ids"), ("environments", "environment_ids")):
            ids = resolved.references.get(name, ())
            if ids:
                attributes[attribute] = list(ids)
        if self.refs:
            attributes["refs"] = [{"key": k, "value": v} for k, v in self.refs.items()]
        if self.labels:
            attributes["labels"] = [{"key": k, "value": v} for k, v in self.labels.items()]
        if self.external_url:
            attributes["external_url"] = self.external_url
        if self.started_at:
            attributes["started_at"] = self.started_at
        if self.ended_at:
            attributes["ended_at"] = self.ended_at
        return attributes


def default_pulse_summary(context: RunContext, environments: tuple[str, ...]) -> str:
    """`Deployed v1.4.2 (3f2a9c1) of acme/shop to production by Deploy run #77`, with
    whatever parts the run has."""
    what = context.release.tag if context.release else context.ref_name
    commit = context.short_sha
    shown = f"{what} ({commit})" if what and commit else what or commit or "a change"
    summary = f"Deployed {shown}"
    if context.repository:
        summary += f" of {context.repository}"
    if environments:
        summary += f" to {', '.join(environments)}"
    number = context.run_number or context.run_id
    if context.workflow or number:
        run = f"{context.workflow} run #{number}" if number else context.workflow
        summary += f" by {run.strip()}"
    return summary


def _refs(context: RunContext, given: dict[str, str]) -> dict[str, str]:
    """The commit, the ref (or the release's tag) and the run, then the refs given
    (which win on a shared key)."""
    derived = {
        "sha": context.sha,
        "ref": context.ref,
        "tag": context.release.tag if context.release else "",
        "run": context.run_url,
    }
    return {**{k: v for k, v in derived.items() if v}, **given}


def build_pulse(inputs: ActionInputs, context: RunContext) -> PulseDraft:
    """The pulse the inputs ask for, with the run's context added."""
    references = {name: inputs.references_for(name) for name in PULSE_REFERENCES}
    soft = with_deployment_environment(references, inputs, context)
    labels = context_labels(context) if inputs.context_labels else {}
    labels.update(inputs.labels)
    return PulseDraft(
        summary=inputs.title or default_pulse_summary(context, references["environments"]),
        references={name: refs for name, refs in references.items() if refs},
        labels=labels,
        refs=_refs(context, inputs.refs),
        external_url=github_url(context.run_url, context.server_url),
        started_at=inputs.timestamps.get("started-at", ""),
        ended_at=inputs.ended_at,
        soft_inputs=soft,
    )
