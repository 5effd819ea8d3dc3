"""BPHS-2017 follow-up classification (此次随访分类) shared by hypertension and diabetes (CLINICAL_RULES.md §2, §3).

The caller decides `controlled` with the disease's programme threshold (hypertension.is_controlled,
diabetes.is_fpg_controlled); this module only applies the scheme: most severe class wins, the previous visit's
class decides whether an uncontrolled visit is the second in a row.

"Most severe" is our reading of the form: anything that recommends referral beats anything that does not, then
the order of the form (controlled < uncontrolled < adverse reaction < complication). An uncontrolled visit after an
adverse-reaction visit is not "two consecutive uncontrolled" (the previous class recorded was not 控制不满意).
`adverse_persisting` implies `adverse_reaction`.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Final

import msgspec

from flows.rules.base import Confidence, Severity, Source, clause

_SECTION = "高血压/2型糖尿病患者健康管理服务规范 §分类干预"

C_CONTROLLED: Final = clause(
    "FU.controlled",
    Source.BPHS_2017,
    _SECTION,
    Confidence.V,
    "Controlled, no adverse reaction, no new or worse complication: next routine visit within 3 months.",
)
C_FIRST_UNCONTROLLED: Final = clause(
    "FU.uncontrolled.first",
    Source.BPHS_2017,
    _SECTION,
    Confidence.V,
    "First uncontrolled visit: check adherence, adjust drugs, follow up within 2 weeks.",
)
C_ADVERSE: Final = clause(
    "FU.adverse_reaction",
    Source.BPHS_2017,
    _SECTION,
    Confidence.V,
    "Adverse drug reaction: adjust drugs, follow up within 2 weeks.",
)
C_TWO_UNCONTROLLED: Final = clause(
    "FU.uncontrolled.two_consecutive",
    Source.BPHS_2017,
    _SECTION,
    Confidence.V,
    "Two consecutive uncontrolled visits: recommend referral, follow the referral up within 2 weeks.",
)
C_ADVERSE_PERSISTING: Final = clause(
    "FU.adverse_reaction.persisting",
    Source.BPHS_2017,
    _SECTION,
    Confidence.V,
    "Adverse reaction that persists: recommend referral, follow the referral up within 2 weeks.",
)
C_COMPLICATION: Final = clause(
    "FU.complication",
    Source.BPHS_2017,
    _SECTION,
    Confidence.V,
    "New or worse complication: recommend referral, follow the referral up within 2 weeks.",
)
C_MOST_SEVERE: Final = clause(
    "FU.most_severe",
    Source.BPHS_2017,
    _SECTION,
    Confidence.V,
    "When several classes apply, record the most severe.",
)

ROUTINE_INTERVAL_DAYS: Final = 90  # BPHS-2017 §分类干预 [V]: controlled → within 3 months (taken as 90 days)
SHORT_INTERVAL_DAYS: Final = 14  # BPHS-2017 §分类干预 [V]: uncontrolled/adverse/referral → within 2 weeks


class FollowupClass(enum.StrEnum):
    """The 此次随访分类 options, from least to most severe."""

    CONTROLLED = "controlled"  # 控制满意
    UNCONTROLLED = "uncontrolled"  # 控制不满意
    ADVERSE_REACTION = "adverse_reaction"  # 不良反应
    COMPLICATION = "complication"  # 并发症


_RANK: Final = {c: i for i, c in enumerate(FollowupClass)}


class FollowupInput(msgspec.Struct, frozen=True, kw_only=True):
    controlled: bool  # from the disease's programme threshold
    adverse_reaction: bool = False
    adverse_persisting: bool = False  # the reaction persists (implies adverse_reaction)
    new_or_worse_complication: bool = False
    previous: FollowupClass | None = None  # the previous follow-up's class, None at the first


class FollowupResult(msgspec.Struct, frozen=True, kw_only=True):
    cls: FollowupClass
    referral: bool
    interval_days: int  # the next visit is due within this many days
    next_date: dt.date
    severity: Severity
    clauses: tuple[str, ...]


def interval_days(cls: FollowupClass) -> int:
    """BPHS-2017 §分类干预 [V]: controlled → within 3 months; every other class → within 2 weeks."""
    return ROUTINE_INTERVAL_DAYS if cls is FollowupClass.CONTROLLED else SHORT_INTERVAL_DAYS


def classify(inp: FollowupInput, today: dt.date) -> FollowupResult:
    """Classify one follow-up: the most severe applicable class, referral advice, next interval and date."""
    candidates: list[tuple[FollowupClass, bool, str]] = []  # (class, referral, clause)
    if inp.new_or_worse_complication:
        candidates.append((FollowupClass.COMPLICATION, True, C_COMPLICATION))
    if inp.adverse_persisting:
        candidates.append((FollowupClass.ADVERSE_REACTION, True, C_ADVERSE_PERSISTING))
    elif inp.adverse_reaction:
        candidates.append((FollowupClass.ADVERSE_REACTION, False, C_ADVERSE))
    if not inp.controlled:
        twice = inp.previous is FollowupClass.UNCONTROLLED
        candidates.append(
            (FollowupClass.UNCONTROLLED, twice, C_TWO_UNCONTROLLED if twice else C_FIRST_UNCONTROLLED)
        )
    if candidates:
        # Most severe: a referral beats no referral, then the class order of the form.
        cls, _, _ = max(candidates, key=lambda c: (c[1], _RANK[c[0]]))
        referral = any(c[1] for c in candidates)
        clauses = tuple(c[2] for c in candidates) + ((C_MOST_SEVERE,) if len(candidates) > 1 else ())
        severity = Severity.WARNING if referral else Severity.ADVICE
    else:
        cls, referral, clauses, severity = FollowupClass.CONTROLLED, False, (C_CONTROLLED,), Severity.INFO
    days = interval_days(cls)
    return FollowupResult(
        cls=cls,
        referral=referral,
        interval_days=days,
        next_date=today + dt.timedelta(days=days),
        severity=severity,
        clauses=clauses,
    )
