"""`operation: pulse`, whole: the deploy mark, its names resolved in one round, then
the one write, then the report.

    inputs + run ─► pulse draft ─► lookups (services, environments) ─► POST /v1/pulses
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from ..github.report import report_pulse, report_pulse_dry_run
from ..plan.draft import Plan, describe_references
from ..plan.names import Snapshot, lookups_needed
from ..plan.pulse import build_pulse
from ..rootly import requests as api
from .session import USER_AGENT, open_session, write_report
from .wording import Phase

if TYPE_CHECKING:
    from ..github.context import RunContext
    from ..github.runner import Runner
    from ..inputs import ActionInputs
    from .ledger import Ledger
    from .session import Seams

__all__ = ["pulse"]

# What a failure says exists, once the pulse was sent without a readable answer.
_MAYBE_SENT = (
    "The pulse may have reached Rootly: look for it among Rootly's pulses before "
    "sending it again (a second one would mark the deploy twice)."
)


def pulse(
    runner: Runner, inputs: ActionInputs, context: RunContext, ledger: Ledger, seams: Seams
) -> None:
    """Mark the deploy the inputs describe; report it. Failures are raised (and, unless
    `fail-on-error` is given as true, `main` makes them a warning)."""
    from ..rootly.errors import RootlyError

    ledger.idle = "No pulse was recorded in Rootly."
    draft = build_pulse(inputs, context)
    plan = Plan(draft.lookup_draft())
    dry_run = partial(report_pulse_dry_run, base_url=inputs.api_url, user_agent=USER_AGENT)
    if inputs.dry_run and not lookups_needed(plan, Snapshot()):
        request = api.create_pulse(draft.attributes(plan.incident))
        write_report(ledger, partial(dry_run, runner, request))
        return
    with open_session(inputs, seams, ledger, describe_references(plan.incident)) as session:
        plan = session.resolve_names(plan, [])
        for warning in plan.incident.warnings:
            runner.warning(warning, title="Deployment environment not found")
        attributes = draft.attributes(plan.incident)
        request = api.create_pulse(attributes)
        if inputs.dry_run:
            write_report(ledger, partial(dry_run, runner, request))
            return
        try:
            made = session.client.resource(request)
        except RootlyError as failure:
            if failure.maybe_applied:
                ledger.idle = _MAYBE_SENT
            raise session.words(failure, Phase.PULSE) from None
    write_report(
        ledger, partial(report_pulse, runner, made.id, attributes), "a pulse is sent again"
    )
