"""Resolution without a network: which lookups each round needs, and what answers mean."""

from __future__ import annotations

from dataclasses import replace

import pytest

from rootly_incident_action.catalog.fetch import query_groups
from rootly_incident_action.catalog.lookup import Lookup
from rootly_incident_action.catalog.matching import Ambiguous, CatalogEntry, Matched, Missing
from rootly_incident_action.errors import UnresolvedReferences
from rootly_incident_action.github.context import RunContext
from rootly_incident_action.inputs import parse_inputs
from rootly_incident_action.plan.draft import Plan, build_incident
from rootly_incident_action.plan.names import Snapshot, lookups_needed, match_name, resolve

CHECKOUT = CatalogEntry("id-1", "Checkout", "checkout")
CHECKOUT_LOWER = CatalogEntry("id-2", "checkout", "checkout-2")
PRODUCTION = CatalogEntry("env-1", "Production", "production")
SEV1 = CatalogEntry("sev-1", "SEV1", "sev1")
UUID = "5b1c7a8e-0000-4000-8000-000000000001"


def plan(**inputs: str) -> Plan:
    parsed = parse_inputs({"api-token": "t", "title": "T", "deduplicate": "false", **inputs})
    return Plan(build_incident(parsed, RunContext()))


def test_a_value_that_can_be_a_slug_is_asked_by_slug_first_and_a_display_name_by_name() -> None:
    snapshot = Snapshot()
    assert match_name("environments", "production", snapshot) == Lookup(
        "environments", "slug", "production"
    )
    assert match_name("severities", "SEV1", snapshot) == Lookup("severities", "name", "SEV1")
    assert match_name("services", "Payments Gateway", snapshot) == Lookup(
        "services", "name", "Payments Gateway"
    )


def test_an_id_needs_no_lookup() -> None:
    assert match_name("services", UUID, Snapshot()) == Matched(CatalogEntry(UUID, UUID))


def test_an_exact_slug_settles_before_any_name_is_asked() -> None:
    snapshot = Snapshot()
    # A server whose filter ignores case or matches substrings answers with more.
    snapshot.add(Lookup("services", "slug", "checkout"), [CHECKOUT, CHECKOUT_LOWER])
    assert match_name("services", "checkout", snapshot) == Matched(CHECKOUT)


def test_a_slug_miss_asks_the_name_and_a_name_miss_lists_the_kind() -> None:
    snapshot = Snapshot()
    snapshot.add(Lookup("environments", "slug", "prod"), [])
    assert match_name("environments", "prod", snapshot) == Lookup("environments", "name", "prod")
    snapshot.add(Lookup("environments", "name", "prod"), [PRODUCTION])  # substring hit only
    assert match_name("environments", "prod", snapshot) == Lookup("environments", "list")
    snapshot.add(Lookup("environments", "list"), [PRODUCTION])
    outcome = match_name("environments", "prod", snapshot)
    assert isinstance(outcome, Missing)
    assert outcome.closest == (PRODUCTION,)


def test_two_exact_names_are_ambiguous_without_listing() -> None:
    twin = CatalogEntry("id-9", "Checkout", "checkout-eu")
    snapshot = Snapshot()
    snapshot.add(Lookup("services", "name", "Checkout"), [CHECKOUT, twin])
    assert match_name("services", "Checkout", snapshot) == Ambiguous((CHECKOUT, twin), "name")


def test_six_kinds_need_one_round_of_one_query_each() -> None:
    wanted = plan(
        severity="SEV1",
        services="Payments Gateway, Checkout",
        environments="production",
        teams="Platform",
        **{"incident-types": "Deployment", "functionalities": "Card payments"},
    )
    needed = lookups_needed(wanted, Snapshot())
    groups = query_groups(needed)
    assert len(groups) == 6  # the two services share one filter[name][in] request
    services = next(request for request, asked in groups if request.path == "/v1/services")
    assert services.params["filter[name][in]"] == "Checkout,Payments Gateway"


def test_a_value_with_a_comma_is_asked_alone() -> None:
    groups = query_groups(
        [Lookup("services", "name", "A, the first"), Lookup("services", "name", "B")]
    )
    filters = sorted(
        next(key for key in request.params if key.startswith("filter")) for request, _ in groups
    )
    assert filters == ["filter[name]", "filter[name]"]


def test_resolution_replaces_names_with_ids_and_reports_every_problem_at_once() -> None:
    wanted = plan(severity="SEV1", services="checkout, Nope", environments="Produciton")
    snapshot = Snapshot()
    snapshot.add(Lookup("severities", "name", "SEV1"), [SEV1])
    snapshot.add(Lookup("services", "slug", "checkout"), [CHECKOUT])
    snapshot.add(Lookup("services", "name", "Nope"), [])
    snapshot.add(Lookup("services", "list"), [CHECKOUT, CHECKOUT_LOWER])
    snapshot.add(Lookup("environments", "name", "Produciton"), [])
    snapshot.add(Lookup("environments", "list"), [PRODUCTION])
    assert lookups_needed(wanted, snapshot) == set()

    with pytest.raises(UnresolvedReferences) as raised:
        resolve(wanted, snapshot)
    lines = [problem.line() for problem in raised.value.problems]
    assert lines == [
        "services: 'Nope' matches no service, and nothing is close",
        "environments: 'Produciton' matches no environment. Closest: 'Production' "
        "(slug production, id env-1)",
    ]

    fixed = replace(
        wanted, incident=replace(wanted.incident, references={"services": ("checkout",)})
    )
    resolved = resolve(fixed, snapshot)
    assert resolved.incident.severity == "sev-1"
    assert resolved.incident.references["services"] == ("id-1",)


def test_a_form_field_given_by_id_is_listed_to_learn_what_it_takes() -> None:
    wanted = plan(**{"form-fields": f"{UUID}: x"})
    assert lookups_needed(wanted, Snapshot()) == {Lookup("form_fields", "list")}


def test_pipeline_mode_needs_a_run_or_a_parent_key() -> None:
    from rootly_incident_action.errors import InvalidInputs
    from rootly_incident_action.plan.draft import build_plan

    inputs = parse_inputs({"api-token": "t", "parent": "run"})
    with pytest.raises(InvalidInputs, match="input 'parent': 'run' is not valid"):
        build_plan(inputs, RunContext())
    keyed = parse_inputs({"api-token": "t", "parent": "run", "parent-key": "release-7"})
    assert build_plan(keyed, RunContext()).parent is not None
