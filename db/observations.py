"""Values and symptoms entering a visit: validated, saved, and checked against the emergency lists at once.

This is the one door for clinical values into a visit (typed at the desk now; device readings claimed by the
visit go through it too), so the emergency check cannot be skipped by any path.
"""

from __future__ import annotations

import datetime as dt

from db import convert, emergencies
from db.conditions import confirmed_conditions
from db.engine import Database, write_transaction
from db.tables import Observation, Symptom
from db.visits import open_visit_of
from flows import measurements
from flows.clinical import VisitEntry, VisitEntryResult
from flows.errors import InvalidInput
from flows.model import Observation as ObservationStruct
from flows.rules.emergency import check_emergency
from flows.rules.settings import DEFAULT_RULES, RulesSettings
from flows.visit import allowed_moves


async def record_entry(
    db: Database,
    visit_id: int,
    entry: VisitEntry,
    *,
    actor_id: int,
    now: dt.datetime,
    rules: RulesSettings = DEFAULT_RULES,
    reading_id: int | None = None,
    observed_at: dt.datetime | None = None,
) -> VisitEntryResult:
    """Save the entry's values and symptoms in the visit; an emergency among them raises an open flag.

    Everything is validated before the first write, so a bad value leaves nothing behind. `reading_id`
    and `observed_at` come with a claimed device reading (db.readings.claim): the observations point back
    at it and carry the time it was measured, not the time it was claimed."""
    values = measurements.with_bmi(measurements.validate(entry.measurements)) if entry.measurements else {}
    symptoms = tuple(dict.fromkeys(s.strip() for s in entry.symptoms))
    if not values and not symptoms:
        raise InvalidInput("give at least one measurement or symptom", field="measurements")
    at = convert.utc(observed_at or now)
    async with write_transaction(db):
        visit = await open_visit_of(visit_id)
        findings = check_emergency(
            measurements=values,
            symptoms=symptoms,
            conditions=await confirmed_conditions(visit.resident_id),
            pregnant_or_lactating=entry.pregnant_or_lactating,
            settings=rules.emergency,
            diabetes_settings=rules.diabetes,
        )
        saved: list[ObservationStruct] = []
        for code, value in values.items():
            unit = measurements.MEASURES[code].unit
            inserted = await Observation.insert(
                Observation(
                    resident=visit.resident_id,
                    visit=visit_id,
                    code=code,
                    value=value,
                    unit=unit,
                    source=entry.source.value,
                    device_id=entry.device_id,
                    reading=reading_id,
                    observed_at=at,
                    recorded_by=actor_id,
                )
            )
            saved.append(
                ObservationStruct(
                    id=inserted[0]["id"],
                    resident_id=visit.resident_id,
                    code=code,
                    value=value,
                    unit=unit,
                    source=entry.source,
                    observed_at=at,
                    visit_id=visit_id,
                    device_id=entry.device_id,
                )
            )
        for code in symptoms:
            await Symptom.insert(
                Symptom(
                    resident=visit.resident_id,
                    visit=visit_id,
                    code=code,
                    recorded_at=at,
                    recorded_by=actor_id,
                )
            )
        flag = (
            await emergencies.raise_flag(visit_id, visit.resident_id, findings, now=now) if findings else None
        )
        emergency_open = flag is not None or await emergencies.has_open(visit_id)
    return VisitEntryResult(
        visit_id=visit_id,
        resident_id=visit.resident_id,
        observations=tuple(saved),
        symptoms=symptoms,
        emergency=findings,
        flag=flag,
        moves=allowed_moves(visit.step, emergency_open=emergency_open),
    )


async def visit_values(visit_id: int) -> tuple[dict[str, float], tuple[str, ...]]:
    """The newest value of each code entered in the visit, and its symptoms (for the visit's screening)."""
    rows = await Observation.raw(
        "SELECT code, value FROM observation WHERE visit = {} ORDER BY observed_at, id", visit_id
    )
    values = {r["code"]: float(r["value"]) for r in rows}
    symptom_rows = await Symptom.raw("SELECT DISTINCT code FROM symptom WHERE visit = {}", visit_id)
    return values, tuple(sorted(r["code"] for r in symptom_rows))
