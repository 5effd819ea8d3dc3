"""The doctor's class over the rules' class (此次随访分类 is the doctor's entry on the BPHS-2017 forms; the
rules propose it). Our design [U]: the doctor's class wins only with a reason; the rules' class is kept beside
it, and the next date follows the class the doctor chose (BPHS-2017 §分类干预 intervals).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Final

import msgspec

from flows.errors import InvalidInput
from flows.model import Condition
from flows.rules import copd, followup
from flows.rules.base import Confidence, Source, clause
from flows.rules.copd import CopdFollowupClass, CopdSettings
from flows.rules.followup import FollowupClass
from flows.rules.multimorbidity import DiseaseAssessment, MultimorbidityResult

C_OVERRIDE: Final = clause(
    "FU.class_override",
    Source.BPHS_2017,
    "高血压/2型糖尿病患者健康管理服务规范 §随访服务记录表 此次随访分类",
    Confidence.U,
    "Our design: the doctor may record another class than the rules computed, with a reason; both are kept and "
    "the next date follows the doctor's class.",
)


class ClassDecision(msgspec.Struct, frozen=True, kw_only=True):
    """One condition's class as recorded: the rules' class, the doctor's (the same when not overridden)."""

    condition: Condition
    rules_class: str
    cls: str
    overridden: bool
    interval_days: int
    next_date: dt.date
    clauses: tuple[str, ...]


def class_values(condition: Condition) -> tuple[str, ...]:
    """The classes a condition's form offers: BPHS-2017 for hypertension and diabetes, COPD-2024 [U] for COPD."""
    if condition is Condition.COPD:
        return tuple(c.value for c in CopdFollowupClass)
    return tuple(c.value for c in FollowupClass)


def rules_class(d: DiseaseAssessment) -> str:
    cls = d.cls if d.cls is not None else d.copd_cls
    return cls.value if cls is not None else ""


def _interval(condition: Condition, cls: str, settings: CopdSettings) -> int:
    if condition is Condition.COPD:
        return copd.copd_interval_days(CopdFollowupClass(cls), settings)
    return followup.interval_days(FollowupClass(cls))


def decide(
    result: MultimorbidityResult,
    overrides: Mapping[Condition, str],
    *,
    reason: str | None,
    today: dt.date,
    copd_settings: CopdSettings | None = None,
) -> tuple[tuple[ClassDecision, ...], dt.date]:
    """Each disease's recorded class and the visit's next date (the earliest, clause MM.earliest_next_date).

    An override equal to the rules' class is no override. A real one needs `reason` (InvalidInput on
    `override_reason`); a class the condition's form does not offer is refused on `items`."""
    s = copd_settings or CopdSettings()
    decisions: list[ClassDecision] = []
    for d in result.diseases:
        computed = rules_class(d)
        wanted = overrides.get(d.condition, computed)
        if wanted not in class_values(d.condition):
            offered = ", ".join(class_values(d.condition))
            raise InvalidInput(
                f"{d.condition.value}: class {wanted!r} is not on its form (offered: {offered})",
                field="items.class_override",
            )
        if wanted == computed:
            decisions.append(
                ClassDecision(
                    condition=d.condition,
                    rules_class=computed,
                    cls=computed,
                    overridden=False,
                    interval_days=d.interval_days,
                    next_date=d.next_date,
                    clauses=d.clauses,
                )
            )
            continue
        if not (reason or "").strip():
            raise InvalidInput(
                f"{d.condition.value}: recording class {wanted} instead of {computed} needs a reason",
                field="override_reason",
            )
        days = _interval(d.condition, wanted, s)
        if any(r.code == "emergency" for r in d.referral_reasons):
            # BPHS-2017 §紧急转诊: an emergency referral is followed up within 2 weeks, whatever the class.
            days = min(days, followup.SHORT_INTERVAL_DAYS)
        decisions.append(
            ClassDecision(
                condition=d.condition,
                rules_class=computed,
                cls=wanted,
                overridden=True,
                interval_days=days,
                next_date=today + dt.timedelta(days=days),
                clauses=(*d.clauses, C_OVERRIDE),
            )
        )
    earliest = min(x.next_date for x in decisions)
    return tuple(decisions), earliest
