"""action.yml, the code and docs/inputs-outputs.md must agree on every input and output."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from action_harness import ROOT, action_metadata

from rootly_incident_action.github.report import OUTPUT_NAMES
from rootly_incident_action.inputs import INPUT_DEFAULTS, RUNNER_DEFAULTS

SOURCE = ROOT / "src" / "rootly_incident_action"


def readme_table(heading: str) -> dict[str, str]:
    """`name -> second column` for the table under `## heading` in the reference."""
    text = (ROOT / "docs" / "inputs-outputs.md").read_text(encoding="utf-8")
    section = text.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([a-z0-9-]+)` \| ([^|]*) \|", section, flags=re.MULTILINE)
    return {name: cell.strip() for name, cell in rows}


def readme_default(cell: str) -> str:
    if cell == "*required*":
        return ""
    return cell.strip("`").replace('""', "")


def test_action_yml_declares_exactly_the_inputs_the_code_reads_with_the_same_defaults() -> None:
    declared = action_metadata()["inputs"]
    assert list(declared) == list(INPUT_DEFAULTS)
    for name, spec in declared.items():
        # An expression the runner fills in (the job's token) is no default of the CLI.
        expected = RUNNER_DEFAULTS.get(name, INPUT_DEFAULTS[name])
        assert str(spec.get("default", "")) == expected, name
        assert spec.get("description"), f"{name} has no description"
    required = [name for name, spec in declared.items() if spec.get("required")]
    assert required == ["api-token"]


def test_the_reference_lists_every_input_with_its_default() -> None:
    table = readme_table("Inputs")
    assert list(table) == list(INPUT_DEFAULTS)
    assert table["api-token"] == "*required*"
    for name, cell in table.items():
        assert readme_default(cell) == RUNNER_DEFAULTS.get(name, INPUT_DEFAULTS[name]), name


def test_outputs_agree_between_action_yml_the_code_and_the_reference() -> None:
    declared = list(action_metadata()["outputs"])
    assert declared == list(OUTPUT_NAMES)
    assert list(readme_table("Outputs")) == declared


def test_inputs_are_only_read_through_the_declared_list() -> None:
    # Any read_input("literal") elsewhere would bypass action.yml and the reference.
    literal_reads = []
    for path in SOURCE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "read_input"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                literal_reads.append(f"{path.name}: {node.args[0].value!r}")
    assert literal_reads == []


def test_the_action_runs_as_a_docker_action() -> None:
    runs = action_metadata()["runs"]
    assert runs == {"using": "docker", "image": "Dockerfile"}
    assert action_metadata()["branding"]["icon"]
    assert (Path(ROOT) / "Dockerfile").is_file()


def test_every_module_says_what_it_exports_and_every_public_name_says_what_it_is() -> None:
    missing = []
    for path in sorted(SOURCE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        where = path.relative_to(SOURCE)
        if not ast.get_docstring(tree):
            missing.append(f"{where}: no module docstring")
        if path.name != "__main__.py" and not any(
            isinstance(node, ast.Assign)
            and any(
                isinstance(target, ast.Name) and target.id == "__all__" for target in node.targets
            )
            for node in tree.body
        ):
            missing.append(f"{where}: no __all__")
        for node in _public_definitions(tree):
            if not ast.get_docstring(node) and not _is_protocol_or_override(node, tree):
                missing.append(f"{where}:{node.lineno}: {node.name} has no docstring")
    assert missing == []


def _public_definitions(tree: ast.Module) -> list[ast.FunctionDef | ast.ClassDef]:
    """Module-level functions and classes, and the methods of public classes."""
    found: list[ast.FunctionDef | ast.ClassDef] = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef) and not node.name.startswith("_"):
            found.append(node)
            if isinstance(node, ast.ClassDef):
                found.extend(
                    child
                    for child in node.body
                    if isinstance(child, ast.FunctionDef) and not child.name.startswith("_")
                )
    return found


def _is_protocol_or_override(node: ast.FunctionDef | ast.ClassDef, tree: ast.Module) -> bool:
    """Methods that implement a documented protocol method need not repeat its docstring."""
    if isinstance(node, ast.ClassDef):
        return False
    for parent in ast.walk(tree):
        if isinstance(parent, ast.ClassDef) and node in parent.body:
            return parent.name in _IMPLEMENTATIONS
    return False


# Classes whose public methods implement a protocol documented elsewhere (Runner,
# IncidentStore) or are pydantic/dataclass plumbing.
_IMPLEMENTATIONS = {
    "ActionsRunner",
    "ConsoleRunner",
    "RootlyStore",
    "Secret",
    "Ledger",
    "Snapshot",
    "Problem",
    "ApiRequest",
    "Situation",
    "RateLimited",
}


def test_the_marketplace_takes_the_description_and_the_cli_shows_action_ymls_words() -> None:
    from rootly_incident_action.help_texts import INPUT_HELP

    # GitHub's Marketplace refuses a description of 125 characters or more.
    assert len(action_metadata()["description"]) < 125
    declared = action_metadata()["inputs"]
    assert {name: spec["description"] for name, spec in declared.items()} == INPUT_HELP


def test_every_description_is_whole() -> None:
    # In a plain YAML scalar, " #" starts a comment: "(42, #42, INC-42)" once cut two
    # descriptions short, on the Marketplace and in --help alike. Each is a sentence.
    metadata = action_metadata()
    for kind in ("inputs", "outputs"):
        for name, spec in metadata[kind].items():
            assert str(spec["description"]).rstrip().endswith((".", ")")), (kind, name)


def test_the_readme_is_short_and_starts_with_setup() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 250
    headings = re.findall(r"^## (.+)$", readme, flags=re.MULTILINE)
    assert headings[0] == "Setup"
    # The two commands of a fresh machine, as written.
    assert "./scripts/demo    #" in readme and "./scripts/test    #" in readme
