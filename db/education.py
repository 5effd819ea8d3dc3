"""Health education of a visit (flows.rules.education): the visit's screening findings and what the patient
page's advice reads from the record, gathered in a few indexed reads.

The advice input is the patient page's (db.patient_record) with one difference: smoking comes from the
health record's lifestyle only, not also from an 8+2 stroke screen — the desk updated the record at this
visit (record update step), so it is the current answer.
"""

from __future__ import annotations

import datetime as dt
import logging

from db import prescriptions
from db.conditions import conditions_in_order
from db.engine import Database
from db.health_record import current_lifestyle_at
from db.patient_record import SHOWN_CODES
from db.plans import active_plans
from db.residents import get_resident
from db.screening import visit_screening
from db.summary import latest_observations
from db.visits import visit_row
from flows.record import SmokingStatus
from flows.rules.advice import Advice, AdviceInput, patient_advice
from flows.rules.base import ADULT_AGE, RuleError, age_on
from flows.rules.education import DOCUMENT_TITLE, VisitEducation, education_items
from flows.rules.settings import RulesSettings

log = logging.getLogger("onestop.education")


async def _advice(db: Database, resident_id: int, today: dt.date) -> tuple[Advice, ...]:
    person = await get_resident(db, resident_id)
    age = age_on(person.birth_date, today)
    if age < ADULT_AGE:
        return ()  # the advice rules are adult rules; a child's education is the findings' items only
    life, _told_at = await current_lifestyle_at(resident_id)
    try:
        return patient_advice(
            AdviceInput(
                conditions=tuple(await conditions_in_order(resident_id)),
                age=age,
                sex=person.sex,
                latest={o.code: o.value for o in await latest_observations(resident_id, SHOWN_CODES)},
                plan=(await active_plans(db, resident_id)).merged,
                smoker=None if life.smoking is None else life.smoking is SmokingStatus.CURRENT,
                salt_intake=life.salt,
                on_medicines=bool(await prescriptions.running(resident_id, today)),
            )
        )
    except RuleError as exc:  # an implausible stored value: the findings' items still show, as on the page
        log.warning("health education without the record's advice: %s", exc)
        return ()


async def visit_education(
    db: Database, visit_id: int, *, rules: RulesSettings, tz: dt.tzinfo
) -> VisitEducation:
    """The visit's health education: its screening findings' items and the record's advice (404: no visit)."""
    visit = await visit_row(visit_id)
    report, resident_id = await visit_screening(db, visit_id, {}, rules=rules, tz=tz)
    advice = await _advice(db, resident_id, visit.visit_date)
    return VisitEducation(
        visit_id=visit_id,
        resident_id=resident_id,
        title=DOCUMENT_TITLE[0],
        items=education_items([f.code for f in report.findings], advice),
    )
