"""What each option of the command line means: action.yml's input descriptions, kept
here so the installed package (which has no action.yml) can show them in `--help`.
tests/repo/test_docs_contract.py checks that they match action.yml word for word.
"""

from __future__ import annotations

__all__ = ["INPUT_HELP"]

INPUT_HELP: dict[str, str] = {
    "api-token": (
        "Rootly API token. Pass it from a secret; it is masked before anything is logged."
    ),
    "api-url": ("Rootly API base URL. Must be https unless the host is loopback."),
    "github-token": (
        "Token that reads the failed run's jobs, to name the failed jobs and steps in the "
        "incident. Needs `actions: read`. Empty: no lookup."
    ),
    "operation": (
        "What to do. create declares an incident; update, add-event, mitigate, resolve "
        "and cancel act on existing ones, named by incident-id or dedup-key; alert raises "
        "an alert that pages; pulse marks a deploy."
    ),
    "target": (
        "What resolve acts on: incident (the default) or alert (the open alerts raised "
        "with the key, or the one alert-id names)."
    ),
    "incident-id": (
        "ID, slug or number (42, #42, INC-42) of the incident an operation other than "
        "create acts on. Without it, dedup-key or parent-key names the open incidents "
        "declared with that key."
    ),
    "alert-id": (
        "With target: alert, the alert to resolve (such as the alert-id output of the "
        "step that raised it)."
    ),
    "message": (
        "The mitigation, resolution or cancellation message, or the text of add-event. "
        "Default names the run, linked."
    ),
    "fail-if-missing": (
        "Fail when no open incident carries dedup-key (or parent-key). When false, the "
        "step succeeds and sets changed to false."
    ),
    "title": ("Incident title. Default names the workflow, repository and ref."),
    "summary": ("Incident summary. A block linking the run, commit and pull request is appended."),
    "severity": ("Severity, by name, slug or ID."),
    "incident-types": ("Incident types by name, slug or ID, separated by commas or newlines."),
    "services": ("Services by name, slug or ID, separated by commas or newlines."),
    "functionalities": ("Functionalities by name, slug or ID, separated by commas or newlines."),
    "environments": ("Environments by name, slug or ID, separated by commas or newlines."),
    "environment-from-deployment": (
        "On deployment_status, use the deployment's environment when environments is not "
        "given (a miss is a warning)."
    ),
    "teams": ("Teams by name, slug or ID, separated by commas or newlines."),
    "causes": ("Causes by name, slug or ID, separated by commas or newlines."),
    "urgency": ("For an alert, its urgency by name or ID (Rootly's alert urgencies)."),
    "notify": (
        "For an alert, whom to page, one per line: 'escalation-policy: Payments On-Call', "
        "'team: ...', 'service: ...' or 'user: email'. Needs Rootly On-Call."
    ),
    "alert-fields": (
        "For an alert, custom alert fields: a YAML or JSON mapping of field (name or ID) "
        "to text value."
    ),
    "form-fields": (
        "Custom form fields, as a YAML or JSON mapping from field (name, slug or ID) to value."
    ),
    "private": ("Make the incident private. Rootly cannot make it public again."),
    "notify-emails": ("Email addresses handed to Rootly workflows for notification."),
    "labels": ("Labels as key=value entries, separated by commas or newlines."),
    "test-incident": ("Declare a test incident (kind test) instead of a real one."),
    "parent-incident-id": (
        "ID, slug or number (42, #42, INC-42) of an incident to declare this one under, "
        "as a sub-incident."
    ),
    "parent": (
        'Set to "run" to declare the incident under one parent incident per workflow run, '
        "found or created."
    ),
    "parent-key": (
        'What makes jobs share a parent in "parent run" mode. Default is the repository '
        "and run ID. For other operations, the open parents declared with this key (and, "
        "for mitigate, resolve and cancel, their open sub-incidents)."
    ),
    "parent-title": (
        "Title of the parent incident when this job creates it. Default names the workflow run."
    ),
    "parent-summary": ("Summary of the parent incident when this job creates it."),
    "parent-severity": (
        "Severity of the parent incident when this job creates it, by name, slug or ID."
    ),
    "alert-ids": ("Rootly alert IDs to attach to the incident."),
    "slack-channel-name": ("Name for the incident's Slack channel, when Rootly creates one."),
    "started-at": ("ISO 8601 time the incident started. Only for backfilling."),
    "detected-at": ("ISO 8601 time the incident was detected. Only for backfilling."),
    "acknowledged-at": ("ISO 8601 time the incident was acknowledged. Only for backfilling."),
    "in-triage-at": ("ISO 8601 time the incident went into triage. Only for backfilling."),
    "mitigated-at": ("ISO 8601 time the incident was mitigated. Only for backfilling."),
    "resolved-at": ("ISO 8601 time the incident was resolved. Only for backfilling."),
    "ended-at": ("For a pulse, ISO 8601 time the deploy ended (started-at is when it began)."),
    "refs": ("For a pulse, key=value refs added to the commit, ref (or tag) and run it carries."),
    "deduplicate": ("Reuse an open incident with the same dedup key instead of declaring another."),
    "dedup-key": (
        "The key that makes two failures the same incident. Default is the repository, "
        "workflow, run ID, job and title. For other operations, every open incident "
        "declared with this key."
    ),
    "dedup-scope": (
        "What the default dedup key spans: `run` (this run's failure) or `workflow` (one "
        "open incident for every run of this workflow on this ref; other operations then "
        "find it without a key)."
    ),
    "dedup-window-hours": (
        "How far back (hours since creation) to look for an open incident with the same "
        "key, when declaring and when acting by key."
    ),
    "context-labels": ("Add labels naming the repository, workflow, run, attempt, commit and ref."),
    "context-summary": ("Append links to the run, commit and pull request to the summary."),
    "timeout-seconds": ("How long to wait for each answer from Rootly."),
    "deadline-seconds": (
        "How long the whole step may take, retries and rate-limit waits included."
    ),
    "dry-run": ("Check every input and print the request, but send nothing to Rootly."),
    "fail-on-error": (
        "Fail the step when Rootly fails it. When false, a warning only. Empty: true, "
        "except for a pulse (a missed deploy mark should not turn a deploy red)."
    ),
}
