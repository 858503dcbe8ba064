"""What GitHub tells a step about the run it belongs to, read from GITHUB_* and the event file."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = ["DEFAULT_SERVER_URL", "PullRequest", "RunContext", "read_run_context"]

DEFAULT_SERVER_URL = "https://github.com"


@dataclass(frozen=True)
class PullRequest:
    """The pull request a run belongs to."""

    number: int
    title: str = ""


@dataclass(frozen=True)
class RunContext:
    """The workflow run that is declaring the incident. Every field may be empty locally."""

    server_url: str = DEFAULT_SERVER_URL
    repository: str = ""
    sha: str = ""
    ref: str = ""
    ref_name: str = ""
    workflow: str = ""
    job: str = ""
    run_id: str = ""
    run_number: str = ""
    run_attempt: str = ""
    actor: str = ""
    event_name: str = ""
    pull_request: PullRequest | None = None

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
    """Build the context from the runner's variables; anything missing stays empty."""

    def env(name: str) -> str:
        return environ.get(name, "").strip()

    return RunContext(
        server_url=(env("GITHUB_SERVER_URL") or DEFAULT_SERVER_URL).rstrip("/"),
        repository=env("GITHUB_REPOSITORY"),
        sha=env("GITHUB_SHA"),
        ref=env("GITHUB_REF"),
        ref_name=env("GITHUB_HEAD_REF") or env("GITHUB_REF_NAME"),
        workflow=env("GITHUB_WORKFLOW"),
        job=env("GITHUB_JOB"),
        run_id=env("GITHUB_RUN_ID"),
        run_number=env("GITHUB_RUN_NUMBER"),
        run_attempt=env("GITHUB_RUN_ATTEMPT"),
        actor=env("GITHUB_ACTOR"),
        event_name=env("GITHUB_EVENT_NAME"),
        pull_request=_pull_request(env("GITHUB_EVENT_PATH")),
    )


def _pull_request(event_path: str) -> PullRequest | None:
    """The pull request of a pull_request(_target) event; None for other events or no file."""
    if not event_path:
        return None
    try:
        event = json.loads(Path(event_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        # A missing or unreadable event file costs us only the PR link, never the incident.
        return None
    pull = event.get("pull_request") if isinstance(event, dict) else None
    if not isinstance(pull, dict):
        return None
    number, title = pull.get("number"), pull.get("title")
    if not isinstance(number, int):
        return None
    return PullRequest(number=number, title=title if isinstance(title, str) else "")
