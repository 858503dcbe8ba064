"""What each operation is and which inputs it reads. Pure data and checks, no I/O.

`create` declares an incident (the action's first job). The others act on incidents
that exist, named by `incident-id` or found by `dedup-key`: `update` changes fields,
`add-event` writes to the timeline, and `mitigate`, `resolve` and `cancel` move the
incident along Rootly's lifecycle.

An input an operation does not read is an error rather than silently ignored: a
`severity` next to `operation: resolve` is a mistake the user wants to hear about.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, get_args

from .catalog.kinds import LIST_INPUTS
from .errors import InvalidInput

__all__ = [
    "FINAL_STATUSES",
    "OPERATIONS",
    "TARGET_INPUTS",
    "TIMESTAMP_INPUTS",
    "TRANSITIONS",
    "UPDATE_FIELD_INPUTS",
    "Operation",
    "Transition",
    "given_inputs",
    "operation_problems",
    "parse_operation",
]

Operation = Literal[
    "create", "update", "add-event", "mitigate", "resolve", "cancel", "pulse", "alert"
]
OPERATIONS: tuple[Operation, ...] = get_args(Operation)


@dataclass(frozen=True)
class Transition:
    """A lifecycle call: where it leads, and how Rootly names its message."""

    action: str  # the path segment: PUT /v1/incidents/{id}/{action}
    status: str  # the incident's status after it
    message_attribute: str
    # Statuses in which there is nothing left to do: the incident is there, or past it
    # (a resolved incident was mitigated on its way).
    reached: frozenset[str]
    verb: str  # "Resolved", for the default message and the log


TRANSITIONS: dict[str, Transition] = {
    "mitigate": Transition(
        "mitigate",
        "mitigated",
        "mitigation_message",
        frozenset({"mitigated", "resolved", "closed"}),
        "Mitigated",
    ),
    "resolve": Transition(
        "resolve", "resolved", "resolution_message", frozenset({"resolved", "closed"}), "Resolved"
    ),
    "cancel": Transition(
        "cancel", "cancelled", "cancellation_message", frozenset({"cancelled"}), "Cancelled"
    ),
}

# Where an incident's lifecycle ends: leaving one of these may be refused.
FINAL_STATUSES = frozenset({"resolved", "closed", "cancelled", "completed"})

# The lifecycle timestamps a create or an update may set by hand (to backfill).
TIMESTAMP_INPUTS = (
    "started-at",
    "detected-at",
    "acknowledged-at",
    "in-triage-at",
    "mitigated-at",
    "resolved-at",
)

# How an operation other than `create` names the incidents it acts on.
TARGET_INPUTS = ("incident-id", "dedup-key", "parent-key")
# Read by every operation.
_COMMON = frozenset(
    {
        "api-token",
        "api-url",
        # Filled in by the runner for every step (its default is the job's token), so
        # every operation accepts it; only `create` uses it, to name the failed jobs.
        "github-token",
        "operation",
        "timeout-seconds",
        "deadline-seconds",
        "dry-run",
        "fail-on-error",
    }
)
# What finds existing incidents, and what to do when none is open.
_TARGETING = frozenset(
    {*TARGET_INPUTS, "dedup-scope", "dedup-window-hours", "fail-if-missing", "message"}
)
# The fields `update` can change: exactly those Rootly's `update_incident` takes that
# the action has inputs for. `notify-emails`, `test-incident` and the parent inputs are
# create-only in Rootly's API. `form-fields` are not attributes of the update: each value
# is a PUT of the incident's value for that field, or a POST where it has none.
UPDATE_FIELD_INPUTS: tuple[str, ...] = (
    "title",
    "summary",
    "severity",
    *LIST_INPUTS,
    "form-fields",
    "labels",
    "private",
    "alert-ids",
    "slack-channel-name",
    *TIMESTAMP_INPUTS,
)
_ONLY_FOR_OTHERS = frozenset({"incident-id", "message", "fail-if-missing"})
# What `pulse` reads besides the common inputs: it marks a deploy, names no incident.
_PULSE = frozenset(
    {
        "title",
        "services",
        "environments",
        "environment-from-deployment",
        "labels",
        "context-labels",
        "started-at",
        "ended-at",
        "refs",
    }
)
_ONLY_FOR_PULSE = frozenset({"ended-at", "refs"})
# What `alert` reads besides the common inputs: it pages, and names no incident.
_ALERT = frozenset(
    {
        "title",
        "summary",
        "services",
        "teams",
        "environments",
        "functionalities",
        "urgency",
        "notify",
        "alert-fields",
        "labels",
        "context-labels",
        "context-summary",
        "started-at",
        "deduplicate",
        "dedup-key",
        "dedup-scope",
        "dedup-window-hours",
    }
)
_ONLY_FOR_ALERTS = frozenset({"urgency", "notify", "alert-fields", "target", "alert-id"})


def reads(operation: Operation, every_input: frozenset[str]) -> frozenset[str]:
    """The inputs `operation` reads, out of all of the action's inputs."""
    if operation == "create":
        return every_input - _ONLY_FOR_OTHERS - _ONLY_FOR_PULSE - _ONLY_FOR_ALERTS
    if operation == "pulse":
        return _COMMON | _PULSE
    if operation == "alert":
        return _COMMON | _ALERT
    if operation == "resolve":
        return _COMMON | _TARGETING | {"target", "alert-id"}
    if operation == "update":
        return _COMMON | _TARGETING | set(UPDATE_FIELD_INPUTS) | {"context-summary"}
    return _COMMON | _TARGETING


