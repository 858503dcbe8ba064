"""Baselines for benchmarks/resolution.py, NOT used by the action.

Runs the action exactly as entrypoint.py does, except that names are resolved by a
different strategy, so start-up, validation and the create request cost the same and
only the resolution strategy differs:

- `naive`: one exact `filter[name]` request per name, one after another, in input order
  (what simple tools do; it has no slug, case or paging rules);
- `listing`: list every kind that names something, whole, before matching (the action's
  fallback, here used for everything).

    python benchmarks/baseline_resolvers.py naive|listing   (with INPUT_* set, as the runner)
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "1")

from rootly_incident_action import catalog as catalog_module
from rootly_incident_action import main as action_main
from rootly_incident_action.catalog import KINDS, CatalogReader
from rootly_incident_action.matching import ExactHits
from rootly_incident_action.runner import ActionsRunner


class NaiveCatalog(CatalogReader):
    def query_exact(self, names: Iterable[tuple[str, str]]) -> None:
        for kind, text in names:  # one after another, in input order
            if (kind, text) in self._exact:
                continue
            page = self._client.list_page(KINDS[kind].path, {"filter[name]": text})
            found = catalog_module._entries_of(page)
            self._exact[(kind, text)] = ExactHits.of(text, (), found)


class ListingCatalog(CatalogReader):
    def query_exact(self, names: Iterable[tuple[str, str]]) -> None:
        self.load({kind for kind, _ in names})


def main() -> int:
    strategy = {"naive": NaiveCatalog, "listing": ListingCatalog}[sys.argv[1]]
    # The action builds its CatalogReader by this name: swap in the baseline.
    catalog_module.CatalogReader = strategy  # type: ignore[misc]
    return action_main.run(ActionsRunner(os.environ), os.environ)


if __name__ == "__main__":
    sys.exit(main())
