"""Exact rules added for Rootly's real API and for hardening, driven directly (the unit
rung, which mutation testing runs)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from builders import incident_draft

from rootly_incident_action.errors import InvalidInputs
from rootly_incident_action.github.context import RunContext, Watcher, read_run_context
from rootly_incident_action.inputs import parse_inputs
from rootly_incident_action.parsing import readable
from rootly_incident_action.plan.dedup import idempotency_key, run_attempt
from rootly_incident_action.plan.draft import FORM_FIELD_ATTRIBUTES, duplicate_reason
from rootly_incident_action.rootly.requests import FormFieldSelection

RUN = RunContext(
    server_url="https://github.example.com",
    repository="acme/shop",
    workflow="Deploy",
    job="deploy",
    run_id="77",
    run_attempt="2",
)


def test_undecodable_bytes_are_named_by_input_byte_and_position_every_one() -> None:
    with pytest.raises(InvalidInputs) as failed:
        parse_inputs(
            {"api-token": "tok\udc80en", "title": "ab\udcff", "summary": "fine", "labels": "\udce9"}
        )

    assert [problem.message for problem in failed.value.problems] == [
        "input 'api-token': '***' is not valid; it is not UTF-8 text (byte 0x80 at character "
        "4); write it in UTF-8 (a workflow file saved in another encoding does this)",
        "input 'title': 'ab\ufffd' is not valid; it is not UTF-8 text (byte 0xff at character "
        "3); write it in UTF-8 (a workflow file saved in another encoding does this)",
        "input 'labels': '\ufffd' is not valid; it is not UTF-8 text (byte 0xe9 at character "
        "1); write it in UTF-8 (a workflow file saved in another encoding does this)",
    ]


def test_an_undecodable_input_hides_no_other_problem() -> None:
    with pytest.raises(InvalidInputs) as failed:
        parse_inputs({"api-token": "t", "title": "\udcff", "timeout-seconds": "never"})

    assert [problem.name for problem in failed.value.problems] == ["title", "timeout-seconds"]


@pytest.mark.parametrize(
    ("text", "shown"),
    [("plain", "plain"), ("caf\udce9", "caf\ufffd"), ("\udcc3\udca9", "é"), ("", "")],
)
def test_readable_replaces_only_what_is_not_utf8(text: str, shown: str) -> None:
    assert readable(text) == shown


def test_the_run_attempt_is_the_steps_own_the_watchers_on_workflow_run() -> None:
    assert run_attempt(RUN) == "acme/shop/77/2"
    assert run_attempt(replace(RUN, run_attempt="")) == "acme/shop/77/1"
    assert run_attempt(replace(RUN, run_id="")) == ""
    watched = replace(RUN, watcher=Watcher("555", "3", "Declare", "https://x"))
    assert run_attempt(watched) == "acme/shop/555/3"
    assert run_attempt(replace(watched, watcher=Watcher("555", "", "", ""))) == "acme/shop/555/1"


def test_the_idempotency_key_changes_with_each_part_and_nothing_else() -> None:
    key = idempotency_key("rootly_action_dedup_key=k", "acme/shop/77/1", "")
    assert key.startswith("rootly-action-") and len(key) == len("rootly-action-") + 32
    assert key == idempotency_key("rootly_action_dedup_key=k", "acme/shop/77/1", "")
    others = {
        idempotency_key("rootly_action_dedup_key=j", "acme/shop/77/1", ""),
        idempotency_key("rootly_action_dedup_key=k", "acme/shop/77/2", ""),
        idempotency_key("rootly_action_dedup_key=k", "acme/shop/77/1", FORM_FIELD_ATTRIBUTES[0]),
    }
    assert key not in others and len(others) == 3


def test_a_duplicates_reason_names_the_run_escaped_and_linked_on_the_server() -> None:
    assert duplicate_reason(RUN) == (
        "Declared again by job 'deploy' of workflow 'Deploy', run 77 attempt 2 "
        "(https://github.example.com/acme/shop/actions/runs/77/attempts/2), while another "
        "job declared the same failure first; cancelled as a duplicate."
    )
    bare = replace(RUN, job="", run_attempt="", workflow="Ship [now](javascript:x)")
    assert duplicate_reason(bare) == (
        "Declared again by workflow 'Ship \\[now\\]\\(javascript:x\\)', run 77 "
        "(https://github.example.com/acme/shop/actions/runs/77), while another job declared "
        "the same failure first; cancelled as a duplicate."
    )
    elsewhere = replace(RUN, failed_run_url="https://evil.example/run")
    assert "evil" not in duplicate_reason(elsewhere)
    assert "(https" not in duplicate_reason(elsewhere)
    assert duplicate_reason(replace(RUN, run_id="")) == (
        "Declared again from the command line for the same failure; cancelled as a duplicate."
    )


def watched(html_url: str, tmp_path: Path) -> RunContext:
    event = {"workflow_run": {"id": 5, "run_attempt": 2, "html_url": html_url, "name": "CI"}}
    path = tmp_path / "event.json"
    path.write_text(json.dumps(event), encoding="utf-8")
    return read_run_context(
        {
            "GITHUB_SERVER_URL": "https://github.example.com",
            "GITHUB_REPOSITORY": "acme/shop",
            "GITHUB_RUN_ID": "555",
            "GITHUB_RUN_ATTEMPT": "1",
            "GITHUB_EVENT_NAME": "workflow_run",
            "GITHUB_EVENT_PATH": str(path),
        }
    )


def test_a_watched_runs_page_is_taken_only_on_the_github_server(tmp_path: Path) -> None:
    own = watched("https://github.example.com/acme/shop/actions/runs/5", tmp_path)
    assert own.run_url == "https://github.example.com/acme/shop/actions/runs/5/attempts/2"
    for elsewhere in ("https://evil.example/acme/shop/actions/runs/5", "javascript:x", ""):
        context = watched(elsewhere, tmp_path)
        # Built from the server and the run instead, pinned to the watched attempt.
        assert context.run_url == "https://github.example.com/acme/shop/actions/runs/5/attempts/2"


def test_the_create_is_tried_with_the_values_under_each_name_then_without() -> None:
    selection: FormFieldSelection = {"form_field_id": "f1", "value": "eu"}
    draft = incident_draft(title="T", form_field_selections=(selection,))
    forms = draft.create_bodies()

    assert [name for name, _ in forms] == [*FORM_FIELD_ATTRIBUTES, ""]
    assert [body for _, body in forms] == [
        {"title": "T", "form_field_selections_attributes": [selection]},
        {"title": "T", "form_field_selections": [selection]},
        {"title": "T"},
    ]
    plain = replace(draft, form_field_selections=())
    assert plain.create_bodies() == (("", {"title": "T"}),)
