"""What GitHub tells a step about the run it belongs to, read from GITHUB_* and the event file."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .. import parsing
from .escape import github_url

__all__ = [
    "DEFAULT_API_URL",
    "DEFAULT_SERVER_URL",
    "Deployment",
    "PullRequest",
    "Release",
    "RunContext",
    "Watcher",
    "read_run_context",
]

DEFAULT_SERVER_URL = "https://github.com"
DEFAULT_API_URL = "https://api.github.com"


@dataclass(frozen=True)
class PullRequest:
    """The pull request a run belongs to."""

    number: int
    title: str = ""


@dataclass(frozen=True)
class Watcher:
    """The run that reacted to another run's failure (`on: workflow_run`) and declares it."""

    run_id: str
    run_attempt: str
    workflow: str
    run_url: str


@dataclass(frozen=True)
class Deployment:
    """The deployment whose status says it failed (`on: deployment_status`)."""

    id: str
    environment: str
    state: str = ""
    creator: str = ""
    target_url: str = ""
    log_url: str = ""
    description: str = ""


@dataclass(frozen=True)
class Release:
    """The release a `release` event is about."""

    tag: str
    url: str = ""


@dataclass(frozen=True)
class RunContext:
    """The workflow run that is declaring the incident. Every field may be empty locally."""

    server_url: str = DEFAULT_SERVER_URL
    api_url: str = DEFAULT_API_URL
    repository: str = ""
    sha: str = ""
    ref: str = ""
    ref_name: str = ""
    workflow: str = ""
    # The workflow's file in its repository (`.github/workflows/deploy.yml`): a name can
    # be shared by two files, a path cannot. '' where GitHub did not say.
    workflow_path: str = ""
    job: str = ""
    run_id: str = ""
    run_number: str = ""
    run_attempt: str = ""
    actor: str = ""
    event_name: str = ""
    pull_request: PullRequest | None = None
    # On `workflow_run`: the event that started the failed run, its display title, its
    # link (pinned to its attempt), and the watcher that declares it.
    started_by: str = ""
    display_title: str = ""
    failed_run_url: str = ""
    watcher: Watcher | None = None
    deployment: Deployment | None = None
    release: Release | None = None

    @property
    def repository_url(self) -> str:
        """The repository's web page."""
        return f"{self.server_url}/{self.repository}" if self.repository else ""

    @property
    def commit_url(self) -> str:
        """The commit's web page."""
        if not (self.repository and self.sha):
            return ""
        return f"{self.repository_url}/commit/{self.sha}"

    @property
    def short_sha(self) -> str:
        """The commit's first 7 characters, as GitHub shows it."""
        return self.sha[:7]

    @property
    def run_url(self) -> str:
        """The run's page, pinned to this attempt so a re-run does not hide the failure."""
        if self.failed_run_url:
            return self.failed_run_url
        if not (self.repository and self.run_id):
            return ""
        url = f"{self.repository_url}/actions/runs/{self.run_id}"
        return f"{url}/attempts/{self.run_attempt}" if self.run_attempt else url

    @property
    def pull_request_url(self) -> str:
        """The pull request's web page."""
        if not (self.pull_request and self.repository):
            return ""
        return f"{self.repository_url}/pull/{self.pull_request.number}"

    @property
    def in_workflow(self) -> bool:
        """Whether this is a workflow run (it has a repository and a run ID)."""
        return bool(self.repository and self.run_id)


def read_run_context(environ: Mapping[str, str]) -> RunContext:
    """Build the context from the runner's variables and the event; missing stays empty.

    On `workflow_run` the context is the watched run that failed, not the watcher: its
    link (pinned to its attempt), workflow, commit, branch, actor and pull requests; the
    watcher's own run is kept apart to be linked as "declared by". On `pull_request`
    the commit is the pull request's head, not the merge commit GitHub tests.
    """

    def env(name: str) -> str:
        # Bytes that are not UTF-8 arrive as lone surrogates; they cannot be sent on.
        return parsing.readable(environ.get(name, "")).strip()

    event = _event(env("GITHUB_EVENT_PATH"))
    context = RunContext(
        server_url=(env("GITHUB_SERVER_URL") or DEFAULT_SERVER_URL).rstrip("/"),
        api_url=(env("GITHUB_API_URL") or DEFAULT_API_URL).rstrip("/"),
        repository=env("GITHUB_REPOSITORY"),
        sha=env("GITHUB_SHA"),
        ref=env("GITHUB_REF"),
        ref_name=env("GITHUB_HEAD_REF") or env("GITHUB_REF_NAME"),
        workflow=env("GITHUB_WORKFLOW"),
        workflow_path=_workflow_path(env("GITHUB_WORKFLOW_REF"), env("GITHUB_REPOSITORY")),
        job=env("GITHUB_JOB"),
        run_id=env("GITHUB_RUN_ID"),
        run_number=env("GITHUB_RUN_NUMBER"),
        run_attempt=env("GITHUB_RUN_ATTEMPT"),
        actor=env("GITHUB_ACTOR"),
        event_name=env("GITHUB_EVENT_NAME"),
        pull_request=_pull_request(event),
    )
    watched = event.get("workflow_run")
    if context.event_name == "workflow_run" and isinstance(watched, dict):
        return _the_watched_run(context, watched)
    deployment = event.get("deployment")
    if context.event_name == "deployment_status" and isinstance(deployment, dict):
        return _the_deployment(context, deployment, event.get("deployment_status"))
    head = _text(_field(event, "pull_request", "head"), "sha")
    if context.event_name.startswith("pull_request") and head:
        return replace(context, sha=head)
    tag = _text(event.get("release"), "tag_name")
    if context.event_name == "release" and tag:
        return replace(context, release=Release(tag, _text(event.get("release"), "html_url")))
    return context


