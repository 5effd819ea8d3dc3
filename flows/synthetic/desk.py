"""The demo's morning at the front desk: today's bookings (some already arrived) and incoming referrals.

The township's history ends yesterday; this is its today. Pure and deterministic for a seed: it picks from
the residents it is shown (in the order given) and says who is expected when; db/demo_desk.py writes it
through the stores, so the rows are exactly what the desk itself would have written.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from typing import Final

import msgspec

from flows.appointments import ReferralUrgency
from flows.model import Condition
from flows.rules.base import age_on

BOOKINGS: Final = 6
ARRIVED: Final = 2  # the earliest bookings have come already: their visits are open at intake
REFERRALS: Final = 3
SLOT_MINUTES: Final = 15
FIRST_SLOT: Final = dt.time(8, 0)  # the desk opens at 8; bookings run to 11:30
LAST_SLOT: Final = dt.time(11, 30)

# (condition of the resident, from the lead hospital?, origin, reasons, urgency). A down-referral (下转) comes
# from the county hospital once the patient is stable; an up-referral (上转) from the village clinic when
# follow-up finds the disease out of control (CLINICAL_RULES.md referral criteria, as a referral letter says).
_LETTERS: Final = (
    (
        Condition.HYPERTENSION,
        "县人民医院心血管内科",
        "高血压3级住院降压治疗后血压控制平稳（出院时132/84 mmHg），下转社区继续管理与随访；请监测血压，"
        "两周内复诊调整用药",
        ReferralUrgency.ROUTINE,
    ),
    (
        Condition.DIABETES,
        "县人民医院内分泌科",
        "2型糖尿病酮症纠正后出院，改用基础胰岛素联合二甲双胍；下转社区监测空腹及餐后血糖，指导注射",
        ReferralUrgency.ROUTINE,
    ),
    (
        Condition.HYPERTENSION,
        "",  # the resident's own village clinic (村卫生室)
        "连续两次随访血压控制不满意（168/102 mmHg），伴头晕；请上级评估并调整降压方案",
        ReferralUrgency.URGENT,
    ),
    (
        Condition.COPD,
        "县人民医院呼吸与危重症医学科",
        "慢阻肺急性加重住院治疗后好转出院，下转社区康复期管理，随访症状与肺功能",
        ReferralUrgency.ROUTINE,
    ),
)


class DeskCandidate(msgspec.Struct, frozen=True, kw_only=True):
    """A resident the desk day may expect: the active contract's team, if any, and confirmed conditions."""

    resident_id: int
    birth_date: dt.date
    address: str
    team_id: int | None = None
    conditions: tuple[Condition, ...] = ()


class PlannedBooking(msgspec.Struct, frozen=True, kw_only=True):
    resident_id: int
    at: dt.time  # local
    team_id: int | None
    arrived: bool


class PlannedReferral(msgspec.Struct, frozen=True, kw_only=True):
    resident_id: int
    at: dt.time  # local
    team_id: int | None
    origin: str
    reasons: str
    urgency: ReferralUrgency


class DeskDay(msgspec.Struct, frozen=True, kw_only=True):
    bookings: tuple[PlannedBooking, ...]
    referrals: tuple[PlannedReferral, ...]


def plan_desk_day(candidates: Sequence[DeskCandidate], *, seed: int, today: dt.date) -> DeskDay:
    """A handful of bookings spread over the morning (the earliest arrived) and 2–3 incoming referrals,
    each for a different adult (35+): one appointment a day per resident."""
    rng = random.Random(f"{seed}:desk")
    adults = [c for c in candidates if age_on(c.birth_date, today) >= 35]
    referrals: list[PlannedReferral] = []
    taken: set[int] = set()
    for condition, origin, reasons, urgency in _LETTERS:
        if len(referrals) == REFERRALS:
            break
        fits = [c for c in adults if condition in c.conditions and c.resident_id not in taken]
        if not fits:
            continue
        who = rng.choice(fits)
        taken.add(who.resident_id)
        referrals.append(
            PlannedReferral(
                resident_id=who.resident_id,
                at=_slot(rng, dt.time(9, 0), dt.time(11, 0)),
                team_id=who.team_id,
                origin=origin or village_clinic(who.address),
                reasons=reasons,
                urgency=urgency,
            )
        )
    others = [c for c in adults if c.resident_id not in taken]
    chosen = rng.sample(others, min(BOOKINGS, len(others)))
    times = sorted(_distinct_slots(rng, len(chosen)))
    bookings = tuple(
        PlannedBooking(resident_id=c.resident_id, at=at, team_id=c.team_id, arrived=i < ARRIVED)
        for i, (c, at) in enumerate(zip(chosen, times, strict=True))
    )
    return DeskDay(bookings=bookings, referrals=tuple(sorted(referrals, key=lambda r: r.at)))


def village_clinic(address: str) -> str:
    """示范镇王庄村3组12号 → 王庄村卫生室: the clinic of the resident's village."""
    head, sep, _rest = address.partition("村")
    if not sep:
        return "村卫生室"
    name = head[-2:] if len(head) >= 2 else head
    return f"{name}村卫生室"


def _slots(first: dt.time, last: dt.time) -> list[dt.time]:
    start = first.hour * 60 + first.minute
    end = last.hour * 60 + last.minute
    return [dt.time(m // 60, m % 60) for m in range(start, end + 1, SLOT_MINUTES)]


def _slot(rng: random.Random, first: dt.time, last: dt.time) -> dt.time:
    return rng.choice(_slots(first, last))


def _distinct_slots(rng: random.Random, n: int) -> list[dt.time]:
    slots = _slots(FIRST_SLOT, LAST_SLOT)
    return rng.sample(slots, min(n, len(slots)))
