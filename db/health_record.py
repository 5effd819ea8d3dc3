"""The health record's history (flows.record): read it whole, save it section by section.

A save compares each list with what is stored: an entry that is still there keeps its row (and who recorded it
first), a dropped entry is marked removed, a new one is inserted; the lifestyle gets a new row only when it
changed; household kinship is written for both members of a pair. Everything is checked before the first write,
so a refusal writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from typing import Any

import msgspec

from db import convert, prescriptions
from db import record_rows as rows
from db.engine import Database, write_transaction
from db.residents import get_resident
from db.tables import (
    Allergy,
    FamilyHistory,
    Lifestyle,
    OutsideMedicine,
    PastHistory,
    Resident,
    ResidentRelation,
)
from db.visits import visit_of
from flows import record as rec
from flows.errors import InvalidInput
from flows.model import Resident as ResidentStruct
from flows.model import Sex
from flows.patient import Medicine


class SaveResult(msgspec.Struct, frozen=True, kw_only=True):
    """The record after a save, and what changed (kinds and counts only: the audit detail)."""

    record: rec.HealthRecord
    added: int
    removed: int
    lifestyle_changed: bool
    relatives: tuple[int, ...]  # household members whose kinship to the resident changed (their record too)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed or self.lifestyle_changed or self.relatives)


# --- reading -------------------------------------------------------------------------------------------


async def household_members(resident: ResidentStruct) -> list[rec.HouseholdMember]:
    """The other members of the resident's household, with who each is to the resident where the desk said."""
    if resident.household_id is None:
        return []
    found = await Resident.raw(
        "SELECT r.id, r.name, r.sex, r.birth_date, k.relation FROM resident r "
        "LEFT JOIN resident_relation k ON k.relative = r.id AND k.resident = {} "
        "WHERE r.household = {} AND r.id <> {} ORDER BY r.id",
        resident.id,
        resident.household_id,
        resident.id,
    )
    return [
        rec.HouseholdMember(
            resident_id=r["id"],
            name=r["name"],
            sex=Sex(r["sex"]),
            birth_date=convert.as_date(r["birth_date"]),
            relation=rec.Relation(r["relation"]) if r["relation"] else None,
        )
        for r in found
    ]


async def past_conditions(resident_id: int) -> frozenset[rec.HistoryCondition]:
    """The diseases of the resident's past history now on the record (family alerts read them)."""
    found = await PastHistory.raw(
        "SELECT DISTINCT condition FROM past_history WHERE resident = {} AND kind = {} AND removed_at IS NULL",
        resident_id,
        rows.DISEASE,
    )
    return frozenset(rec.HistoryCondition(r["condition"]) for r in found)


async def current_lifestyle(resident_id: int) -> rec.Lifestyle:
    """The newest lifestyle on the record (all None when never asked): smoking, drinking, salt for advice."""
    return (await current_lifestyle_at(resident_id))[0]


async def current_lifestyle_at(resident_id: int) -> tuple[rec.Lifestyle, dt.datetime | None]:
    """The newest lifestyle and when it was recorded (None: never asked). A row is written only when the
    lifestyle changes, so the time is when it was last told differently, not when it was last confirmed."""
    found = await Lifestyle.raw(
        "SELECT * FROM lifestyle WHERE resident = {} ORDER BY recorded_at DESC, id DESC LIMIT 1", resident_id
    )
    if not found:
        return rows.lifestyle(None), None
    return rows.lifestyle(found[0]), convert.aware(found[0]["recorded_at"])


async def health_record(db: Database, resident_id: int, *, today: dt.date) -> rec.HealthRecord:
    resident = await get_resident(db, resident_id)
    return await _read(resident, today)


async def _read(resident: ResidentStruct, today: dt.date) -> rec.HealthRecord:
    tables = (PastHistory, FamilyHistory, Allergy, OutsideMedicine, Lifestyle, ResidentRelation)
    past, family, allergies, medicines, lifestyles, relations = [
        await rows.rows_of(t, resident.id) for t in tables
    ]
    changes = [
        (r["recorded_at"], r["recorded_by"])
        for t in (past, family, allergies, medicines, lifestyles, relations)
        for r in t
    ]
    changes += [
        (r["removed_at"], r["removed_by"])
        for t in (past, family, allergies, medicines)
        for r in t
        if r["removed_at"] is not None
    ]
    newest = max(changes, key=lambda c: convert.aware(c[0]), default=None)
    current_past = rows.active(past)
    latest = max(lifestyles, key=lambda r: (convert.aware(r["recorded_at"]), r["id"]), default=None)
    return rec.HealthRecord(
        resident_id=resident.id,
        diseases=tuple(rows.disease(r) for r in current_past if r["kind"] == rows.DISEASE),
        events=tuple(rows.event(r) for r in current_past if r["kind"] != rows.DISEASE),
        family_history=tuple(rows.family(r) for r in rows.active(family)),
        lifestyle=rows.lifestyle(latest),
        allergies=tuple(rows.allergy(r) for r in rows.active(allergies)),
        medicines=tuple(rows.medicine(r) for r in rows.active(medicines)),
        household=tuple(await household_members(resident)),
        prescriptions=tuple(
            Medicine(
                drug=r["drug"],
                dose=r["dose"],
                frequency=r["frequency"],
                long_term=bool(r["long_term"]),
                end_date=rows.date_or_none(r["end_date"]),
            )
            for r in await prescriptions.running(resident.id, today)
        ),
        updated_at=convert.aware(newest[0]) if newest else None,
        updated_by=newest[1] if newest else None,
    )


