"""What a user reads after an operation on existing incidents, exactly."""

from __future__ import annotations

from fakes import RecordingRunner, incident

from rootly_incident_action.flows.operate import Operated, nothing_open
from rootly_incident_action.github.report import (
    OUTPUT_NAMES,
    report_nothing_open,
    report_operated,
    report_operation_dry_run,
)
from rootly_incident_action.inputs import ActionInputs, Secret
from rootly_incident_action.plan.lifecycle import plan_change


def inputs(**changes: object) -> ActionInputs:
    base: dict[str, object] = {
        "api_token": Secret("tok"),
        "api_url": "https://api.rootly.test",
        "operation": "resolve",
        "dedup_key": "deploy-production",
    }
    return ActionInputs(**{**base, **changes})  # type: ignore[arg-type]


def test_each_incident_gets_a_log_line_and_a_row_and_the_outputs_name_the_first() -> None:
    runner = RecordingRunner()
    first = incident(3, status="resolved", title="Checkout down")
    second = incident(4, status="resolved", private=True, title="Card data")
    operated = Operated((first, second), changed=("id-3", "id-4"), left_alone={})

    report_operated(runner, operated, operation="resolve", made_private=False)

    assert runner.outputs["incident-id"] == "id-3"
    assert runner.outputs["incident-status"] == "resolved"
    assert (runner.outputs["created"], runner.outputs["changed"]) == ("false", "true")
    assert list(runner.outputs) == list(OUTPUT_NAMES)
    assert runner.said("info") == [
        "Incident #3 resolved (status: resolved): https://rootly.test/incidents/3-incident",
        "Incident #4 resolved (status: resolved): https://rootly.link/4",
    ]
    assert runner.summary == [
        "### ✅ Rootly: 2 of 2 incident(s) resolved\n\n"
        "| Incident | Status | This step |\n|---|---|---|\n"
        "| [\\#3 Checkout down](https://rootly.test/incidents/3-incident) | resolved | resolved |\n"
        "| [\\#4](https://rootly.link/4) (private) | resolved | resolved |"
    ]


def test_an_incident_left_alone_says_why_and_nothing_changed() -> None:
    runner = RecordingRunner()
    done = incident(3, status="resolved")
    operated = Operated((done,), changed=(), left_alone={"id-3": "it is already resolved"})

    report_operated(runner, operated, operation="mitigate", made_private=False)

    assert runner.outputs["changed"] == "false"
    assert runner.said("info") == ["Incident #3 left as it is: it is already resolved."]
    assert runner.summary[0].startswith("### ☑️ Rootly: nothing to do, 1 incident(s) already")
    assert "| unchanged: it is already resolved |" in runner.summary[0]


def test_a_private_update_hides_the_title_even_before_rootly_says_it_is_private() -> None:
    runner = RecordingRunner()
    operated = Operated((incident(3, title="Payroll"),), changed=("id-3",), left_alone={})

    report_operated(runner, operated, operation="update", made_private=True)

    assert "Payroll" not in "".join(runner.summary) + str(runner.lines)


def test_nothing_open_is_one_line_and_empty_outputs() -> None:
    runner = RecordingRunner()

    report_nothing_open(runner, nothing_open(inputs()))

    line = (
        "No open incident carries the dedup key 'deploy-production' (incidents created in "
        "the last 168 h were searched): nothing to resolve."
    )
    assert runner.said("info") == [line]
    assert runner.outputs == {name: "" for name in OUTPUT_NAMES} | {
        "created": "false",
        "changed": "false",
    }


def test_a_dry_run_prints_every_write_with_the_token_hidden_and_private_text_hidden() -> None:
    runner = RecordingRunner()
    secret = incident(5, private=True)
    changes = [
        plan_change("resolve", incident(3), message="Fixed", event="Resolved: Fixed"),
        plan_change("resolve", incident(4, status="resolved"), message="m", event="e"),
        plan_change("resolve", secret, message="Fixed the payroll leak", event="payroll"),
    ]

    report_operation_dry_run(
        runner,
        changes,
        operation="resolve",
        made_private=False,
        base_url="https://api.rootly.test",
        user_agent="agent/1",
    )

    groups = runner.said("group")
    assert groups == [
        "Dry run: the resolve call on incident #3",
        "Dry run: the timeline event on incident #3",
        "Dry run: the resolve call on incident #5",
        "Dry run: the timeline event on incident #5",
    ]
    info = runner.said("info")
    assert "PUT https://api.rootly.test/v1/incidents/id-3/resolve" in info
    assert "Authorization: Bearer ***" in info
    assert "Dry run: incident #4 would be left as it is: it is already resolved." in info
    assert not any("payroll" in line for line in info)
    assert info[-1] == "Dry run: every input is valid; 4 write(s) were not sent to Rootly."
    assert runner.summary == [
        "### 🧪 Rootly resolve dry run\n\nThe inputs are valid. The action would send 4 "
        "write(s) to 3 incident(s); nothing was sent. The exact requests are in the step's log."
    ]


def test_nothing_open_names_the_parent_key_when_that_was_the_target() -> None:
    runner = RecordingRunner()

    report_nothing_open(runner, nothing_open(inputs(dedup_key=None, parent_key="nightly-tests")))

    assert runner.said("info") == [
        "No open parent incident carries the parent key 'nightly-tests' (incidents created "
        "in the last 168 h were searched): nothing to resolve."
    ]
