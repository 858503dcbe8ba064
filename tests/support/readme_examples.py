"""The documented example workflows, read from the README, CONTRIBUTING.md and docs/
themselves, so every example is tested.

An example is a ```yaml block with at least one step that `uses:` this action (the
Docker action or the Python one; both run the same entrypoint). Its jobs
run in the order written; each step that uses the action runs through a harness (the
entrypoint, or the built image) with its `with:` inputs, and `${{ ... }}` expressions are
evaluated the way GitHub would for a failing run: secrets, `github.*`, the first value of
each matrix entry, and the outputs of earlier steps (`steps.ID.outputs.NAME`) and jobs
(`needs.JOB.outputs.NAME`). An expression this module cannot evaluate fails the test that
meets it, so a new kind of example cannot slip through untested.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from action_harness import ROOT, RUN_ID, SHA, ActionRun

ACTION_USES = re.compile(r"^[\w<>.-]+/rootly-incident-action(/python)?@[\w.-]+$")
WORKFLOW_BLOCK = re.compile(r"^```yaml\n(.*?)^```$", re.M | re.S)
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")

# `github.*` as a failing run of the Deploy workflow on main sees it (action_harness's run).
GITHUB_CONTEXT = {
    "ref_name": "main",
    "sha": SHA,
    "workflow": "Deploy",
    "run_id": RUN_ID,
    "repository": "acme/shop",
    "workspace": "/github/workspace",
}


@dataclass(frozen=True)
class ActionStep:
    """One step of an example that uses the action."""

    job: str
    step_id: str | None
    inputs: dict[str, str]
    env: dict[str, str]


def documents() -> list[Path]:
    """Every document whose examples users copy: the README, CONTRIBUTING.md, docs/."""
    return [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").glob("*.md"))]


def workflow_blocks() -> list[tuple[Path, str]]:
    """Every ```yaml block that shows a workflow or a job: a top-level `on:` or `jobs:`."""
    found = []
    for path in documents():
        for match in WORKFLOW_BLOCK.finditer(path.read_text(encoding="utf-8")):
            if re.search(r"^(on|jobs):", match[1], re.M):
                found.append((path, match[1]))
    return found


@dataclass
class Example:
    """One ```yaml block of the docs: its heading, its jobs, and the steps that use us."""

    heading: str
    jobs: dict[str, dict[str, Any]]
    steps: list[ActionStep] = field(default_factory=list)
    # The inputs of `on: workflow_dispatch`, which a person gives when starting it.
    dispatch_inputs: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return re.sub(r"[^a-z0-9]+", "-", self.heading.lower()).strip("-")


def readme_examples() -> list[Example]:
    """Every documented example that uses the action, in the order the documents show them."""
    examples: list[Example] = []
    for path in documents():
        examples.extend(_examples_in(path.read_text(encoding="utf-8")))
    return examples


def _examples_in(text: str) -> list[Example]:
    examples: list[Example] = []
    heading = ""
    for match in re.finditer(r"^(#{2,4} [^\n]+)$|^```yaml\n(.*?)^```$", text, re.M | re.S):
        if match[1]:
            heading = match[1].lstrip("#").strip()
            continue
        document = yaml.safe_load(match[2])
        if not isinstance(document, dict) or not isinstance(document.get("jobs"), dict):
            continue
        # PyYAML reads the key `on` as True (YAML 1.1).
        triggers = document.get(True) or document.get("on") or {}
        dispatch = (triggers.get("workflow_dispatch") or {}) if isinstance(triggers, dict) else {}
        example = Example(heading, document["jobs"], [], tuple(dispatch.get("inputs") or ()))
        for job_name, job in document["jobs"].items():
            for step in (job or {}).get("steps") or []:
                if ACTION_USES.match(str(step.get("uses", ""))):
                    example.steps.append(
                        ActionStep(
                            job_name,
                            step.get("id"),
                            {k: str(v) for k, v in (step.get("with") or {}).items()},
                            {k: str(v) for k, v in (step.get("env") or {}).items()},
                        )
                    )
        if example.steps:
            examples.append(example)
    return examples


def start_example(example: Example, rootly: Any) -> ExampleRun:
    """An `ExampleRun` with its dispatch inputs given: an input naming an incident gets a
    test incident declared for the purpose, straight through the stand-in."""
    from rootly_standin.direct import call

    given = {}
    for name in example.dispatch_inputs:
        assert "incident" in name, f"teach start_example the dispatch input {name!r}"
        body = {"data": {"type": "incidents", "attributes": {"title": "Oops", "kind": "test"}}}
        status, answer = call(rootly, "POST", "/v1/incidents", body)
        assert status == 201, answer
        given[name] = answer["data"]["id"]
    return ExampleRun(example, rootly.token, given)


class UnsupportedExpression(AssertionError):
    """An expression in an example that the test cannot evaluate."""


@dataclass
class ExampleRun:
    """Runs one example's action steps in order, carrying outputs between them."""

    example: Example
    token: str
    # The `inputs.*` of a `workflow_dispatch` example, as the person running it gave them.
    dispatch_inputs: dict[str, str] = field(default_factory=dict)
    step_outputs: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)
    # The matrix leg being run (name -> value); unset names take the matrix's first value.
    matrix: dict[str, str] = field(default_factory=dict)
    runs: list[tuple[ActionStep, dict[str, str], ActionRun]] = field(default_factory=list)

    def evaluate(self, job: str, text: str) -> str:
        return EXPRESSION.sub(lambda found: self._value(job, found[1]), text)

    def _value(self, job: str, expression: str) -> str:
        parts = expression.split(".")
        if expression == "secrets.ROOTLY_API_TOKEN":
            return self.token
        if parts[0] == "inputs" and len(parts) == 2 and parts[1] in self.dispatch_inputs:
            return self.dispatch_inputs[parts[1]]
        if parts[0] == "github" and len(parts) == 2 and parts[1] in GITHUB_CONTEXT:
            return GITHUB_CONTEXT[parts[1]]
        if parts[0] == "matrix" and len(parts) == 2:
            matrix = self.example.jobs[job].get("strategy", {}).get("matrix", {})
            if parts[1] in matrix:
                return self.matrix.get(parts[1], str(matrix[parts[1]][0]))
        if parts[0] == "steps" and len(parts) == 4 and parts[2] == "outputs":
            return self.step_outputs.get((job, parts[1]), {}).get(parts[3], "")
        if parts[0] == "needs" and len(parts) == 4 and parts[2] == "outputs":
            declared = self.example.jobs[parts[1]].get("outputs", {})
            return self.evaluate(parts[1], str(declared.get(parts[3], "")))
        raise UnsupportedExpression(
            f"documented example {self.example.heading!r} uses ${{{{ {expression} }}}}, "
            "which tests/readme_examples.py cannot evaluate: teach it, or change the example"
        )

    def run_all(self, start: Callable[[dict[str, str], dict[str, str]], ActionRun]) -> None:
        """Run every action step with `start(inputs, env)`, in the order written."""
        for step in self.example.steps:
            self.run_step(step, start)

    def run_step(
        self,
        step: ActionStep,
        start: Callable[[dict[str, str], dict[str, str]], ActionRun],
        env: dict[str, str] | None = None,
    ) -> ActionRun:
        """Run one action step (with `env` over the step's own), keeping its outputs."""
        inputs = {name: self.evaluate(step.job, value) for name, value in step.inputs.items()}
        step_env = {name: self.evaluate(step.job, value) for name, value in step.env.items()}
        run = start(inputs, {**step_env, **(env or {})})
        if step.step_id:
            self.step_outputs[(step.job, step.step_id)] = run.outputs
        self.runs.append((step, inputs, run))
        return run

    def steps_of(self, job: str) -> list[ActionStep]:
        """The action steps of one job, in order."""
        return [step for step in self.example.steps if step.job == job]


