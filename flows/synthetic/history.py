"""Three years of one resident's history: signing, diagnoses, closed visits with their measurements, follow-ups."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from typing import Final

from flows.model import Condition, ContractStatus, Move, QueueKind, Step
from flows.rules import diabetes, hypertension
from flows.rules.contracts import default_end_date
from flows.rules.indicators import MANAGED
from flows.synthetic import followups, measures
from flows.synthetic.conditions import BASIS, ICD10, is_key_population
from flows.synthetic.model import (
    SyntheticContract,
    SyntheticDiagnosis,
    SyntheticFollowUp,
    SyntheticObservation,
    SyntheticResident,
    SyntheticVisit,
    utc_at,
)
from flows.visit import TRANSITIONS

C, M = Condition, Move
SIGNED_SHARE_KEY: Final = 0.75  # "most of the key populations" (OPINION-2025 priority signing)
SIGNED_SHARE_OTHER: Final = 0.15
MANAGED_SHARE: Final = 0.9  # of hypertension/diabetes patients registered in the BPHS programme
LOST_SHARE: Final = 0.07  # stop coming at some point: the "lost to follow-up" indicator needs them

_HEAD: Final = ((M.START_SCREENING, None), (M.FINISH_SCREENING, None), (M.FINISH_RECORD_UPDATE, None))
_SIGNED: Final = ((M.CONFIRM_CONTRACT, None), (M.TRIAGE, None))
_UNSIGNED: Final = ((M.DECLINE_SIGNING, "暂不签约"), (M.TRIAGE, None))
_MANAGE: Final = ((M.DIAGNOSE, None), (M.SET_PLAN, None), (M.BOOK_FOLLOWUP, None))
_EDUCATE: Final = ((M.NOT_CHRONIC, None), (M.FINISH_EDUCATION, None))
_REFER: Final = ((M.DIAGNOSE, None), (M.REFER_UP, "连续两次随访控制不满意"), (M.FINISH_REFERRAL, None))
# Every path starts at intake and ends at done; test_synthetic replays them through flows.visit.advance.
PATHS: Final = {
    (signed, tail): _HEAD + (_SIGNED if signed else _UNSIGNED) + body
    for signed in (True, False)
    for tail, body in (("manage", _MANAGE), ("educate", _EDUCATE), ("refer", _REFER))
}
EMERGENCY_PATH: Final = (
    (M.START_SCREENING, None),
    (M.REFER_EMERGENCY, "紧急转诊"),
    (M.FINISH_REFERRAL, None),
)


class Ids:
    """Next ids of the rows a batch creates; the generator owns one, so ids are dense and deterministic."""

    __slots__ = ("contract", "diagnosis", "visit")

    def __init__(self) -> None:
        self.contract = self.diagnosis = self.visit = 1

    def next_visit(self) -> int:
        self.visit += 1
        return self.visit - 1


def contracts(
    rng: random.Random, r: SyntheticResident, age: int, *, today: dt.date, ids: Ids, tz: dt.tzinfo
) -> list[SyntheticContract]:
    """A signed resident holds a one-year contract running today, after 0–3 yearly renewals (§9)."""
    key = is_key_population(age, r.conditions)
    if rng.random() >= (SIGNED_SHARE_KEY if key else SIGNED_SHARE_OTHER):
        return []
    latest = today - dt.timedelta(days=rng.randrange(365))
    package = "personalised" if rng.random() < (0.2 if key else 0.05) else "basic"
    out = []
    for k in range(rng.choice((0, 1, 2, 3, 3, 3)), -1, -1):  # most key people signed for years
        start = _years_before(latest, k)
        if start < r.birth_date:
            continue
        end = default_end_date(start)  # the app's own rule: a contract starting 29 Feb ends 28 Feb
        signed_at = utc_at(start, 9, rng.randrange(60), tz)
        status = ContractStatus.ACTIVE if k == 0 else ContractStatus.EXPIRED
        out.append(
            SyntheticContract(
                id=ids.contract,
                resident_id=r.id,
                team_id=r.team_id,
                package=package,
                start_date=start,
                end_date=end,
                status=status,
                signed_at=signed_at,
            )
        )
        ids.contract += 1
    return out


def diagnoses(
    rng: random.Random, r: SyntheticResident, age: int, *, today: dt.date, ids: Ids, tz: dt.tzinfo
) -> list[SyntheticDiagnosis]:
    out = []
    for condition in r.conditions:
        years = max(0.3, min(20.0, (age - 25) / 2))
        on = today - dt.timedelta(days=30 + rng.randrange(int(years * 365)))
        on = max(on, _years_before(r.birth_date, -18))
        out.append(
            SyntheticDiagnosis(
                id=ids.diagnosis,
                resident_id=r.id,
                condition=condition,
                icd10=ICD10[condition],
                diagnosed_on=on,
                diagnosed_at=utc_at(on, 10, 0, tz),
                basis=BASIS[condition],
            )
        )
        ids.diagnosis += 1
    return out


class _Patient:
    """What the visits of one resident need to know, gathered once."""

    def __init__(
        self,
        rng: random.Random,
        r: SyntheticResident,
        age: int,
        *,
        signed_from: dt.date | None,
        tz: dt.tzinfo,
        staff: tuple[int, int],
    ):
        self.r, self.age, self.signed_from, self.tz = r, age, signed_from, tz
        self.nurse, self.doctor = staff
        self.htn = C.HYPERTENSION in r.conditions
        self.dm = C.DIABETES in r.conditions
        self.copd = C.COPD in r.conditions
        self.dys = C.DYSLIPIDAEMIA in r.conditions
        self.body = measures.Body(rng, age, r.sex, obese=C.OBESITY in r.conditions)
        # Adherence differs between patients far more than between visits: three kinds of patient.
        self.p_control = rng.choices((0.85, 0.55, 0.2), weights=(0.6, 0.3, 0.1))[0]
        self.last_year = 0

    def first_of_year(self, day: dt.date) -> bool:
        """True at the first visit of a calendar year (the yearly fuller check); visits come in date order."""
        first = day.year != self.last_year
        self.last_year = day.year
        return first

    def signed_on(self, day: dt.date) -> bool:
        return self.signed_from is not None and day >= self.signed_from


def visits(
    rng: random.Random,
    r: SyntheticResident,
    age: int,
    contracts_: list[SyntheticContract],
    diagnoses_: list[SyntheticDiagnosis],
    *,
    today: dt.date,
    years: int,
    staff: dict[int, tuple[int, int]],
    ids: Ids,
    tz: dt.tzinfo,
) -> tuple[list[SyntheticVisit], list[SyntheticFollowUp]]:
    """Managed hypertension/diabetes: BPHS-2017 follow-ups classified by the real rules (flows.synthetic
    .followups); COPD twice a year (COPD-2024 [U]); everyone else ≥65 a yearly health check (BPHS-2017
    老年人健康管理)."""
    start = _years_before(today, years)
    signed_from = min((c.start_date for c in contracts_), default=None)
    p = _Patient(rng, r, age, signed_from=signed_from, tz=tz, staff=staff[r.team_id])
    out: list[SyntheticVisit] = []
    if (p.htn or p.dm) and rng.random() < MANAGED_SHARE:
        stop = today
        if rng.random() < LOST_SHARE:
            stop = start + dt.timedelta(days=rng.randrange((today - start).days))

        def make_visit(day: dt.date, bp: tuple[int, int], fpg: float | None, refer: bool) -> SyntheticVisit:
            tail = "refer" if refer else "manage"
            glucose_ok = fpg is None or diabetes.is_fpg_controlled(fpg)  # the HbA1c drawn beside it agrees
            full = p.first_of_year(day)
            return _visit(
                rng, p, day, ids, controlled=(True, glucose_ok), tail=tail, full=full, bp=bp, fpg=fpg
            )

        return followups.schedule(
            rng,
            resident_id=r.id,
            birth_date=r.birth_date,
            diagnosed={d.condition: d.diagnosed_on for d in diagnoses_ if d.condition in MANAGED},
            start=max(start, r.created_at.date() + dt.timedelta(days=1)),
            stop=stop,
            p_control=p.p_control,
            doctor=p.doctor,
            tz=tz,
            make_visit=make_visit,
        )
    if p.copd or age >= 65:
        per_year = 2 if p.copd else 1
        for y in range(years * per_year):
            day = start + dt.timedelta(days=round((y + rng.random()) * 365 / per_year))
            if day < today and day >= r.created_at.date():
                full = y % per_year == 0  # the yearly check; COPD's second visit is lighter
                out.append(_visit(rng, p, day, ids, controlled=(True, True), tail=None, full=full))
    return out, []


def _visit(
    rng: random.Random,
    p: _Patient,
    day: dt.date,
    ids: Ids,
    *,
    controlled: tuple[bool, bool],
    tail: str | None,
    full: bool,
    bp: tuple[int, int] | None = None,
    fpg: float | None = None,
) -> SyntheticVisit:
    """A closed visit; a follow-up passes the BP (and the diabetic's FPG) it drew and classified."""
    if bp is None:
        bp = measures.blood_pressure(rng, p.age, hypertensive=p.htn, controlled=controlled[0])
    sbp, dbp = bp
    obs = [
        SyntheticObservation(code="sbp", value=sbp, unit="mmHg"),
        SyntheticObservation(code="dbp", value=dbp, unit="mmHg"),
        SyntheticObservation(code="pulse", value=measures.pulse(rng), unit="/min"),
        *p.body.measure(rng, full=full),
    ]
    if fpg is None and (p.dm or full):
        fpg = measures.fasting_glucose(rng, diabetic=p.dm, controlled=controlled[1])
    if fpg is not None:
        obs.append(SyntheticObservation(code="fpg", value=fpg, unit="mmol/L"))
    if p.dm and (full or rng.random() < 0.35):
        hba1c = measures.hba1c(rng, controlled=controlled[1])
        obs.append(SyntheticObservation(code="hba1c", value=hba1c, unit="%"))
    if full:
        obs.extend(measures.lipids(rng, dyslipidaemic=p.dys))
    if p.copd:
        obs.append(SyntheticObservation(code="spo2", value=measures.spo2(rng, copd=True), unit="%"))
    signed = p.signed_on(day)
    moves: tuple[tuple[Move, str | None], ...]
    direction: str | None
    if (
        sbp >= hypertension.EMERGENCY_SBP
        or dbp >= hypertension.EMERGENCY_DBP
        or (fpg or 0.0) >= diabetes.EMERGENCY_GLUCOSE_HIGH
    ):  # BPHS-2017 紧急转诊 by BP or high glucose (low glucose is not modelled)
        moves, queue, team, direction = EMERGENCY_PATH, QueueKind.EMERGENCY, None, "emergency"
    else:
        if tail is None:
            tail = "manage" if p.r.conditions else "educate"
        moves = PATHS[(signed, tail)]
        queue = QueueKind.OWN_TEAM if signed else QueueKind.GENERAL_PRACTICE
        team = p.r.team_id if signed else None
        direction = "up" if tail == "refer" else None
    minute = rng.randrange(210)  # the clinic's morning, 08:00–11:30 local time
    return SyntheticVisit(
        id=ids.next_visit(),
        resident_id=p.r.id,
        visit_date=day,
        opened_at=utc_at(day, 8, minute, p.tz),
        minutes_per_step=rng.randint(2, 6),
        nurse_id=p.nurse,
        doctor_id=p.doctor,
        moves=moves,
        queue_kind=queue,
        team_id=team,
        referral_direction=direction,
        observations=tuple(obs),
    )


# Steps done by the doctor; the nurse does the rest (intake to triage).
DOCTOR_STEPS: Final = frozenset(
    {Step.DIAGNOSIS, Step.GRADED_INTERVENTION, Step.FOLLOWUP_BOOKING, Step.HEALTH_EDUCATION, Step.REFERRAL}
)


def visit_events(v: SyntheticVisit) -> Iterator[tuple[int, Move, Step, Step, int, dt.datetime, str | None]]:
    """(seq, move, from, to, actor, at, reason) for each move, stepping through flows.visit.TRANSITIONS."""
    step = Step.INTAKE
    at = v.opened_at
    delta = dt.timedelta(minutes=v.minutes_per_step)
    for seq, (move, reason) in enumerate(v.moves, start=1):
        target = TRANSITIONS[(step, move)]
        at += delta
        yield seq, move, step, target, v.doctor_id if step in DOCTOR_STEPS else v.nurse_id, at, reason
        step = target


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)
