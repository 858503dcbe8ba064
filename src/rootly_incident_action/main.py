"""The entry: reads the inputs (masking the token first), hands the step to its flow
(`flows/create.py` or `flows/operate.py`), and turns every failure into one message
and an exit code. Nothing else decides the exit code, and nothing escapes as a
traceback.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from types import FrameType

from .errors import ActionError, StepCancelled, UnexpectedFailure
from .flows.ledger import Ledger
from .flows.session import Seams
from .github.context import read_run_context
from .github.report import report_failure
from .github.runner import Runner
from .inputs import (
    INPUT_DEFAULTS,
    SECRET_INPUTS,
    TIMESTAMP_INPUTS,
    ActionInputs,
    parse_inputs,
    read_fail_on_error,
)
from .parsing import readable

__all__ = ["Cancelled", "Seams", "run"]


class Cancelled(BaseException):
    """The runner asked the step to stop (SIGTERM or SIGINT: a cancelled workflow)."""


def run(runner: Runner, environ: Mapping[str, str], seams: Seams | None = None) -> int:
    """Declare one incident as the inputs say; return the process exit code."""
    seams = seams or Seams()
    raw = {name: runner.read_input(name) for name in INPUT_DEFAULTS}
    # Mask first: nothing below may print before the runner knows the tokens are secret.
    for name in SECRET_INPUTS:
        if raw[name]:
            runner.mask(readable(raw[name]))
    fail_on_error = read_fail_on_error(raw)
    ledger = Ledger()
    try:
        with _stop_on_signals():
            _run(runner, environ, raw, ledger, seams)
        return 0
    except ActionError as failure:
        return _failed(runner, failure, fail_on_error=fail_on_error)
    except Cancelled:
        cancelled = StepCancelled(
            "The step was cancelled (the runner sent a stop signal) before it finished.\n"
            + ledger.account()
        )
        # A cancelled step always fails: `fail-on-error: false` is about Rootly, not stops.
        return _failed(runner, cancelled, fail_on_error=True)
    except Exception as bug:  # noqa: BLE001 - the last guard: a traceback helps nobody in CI
        unexpected = UnexpectedFailure(
            f"The action failed unexpectedly ({type(bug).__name__}: {bug}). Please report this "
            f"with the step's log.\n{ledger.account()}"
        )
        return _failed(runner, unexpected, fail_on_error=fail_on_error)


def _failed(runner: Runner, failure: ActionError, *, fail_on_error: bool) -> int:
    """The one place a failure becomes an exit code: 1, or 0 when `fail-on-error` is false."""
    report_failure(runner, failure, fail_on_error=fail_on_error)
    return 1 if fail_on_error else 0


def _run(
    runner: Runner, environ: Mapping[str, str], raw: dict[str, str], ledger: Ledger, seams: Seams
) -> None:
    inputs = parse_inputs(raw)
    _warn_about_lifecycle_timestamps(runner, inputs)
    context = read_run_context(environ)
    if inputs.operation == "create":
        from .flows.create import create

        create(runner, inputs, context, ledger, seams)
        return
    if inputs.operation == "pulse":
        from .flows.pulse import pulse

        pulse(runner, inputs, context, ledger, seams)
        return
    if inputs.operation == "alert" or inputs.target == "alert":
        from .flows.alert import raise_alert, resolve_alerts

        act = raise_alert if inputs.operation == "alert" else resolve_alerts
        act(runner, inputs, context, ledger, seams)
        return
    from .flows.operate import operate

    operate(runner, inputs, context, ledger, seams)


def _warn_about_lifecycle_timestamps(runner: Runner, inputs: ActionInputs) -> None:
    if inputs.operation == "pulse":
        return  # a pulse's start and end are what it marks, not an incident's lifecycle
    given = [name for name in TIMESTAMP_INPUTS if name in inputs.timestamps]
    if given:
        runner.warning(
            f"{', '.join(given)} set by hand. Rootly records lifecycle times itself as the "
            "incident moves; set them only to backfill an incident that happened earlier.",
            title="Lifecycle timestamps given",
        )


@contextmanager
def _stop_on_signals() -> Iterator[None]:
    """Turn SIGTERM and SIGINT into `Cancelled`, so the step says what may exist and exits.

    In the container the action is process 1, which ignores SIGTERM unless it handles it.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: FrameType | None) -> None:
        raise Cancelled(signum)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
