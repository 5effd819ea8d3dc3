"""Helpers of the queue and printer tests: residents brought to the triage step, teams, bulk visits."""

from __future__ import annotations

import datetime as dt
from typing import Any

from db.convert import utc
from db.staff import create_team
from db.tables import Resident, Visit
from flows.identity import make_id_number
from flows.model import FamilyDoctorTeam, QueueKind, Sex, Step
from tests.api.helpers import Api, register

TO_SIGNING = ("start_screening", "finish_screening", "finish_record_update")


def add_team(api: Api, name: str = "第一家庭医生团队", room: str = "3号诊室") -> FamilyDoctorTeam:
    server = api.server
    return server.run(create_team(server.database, name=name, room=room))


def to_triage(api: Api, seq: int, *, team_id: int | None = None, name: str | None = None) -> dict[str, Any]:
    """Register a resident and walk a visit to the triage step: signed to `team_id`, or declined (GP)."""
    resident = register(api.nurse, seq, **({"name": name} if name else {}))
    answer = api.nurse.post("/api/v1/visits", json={"resident_id": resident["id"]})
    assert answer.status_code == 201, answer.text
    visit: dict[str, Any] = answer.json()
    for move in TO_SIGNING:
        moved = api.nurse.post(f"/api/v1/visits/{visit['id']}/events", json={"move": move})
        assert moved.status_code == 200, moved.text
    last = (
        {"move": "confirm_contract", "team_id": team_id}
        if team_id is not None
        else {"move": "decline_signing", "reason": "暂不签约"}
    )
    moved = api.nurse.post(f"/api/v1/visits/{visit['id']}/events", json=last)
    assert moved.status_code == 200, moved.text
    result: dict[str, Any] = moved.json()
    assert result["step"] == "triage"
    return result


def issue(api: Api, visit_id: int, **extra: Any) -> dict[str, Any]:
    answer = api.nurse.post("/api/v1/tickets", json={"visit_id": visit_id, **extra})
    assert answer.status_code in (200, 201), answer.text
    issued: dict[str, Any] = answer.json()
    return issued


async def bulk_visits_at_triage(
    count: int, *, opened_by: int, now: dt.datetime, day: dt.date, first_seq: int = 0
) -> list[int]:
    """`count` residents with a visit waiting at triage for general practice, written directly (the
    concurrency tests need hundreds; walking each through the API would be the slow part of the test)."""
    at = utc(now)
    ids: list[int] = []
    for start in range(0, count, 200):
        batch = range(start, min(start + 200, count))
        residents = await Resident.insert(
            *[
                Resident(
                    id_number=make_id_number(
                        "320923", dt.date(1950, 1, 1) + dt.timedelta(days=first_seq + i), 1, Sex.MALE
                    ),
                    name=f"并发{first_seq + i}",
                    name_initials="bf",
                    village_code="001",
                    sex=Sex.MALE.value,
                    birth_date=dt.date(1950, 1, 1) + dt.timedelta(days=first_seq + i),
                    record_number=f"320923001{first_seq + i:08d}",
                    created_at=at,
                    updated_at=at,
                )
                for i in batch
            ]
        )
        visits = await Visit.insert(
            *[
                Visit(
                    resident=r["id"],
                    visit_date=day,
                    step=Step.TRIAGE.value,
                    opened_at=at,
                    opened_by=opened_by,
                    updated_at=at,
                    queue_kind=QueueKind.GENERAL_PRACTICE.value,
                )
                for r in residents
            ]
        )
        ids.extend(v["id"] for v in visits)
    return ids
