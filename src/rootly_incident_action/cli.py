"""The command line: the same settings as the action's inputs, as `--flags`.

Used to try the action locally and to declare incidents from CI systems other than
GitHub Actions. The token is best passed as ROOTLY_API_TOKEN so it stays out of
shell history and process listings.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .catalog.listing import LISTABLE_KINDS
from .github.runner import (
    ActionsRunner,
    ConsoleRunner,
    Runner,
    actions_protocol_installed,
    running_in_actions,
)
from .help_texts import INPUT_HELP
from .inputs import INPUT_DEFAULTS, RUNNER_DEFAULTS
from .operations import OPERATIONS

__all__ = ["build_parser", "list_catalog", "main"]

_SWITCHES = frozenset(
    name for name, default in INPUT_DEFAULTS.items() if default in ("true", "false")
)


def build_parser() -> argparse.ArgumentParser:
    """The command line's options: one per input, plus --summary-file and --list-catalog."""
    parser = argparse.ArgumentParser(
        prog=_program_name(),
        description="Declare, update and resolve Rootly incidents, page on-call and mark "
        "deploys. Every option matches the GitHub Action's input of the same name.",
    )
    parser.add_argument("--version", action="version", version=__version__)
    for name, default in INPUT_DEFAULTS.items():
        # action.yml's words, with `%` escaped for argparse; the default where one applies.
        words = INPUT_HELP[name].replace("%", "%%")
        shown = f" (default: {default})" if default else ""
        if name in RUNNER_DEFAULTS:
            shown = " (default: none here; in a workflow, the job's token)"
        if name in _SWITCHES:
            parser.add_argument(
                f"--{name}", nargs="?", const="true", metavar="true|false", help=words + shown
            )
        elif name == "api-token":
            parser.add_argument("--api-token", help=words + " (default: $ROOTLY_API_TOKEN)")
        elif name == "operation":
            parser.add_argument("--operation", choices=OPERATIONS, help=words + shown)
        else:
            parser.add_argument(f"--{name}", metavar="VALUE", help=words + shown)
    parser.add_argument(
        "--summary-file", metavar="PATH", help="also write the Markdown summary to this file"
    )
    parser.add_argument(
        "--list-catalog",
        nargs="*",
        metavar="KIND",
        choices=LISTABLE_KINDS,
        help="list what the token can see (all kinds, or those named: "
        + ", ".join(LISTABLE_KINDS)
        + ") and exit",
    )
    return parser


def main(argv: Sequence[str] | None = None, environ: dict[str, str] | None = None) -> int:
    """Run the command line; the process exit code."""
    from .main import run

    environ = dict(os.environ if environ is None else environ)
    options = vars(build_parser().parse_args(argv))
    inputs = {
        name: value
        for name in INPUT_DEFAULTS
        if (value := options.get(name.replace("-", "_"))) is not None
    }
    inputs.setdefault("api-token", environ.get("ROOTLY_API_TOKEN", ""))
    if not inputs["api-token"].strip() and not running_in_actions(environ):
        # The action's own message names a workflow secret; a terminal needs this one.
        print(
            "error: no Rootly API token: set ROOTLY_API_TOKEN in the environment (or pass "
            "--api-token, which shows it in process listings).",
            file=sys.stderr,
        )
        return 1
    if options["list_catalog"] is not None:
        return list_catalog(inputs, options["list_catalog"] or list(LISTABLE_KINDS))
    runner: Runner
    if running_in_actions(environ) and actions_protocol_installed() and not options["summary_file"]:
        # Called from a `run:` step: speak the runner's protocol, annotations and all.
        runner = ActionsRunner({**environ, **_as_input_variables(inputs)})
    else:
        runner = ConsoleRunner(
            inputs, sys.stdout, sys.stderr, options["summary_file"], option_names=INPUT_DEFAULTS
        )
    return run(runner, environ)


def _program_name() -> str:
    """How the person started us: the installed script's name, or `python -m ...`."""
    invoked = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else ""
    if invoked in ("", "__main__.py", "-c"):
        return "python -m rootly_incident_action"
    return invoked


def list_catalog(inputs: dict[str, str], kinds: list[str]) -> int:
    """Print the entries of each kind the token can see; the exit code."""
    from .catalog.fetch import fetch
    from .catalog.listing import format_kind
    from .catalog.lookup import Lookup
    from .errors import ActionError
    from .flows.ledger import Ledger
    from .flows.session import Seams, connect, words_for
    from .flows.wording import Phase
    from .inputs import parse_inputs
    from .rootly.errors import RootlyError

    runner = ConsoleRunner(inputs)
    runner.mask(inputs.get("api-token", ""))
    try:
        settings = parse_inputs(inputs)
        # The action's own words; listing only reads, which the ledger's line says.
        words = words_for(settings, Ledger(idle="Listing changes nothing in Rootly."), "")
        # The same client as the action's, bound by 'deadline-seconds' as the action is.
        with connect(settings, Seams(), words) as client:
            try:
                found = fetch(client, [Lookup(kind, "list") for kind in kinds])
            except RootlyError as failure:
                raise words(failure, Phase.LIST) from None
        for kind in kinds:
            runner.info(format_kind(kind, found[Lookup(kind, "list")]) + "\n")
    except ActionError as failure:
        runner.error(failure.message, title=failure.title)
        return 1
    return 0


def _as_input_variables(inputs: dict[str, str]) -> dict[str, str]:
    return {f"INPUT_{name.upper()}": value for name, value in inputs.items()}
