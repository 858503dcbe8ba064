"""Every documented example workflow runs, through entrypoint.py, against the stand-in.

tests/test_container.py runs the same examples inside the built image; this copy runs
everywhere, also where no container engine is available.
"""

from __future__ import annotations

import pytest
from action_harness import ActionHarness
from readme_examples import Example, check_example, readme_examples, start_example

from rootly_standin import RootlyStandIn


def test_the_readme_has_examples_to_test() -> None:
    examples = readme_examples()
    assert len(examples) >= 5
    assert any(step.inputs.get("form-fields") for e in examples for step in e.steps)


@pytest.mark.parametrize("example", readme_examples(), ids=lambda example: example.name)
def test_every_readme_example_does_what_it_shows(
    example: Example, action: ActionHarness, rootly: RootlyStandIn
) -> None:
    example_run = start_example(example, rootly)
    example_run.run_all(lambda inputs, env: action.run(inputs, env=env))
    check_example(rootly, example_run)
