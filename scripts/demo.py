"""Runs the action end to end on this machine, against the local Rootly stand-in.

The entrypoint is started exactly as GitHub's runner starts it (INPUT_* variables,
GITHUB_* variables, an event file, output and summary files; the same harness the
end-to-end tests use), and everything a workflow would see is printed: the log, the
outputs, the job summary, and the requests Rootly received; then the step runs again
(a re-run reuses the incident) and a later run resolves it. A GitHub stand-in answers
the action's question about the run's jobs, so the incident names the failed job and
step. No Rootly account is needed.

The stand-in follows Rootly's spec by default, which has no attribute for form fields
in a create; Rootly's own guide sends them inside it, and the real API most likely takes
them there. The demo plays that Rootly (`Behaviour(nested_form_fields="accept")`), so the
create carries the form fields and lands in one request; the tests play every other
answer too.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "support"))

from action_harness import RUN_ID, SERVER_URL, ActionHarness

from github_standin import GitHubStandIn, example_jobs
from rootly_standin import RootlyStandIn
from rootly_standin.behaviour import Behaviour

# Rootly as its guide describes it: form fields accepted inside the create.
DEMO_BEHAVIOUR = Behaviour(nested_form_fields="accept")

# Names as people write them; the action resolves each to its ID. No title: the default
# one names the job that failed, as GitHub lists it.
DEMO_INPUTS = {
    "summary": "The canary's error rate doubled after the rollout.",
    "severity": "SEV1",
    "services": "Payments, checkout-2",
    "environments": "production",
    "teams": "Platform",
    "labels": "release=2026.11.3",
    "form-fields": "Region: eu-west\nCustomer impact: Card payments fail for some EU users",
}


def section(title: str, body: str) -> None:
    print(f"\n===== {title} =====\n{body.rstrip()}")


def main() -> int:
    jobs = example_jobs(int(RUN_ID), server=SERVER_URL)
    with (
        RootlyStandIn(token="demo-token", behaviour=DEMO_BEHAVIOUR) as rootly,
        GitHubStandIn(prefix="/api/v3", any_run=jobs) as github,
        tempfile.TemporaryDirectory() as tmp,
    ):
        print(f"Rootly stand-in listening on {rootly.url}, GitHub's on {github.url};")
        print(
            "stand-in setting: nested_form_fields=accept (form fields inside the create, "
            "as Rootly's guide sends them)"
        )
        print("running entrypoint.py as the declare-incident job of a failed deploy ...")
        harness = ActionHarness(Path(tmp), rootly, github)
        declare_job = {"GITHUB_JOB": "declare-incident"}
        first = harness.run(DEMO_INPUTS, env=declare_job)
        section("step log (stdout)", first.stdout)
        if first.stderr:
            section("stderr", first.stderr)
        section("step outputs", "\n".join(f"{k}={v}" for k, v in first.outputs.items()))
        section("job summary", first.summary)
        for request in rootly.requests:
            shown = json.dumps(request.body, indent=2) if request.body else ""
            query = "&".join(f"{k}={v}" for k, v in request.query.items())
            section(f"Rootly received {request.method} {request.path}?{query}", shown)
        creates = rootly.requests_to("POST", "/v1/incidents")
        added_later = [
            r
            for r in rootly.requests
            if r.method == "POST" and r.path.endswith("/form_field_selections")
        ]
        carried = [
            r for r in creates if "form_field_selections_attributes" in r.body["data"]["attributes"]
        ]
        print(
            f"\nThe create: {len(creates)} request, form fields inside it: {len(carried) == 1}; "
            f"form field values added afterwards: {len(added_later)}."
        )

        print("\nRunning the same step again, as a re-run would ...")
        again = harness.run(DEMO_INPUTS, env={**declare_job, "GITHUB_RUN_ATTEMPT": "2"})
        section("step log of the re-run (stdout)", again.stdout)
        print(f"\ncreated={again.outputs.get('created')}: still {len(rootly.incidents)} incident")
        print(f"GitHub was asked {len(github.requests)} time(s) for the run's jobs.")

        print("\nThe pipeline is green again: resolving the incident from a later run ...")
        green = {"operation": "resolve", "incident-id": first.outputs.get("incident-id", "")}
        resolved = harness.run(green, env={"GITHUB_RUN_ID": "9876543211"})
        section("step log of the resolve (stdout)", resolved.stdout)
        section("its outputs", "\n".join(f"{k}={v}" for k, v in resolved.outputs.items()))
        codes = (first.exit_code, again.exit_code, resolved.exit_code)
        print(
            f"exit codes {', '.join(map(str, codes))}; schema violations: {len(rootly.violations)}"
        )
        one_request = len(creates) == 1 and len(carried) == 1 and not added_later
        return 1 if any(codes) or rootly.violations or github.violations or not one_request else 0


if __name__ == "__main__":
    sys.exit(main())
