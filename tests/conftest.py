"""Shared fixtures. `tests/` is on sys.path (no __init__.py), so helpers import by name."""

from __future__ import annotations

import itertools
import ssl
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

# Harnesses, fakes and builders shared by every rung live in tests/support.
sys.path.insert(0, str(Path(__file__).resolve().parent / "support"))

from action_harness import SERVER_URL, ActionHarness

from github_standin import GitHubStandIn, green_jobs
from rootly_standin import RootlyStandIn
from rootly_standin.behaviour import SETTINGS, Behaviour
from rootly_standin.contract import ALLOWED_EXCEPTIONS


@pytest.fixture
def rootly(request: pytest.FixtureRequest) -> Iterator[RootlyStandIn]:
    """A fresh Rootly stand-in; the test fails if any request broke Rootly's schema.

    Parametrize it indirectly with a `Behaviour` to run under one of the settings of
    what Rootly's spec leaves open (`every_setting` below).
    """
    behaviour = getattr(request, "param", None) or Behaviour()
    with RootlyStandIn(behaviour=behaviour) as standin:
        yield standin
    assert standin.violations == [], "requests that Rootly's schema rejects were sent"
    # Off-spec only in the known ways (contract.ALLOWED_EXCEPTIONS), each with a reason.
    known = {
        f"{method} {template}: {attribute}" for method, template, attribute in ALLOWED_EXCEPTIONS
    }
    assert set(standin.exceptions) <= known


def every_setting(*switches: str) -> pytest.MarkDecorator:
    """Run a test once per setting of one switch of the stand-in's behaviour, or once per
    combination of the settings of several."""
    combinations = list(itertools.product(*(SETTINGS[switch] for switch in switches)))
    return pytest.mark.parametrize(
        "rootly",
        [Behaviour(**dict(zip(switches, chosen, strict=True))) for chosen in combinations],  # type: ignore[arg-type]
        ids=[
            ",".join(
                f"{switch}={setting}" for switch, setting in zip(switches, chosen, strict=True)
            )
            for chosen in combinations
        ],
        indirect=True,
    )


@pytest.fixture
def github() -> Iterator[GitHubStandIn]:
    """GitHub's API for the run, as a GHES serves it (under /api/v3): by default a run in
    which nothing failed yet; the test fails if an answer broke GitHub's description."""
    with GitHubStandIn(prefix="/api/v3", any_run=green_jobs(server=SERVER_URL)) as standin:
        yield standin
    assert standin.violations == [], standin.violations


@pytest.fixture
def action(tmp_path: Path, rootly: RootlyStandIn, github: GitHubStandIn) -> ActionHarness:
    """Runs entrypoint.py as GitHub's runner would, pointed at the stand-ins."""
    return ActionHarness(tmp_path, rootly, github)


@pytest.fixture
def ca() -> trustme.CA:
    """A private certificate authority, as a company's TLS-inspecting proxy has."""
    return trustme.CA()


@pytest.fixture
def tls_rootly(ca: trustme.CA) -> Iterator[RootlyStandIn]:
    """The stand-in over HTTPS, with a certificate only `ca` vouches for."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    with RootlyStandIn(tls=context) as standin:
        yield standin
    assert standin.violations == []
