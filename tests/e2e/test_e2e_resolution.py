"""End to end: names, slugs and IDs resolved through the entrypoint, and form fields."""

from __future__ import annotations

from typing import Any

from action_harness import ActionHarness

from conftest import every_setting
from rootly_standin import RootlyStandIn, stable_id

PAYMENTS = stable_id("services", "payments")
CHECKOUT = stable_id("services", "checkout")
CHECKOUT_LOWER = stable_id("services", "checkout-2")
SEARCH_API = stable_id("services", "search-api")
SEV1 = stable_id("severities", "sev1")
PRODUCTION = stable_id("environments", "production")
STAGING = stable_id("environments", "staging")
CARD_PAYMENTS = stable_id("functionalities", "card-payments")
LOGIN = stable_id("functionalities", "login")
PLATFORM = stable_id("teams", "platform")
SRE = stable_id("teams", "sre")
DEPLOYMENT = stable_id("incident_types", "deployment")
CUSTOMER_FACING = stable_id("incident_types", "customer-facing")
BAD_DEPLOY = stable_id("causes", "bad-deploy")
CAPACITY = stable_id("causes", "capacity")


def create_body(rootly: RootlyStandIn) -> dict[str, Any]:
    creates = rootly.requests_to("POST", "/v1/incidents")
    assert len(creates) == 1, f"expected one create, got {len(creates)}"
    attributes: dict[str, Any] = creates[0].body["data"]["attributes"]
    return attributes


def lookups(rootly: RootlyStandIn) -> list[tuple[str, str]]:
    """(path, filter=value or page=N) for every GET, sorted."""
    found = []
    for request in rootly.requests:
        if request.method != "GET" or request.path == "/v1/incidents":
            continue  # the duplicate search is not a catalog lookup
        filters = [f"{k}={v}" for k, v in request.query.items() if k.startswith("filter[")]
        found.append(
            (request.path, filters[0] if filters else f"page={request.query.get('page[number]')}")
        )
    return sorted(found)


