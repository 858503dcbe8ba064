"""Every error a user can act on. Each carries the one message the action prints, and a
title for the annotation; `main` turns any of them into the step's outcome.

    ActionError
    ├── InvalidInput, InvalidInputs     an input cannot be used (all reported at once)
    ├── UnresolvedReferences            names that match nothing, or more than one thing
    ├── RootlyFailure                   Rootly failed a request, in words (flows/wording.py)
    ├── ParentNotFound                  `parent-incident-id` names no incident
    ├── FormFieldsRefused               a required field Rootly takes under no name
    ├── FormFieldNotAdded               a value that could not be added (the incident exists)
    ├── IncidentMissing                 `incident-id` names no incident
    ├── AlertMissing                    `alert-id` names no alert
    ├── PagingRefused                   an alert that pages was refused (On-Call?)
    ├── NoOpenIncident                  `fail-if-missing`: nothing open carries the key
    ├── Refused                         Rootly refused a change, in its own words
    ├── ChangeFailed                    some writes failed: which were done, which may be
    ├── OutputsNotWritten               GITHUB_OUTPUT could not be written (what exists)
    ├── StepCancelled                   the runner stopped the step (SIGTERM)
    └── UnexpectedFailure               a bug, in one line

Failures of the Rootly client itself are data, not advice: `rootly/errors.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from .rootly import errors

__all__ = [
    "ActionError",
    "AlertMissing",
    "ChangeFailed",
    "FormFieldNotAdded",
    "FormFieldsRefused",
    "IncidentMissing",
    "InvalidInput",
    "InvalidInputs",
    "NoOpenIncident",
    "OutputsNotWritten",
    "PagingRefused",
    "ParentNotFound",
    "Refused",
    "RootlyFailure",
    "StepCancelled",
    "UnexpectedFailure",
    "UnresolvedReferences",
]


class ActionError(Exception):
    """A failure explained to the user; `title` heads the annotation, `message` says what to do."""

    title = "Rootly incident not declared"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(ActionError):
    """One input's value cannot be used."""

    title = "Invalid input"

    def __init__(self, name: str, value: str, expected: str) -> None:
        self.name = name
        self.value = value
        self.expected = expected
        super().__init__(f"input '{name}': {_quote(value)} is not valid; {expected}")


class InvalidInputs(ActionError):
    """Every problem found in the inputs, reported together so one fix-up round is enough."""

    title = "Invalid input"

    def __init__(self, problems: list[InvalidInput]) -> None:
        self.problems = problems
        if len(problems) == 1:
            text = problems[0].message
        else:
            text = f"{len(problems)} inputs are not valid:\n" + "\n".join(
                f"- {problem.message}" for problem in problems
            )
        super().__init__(text)


def _quote(value: str, limit: int = 120) -> str:
    shown = value if len(value) <= limit else value[: limit - 1] + "…"
    return repr(shown)


class ParentNotFound(ActionError):
    """`parent-incident-id` names no incident the token can see."""

    title = "Parent incident not found"


class FormFieldNotAdded(ActionError):
    """A form field value could not be put on the incident, which exists by then."""

    title = "Form field not added"


class FormFieldsRefused(ActionError):
    """Rootly requires a form field at creation but takes its value under no name."""

    title = "Required form field not accepted"


class IncidentMissing(ActionError):
    """`incident-id` names no incident the token can see."""

    title = "Incident not found"


class Refused(ActionError):
    """Rootly refused the change itself (a transition its lifecycle does not allow)."""

    title = "Rootly refused the change"


class ChangeFailed(ActionError):
    """Some writes failed; the message says which were done and which were not."""

    title = "Incident not fully changed"


class UnexpectedFailure(ActionError):
    """A bug: reported in one line, never as a traceback."""

    title = "Unexpected failure"


class UnresolvedReferences(ActionError):
    """Every reference that did not resolve, reported together before anything is created."""

    title = "Some names could not be resolved"

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = problems
        count = len(problems)
        head = (
            "1 reference could not be resolved"
            if count == 1
            else f"{count} references could not be resolved"
        )
        lines = "\n".join(f"- {problem.line()}" for problem in problems)
        super().__init__(
            f"{head}, so no incident was created:\n{lines}\n"
            "Names match exactly (then ignoring case and spacing); slugs and IDs always match. "
            "`python -m rootly_incident_action --list-catalog` shows what the token can see."
        )


class PagingRefused(ActionError):
    """Rootly refused an alert that pages someone: likely no Rootly On-Call."""

    title = "Rootly refused to page"


class AlertMissing(ActionError):
    """The alert `alert-id` names does not exist, or the token cannot see it."""

    title = "Alert not found"


class RootlyFailure(ActionError):
    """A failure talking to Rootly, in words; `title` heads the annotation."""

    def __init__(self, title: str, message: str, cause: errors.RootlyError) -> None:
        super().__init__(message)
        self.title = title
        self.cause = cause


class Problem(Protocol):
    """One reference that did not resolve, as it reads in the list."""

    def line(self) -> str:
        """`services: 'Pay' matches no service. Closest: 'Payments'`."""
        ...


class NoOpenIncident(ActionError):
    """`fail-if-missing`: no open incident carries the key."""

    title = "No open incident to change"


class StepCancelled(ActionError):
    """The runner asked the step to stop before it finished."""

    title = "Cancelled"


class OutputsNotWritten(ActionError):
    """The step's outputs could not be written; the message says what exists."""

    title = "Outputs not written"
