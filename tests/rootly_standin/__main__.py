"""Run the stand-in by hand: `PYTHONPATH=tests python -m rootly_standin --port 8080`."""

from __future__ import annotations

import argparse
import contextlib
import json
import signal
import threading
from pathlib import Path

from . import RootlyStandIn
from .behaviour import Behaviour


def main() -> None:
    parser = argparse.ArgumentParser(description="A local stand-in for Rootly's API.")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--token", default="local-demo-token")
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument(
        "--behaviour",
        type=Path,
        help="a JSON file of switch settings, such as scripts/probe-rootly --json writes",
    )
    args = parser.parse_args()
    behaviour = Behaviour(**json.loads(args.behaviour.read_text())) if args.behaviour else None
    standin = RootlyStandIn(
        token=args.token, port=args.port, latency=args.latency_ms / 1000, behaviour=behaviour
    )
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with standin:
        print(f"Rootly stand-in listening on {standin.url} (token: {args.token})", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            stop.wait()


if __name__ == "__main__":
    main()
