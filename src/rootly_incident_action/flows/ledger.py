"""What this run has done in Rootly so far, so that every failure message tells the truth.

Every create is recorded: made (and which incident), or sent with its answer lost (and
the labels that find it). A failure at any later point says what exists, what may
exist, and how to find it. Private incidents are named by ID and short link only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..plan.dedup import CREATOR_LABEL

if TYPE_CHECKING:
    from ..rootly.models import Incident

__all__ = ["Ledger", "SentCreate", "describe_incident"]


@dataclass(frozen=True)
class SentCreate:
    """A create whose answer was lost: Rootly may or may not have made the incident."""

    creator: str
    dedup_label: str
    dedup_key: str | None


@dataclass
class Ledger:
    """The incidents this run made or may have made, in order."""

    made: list[tuple[Incident, bool]] = field(default_factory=list)  # (incident, private)
    unanswered: list[SentCreate] = field(default_factory=list)
    # Writes to existing incidents Rootly confirmed ("the resolve call on incident #3"),
    # and those sent whose answer has not come (yet): they may have been applied.
    changes: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)
    # What to say when nothing was done: operations other than create change, not create.
    idle: str = "Nothing was created in Rootly."

    def record_made(self, incident: Incident, *, private: bool) -> None:
        if all(known.id != incident.id for known, _ in self.made):
            self.made.append((incident, private))

    def record_unanswered(self, sent: SentCreate) -> None:
        """A create is on its way (or its answer was lost): until it is settled, Rootly
        may or may not have made it. Recorded before sending, so a cancelled step knows."""
        if sent not in self.unanswered:
            self.unanswered.append(sent)

    def settle_unanswered(self, creator: str) -> None:
        """The lost create turned out to have landed (and is recorded as made)."""
        self.unanswered = [sent for sent in self.unanswered if sent.creator != creator]

    def record_sending(self, what: str) -> None:
        """A write to an existing incident is on its way: until answered, it may apply."""
        self.pending.append(what)

    def record_change(self, what: str) -> None:
        """A write to an existing incident that Rootly confirmed."""
        self.settle_sending(what)
        self.changes.append(what)

    def settle_sending(self, what: str) -> None:
        """The write was answered (done or refused): no longer in doubt."""
        if what in self.pending:
            self.pending.remove(what)

    def account(self) -> str:
        """Sentences for the end of a failure message; empty when nothing was sent."""
        lines = []
        if self.made:
            listed = ", ".join(describe_incident(i, private=p) for i, p in self.made)
            lines.append(f"Before this failed, the action created {listed} in Rootly.")
        for sent in self.unanswered:
            where = (
                f"label {sent.dedup_label}={sent.dedup_key}"
                if sent.dedup_key
                else f"label {CREATOR_LABEL}={sent.creator}"
            )
            lines.append(
                "A create was sent but its answer was lost, so Rootly may have made that "
                f"incident: look for the {where} in Rootly before declaring it by hand."
                + (" A re-run with the same dedup key reuses it." if sent.dedup_key else "")
            )
        if self.changes:
            lines.append(f"Done in Rootly before this failed: {'; '.join(self.changes)}.")
        if self.pending:
            lines.append(
                f"Sent without an answer, so Rootly may have applied them: "
                f"{'; '.join(self.pending)}. Look at it in Rootly before re-running: a "
                "re-run skips a mitigate, resolve or cancel already done, but sends an "
                "update or an event again."
            )
        if not lines:
            return self.idle
        return "\n".join(lines)


def describe_incident(incident: Incident, *, private: bool) -> str:
    """`incident #12 (its link)`: the web URL carries a slug made from the title, so a
    private incident gets its short link, or its ID, instead."""
    link = incident.attributes.short_url if private else incident.attributes.url
    return f"incident {incident.label} ({link or incident.id})"
