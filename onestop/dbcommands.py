"""`onestop db …` and `onestop demo-data`: open the database from the settings, run one job, close it."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from pathlib import Path
from typing import TYPE_CHECKING

from onestop.config import Settings

if TYPE_CHECKING:
    from db.demo_load import TownshipCounts


async def migrate(settings: Settings) -> list[str]:
    from db.engine import close, connect
    from db.engine import migrate as run_migrations

    db = await connect(settings.database)
    try:
        return await run_migrations(db)
    finally:
        await close(db)


async def backup(settings: Settings, path: Path) -> None:
    from db.engine import backup as run_backup
    from db.engine import close, connect

    db = await connect(settings.database)
    try:
        await run_backup(db, path)
    finally:
        await close(db)


async def demo_data(settings: Settings, *, residents: int, seed: int) -> TownshipCounts:
    """Load a synthetic township with a progress bar on standard error."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from db.demo_desk import load_desk_day
    from db.demo_doctor import load_doctor_morning
    from db.demo_load import load_township
    from db.demo_worklists import load_worklists
    from db.engine import close, connect
    from db.engine import migrate as run_migrations

    now = dt.datetime.now(zoneinfo.ZoneInfo(settings.site.timezone))
    today = now.date()
    db = await connect(settings.database)
    try:
        await run_migrations(db)
        columns = (TextColumn("residents"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
        with Progress(*columns, transient=True) as bar:
            task = bar.add_task("load", total=residents)

            def progress(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            counts = await load_township(
                db, residents=residents, seed=seed, site=settings.site, today=today, progress=progress
            )
        # Today at the desk: bookings (some arrived) and incoming referrals, beside yesterday's history.
        await load_desk_day(db, seed=seed, site=settings.site, today=today)
        # And at the doctors' desks: residents through the front desk, waiting to be called.
        await load_doctor_morning(db, seed=seed, site=settings.site, queues=settings.queues, now=now)
        # The doctor's worklists: long-term prescriptions (some ending this week) and referrals up awaiting.
        await load_worklists(db, seed=seed, site=settings.site, today=today)
        return counts
    finally:
        await close(db)
