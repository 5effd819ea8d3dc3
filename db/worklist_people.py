"""What every worklist row says about its resident (flows.worklists.WorkResident), and the SQL the lists share:
the team filter (the contract covering the day, on contract_resident_status) and the page count."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from db import convert
from db.tables import FollowUp
from flows.model import Condition, Sex
from flows.worklists import WorkResident

Row = dict[str, Any]
PEOPLE = "r.id AS rid, r.name, r.phone, r.sex, r.birth_date"


def member(resident: str) -> str:
    """Whether the resident's contract covering the day is with the team (args: team id, day, day)."""
    return (
        f"EXISTS (SELECT 1 FROM contract c WHERE c.resident = {resident} AND c.team = {{}} "
        "AND c.start_date <= {} AND c.end_date >= {} AND c.status <> 'terminated')"
    )


def in_team(resident: str, team_id: int | None, today: dt.date) -> tuple[str, list[Any]]:
    """`AND …` keeping residents whose contract covering today is with the team (nothing: the whole site)."""
    if team_id is None:
        return "", []
    return f" AND {member(resident)}", [team_id, today, today]


def marks(n: int) -> str:
    return ", ".join("{}" for _ in range(n))


async def conditions_of(ids: Iterable[int]) -> dict[int, tuple[Condition, ...]]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    rows = await FollowUp.raw(
        "SELECT DISTINCT resident, condition FROM diagnosis WHERE status = 'confirmed' "
        f"AND resident IN ({marks(len(wanted))}) ORDER BY resident, condition",
        *wanted,
    )
    out: dict[int, list[Condition]] = defaultdict(list)
    for row in rows:
        out[row["resident"]].append(Condition(row["condition"]))
    return {rid: tuple(cs) for rid, cs in out.items()}


def who(row: Row, conditions: dict[int, tuple[Condition, ...]]) -> WorkResident:
    rid = row["rid"]
    return WorkResident(
        resident_id=rid,
        name=row["name"],
        phone=row["phone"],
        sex=Sex(row["sex"]),
        birth_date=convert.as_date(row["birth_date"]),
        conditions=conditions.get(rid, ()),
    )


async def people(ids: list[int]) -> dict[int, WorkResident]:
    if not ids:
        return {}
    rows = await FollowUp.raw(f"SELECT {PEOPLE} FROM resident r WHERE r.id IN ({marks(len(ids))})", *ids)
    conditions = await conditions_of(ids)
    return {row["rid"]: who(row, conditions) for row in rows}


async def count(sql: str, args: list[Any]) -> int:
    rows = await FollowUp.raw(f"SELECT COUNT(*) AS n FROM ({sql}) q", *args)
    return int(rows[0]["n"])


def at(value: Any) -> dt.datetime | None:
    return None if value is None else convert.timestamp(value)
