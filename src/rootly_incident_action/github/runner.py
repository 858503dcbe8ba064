"""The only module that speaks to whoever runs us: GitHub's runner, or a person's terminal.

Everything else gets a `Runner` and never touches stdout, `GITHUB_OUTPUT` or
`GITHUB_STEP_SUMMARY` itself, so the protocol lives in one place.

actions-toolkit supplies the wire formats (command escaping, the multi-line
delimiter form for outputs). We deliberately import only its `command` and
`file_command` modules: `actions_toolkit.core` imports `requests` at import time,
which adds about 85 ms to every start-up, and its annotation helpers write empty
`file=,line=` properties when given a title. Both faults are guarded by tests.
It is imported by `ActionsRunner` alone, when it first writes: it is the `action`
extra, so the command line installed from PyPI works without it (and without the
PyGithub/requests/cryptography tail it declares).
"""

from __future__ import annotations

import html
import importlib.util
import json
import os
import re
import sys
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol, TextIO
from urllib.parse import quote, quote_plus

from .escape import markdown

__all__ = [
    "ActionsRunner",
    "ConsoleRunner",
    "Log",
    "Runner",
    "actions_protocol_installed",
    "running_in_actions",
    "secret_forms",
]


class Log(Protocol):
    """The part of the host that the flows log through while they work."""

    def info(self, message: str) -> None:
        """A plain log line."""
        ...

    def debug(self, message: str) -> None:
        """A line shown only when the workflow's debug logging is on."""
        ...

    def warning(self, message: str, title: str | None = None) -> None:
        """A warning annotation."""
        ...


class Runner(Log, Protocol):
    """What the action needs from its host."""

    def read_input(self, name: str) -> str:
        """Return the input's raw value, trimmed; empty when it was not given."""
        ...

    def mask(self, secret: str) -> None:
        """Keep `secret` out of everything written from now on."""
        ...

    def error(self, message: str, title: str | None = None) -> None:
        """An error annotation."""
        ...

    def set_output(self, name: str, value: str) -> None:
        """One step output."""
        ...

    def append_summary(self, markdown: str) -> None:
        """A block of the job summary."""
        ...

    @contextmanager
    def group(self, title: str) -> Iterator[None]:
        """A folded group of log lines."""
        ...


def secret_forms(secret: str) -> set[str]:
    """Every form a secret can take in what the action writes: as it is, escaped for
    Markdown (the job summary), for JSON, for HTML, and percent-encoded. A gateway that
    echoes the token in an error must not get it past redaction in any of them."""
    if not secret:
        return set()
    return {
        secret,
        markdown(secret),
        json.dumps(secret)[1:-1],
        html.escape(secret),
        quote(secret, safe=""),
        quote_plus(secret),
    } - {""}


class _Redactor:
    """Replaces every registered secret, in each of its forms, before text leaves."""

    def __init__(self) -> None:
        self._forms: dict[str, str] = {}  # form -> what stands in its place

    def add(self, secret: str) -> None:
        escaped = markdown(secret)
        for form in secret_forms(secret):
            # In Markdown, the stand-in is escaped too, so it shows as written.
            hidden = markdown("***") if form == escaped and form != secret else "***"
            self._forms.setdefault(form, hidden)
        # Longest first: a form that contains another is replaced whole.
        self._forms = dict(sorted(self._forms.items(), key=lambda item: -len(item[0])))

    def __call__(self, text: str) -> str:
        for form, hidden in self._forms.items():
            text = text.replace(form, hidden)
        return text


class ActionsRunner:
    """GitHub Actions: inputs from `INPUT_*`, workflow commands on stdout, file commands."""

    def __init__(self, environ: Mapping[str, str], stdout: TextIO = sys.stdout) -> None:
        self._environ = environ
        self._stdout = stdout
        self._redact = _Redactor()
        self._summary = _Summary(environ.get("GITHUB_STEP_SUMMARY"), self)

    def read_input(self, name: str) -> str:
        # The runner upper-cases the name and keeps hyphens: `api-token` -> INPUT_API-TOKEN.
        return self._environ.get(f"INPUT_{name.replace(' ', '_').upper()}", "").strip()

    def mask(self, secret: str) -> None:
        self._redact.add(secret)
        # The runner consumes this line and registers the mask; it never reaches the log.
        self._command("add-mask", secret, redact=False)

    def info(self, message: str) -> None:
        self._write(_inert(self._redact(message)) + "\n")

    def debug(self, message: str) -> None:
        self._command("debug", message)

    def warning(self, message: str, title: str | None = None) -> None:
        self._command("warning", message, title=title)

    def error(self, message: str, title: str | None = None) -> None:
        self._command("error", message, title=title)

    def set_output(self, name: str, value: str) -> None:
        path = self._environ.get("GITHUB_OUTPUT")
        if not path:
            # Outside a job (or on a runner too old for file commands) the log is all we
            # have; line breaks are written as \n so a value stays on its line.
            self.info(f"output {name}={_escaped_line(value)}")
            return
        # The delimiter form keeps values with newlines (or '=') intact.
        from actions_toolkit.file_command import prepare_key_value_message

        _append(path, prepare_key_value_message(name, self._redact(value)) + "\n")

    def append_summary(self, markdown: str) -> None:
        self._summary.append(self._redact(markdown))

    @contextmanager
    def group(self, title: str) -> Iterator[None]:
        self._command("group", title)
        try:
            yield
        finally:
            self._command("endgroup", "")

    def _command(
        self, name: str, message: str, title: str | None = None, *, redact: bool = True
    ) -> None:
        # Only non-empty properties are passed: an empty `file=` confuses the annotation UI.
        properties = {"title": self._redact(title)} if title else {}
        text = self._redact(message) if redact else message
        from actions_toolkit.command import Command

        self._write(str(Command(name, properties, text)) + "\n")

    def _write(self, text: str) -> None:
        self._stdout.write(text)
        self._stdout.flush()


