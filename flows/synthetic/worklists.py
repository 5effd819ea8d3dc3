"""The demo's long-term prescriptions and referrals awaiting their result, so the doctor's worklists show figures.

The township's history (flows.synthetic.history) has follow-ups and contracts but no prescriptions and no
referrals up: this adds, for managed hypertension and diabetes patients, the first-line drug as a long-term
prescription (长期处方) of up to 12 weeks running today — a few ending this week — and a few referrals up (and
one emergency) made in the last weeks whose result has not come back. Pure and deterministic for a seed.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from typing import Final

import msgspec

from flows.appointments import ReferralDirection, ReferralUrgency
from flows.model import Condition

LONG_TERM_DAYS: Final = (
    84  # a long-term prescription covers up to 12 weeks (长期处方管理规范（试行）, 2021) [U]
)
PRESCRIBED_SHARE: Final = 0.6  # of managed patients, on a long-term prescription from this centre
ENDING_SOON: Final = (1, 3, 6)  # days left of the first prescriptions: the expiring list is never empty
# (condition, drug, dose, frequency): first-line drugs of the essential medicines list [V2, CLINICAL_RULES §2/§3].
DRUGS: Final = (
    (Condition.HYPERTENSION, "苯磺酸氨氯地平片", "5 mg", "每日一次"),
    (Condition.DIABETES, "盐酸二甲双胍片", "0.5 g", "每日三次"),
)
# (condition, direction, urgency, days ago, department, reasons): as a referral letter (转诊单) says them.
REFERRALS: Final = (
    (
        Condition.HYPERTENSION,
        ReferralDirection.UP,
        ReferralUrgency.URGENT,
        12,
        "心血管内科",
        "连续两次随访血压控制不满意（三种降压药足量），请上级医院评估继发性高血压并调整方案",
    ),
    (
        Condition.DIABETES,
        ReferralDirection.UP,
        ReferralUrgency.ROUTINE,
        6,
        "内分泌科",
        "二甲双胍联合用药三个月空腹血糖仍≥10 mmol/L，请评估起始胰岛素治疗",
    ),
    (
        Condition.HYPERTENSION,
        ReferralDirection.EMERGENCY,
        ReferralUrgency.EMERGENCY,
        2,
        "急诊科",
        "血压 186/114 mmHg 伴剧烈头痛、恶心，紧急转诊；两周内随访转诊结果",
    ),
)
DESTINATION: Final = "县人民医院"


class Managed(msgspec.Struct, frozen=True, kw_only=True):
    """A managed patient the demo may prescribe for: confirmed conditions and the contract's team."""

    resident_id: int
    conditions: tuple[Condition, ...]
    team_id: int | None = None


class PlannedPrescription(msgspec.Struct, frozen=True, kw_only=True):
    resident_id: int
    team_id: int | None
    drug: str
    dose: str
    frequency: str
    start_date: dt.date
    end_date: dt.date


class PlannedUpReferral(msgspec.Struct, frozen=True, kw_only=True):
    resident_id: int
    team_id: int | None
    direction: ReferralDirection
    urgency: ReferralUrgency
    made_on: dt.date
    department: str
    reasons: str


class WorklistDemo(msgspec.Struct, frozen=True, kw_only=True):
    prescriptions: tuple[PlannedPrescription, ...]
    referrals: tuple[PlannedUpReferral, ...]


def plan_worklists(patients: Sequence[Managed], *, seed: int, today: dt.date) -> WorklistDemo:
    """Long-term prescriptions running today (the first ones ending within days) and open referrals up."""
    rng = random.Random(f"{seed}:worklists")
    prescriptions: list[PlannedPrescription] = []
    for p in patients:
        for condition, drug, dose, frequency in DRUGS:
            if condition not in p.conditions or rng.random() >= PRESCRIBED_SHARE:
                continue
            n = len(prescriptions)
            left = ENDING_SOON[n] if n < len(ENDING_SOON) else 1 + rng.randrange(LONG_TERM_DAYS - 1)
            end = today + dt.timedelta(days=left)
            prescriptions.append(
                PlannedPrescription(
                    resident_id=p.resident_id,
                    team_id=p.team_id,
                    drug=drug,
                    dose=dose,
                    frequency=frequency,
                    start_date=end - dt.timedelta(days=LONG_TERM_DAYS - 1),
                    end_date=end,
                )
            )
    referrals: list[PlannedUpReferral] = []
    taken: set[int] = set()
    for condition, direction, urgency, days_ago, department, reasons in REFERRALS:
        fits = [p for p in patients if condition in p.conditions and p.resident_id not in taken]
        if not fits:
            continue
        who = rng.choice(fits)
        taken.add(who.resident_id)
        referrals.append(
            PlannedUpReferral(
                resident_id=who.resident_id,
                team_id=who.team_id,
                direction=direction,
                urgency=urgency,
                made_on=today - dt.timedelta(days=days_ago),
                department=department,
                reasons=reasons,
            )
        )
    return WorklistDemo(prescriptions=tuple(prescriptions), referrals=tuple(referrals))
