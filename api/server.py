"""`onestop serve`: run the API under uvicorn in this process until Ctrl-C or SIGTERM."""

from __future__ import annotations

import asyncio
import sys

from onestop.config import Settings


def run(settings: Settings, host: str, port: int) -> None:
    """Serve until stopped. An unreachable or unmigrated database stops start-up with one line on
    standard error and exit status 1 (SystemExit), before any port is opened."""
    import uvicorn

    from api.app import create_app, preflight
    from db.errors import StoreError

    try:
        asyncio.run(preflight(settings))
    except StoreError as exc:
        print(f"onestop serve: {exc.message}", file=sys.stderr)
        raise SystemExit(1) from None
    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        # No access log: search URLs carry ID numbers and names (`?q=…`), which must not land in a plain
        # log file; the audit trail records who searched and for what kind of text.
        access_log=False,
        log_level="info",
        lifespan="on",
        # The waiting-room board holds a server-sent-event stream open for the whole day; without a bound
        # uvicorn would wait for the television to hang up before it stops.
        timeout_graceful_shutdown=5,
    )