class ConsoleRunner:
    """A person's terminal: inputs from the command line, plain messages, outputs printed."""

    def __init__(
        self,
        inputs: Mapping[str, str],
        stdout: TextIO = sys.stdout,
        stderr: TextIO = sys.stderr,
        summary_path: str | None = None,
        option_names: Iterable[str] = (),
    ) -> None:
        self._inputs = inputs
        self._stdout = stdout
        self._stderr = stderr
        self._redact = _Redactor()
        self._summary = _Summary(summary_path, self)
        # Messages name inputs as a workflow writes them (`input 'dedup-key'`); a person
        # at a terminal typed `--dedup-key`.
        names = "|".join(re.escape(name) for name in sorted(option_names, key=len, reverse=True))
        self._input_named = re.compile(rf"(?:\binput )?'({names})'") if names else None

    def _terminal(self, message: str) -> str:
        """The message with every input named as the option a person types."""
        text = self._redact(message)
        return self._input_named.sub(r"--\1", text) if self._input_named else text

    def read_input(self, name: str) -> str:
        return self._inputs.get(name, "").strip()

    def mask(self, secret: str) -> None:
        self._redact.add(secret)

    def info(self, message: str) -> None:
        self._stdout.write(self._terminal(message) + "\n")

    def debug(self, message: str) -> None:
        return  # a terminal shows what matters; debug lines are for workflow logs

    def warning(self, message: str, title: str | None = None) -> None:
        prefix = f"warning: {title}: " if title else "warning: "
        self._stderr.write(prefix + self._terminal(message) + "\n")

    def error(self, message: str, title: str | None = None) -> None:
        prefix = f"error: {title}: " if title else "error: "
        self._stderr.write(prefix + self._terminal(message) + "\n")

    def set_output(self, name: str, value: str) -> None:
        self._stdout.write(f"{name}={self._redact(value)}\n")

    def append_summary(self, markdown: str) -> None:
        self._summary.append(self._redact(markdown))

    @contextmanager
    def group(self, title: str) -> Iterator[None]:
        self._stdout.write(f"== {title}\n")
        yield


class _Summary:
    """The job summary file: Markdown blocks separated by blank lines; no path, no
    summary. It repeats what the log says, so losing it must not fail the step: the
    first write that fails is one warning, and nothing after it is tried again."""

    def __init__(self, path: str | None, warn: Log) -> None:
        self._path = path
        self._warn = warn
        self._lost = False

    def append(self, markdown: str) -> None:
        if not self._path or self._lost:
            return
        try:
            _append(self._path, markdown.rstrip("\n") + "\n\n")
        except OSError as problem:
            self._lost = True
            self._warn.warning(
                f"The job summary could not be written ({problem}); the log above says "
                "everything it would.",
                title="Job summary not written",
            )


def _escaped_line(value: str) -> str:
    return "".join(
        character if character.isprintable() else character.encode("unicode_escape").decode()
        for character in value
    )


def _inert(text: str) -> str:
    """Text that can never act as a workflow command: a line starting with `::` (after
    any spaces) gets a zero-width space between its colons. The runner ends a line at
    `\n`, `\r\n` and a bare `\r` alike, so every one of them starts a line here too.
    Values from outside are already on one line (escape.py); this guards every line the
    action writes."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(
        line.replace("::", ":\u200b:", 1) if line.lstrip().startswith("::") else line
        for line in lines
    )


def _append(path: str, text: str) -> None:
    with Path(path).open("a", encoding="utf-8", newline="") as handle:
        handle.write(text)


def actions_protocol_installed() -> bool:
    """Whether `ActionsRunner` can write (the `action` extra is installed); the command
    line installed alone speaks to a terminal even inside a job."""
    return importlib.util.find_spec("actions_toolkit") is not None


def running_in_actions(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether this process runs inside a GitHub Actions job."""
    return environ.get("GITHUB_ACTIONS") == "true"
