"""Finds out how a real Rootly account behaves where Rootly's documentation is silent.

For a maintainer or user with an API token: it makes a few test incidents (`kind: test`,
titled "rootly-incident-action probe ... (safe to delete)"), asks one question per
undocumented behaviour, deletes everything it made, and prints a table named after the
stand-in's switches (tests/rootly_standin/behaviour.py). `--json FILE` writes the
findings as JSON that the stand-in takes as its behaviour
(`python -m rootly_standin --behaviour FILE`), so tests can run against that account's
Rootly.

    ROOTLY_API_TOKEN=... scripts/probe-rootly [--api-url URL] [--json FILE]

The token is read from the environment only (a command line shows in `ps`) and is
never printed. Each question that cannot be answered (a feature the account lacks, a
catalog with no text form field) is reported as unknown, with the reason.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import httpx

MEDIA_TYPE = "application/vnd.api+json"
TITLE = "rootly-incident-action probe {} (safe to delete)"
UNKNOWN = "unknown"


class Unanswerable(Exception):
    """A question this account cannot answer; the message says why."""


@dataclass
class Findings:
    """What was found, by stand-in switch, with the evidence for each."""

    settings: dict[str, str] = field(default_factory=dict)
    evidence: dict[str, str] = field(default_factory=dict)
    rate_limit: dict[str, str] = field(default_factory=dict)
    left_behind: list[str] = field(default_factory=list)

    def found(self, switch: str, setting: str, evidence: str) -> None:
        self.settings[switch] = setting
        self.evidence[switch] = evidence

    def behaviour(self) -> dict[str, str]:
        """The settings that were determined, as the stand-in's behaviour takes them."""
        return {k: v for k, v in self.settings.items() if v != UNKNOWN}