# --- saving --------------------------------------------------------------------------------------------


async def _check_relations(resident: ResidentStruct, relations: Sequence[rec.HouseholdRelation]) -> None:
    members = {m.resident_id: m for m in await household_members(resident)}
    for i, r in enumerate(relations):
        member = members.get(r.relative_id)
        if member is None:
            raise InvalidInput(
                f"relations[{i}].relative_id: resident {r.relative_id} is not in the household of resident {resident.id}",
                field=f"relations[{i}].relative_id",
            )
        rec.check_relation(r.relation, member.sex, f"relations[{i}].relation")


async def _check_relatives(entries: Sequence[rec.FamilyHistoryEntry]) -> None:
    for i, e in enumerate(entries):
        if e.relative_id is not None and not await Resident.raw(
            "SELECT id FROM resident WHERE id = {}", e.relative_id
        ):
            raise InvalidInput(
                f"family_history[{i}].relative_id: no resident {e.relative_id}",
                field=f"family_history[{i}].relative_id",
            )


async def save_health_record(
    db: Database,
    resident_id: int,
    body: rec.HealthRecordInput,
    *,
    actor_id: int,
    now: dt.datetime,
    tz: dt.tzinfo,
) -> SaveResult:
    today = now.astimezone(tz).date()
    resident = await get_resident(db, resident_id)
    if body.visit_id is not None:
        await visit_of(body.visit_id, resident_id)
    clean = rec.check_record(body, resident_id=resident_id, born=resident.birth_date, today=today)
    await _check_relations(resident, clean.relations)
    await _check_relatives(clean.family_history)
    stamp = {"visit": clean.visit_id, "recorded_at": convert.utc(now), "recorded_by": actor_id}
    async with write_transaction(db):
        changes = [await _replace(section, resident_id, stamp) for section in rows.sections(clean)]
        lifestyle_changed = await _save_lifestyle(resident_id, clean.lifestyle, stamp)
        relatives = await _save_relations(resident, clean.relations, stamp)
        saved = await _read(resident, today)
    return SaveResult(
        record=saved,
        added=sum(a for a, _r in changes),
        removed=sum(r for _a, r in changes),
        lifestyle_changed=lifestyle_changed,
        relatives=relatives,
    )


async def _replace(section: rows.Section, resident_id: int, stamp: dict[str, Any]) -> tuple[int, int]:
    """Make the section's active rows equal its wanted rows (as multisets of its columns): (added, removed)."""
    table, columns = section.table, section.columns
    want = Counter(rows.key(w, columns) for w in section.wanted)
    gone = []
    for row in rows.active(await rows.rows_of(table, resident_id)):
        found = rows.key(row, columns)
        if want[found] > 0:
            want[found] -= 1
        else:
            gone.append(row["id"])
    if gone:
        marks = ", ".join("{}" for _ in gone)
        await table.raw(
            f"UPDATE {table._meta.tablename} SET removed_at = {{}}, removed_by = {{}} WHERE id IN ({marks})",
            stamp["recorded_at"],
            stamp["recorded_by"],
            *gone,
        )
    added = 0
    for row in section.wanted:
        found = rows.key(row, columns)
        if want[found] > 0:
            want[found] -= 1
            await table.insert(table(resident=resident_id, **row, **stamp))
            added += 1
    return added, len(gone)


async def _save_lifestyle(resident_id: int, life: rec.Lifestyle, stamp: dict[str, Any]) -> bool:
    if await current_lifestyle(resident_id) == life:
        return False
    await Lifestyle.insert(Lifestyle(resident=resident_id, **rows.lifestyle_row(life), **stamp))
    return True


async def _save_relations(
    resident: ResidentStruct, relations: Sequence[rec.HouseholdRelation], stamp: dict[str, Any]
) -> tuple[int, ...]:
    """The pairs of `resident` become exactly `relations`, each written both ways; the relatives changed."""
    pairs = await ResidentRelation.raw(
        "SELECT relative, relation FROM resident_relation WHERE resident = {}", resident.id
    )
    stored = {r["relative"]: rec.Relation(r["relation"]) for r in pairs}
    wanted = {r.relative_id: r.relation for r in relations}
    changed = tuple(sorted(r for r in stored.keys() | wanted.keys() if stored.get(r) != wanted.get(r)))
    for relative in changed:
        await ResidentRelation.raw(
            "DELETE FROM resident_relation WHERE (resident = {} AND relative = {}) OR (resident = {} AND relative = {})",
            resident.id,
            relative,
            relative,
            resident.id,
        )
        relation = wanted.get(relative)
        if relation is None:
            continue
        back = rec.inverse(relation, resident.sex)
        at, by = stamp["recorded_at"], stamp["recorded_by"]
        await ResidentRelation.insert(
            ResidentRelation(
                resident=resident.id,
                relative=relative,
                relation=relation.value,
                recorded_at=at,
                recorded_by=by,
            ),
            ResidentRelation(
                resident=relative, relative=resident.id, relation=back.value, recorded_at=at, recorded_by=by
            ),
        )
    return changed