# Reference inputs, the catalog kind each names, and where the stored incident keeps it.
REFERENCE_INPUTS = {
    "severity": ("severities", "severity"),
    "services": ("services", "services"),
    "environments": ("environments", "environments"),
    "teams": ("teams", "groups"),
    "incident-types": ("incident_types", "incident_types"),
    "functionalities": ("functionalities", "functionalities"),
    "causes": ("causes", "cause_ids"),
}


def expected_id(catalog: Any, kind: str, text: str) -> str:
    """What a person means by `text`, decided here independently of the action's code."""
    entries = catalog.entries[kind]
    loose = " ".join(text.split()).casefold()
    for rule in (
        lambda entry: entry.id == text,
        lambda entry: entry.slug == text,
        lambda entry: entry.name == text,
        lambda entry: " ".join(entry.name.split()).casefold() == loose,
    ):
        found = [entry for entry in entries if rule(entry)]
        if len(found) == 1:
            return str(found[0].id)
    raise AssertionError(f"the docs name {text!r}, which the stand-in's {kind} cannot match")


def linked_ids(attributes: dict[str, Any], key: str) -> list[str]:
    value = attributes.get(key)
    if key == "severity":
        return [value["data"]["id"]] if value else []
    if key == "cause_ids":
        return list(value or [])
    return [link["data"]["id"] for link in value or []]


def check_example(rootly: Any, example_run: ExampleRun) -> None:
    """Each step succeeded, and the incident it names carries what its inputs asked for."""
    by_id = {incident["id"]: incident for incident in rootly.incidents}
    for step, inputs, run in example_run.runs:
        where = f"{example_run.example.heading!r}, job {step.job}"
        assert run.exit_code == 0, f"{where}:\n{run.stdout}\n{run.stderr}"
        if inputs.get("dry-run") == "true":
            assert run.outputs == {}, where
            continue
        operation = inputs.get("operation", "create")
        if operation == "pulse":
            check_pulse(rootly, inputs, run, where)
        elif operation == "alert":
            check_alert(rootly, inputs, run, where)
        elif inputs.get("target") == "alert":
            resolved = [a for a in rootly.alerts if a["attributes"]["status"] == "resolved"]
            assert run.outputs["changed"] == ("true" if resolved else "false"), where
        elif operation != "create":
            check_operation(rootly, operation, inputs, run, where)
        else:
            check_created(rootly, by_id, inputs, run, where)


