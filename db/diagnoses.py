"""Diagnosis support and decisions: the resident's history gathered from the record, judged by
flows.rules.diagnosis, and the doctor's confirmation or rejection saved with its basis and ICD-10 code.

Readings: office BP is every sbp/dbp entered at the same moment (one entry) not taken at home; home BP is the
mean of the home readings of the last 14 days; FEV1/FVC observations are taken as post-bronchodilator (the
spirometry the protocol asks for); the latest lipid panel is the values of the latest day with any lipid.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any, Final

import msgspec

from db import convert
from db.engine import Database, write_transaction
from db.prescriptions import current_drugs
from db.residents import get_resident
from db.tables import Diagnosis, Observation
from db.visits import visit_of
from flows.clinical import DiagnosisDecision, DiagnosisRecord, DiagnosisRequest
from flows.errors import Conflict, InvalidInput
from flows.model import Condition
from flows.rules import drugs
from flows.rules.base import age_on
from flows.rules.diagnosis import (
    BpReading,
    Criterion,
    DiagnosisSettings,
    GlucoseKind,
    GlucoseResult,
    History,
    LipidPanel,
    Spirometry,
    Status,
    evaluate,
)

LOOKBACK_DAYS: Final = 365  # history older than a year does not make today's diagnosis
HOME_BP_DAYS: Final = 14
_GLUCOSE: Final = {
    "fpg": GlucoseKind.FPG,
    "random_glucose": GlucoseKind.RANDOM,
    "ogtt_2h": GlucoseKind.OGTT_2H,
    "hba1c": GlucoseKind.HBA1C,
}
_LIPIDS: Final = ("tc", "ldl", "hdl", "non_hdl", "tg")
_CODES: Final = ("sbp", "dbp", "bmi", "waist", "fev1_fvc", *_GLUCOSE, *_LIPIDS)
# A doctor may record a more specific code, but within the condition's ICD-10 family.
ICD10_FAMILIES: Final = {
    Condition.HYPERTENSION: ("I10", "I11", "I12", "I13", "I15"),
    Condition.DIABETES: ("E11",),
    Condition.DYSLIPIDAEMIA: ("E78",),
    Condition.OBESITY: ("E66",),
    Condition.COPD: ("J44",),
}


async def gather_history(
    resident_id: int, *, today: dt.date, tz: dt.tzinfo, typical_symptoms: bool = False
) -> History:
    since = convert.day_start(today - dt.timedelta(days=LOOKBACK_DAYS), tz)
    marks = ", ".join("{}" for _ in _CODES)
    rows = await Observation.raw(
        f"SELECT code, value, source, observed_at FROM observation WHERE resident = {{}} AND code IN ({marks}) "
        "AND observed_at >= {} ORDER BY observed_at, id",
        resident_id,
        *_CODES,
        since,
    )
    office: dict[Any, dict[str, float]] = defaultdict(dict)
    home: list[tuple[dt.date, str, float]] = []
    glucose: list[GlucoseResult] = []
    spirometry: list[Spirometry] = []
    lipid_days: dict[dt.date, dict[str, float]] = defaultdict(dict)
    latest: dict[str, float] = {}
    for row in rows:
        code, value, day = row["code"], float(row["value"]), convert.local_date(row["observed_at"], tz)
        if code in ("sbp", "dbp"):
            if row["source"] == "home":
                home.append((day, code, value))
            else:
                office[(day, str(row["observed_at"]))][code] = value
        elif code in _GLUCOSE:
            glucose.append(GlucoseResult(day=day, kind=_GLUCOSE[code], value=value))
        elif code == "fev1_fvc":
            spirometry.append(Spirometry(day=day, fev1_fvc=value))
        elif code in _LIPIDS:
            lipid_days[day][code] = value
        else:
            latest[code] = value
    readings = tuple(
        BpReading(day=day, sbp=round(v["sbp"]), dbp=round(v["dbp"]))
        for (day, _), v in office.items()
        if "sbp" in v and "dbp" in v
    )
    recent_home = [(c, v) for day, c, v in home if (today - day).days < HOME_BP_DAYS]
    home_sbp = [v for c, v in recent_home if c == "sbp"]
    home_dbp = [v for c, v in recent_home if c == "dbp"]
    home_mean = (
        (sum(home_sbp) / len(home_sbp), sum(home_dbp) / len(home_dbp)) if home_sbp and home_dbp else None
    )
    panel = None
    if lipid_days:
        day = max(lipid_days)
        panel = LipidPanel(day=day, **lipid_days[day])
    names = await current_drugs(resident_id, today)
    return History(
        bp_readings=readings,
        on_antihypertensives=drugs.on_antihypertensives(names),
        home_bp_mean=home_mean,
        glucose_tests=tuple(glucose),
        typical_symptoms=typical_symptoms,
        spirometry=tuple(spirometry),
        bmi=latest.get("bmi"),
        waist_cm=latest.get("waist"),
        lipids=panel,
    )


async def criteria(
    db: Database,
    resident_id: int,
    *,
    today: dt.date,
    tz: dt.tzinfo,
    typical_symptoms: bool = False,
    settings: DiagnosisSettings | None = None,
) -> tuple[Criterion, ...]:
    person = await get_resident(db, resident_id)
    history = await gather_history(resident_id, today=today, tz=tz, typical_symptoms=typical_symptoms)
    return evaluate(
        history,
        age=age_on(person.birth_date, today),
        sex=person.sex,
        today=today,
        settings=settings,
    )


_DIAGNOSIS_COLUMNS = "id, resident, visit, condition, icd10, basis, status, diagnosed_at, diagnosed_by"


def _record(row: dict[str, Any]) -> DiagnosisRecord:
    return DiagnosisRecord(
        id=row["id"],
        resident_id=row["resident"],
        condition=Condition(row["condition"]),
        icd10=row["icd10"],
        basis=row["basis"],
        status=row["status"],
        diagnosed_at=convert.aware(row["diagnosed_at"]),
        diagnosed_by=row["diagnosed_by"],
        visit_id=row["visit"],
    )


async def diagnoses(db: Database, resident_id: int) -> list[DiagnosisRecord]:
    await get_resident(db, resident_id)  # 404 for an unknown resident, not an empty list
    rows = await Diagnosis.raw(
        f"SELECT {_DIAGNOSIS_COLUMNS} FROM diagnosis WHERE resident = {{}} ORDER BY diagnosed_at, id",
        resident_id,
    )
    return [_record(r) for r in rows]


def _icd10(request: DiagnosisRequest, criterion: Criterion) -> str:
    if request.icd10 is None:
        # An undecided lipid pattern ("E78") is recorded as unspecified (E78.5).
        return "E78.5" if criterion.icd10 == "E78" else criterion.icd10
    code = request.icd10.strip().upper()
    if not code.startswith(ICD10_FAMILIES[request.condition]):
        allowed = ", ".join(ICD10_FAMILIES[request.condition])
        raise InvalidInput(
            f"ICD-10 {code} is not a code of {request.condition.value} (allowed families: {allowed})",
            field="icd10",
        )
    return code


async def decide(
    db: Database,
    resident_id: int,
    request: DiagnosisRequest,
    *,
    actor_id: int,
    now: dt.datetime,
    tz: dt.tzinfo,
    settings: DiagnosisSettings | None = None,
) -> DiagnosisRecord:
    """Confirm or reject one condition. The basis is the rules' sentence and evidence plus the doctor's words.

    Confirming against criteria that are not met needs the doctor's own basis (e.g. a hospital's diagnosis);
    a condition already confirmed is not confirmed again, nor rejected here (409)."""
    today = now.astimezone(tz).date()
    doctor_basis = (request.basis or "").strip()
    async with write_transaction(db):
        found = {
            c.condition: c for c in await criteria(db, resident_id, today=today, tz=tz, settings=settings)
        }
        criterion = found[request.condition]
        if request.visit_id is not None:
            await visit_of(request.visit_id, resident_id)
        existing = await Diagnosis.raw(
            "SELECT id FROM diagnosis WHERE resident = {} AND condition = {} AND status = 'confirmed'",
            resident_id,
            request.condition.value,
        )
        if existing:
            raise Conflict(
                f"{request.condition.value} is already confirmed for resident {resident_id}",
                field="condition",
                details={"existing_id": existing[0]["id"]},
            )
        confirm = request.decision is DiagnosisDecision.CONFIRM
        if confirm and criterion.status is not Status.MET and not doctor_basis:
            raise InvalidInput(
                f"the criteria for {request.condition.value} are {criterion.status.value}: "
                "confirming needs the doctor's basis",
                field="basis",
                details={"criteria": criterion.basis},
            )
        lines = [criterion.basis, *criterion.evidence]
        if doctor_basis:
            lines.append(f"医生意见：{doctor_basis}")
        record = DiagnosisRecord(
            id=0,
            resident_id=resident_id,
            condition=request.condition,
            icd10=_icd10(request, criterion),
            basis="\n".join(lines),
            status="confirmed" if confirm else "ruled_out",
            diagnosed_at=convert.utc(now),
            diagnosed_by=actor_id,
            visit_id=request.visit_id,
            clauses=criterion.clauses,
        )
        inserted = await Diagnosis.insert(
            Diagnosis(
                resident=resident_id,
                visit=record.visit_id,
                condition=record.condition.value,
                icd10=record.icd10,
                basis=record.basis,
                status=record.status,
                diagnosed_at=record.diagnosed_at,
                diagnosed_by=actor_id,
            )
        )
    return msgspec.structs.replace(record, id=inserted[0]["id"])
