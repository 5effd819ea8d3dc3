"""Questionnaire answers of a visit (COPD-SQ, CDRS, stroke 8+2, TCM-33): validated and scored by the rules,
then saved with the score and result; the answers are kept as given so a later rule change can re-score.

A question the rules mark `from_measurement` (BMI, waist, SBP) is filled from the visit's own entries when
the answers leave it out, so the nurse does not type a value the scale already sent.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec

from db import convert
from db.engine import Database, write_transaction
from db.observations import visit_values
from db.tables import QuestionnaireAnswer, Resident, Visit
from flows.errors import Conflict, NotFound
from flows.model import Sex
from flows.rules.base import age_on
from flows.rules.questionnaires import QuestionnaireResult, QuestionnaireSettings, prefill, score


async def _visit_and_resident(visit_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
    rows = await Visit.raw(f"SELECT {convert.VISIT_COLUMNS} FROM visit WHERE id = {{}}", visit_id)
    if not rows:
        raise NotFound(f"no visit with id {visit_id}", field="visit_id", details={"id": visit_id})
    people = await Resident.raw("SELECT id, sex, birth_date FROM resident WHERE id = {}", rows[0]["resident"])
    return rows[0], people[0]


async def answer(
    db: Database,
    visit_id: int,
    questionnaire_id: str,
    answers: dict[str, Any],
    *,
    actor_id: int,
    now: dt.datetime,
    settings: QuestionnaireSettings | None = None,
) -> QuestionnaireResult:
    """Score and save one questionnaire of the visit. Any invalid answer is refused before anything is saved."""
    async with write_transaction(db):
        visit, person = await _visit_and_resident(visit_id)
        if visit["closed_at"] is not None:
            raise Conflict(f"visit {visit_id} is closed; answers go into an open visit", field="visit_id")
        values, _ = await visit_values(visit_id)
        complete = {**prefill(questionnaire_id, values), **answers}
        today = convert.as_date(visit["visit_date"])  # the visit's local date: ages count on it
        birth = convert.as_date(person["birth_date"])
        result = score(
            questionnaire_id,
            complete,
            age=age_on(birth, today),
            sex=Sex(person["sex"]),
            today=today,
            settings=settings,
        )
        await QuestionnaireAnswer.insert(
            QuestionnaireAnswer(
                resident=person["id"],
                visit=visit_id,
                questionnaire=questionnaire_id,
                answers=msgspec.json.encode(complete).decode(),
                score=result.score,
                result=result.result[:64],
                answered_at=convert.utc(now),
                recorded_by=actor_id,
            )
        )
    return result


async def visit_results(
    visit_id: int, *, today: dt.date, age: int, sex: Sex, settings: QuestionnaireSettings | None = None
) -> list[QuestionnaireResult]:
    """The latest answers of each questionnaire in the visit, re-scored by today's rules."""
    rows = await QuestionnaireAnswer.raw(
        "SELECT questionnaire, answers FROM questionnaire_answer WHERE visit = {} ORDER BY answered_at, id",
        visit_id,
    )
    latest: dict[str, Any] = {}
    for row in rows:
        raw = row["answers"]
        latest[row["questionnaire"]] = msgspec.json.decode(raw) if isinstance(raw, str | bytes) else raw
    return [
        score(qid, answers, age=age, sex=sex, today=today, settings=settings)
        for qid, answers in latest.items()
    ]