def check_alert(rootly: Any, inputs: dict[str, str], run: ActionRun, where: str) -> None:
    """The alert a step raised carries the services and urgency its inputs name."""
    alert = next(a for a in rootly.alerts if a["id"] == run.outputs["alert-id"])
    attributes = alert["attributes"]
    wanted = [
        expected_id(rootly.catalog, "services", text.strip())
        for text in re.split(r"[,\n]", inputs.get("services", ""))
        if text.strip()
    ]
    assert attributes["service_ids"] == wanted, where
    if inputs.get("urgency"):
        urgency = expected_id(rootly.catalog, "alert_urgencies", inputs["urgency"])
        assert attributes["alert_urgency_id"] == urgency, where


def check_pulse(rootly: Any, inputs: dict[str, str], run: ActionRun, where: str) -> None:
    """The pulse a step sent carries the services and environments its inputs name."""
    pulse = next(p for p in rootly.pulses if p["id"] == run.outputs["pulse-id"])
    sent = next(
        r.body["data"]["attributes"]
        for r in rootly.requests_to("POST", "/v1/pulses")
        if r.body["data"]["attributes"]["summary"] == pulse["attributes"]["summary"]
    )
    for name, attribute in (("services", "service_ids"), ("environments", "environment_ids")):
        wanted = [
            expected_id(rootly.catalog, name, text.strip())
            for text in re.split(r"[,\n]", inputs.get(name, ""))
            if text.strip()
        ]
        assert sent.get(attribute, []) == wanted, (where, name)


def check_created(
    rootly: Any, by_id: dict[str, Any], inputs: dict[str, str], run: ActionRun, where: str
) -> None:
    """The incident a create step names carries what its inputs asked for."""
    incident = by_id[run.outputs["incident-id"]]
    attributes = incident["attributes"]
    assert run.outputs["incident-url"] == attributes["url"], where
    if "title" in inputs:
        assert attributes["title"] == inputs["title"], where
    for name, (kind, key) in REFERENCE_INPUTS.items():
        if inputs.get(name):
            wanted = [
                expected_id(rootly.catalog, kind, text.strip())
                for text in re.split(r"[,\n]", inputs[name])
                if text.strip()
            ]
            assert linked_ids(attributes, key) == list(dict.fromkeys(wanted)), (where, name)
    for line in re.split(r"[,\n]", inputs.get("labels", "")):
        if line.strip():
            label, _, value = line.partition("=")
            assert attributes["labels"][label.strip()] == value.strip(), (where, label)
    if inputs.get("form-fields"):
        fields = yaml.safe_load(inputs["form-fields"])
        wanted_fields = {expected_id(rootly.catalog, "form_fields", str(key)) for key in fields}
        stored = rootly.form_field_selections[incident["id"]]
        assert {selection["form_field_id"] for selection in stored} == wanted_fields, where
    if inputs.get("parent-incident-id"):
        parent = next(
            i
            for i in rootly.incidents
            if inputs["parent-incident-id"] in (i["id"], i["attributes"]["slug"])
        )
        assert attributes["parent_incident_id"] == parent["id"], where
    if inputs.get("parent") == "run":
        parent = by_id[attributes["parent_incident_id"]]
        assert run.outputs["parent-incident-id"] == parent["id"], where
        if inputs.get("parent-title"):
            assert parent["attributes"]["title"] == inputs["parent-title"], where
    if inputs.get("private") == "true":
        assert attributes["private"] is True, where


# The status each transition leaves the incident in (or a status past it).
STATUS_AFTER = {
    "mitigate": {"mitigated", "resolved", "closed"},
    "resolve": {"resolved", "closed"},
    "cancel": {"cancelled"},
}


def check_operation(
    rootly: Any, operation: str, inputs: dict[str, str], run: ActionRun, where: str
) -> None:
    """A step acting on an existing incident did what its operation says, with its message."""
    assert run.outputs["created"] == "false", where
    if not run.outputs["incident-id"]:
        assert run.outputs["changed"] == "false", where
        return
    by_id = {incident["id"]: incident for incident in rootly.incidents}
    incident = by_id[run.outputs["incident-id"]]
    status = run.outputs["incident-status"]
    if operation in STATUS_AFTER:
        assert status in STATUS_AFTER[operation], (where, status)
        if inputs.get("message") and run.outputs["changed"] == "true":
            attribute = {
                "mitigate": "mitigation_message",
                "resolve": "resolution_message",
                "cancel": "cancellation_message",
            }[operation]
            assert incident["attributes"][attribute] == inputs["message"], where
    if operation == "add-event":
        texts = [e["attributes"]["event"] for e in rootly.events.get(incident["id"], [])]
        assert any(text.startswith(inputs["message"]) for text in texts), where
    if operation == "update" and "title" in inputs:
        assert incident["attributes"]["title"] == inputs["title"], where