def _alert_target_problems(given: set[str], raw: Mapping[str, str]) -> list[InvalidInput]:
    """`resolve` with `target: alert` names alerts: by `alert-id`, or by the key they were
    raised with (`dedup-key`, or `dedup-scope: workflow`)."""
    problems = [
        InvalidInput(name, raw[name].strip(), "with 'target: alert' give 'alert-id' or 'dedup-key'")
        for name in ("incident-id", "parent-key")
        if name in given
    ]
    named: list[str] = [name for name in ("alert-id", "dedup-key") if name in given]
    if raw.get("dedup-scope", "").strip() == "workflow":
        named.append("dedup-scope")
    if not named:
        problems.append(
            InvalidInput(
                "alert-id or dedup-key",
                "",
                "'target: alert' needs the alerts: give 'alert-id' (such as the alert-id output "
                "of the step that raised it), 'dedup-key' (every open alert raised with it), or "
                "set 'dedup-scope: workflow'",
            )
        )
    elif len(named) > 1:
        problems.append(
            InvalidInput(
                named[-1], raw.get(named[-1], "").strip(), "give one way to name the alerts"
            )
        )
    return problems


def parse_operation(text: str) -> Operation:
    """One of `OPERATIONS`, written exactly."""
    for operation in OPERATIONS:
        if text == operation:
            return operation
    raise ValueError(f"expected one of {', '.join(OPERATIONS)}")


def given_inputs(raw: Mapping[str, str], defaults: Mapping[str, str]) -> set[str]:
    """The inputs written with a value other than their default (case of true/false aside)."""
    return {
        name
        for name, default in defaults.items()
        if (value := raw.get(name, "").strip()) and value.casefold() != default.casefold()
    }


def operation_problems(
    operation: Operation, raw: Mapping[str, str], defaults: Mapping[str, str]
) -> list[InvalidInput]:
    """What is wrong with the inputs for this operation: inputs it does not read, a
    missing target, an `update` with nothing to change, an event with no text."""
    given = given_inputs(raw, defaults)
    every_input = frozenset(defaults)

    def readers(name: str) -> str:
        return ", ".join(other for other in OPERATIONS if name in reads(other, every_input))

    problems = [
        InvalidInput(
            name,
            raw[name].strip(),
            f"operation '{operation}' does not read it (it is read by: {readers(name)})",
        )
        for name in defaults
        if name in given and name not in reads(operation, every_input)
    ]
    if operation in ("create", "pulse", "alert"):
        return problems
    if raw.get("target", "").strip() == "alert":
        return problems + _alert_target_problems(given, raw)
    targets = [name for name in TARGET_INPUTS if name in given]
    workflow_scope = raw.get("dedup-scope", "").strip() == "workflow"
    if not targets and not workflow_scope:
        problems.append(
            InvalidInput(
                "incident-id or dedup-key",
                "",
                f"operation '{operation}' needs its incident: give 'incident-id' (an ID or "
                "slug, such as the incident-id output of the step that declared it), "
                "'dedup-key' (every open incident declared with that key) or 'parent-key' "
                "(every open parent incident declared with that key in 'parent: run' mode), "
                "or set 'dedup-scope: workflow' (the open incident of this workflow on this "
                "ref)",
            )
        )
    elif len(targets) > 1:
        problems.append(
            InvalidInput(
                targets[-1],
                raw[targets[-1]].strip(),
                f"give one of 'incident-id', 'dedup-key' and 'parent-key', not {len(targets)}",
            )
        )
    if operation == "update" and not given & set(UPDATE_FIELD_INPUTS):
        problems.append(
            InvalidInput(
                "operation",
                operation,
                "'update' changes only the fields given, and none was given: set one or "
                f"more of {', '.join(UPDATE_FIELD_INPUTS)}",
            )
        )
    if operation == "add-event" and "message" not in given:
        problems.append(
            InvalidInput("message", "", "operation 'add-event' needs the event's text in 'message'")
        )
    return problems
