"""`/api/v1/rules`: the rules themselves — clauses, questionnaires, the site's settings — and the pure
follow-up classification (what class and next date these values would give, nothing saved).

Readable by every signed-in role: they are the published guidelines, not anyone's record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import msgspec
from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from api import auth
from api.errors import error_responses
from flows.errors import InvalidInput, NotFound
from flows.model import Condition, Role
from flows.rules.base import CLAUSES, Clause
from flows.rules.hypertension_screening import FirstDiagnosisFacts, FollowupFacts, Referral, referral_reasons
from flows.rules.multimorbidity import DiseaseFollowup, MultimorbidityResult, assess_visit
from flows.rules.questionnaires import QUESTIONNAIRES, Questionnaire
from flows.rules.settings import RulesSettings

ALL_ROLES = frozenset(Role)


class ClassifyRequest(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A follow-up to classify: each disease's values and flags with its previous class, age, drugs, date."""

    items: Sequence[DiseaseFollowup]
    age: int
    today: dt.date
    drug_count: int = 0
    comorbidities: tuple[Condition, ...] = ()


class HypertensionReferralRequest(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Exactly one of the two: the facts at first diagnosis, or at a follow-up."""

    first_diagnosis: FirstDiagnosisFacts | None = None
    followup: FollowupFacts | None = None


class RulesController(Controller):
    path = "/api/v1/rules"
    tags = ("rules",)
    guards = (auth.require(ALL_ROLES),)
    security = ({"BearerToken": []},)

    @get(
        "/clauses",
        operation_id="listClauses",
        summary="Every clause the rules cite",
        responses=error_responses(401),
    )
    async def clauses(self) -> list[Clause]:
        return sorted(CLAUSES.values(), key=lambda c: c.id)

    @get(
        "/clauses/{clause_id:str}",
        operation_id="getClause",
        summary="One clause: document, section, confidence and the fact",
        responses=error_responses(401, 404),
    )
    async def clause(self, *, clause_id: FromPath[str]) -> Clause:
        found = CLAUSES.get(clause_id)
        if found is None:
            raise NotFound(f"no clause {clause_id!r}", field="clause_id")
        return found

    @get(
        "/questionnaires",
        operation_id="listQuestionnaires",
        summary="The questionnaires with every question and option",
        responses=error_responses(401),
    )
    async def questionnaires(self) -> list[Questionnaire]:
        return list(QUESTIONNAIRES.values())

    @get(
        "/questionnaires/{questionnaire_id:str}",
        operation_id="getQuestionnaire",
        summary="One questionnaire",
        responses=error_responses(401, 404),
    )
    async def questionnaire(self, *, questionnaire_id: FromPath[str]) -> Questionnaire:
        found = QUESTIONNAIRES.get(questionnaire_id)
        if found is None:
            raise NotFound(
                f"no questionnaire {questionnaire_id!r} (known: {', '.join(QUESTIONNAIRES)})",
                field="questionnaire_id",
            )
        return found

    @get(
        "/settings",
        operation_id="getRuleSettings",
        summary="The site's rule settings in force (defaults and [rules] overrides)",
        responses=error_responses(401),
    )
    async def settings(self, *, rules: NamedDependency[RulesSettings]) -> RulesSettings:
        return rules

    @post(
        "/followup",
        operation_id="classifyFollowup",
        summary="Classify a follow-up and compute its next date (nothing saved)",
        status_code=200,
        responses=error_responses(401, 422),
    )
    async def classify(
        self, *, data: JSONBody[ClassifyRequest], rules: NamedDependency[RulesSettings]
    ) -> MultimorbidityResult:
        return assess_visit(
            data.items,
            age=data.age,
            today=data.today,
            drug_count=data.drug_count,
            comorbidities=data.comorbidities,
            settings=rules.multimorbidity,
            copd_settings=rules.copd,
        )

    @post(
        "/hypertension/referral",
        operation_id="hypertensionReferral",
        summary="Reasons to refer hypertension up outside an emergency (HTN-2020/2025), nothing saved",
        status_code=200,
        responses=error_responses(401, 422),
    )
    async def hypertension_referral(
        self, *, data: JSONBody[HypertensionReferralRequest], rules: NamedDependency[RulesSettings]
    ) -> list[Referral]:
        given = [f for f in (data.first_diagnosis, data.followup) if f is not None]
        if len(given) != 1:
            raise InvalidInput("give exactly one of first_diagnosis or followup", field="first_diagnosis")
        return list(referral_reasons(given[0], rules.hypertension))
