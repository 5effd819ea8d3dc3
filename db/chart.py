"""The doctor's chart (flows.chart.Chart): the resident's record gathered in a fixed number of indexed reads.

Each block reuses the store that owns it (diagnoses, plans, running prescriptions, the health record's rows,
the contract, family alerts, visits); the reads of its own are the ones no store has: every code's recent
series in one statement, each condition's latest follow-up and open booking, and the resident's open
emergency flags. The number of statements does not grow with the record (no read per row).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from typing import Any, Final

import msgspec

from db import convert, prescriptions
from db import record_rows as rows
from db.diagnoses import diagnoses
from db.engine import Database
from db.family_alerts import resident_alerts
from db.plans import active_plans
from db.residents import get_resident
from db.summary import active_contract
from db.tables import Allergy, EmergencyFlag, FollowUp, Observation, OutsideMedicine
from db.visits import list_visits
from flows import chart as ch
from flows.alerts import FamilyAlertStatus
from flows.chart_marks import mark
from flows.clinical import EmergencyStatus
from flows.identity import mask_id_number
from flows.model import Condition, ObservationSource, Sex
from flows.rules.base import Finding, age_on
from flows.rules.contracts import in_force_on, renewal_due
from flows.rules.settings import RulesSettings

# The measures of the chart, in the order it shows them: BP, glucose, lipids, weight, then the rest.
CHART_CODES: Final = ("sbp", "dbp", "fpg", "hba1c", "ldl", "tc", "weight", "bmi", "waist", "spo2", "pulse")
RECENT_VISITS: Final = 5
# A day can hold several values of a code (a re-measured BP): read three a day's worth so that collapsing
# them to one a day still leaves SERIES_POINTS days in all but unusual records.
_ROWS_PER_CODE: Final = 3 * ch.SERIES_POINTS
_FINDINGS = msgspec.json.Decoder(tuple[Finding, ...])
_KNOWN: Final = {c.value for c in Condition}


async def chart(
    db: Database, resident_id: int, *, now: dt.datetime, zone: zoneinfo.ZoneInfo, rules: RulesSettings
) -> ch.Chart:
    today = now.astimezone(zone).date()
    person = await get_resident(db, resident_id)  # NotFound: 404
    age = age_on(person.birth_date, today)
    conditions = await _conditions(db, resident_id, today, zone)
    medicines = await _medicines(resident_id, today)
    allergies = tuple(rows.allergy(r) for r in rows.active(await rows.rows_of(Allergy, resident_id)))
    contract = await _contract(resident_id, today, rules)
    family = tuple(
        a for a in (await resident_alerts(db, resident_id)).about if a.status is FamilyAlertStatus.OPEN
    )
    return ch.Chart(
        resident_id=person.id,
        name=person.name,
        sex=person.sex,
        age=age,
        birth_date=person.birth_date,
        id_number_masked=mask_id_number(person.id_number),
        record_number=person.record_number,
        phone=person.phone,
        today=today,
        alerts=ch.alerts(
            today=today,
            emergencies=await _open_emergencies(resident_id, zone),
            allergies=allergies,
            conditions=conditions,
            family=family,
            medicines=medicines,
            contract=contract,
            polypharmacy_drugs=rules.multimorbidity.polypharmacy_drugs,
        ),
        conditions=conditions,
        measures=await _measures(resident_id, zone, age=age, sex=person.sex),
        plans=await _plans(db, resident_id),
        medicines=medicines,
        allergies=allergies,
        contract=contract,
        visits=tuple(
            ch.ChartVisit(
                id=v.id,
                visit_date=v.visit_date,
                step=v.step,
                closed=v.closed_at is not None,
                referral_direction=v.referral_direction,
            )
            for v in await list_visits(db, resident_id=resident_id, limit=RECENT_VISITS)
        ),
    )


def _day(value: Any, zone: zoneinfo.ZoneInfo) -> dt.date:
    return convert.aware(value).astimezone(zone).date()


async def _conditions(
    db: Database, resident_id: int, today: dt.date, zone: zoneinfo.ZoneInfo
) -> tuple[ch.ChartCondition, ...]:
    """Confirmed diagnoses, and suspected ones of conditions not confirmed, each with its follow-ups."""
    chosen: dict[Condition, ch.ChartCondition] = {}
    for d in await diagnoses(db, resident_id):  # oldest first: a later decision replaces a suspicion
        held = chosen.get(d.condition)
        if held is not None and held.status == "confirmed":
            continue  # a confirmation stands (db.diagnoses refuses a second decision once confirmed)
        if d.status in ("confirmed", "suspected"):
            chosen[d.condition] = ch.ChartCondition(
                condition=d.condition,
                status=d.status,
                icd10=d.icd10,
                diagnosed_at=d.diagnosed_at,
                diagnosed_on=_day(d.diagnosed_at, zone),
            )
        else:
            chosen.pop(d.condition, None)  # ruled out
    # Each condition's latest done follow-up (the (resident, condition, done_at) index answers the MAX) and
    # its open booking (at most one a condition, db.followups).
    found = await FollowUp.raw(
        "SELECT f.condition, f.follow_up_class, f.due_date, f.done_at FROM follow_up f WHERE f.resident = {} "
        "AND (f.done_at IS NULL OR f.done_at = (SELECT MAX(g.done_at) FROM follow_up g "
        "WHERE g.resident = f.resident AND g.condition = f.condition))",
        resident_id,
    )
    for row in found:
        if row["condition"] not in _KNOWN or Condition(row["condition"]) not in chosen:
            continue
        condition = Condition(row["condition"])
        current = chosen[condition]
        if row["done_at"] is not None:
            current = msgspec.structs.replace(
                current, follow_up_class=row["follow_up_class"], last_followup=_day(row["done_at"], zone)
            )
        else:
            due = convert.as_date(row["due_date"])
            if current.next_due is None or due < current.next_due:
                current = msgspec.structs.replace(current, next_due=due, overdue=due < today)
        chosen[condition] = current
    return tuple(chosen[c] for c in Condition if c in chosen)


async def _measures(
    resident_id: int, zone: zoneinfo.ZoneInfo, *, age: int, sex: Sex
) -> tuple[ch.ChartMeasure, ...]:
    """Every chart code's newest values in one statement: one index range, newest first, per code (the
    (resident, code, observed_at) index), glued with UNION ALL; so 3 years of visits read as few rows as 3."""
    part = (
        "SELECT * FROM (SELECT id, code, value, unit, source, observed_at FROM observation "
        "WHERE resident = {{}} AND code = {{}} ORDER BY observed_at DESC, id DESC LIMIT {n}) AS s{i}"
    )
    sql = " UNION ALL ".join(part.format(n=_ROWS_PER_CODE, i=i) for i in range(len(CHART_CODES)))
    args = [a for code in CHART_CODES for a in (resident_id, code)]
    by_code: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in await Observation.raw(sql, *args):
        by_code[row["code"]].append(row)
    out: list[ch.ChartMeasure] = []
    for code in CHART_CODES:
        found = sorted(by_code.get(code, ()), key=lambda r: (convert.aware(r["observed_at"]), r["id"]))
        if not found:
            continue
        points = []
        for r in found:
            value = float(r["value"])
            point_mark = mark(code, value, age=age, sex=sex)
            points.append(
                ch.ChartPoint(
                    day=_day(r["observed_at"], zone),
                    value=value,
                    flag=point_mark.flag if point_mark else None,
                )
            )
        latest = found[-1]
        value = float(latest["value"])
        latest_mark = mark(code, value, age=age, sex=sex)
        out.append(
            ch.ChartMeasure(
                code=code,
                unit=latest["unit"],
                value=value,
                observed_at=convert.aware(latest["observed_at"]),
                observed_on=_day(latest["observed_at"], zone),
                source=ObservationSource(latest["source"]),
                series=ch.daily(points),
                flag=latest_mark.flag if latest_mark else None,
                limit=latest_mark.limit if latest_mark else None,
                clauses=latest_mark.clauses if latest_mark else (),
            )
        )
    return tuple(out)


async def _plans(db: Database, resident_id: int) -> tuple[ch.ChartPlan, ...]:
    out = []
    for saved in (await active_plans(db, resident_id)).plans:
        own = next((c for c in saved.plan.conditions if c.condition is saved.condition), None)
        cls = (own.cls or own.copd_cls) if own is not None else None
        out.append(
            ch.ChartPlan(
                condition=saved.condition,
                management_class=cls.value if cls is not None else None,
                next_followup_days=saved.plan.next_followup_days,
                drug_review=saved.plan.drug_review,
                pharmacist_review=saved.plan.pharmacist_review,
                created_at=saved.created_at,
            )
        )
    return tuple(out)


async def _medicines(resident_id: int, today: dt.date) -> tuple[ch.ChartMedicine, ...]:
    """This site's running prescriptions (long-term first), then the medicines from elsewhere on the record."""
    ours = [
        ch.ChartMedicine(
            drug=r["drug"],
            dose=r["dose"],
            frequency=r["frequency"],
            long_term=convert.as_bool(r["long_term"]),
            end_date=rows.date_or_none(r["end_date"]),
            days_left=ch.days_left(convert.as_date(r["end_date"]), today)
            if r["end_date"] is not None
            else None,
        )
        for r in await prescriptions.running(resident_id, today)
    ]
    outside = [
        ch.ChartMedicine(drug=m.name, dose=m.dose, frequency=m.frequency, outside=True, source=m.source)
        for m in (rows.medicine(r) for r in rows.active(await rows.rows_of(OutsideMedicine, resident_id)))
    ]
    return (*ours, *outside)


async def _contract(resident_id: int, today: dt.date, rules: RulesSettings) -> ch.ChartContract | None:
    signed = await active_contract(resident_id)
    if signed is None:
        return None
    contract, team = signed
    return ch.ChartContract(
        team=team.name,
        room=team.room,
        package=contract.package,
        start_date=contract.start_date,
        end_date=contract.end_date,
        in_force=in_force_on(contract, today),
        renewal_due=renewal_due(contract, today, settings=rules.contracts),
        days_left=ch.days_left(contract.end_date, today),
    )


async def _open_emergencies(
    resident_id: int, zone: zoneinfo.ZoneInfo
) -> list[tuple[dt.date, tuple[Finding, ...]]]:
    found = await EmergencyFlag.raw(
        "SELECT findings, detected_at FROM emergency_flag WHERE resident = {} AND status = {} "
        "ORDER BY detected_at DESC, id DESC",
        resident_id,
        EmergencyStatus.OPEN.value,
    )
    return [
        (_day(r["detected_at"], zone), _FINDINGS.decode(convert.json_bytes(r["findings"]))) for r in found
    ]
