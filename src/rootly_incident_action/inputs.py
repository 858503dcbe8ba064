"""The action's inputs: names, defaults, and parsing into one validated value."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal, TypeVar

from . import parsing
from .catalog.form_fields import FormValue, parse_form_fields
from .catalog.kinds import LIST_INPUTS, NOTIFY_TARGETS
from .errors import InvalidInput, InvalidInputs
from .operations import (
    TIMESTAMP_INPUTS,
    UPDATE_FIELD_INPUTS,
    Operation,
    given_inputs,
    operation_problems,
    parse_operation,
)

__all__ = [
    "DEFAULT_API_URL",
    "INPUT_DEFAULTS",
    "MAX_REFERENCES",
    "RUNNER_DEFAULTS",
    "SECRET_INPUTS",
    "TIMESTAMP_INPUTS",
    "ActionInputs",
    "DedupScope",
    "ParentMode",
    "Secret",
    "parse_inputs",
    "read_fail_on_error",
]

DEFAULT_API_URL = "https://api.rootly.com"
# More than this many names in one input is a mistake (a whole list pasted), and each
# name costs requests against the token's rate limit.
MAX_REFERENCES = 100

# Every input the action reads, with the default the runner (or the CLI) applies when it
# is not given. action.yml and docs/inputs-outputs.md must say the same: a test compares them.
INPUT_DEFAULTS: dict[str, str] = {
    "api-token": "",
    "api-url": DEFAULT_API_URL,
    "github-token": "",
    "operation": "create",
    "target": "incident",
    "incident-id": "",
    "alert-id": "",
    "message": "",
    "fail-if-missing": "false",
    "title": "",
    "summary": "",
    "severity": "",
    "incident-types": "",
    "services": "",
    "functionalities": "",
    "environments": "",
    "environment-from-deployment": "true",
    "teams": "",
    "causes": "",
    "urgency": "",
    "notify": "",
    "alert-fields": "",
    "form-fields": "",
    "private": "false",
    "notify-emails": "",
    "labels": "",
    "test-incident": "false",
    "parent-incident-id": "",
    "parent": "",
    "parent-key": "",
    "parent-title": "",
    "parent-summary": "",
    "parent-severity": "",
    "alert-ids": "",
    "slack-channel-name": "",
    "started-at": "",
    "detected-at": "",
    "acknowledged-at": "",
    "in-triage-at": "",
    "mitigated-at": "",
    "resolved-at": "",
    "ended-at": "",
    "refs": "",
    "deduplicate": "true",
    "dedup-key": "",
    "dedup-scope": "run",
    "dedup-window-hours": "168",
    "context-labels": "true",
    "context-summary": "true",
    "timeout-seconds": "30",
    "deadline-seconds": "120",
    "dry-run": "false",
    # Empty: true, except for `pulse`, whose failure should not turn a deploy red.
    "fail-on-error": "",
}

# Inputs whose values are never shown, in any message: masked before anything is said.
SECRET_INPUTS = ("api-token", "github-token")

# Defaults action.yml gives as an expression the runner fills in; the command line has
# no such value, so there the input is simply not given.
RUNNER_DEFAULTS: dict[str, str] = {"github-token": "${{ github.token }}"}

ParentMode = Literal["", "run"]
DedupScope = Literal["run", "workflow"]
Target = Literal["incident", "alert"]


class Secret:
    """A value that never shows itself in a repr, a log line or an error."""

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The value itself, for the one place that must send it."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True)
class ActionInputs:
    """Everything the user asked for, validated and typed."""

    api_token: Secret
    api_url: str = DEFAULT_API_URL
    # Reads the failed run's jobs from GitHub ('' turns that off).
    github_token: Secret = field(default_factory=lambda: Secret(""))
    operation: Operation = "create"
    # The incident an operation other than create acts on (else: every open one with
    # the dedup key), the text of its message or event, and whether none being open
    # is an error.
    incident_id: str | None = None
    # What `resolve` acts on: incidents (the default) or alerts, and the alert it names.
    target: Target = "incident"
    alert_id: str | None = None
    message: str | None = None
    fail_if_missing: bool = False
    # The fields `update` was given (inputs left at their default change nothing).
    update_fields: frozenset[str] = frozenset()
    title: str | None = None
    summary: str | None = None
    severity: str | None = None
    # For alerts: the urgency, and whom to page (target kind -> names, in order).
    urgency: str | None = None
    notify: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Custom alert fields: name, slug or ID -> the text value.
    alert_fields: dict[str, str] = field(default_factory=dict)
    # list input name -> the names, slugs or IDs written, in order
    references: dict[str, tuple[str, ...]] = field(default_factory=dict)
    environment_from_deployment: bool = True
    private: bool = False
    notify_emails: tuple[str, ...] = ()
    labels: dict[str, str] = field(default_factory=dict)
    test_incident: bool = False
    parent_incident: str | None = None
    parent_mode: ParentMode = ""
    parent_key: str | None = None
    parent_title: str | None = None
    parent_summary: str | None = None
    parent_severity: str | None = None
    deduplicate: bool = True
    dedup_key: str | None = None
    # A pulse's end (its start is `timestamps["started-at"]`) and its extra refs.
    ended_at: str = ""
    refs: dict[str, str] = field(default_factory=dict)
    # What the default dedup key spans: this run, or every run of the workflow on its ref.
    dedup_scope: DedupScope = "run"
    dedup_window_hours: float = 168.0
    alert_ids: tuple[str, ...] = ()
    slack_channel_name: str | None = None
    timestamps: dict[str, str] = field(default_factory=dict)
    form_fields: dict[str, FormValue] = field(default_factory=dict)
    context_labels: bool = True
    context_summary: bool = True
    timeout_seconds: float = 30.0
    deadline_seconds: float = 120.0
    dry_run: bool = False
    fail_on_error: bool = True

    def references_for(self, input_name: str) -> tuple[str, ...]:
        """The entries written for one list input (empty when not given)."""
        return self.references.get(input_name, ())


T = TypeVar("T")


class _Reader:
    """Reads raw inputs, applies defaults, and gathers every problem instead of stopping."""

    def __init__(self, raw: Mapping[str, str]) -> None:
        self._raw = raw
        self.problems: list[InvalidInput] = []

    def text(self, name: str) -> str:
        value = self._raw.get(name, "").strip()
        return value or INPUT_DEFAULTS[name]

    def parse(self, name: str, parser: Callable[[str], T], fallback: T, shown: str = "") -> T:
        value = self.text(name)
        try:
            return parser(value)
        except ValueError as problem:
            self.problems.append(InvalidInput(name, shown or value, str(problem)))
            return fallback

    def optional(self, name: str) -> str | None:
        return self.text(name) or None


def read_fail_on_error(raw: Mapping[str, str]) -> bool:
    """Read on its own first: it decides how every later failure, even of inputs, is
    reported. Not given: true, except for `operation: pulse` (a deploy that went out is
    not failed by a missed mark in Rootly)."""
    given = raw.get("fail-on-error", "").strip()
    if not given:
        return raw.get("operation", "").strip() != "pulse"
    try:
        return parsing.parse_bool(given)
    except ValueError:
        return True


def parse_inputs(raw: Mapping[str, str]) -> ActionInputs:
    """Validate every input; raise InvalidInputs listing all problems at once."""
    undecodable = [InvalidInput(*found) for found in _not_utf8(raw)]
    # Checked on as if empty, so every other problem is reported in the same round.
    raw = {name: "" if _has_undecodable(value) else value for name, value in raw.items()}
    reader = _Reader(raw)
    reader.problems.extend(undecodable)

    token = reader.text("api-token")
    if any(problem.name == "api-token" for problem in undecodable):
        pass  # already reported: one error for the token
    elif not token:
        reader.problems.append(
            InvalidInput(
                "api-token",
                "",
                "it is required: pass a Rootly API token, e.g. ${{ secrets.ROOTLY_API_TOKEN }}",
            )
        )
    else:
        # Never echo the token itself, even in an error about it.
        reader.parse("api-token", parsing.parse_token, "", shown="***")

    severity_text = reader.optional("severity")
    if severity_text is not None and len(parsing.split_list(severity_text)) > 1:
        reader.problems.append(
            InvalidInput("severity", severity_text, "an incident has one severity")
        )

    parent_text = reader.optional("parent-incident-id")
    parent_mode: ParentMode = reader.parse("parent", _parent_mode, "")
    if parent_text is not None:
        parent_text = reader.parse("parent-incident-id", parsing.parse_id_or_slug, None)
    if parent_mode and parent_text:
        reader.problems.append(
            InvalidInput(
                "parent-incident-id",
                parent_text,
                "choose one: 'parent: run' finds or creates the parent itself",
            )
        )
    operation_text = reader.text("operation")
    operation: Operation = "create"
    try:
        operation = parse_operation(operation_text)
    except ValueError as problem:
        # Which inputs belong is unknown: the operation's own error is the one to fix.
        reader.problems.append(InvalidInput("operation", operation_text, str(problem)))
    else:
        reader.problems.extend(operation_problems(operation, raw, INPUT_DEFAULTS))
    incident_text = reader.optional("incident-id")
    if incident_text is not None:
        incident_text = reader.parse("incident-id", parsing.parse_id_or_slug, None)
    timestamps = {
        name: stamp
        for name in TIMESTAMP_INPUTS
        if (stamp := reader.parse(name, _optional_timestamp, ""))
    }
    github_token = reader.text("github-token")
    if github_token and not any(problem.name == "github-token" for problem in undecodable):
        github_token = reader.parse("github-token", parsing.parse_token, "", shown="***")
    api_url_text = reader.text("api-url")
    inputs = ActionInputs(
        api_token=Secret(token),
        api_url=reader.parse(
            "api-url", parsing.parse_api_url, DEFAULT_API_URL, shown=parsing.shown_url(api_url_text)
        ),
        github_token=Secret(github_token),
        operation=operation,
        incident_id=incident_text,
        target=reader.parse("target", _target, "incident"),
        alert_id=reader.parse("alert-id", _optional_alert_id, None),
        message=reader.optional("message"),
        fail_if_missing=reader.parse("fail-if-missing", parsing.parse_bool, False),
        update_fields=frozenset(given_inputs(raw, INPUT_DEFAULTS) & set(UPDATE_FIELD_INPUTS)),
        title=reader.optional("title"),
        summary=reader.optional("summary"),
        severity=severity_text,
        urgency=reader.optional("urgency"),
        notify=reader.parse("notify", _notify, {}),
        alert_fields=reader.parse("alert-fields", _alert_fields, {}),
        references={name: reader.parse(name, _reference_list, ()) for name in LIST_INPUTS},
        environment_from_deployment=reader.parse(
            "environment-from-deployment", parsing.parse_bool, True
        ),
        private=reader.parse("private", parsing.parse_bool, False),
        notify_emails=reader.parse("notify-emails", _email_list, ()),
        labels=reader.parse("labels", parsing.parse_labels, {}),
        test_incident=reader.parse("test-incident", parsing.parse_bool, False),
        parent_incident=parent_text,
        parent_mode=parent_mode,
        parent_key=reader.optional("parent-key"),
        parent_title=reader.optional("parent-title"),
        parent_summary=reader.optional("parent-summary"),
        parent_severity=reader.optional("parent-severity"),
        deduplicate=reader.parse("deduplicate", parsing.parse_bool, True),
        dedup_key=reader.optional("dedup-key"),
        dedup_scope=reader.parse("dedup-scope", _dedup_scope, "run"),
        ended_at=reader.parse("ended-at", _optional_timestamp, ""),
        refs=reader.parse("refs", parsing.parse_labels, {}),
        dedup_window_hours=reader.parse("dedup-window-hours", _window_hours, 168.0),
        alert_ids=reader.parse("alert-ids", _id_list, ()),
        slack_channel_name=reader.optional("slack-channel-name"),
        timestamps=timestamps,
        form_fields=reader.parse("form-fields", _optional_form_fields, {}),
        context_labels=reader.parse("context-labels", parsing.parse_bool, True),
        context_summary=reader.parse("context-summary", parsing.parse_bool, True),
        timeout_seconds=reader.parse("timeout-seconds", _timeout_seconds, 30.0),
        deadline_seconds=reader.parse("deadline-seconds", _deadline_seconds, 120.0),
        dry_run=reader.parse("dry-run", parsing.parse_bool, False),
        fail_on_error=reader.parse("fail-on-error", _fail_on_error(operation), True),
    )
    if reader.problems:
        raise InvalidInputs(reader.problems)
    return inputs


def _target(text: str) -> Target:
    if text == "incident":
        return "incident"
    if text == "alert":
        return "alert"
    raise ValueError("expected 'incident' or 'alert'")


def _optional_alert_id(text: str) -> str | None:
    if not text:
        return None
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,100}", text):
        raise ValueError(
            "expected an alert ID, such as the alert-id output of the step that raised it"
        )
    return text


def _notify(text: str) -> dict[str, tuple[str, ...]]:
    """`escalation-policy: Payments On-Call`, `team: ...`, `service: ...`, `user: ...`:
    one per line or comma; a target kind may repeat."""
    found: dict[str, list[str]] = {}
    for entry in parsing.split_list(text):
        kind, separator, name = entry.partition(":")
        kind, name = kind.strip().lower(), name.strip()
        if not separator or kind not in NOTIFY_TARGETS or not name:
            raise ValueError(
                f"{entry!r} is not '<target>: <name>' with a target of "
                f"{', '.join(NOTIFY_TARGETS)} (e.g. 'escalation-policy: Payments On-Call')"
            )
        if name not in found.setdefault(kind, []):
            found[kind].append(name)
    return {kind: tuple(names) for kind, names in found.items()}


def _fail_on_error(operation: Operation) -> Callable[[str], bool]:
    def parse(text: str) -> bool:
        return parsing.parse_bool(text) if text else operation != "pulse"

    return parse


def _dedup_scope(text: str) -> DedupScope:
    if text == "run":
        return "run"
    if text == "workflow":
        return "workflow"
    raise ValueError(
        "expected 'run' (one incident per run) or 'workflow' (one open incident for every "
        "run of the workflow on its ref)"
    )


def _has_undecodable(text: str) -> bool:
    return any("\udc80" <= character <= "\udcff" for character in text)


def _not_utf8(raw: Mapping[str, str]) -> list[tuple[str, str, str]]:
    """(input, value as shown, what is wrong) for each input holding bytes that are not
    UTF-8: the runner passes them on as they are, and they cannot be sent to Rootly."""
    found = []
    for name, value in raw.items():
        if not _has_undecodable(value):
            continue
        index = next(i for i, c in enumerate(value) if "\udc80" <= c <= "\udcff")
        byte = ord(value[index]) - 0xDC00
        shown = "***" if name in SECRET_INPUTS else parsing.readable(value)
        found.append(
            (
                name,
                shown,
                f"it is not UTF-8 text (byte 0x{byte:02x} at character {index + 1}); "
                "write it in UTF-8 (a workflow file saved in another encoding does this)",
            )
        )
    return found


def _limited(entries: list[str]) -> list[str]:
    if len(entries) > MAX_REFERENCES:
        raise ValueError(f"{len(entries)} entries; at most {MAX_REFERENCES} are taken")
    return entries


def _reference_list(text: str) -> tuple[str, ...]:
    return tuple(_limited(parsing.split_list(text)))


def _id_list(text: str) -> tuple[str, ...]:
    return tuple(_limited(parsing.split_list(text)))


def _email_list(text: str) -> tuple[str, ...]:
    return tuple(parsing.parse_email(entry) for entry in _limited(parsing.split_list(text)))


def _parent_mode(text: str) -> ParentMode:
    if text == "run":
        return "run"
    if text == "":
        return ""
    raise ValueError("expected 'run' (one parent incident per workflow run) or nothing")


def _window_hours(text: str) -> float:
    return parsing.parse_number_within(text, 24 * 90, "hours", "168")


def _timeout_seconds(text: str) -> float:
    return parsing.parse_number_within(text, 600, "seconds", "30")


def _deadline_seconds(text: str) -> float:
    return parsing.parse_number_within(text, 3600, "seconds", "120")


def _alert_fields(text: str) -> dict[str, str]:
    """Like `form-fields`, a YAML or JSON mapping; an alert field takes one text value."""
    if not text:
        return {}
    fields = parse_form_fields(text)
    for name, value in fields.items():
        if not isinstance(value, str):
            raise ValueError(f"alert field {name!r} takes one text value, not a list")
    return {name: str(value) for name, value in fields.items()}


def _optional_form_fields(text: str) -> dict[str, FormValue]:
    return parse_form_fields(text) if text else {}


def _optional_timestamp(text: str) -> str:
    return parsing.parse_timestamp(text) if text else ""
