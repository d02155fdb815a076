"""python -m sitesim: the simulated sites in a process of their own, until ^C or SIGTERM.

Prints the URL it serves on (127.0.0.1, a free port) on its first line of output.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import datetime as dt
import signal
import sys

from .faults import DEFAULT_FAULTS, Faults
from .science import LIST_CAP
from .server import MODES, SiteSim


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sitesim", description=__doc__)
    parser.add_argument("--mode", choices=MODES, default="classic")
    parser.add_argument("--end", type=dt.date.fromisoformat, help="last day (default: today)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--list-cap", type=int, default=LIST_CAP)
    parser.add_argument("--error-rate", type=float, help="faults: fraction answered 500")
    parser.add_argument("--throttle-rate", type=float, help="faults: fraction answered 429")
    parser.add_argument("--truncate-rate", type=float, help="faults: fraction cut short")
    parser.add_argument("--delay", type=float, help="faults: longest delay, seconds")
    parser.add_argument("--retry-after", type=int, help="faults: the 429's Retry-After")
    parser.add_argument("--no-log", action="store_true", help="keep no list of requests")
    args = parser.parse_args(argv)
    given = {
        name: getattr(args, name)
        for name in ("error_rate", "throttle_rate", "truncate_rate", "delay", "retry_after")
        if getattr(args, name) is not None
    }
    faults = None
    if given or args.mode == "faults":
        base = DEFAULT_FAULTS if args.mode == "faults" else Faults()
        faults = dataclasses.replace(base, **given)
    sim = SiteSim(
        args.mode, args.end, seed=args.seed, faults=faults, list_cap=args.list_cap,
        log=not args.no_log,
    )  # fmt: skip

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        print(await sim.serve(), flush=True)
        await stop.wait()
        await sim.close()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run())
    return 0


if __name__ == "__main__":
    sys.exit(main())
