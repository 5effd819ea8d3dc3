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

from db import convert, prescriptions
from db.conditions import conditions_in_order
from db.engine import Database
from db.health_record import current_lifestyle_at
from db.plans import active_plans
from db.queues import visit_places
from db.summary import active_contract, latest_observations
from db.tables import (
    EmergencyFlag,
    FollowUp,
    Observation,
    QuestionnaireAnswer,
    Resident,
    Visit,
)
from db.visits import visit_row
from flows.access import AccessScope, AccessToken
from flows.identity import mask_name
from flows.model import Sex
from flows.patient import Medicine, PatientRecord, Point
from flows.queue import QueueDef
from flows.record import SmokingStatus
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
_SHOWN = ", ".join(f"'{c}'" for c in SHOWN_CODES)
_CHARTED = ", ".join(f"'{c}'" for c in CHART_CODES)


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
    rows = await Visit.raw(
        "SELECT id FROM visit WHERE resident = {} AND visit_date = {} ORDER BY id DESC LIMIT 1",
        token.resident_id,
        today,
    )
    return int(rows[0]["id"]) if rows else None


async def _visit_part(visit_id: int, queues: Sequence[QueueDef]) -> dict[str, Any]:
    visit = await visit_row(visit_id)
    flags = await EmergencyFlag.raw(
        "SELECT id FROM emergency_flag WHERE visit = {} AND status = 'open' LIMIT 1", visit_id
    )
    values = await Observation.raw(
        f"SELECT {convert.OBSERVATION_COLUMNS} FROM observation WHERE visit = {{}} AND code IN ({_SHOWN}) ORDER BY observed_at, id",
        visit_id,
    )
    latest = {
        row["code"]: convert.observation(row) for row in values
    }  # a re-measured value replaces the first
    return {
        "visit_step": visit.step,
        "queue": tuple(await visit_places(visit_id, queues)),
        "visit_values": tuple(latest.values()),
        "emergency": bool(flags),
    }


async def _record_part(
    db: Database, resident_id: int, today: dt.date, zone: zoneinfo.ZoneInfo
) -> dict[str, Any]:
    latest = {o.code: o for o in await latest_observations(resident_id, SHOWN_CODES)}
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
    due = await FollowUp.raw(
        "SELECT MIN(due_date) AS due FROM follow_up WHERE resident = {} AND done_at IS NULL AND due_date >= {}",
        resident_id,
        today,
    )
    signed = await active_contract(resident_id)
    return {
        "conditions": tuple(await conditions_in_order(resident_id)),
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
            for r in await prescriptions.running(resident_id, today)
        ),
        "next_followup": convert.as_date(due[0]["due"]) if due and due[0]["due"] is not None else None,
        "team": signed[1] if signed else None,
        "contract_end": signed[0].end_date if signed else None,
        "plan": (await active_plans(db, resident_id)).merged,
        **await _habits(resident_id),
    }


async def _habits(resident_id: int) -> dict[str, Any]:
    """Smoking and salt for the advice, from the newest lifestyle on the health record and the latest 8+2
    stroke screen.

    Both ask about smoking: the newer answer wins, since people start and stop. The record wins a tie, as the
    fuller answer (it tells a former smoker from one who never smoked). A former smoker is not a smoker: the
    advice has nothing of its own for them, and is not to tell them to quit. A lifestyle row is written only
    when the lifestyle changes, so its time is when it was last told differently, not last confirmed.
    Salt (轻/中/重) comes from the record only; its 嗜盐 diet box is not read as heavy salt (no clause says so).
    """
    life, told_at = await current_lifestyle_at(resident_id)
    smoker = None if life.smoking is None else life.smoking is SmokingStatus.CURRENT
    screened = await _screened_smoker(resident_id)
    if screened is not None and (smoker is None or told_at is None or screened[1] > told_at):
        smoker = screened[0]
    return {"smoker": smoker, "salt_intake": life.salt}


async def _screened_smoker(resident_id: int) -> tuple[bool, dt.datetime] | None:
    """Smoking as the latest 8+2 stroke screen recorded it, and when; None when unknown."""
    rows = await QuestionnaireAnswer.raw(
        "SELECT answers, answered_at FROM questionnaire_answer WHERE resident = {} AND questionnaire = 'stroke_8_2' "
        "ORDER BY answered_at DESC, id DESC LIMIT 1",
        resident_id,
    )
    if not rows:
        return None
    answers = msgspec.json.decode(convert.json_bytes(rows[0]["answers"]))
    smoking = answers.get("smoking") if isinstance(answers, dict) else None
    return (smoking, convert.aware(rows[0]["answered_at"])) if isinstance(smoking, bool) else None
