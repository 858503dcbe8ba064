"""How the stand-in behaves where Rootly's documentation is silent, and injected faults.

Every switch has one setting per plausible behaviour of real Rootly; the default is the
reading of Rootly's spec (`rootly-openapi.json`). End-to-end tests whose outcome depends
on a switch run under every setting.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, get_args

__all__ = ["SETTINGS", "Answer", "Behaviour", "Fault", "error_document"]

NestedFormFields = Literal["refuse", "accept", "drop"]
Idempotency = Literal["ignored", "replayed", "strict"]
Paging = Literal["offset", "cursor", "no_totals"]
NumericIds = Literal["not_found", "accepted"]
DuplicateCall = Literal["refuse", "accept", "not_found"]
NameFilters = Literal["exact", "substring", "ignored"]
DefaultListing = Literal["top_level", "everything"]
SeverityShape = Literal["object", "null", "missing"]
SlugShape = Literal["bare", "numbered"]
RateLimitHeaders = Literal["x_prefixed", "bare"]
LeavingFinal = Literal["refuse", "allow"]
RepeatedMove = Literal["allow", "refuse"]
UpdateLabels = Literal["replace", "merge"]
LabelsShape = Literal["object", "array", "array_in_single_reads"]


@dataclass
class Behaviour:
    """The stand-in's answer to each question the spec leaves open."""

    # `form_field_selections_attributes` inside POST /v1/incidents: the guide shows it,
    # the spec's closed `new_incident` has no such attribute.
    nested_form_fields: NestedFormFields = "refuse"
    # `form_field_selections` (no `_attributes`) inside POST /v1/incidents: what Rootly's
    # own CLI sends; not in the spec either.
    form_field_selections: NestedFormFields = "refuse"
    # The `Idempotency-Key` header on POST /v1/incidents (Rootly's generated client sends
    # it; the spec copy does not list it): ignored; honoured, a request with a key seen
    # before answered 200 with the incident it made; or honoured like that for the same
    # body and refused (422) for another body.
    idempotency: Idempotency = "ignored"
    # How lists page: by `page[number]` with totals in `meta` (the spec); with a
    # `meta.next_cursor` for `page[after]` and deep page numbers refused (400) on
    # incidents; or answers without `total_pages`, `total_count` and `links.next`.
    paging: Paging = "offset"
    # GET /v1/incidents/{id} with the incident's number (`42`): Rootly's CLI says it is
    # taken; the spec does not say so.
    numeric_ids: NumericIds = "not_found"
    # PUT /v1/incidents/{id}/duplicate with `duplicate_incident_id`: Rootly's docs name
    # it, the spec gives the call the resolve body, closed to other attributes.
    duplicate_call: DuplicateCall = "refuse"
    # `filter[name]` and `filter[slug]` (and their `[in]` forms) on catalog lists.
    name_filters: NameFilters = "exact"
    # GET /v1/incidents without a kind filter: sub-incidents and test incidents left out
    # of the default listing, or listed with the rest.
    default_listing: DefaultListing = "top_level"
    # An incident's `severity` in answers: an object, null, or left out.
    severity: SeverityShape = "object"
    # An incident's slug: `deploy-failed` (Rootly's published examples), or
    # `12-deploy-failed`.
    slug: SlugShape = "bare"
    # Rate-limit headers on every answer: `X-RateLimit-Remaining`, or (older
    # deployments) `RateLimit-Remaining`.
    rate_limit_headers: RateLimitHeaders = "x_prefixed"
    # PUT .../mitigate, .../resolve, .../cancel on an incident that is resolved, closed
    # or cancelled (to another status): refused with a 422, or done.
    leaving_final: LeavingFinal = "refuse"
    # The same move again (resolving a resolved incident, as racing jobs do): done again,
    # or refused with a 422.
    repeated_move: RepeatedMove = "allow"
    # `labels` in PUT /v1/incidents/{id}: the object replaces the incident's labels, or
    # is merged into them.
    update_labels: UpdateLabels = "replace"
    # `labels` in answers: the spec's object, an array of `{key, value}` (what Rootly's
    # CLI reads first), or an array when one incident is answered and an object in lists.
    labels: LabelsShape = "object"


# Every setting of each switch, the default (the spec's reading) first.
SETTINGS: dict[str, tuple[str, ...]] = {
    name: get_args(kinds)
    for name, kinds in (
        ("nested_form_fields", NestedFormFields),
        ("form_field_selections", NestedFormFields),
        ("idempotency", Idempotency),
        ("paging", Paging),
        ("numeric_ids", NumericIds),
        ("duplicate_call", DuplicateCall),
        ("name_filters", NameFilters),
        ("default_listing", DefaultListing),
        ("severity", SeverityShape),
        ("slug", SlugShape),
        ("rate_limit_headers", RateLimitHeaders),
        ("leaving_final", LeavingFinal),
        ("repeated_move", RepeatedMove),
        ("update_labels", UpdateLabels),
        ("labels", LabelsShape),
    )
}
# Each Literal lists the spec's reading first, and that is the default.
assert all(getattr(Behaviour(), name) == values[0] for name, values in SETTINGS.items())


@dataclass
class Fault:
    """An answer to give instead of the normal one, to the next matching requests."""

    method: str
    template: str
    status: int | None = 500  # None: after the delay, answer as usual
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    drop: bool = False  # close the connection without answering, before acting
    drop_after: bool = False  # act as usual, then close the connection without answering
    garble: bool = False  # act as usual, then answer with a body that is not JSON
    times: int = 1
    skip: int = 0  # let this many matching requests through first


class Answer(Exception):
    """Raised while handling a request to answer at once with an error document."""

    def __init__(self, status: int, title: str) -> None:
        super().__init__(title)
        self.status = status
        self.title = title


def error_document(status: int, title: str) -> dict[str, Any]:
    """Rootly's error body: a list of errors whose `title` carries the message."""
    return {"errors": [{"title": title, "status": str(status), "code": None, "detail": None}]}
