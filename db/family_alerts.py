"""Family alerts (家属健康提示): propose them for a visit, raise the ones the nurse confirms, list and close them.

The facts come from the record: the source's confirmed diagnoses and past history, the newest LDL-C, and the
household members whose kinship to the source the desk has set (resident_relation); flows.rules.family decides.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec

from db import convert
from db.conditions import confirmed_conditions
from db.engine import Database, write_transaction
from db.health_record import household_members, past_conditions
from db.residents import get_resident
from db.summary import latest_observations
from db.tables import FamilyAlert, FamilyHistory, ResidentRelation
from db.visits import visit_row
from flows.alerts import NEXT_STATUS, FamilyAlerts, FamilyAlertStatus, RaiseAlerts
from flows.alerts import FamilyAlert as AlertStruct
from flows.errors import Conflict, NotFound
from flows.model import Visit
from flows.record import HistoryCondition, Relation
from flows.rules.base import age_on
from flows.rules.family import (
    DEFAULT_SETTINGS,
    AlertCode,
    FamilySettings,
    ProposedAlert,
    RelativeFacts,
    SourceFacts,
    propose,
)

_COLUMNS = (
    "a.id, a.relative, a.source, a.visit, a.code, a.condition, a.relation, a.clauses, a.text, a.alert_values, "
    "a.status, a.created_at, a.created_by, a.status_at, a.status_by, "
    "rel.name AS relative_name, src.name AS source_name"
)
_FROM = "FROM family_alert a JOIN resident rel ON rel.id = a.relative JOIN resident src ON src.id = a.source"
_VALUES = msgspec.json.Decoder(dict[str, float | int | str])
_CLAUSES = msgspec.json.Decoder(tuple[str, ...])


def _alert(row: dict[str, Any]) -> AlertStruct:
    return AlertStruct(
        id=row["id"],
        relative_id=row["relative"],
        relative_name=row["relative_name"],
        source_id=row["source"],
        source_name=row["source_name"],
        visit_id=row["visit"],
        code=AlertCode(row["code"]),
        condition=HistoryCondition(row["condition"]),
        relation=Relation(row["relation"]),
        clauses=_CLAUSES.decode(convert.json_bytes(row["clauses"])),
        summary=row["text"],
        values=_VALUES.decode(convert.json_bytes(row["alert_values"])),
        status=FamilyAlertStatus(row["status"]),
        created_at=convert.aware(row["created_at"]),
        created_by=row["created_by"],
        status_at=convert.aware(row["status_at"]) if row["status_at"] is not None else None,
        status_by=row["status_by"],
    )


async def _conditions(resident_id: int) -> frozenset[HistoryCondition]:
    confirmed = {HistoryCondition(c.value) for c in await confirmed_conditions(resident_id)}
    return frozenset(confirmed) | await past_conditions(resident_id)


async def proposals(
    db: Database, visit_id: int, *, settings: FamilySettings = DEFAULT_SETTINGS
) -> tuple[Visit, tuple[ProposedAlert, ...]]:
    """The alerts the visit's resident's record proposes for the household, not raised before."""
    visit = await visit_row(visit_id)
    source = await get_resident(db, visit.resident_id)
    ldl = await latest_observations(source.id, ("ldl",))
    facts = SourceFacts(
        resident_id=source.id, conditions=await _conditions(source.id), ldl=ldl[0].value if ldl else None
    )
    relatives = []
    for member in await household_members(source):
        if member.relation is None:
            continue  # kinship not set yet: the desk sets it on the record screen
        # household_members says who the member is to the source; the alert needs who the source is to them.
        back = await ResidentRelation.raw(
            "SELECT relation FROM resident_relation WHERE resident = {} AND relative = {}",
            member.resident_id,
            source.id,
        )
        if not back:
            continue
        relatives.append(
            RelativeFacts(
                resident_id=member.resident_id,
                source_is=Relation(back[0]["relation"]),
                age=age_on(member.birth_date, visit.visit_date),
                conditions=await _conditions(member.resident_id),
            )
        )
    raised = await FamilyAlert.raw("SELECT relative, code FROM family_alert WHERE source = {}", source.id)
    already = [(r["relative"], AlertCode(r["code"])) for r in raised]
    return visit, propose(facts, relatives, already=already, settings=settings)


async def raise_alerts(
    db: Database,
    visit_id: int,
    request: RaiseAlerts,
    *,
    actor_id: int,
    now: dt.datetime,
    settings: FamilySettings = DEFAULT_SETTINGS,
) -> tuple[Visit, list[AlertStruct]]:
    """Raise the proposals the request picks; with `add_family_history`, each alerted relative's family
    history gains the source's condition (unless it is there already)."""
    async with write_transaction(db):
        visit, proposed = await proposals(db, visit_id, settings=settings)
        picked = [
            p
            for p in proposed
            if (not request.relative_ids or p.relative_id in request.relative_ids)
            and (not request.codes or p.code in request.codes)
        ]
        if not picked and (request.relative_ids or request.codes):
            raise Conflict(
                "no proposed alert matches (raised already, or the record does not propose it)",
                field="relative_ids" if request.relative_ids else "codes",
            )
        at = convert.utc(now)
        ids = []
        for p in picked:
            rows = await FamilyAlert.insert(
                FamilyAlert(
                    relative=p.relative_id,
                    source=p.source_id,
                    visit=visit.id,
                    code=p.code.value,
                    condition=p.condition.value,
                    relation=p.relation.value,
                    clauses=msgspec.json.encode(p.clauses).decode(),
                    text=p.summary,
                    alert_values=msgspec.json.encode(p.values).decode(),
                    status=FamilyAlertStatus.OPEN.value,
                    created_at=at,
                    created_by=actor_id,
                )
            )
            ids.append(rows[0]["id"])
            if request.add_family_history:
                await _add_family_history(p, rows[0]["id"], visit.id, at, actor_id)
        return visit, await _alerts_by_id(ids)


