"""Three years of BPHS-2017 follow-ups of one managed hypertension/diabetes patient, classified by the real rules.

Each condition keeps its own chain of follow-up rows (a booking, then the record when done): every visit is
classified with flows.rules.followup.classify (hypertension.is_controlled at the age on the day, diabetes
.is_fpg_controlled), the previous class chained, and the next booking is the date the classification gives;
the patient comes at the earliest booking and both conditions are followed up at that visit (§11).
Realism, all drawn from the seed:
- patients come early, on time or late by a per-patient habit; some miss whole cycles (LATENESS);
- a patient more than a month late is often phoned first (PHONE_SHARE): a phone follow-up measures nothing,
  so it is not classified (class empty) and books a face-to-face follow-up within 2 weeks; the class chain
  skips it (a call does not break a run of uncontrolled visits);
- some follow-ups are done at home by the team's doctor (HOME_SHARE): measured and classified, no clinic visit;
- lost patients stop at some date: their last booking stays open, long overdue; the others keep one open
  booking per condition, due after today or already (a little) overdue.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Final

from flows.model import Condition
from flows.rules import diabetes, followup, hypertension
from flows.rules.base import age_on
from flows.rules.followup import FollowupClass, FollowupInput, FollowupResult
from flows.rules.indicators import MANAGED
from flows.synthetic import measures
from flows.synthetic.model import SyntheticFollowUp, SyntheticVisit, utc_at

C = Condition
HOME_SHARE: Final = 0.08  # of face-to-face follow-ups, done at home (行动不便, village doctor's round)
PHONE_SHARE: Final = 0.5  # of visits more than PHONE_AFTER_DAYS late, preceded by a phone follow-up
PHONE_AFTER_DAYS: Final = 30
# Per-patient habit → ((weight, earliest, latest days after the due date), …); the habits' shares.
LATENESS: Final = {
    "reliable": ((0.80, -5, 3), (0.15, 4, 20), (0.05, 21, 60)),
    "average": ((0.55, -5, 3), (0.30, 4, 30), (0.15, 31, 90)),
    "poor": ((0.30, -3, 5), (0.35, 6, 45), (0.35, 46, 150)),
}
HABITS: Final = (("reliable", 0.6), ("average", 0.3), ("poor", 0.1))

# (day, (sbp, dbp), fpg or None, refer?) → the clinic visit, drawn by flows.synthetic.history.
MakeVisit = Callable[[dt.date, tuple[int, int], float | None, bool], SyntheticVisit]


def assess(
    condition: Condition,
    *,
    sbp: int | None,
    dbp: int | None,
    fpg: float | None,
    age: int,
    day: dt.date,
    previous: FollowupClass | None,
) -> FollowupResult:
    """Classify one follow-up as the doctor's screen does: the programme threshold, then BPHS-2017's scheme."""
    if condition is C.HYPERTENSION:
        assert sbp is not None
        assert dbp is not None
        controlled = hypertension.is_controlled(sbp, dbp, age)
    else:
        assert fpg is not None
        controlled = diabetes.is_fpg_controlled(fpg)
    return followup.classify(FollowupInput(controlled=controlled, previous=previous), day)


class _Chain:
    """One condition's follow-ups: the open booking and the last class recorded."""

    __slots__ = ("booked_at", "due", "previous")

    def __init__(self, due: dt.date, booked_at: dt.datetime):
        self.due, self.booked_at = due, booked_at
        self.previous: FollowupClass | None = None


