"""Every workflow the docs show passes the gate an organisation puts in front of its own.

Each ```yaml block of the README, CONTRIBUTING.md or docs/ that shows a workflow or a job
(a top-level `on:` or `jobs:` line) is extracted as a workflow file and must be complete
and valid for actionlint, with no High finding from zizmor's regular persona under the
one policy line the docs tell users to add (the tag pin of this action). The house rules
a linter cannot see are checked here too: third-party actions pinned by SHA with their
version beside it, `permissions:` on every job, outputs reaching shell steps through
`env:`, `workflow_run` guarded, the cost of a Docker action in a working job stated.
The tests that run the examples against the stand-ins are tests/e2e/test_readme_*.py.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from action_harness import ROOT
from readme_examples import WORKFLOW_BLOCK, documents, workflow_blocks

BIN = Path(sys.executable).parent
BLOCKS = workflow_blocks()
SHA_PIN = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")


def owner() -> str:
    """The repository's owner, from the one place it is decided (pyproject.toml)."""
    urls = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    found = re.fullmatch(
        r"https://github\.com/([\w-]+)/rootly-incident-action", urls["urls"]["Repository"]
    )
    assert found, urls["urls"]["Repository"]
    return found[1]


def ids() -> list[str]:
    counts: dict[str, int] = {}
    names = []
    for path, _ in BLOCKS:
        counts[path.stem] = counts.get(path.stem, 0) + 1
        names.append(f"{path.stem}-{counts[path.stem]}")
    return names


def zizmor_policy() -> str:
    """The zizmor configuration the README shows users (a ```yaml block with `rules:`)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (policy,) = [b for b in WORKFLOW_BLOCK.findall(readme) if b.startswith("# .github/zizmor.yml")]
    return str(policy)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The examples as the workflow files of one repository, and the documented policy."""
    repository = tmp_path_factory.mktemp("examples")
    workflows = repository / ".github" / "workflows"
    workflows.mkdir(parents=True)
    for name, (_, text) in zip(ids(), BLOCKS, strict=True):
        (workflows / f"{name}.yml").write_text(text, encoding="utf-8")
    (repository / ".github" / "zizmor.yml").write_text(zizmor_policy(), encoding="utf-8")
    yield repository


def test_the_docs_show_complete_workflows() -> None:
    assert len(BLOCKS) >= 12
    assert {path.name for path, _ in BLOCKS} >= {"README.md", "operations.md", "triggers.md"}


def test_actionlint_accepts_every_example(extracted: Path) -> None:
    files = sorted((extracted / ".github" / "workflows").glob("*.yml"))
    done = subprocess.run(
        [str(BIN / "actionlint"), "-no-color", *map(str, files)],
        cwd=extracted,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_zizmor_finds_nothing_high_with_the_documented_policy(extracted: Path) -> None:
    done = subprocess.run(
        [
            str(BIN / "zizmor"),
            "--offline",
            "--persona",
            "regular",
            "--format",
            "json",
            "--config",
            str(extracted / ".github" / "zizmor.yml"),
            str(extracted / ".github" / "workflows"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    findings = json.loads(done.stdout)
    high = [
        (f["ident"], f["locations"][0]["symbolic"]["key"]["Local"]["verbatim_path"])
        for f in findings
        if f["determinations"]["severity"] == "High"
    ]
    assert high == []
    # The policy allows this action's tag pins and nothing else: without it, they are High.
    (extracted / ".github" / "zizmor.yml").rename(extracted / "policy.yml")
    try:
        bare = subprocess.run(
            [str(BIN / "zizmor"), "--offline", "--format", "json", str(extracted / ".github")],
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        (extracted / "policy.yml").rename(extracted / ".github" / "zizmor.yml")
    flagged = {
        f["ident"] for f in json.loads(bare.stdout) if f["determinations"]["severity"] == "High"
    }
    assert flagged == {"unpinned-uses"}


@pytest.mark.parametrize(("path", "text"), BLOCKS, ids=ids())
def test_every_example_keeps_the_house_rules(path: Path, text: str) -> None:
    document: dict[Any, Any] = yaml.safe_load(text)
    where = f"{path.name}: {text.splitlines()[0]}"
    assert document.get("permissions") == {}, f"{where}: no `permissions: {{}}` at the top"
    self_uses = re.compile(rf"^{owner()}/rootly-incident-action(/python)?@v\d+$")
    for job_name, job in document["jobs"].items():
        assert "permissions" in job, f"{where}: job {job_name} has no permissions"
        steps = job.get("steps") or []
        # A job that does work and has no `if:` of its own runs on every run, green
        # ones included, and prepares the Docker action each time.
        working = "if" not in job and any("run" in step for step in steps)
        for step in steps:
            uses = str(step.get("uses", ""))
            if "rootly-incident-action" in uses:
                assert self_uses.match(uses), f"{where}: {uses} is not the documented pin"
                if working and "/python@" not in uses:
                    assert _cost_stated(text, job_name), (
                        f"{where}: job {job_name} prepares the Docker action on every run "
                        "without saying what that costs"
                    )
            elif uses:
                assert SHA_PIN.match(uses), f"{where}: {uses} is not pinned by SHA"
                assert re.search(rf"uses: {re.escape(uses)} # v\d", text), f"{where}: {uses}"
            assert "${{" not in str(step.get("run", "")), f"{where}: an expression in run:"
    triggers = document.get(True) or document.get("on")
    if isinstance(triggers, dict) and "workflow_run" in triggers:
        assert "# zizmor: ignore[dangerous-triggers] " in text, where
        for job_name, job in document["jobs"].items():
            guard = str(job.get("if", ""))
            assert "github.event.workflow_run.conclusion" in guard, (where, job_name)
            assert "workflow_run.repository.full_name == github.repository" in guard, where


def _cost_stated(text: str, job_name: str) -> bool:
    """Whether the job's part of the block carries a comment on what the image costs."""
    job = text.split(f"\n  {job_name}:\n", 1)[1]
    job = re.split(r"\n  [\w-]+:\n", job, maxsplit=1)[0]
    comments = " ".join(re.findall(r"#([^\n]*)", job))
    return bool(re.search(r"\b(pays?|costs?)\b", comments))


def test_the_owner_is_decided_in_one_place() -> None:
    # Every `owner/rootly-incident-action` users copy names the owner pyproject.toml names.
    places = [*documents(), ROOT / "SECURITY.md", *(ROOT / ".github").rglob("*.yml")]
    spelled = {
        next(name for name in found if name)
        for path in places
        for found in re.findall(
            r"(?:github\.com|ghcr\.io)/([\w<>-]+)/rootly-incident-action\b"
            r"|(?<![\w./-])([\w<>-]+)/rootly-incident-action\b",
            path.read_text(encoding="utf-8"),
        )
    }
    assert spelled == {owner()}


def test_every_link_between_documents_leads_somewhere() -> None:
    broken = []
    for path in [*documents(), ROOT / "SECURITY.md"]:
        text = path.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"[a-z]+:", target):
                continue  # a web link
            file_part, _, anchor = target.partition("#")
            destination = (path.parent / file_part).resolve() if file_part else path
            if not destination.exists():
                broken.append(f"{path.name}: {target}")
            elif anchor and anchor not in _anchors(destination):
                broken.append(f"{path.name}: {target} (no such heading)")
    assert broken == []


def _anchors(path: Path) -> set[str]:
    """The anchors GitHub makes for a Markdown file's headings."""
    if path.suffix != ".md":
        return set()
    headings = re.findall(r"^#+ (.+)$", path.read_text(encoding="utf-8"), flags=re.M)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in headings}
