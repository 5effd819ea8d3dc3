"""The screening of a visit, assembled from what the database holds and judged by flows.rules.screening."""

from __future__ import annotations

import datetime as dt
from typing import Any

from db import convert
from db.conditions import confirmed_conditions
from db.engine import Database
from db.observations import visit_values
from db.prescriptions import current_drugs
from db.questionnaires import visit_results
from db.residents import get_resident
from db.tables import Observation
from db.visits import visit_row
from flows.clinical import ScreeningReport
from flows.rules import drugs
from flows.rules.base import NextStep, age_on
from flows.rules.screening import ScreeningHistory, screen
from flows.rules.settings import RulesSettings


async def last_test_dates(resident_id: int, codes: tuple[str, ...], tz: dt.tzinfo) -> dict[str, dt.date]:
    """The local day each code was last measured (MAX on SQLite comes back as text: convert.timestamp)."""
    marks = ", ".join("{}" for _ in codes)
    rows = await Observation.raw(
        f"SELECT code, MAX(observed_at) AS at FROM observation WHERE resident = {{}} AND code IN ({marks}) "
        "GROUP BY code",
        resident_id,
        *codes,
    )
    return {r["code"]: convert.local_date(r["at"], tz) for r in rows}


async def visit_screening(
    db: Database, visit_id: int, flags: dict[str, Any], *, rules: RulesSettings, tz: dt.tzinfo
) -> tuple[ScreeningReport, int]:
    visit = await visit_row(visit_id)
    today = visit.visit_date
    person = await get_resident(db, visit.resident_id)
    sex, age = person.sex, age_on(person.birth_date, today)
    values, symptoms = await visit_values(visit_id)
    names = await current_drugs(visit.resident_id, today)
    tests = await last_test_dates(visit.resident_id, ("tc", "ldl", "fpg"), tz)
    lipid_dates = [d for code, d in tests.items() if code in ("tc", "ldl")]
    history = ScreeningHistory(
        conditions=tuple(sorted(await confirmed_conditions(visit.resident_id))),
        on_antihypertensives=drugs.on_antihypertensives(names),
        on_glucose_lowering=drugs.on_glucose_lowering(names),
        last_lipid_test=max(lipid_dates) if lipid_dates else None,
        last_fpg=tests.get("fpg"),
        **flags,
    )
    questionnaires = await visit_results(
        visit_id, today=today, age=age, sex=sex, settings=rules.questionnaires
    )
    result = screen(
        measurements=values,
        age=age,
        sex=sex,
        today=today,
        history=history,
        questionnaires=tuple(f for q in questionnaires for f in q.findings),
        symptoms=symptoms,
        settings=rules.screening,
    )
    # The screening already turns a high-risk questionnaire into its next step (OGTT, spirometry): keep one
    # step per code, the screening's first.
    steps: dict[str, NextStep] = {}
    for step in (*result.next_steps, *(s for q in questionnaires for s in q.next_steps)):
        steps.setdefault(step.code, step)
    report = ScreeningReport(
        visit_id=visit_id,
        findings=result.findings,
        next_steps=tuple(steps.values()),
        emergency=result.emergency,
        clauses=tuple(dict.fromkeys(result.clauses + tuple(c for q in questionnaires for c in q.clauses))),
    )
    return report, visit.resident_id