def _the_deployment(context: RunContext, deployment: dict[str, Any], status: Any) -> RunContext:
    ref = _text(deployment, "ref")
    return replace(
        context,
        sha=_text(deployment, "sha") or context.sha,
        ref=ref or context.ref,
        ref_name=ref or context.ref_name,
        actor=_text(_field(deployment, "creator"), "login") or context.actor,
        deployment=Deployment(
            id=_text(deployment, "id"),
            environment=_text(status, "environment") or _text(deployment, "environment"),
            state=_text(status, "state"),
            creator=_text(_field(deployment, "creator"), "login"),
            target_url=_text(status, "target_url"),
            log_url=_text(status, "log_url"),
            description=_text(status, "description"),
        ),
    )


def _event(event_path: str) -> dict[str, Any]:
    """The event payload; empty when there is none or it cannot be read (a missing file
    costs only the links it would have given, never the incident)."""
    if not event_path:
        return {}
    try:
        event = json.loads(Path(event_path).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return {}
    return event if isinstance(event, dict) else {}


def _field(mapping: Any, *keys: str) -> Any:
    for key in keys:
        mapping = mapping.get(key) if isinstance(mapping, dict) else None
    return mapping


def _text(mapping: Any, key: str) -> str:
    value = mapping.get(key) if isinstance(mapping, dict) else None
    if isinstance(value, bool) or not isinstance(value, str | int):
        return ""  # payload fields are untrusted: only text and numbers are taken
    return str(value).strip()


def _the_watched_run(watcher: RunContext, run: dict[str, Any]) -> RunContext:
    attempt = _text(run, "run_attempt")
    # The watched run's own page, taken only where it is on this GitHub server.
    html_url = github_url(_text(run, "html_url"), watcher.server_url)
    pulls = run.get("pull_requests")
    first = pulls[0] if isinstance(pulls, list) and pulls and isinstance(pulls[0], dict) else {}
    number = first.get("number") if isinstance(first, dict) else None
    branch = _text(run, "head_branch")
    return replace(
        watcher,
        sha=_text(run, "head_sha") or watcher.sha,
        ref=f"refs/heads/{branch}" if branch else watcher.ref,
        ref_name=branch or watcher.ref_name,
        workflow=_text(run, "name") or watcher.workflow,
        workflow_path=_text(run, "path").partition("@")[0],
        job="",
        run_id=_text(run, "id") or watcher.run_id,
        run_number=_text(run, "run_number"),
        run_attempt=attempt,
        actor=_text(_field(run, "triggering_actor"), "login")
        or _text(_field(run, "actor"), "login"),
        pull_request=PullRequest(number) if isinstance(number, int) else None,
        started_by=_text(run, "event"),
        display_title=_text(run, "display_title"),
        failed_run_url=f"{html_url}/attempts/{attempt}" if html_url and attempt else html_url,
        watcher=Watcher(watcher.run_id, watcher.run_attempt, watcher.workflow, watcher.run_url),
    )


def _workflow_path(workflow_ref: str, repository: str) -> str:
    """`.github/workflows/deploy.yml` out of `acme/shop/.github/workflows/deploy.yml@refs/
    heads/main` (GITHUB_WORKFLOW_REF); '' when it is not of that shape."""
    path = workflow_ref.rpartition("@")[0] if "@" in workflow_ref else ""
    prefix = f"{repository}/"
    return path[len(prefix) :] if repository and path.startswith(prefix) else ""


def _pull_request(event: dict[str, Any]) -> PullRequest | None:
    """The pull request of a pull_request(_target) event; None for other events."""
    pull = event.get("pull_request")
    if not isinstance(pull, dict):
        return None
    number, title = pull.get("number"), pull.get("title")
    if not isinstance(number, int):
        return None
    return PullRequest(number=number, title=title if isinstance(title, str) else "")
