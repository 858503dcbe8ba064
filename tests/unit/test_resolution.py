"""Names, slugs, IDs and form fields resolved in-process against the stand-in's catalog:
the end-to-end resolution cases, fast enough for mutation testing."""

from __future__ import annotations

import pytest
from in_process import resolved

from rootly_incident_action.errors import UnresolvedReferences
from rootly_standin import stable_id
from rootly_standin.behaviour import SETTINGS, Behaviour

FORM_FIELDS = f"""
Region: us-east
affected-regions: [eu-west, {stable_id("form_field_options", "affected-regions/ap-south")}]
Customer impact: Card payments fail
Error budget burn: 12.5
First bad release date: 2026-11-27
Release owners: [alice@acme.test, {stable_id("users", "bob@acme.test")}]
Affected services: [Payments, checkout-2]
Owning team: SRE
Impacted environment: production
Feature: Card payments
Category: Deployment
Suspected cause: bad deploy
Asset: 7d0f2a1e-0b8c-4d6e-9f3a-1c2b3d4e5f60
"""


@pytest.mark.parametrize("filters", SETTINGS["name_filters"])
def test_every_kind_resolves_exactly_whatever_rootlys_filters_do(filters: str) -> None:
    plan = resolved(
        {
            "severity": "SEV1",
            "services": "Payments, checkout-2, Checkout, search api",
            "environments": "production",
            "functionalities": "Card payments",
            "teams": "SITE   reliability",
            "incident-types": "Deployment",
            "causes": "bad-deploy",
        },
        Behaviour(name_filters=filters),  # type: ignore[arg-type]
    )
    draft = plan.incident
    assert draft.severity == stable_id("severities", "sev1")
    assert draft.references["services"] == (
        stable_id("services", "payments"),
        stable_id("services", "checkout-2"),
        stable_id("services", "checkout"),
        stable_id("services", "search-api"),
    )
    assert draft.references["environments"] == (stable_id("environments", "production"),)
    assert draft.references["functionalities"] == (stable_id("functionalities", "card-payments"),)
    assert draft.references["teams"] == (stable_id("teams", "site-reliability"),)
    assert draft.references["incident-types"] == (stable_id("incident_types", "deployment"),)
    assert draft.references["causes"] == (stable_id("causes", "bad-deploy"),)


def test_six_kinds_as_people_write_them_take_six_queries() -> None:
    seen: list[str] = []
    resolved(
        {
            "severity": "SEV1",
            "services": "Payments Gateway, Checkout",
            "environments": "production",
            "teams": "Platform",
            "incident-types": "Deployment",
            "functionalities": "Card payments",
        },
        seen=seen,
    )
    assert len(seen) == 6


def test_every_form_field_kind_becomes_its_selection() -> None:
    plan = resolved({"form-fields": FORM_FIELDS})
    selections = {s["form_field_id"]: s for s in plan.incident.form_field_selections}

    def of(slug: str) -> dict[str, object]:
        found = dict(selections[stable_id("form_fields", slug)])
        del found["form_field_id"]
        return found

    assert of("region") == {
        "selected_option_ids": [stable_id("form_field_options", "region/us-east")]
    }
    assert of("affected-regions") == {
        "selected_option_ids": [
            stable_id("form_field_options", "affected-regions/eu-west"),
            stable_id("form_field_options", "affected-regions/ap-south"),
        ]
    }
    assert of("customer-impact") == {"value": "Card payments fail"}
    assert of("error-budget-burn") == {"value": "12.5"}
    assert of("first-bad-release-date") == {"value": "2026-11-27"}
    assert of("release-owners") == {
        "selected_user_ids": [
            int(stable_id("users", "alice@acme.test")),
            int(stable_id("users", "bob@acme.test")),
        ]
    }
    assert of("affected-services") == {
        "selected_service_ids": [
            stable_id("services", "payments"),
            stable_id("services", "checkout-2"),
        ]
    }
    assert of("owning-team") == {"selected_group_ids": [stable_id("teams", "sre")]}
    assert of("impacted-environment") == {
        "selected_environment_ids": [stable_id("environments", "production")]
    }
    assert of("feature") == {
        "selected_functionality_ids": [stable_id("functionalities", "card-payments")]
    }
    assert of("category") == {
        "selected_incident_type_ids": [stable_id("incident_types", "deployment")]
    }
    assert of("suspected-cause") == {"selected_cause_ids": [stable_id("causes", "bad-deploy")]}
    assert of("asset") == {"selected_catalog_entity_ids": ["7d0f2a1e-0b8c-4d6e-9f3a-1c2b3d4e5f60"]}
    assert len(selections) == 13
    assert plan.incident.form_field_names[stable_id("form_fields", "region")] == "Region"
    assert (
        plan.incident.form_field_names[stable_id("form_fields", "affected-regions")]
        == "affected-regions"
    )


