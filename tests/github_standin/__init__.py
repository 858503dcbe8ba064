"""A stand-in for the part of GitHub's REST API the action reads: the jobs of a run attempt.

Built from GitHub's published description (npm `@octokit/openapi`, trimmed by
`scripts/trim_github_openapi.py`): every answer it gives is checked against the
description's schema for the operation, and a request off the description is recorded
as a violation (a test fails on any).
"""

from .jobs import example_jobs, green_jobs, job
from .server import GitHubStandIn

__all__ = ["GitHubStandIn", "example_jobs", "green_jobs", "job"]
