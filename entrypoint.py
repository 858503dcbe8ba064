"""The container's entry point: GitHub's runner starts this with INPUT_* and GITHUB_* set."""

import os
import sys
from pathlib import Path

# pydantic otherwise scans every installed package's entry points for plugins at start-up.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "1")

# Found by absolute path, so it works whatever the working directory (the runner uses
# /github/workspace) and whether or not the package is installed.
sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))

from rootly_incident_action.github.runner import ActionsRunner
from rootly_incident_action.main import run

if __name__ == "__main__":
    sys.exit(run(ActionsRunner(os.environ), os.environ))