class Probe:
    """One probing session against one account; `run` asks every question."""

    def __init__(self, client: httpx.Client) -> None:
        self._http = client
        self._token = uuid.uuid4().hex[:8]
        self._made: list[str] = []  # incident IDs, in creation order
        self.findings = Findings()

    # -- talking -------------------------------------------------------------------------

    def _send(self, method: str, path: str, body: Any = None, **kwargs: Any) -> httpx.Response:
        response = self._http.request(method, path, json=body, **kwargs)
        limit = {
            name: response.headers.get(f"{prefix}ratelimit-{name}", "")
            for prefix in ("x-", "")
            for name in ("limit", "remaining", "reset")
            if response.headers.get(f"{prefix}ratelimit-{name}")
        }
        if limit:
            self.findings.rate_limit.update(limit)
        return response

    def _create(
        self, label: str, attributes: dict[str, Any] | None = None, key: str = ""
    ) -> httpx.Response:
        body = {
            "data": {
                "type": "incidents",
                "attributes": {
                    "title": TITLE.format(label),
                    "kind": "test",
                    "labels": {"rootly_action_probe": self._token, "probe_flag": "kept"},
                    **(attributes or {}),
                },
            }
        }
        headers = {"Idempotency-Key": key} if key else {}
        response = self._send("POST", "/v1/incidents", body, headers=headers)
        if response.status_code in (200, 201):
            made = _one(response)["id"]
            if made not in self._made:
                self._made.append(made)
        return response

    def _get(self, path: str, params: dict[str, Any] | None = None) -> httpx.Response:
        return self._send("GET", path, params=params)

    # -- the questions ---------------------------------------------------------------------

    def run(self) -> Findings:
        """Ask every question, then delete what was made (even after a failure)."""
        since = (datetime.now(UTC) - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        try:
            first = self._first_incident()
            self._ask("numeric_ids", lambda: self._numeric_ids(first))
            second = self._ask_idempotency()
            self._ask("labels", lambda: self._labels(first, since))
            self._ask("paging", lambda: self._paging(since))
            self._ask("default_listing", lambda: self._default_listing(first, since))
            self._ask(
                "nested_form_fields", partial(self._form_fields, "form_field_selections_attributes")
            )
            self._ask("form_field_selections", partial(self._form_fields, "form_field_selections"))
            self._ask("name_filters", self._name_filters)
            self._ask("duplicate_call", lambda: self._duplicate_call(second, first))
            self._ask("update_labels", lambda: self._update_labels(first))
            self._ask("repeated_move", lambda: self._repeated_move(first))
            self._ask("leaving_final", lambda: self._leaving_final(first))
        finally:
            self._clean_up()
        return self.findings

    def _ask(self, switch: str, question: Callable[[], tuple[str, str]]) -> None:
        try:
            setting, evidence = question()
        except Unanswerable as reason:
            setting, evidence = UNKNOWN, str(reason)
        self.findings.found(switch, setting, evidence)

    def _first_incident(self) -> dict[str, Any]:
        """A test incident with a severity: its answer shows the slug, severity and
        rate-limit header shapes."""
        severities = _many(self._get("/v1/severities", {"page[size]": 1}))
        attributes = {"severity_id": severities[0]["id"]} if severities else {}
        response = self._create("A", attributes)
        if response.status_code not in (200, 201):
            raise SystemExit(
                f"probe: Rootly refused a test incident ({response.status_code}: "
                f"{_titles(response)}); nothing was made. Does the account require a form "
                "field at creation, or lack test incidents?"
            )
        incident = _one(response)
        found = self.findings
        attributes = incident["attributes"]
        number = attributes.get("sequential_id")
        slug = str(attributes.get("slug") or "")
        shape = "numbered" if slug.startswith(f"{number}-") else "bare"
        found.found("slug", shape, f"slug {slug!r} of incident number {number}")
        if not severities:
            found.found("severity", UNKNOWN, "the account has no severity to set")
        elif "severity" not in attributes:
            found.found("severity", "missing", "the create's answer has no severity field")
        elif attributes["severity"] is None:
            found.found("severity", "null", "the create's answer has severity: null")
        else:
            found.found("severity", "object", "the create's answer has a severity object")
        prefixed = any(name.lower().startswith("x-ratelimit-") for name in response.headers)
        bare = any(name.lower().startswith("ratelimit-") for name in response.headers)
        headers = "x_prefixed" if prefixed else "bare" if bare else UNKNOWN
        found.found("rate_limit_headers", headers, "the create's answer headers")
        return incident

    def _numeric_ids(self, incident: dict[str, Any]) -> tuple[str, str]:
        number = incident["attributes"].get("sequential_id")
        response = self._get(f"/v1/incidents/{number}")
        if response.status_code == 200 and _one(response)["id"] == incident["id"]:
            return "accepted", f"GET /v1/incidents/{number} answered the incident"
        return "not_found", f"GET /v1/incidents/{number} answered {response.status_code}"

    def _ask_idempotency(self) -> dict[str, Any]:
        """Send one create twice with one key, then once more with another body."""
        key = f"rootly-action-probe-{self._token}"
        first = self._create("B", key=key)
        if first.status_code not in (200, 201):
            raise SystemExit(f"probe: the second test incident was refused: {_titles(first)}")
        made = _one(first)
        again = self._create("B", key=key)
        if again.status_code not in (200, 201):
            self.findings.found(
                "idempotency", UNKNOWN, f"the resend was answered {again.status_code}"
            )
            return made
        if _one(again)["id"] != made["id"]:
            self.findings.found("idempotency", "ignored", "the resend made a second incident")
            return made
        other = self._create("B changed", key=key)
        if other.status_code in (400, 409, 422):
            setting, said = "strict", f"another body with the key: {other.status_code}"
        else:
            setting, said = "replayed", f"another body with the key: {other.status_code}"
        self.findings.found("idempotency", setting, f"the resend answered 200; {said}")
        return made

    def _labels(self, incident: dict[str, Any], since: str) -> tuple[str, str]:
        single = _one(self._get(f"/v1/incidents/{incident['id']}"))["attributes"]["labels"]
        listed = [
            item
            for item in _many(self._get("/v1/incidents", _window(since, "test")))
            if item["id"] == incident["id"]
        ]
        in_list = listed[0]["attributes"]["labels"] if listed else None
        said = f"one read: {type(single).__name__}; list: {type(in_list).__name__}"
        if isinstance(single, list):
            return ("array" if isinstance(in_list, list) else "array_in_single_reads"), said
        return "object", said

    def _paging(self, since: str) -> tuple[str, str]:
        document = self._get("/v1/incidents", {**_window(since, "test"), "page[size]": 1}).json()
        meta = document.get("meta") or {}
        if "total_pages" not in meta:
            return "no_totals", f"meta: {sorted(meta)}"
        if meta.get("next_cursor"):
            return "cursor", "meta.next_cursor is given"
        return "offset", "meta has totals and no next_cursor"

    def _default_listing(self, parent: dict[str, Any], since: str) -> tuple[str, str]:
        child = self._create("A sub", {"parent_incident_id": parent["id"]})
        if child.status_code not in (200, 201):
            raise Unanswerable(f"a sub-incident was refused ({_titles(child)})")
        child_id = _one(child)["id"]
        params = {"filter[created_at][gte]": since, "page[size]": 100}
        listed = {item["id"] for item in _many(self._get("/v1/incidents", params))}
        if child_id in listed and parent["id"] in listed:
            return "everything", "the list without a kind filter shows test sub-incidents"
        return "top_level", "the list without a kind filter leaves test incidents out"

    def _form_fields(self, name: str) -> tuple[str, str]:
        field_id = self._text_form_field()
        values = [{"form_field_id": field_id, "value": "probe"}]
        response = self._create(f"form fields as {name}", {name: values})
        if response.status_code not in (200, 201):
            return "refuse", f"the create was answered {response.status_code}"
        made = _one(response)["id"]
        kept = _many(self._get(f"/v1/incidents/{made}/form_field_selections"))
        if any(item["attributes"].get("form_field_id") == field_id for item in kept):
            return "accept", "the value is on the incident"
        return "drop", "the create succeeded without the value"

    def _text_form_field(self) -> str:
        fields = _many(self._get("/v1/form_fields", {"page[size]": 100}))
        for item in fields:
            attributes = item["attributes"]
            if attributes.get("kind") == "custom" and attributes.get("input_kind") in (
                "text",
                "textarea",
            ):
                return str(item["id"])
        raise Unanswerable("the account has no custom text form field to try")

    def _name_filters(self) -> tuple[str, str]:
        services = _many(self._get("/v1/services", {"page[size]": 100}))
        named = [s for s in services if len(str(s["attributes"].get("name") or "")) >= 4]
        if not named:
            raise Unanswerable("the account has no service with a name to try")
        name = str(named[0]["attributes"]["name"])
        nothing = _many(self._get("/v1/services", {"filter[name]": f"zz-no-such-{self._token}"}))
        if nothing:
            return "ignored", "a name no service has still lists services"
        inner = _many(self._get("/v1/services", {"filter[name]": name[1:-1]}))
        if any(s["id"] == named[0]["id"] for s in inner):
            return "substring", f"part of {name!r} finds it"
        return "exact", f"part of {name!r} finds nothing"

    def _duplicate_call(
        self, duplicate: dict[str, Any], original: dict[str, Any]
    ) -> tuple[str, str]:
        body = {
            "data": {
                "type": "incidents",
                "attributes": {
                    "duplicate_incident_id": original["id"],
                    "reason_for_cancellation": "rootly-incident-action probe",
                },
            }
        }
        response = self._send("PUT", f"/v1/incidents/{duplicate['id']}/duplicate", body)
        setting = {404: "not_found"}.get(response.status_code, "refuse")
        if response.is_success:
            setting = "accept"
        return setting, f"answered {response.status_code}"

    def _update_labels(self, incident: dict[str, Any]) -> tuple[str, str]:
        body = {"data": {"type": "incidents", "attributes": {"labels": {"probe_second": "y"}}}}
        self._send("PUT", f"/v1/incidents/{incident['id']}", body)
        labels = _one(self._get(f"/v1/incidents/{incident['id']}"))["attributes"]["labels"]
        keys = {entry["key"] for entry in labels} if isinstance(labels, list) else set(labels)
        if "probe_flag" in keys:
            return "merge", "an update with one label kept the others"
        return "replace", "an update with one label removed the others"

    def _repeated_move(self, incident: dict[str, Any]) -> tuple[str, str]:
        base = f"/v1/incidents/{incident['id']}"
        resolve = {"data": {"type": "incidents", "attributes": {"resolution_message": "probe"}}}
        if not self._send("PUT", f"{base}/resolve", resolve).is_success:
            raise Unanswerable("the test incident could not be resolved")
        again = self._send("PUT", f"{base}/resolve", resolve)
        setting = "allow" if again.is_success else "refuse"
        return setting, f"resolving a resolved incident answered {again.status_code}"

    def _leaving_final(self, incident: dict[str, Any]) -> tuple[str, str]:
        """Mitigate the incident `_repeated_move` resolved."""
        base = f"/v1/incidents/{incident['id']}"
        if _one(self._get(base))["attributes"].get("status") != "resolved":
            raise Unanswerable("the test incident is not resolved")
        mitigate = {"data": {"type": "incidents", "attributes": {"mitigation_message": "probe"}}}
        response = self._send("PUT", f"{base}/mitigate", mitigate)
        setting = "allow" if response.is_success else "refuse"
        return setting, f"mitigating a resolved incident answered {response.status_code}"

    def _clean_up(self) -> None:
        for incident_id in reversed(self._made):  # sub-incidents before their parents
            response = self._send("DELETE", f"/v1/incidents/{incident_id}")
            if not response.is_success and response.status_code != 404:
                self.findings.left_behind.append(incident_id)


def _data(response: httpx.Response) -> Any:
    document = response.json() if response.content else {}
    return document.get("data") if isinstance(document, dict) else None


def _one(response: httpx.Response) -> dict[str, Any]:
    """The one resource an answer carries."""
    found = _data(response)
    if not isinstance(found, dict):
        raise Unanswerable(f"an answer ({response.status_code}) carried no resource")
    return found


def _many(response: httpx.Response) -> list[dict[str, Any]]:
    """The resources a list answer carries."""
    found = _data(response)
    return [item for item in found if isinstance(item, dict)] if isinstance(found, list) else []


def _titles(response: httpx.Response) -> str:
    try:
        errors = response.json().get("errors") or []
    except ValueError:
        return response.reason_phrase
    return "; ".join(str(error.get("title")) for error in errors) or response.reason_phrase


def _window(since: str, kinds: str) -> dict[str, Any]:
    return {"filter[created_at][gte]": since, "filter[kind][in]": kinds, "page[size]": 100}


def probe(api_url: str, token: str, transport: httpx.BaseTransport | None = None) -> Findings:
    """Probe the account `token` belongs to; everything made is deleted again."""
    headers = {
        "Authorization": f"Bearer {token}",
        "Accept": MEDIA_TYPE,
        "Content-Type": MEDIA_TYPE,
        "User-Agent": "rootly-incident-action-probe",
    }
    with httpx.Client(base_url=api_url, headers=headers, timeout=30, transport=transport) as http:
        return Probe(http).run()


def table(findings: Findings) -> str:
    """The findings as a plain table: switch, setting, evidence."""
    rows = [("switch", "setting", "evidence")]
    rows += [(k, v, findings.evidence.get(k, "")) for k, v in findings.settings.items()]
    if findings.rate_limit:
        numbers = ", ".join(f"{k}={v}" for k, v in sorted(findings.rate_limit.items()))
        rows.append(("(rate limit)", "", numbers))
    width = [max(len(row[i]) for row in rows) for i in range(2)]
    return "\n".join(f"{a:<{width[0]}}  {b:<{width[1]}}  {c}".rstrip() for a, b, c in rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--api-url", default="https://api.rootly.com")
    parser.add_argument("--json", type=Path, help="write the findings here as stand-in settings")
    args = parser.parse_args(argv)
    token = os.environ.get("ROOTLY_API_TOKEN", "")
    if not token:
        print("probe: set ROOTLY_API_TOKEN to a Rootly API token", file=sys.stderr)
        return 2
    try:
        findings = probe(args.api_url, token)
    except httpx.HTTPError as problem:
        print(f"probe: talking to {args.api_url} failed: {type(problem).__name__}", file=sys.stderr)
        return 1
    print(table(findings))
    if findings.left_behind:
        print(f"Could not delete: {', '.join(findings.left_behind)} (delete them in Rootly).")
    if args.json:
        args.json.write_text(json.dumps(findings.behaviour(), indent=2, sort_keys=True) + "\n")
        print(f"wrote {args.json}")
    return 1 if findings.left_behind else 0


if __name__ == "__main__":
    raise SystemExit(main())
