"""Jobs as GitHub lists them: every field the description requires, real-looking values."""

from __future__ import annotations

from typing import Any

REPOSITORY = "acme/shop"
SHA = "3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39"
_STAMP = "2026-11-29T03:12:{:02d}Z"


def job(
    job_id: int,
    name: str,
    conclusion: str | None,
    steps: list[tuple[str, str | None]] | None = None,
    *,
    run_id: int = 42,
    attempt: int = 1,
    status: str | None = None,
    server: str = "https://github.com",
    api: str = "https://api.github.com",
    repository: str = REPOSITORY,
    html_url: str | None = "",
) -> dict[str, Any]:
    """One job object; `steps` are `(name, conclusion)` pairs, numbered in order."""
    finished = conclusion is not None
    status = status or ("completed" if finished else "in_progress")
    listed = steps if steps is not None else [("Set up job", "success")]
    return {
        "id": job_id,
        "run_id": run_id,
        "run_url": f"{api}/repos/{repository}/actions/runs/{run_id}",
        "run_attempt": attempt,
        "node_id": f"CR_kwDOABCD{job_id:08d}",
        "head_sha": SHA,
        "url": f"{api}/repos/{repository}/actions/jobs/{job_id}",
        "html_url": (
            f"{server}/{repository}/actions/runs/{run_id}/job/{job_id}"
            if html_url == ""
            else html_url
        ),
        "status": status,
        "conclusion": conclusion,
        "created_at": _STAMP.format(0),
        "started_at": _STAMP.format(1),
        "completed_at": _STAMP.format(30) if finished else None,
        "name": name,
        "steps": [
            {
                "name": step_name,
                "status": "completed" if step_conclusion else "in_progress",
                "conclusion": step_conclusion,
                "number": number,
                "started_at": _STAMP.format(number),
                "completed_at": _STAMP.format(number + 1) if step_conclusion else None,
            }
            for number, (step_name, step_conclusion) in enumerate(listed, start=1)
        ],
        "check_run_url": f"{api}/repos/{repository}/check-runs/{job_id}",
        "labels": ["ubuntu-latest"],
        "runner_id": 7,
        "runner_name": "GitHub Actions 7",
        "runner_group_id": 2,
        "runner_group_name": "GitHub Actions",
        "workflow_name": "Deploy",
        "head_branch": "main",
    }


def green_jobs(run_id: int = 42, attempt: int = 1, **where: Any) -> list[dict[str, Any]]:
    """A run where nothing failed (yet): the job running the action is still going."""
    return [
        job(101, "build", "success", **where, run_id=run_id, attempt=attempt),
        job(
            105,
            "deploy",
            None,
            [("Set up job", "success")],
            **where,
            run_id=run_id,
            attempt=attempt,
        ),
    ]


def example_jobs(run_id: int = 42, attempt: int = 1, **more: Any) -> list[dict[str, Any]]:
    """A deploy pipeline that broke at its migrations: build and tests green, deploy red,
    smoke tests skipped, and the job declaring the incident still running."""
    checkout = ("Run actions/checkout@v4", "success")
    where = {"run_id": run_id, "attempt": attempt, **more}
    return [
        job(101, "build", "success", [("Set up job", "success"), checkout], **where),
        job(
            102,
            "test (ubuntu-latest, 3.12)",
            "success",
            [checkout, ("Run pytest", "success")],
            **where,
        ),
        job(
            103,
            "deploy",
            "failure",
            [
                ("Set up job", "success"),
                checkout,
                ("Run database migrations", "failure"),
                ("Roll out", None),
            ],
            **where,
        ),
        job(104, "smoke-tests", "skipped", [], **where),
        job(105, "declare-incident", None, [("Set up job", "success")], **where),
    ]