@every_setting("name_filters")
def test_every_kind_resolves_by_name_slug_and_id(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    run = action.run(
        {
            "title": "Mixed references",
            "severity": "SEV1",
            "services": f"Payments, checkout-2, {SEARCH_API}",
            "environments": f"production, {STAGING}",
            "functionalities": f"Card payments, {LOGIN}",
            "teams": f"platform, {SRE}",
            "incident-types": f"Deployment, {CUSTOMER_FACING}",
            "causes": f"bad-deploy, {CAPACITY}",
        }
    )

    assert run.exit_code == 0, run.stdout
    body = create_body(rootly)
    assert body["severity_id"] == SEV1
    assert body["service_ids"] == [PAYMENTS, CHECKOUT_LOWER, SEARCH_API]
    assert body["environment_ids"] == [PRODUCTION, STAGING]
    assert body["functionality_ids"] == [CARD_PAYMENTS, LOGIN]
    assert body["group_ids"] == [PLATFORM, SRE]
    assert body["incident_type_ids"] == [DEPLOYMENT, CUSTOMER_FACING]
    assert body["cause_ids"] == [BAD_DEPLOY, CAPACITY]
    if rootly.behaviour.name_filters != "exact":
        return  # the request counts below hold where Rootly's filters are exact
    # One exact query per name: by slug when the value can be a slug (and the slug
    # matches), else by name; nothing listed, though "Payments" is on page 2 of services.
    assert lookups(rootly) == sorted(
        [
            ("/v1/severities", "filter[name]=SEV1"),
            ("/v1/services", "filter[name]=Payments"),
            ("/v1/services", "filter[slug]=checkout-2"),
            ("/v1/environments", "filter[slug]=production"),
            ("/v1/functionalities", "filter[name]=Card payments"),
            ("/v1/teams", "filter[slug]=platform"),
            ("/v1/incident_types", "filter[name]=Deployment"),
            ("/v1/causes", "filter[slug]=bad-deploy"),
        ]
    )


@every_setting("name_filters")
def test_slugs_and_ids_resolve_for_every_kind(action: ActionHarness, rootly: RootlyStandIn) -> None:
    run = action.run(
        {
            "severity": "sev1",
            "services": "payments",
            "environments": "staging",
            "functionalities": "login",
            "teams": "site-reliability",
            "incident-types": "customer-facing",
            "causes": "capacity",
        }
    )

    assert run.exit_code == 0, run.stdout
    body = create_body(rootly)
    assert body["severity_id"] == SEV1
    assert body["service_ids"] == [PAYMENTS]
    assert body["environment_ids"] == [STAGING]
    assert body["functionality_ids"] == [LOGIN]
    assert body["group_ids"] == [stable_id("teams", "site-reliability")]
    assert body["incident_type_ids"] == [CUSTOMER_FACING]
    assert body["cause_ids"] == [CAPACITY]


def test_a_name_in_another_case_is_found_by_listing_every_page(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    run = action.run({"services": "payments GATEWAY, Payments", "teams": "Platform"})

    assert run.exit_code == 0, run.stdout
    gateway = stable_id("services", "payments-gateway")
    assert create_body(rootly)["service_ids"] == [gateway, PAYMENTS]
    # Exact queries could not settle "payments GATEWAY": services were listed, both
    # pages and only once; teams, settled exactly, were not listed at all.
    listed = [entry for entry in lookups(rootly) if entry[1].startswith("page=")]
    assert listed == [("/v1/services", "page=1"), ("/v1/services", "page=2")]


def test_a_name_used_by_two_inputs_is_looked_up_once(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    run = action.run({"services": "Payments", "form-fields": "Affected services: [Payments]"})

    assert run.exit_code == 0, run.stdout
    payments_lookups = [entry for entry in lookups(rootly) if entry[1].endswith("=Payments")]
    assert payments_lookups == [("/v1/services", "filter[name]=Payments")]


@every_setting("name_filters")
def test_case_spacing_and_precedence_rules(action: ActionHarness, rootly: RootlyStandIn) -> None:
    run = action.run(
        {
            # exact name; slug before name; loose name with doubled spaces in Rootly
            "services": "Checkout, checkout, search api, PAYMENTS gateway",
            "teams": "SITE   reliability",
        }
    )

    assert run.exit_code == 0, run.stdout
    body = create_body(rootly)
    gateway = stable_id("services", "payments-gateway")
    assert body["service_ids"] == [CHECKOUT, SEARCH_API, gateway]
    assert body["group_ids"] == [stable_id("teams", "site-reliability")]


def test_an_all_id_run_sends_exactly_one_request(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    run = action.run(
        {
            "deduplicate": "false",  # the duplicate search is one more request
            "severity": SEV1,
            "services": f"{PAYMENTS}, {CHECKOUT}",
            "environments": PRODUCTION,
            "teams": PLATFORM,
            "incident-types": DEPLOYMENT,
            "functionalities": CARD_PAYMENTS,
            "causes": BAD_DEPLOY,
        }
    )

    assert run.exit_code == 0, run.stdout
    assert [(r.method, r.path) for r in rootly.requests] == [("POST", "/v1/incidents")]


@every_setting("name_filters")
def test_missing_and_ambiguous_names_fail_together_before_anything_is_created(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    run = action.run(
        {
            "severity": "SEV 9",
            "services": "Paymnts, CHECKOUT, Payments",
            "teams": "Platfrom",
            "environments": "Mars",
        }
    )

    assert run.exit_code == 1
    message = run.error.message
    assert message.startswith("5 references could not be resolved, so no incident was created")
    assert "- severity: 'SEV 9' matches no severity. Closest: 'SEV0'" in message
    payments = f"'Payments' (slug payments, id {PAYMENTS})"
    assert f"- services: 'Paymnts' matches no service. Closest: {payments}" in message
    assert "- services: 'CHECKOUT' is ambiguous: 2 services match by name ignoring case" in message
    assert f"'Checkout' (slug checkout, id {CHECKOUT})" in message
    assert f"'checkout' (slug checkout-2, id {CHECKOUT_LOWER})" in message
    assert "- teams: 'Platfrom' matches no team. Closest: 'Platform'" in message
    assert "- environments: 'Mars' matches no environment, and nothing is close" in message
    assert rootly.requests_to("POST", "/v1/incidents") == []
    assert "5 references could not be resolved" in run.summary


@every_setting("name_filters")
def test_a_prefix_is_not_a_match_but_is_suggested(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    run = action.run({"services": "Pay"})

    assert run.exit_code == 1
    assert "'Pay' matches no service. Closest: 'Payments'" in run.error.message
    assert rootly.requests_to("POST", "/v1/incidents") == []


@every_setting("nested_form_fields", "form_field_selections")
def test_every_form_field_kind_lands_on_the_incident_however_rootly_treats_the_create(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    us_east = stable_id("form_field_options", "region/us-east")
    asset = "7d0f2a1e-0b8c-4d6e-9f3a-1c2b3d4e5f60"
    form_fields = f"""
Region: us-east
affected-regions: [eu-west, {stable_id("form_field_options", "affected-regions/ap-south")}]
Customer impact: |
  Card payments fail for 30% of EU users.
  Retries do not help.
Error budget burn: 12.5
First bad release date: 2026-11-27
Release owners: [alice@acme.test, {stable_id("users", "bob@acme.test")}]
Affected services: [Payments, checkout-2]
Owning team: SRE
Impacted environment: production
Feature: Card payments
Category: {DEPLOYMENT}
Suspected cause: bad deploy
Asset: {asset}
"""
    run = action.run({"title": "Form fields", "form-fields": form_fields})

    assert run.exit_code == 0, run.stdout
    # Sent with the create first, as Rootly's guide shows, so workflows see them at once.
    first_create = rootly.requests_to("POST", "/v1/incidents")[0].body["data"]["attributes"]
    assert len(first_create["form_field_selections_attributes"]) == 13
    assert len(rootly.incidents) == 1
    incident_id = rootly.incidents[0]["id"]
    selections = {s["form_field_id"]: s for s in rootly.form_field_selections[incident_id]}

    def selection(slug: str) -> dict[str, Any]:
        found = dict(selections[stable_id("form_fields", slug)])
        del found["form_field_id"]
        return found

    assert selection("region") == {"selected_option_ids": [us_east]}
    assert selection("affected-regions") == {
        "selected_option_ids": [
            stable_id("form_field_options", "affected-regions/eu-west"),
            stable_id("form_field_options", "affected-regions/ap-south"),
        ]
    }
    assert selection("customer-impact") == {
        "value": "Card payments fail for 30% of EU users.\nRetries do not help."
    }
    assert selection("error-budget-burn") == {"value": "12.5"}
    assert selection("first-bad-release-date") == {"value": "2026-11-27"}
    assert selection("release-owners") == {
        "selected_user_ids": [
            int(stable_id("users", "alice@acme.test")),
            int(stable_id("users", "bob@acme.test")),
        ]
    }
    assert selection("affected-services") == {"selected_service_ids": [PAYMENTS, CHECKOUT_LOWER]}
    assert selection("owning-team") == {"selected_group_ids": [SRE]}
    assert selection("impacted-environment") == {"selected_environment_ids": [PRODUCTION]}
    assert selection("feature") == {"selected_functionality_ids": [CARD_PAYMENTS]}
    assert selection("category") == {"selected_incident_type_ids": [DEPLOYMENT]}
    assert selection("suspected-cause") == {"selected_cause_ids": [BAD_DEPLOY]}
    assert selection("asset") == {"selected_catalog_entity_ids": [asset]}
    assert len(selections) == 13
    added = rootly.requests_to("POST", f"/v1/incidents/{incident_id}/form_field_selections")
    # A create that drops the values is not sent again: they are added afterwards.
    nested, plain = rootly.behaviour.nested_form_fields, rootly.behaviour.form_field_selections
    inside = nested == "accept" or (nested == "refuse" and plain == "accept")
    assert len(added) == (0 if inside else 13)


@every_setting("nested_form_fields", "form_field_selections")
def test_a_required_form_field_is_satisfied_at_creation_whenever_rootly_takes_either_name(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    region = stable_id("form_fields", "region")
    rootly.required_form_fields = {region}

    run = action.run({"title": "Needs a region", "form-fields": "Region: eu-west"})

    creates = rootly.requests_to("POST", "/v1/incidents")
    assert len(creates) <= 3  # each refused whole, never a second incident
    taken = {rootly.behaviour.nested_form_fields, rootly.behaviour.form_field_selections}
    if "accept" in taken:
        assert run.exit_code == 0, run.stdout
        assert len(rootly.incidents) == 1
        values = rootly.form_field_selections[rootly.incidents[0]["id"]]
        assert [value["form_field_id"] for value in values] == [region]
        # It arrived inside the create that made the incident: nothing added afterwards.
        assert (
            rootly.requests_to(
                "POST", f"/v1/incidents/{rootly.incidents[0]['id']}/form_field_selections"
            )
            == []
        )
        return
    assert run.exit_code == 1
    assert run.error.title == "Required form field not accepted"
    message = run.error.message
    assert message.startswith("form-fields: Rootly requires 'Region' when an incident is created")
    assert "neither form_field_selections_attributes nor form_field_selections" in message
    assert "(422: Region is required)" in message
    assert "Nothing was created." in message
    assert len(creates) == 3
    assert rootly.incidents == []


def test_form_fields_may_be_given_as_json(action: ActionHarness, rootly: RootlyStandIn) -> None:
    run = action.run({"form-fields": '{"region": "eu-west", "Error budget burn": 3}'})

    assert run.exit_code == 0, run.stdout
    values = rootly.form_field_selections[rootly.incidents[0]["id"]]
    assert {"form_field_id": stable_id("form_fields", "error-budget-burn"), "value": "3"} in values


def test_a_required_form_field_left_out_is_rootlys_422(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    rootly.required_form_fields = {stable_id("form_fields", "region")}

    run = action.run({"title": "No region"})

    assert run.exit_code == 1
    assert "Rootly rejected the incident (422): Region is required" in run.error.message


def test_values_that_do_not_fit_their_fields_are_reported_together(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    form_fields = """
Region: mars
Error budget burn: lots
Owning team: [Platform, SRE]
Release owners: [carol@acme.test]
Severity: SEV1
Colour: blue
Impacted environment: Prod
"""
    run = action.run({"form-fields": form_fields})

    assert run.exit_code == 1
    message = run.error.message
    assert message.startswith("7 references could not be resolved")
    assert (
        "- form-fields: 'Region' (select field, takes option values or option IDs): 'mars' "
        "is not one of its options ('eu-west', 'us-east', 'ap-south')"
    ) in message
    for line in (
        "- form-fields: 'Error budget burn' (number field, takes a number): 'lots' is not a number",
        "- form-fields: 'Owning team' (select field, takes teams, by name, slug or ID): "
        "'Platform, SRE' is 2 values; the field takes one",
        "- form-fields: 'Release owners' (multi_select field, takes users, by email or ID): "
        "'carol@acme.test' matches no user's email",
        "- form-fields: 'Severity' is Rootly's built-in field: set it with the 'severity' input",
        "- form-fields: 'Colour' matches no form field",
        "- form-fields: 'Impacted environment' (select field, takes environments, by name, "
        "slug or ID): 'Prod' matches no environment. Closest: 'Production'",
    ):
        assert line in message
    assert rootly.requests_to("POST", "/v1/incidents") == []


def test_form_fields_that_are_not_a_mapping_are_an_input_error(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    run = action.run({"form-fields": "- just\n- a list"})

    assert run.exit_code == 1
    assert run.error.message.startswith("input 'form-fields': ")
    assert "mapping" in run.error.message
    assert rootly.requests == []


def test_a_dry_run_resolves_names_but_creates_nothing(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    run = action.run({"services": "Payments", "dry-run": "true"})

    assert run.exit_code == 0, run.stdout
    assert rootly.requests_to("POST", "/v1/incidents") == []
    assert f'"service_ids": [\n        "{PAYMENTS}"\n      ]' in run.stdout


@every_setting("name_filters")
def test_a_user_by_email_is_that_email_whatever_the_filter_answers(
    action: ActionHarness, rootly: RootlyStandIn
) -> None:
    # Alice comes first in every answer that is not exact: the action must check.
    run = action.run({"form-fields": "Release owners: [bob@acme.test]"})

    assert run.exit_code == 0, run.stdout
    values = rootly.form_field_selections[rootly.incidents[0]["id"]]
    owners = [v for v in values if v["form_field_id"] == stable_id("form_fields", "release-owners")]
    assert owners == [
        {
            "form_field_id": stable_id("form_fields", "release-owners"),
            "selected_user_ids": [int(stable_id("users", "bob@acme.test"))],
        }
    ]
