"""Runs the action end to end on this machine, against the local Rootly stand-in.

The entrypoint is started exactly as GitHub's runner starts it (INPUT_* variables,
GITHUB_* variables, an event file, output and summary files), and everything a
workflow would see is printed: the log, the outputs, the job summary, and the
request Rootly received. No Rootly account is needed.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from action_harness import ENTRYPOINT, action_defaults, github_environment, parse_output_file
from rootly_standin import RootlyStandIn, stable_id

DEMO_INPUTS = {
    "title": "Deploy to production failed",
    "summary": "The canary's error rate doubled after the rollout.",
    "severity": stable_id("severities", "sev1"),
    "services": f"{stable_id('services', 'payments')}, {stable_id('services', 'checkout')}",
    "environments": stable_id("environments", "production"),
    "teams": stable_id("teams", "platform"),
    "labels": "release=2026.11.3",
}


def section(title: str, body: str) -> None:
    print(f"\n===== {title} =====\n{body.rstrip()}")


def main() -> int:
    with RootlyStandIn(token="demo-token") as rootly, tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        (workdir / "workspace").mkdir()
        inputs = {
            **action_defaults(),
            **DEMO_INPUTS,
            "api-token": rootly.token,
            "api-url": rootly.url,
        }
        environ = {
            "PATH": "/usr/bin:/bin",
            **github_environment(workdir, {"ref": "refs/heads/main"}),
            **{f"INPUT_{name.upper()}": value for name, value in inputs.items()},
        }
        print(f"Rootly stand-in listening on {rootly.url}; running {ENTRYPOINT.name} ...")
        finished = subprocess.run(
            [sys.executable, str(ENTRYPOINT)],
            env=environ,
            cwd=workdir / "workspace",
            capture_output=True,
            text=True,
            check=False,
        )
        section("step log (stdout)", finished.stdout)
        if finished.stderr:
            section("stderr", finished.stderr)
        outputs = parse_output_file(Path(environ["GITHUB_OUTPUT"]).read_text(encoding="utf-8"))
        section("step outputs", "\n".join(f"{k}={v}" for k, v in outputs.items()))
        section("job summary", Path(environ["GITHUB_STEP_SUMMARY"]).read_text(encoding="utf-8"))
        for request in rootly.requests:
            section(
                f"Rootly received {request.method} {request.path}",
                json.dumps(request.body, indent=2),
            )
        problems = rootly.violations
        print(f"\nexit code {finished.returncode}; schema violations: {len(problems)}")
        return finished.returncode or (1 if problems else 0)


if __name__ == "__main__":
    sys.exit(main())