def schedule(
    rng: random.Random,
    *,
    resident_id: int,
    birth_date: dt.date,
    diagnosed: dict[Condition, dt.date],
    start: dt.date,
    stop: dt.date,
    p_control: float,
    doctor: int,
    tz: dt.tzinfo,
    make_visit: MakeVisit,
) -> tuple[list[SyntheticVisit], list[SyntheticFollowUp]]:
    """The visits and follow-up rows of `diagnosed` (hypertension and/or diabetes) from `start` until `stop`."""
    habit = rng.choices([h for h, _ in HABITS], weights=[w for _, w in HABITS])[0]
    htn = C.HYPERTENSION in diagnosed
    chains: dict[Condition, _Chain] = {}
    for condition in MANAGED:
        if condition in diagnosed:
            booked = max(start, diagnosed[condition])
            due = booked + dt.timedelta(days=rng.randint(1, 30))
            chains[condition] = _Chain(due, utc_at(booked, 9, 0, tz))
    visits: list[SyntheticVisit] = []
    rows: list[SyntheticFollowUp] = []
    last_day = start
    while True:
        first = min(chains, key=lambda c: chains[c].due)
        due, late = chains[first].due, _lateness(rng, habit)
        # Early is at most a week after the last visit, and never before the booking was made.
        floor = max(last_day + dt.timedelta(days=7), max(start, diagnosed[first]) + dt.timedelta(days=1))
        day = max(due + dt.timedelta(days=late), floor)
        if late > PHONE_AFTER_DAYS and rng.random() < PHONE_SHARE:
            call = due + dt.timedelta(days=rng.randint(14, PHONE_AFTER_DAYS))
            if call >= stop:
                break
            at = utc_at(call, 15, rng.randrange(120), tz)
            for condition, ch in chains.items():
                if ch.due <= call and diagnosed[condition] < call:
                    rows.append(_phone(resident_id, condition, ch, at, doctor))
                    ch.due, ch.booked_at = call + dt.timedelta(days=followup.SHORT_INTERVAL_DAYS), at
        if day.weekday() == 6:  # Sunday: the centre's chronic clinic is closed
            day += dt.timedelta(days=1)
        if day >= stop:
            break
        last_day = day
        age = age_on(birth_date, day)
        active = {c: ch for c, ch in chains.items() if diagnosed[c] < day}  # a later diagnosis joins later
        # After an uncontrolled visit the drugs were adjusted: the recheck is more often controlled.
        worse = any(ch.previous is FollowupClass.UNCONTROLLED for ch in active.values())
        p_ctrl = max(p_control, 0.7) if worse else p_control
        sbp, dbp = measures.blood_pressure(rng, age, hypertensive=htn, controlled=rng.random() < p_ctrl)
        fpg = None
        if C.DIABETES in active:
            fpg = measures.fasting_glucose(rng, diabetic=True, controlled=rng.random() < p_ctrl)
        results = {
            condition: assess(condition, sbp=sbp, dbp=dbp, fpg=fpg, age=age, day=day, previous=ch.previous)
            for condition, ch in active.items()
        }
        refer = any(r.referral for r in results.values())
        visit_id = None
        if rng.random() < HOME_SHARE:
            mode, at = "home", utc_at(day, 14, rng.randrange(180), tz)
        else:
            visit = make_visit(day, (sbp, dbp), fpg, refer)
            visits.append(visit)
            mode, at, visit_id = "clinic", visit.closed_at, visit.id
        for condition, ch in active.items():
            result = results[condition]
            rows.append(
                SyntheticFollowUp(
                    resident_id=resident_id,
                    condition=condition,
                    due_date=ch.due,
                    created_at=ch.booked_at,
                    mode=mode,
                    done_at=at,
                    visit_id=visit_id,
                    staff_id=doctor,
                    # The values it was judged on, as db/followups.py keeps them: BP for hypertension,
                    # FPG for diabetes (the visit's observations keep everything measured).
                    sbp=sbp if condition is C.HYPERTENSION else None,
                    dbp=dbp if condition is C.HYPERTENSION else None,
                    fpg=fpg if condition is C.DIABETES else None,
                    result=result,
                )
            )
            ch.previous, ch.due, ch.booked_at = result.cls, result.next_date, at
    for condition, ch in chains.items():  # the booking still open (lost patients: long overdue)
        rows.append(
            SyntheticFollowUp(
                resident_id=resident_id, condition=condition, due_date=ch.due, created_at=ch.booked_at
            )
        )
    return visits, rows


def _lateness(rng: random.Random, habit: str) -> int:
    bands = LATENESS[habit]
    _, low, high = rng.choices(bands, weights=[b[0] for b in bands])[0]
    return rng.randint(low, high)


def _phone(
    resident_id: int, condition: Condition, ch: _Chain, at: dt.datetime, doctor: int
) -> SyntheticFollowUp:
    return SyntheticFollowUp(
        resident_id=resident_id,
        condition=condition,
        due_date=ch.due,
        created_at=ch.booked_at,
        mode="phone",
        done_at=at,
        staff_id=doctor,
    )
