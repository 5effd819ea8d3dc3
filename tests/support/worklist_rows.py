"""Rows for the worklist tests, written straight to the tables (the API has no way to back-date them):
done follow-ups with their values, open bookings past due, contracts, long-term prescriptions, referrals."""

from __future__ import annotations

import datetime as dt
from typing import Any

from db import tables
from tests.support.server import LiveServer


async def _insert(row: Any) -> int:
    made = await type(row).insert(row)
    return int(made[0]["id"])


def _noon(server: LiveServer, day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), server.clock.zone)


def done_follow_up(
    server: LiveServer,
    resident_id: int,
    day: dt.date,
    *,
    sbp: int | None = None,
    dbp: int | None = None,
    fpg: float | None = None,
    condition: str = "hypertension",
) -> int:
    at = _noon(server, day)
    row = tables.FollowUp(
        resident=resident_id,
        condition=condition,
        due_date=day,
        mode="clinic",
        done_at=at,
        created_at=at,
        sbp=sbp,
        dbp=dbp,
        fpg=fpg,
        follow_up_class="controlled",
    )
    return server.run(_insert(row))


def booking(server: LiveServer, resident_id: int, due: dt.date, *, condition: str = "hypertension") -> int:
    """An open follow-up booking (not done) due on `due`."""
    row = tables.FollowUp(
        resident=resident_id, condition=condition, due_date=due, mode="clinic", created_at=server.clock()
    )
    return server.run(_insert(row))


def diagnosis(server: LiveServer, resident_id: int, condition: str, icd10: str) -> int:
    row = tables.Diagnosis(
        resident=resident_id,
        condition=condition,
        icd10=icd10,
        status="confirmed",
        diagnosed_at=server.clock(),
    )
    return server.run(_insert(row))


def contract(
    server: LiveServer,
    resident_id: int,
    team_id: int,
    start: dt.date,
    end: dt.date,
    *,
    status: str = "active",
) -> int:
    row = tables.Contract(
        resident=resident_id,
        team=team_id,
        package="basic",
        start_date=start,
        end_date=end,
        status=status,
        created_at=server.clock(),
    )
    return server.run(_insert(row))


def prescription(
    server: LiveServer,
    resident_id: int,
    drug: str,
    start: dt.date,
    end: dt.date,
    *,
    long_term: bool = True,
    stop_reason: str | None = None,
) -> int:
    row = tables.Prescription(
        resident=resident_id,
        drug=drug,
        dose="5 mg",
        frequency="qd",
        long_term=long_term,
        start_date=start,
        end_date=end,
        stop_reason=stop_reason,
        created_at=server.clock(),
    )
    return server.run(_insert(row))


def referral(
    server: LiveServer,
    resident_id: int,
    direction: str,
    created: dt.date,
    *,
    status: str = "open",
    urgency: str = "urgent",
) -> int:
    row = tables.Referral(
        resident=resident_id,
        direction=direction,
        urgency=urgency,
        reasons="连续两次随访血压控制不满意",
        destination="县人民医院",
        department="心血管内科",
        status=status,
        created_at=_noon(server, created),
    )
    return server.run(_insert(row))


def follow_up_row(server: LiveServer, follow_up_id: int) -> dict[str, Any]:
    async def read() -> dict[str, Any]:
        rows = await tables.FollowUp.select().where(tables.FollowUp.id == follow_up_id)
        return dict(rows[0])

    return server.run(read())


def referral_row(server: LiveServer, referral_id: int) -> dict[str, Any]:
    async def read() -> dict[str, Any]:
        rows = await tables.Referral.select().where(tables.Referral.id == referral_id)
        return dict(rows[0])

    return server.run(read())
