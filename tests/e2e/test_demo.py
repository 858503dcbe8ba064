"""The README's first command: the demo runs end to end and shows what it promises."""

from __future__ import annotations

import subprocess
import sys

from action_harness import ROOT


def test_the_demo_declares_with_form_fields_in_one_request_then_reuses_and_resolves() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "demo.py")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert done.returncode == 0, done.stdout + done.stderr
    shown = done.stdout
    assert "stand-in setting: nested_form_fields=accept" in shown
    assert (
        "The create: 1 request, form fields inside it: True; "
        "form field values added afterwards: 0." in shown
    )
    assert "created=false: still 1 incident" in shown
    assert "incident-status=resolved" in shown
    assert "Traceback" not in shown + done.stderr
