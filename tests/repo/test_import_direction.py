"""The package's layers only depend downwards, so each folder can be read on its own.

The rules a newcomer relies on (see the module table in docs/development.md):
- `rootly/` is a standalone client: it imports nothing else of the action;
- folders import one way: `rootly` <- `catalog` <- `plan` <- `flows` <- `main`;
- the pure layers (`plan/`, `catalog/` matching and kinds, `inputs`, `parsing`,
  `operations`, `errors`) never reach the flows, the entry or the network;
- `github/` is I/O with the runner: only `report` knows what the flows produce;
- only the entry points (`main`, `cli`, `__main__`) import `main` or `cli`.
"""

from __future__ import annotations

import ast
from importlib.util import resolve_name
from pathlib import Path

PACKAGE = "rootly_incident_action"
SOURCE = Path(__file__).resolve().parents[2] / "src" / PACKAGE


def _imports() -> dict[str, set[str]]:
    """Every module of the package -> the modules it imports (including under
    TYPE_CHECKING and inside functions: a lazy import is still a dependency)."""
    found: dict[str, set[str]] = {}
    for path in SOURCE.rglob("*.py"):
        parts = path.relative_to(SOURCE).with_suffix("").parts
        is_package = parts[-1] == "__init__"
        module = ".".join((PACKAGE, *(parts[:-1] if is_package else parts)))
        anchor = module if is_package else module.rpartition(".")[0]
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = resolve_name("." * node.level + base, anchor).rstrip(".")
                targets.add(base)
                targets.update(f"{base}.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
        found[module] = targets
    return found


IMPORTS = _imports()


def _within(module: str, *prefixes: str) -> bool:
    return any(module == f"{PACKAGE}.{p}" or module.startswith(f"{PACKAGE}.{p}.") for p in prefixes)


def _offending(importers: tuple[str, ...], forbidden: tuple[str, ...]) -> list[str]:
    return sorted(
        f"{module} imports {target}"
        for module, targets in IMPORTS.items()
        if _within(module, *importers)
        for target in targets
        if _within(target, *forbidden)
    )


def test_the_walk_sees_the_whole_package() -> None:
    assert f"{PACKAGE}.flows.create" in IMPORTS
    assert f"{PACKAGE}.flows.session" in IMPORTS[f"{PACKAGE}.flows.create"]


def test_the_rootly_client_stands_alone() -> None:
    others = ("main", "cli", "flows", "plan", "catalog", "github", "inputs", "parsing", "errors")
    assert _offending(("rootly",), others) == []


def test_pure_layers_never_reach_the_flows_the_entry_or_the_network() -> None:
    pure = (
        "plan",
        "inputs",
        "parsing",
        "operations",
        "errors",
        "catalog.kinds",
        "catalog.matching",
    )
    assert _offending(pure, ("flows", "main", "cli", "rootly.client")) == []
    talking = [
        f"{module} imports httpx"
        for module, targets in IMPORTS.items()
        if _within(module, *pure) and "httpx" in targets
    ]
    assert talking == []


def test_folders_import_one_way_rootly_catalog_plan_flows_main() -> None:
    assert _offending(("catalog",), ("plan", "flows", "github", "main", "cli")) == []
    assert _offending(("plan",), ("flows", "main", "cli")) == []
    assert _offending(("flows",), ("main", "cli")) == []


def test_only_the_report_knows_what_the_flows_produce() -> None:
    runner_side = ("github.context", "github.runner", "github.escape")
    assert _offending(runner_side, ("flows", "plan", "catalog", "main", "cli")) == []
    assert _offending(("github.report",), ("main", "cli")) == []


def test_only_the_entry_points_import_the_entry_points() -> None:
    importers = tuple(
        m.removeprefix(f"{PACKAGE}.") for m in IMPORTS if not _within(m, "main", "cli", "__main__")
    )
    assert _offending(importers, ("main", "cli")) == []
