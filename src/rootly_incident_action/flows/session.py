"""One step's conversation with Rootly, built once and handed to a flow: the client
(bound by `deadline-seconds`), the store over it, the words failures are put in, and
the round of name lookups every flow starts with.

Flows (`create`, `operate`) get a `Session` and never come back to `main` for services.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from .. import __version__
from ..errors import ActionError, OutputsNotWritten
from ..plan.names import Snapshot, lookups_needed, resolve
from .ledger import Ledger

if TYPE_CHECKING:
    import httpx

    from ..inputs import ActionInputs
    from ..plan.draft import Plan
    from ..rootly.client import RootlyClient
    from ..rootly.errors import RootlyError
    from .store import RootlyStore
    from .wording import Phase, Words

__all__ = [
    "USER_AGENT",
    "Seams",
    "Session",
    "connect",
    "open_session",
    "resolve_names",
    "words_for",
    "write_report",
]

USER_AGENT = f"rootly-incident-action/{__version__}"

T = TypeVar("T")


@dataclass(frozen=True)
class Seams:
    """What tests replace: the HTTP transports (Rootly's, GitHub's), and time."""

    transport: httpx.BaseTransport | None = None
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    github_transport: httpx.BaseTransport | None = None


@dataclass(frozen=True)
class Session:
    """What a flow talks through: built once per step by `open_session`."""

    inputs: ActionInputs
    seams: Seams
    ledger: Ledger
    words: Words
    client: RootlyClient
    store: RootlyStore

    def resolve_names(self, plan: Plan, alongside: Sequence[Callable[[], Any]]) -> Plan:
        """`resolve_names` through this session's client, a failure put in words."""
        from ..rootly.errors import RootlyError
        from .wording import Phase

        try:
            return resolve_names(self.client, plan, alongside)
        except RootlyError as failure:
            raise self.words(failure, Phase.LOOKUP) from None


def resolve_names(
    client: RootlyClient, plan: Plan, alongside: Sequence[Callable[[], Any]] = ()
) -> Plan:
    """Look every name of the plan up, round after round until nothing more is needed
    (usually one), with `alongside` in the first round even when there is no name to look
    up; then resolve the plan (or raise the one error listing every miss)."""
    from ..catalog.fetch import fetch

    snapshot = Snapshot()
    while (needed := lookups_needed(plan, snapshot)) or alongside:
        for lookup, entries in fetch(client, needed, alongside).items():
            snapshot.add(lookup, entries)
        alongside = ()
    return resolve(plan, snapshot)


@contextmanager
def open_session(
    inputs: ActionInputs, seams: Seams, ledger: Ledger, references: str
) -> Iterator[Session]:
    """The session for one step; `references` (the IDs an incident refers to, by input)
    go into messages about a 404."""
    # Imported here, after the inputs are known to be good: httpx is the slowest import.
    from .store import RootlyStore

    words = words_for(inputs, ledger, references)
    with connect(inputs, seams, words) as client:
        store = RootlyStore(client, inputs.dedup_window_hours)
        yield Session(inputs, seams, ledger, words, client, store)


def words_for(inputs: ActionInputs, ledger: Ledger, references: str) -> Words:
    """How this step puts a Rootly failure in words (the one table in `wording.py`),
    bound to its settings and its ledger."""
    from .wording import explain

    def words(failure: RootlyError, phase: Phase) -> ActionError:
        return explain(
            failure,
            phase,
            base_url=inputs.api_url,
            timeout=inputs.timeout_seconds,
            deadline=inputs.deadline_seconds,
            ledger=ledger,
            references=references,
        )

    return words


def connect(inputs: ActionInputs, seams: Seams, words: Words) -> RootlyClient:
    """The Rootly client the inputs describe, its deadline starting now; a setup failure
    (an unusable CA bundle, unusable proxy settings) comes out in `words`."""
    from ..rootly.client import RootlyClient
    from ..rootly.errors import RootlyError
    from .wording import Phase

    try:
        return RootlyClient(
            inputs.api_url,
            inputs.api_token.reveal(),
            user_agent=USER_AGENT,
            timeout=inputs.timeout_seconds,
            deadline=seams.clock() + inputs.deadline_seconds,
            transport=seams.transport,
            sleep=seams.sleep,
            clock=seams.clock,
        )
    except RootlyError as failure:
        raise words(failure, Phase.LOOKUP) from None


def write_report(
    ledger: Ledger, write: Callable[[], T], rerun: str = "the incident is reused"
) -> T:
    """Run `write`, which reports to the runner; outputs that cannot be written are one
    error saying what exists (a job summary that cannot be, only a warning: runner.py)."""
    try:
        return write()
    except OSError as problem:
        done = ledger.account().replace("Before this failed, the action", "The action")
        raise OutputsNotWritten(
            f"The step's outputs could not be written ({problem}). "
            + done.replace("before this failed", "already")
            + f" Later steps will not see its outputs: re-run the job ({rerun})."
        ) from None