def test_a_form_field_named_by_id_is_found_in_the_listing() -> None:
    region = stable_id("form_fields", "region")
    plan = resolved({"form-fields": f"{region}: eu-west"})
    assert plan.incident.form_field_selections == (
        {
            "form_field_id": region,
            "selected_option_ids": [stable_id("form_field_options", "region/eu-west")],
        },
    )


def test_every_problem_is_one_line_naming_the_input_the_value_and_why() -> None:
    with pytest.raises(UnresolvedReferences) as raised:
        resolved(
            {
                "severity": "SEV 9",
                "services": "Paymnts, CHECKOUT, Pay",
                "teams": "Platfrom",
                "environments": "Mars",
                "form-fields": "Region: mars\nError budget burn: lots\nOwning team: [Platform, SRE]\n"
                "Release owners: [carol@acme.test, not-an-email, 42]\nSeverity: SEV1\nColour: blue\n"
                "Impacted environment: Prod\nFirst bad release date: someday\nDeadline: soon",
            }
        )
    payments = f"'Payments' (slug payments, id {stable_id('services', 'payments')})"
    checkout = f"'Checkout' (slug checkout, id {stable_id('services', 'checkout')})"
    lower = f"'checkout' (slug checkout-2, id {stable_id('services', 'checkout-2')})"
    sev0 = f"'SEV0' (slug sev0, id {stable_id('severities', 'sev0')})"
    assert [problem.line() for problem in raised.value.problems] == [
        f"severity: 'SEV 9' matches no severity. Closest: {sev0}; "
        f"'SEV1' (slug sev1, id {stable_id('severities', 'sev1')}); "
        f"'SEV2' (slug sev2, id {stable_id('severities', 'sev2')})",
        f"services: 'Paymnts' matches no service. Closest: {payments}; "
        f"'Payments Gateway' (slug payments-gateway, id {stable_id('services', 'payments-gateway')})",
        f"services: 'CHECKOUT' is ambiguous: 2 services match by name ignoring case and spacing: "
        f"{checkout}; {lower}. Write the slug or the ID instead",
        f"services: 'Pay' matches no service. Closest: {payments}; "
        f"'Payments Gateway' (slug payments-gateway, id {stable_id('services', 'payments-gateway')})",
        "environments: 'Mars' matches no environment, and nothing is close",
        f"teams: 'Platfrom' matches no team. Closest: 'Platform' (slug platform, id {stable_id('teams', 'platform')})",
        "form-fields: 'Region' (select field, takes option values or option IDs): 'mars' is not one of "
        "its options ('eu-west', 'us-east', 'ap-south')",
        "form-fields: 'Error budget burn' (number field, takes a number): 'lots' is not a number",
        "form-fields: 'Owning team' (select field, takes teams, by name, slug or ID): "
        "'Platform, SRE' is 2 values; the field takes one",
        "form-fields: 'Release owners' (multi_select field, takes users, by email or ID): "
        "'carol@acme.test' matches no user's email",
        "form-fields: 'Severity' is Rootly's built-in field: set it with the 'severity' input",
        "form-fields: 'Colour' matches no form field, and nothing is close",
        "form-fields: 'Impacted environment' (select field, takes environments, by name, slug or ID): "
        f"'Prod' matches no environment. Closest: 'Production' (slug production, id {stable_id('environments', 'production')})",
        "form-fields: 'First bad release date' (date field, takes a date such as 2026-11-28): "
        "'someday' is not a date such as 2026-11-28",
        "form-fields: 'Deadline' matches no form field, and nothing is close",
    ]
    assert raised.value.message.startswith(
        "15 references could not be resolved, so no incident was created:\n- "
    )
    assert raised.value.message.endswith(
        "Names match exactly (then ignoring case and spacing); slugs and IDs always match. "
        "`python -m rootly_incident_action --list-catalog` shows what the token can see."
    )
