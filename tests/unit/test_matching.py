"""Exact matching rules, without a network."""

from __future__ import annotations

import pytest

from rootly_incident_action.catalog.matching import (
    Ambiguous,
    CatalogEntry,
    Matched,
    Missing,
    closest,
    match,
)

CHECKOUT = CatalogEntry("id-1", "Checkout", "checkout")
CHECKOUT_LOWER = CatalogEntry("id-2", "checkout", "checkout-2")
SEARCH = CatalogEntry("id-3", "Search  API", "search-api")
PAYMENTS = CatalogEntry("id-4", "Payments", "payments")
GATEWAY = CatalogEntry("id-5", "Payments Gateway", "payments-gateway")
# A slug that is another entry's name: the slug rule wins because it comes first.
TRICKY = CatalogEntry("id-6", "Billing", "Payments")
ENTRIES = [CHECKOUT, CHECKOUT_LOWER, SEARCH, PAYMENTS, GATEWAY]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("id-2", CHECKOUT_LOWER),
        ("checkout", CHECKOUT),  # slug before name
        ("checkout-2", CHECKOUT_LOWER),
        ("Checkout", CHECKOUT),  # exact name before loose name
        ("search api", SEARCH),  # case and runs of whitespace ignored
        ("  SEARCH\tapi ", SEARCH),
        ("payments gateway", GATEWAY),
    ],
)
def test_the_best_rule_decides(text: str, expected: CatalogEntry) -> None:
    assert match(text, ENTRIES) == Matched(expected)


def test_a_slug_beats_another_entrys_name() -> None:
    assert match("Payments", [PAYMENTS, TRICKY]) == Matched(TRICKY)


def test_two_matches_at_the_best_rule_are_ambiguous() -> None:
    outcome = match("CHECKOUT", ENTRIES)
    assert isinstance(outcome, Ambiguous)
    assert outcome.candidates == (CHECKOUT, CHECKOUT_LOWER)
    assert outcome.rule == "name ignoring case and spacing"


def test_a_prefix_is_never_a_match() -> None:
    outcome = match("Pay", ENTRIES)
    assert isinstance(outcome, Missing)
    assert outcome.closest[:2] == (PAYMENTS, GATEWAY)


def test_closest_names_are_ranked_and_unrelated_ones_left_out() -> None:
    assert closest("Paymnts", ENTRIES)[0] == PAYMENTS
    assert closest("zzzz", ENTRIES) == ()


def test_an_empty_catalog_is_missing_with_nothing_close() -> None:
    assert match("anything", []) == Missing(())
