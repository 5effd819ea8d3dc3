"""The patient page's data (flows.patient.PatientRecord): only what the page may show, in a few indexed reads.

Every query is keyed by the token's own resident (and, for a visit token, its visit), never by anything the
request carries, so no parameter of the page can reach another resident.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Sequence
from typing import Any, Final

import msgspec

from db import convert
from db.conditions import confirmed_conditions
from db.engine import Database
from db.plans import active_plans
from db.queues import visit_places
from db.tables import Observation, Resident
from flows.access import AccessScope, AccessToken
from flows.identity import mask_name
from flows.model import Condition, Sex, Step
from flows.patient import Medicine, PatientRecord, Point, TeamContact, Value
from flows.queue import QueueDef
from flows.rules.base import age_on

CHART_CODES: Final = ("sbp", "dbp", "fpg", "weight")  # the trends of the page (issue 6: BP, glucose, weight)
SHOWN_CODES: Final = (
    "sbp",
    "dbp",
    "pulse",
    "fpg",
    "hba1c",
    "weight",
    "height",
    "bmi",
    "waist",
    "tc",
    "ldl",
    "hdl",
    "tg",
    "spo2",
)
CHART_DAYS: Final = 365
_ORDER = {c.value: i for i, c in enumerate(Condition)}
_SHOWN = ", ".join(f"'{c}'" for c in SHOWN_CODES)
_CHARTED = ", ".join(f"'{c}'" for c in CHART_CODES)


def _value(row: dict[str, Any]) -> Value:
    return Value(
        code=row["code"],
        value=float(row["value"]),
        unit=row["unit"],
        observed_at=convert.aware(row["observed_at"]),
    )


async def patient_record(
    db: Database,
    token: AccessToken,
    *,
    now: dt.datetime,
    zone: zoneinfo.ZoneInfo,
    queues: Sequence[QueueDef] = (),
) -> PatientRecord:
    today = now.astimezone(zone).date()
    rows = await Resident.raw("SELECT name, sex, birth_date FROM resident WHERE id = {}", token.resident_id)
    person = rows[0]
    base: dict[str, Any] = {
        "scope": token.scope,
        "today": today,
        "masked_name": mask_name(str(person["name"])),
        "sex": Sex(person["sex"]),
        "age": age_on(convert.as_date(person["birth_date"]), today),
    }
    visit_id = token.visit_id if token.scope is AccessScope.VISIT else await _today_visit(token, today)
    if visit_id is not None:
        base.update(await _visit_part(visit_id, queues))
    if token.scope is AccessScope.RECORD:
        base.update(await _record_part(db, token.resident_id, today, zone))
    return PatientRecord(**base)


async def _today_visit(token: AccessToken, today: dt.date) -> int | None:
    rows = await Observation.raw(
        "SELECT id FROM visit WHERE resident = {} AND visit_date = {} ORDER BY id DESC LIMIT 1",
        token.resident_id,
        today,
    )
    return int(rows[0]["id"]) if rows else None


async def _visit_part(visit_id: int, queues: Sequence[QueueDef]) -> dict[str, Any]:
    visit = await Observation.raw("SELECT step FROM visit WHERE id = {}", visit_id)
    flags = await Observation.raw(
        "SELECT id FROM emergency_flag WHERE visit = {} AND status = 'open' LIMIT 1", visit_id
    )
    values = await Observation.raw(
        "SELECT code, value, unit, observed_at FROM observation "
        f"WHERE visit = {{}} AND code IN ({_SHOWN}) ORDER BY observed_at, id",
        visit_id,
    )
    latest: dict[str, Value] = {}
    for row in values:  # a re-measured value replaces the first one, as on the form
        latest[row["code"]] = _value(row)
    return {
        "visit_step": Step(visit[0]["step"]) if visit else None,
        "queue": tuple(await visit_places(visit_id, queues)),
        "visit_values": tuple(latest.values()),
        "emergency": bool(flags),
    }


async def _record_part(
    db: Database, resident_id: int, today: dt.date, zone: zoneinfo.ZoneInfo
) -> dict[str, Any]:
    conditions = sorted(await confirmed_conditions(resident_id), key=lambda c: _ORDER[c.value])
    # Newest per code: the (resident, code, observed_at) index gives them in order; keep the first of each.
    newest = await Observation.raw(
        "SELECT code, value, unit, observed_at FROM observation "
        f"WHERE resident = {{}} AND code IN ({_SHOWN}) ORDER BY code, observed_at DESC, id DESC",
        resident_id,
    )
    latest: dict[str, Value] = {}
    for row in newest:
        latest.setdefault(row["code"], _value(row))
    since = dt.datetime.combine(today - dt.timedelta(days=CHART_DAYS), dt.time(), tzinfo=zone)
    trend = await Observation.raw(
        "SELECT code, value, observed_at FROM observation "
        f"WHERE resident = {{}} AND code IN ({_CHARTED}) AND observed_at >= {{}} ORDER BY observed_at, id",
        resident_id,
        convert.utc(since),
    )
    series: dict[str, list[Point]] = {}
    for row in trend:
        day = convert.aware(row["observed_at"]).astimezone(zone).date()
        points = series.setdefault(row["code"], [])
        if points and points[-1].day == day:  # one point a day: the day's last value
            points[-1] = Point(day=day, value=float(row["value"]))
        else:
            points.append(Point(day=day, value=float(row["value"])))
    drugs = await Observation.raw(
        "SELECT drug, dose, frequency, long_term, end_date FROM prescription WHERE resident = {} "
        "AND start_date <= {} AND (end_date IS NULL OR end_date >= {}) ORDER BY long_term DESC, drug, id",
        resident_id,
        today,
        today,
    )
    due = await Observation.raw(
        "SELECT MIN(due_date) AS due FROM follow_up WHERE resident = {} AND done_at IS NULL AND due_date >= {}",
        resident_id,
        today,
    )
    contract = await Observation.raw(
        "SELECT c.end_date, t.name, t.room, t.phone FROM contract c "
        "JOIN family_doctor_team t ON t.id = c.team "
        "WHERE c.resident = {} AND c.status = 'active' ORDER BY c.start_date DESC, c.id DESC LIMIT 1",
        resident_id,
    )
    smoking = await Observation.raw(
        "SELECT answers FROM questionnaire_answer WHERE resident = {} AND questionnaire = 'stroke_8_2' "
        "ORDER BY answered_at DESC, id DESC LIMIT 1",
        resident_id,
    )
    smoker: bool | None = None
    if smoking:
        answers = msgspec.json.decode(convert.json_bytes(smoking[0]["answers"]))
        if isinstance(answers, dict) and isinstance(answers.get("smoking"), bool):
            smoker = answers["smoking"]
    plans = await active_plans(db, resident_id)
    return {
        "conditions": tuple(conditions),
        "latest": tuple(latest[c] for c in SHOWN_CODES if c in latest),
        "series": {code: tuple(points) for code, points in series.items()},
        "medicines": tuple(
            Medicine(
                drug=r["drug"],
                dose=r["dose"],
                frequency=r["frequency"],
                long_term=bool(r["long_term"]),
                end_date=convert.as_date(r["end_date"]) if r["end_date"] is not None else None,
            )
            for r in drugs
        ),
        "next_followup": convert.as_date(due[0]["due"]) if due and due[0]["due"] is not None else None,
        "team": TeamContact(name=contract[0]["name"], room=contract[0]["room"], phone=contract[0]["phone"])
        if contract
        else None,
        "contract_end": convert.as_date(contract[0]["end_date"]) if contract else None,
        "plan": plans.merged,
        "smoker": smoker,
    }
