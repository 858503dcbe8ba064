"""Prints the mutation score per module from mutmut's results (scripts/mutation runs it).

    .venv/bin/python scripts/mutation_score.py

Killed: a test failed on the mutant. Survived: every test passed. No tests: no unit test
runs the mutated function. The score is killed / (killed + survived + no tests).
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    done = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "mutmut"), "results", "--all", "true"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for line in done.stdout.splitlines():
        # `rootly_incident_action.plan.draft.x_build_incident__mutmut_3: survived`: the
        # module is the dotted path before the mutated function (`x_...` or `xǁClassǁ...`).
        found = re.match(r"\s*rootly_incident_action\.([\w.]+?)\.xǁ?\w*?.*: (.+)$", line.strip())
        if found:
            counts[found[1]][found[2]] += 1
    measured = sum(c["killed"] + c["timeout"] + c["survived"] for c in counts.values())
    if not measured:
        print("no mutant was tested: run scripts/mutation first", file=sys.stderr)
        return 1
    total: Counter[str] = Counter()
    print(f"{'module':<22}{'killed':>8}{'survived':>10}{'no tests':>10}{'score':>8}")
    for module, count in sorted(counts.items()):
        total.update(count)
        print(_row(module, count))
    print(_row("core", total))
    return 0


def _row(name: str, count: Counter[str]) -> str:
    killed = count["killed"] + count["timeout"]
    survived, untested = count["survived"], count["no tests"]
    considered = killed + survived + untested
    score = 100 * killed / considered if considered else 100.0
    return f"{name:<22}{killed:>8}{survived:>10}{untested:>10}{score:>7.1f}%"


if __name__ == "__main__":
    sys.exit(main())
