"""What one run of the action will do, built from the inputs and the run. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from .context import RunContext
from .errors import InvalidInput, InvalidInputs
from .incident import IncidentDraft, build_incident, build_parent_incident
from .inputs import ActionInputs

__all__ = ["Plan", "build_plan"]


@dataclass(frozen=True)
class Plan:
    """The incident to declare and, in pipeline mode, the run's parent incident."""

    incident: IncidentDraft
    parent: IncidentDraft | None = None

    def drafts(self) -> tuple[IncidentDraft, ...]:
        """Every incident the plan may create: the incident, then the parent."""
        return (self.incident,) if self.parent is None else (self.incident, self.parent)

    def with_drafts(self, drafts: Sequence[IncidentDraft]) -> Plan:
        """The same plan with its drafts replaced, in the order `drafts()` gives them."""
        return replace(self, incident=drafts[0], parent=drafts[1] if len(drafts) > 1 else None)


def build_plan(inputs: ActionInputs, context: RunContext) -> Plan:
    """The plan the inputs ask for; raises InvalidInputs when pipeline mode cannot work."""
    incident = build_incident(inputs, context)
    if inputs.parent_mode != "run":
        return Plan(incident)
    if not (context.in_workflow or inputs.parent_key):
        raise InvalidInputs(
            [
                InvalidInput(
                    "parent",
                    "run",
                    "it needs a workflow run (GITHUB_REPOSITORY and GITHUB_RUN_ID) or a "
                    "'parent-key' saying which incidents belong together",
                )
            ]
        )
    return Plan(incident, build_parent_incident(inputs, context))
