"""`/api/v1/visits/{id}/questionnaires` and `/screening`: the questionnaires of a visit and its screening.

Answers are validated and scored by flows.rules.questionnaires and saved (db/questionnaires.py). The
screening is computed, not stored: from the visit's own values and symptoms, its questionnaires, the record
(confirmed conditions, current drugs) and what the nurse adds about the resident's history in the body.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import msgspec
from litestar import Controller, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from api import auth
from api.audit import Auditor
from api.errors import error_responses
from db.engine import Database
from db.questionnaires import answer
from db.screening import visit_screening
from db.visits import visit_row
from flows.clinical import ScreeningReport
from flows.model import Staff
from flows.rules.questionnaires import QuestionnaireResult
from flows.rules.settings import RulesSettings


class Answers(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """`{"answers": {"q1": 3, …}}`: question id → answer; the visit's BMI, waist and SBP fill what is left out."""

    answers: dict[str, Any]


class HistoryFlags(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """What the nurse knows of the resident's history that the record does not hold yet."""

    family_history_hypertension: bool = False
    high_salt_diet: bool = False
    baijiu_ml_per_day: float = 0.0
    diabetes_symptoms: bool = False
    diabetes_high_risk: bool = False
    pregnant_or_lactating: bool = False


class ScreeningController(Controller):
    path = "/api/v1/visits/{visit_id:int}"
    tags = ("screening",)
    guards = (auth.require(auth.CLINICAL_ROLES),)
    security = ({"BearerToken": []},)

    @post(
        "/questionnaires/{questionnaire_id:str}",
        operation_id="answerQuestionnaire",
        summary="Score and save a questionnaire of the visit (copd_sq, cdrs, stroke_8_2, tcm_33)",
        status_code=201,
        responses=error_responses(401, 403, 404, 409, 422),
    )
    async def answer(
        self,
        *,
        visit_id: FromPath[int],
        questionnaire_id: FromPath[str],
        data: JSONBody[Answers],
        db: NamedDependency[Database],
        staff: NamedDependency[Staff],
        now: NamedDependency[dt.datetime],
        rules: NamedDependency[RulesSettings],
        auditor: NamedDependency[Auditor],
    ) -> QuestionnaireResult:
        visit = await visit_row(visit_id)
        return await auditor.atomic(
            lambda: answer(
                db,
                visit_id,
                questionnaire_id,
                data.answers,
                actor_id=staff.id,
                now=now,
                settings=rules.questionnaires,
            ),
            lambda result: auditor.resident(
                visit.resident_id,
                "visit.questionnaire",
                detail=f"visit={visit_id} questionnaire={questionnaire_id} result={result.result}",
            ),
        )

    @post(
        "/screening",
        operation_id="screenVisit",
        summary="The visit's screening findings and next steps, each with its clauses",
        status_code=200,
        responses=error_responses(401, 403, 404, 422),
    )
    async def screening(
        self,
        *,
        visit_id: FromPath[int],
        data: JSONBody[HistoryFlags],
        db: NamedDependency[Database],
        zone: NamedDependency[zoneinfo.ZoneInfo],
        rules: NamedDependency[RulesSettings],
        auditor: NamedDependency[Auditor],
    ) -> ScreeningReport:
        report, resident_id = await visit_screening(
            db, visit_id, msgspec.structs.asdict(data), rules=rules, tz=zone
        )
        await auditor.resident(resident_id, "visit.read", detail=f"visit={visit_id} screening")
        return report
