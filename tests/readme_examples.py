"""The README's example workflows, read from the README itself, so every example is tested.

An example is a ```yaml block with at least one step that `uses:` this action. Its jobs
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
from typing import Any

import yaml

from action_harness import ROOT, RUN_ID, SHA, ActionRun

ACTION_USES = re.compile(r"^[\w<>.-]+/rootly-incident-action@[\w.-]+$")
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


@dataclass
class Example:
    """One ```yaml block of the README: its heading, its jobs, and the steps that use us."""

    heading: str
    jobs: dict[str, dict[str, Any]]
    steps: list[ActionStep] = field(default_factory=list)

    @property
    def name(self) -> str:
        return re.sub(r"[^a-z0-9]+", "-", self.heading.lower()).strip("-")


def readme_examples() -> list[Example]:
    """Every README example that uses the action, in the order the README shows them."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    examples: list[Example] = []
    heading = ""
    for match in re.finditer(r"^(#{2,4} [^\n]+)$|^```yaml\n(.*?)^```$", text, re.M | re.S):
        if match[1]:
            heading = match[1].lstrip("#").strip()
            continue
        document = yaml.safe_load(match[2])
        if not isinstance(document, dict) or not isinstance(document.get("jobs"), dict):
            continue
        example = Example(heading, document["jobs"])
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


class UnsupportedExpression(AssertionError):
    """An expression in an example that the test cannot evaluate."""


@dataclass
class ExampleRun:
    """Runs one example's action steps in order, carrying outputs between them."""

    example: Example
    token: str
    step_outputs: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)
    runs: list[tuple[ActionStep, dict[str, str], ActionRun]] = field(default_factory=list)

    def evaluate(self, job: str, text: str) -> str:
        return EXPRESSION.sub(lambda found: self._value(job, found[1]), text)

    def _value(self, job: str, expression: str) -> str:
        parts = expression.split(".")
        if expression == "secrets.ROOTLY_API_TOKEN":
            return self.token
        if parts[0] == "github" and len(parts) == 2 and parts[1] in GITHUB_CONTEXT:
            return GITHUB_CONTEXT[parts[1]]
        if parts[0] == "matrix" and len(parts) == 2:
            matrix = self.example.jobs[job].get("strategy", {}).get("matrix", {})
            if parts[1] in matrix:
                return str(matrix[parts[1]][0])
        if parts[0] == "steps" and len(parts) == 4 and parts[2] == "outputs":
            return self.step_outputs.get((job, parts[1]), {}).get(parts[3], "")
        if parts[0] == "needs" and len(parts) == 4 and parts[2] == "outputs":
            declared = self.example.jobs[parts[1]].get("outputs", {})
            return self.evaluate(parts[1], str(declared.get(parts[3], "")))
        raise UnsupportedExpression(
            f"README example {self.example.heading!r} uses ${{{{ {expression} }}}}, "
            "which tests/readme_examples.py cannot evaluate: teach it, or change the example"
        )

    def run_all(self, start: Callable[[dict[str, str], dict[str, str]], ActionRun]) -> None:
        """Run every action step with `start(inputs, env)`, in the order written."""
        for step in self.example.steps:
            inputs = {name: self.evaluate(step.job, value) for name, value in step.inputs.items()}
            env = {name: self.evaluate(step.job, value) for name, value in step.env.items()}
            run = start(inputs, env)
            if step.step_id:
                self.step_outputs[(step.job, step.step_id)] = run.outputs
            self.runs.append((step, inputs, run))


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
    raise AssertionError(f"the README names {text!r}, which the stand-in's {kind} cannot match")


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
