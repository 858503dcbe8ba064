"""Wires the steps together and turns every failure into one message and an exit code."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .context import RunContext, read_run_context
from .errors import ActionError, InvalidInput, InvalidInputs
from .incident import IncidentDraft, build_incident, build_parent_incident
from .inputs import INPUT_DEFAULTS, TIMESTAMP_INPUTS, ActionInputs, parse_inputs, read_fail_on_error
from .report import report_created, report_dry_run, report_failure
from .resolve import needs_lookup, resolve_all
from .rootly import MEDIA_TYPE
from .runner import Runner


class UnexpectedFailure(ActionError):
    title = "Unexpected failure"


def run(runner: Runner, environ: Mapping[str, str]) -> int:
    """Declare one incident as the inputs say; return the process exit code."""
    raw = {name: runner.read_input(name) for name in INPUT_DEFAULTS}
    # Mask first: nothing below may print before the runner knows the token is secret.
    if raw["api-token"]:
        runner.mask(raw["api-token"])
    fail_on_error = read_fail_on_error(raw)
    try:
        inputs = parse_inputs(raw)
        _warn_about_lifecycle_timestamps(runner, inputs)
        context = read_run_context(environ)
        drafts = _drafts(inputs, context)
        if inputs.dry_run and not any(needs_lookup(draft) for draft in drafts):
            # Nothing to look up: a dry run that makes no request at all.
            _report_dry_run(runner, inputs, drafts)
            return 0
        if inputs.deduplicate and not drafts[0].dedup_key:
            runner.info(
                "Not deduplicating: outside a workflow run there is no run to tie the "
                "incident to. Give 'dedup-key' to deduplicate anyway."
            )
        return _resolve_and_create(runner, inputs, drafts, context)
    except ActionError as failure:
        return report_failure(runner, failure, fail_on_error=fail_on_error)
    except Exception as bug:  # noqa: BLE001 - the last guard: a traceback helps nobody in CI
        unexpected = UnexpectedFailure(
            f"The action failed unexpectedly ({type(bug).__name__}: {bug}). Nothing is known "
            "to have been created. Please report this with the step's log."
        )
        return report_failure(runner, unexpected, fail_on_error=fail_on_error)


def _drafts(inputs: ActionInputs, context: RunContext) -> list[IncidentDraft]:
    """The incident to declare, then (in pipeline mode) the run's parent incident."""
    draft = build_incident(inputs, context)
    if inputs.parent_mode != "run":
        return [draft]
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
    return [draft, build_parent_incident(inputs, context)]


def _resolve_and_create(
    runner: Runner, inputs: ActionInputs, drafts: list[IncidentDraft], context: RunContext
) -> int:
    # Imported here, after the inputs are known to be good: httpx is the slowest import.
    from .catalog import CatalogReader
    from .declare import Declarer
    from .rootly.client import RootlyClient

    with RootlyClient(
        inputs.api_url, inputs.api_token.get_secret_value(), timeout=inputs.timeout_seconds
    ) as client:
        if any(needs_lookup(draft) for draft in drafts):
            drafts = resolve_all(drafts, CatalogReader(client))
        draft, parent_draft = drafts[0], (drafts[1] if len(drafts) > 1 else None)
        if inputs.dry_run:
            _report_dry_run(runner, inputs, drafts)
            return 0
        declared = Declarer(client, runner, context, inputs.dedup_window_hours).declare(
            draft, parent_draft
        )
    report_created(runner, declared, draft, context)
    return 0


def _warn_about_lifecycle_timestamps(runner: Runner, inputs: ActionInputs) -> None:
    given = [name for name in TIMESTAMP_INPUTS if name in inputs.timestamps]
    if given:
        runner.warning(
            f"{', '.join(given)} set by hand. Rootly records lifecycle times itself as the "
            "incident moves; set them only to backfill an incident that happened earlier.",
            title="Lifecycle timestamps given",
        )


def _report_dry_run(runner: Runner, inputs: ActionInputs, drafts: list[IncidentDraft]) -> None:
    report_dry_run(runner, [_request_preview(inputs, draft) for draft in drafts], drafts[0])


def _request_preview(inputs: ActionInputs, draft: IncidentDraft) -> dict[str, Any]:
    return {
        "method": "POST",
        "url": f"{inputs.api_url}/v1/incidents",
        "headers": {
            "Authorization": "Bearer ***",
            "Content-Type": MEDIA_TYPE,
            "Accept": MEDIA_TYPE,
        },
        "body": draft.request_body(),
    }
