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
from db.residents import get_resident
from db.tables import QuestionnaireAnswer
from db.visits import open_visit_of
from flows.model import Sex
from flows.rules.base import age_on
from flows.rules.questionnaires import QuestionnaireResult, QuestionnaireSettings, prefill, score


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
        visit = await open_visit_of(visit_id)
        person = await get_resident(db, visit.resident_id)
        values, _ = await visit_values(visit_id)
        complete = {**prefill(questionnaire_id, values), **answers}
        today = visit.visit_date  # the visit's local date: ages count on it
        result = score(
            questionnaire_id,
            complete,
            age=age_on(person.birth_date, today),
            sex=person.sex,
            today=today,
            settings=settings,
        )
        await QuestionnaireAnswer.insert(
            QuestionnaireAnswer(
                resident=person.id,
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
        latest[row["questionnaire"]] = msgspec.json.decode(convert.json_bytes(row["answers"]))
    return [
        score(qid, answers, age=age, sex=sex, today=today, settings=settings)
        for qid, answers in latest.items()
    ]
