"""The create's side trip to GitHub: which jobs of the failed run failed, read in
parallel with Rootly's first round and waited for only briefly.

It never stands in the way of the incident: when the jobs cannot be read in time, the
incident is declared without them and one warning says why and how to fix it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..github.api import JobsFound, JobsLookup, JobsOutcome, fetch_failed_jobs, jobs_path
from .session import USER_AGENT

if TYPE_CHECKING:
    from ..github.context import RunContext
    from ..github.jobs import FailedJob
    from ..github.runner import Log, Runner
    from ..inputs import ActionInputs
    from .session import Seams

__all__ = ["GRACE_SECONDS", "await_failed_jobs", "report_jobs_dry_run", "start_failed_jobs"]

# How long the create may wait for GitHub once Rootly's first round has answered.
GRACE_SECONDS = 5.0
_TITLE = "Failed jobs not named"


def _wanted(inputs: ActionInputs, context: RunContext) -> bool:
    return bool(inputs.github_token.reveal()) and context.in_workflow


def start_failed_jobs(inputs: ActionInputs, context: RunContext, seams: Seams) -> JobsLookup | None:
    """Send the jobs lookup now (it runs beside Rootly's first round); None when there
    is no token ('github-token' empty) or no workflow run to read."""
    if not _wanted(inputs, context):
        return None
    path = jobs_path(context.repository, context.run_id, context.run_attempt)
    token = inputs.github_token.reveal()
    timeout = min(inputs.timeout_seconds, inputs.deadline_seconds)

    def fetch() -> JobsOutcome:
        return fetch_failed_jobs(
            context.api_url,
            token,
            path,
            timeout=timeout,
            user_agent=USER_AGENT,
            transport=seams.github_transport,
        )

    return JobsLookup(fetch)


def await_failed_jobs(
    log: Log, lookup: JobsLookup | None, budget: float | None
) -> tuple[FailedJob, ...] | None:
    """The failed jobs, waiting at most `GRACE_SECONDS` (or `budget`, the time left before
    the deadline, if shorter); None, with one warning, when GitHub did not tell them."""
    if lookup is None:
        return None
    wait = GRACE_SECONDS if budget is None else max(0.0, min(GRACE_SECONDS, budget - 1.0))
    outcome = lookup.wait(wait)
    if outcome is None:
        log.warning(
            f"The failed jobs are not named in the incident: GitHub had not answered "
            f"{wait:g} s after Rootly's first round, and the incident does not wait longer. "
            "It was declared without them.",
            title=_TITLE,
        )
        return None
    if isinstance(outcome, JobsFound):
        log.debug(f"GitHub listed {len(outcome.jobs)} failed job(s) in {outcome.requests} page(s).")
        return outcome.jobs
    log.warning(
        f"The failed jobs are not named in the incident: {outcome.reason}. It was declared "
        "without them.",
        title=_TITLE,
    )
    return None


def report_jobs_dry_run(runner: Runner, inputs: ActionInputs, context: RunContext) -> None:
    """Say where the failed jobs would be read from; a dry run sends nothing, GitHub
    included."""
    if not _wanted(inputs, context):
        return
    path = jobs_path(context.repository, context.run_id, context.run_attempt)
    runner.info(
        f"Dry run: the failed jobs would be read from GET {context.api_url}{path}"
        "?per_page=100 (GitHub), beside Rootly's first round."
    )