async def _add_family_history(
    p: ProposedAlert, alert_id: int, visit_id: int, at: dt.datetime, actor_id: int
) -> None:
    there = await FamilyHistory.raw(
        "SELECT id FROM family_history WHERE resident = {} AND relation = {} AND condition = {} "
        "AND removed_at IS NULL AND (relative = {} OR relative IS NULL)",
        p.relative_id,
        p.relation.value,
        p.condition.value,
        p.source_id,
    )
    if there:
        return
    ldl = p.values.get("ldl")
    await FamilyHistory.insert(
        FamilyHistory(
            resident=p.relative_id,
            relation=p.relation.value,
            condition=p.condition.value,
            note=f"LDL-C {ldl} mmol/L" if ldl is not None else None,
            relative=p.source_id,
            alert=alert_id,
            visit=visit_id,
            recorded_at=at,
            recorded_by=actor_id,
        )
    )


async def _alerts_by_id(ids: list[int]) -> list[AlertStruct]:
    if not ids:
        return []
    marks = ", ".join("{}" for _ in ids)
    rows = await FamilyAlert.raw(f"SELECT {_COLUMNS} {_FROM} WHERE a.id IN ({marks}) ORDER BY a.id", *ids)
    return [_alert(r) for r in rows]


_ORDER = "ORDER BY CASE WHEN a.status = 'open' THEN 0 ELSE 1 END, a.created_at DESC, a.id DESC"


async def resident_alerts(db: Database, resident_id: int) -> FamilyAlerts:
    await get_resident(db, resident_id)
    about = await FamilyAlert.raw(f"SELECT {_COLUMNS} {_FROM} WHERE a.relative = {{}} {_ORDER}", resident_id)
    raised = await FamilyAlert.raw(f"SELECT {_COLUMNS} {_FROM} WHERE a.source = {{}} {_ORDER}", resident_id)
    return FamilyAlerts(about=tuple(_alert(r) for r in about), raised=tuple(_alert(r) for r in raised))


async def set_status(
    db: Database, alert_id: int, status: FamilyAlertStatus, *, actor_id: int, now: dt.datetime
) -> AlertStruct:
    """open → acknowledged (the relative was told) → done (screened); open → done at once is allowed."""
    async with write_transaction(db):
        found = await _alerts_by_id([alert_id])
        if not found:
            raise NotFound(f"no family alert with id {alert_id}", field="alert_id", details={"id": alert_id})
        alert = found[0]
        if status not in NEXT_STATUS[alert.status]:
            raise Conflict(
                f"family alert {alert_id} is {alert.status.value}; it cannot become {status.value}",
                field="status",
                details={"status": alert.status.value},
            )
        await FamilyAlert.update(
            {
                FamilyAlert.status: status.value,
                FamilyAlert.status_at: convert.utc(now),
                FamilyAlert.status_by: actor_id,
            }
        ).where(FamilyAlert.id == alert_id)
        return (await _alerts_by_id([alert_id]))[0]
