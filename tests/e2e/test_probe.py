"""scripts/probe-rootly against the stand-in: each setting of each switch, one at a time,
is reported as it is, and nothing the probe made is left behind."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from action_harness import ROOT

from rootly_standin import RootlyStandIn
from rootly_standin.behaviour import SETTINGS, Behaviour

sys.path.insert(0, str(ROOT / "scripts"))
from probe_rootly import UNKNOWN, probe

CASES = [(switch, setting) for switch, settings in SETTINGS.items() for setting in settings]


@pytest.mark.parametrize(("switch", "setting"), CASES, ids=[f"{s}={v}" for s, v in CASES])
def test_the_probe_reports_each_setting_and_leaves_nothing_behind(
    switch: str, setting: str
) -> None:
    behaviour = Behaviour(**{switch: setting})  # type: ignore[arg-type]
    with RootlyStandIn(behaviour=behaviour) as rootly:
        findings = probe(rootly.url, rootly.token)

        assert findings.settings[switch] == setting, findings.evidence[switch]
        made = {r.path for r in rootly.requests if r.method == "DELETE"}
        assert len(made) >= 3  # it made test incidents, and deleted each
        assert rootly.incidents == [] == findings.left_behind
        assert rootly.violations == []
    # Every other switch is found at its default, the spec's reading.
    others = {k: v for k, v in findings.behaviour().items() if k != switch}
    assert others == {k: v for k, v in Behaviour().__dict__.items() if k in others}
    assert UNKNOWN not in findings.settings.values()


def test_the_command_prints_a_table_and_writes_settings_the_stand_in_takes(
    tmp_path: object,
) -> None:
    with RootlyStandIn(behaviour=Behaviour(labels="array", paging="cursor")) as rootly:
        written = ROOT / ".pytest-probe.json"
        try:
            done = subprocess.run(
                [
                    sys.executable,
                    str(ROOT / "scripts/probe_rootly.py"),
                    "--api-url",
                    rootly.url,
                    "--json",
                    str(written),
                ],
                env={**os.environ, "ROOTLY_API_TOKEN": rootly.token},
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
            settings = json.loads(written.read_text())
        finally:
            written.unlink(missing_ok=True)

    assert done.returncode == 0, done.stderr
    assert rootly.token not in done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["switch", "setting", "evidence"]
    assert any(line.split()[:2] == ["labels", "array"] for line in lines)
    assert Behaviour(**settings) == Behaviour(labels="array", paging="cursor")


def test_without_a_token_it_says_what_to_set() -> None:
    env = {k: v for k, v in os.environ.items() if k != "ROOTLY_API_TOKEN"}
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts/probe_rootly.py")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "set ROOTLY_API_TOKEN" in done.stderr
