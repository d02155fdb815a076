"""serve ARCHIVE: the APOD API (NASA's v1 contract, search, health) over an archive's catalog."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from ..catalog import open_readonly
from ..errors import ApodError

# the worker processes uvicorn starts build their app from these (an import string is
# the only way to hand it more than one process)
_SETTINGS = "APODSCRAPE_SERVE"


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("archive", help="an archive directory with its catalog.sqlite")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on")
    parser.add_argument(
        "--workers", type=int, default=1, help="server processes (one a core at most)"
    )
    parser.add_argument("--site", help="also serve this static site (`apodscrape site`) at /")
    parser.add_argument(
        "--rate-limit", type=int, default=None, help="answers per client per hour (default: none)"
    )
    parser.add_argument(
        "--api-keys", help="a file of accepted api_key values, one a line (default: any)"
    )


def settings(args: argparse.Namespace) -> dict[str, object]:
    archive = Path(args.archive)
    open_readonly(archive).close()  # CatalogError (one line) before any server starts
    if args.site and not Path(args.site).is_dir():
        raise ApodError(f"no site directory at {args.site}")
    if args.workers < 1 or (args.rate_limit is not None and args.rate_limit < 1):
        raise ApodError("--workers and --rate-limit must be at least 1")
    keys = None
    if args.api_keys:
        try:
            lines = Path(args.api_keys).read_text(encoding="utf-8").splitlines()
        except OSError as failure:
            raise ApodError(f"cannot read {args.api_keys}: {failure.strerror}") from None
        keys = sorted({line.strip() for line in lines if line.strip()})
    return {
        "archive": str(archive.resolve()),
        "site": str(Path(args.site).resolve()) if args.site else None,
        "rate_limit": args.rate_limit,
        "api_keys": keys,
    }


def app():  # type: ignore[no-untyped-def]
    """The application of one worker process (uvicorn's factory)."""
    from ..api import create_app

    given = json.loads(os.environ[_SETTINGS])
    keys = given.pop("api_keys")
    return create_app(**given, api_keys=None if keys is None else set(keys))


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from ..api.protocol import GuardedHttpToolsProtocol

    os.environ[_SETTINGS] = json.dumps(settings(args))
    uvicorn.run(
        f"{__name__}:app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        loop="uvloop",
        http=GuardedHttpToolsProtocol,  # httptools, with a deadline for the headers
        access_log=False,
        # X-Forwarded-For from a proxy on this machine names the client, for the rate limit
        proxy_headers=args.rate_limit is not None,
        server_header=False,
        # a client that sends nothing for 5 s between requests, or takes longer to send its
        # headers (GuardedHttpToolsProtocol), is let go; past 2,048 connections and
        # requests at once a process answers 503 rather than grow
        timeout_keep_alive=5,
        limit_concurrency=2048,
        backlog=2048,
        timeout_graceful_shutdown=5,
    )
    return 0
