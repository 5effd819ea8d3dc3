"""Rows of the health record's tables ↔ flows.record values (for db.health_record and db.family_alerts)."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any, Final

import msgspec

from db import convert
from db.tables import Allergy, FamilyHistory, OutsideMedicine, PastHistory
from flows import record as rec
from flows.rules.htn_form import SaltIntake

DISEASE: Final = "disease"  # past_history.kind of a disease (the others are PastEventKind values)

Row = dict[str, Any]


class Section(msgspec.Struct, frozen=True, kw_only=True):
    """A list section: its table, the columns that make an entry what it is, and the entries as rows."""

    table: type[Any]
    columns: tuple[str, ...]
    wanted: list[Row]


def date_or_none(value: Any) -> dt.date | None:
    return convert.as_date(value) if value is not None else None


def plain(value: Any) -> Any:
    return value.value if isinstance(value, enum.Enum) else value


async def rows_of(table: type[Any], resident_id: int) -> list[Row]:
    """Every row of the resident in `table`, removed ones too (they tell when the record last changed)."""
    rows: list[Row] = await table.raw(
        f"SELECT * FROM {table._meta.tablename} WHERE resident = {{}} ORDER BY id", resident_id
    )
    return rows


def active(rows: list[Row]) -> list[Row]:
    return [r for r in rows if r.get("removed_at") is None]


def disease(row: Row) -> rec.PastDisease:
    return rec.PastDisease(
        condition=rec.HistoryCondition(row["condition"]),
        diagnosed_on=date_or_none(row["occurred_on"]),
        note=row["name"],
    )


def event(row: Row) -> rec.PastEvent:
    return rec.PastEvent(
        kind=rec.PastEventKind(row["kind"]), name=row["name"], occurred_on=date_or_none(row["occurred_on"])
    )


def family(row: Row) -> rec.FamilyHistoryEntry:
    return rec.FamilyHistoryEntry(
        relation=rec.Relation(row["relation"]),
        condition=rec.HistoryCondition(row["condition"]),
        note=row["note"],
        relative_id=row["relative"],
    )


def allergy(row: Row) -> rec.Allergy:
    return rec.Allergy(
        kind=rec.AllergyKind(row["kind"]), substance=row["substance"], reaction=row["reaction"]
    )


def medicine(row: Row) -> rec.OutsideMedicine:
    return rec.OutsideMedicine(
        name=row["name"], dose=row["dose"], frequency=row["frequency"], source=row["source"]
    )


def lifestyle(row: Row | None) -> rec.Lifestyle:
    if row is None:
        return rec.Lifestyle()
    diet = msgspec.json.decode(convert.json_bytes(row["diet"]), type=list[rec.DietHabit])
    return rec.Lifestyle(
        smoking=rec.SmokingStatus(row["smoking"]) if row["smoking"] else None,
        cigarettes_per_day=row["cigarettes_per_day"],
        alcohol=rec.AlcoholFrequency(row["alcohol"]) if row["alcohol"] else None,
        baijiu_liang_per_day=row["baijiu_liang_per_day"],
        exercise=rec.ExerciseFrequency(row["exercise"]) if row["exercise"] else None,
        exercise_minutes=row["exercise_minutes"],
        salt=SaltIntake(row["salt"]) if row["salt"] else None,
        diet=tuple(diet),
    )


def lifestyle_row(life: rec.Lifestyle) -> Row:
    values = {k: plain(v) for k, v in msgspec.structs.asdict(life).items()}
    values["diet"] = msgspec.json.encode(life.diet).decode()
    return values


def sections(clean: rec.HealthRecordInput) -> tuple[Section, ...]:
    """The four list sections of a record to save, as the rows they should leave active."""
    past = [
        {"kind": DISEASE, "condition": d.condition.value, "name": d.note, "occurred_on": d.diagnosed_on}
        for d in clean.diseases
    ] + [
        {"kind": e.kind.value, "condition": None, "name": e.name, "occurred_on": e.occurred_on}
        for e in clean.events
    ]
    return (
        Section(table=PastHistory, columns=("kind", "condition", "name", "occurred_on"), wanted=past),
        Section(
            table=FamilyHistory,
            columns=("relation", "condition", "note", "relative"),
            wanted=[
                {
                    "relation": e.relation.value,
                    "condition": e.condition.value,
                    "note": e.note,
                    "relative": e.relative_id,
                }
                for e in clean.family_history
            ],
        ),
        Section(
            table=Allergy,
            columns=("kind", "substance", "reaction"),
            wanted=[
                {"kind": a.kind.value, "substance": a.substance, "reaction": a.reaction}
                for a in clean.allergies
            ],
        ),
        Section(
            table=OutsideMedicine,
            columns=("name", "dose", "frequency", "source"),
            wanted=[msgspec.structs.asdict(m) for m in clean.medicines],
        ),
    )


def key(row: Row, columns: tuple[str, ...]) -> tuple[Any, ...]:
    """What makes two entries the same (dates compared as dates: SQLite may hand back text)."""
    return tuple(date_or_none(row[c]) if c == "occurred_on" else row[c] for c in columns)
