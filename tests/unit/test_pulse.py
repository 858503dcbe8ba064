"""The pulse a deploy sends, built from the inputs and the run. Pure."""

from __future__ import annotations

from rootly_incident_action.github.context import Deployment, Release, RunContext
from rootly_incident_action.inputs import parse_inputs
from rootly_incident_action.plan.pulse import build_pulse, default_pulse_summary

RUN = RunContext(
    repository="acme/shop",
    sha="3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39",
    ref="refs/heads/main",
    ref_name="main",
    workflow="Deploy",
    run_id="77",
    run_number="12",
    run_attempt="1",
)


def pulse_of(context: RunContext = RUN, **inputs: str) -> dict[str, object]:
    given = {"api-token": "t", "operation": "pulse", **inputs}
    draft = build_pulse(parse_inputs({k.replace("_", "-"): v for k, v in given.items()}), context)
    return draft.attributes(draft.lookup_draft())


def test_the_default_summary_says_what_where_and_by_which_run() -> None:
    assert default_pulse_summary(RUN, ("production",)) == (
        "Deployed main (3f2a9c1) of acme/shop to production by Deploy run #12"
    )
    released = RunContext(**{**RUN.__dict__, "release": Release("v2.0.0")})
    assert default_pulse_summary(released, ()) == (
        "Deployed v2.0.0 (3f2a9c1) of acme/shop by Deploy run #12"
    )
    assert default_pulse_summary(RunContext(), ()) == "Deployed a change"


def test_refs_and_labels_are_key_value_lists_and_a_given_ref_wins() -> None:
    attributes = pulse_of(refs="run=https://ci.acme.test/9, image=shop:1", labels="team=pay")
    assert attributes["refs"] == [
        {"key": "sha", "value": RUN.sha},
        {"key": "ref", "value": "refs/heads/main"},
        {"key": "run", "value": "https://ci.acme.test/9"},
        {"key": "image", "value": "shop:1"},
    ]
    assert {"key": "team", "value": "pay"} in attributes["labels"]  # type: ignore[operator]
    assert attributes["source"] == "github-actions"
    assert "service_ids" not in attributes  # nothing named, nothing sent


def test_without_context_labels_only_the_given_labels_and_title_wins() -> None:
    attributes = pulse_of(context_labels="false", labels="a=1", title="Shipped")
    assert attributes["labels"] == [{"key": "a", "value": "1"}]
    assert attributes["summary"] == "Shipped"


def test_a_deployment_names_the_environment_softly_unless_environments_are_given() -> None:
    deployed = RunContext(**{**RUN.__dict__, "deployment": Deployment("9", "staging")})
    inputs = parse_inputs({"api-token": "t", "operation": "pulse"})
    draft = build_pulse(inputs, deployed)
    assert draft.references == {"environments": ("staging",)}
    assert draft.soft_inputs == frozenset({"environments"})
    given = parse_inputs({"api-token": "t", "operation": "pulse", "environments": "prod"})
    assert build_pulse(given, deployed).references == {"environments": ("prod",)}
    assert build_pulse(given, deployed).soft_inputs == frozenset()
