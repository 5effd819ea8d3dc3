"""A resident with a year of chronic care, written straight into the database: what the patient page tests,
the browser test and the page benchmark read. (Walking a year of visits through the API would be the slow
part of every test; the page's own reads are what is under test.)"""

from __future__ import annotations

import datetime as dt
import random

from db.convert import utc
from db.tables import Contract, Diagnosis, FamilyDoctorTeam, FollowUp, Observation, Prescription

TEAM_PHONE = "0517-8888 6666"
DRUGS = (
    ("氨氯地平片", "5 mg", "每日1次", True),
    ("二甲双胍片", "0.5 g", "每日3次", True),
    ("阿托伐他汀钙片", "20 mg", "每晚1次", False),
)


async def seed_record(
    resident_id: int,
    *,
    now: dt.datetime,
    team_name: str = "第一家庭医生团队",
    weeks: int = 52,
    seed: int = 1,
    conditions: tuple[str, ...] = ("hypertension", "diabetes"),
) -> None:
    """Conditions, weekly home BP, fortnightly glucose, monthly weight over `weeks`, three drugs, a booked
    follow-up and an active contract with a team that has a phone."""
    rng = random.Random(seed)
    at = utc(now)
    for condition, icd in (
        ("hypertension", "I10"),
        ("diabetes", "E11"),
        ("dyslipidaemia", "E78"),
        ("obesity", "E66"),
        ("copd", "J44"),
    ):
        if condition in conditions:
            await Diagnosis.insert(
                Diagnosis(
                    resident=resident_id, condition=condition, icd10=icd, status="confirmed", diagnosed_at=at
                )
            )
    rows: list[Observation] = []
    for week in range(weeks):
        when = at - dt.timedelta(days=7 * (weeks - week), hours=rng.randint(0, 8))
        sbp = 150 - week * 0.4 + rng.uniform(-8, 8)
        rows.append(_obs(resident_id, "sbp", round(sbp), "mmHg", when))
        rows.append(_obs(resident_id, "dbp", round(sbp * 0.6 + rng.uniform(-4, 4)), "mmHg", when))
        if week % 2 == 0:
            rows.append(
                _obs(resident_id, "fpg", round(8.2 - week * 0.03 + rng.uniform(-0.8, 0.8), 1), "mmol/L", when)
            )
        if week % 4 == 0:
            rows.append(
                _obs(resident_id, "weight", round(78 - week * 0.05 + rng.uniform(-0.5, 0.5), 1), "kg", when)
            )
    rows.append(_obs(resident_id, "height", 168.0, "cm", at - dt.timedelta(days=30)))
    rows.append(_obs(resident_id, "hba1c", 7.4, "%", at - dt.timedelta(days=40)))
    await Observation.insert(*rows)
    today = now.date()
    for drug, dose, frequency, long_term in DRUGS:
        await Prescription.insert(
            Prescription(
                resident=resident_id,
                drug=drug,
                dose=dose,
                frequency=frequency,
                long_term=long_term,
                start_date=today - dt.timedelta(days=60),
                end_date=today + dt.timedelta(days=28) if long_term else None,
            )
        )
    await FollowUp.insert(
        FollowUp(
            resident=resident_id,
            condition="hypertension",
            due_date=today + dt.timedelta(days=20),
            mode="clinic",
            created_at=at,
        )
    )
    teams = await FamilyDoctorTeam.select(FamilyDoctorTeam.id).where(FamilyDoctorTeam.name == team_name)
    if teams:
        team_id = teams[0]["id"]
    else:
        inserted = await FamilyDoctorTeam.insert(
            FamilyDoctorTeam(name=team_name, room="3号诊室", phone=TEAM_PHONE)
        )
        team_id = inserted[0]["id"]
    await Contract.insert(
        Contract(
            resident=resident_id,
            team=team_id,
            package="basic",
            start_date=today - dt.timedelta(days=100),
            end_date=today + dt.timedelta(days=265),
            status="active",
            created_at=at,
        )
    )


def _obs(resident_id: int, code: str, value: float, unit: str, when: dt.datetime) -> Observation:
    return Observation(
        resident=resident_id, code=code, value=float(value), unit=unit, source="home", observed_at=when
    )
