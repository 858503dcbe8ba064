"""Which jobs of a run failed, and at which step, read from GitHub's jobs list. Pure.

GitHub's answer (`GET .../actions/runs/{id}/attempts/{n}/jobs`) is untrusted text: names
are kept as given and escaped wherever they are shown; a link is kept only when it is a
plain http(s) link. A job counts as failed when it ended in failure, was cancelled or
timed out, or (still running, as the job declaring the incident may be) has a step that
failed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .escape import markdown, safe_url

__all__ = [
    "FAILED_CONCLUSIONS",
    "FailedJob",
    "JobsAnswerMalformed",
    "describe_job",
    "failed_jobs",
    "failed_jobs_block",
    "failed_jobs_json",
    "jobs_page",
    "listed",
    "naming_jobs",
]

FAILED_CONCLUSIONS = ("failure", "timed_out", "cancelled")
# The incident's summary names this many failed jobs; the rest are counted.
SHOWN_IN_SUMMARY = 20


class JobsAnswerMalformed(ValueError):
    """GitHub's answer is not the jobs list its description promises."""


@dataclass(frozen=True)
class FailedJob:
    """One job that failed: its name, the step that failed ('' when none did, as when it
    was cancelled before a step ran), and its log's page ('' when not a plain link)."""

    name: str
    step: str
    url: str
    conclusion: str = "failure"

    def as_output(self) -> dict[str, str]:
        """The entry of the `failed-jobs` output."""
        return {"name": self.name, "step": self.step, "url": self.url}


def jobs_page(document: Any) -> tuple[int, list[Any]]:
    """`(total_count, jobs)` of one page of the answer; raises JobsAnswerMalformed."""
    if not isinstance(document, dict):
        raise JobsAnswerMalformed("the answer is not a JSON object")
    total, jobs = document.get("total_count"), document.get("jobs")
    if isinstance(total, bool) or not isinstance(total, int) or not isinstance(jobs, list):
        raise JobsAnswerMalformed("the answer has no 'total_count' number and 'jobs' list")
    return total, jobs


def failed_jobs(jobs: list[Any]) -> tuple[FailedJob, ...]:
    """The failed jobs among `jobs` (GitHub's job objects), in GitHub's order."""
    found = []
    for job in jobs:
        if not isinstance(job, dict) or not isinstance(job.get("name"), str):
            raise JobsAnswerMalformed("a job has no name")
        steps = job.get("steps")
        step = _failed_step(steps if isinstance(steps, list) else [])
        conclusion = job.get("conclusion")
        if conclusion in FAILED_CONCLUSIONS or (conclusion is None and step is not None):
            failed = str(conclusion) if conclusion in FAILED_CONCLUSIONS else "failure"
            url = job.get("html_url")
            found.append(
                FailedJob(
                    name=job["name"],
                    step=step or "",
                    url=safe_url(url if isinstance(url, str) else ""),
                    conclusion=failed,
                )
            )
    return tuple(found)


def _failed_step(steps: list[Any]) -> str | None:
    """The step that failed: the first that failed, else the first that timed out or
    was cancelled; None when no step did."""
    named = [s for s in steps if isinstance(s, dict) and isinstance(s.get("name"), str)]
    for wanted in FAILED_CONCLUSIONS:
        for step in named:
            if step.get("conclusion") == wanted:
                return str(step["name"])
    return None


def naming_jobs(title: str, jobs: tuple[FailedJob, ...]) -> str:
    """A default title that names what failed: `... failed at job 'deploy' in ...` for one
    job, `... failed in 3 jobs in ...` for several. Pure; `title` is the default title
    (`<what> failed in <where>`), which is returned unchanged when no job failed."""
    if not jobs or " failed in " not in title:
        return title
    what, where = title.split(" failed in ", 1)
    if len(jobs) == 1:
        return f"{what} failed at job {jobs[0].name!r} in {where}"
    return f"{what} failed in {len(jobs)} jobs in {where}"


def failed_jobs_block(jobs: tuple[FailedJob, ...]) -> str:
    """Markdown lines for the incident summary: each failed job, its step, its log."""
    return "\n".join(["**Failed jobs**", "", *("- " + item for item in listed(jobs))])


def listed(jobs: tuple[FailedJob, ...], limit: int = SHOWN_IN_SUMMARY) -> list[str]:
    """Each of the first `limit` failed jobs described (Markdown), then how many more."""
    items = [describe_job(job) for job in jobs[:limit]]
    if len(jobs) > limit:
        items.append(f"and {len(jobs) - limit} more (see the run)")
    return items


def describe_job(job: FailedJob) -> str:
    """`deploy, step Run migrations ([log](...))`, escaped, for Markdown."""
    text = markdown(job.name)
    if job.step:
        text += f", step {markdown(job.step)}"
    elif job.conclusion != "failure":
        text += f" ({markdown(job.conclusion.replace('_', ' '))})"
    url = safe_url(job.url)  # checked again here: a FailedJob may come from anywhere
    return text + (f" ([log]({url}))" if url else "")


def failed_jobs_json(jobs: tuple[FailedJob, ...] | None) -> str:
    """The `failed-jobs` output: a JSON list of `{name, step, url}`; '' when the jobs were
    not read (no token, another operation, GitHub did not answer)."""
    if jobs is None:
        return ""
    return json.dumps([job.as_output() for job in jobs], ensure_ascii=False)
