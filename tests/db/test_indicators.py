"""The indicator cohort of tests/flows/rules/test_indicators.py written to real tables, on SQLite and PostgreSQL.

The same answers as the pure function gets from the same cohort (worked out in that file's docstring).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from db import indicators as db_ind
from db.engine import Database
from db.pinyin import name_initials
from db.tables import Contract, Diagnosis, FamilyDoctorTeam, FollowUp, Resident, Staff
from flows.model import Condition
from flows.rules import indicators as ind
from tests.db.conftest import id_number
from tests.flows.rules.test_indicators import (
    BOOKINGS,
    EXPECTED_COHORT,
    EXPECTED_OVERDUE,
    EXPECTED_RATES,
    FILTERS,
    HOME,
    PATIENTS,
    PRIOR,
    PRIOR_STROKE,
    RECORDS,
    TEAMS,
    TODAY,
    YEAR,
    cohort_counts,
    counts,
    overdue_summary,
)

TZ = "Asia/Shanghai"
ZONE = zoneinfo.ZoneInfo(TZ)
HTN, DM = Condition.HYPERTENSION, Condition.DIABETES
SUSPECTED = 14  # a resident with a suspected (not confirmed) hypertension: never counted
REMOVED_BOOKING = 110  # an overdue booking whose call ended in "removed": not on the list


def _at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), ZONE).astimezone(dt.UTC)


def _mode(r: ind.FollowupRecord) -> str:
    if not r.face_to_face:
        return "phone"
    return "home" if (r.resident_id, r.done_on) in HOME else "clinic"


async def _write_cohort() -> None:
    created = _at(dt.date(2015, 1, 1))
    await FamilyDoctorTeam.insert(
        FamilyDoctorTeam(id=1, name="一队", room="1号诊室"),
        FamilyDoctorTeam(id=2, name="二队", room="2号诊室"),
    )
    await Staff.insert(
        *(
            Staff(
                id=sid,
                username=f"doctor{sid}",
                display_name="医生",
                role="doctor",
                password_hash="x",
                team=team,
                active=True,
                created_at=created,
            )
            for sid, team in ((501, 1), (502, 2))
        )
    )
    born = {p.resident_id: p.birth_date for p in PATIENTS} | {SUSPECTED: dt.date(1960, 1, 1)}
    await Resident.insert(
        *(
            Resident(
                id=rid,
                id_number=id_number(rid),
                record_number=f"320923001101{rid:05d}",
                village_code="101",
                name="张三",
                name_initials=name_initials("张三"),
                sex="male",
                birth_date=birth,
                created_at=created,
                updated_at=created,
            )
            for rid, birth in born.items()
        )
    )
    diagnoses = [
        Diagnosis(
            resident=p.resident_id,
            condition=p.condition.value,
            icd10="I10" if p.condition is HTN else "E11.9",
            status="confirmed",
            diagnosed_at=_at(p.registered_on),
        )
        for p in PATIENTS
    ]
    diagnoses += [
        # A later confirmation of the same condition does not move the registration date.
        Diagnosis(
            resident=1,
            condition="hypertension",
            icd10="I10",
            status="confirmed",
            diagnosed_at=_at(dt.date(2025, 6, 1)),
        ),
        Diagnosis(
            resident=PRIOR_STROKE,
            condition="stroke",
            icd10="I63.9",
            status="confirmed",
            diagnosed_at=_at(dt.date(2014, 5, 5)),
        ),
        Diagnosis(
            resident=SUSPECTED,
            condition="hypertension",
            icd10="I10",
            status="suspected",
            diagnosed_at=_at(dt.date(2020, 1, 1)),
        ),
    ]
    await Diagnosis.insert(*diagnoses)
    contracts = [
        Contract(
            resident=p.resident_id,
            team=p.team_id,
            package="basic",
            start_date=dt.date(2025, 3, 1),
            end_date=dt.date(2026, 2, 28),
            status="active",
            created_at=created,
        )
        for p in PATIENTS
        if p.condition is HTN or p.resident_id >= 11
    ]
    # Resident 1 was with team 2 in 2024: the team at the period end is what counts.
    contracts.append(
        Contract(
            resident=1,
            team=2,
            package="basic",
            start_date=dt.date(2024, 1, 1),
            end_date=dt.date(2024, 12, 31),
            status="expired",
            created_at=created,
        )
    )
    await Contract.insert(*contracts)
    await FollowUp.insert(
        *(
            FollowUp(
                resident=r.resident_id,
                condition=r.condition.value,
                due_date=r.done_on,
                mode=_mode(r),
                done_at=_at(r.done_on),
                staff=r.staff_id,
                created_at=created,
                sbp=r.sbp,
                dbp=r.dbp,
                fpg=r.fpg,
            )
            for r in RECORDS
        )
    )
    bookings: list[tuple[int, int, Condition, dt.date, str | None]] = [
        (b.id, b.resident_id, b.condition, b.due_date, None) for b in BOOKINGS
    ]
    bookings.append((REMOVED_BOOKING, 5, HTN, dt.date(2024, 1, 1), "removed"))
    await FollowUp.insert(
        *(
            FollowUp(
                id=bid,
                resident=rid,
                condition=cond.value,
                due_date=due,
                mode="clinic",
                staff=None,
                created_at=created,
                call_outcome=outcome,
            )
            for bid, rid, cond, due, outcome in bookings
        )
    )


@pytest.fixture
async def cohort(database: Database) -> Database:
    await _write_cohort()
    return database


@pytest.mark.parametrize("name", list(FILTERS))
async def test_bphs_rates_match_the_worked_cohort(cohort: Database, name: str) -> None:
    team, doctor = FILTERS[name]
    report = await db_ind.indicators(
        cohort, start=YEAR[0], end=YEAR[1], today=TODAY, team_id=team, doctor_id=doctor, tz=TZ
    )
    assert counts(report) == EXPECTED_RATES[name]
    pure = ind.bphs_indicators(
        PATIENTS, RECORDS, start=YEAR[0], end=YEAR[1], today=TODAY, team_id=team, doctor_id=doctor
    )
    assert report == pure


async def test_one_condition_and_a_quarter(cohort: Database) -> None:
    report = await db_ind.indicators(
        cohort, start=dt.date(2025, 10, 1), end=dt.date(2025, 12, 31), today=TODAY, condition=DM, tz=TZ
    )
    pure = ind.bphs_indicators(
        PATIENTS, RECORDS, start=dt.date(2025, 10, 1), end=dt.date(2025, 12, 31), today=TODAY, condition=DM
    )
    assert report == pure
    # Q4: 11 (11-01, 8.1), 12 (12-10, 6.9), 13 (10-20, 7.0): one each → all to the spec; 12 controlled.
    assert counts(report) == {
        ind.IndicatorCode.DM_MANAGED_TO_SPEC: (3, 3),
        ind.IndicatorCode.DM_FPG_CONTROLLED: (1, 3),
    }


async def test_hearts_cohort_matches(cohort: Database) -> None:
    report = await db_ind.hearts_cohort(cohort, at=TODAY, condition=HTN, tz=TZ)
    assert cohort_counts(report) == EXPECTED_COHORT
    assert report == ind.hearts_cohort(PATIENTS, RECORDS, at=TODAY, condition=HTN)
    for team in (1, 2):
        by_team = await db_ind.hearts_cohort(cohort, at=TODAY, condition=DM, team_id=team, tz=TZ)
        assert by_team == ind.hearts_cohort(PATIENTS, RECORDS, at=TODAY, condition=DM, team_id=team)
    by_doctor = await db_ind.hearts_cohort(cohort, at=TODAY, condition=HTN, doctor_id=502, tz=TZ)
    assert by_doctor == ind.hearts_cohort(PATIENTS, RECORDS, at=TODAY, condition=HTN, doctor_id=502)


async def test_overdue_list_matches(cohort: Database) -> None:
    items = await db_ind.overdue(cohort, today=TODAY, tz=TZ)
    assert overdue_summary(items) == EXPECTED_OVERDUE  # booking 110 (call outcome "removed") is left off
    assert items == ind.overdue_list(BOOKINGS, RECORDS, today=TODAY, teams=TEAMS, prior_mi_or_stroke=PRIOR)
    team1 = await db_ind.overdue(cohort, today=TODAY, team_id=1, limit=3, tz=TZ)
    assert [i.booking_id for i in team1] == [104, 109, 106]
    diabetes = await db_ind.overdue(cohort, today=TODAY, condition=DM, tz=TZ)
    assert [i.booking_id for i in diabetes] == [109, 106]


async def test_an_empty_database_gives_empty_answers(database: Database) -> None:
    report = await db_ind.indicators(database, start=YEAR[0], end=YEAR[1], today=TODAY)
    assert all((r.numerator, r.denominator, r.rate) == (0, 0, None) for r in report.rates)
    assert (await db_ind.hearts_cohort(database, at=TODAY)).registered == 0
    assert await db_ind.overdue(database, today=TODAY) == ()


async def test_the_local_day_decides_the_period(database: Database) -> None:
    """A follow-up at 00:30 on 1 January in Beijing is 16:30 UTC on 31 December: it belongs to the new year."""
    await _write_cohort()
    early = _at(dt.date(2025, 1, 1), 0, 30)
    await FollowUp.insert(
        FollowUp(
            resident=5,
            condition="hypertension",
            due_date=dt.date(2025, 1, 1),
            mode="clinic",
            done_at=early,
            staff=501,
            created_at=early,
            sbp=130,
            dbp=80,
        )
    )
    in_2025 = await db_ind.indicators(database, start=YEAR[0], end=YEAR[1], today=TODAY, tz=TZ)
    # 5's latest of 2025 is now that 130/80 (age 74, <150/90): controlled 1, 3, 5, 6.
    assert counts(in_2025)[ind.IndicatorCode.HTN_BP_CONTROLLED] == (4, 10)
    in_2024 = await db_ind.indicators(
        database, start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31), today=TODAY, tz=TZ
    )
    # 2024: registered by its end: all HTN but 6 and 7 → 8; the only 2024 follow-up is 5's (150/95) → 0.
    assert counts(in_2024)[ind.IndicatorCode.HTN_BP_CONTROLLED] == (0, 8)
    jan = await db_ind.indicators(
        database, start=dt.date(2025, 1, 1), end=dt.date(2025, 1, 31), today=TODAY, condition=HTN, tz=TZ
    )
    # January: 3, 4 (01-15, 138/84 ✓), 9 (01-05, 185/112 ✗) and now 5 (01-01 00:30, 130/80 ✓) → 3 of 8.
    assert counts(jan)[ind.IndicatorCode.HTN_BP_CONTROLLED] == (3, 8)


LAST_YEAR = (dt.date(2024, 1, 1), dt.date(2024, 12, 31))


@pytest.mark.parametrize(
    ("team", "doctor", "period"),
    [
        pytest.param(None, None, YEAR, id="all"),
        pytest.param(1, None, YEAR, id="team 1"),
        pytest.param(None, 501, YEAR, id="doctor 501"),
        # A past period: the rates take the teams of its end (resident 1 with team 2), the rest today's.
        pytest.param(1, None, LAST_YEAR, id="team 1, last year"),
        pytest.param(2, None, LAST_YEAR, id="team 2, last year"),
    ],
)
async def test_the_dashboard_is_the_separate_answers_read_once(
    cohort: Database, team: int | None, doctor: int | None, period: tuple[dt.date, dt.date]
) -> None:
    start, end = period
    board = await db_ind.dashboard(
        cohort, start=start, end=end, today=TODAY, team_id=team, doctor_id=doctor, tz=TZ
    )
    assert board.rates == await db_ind.indicators(
        cohort, start=start, end=end, today=TODAY, team_id=team, doctor_id=doctor, tz=TZ
    )
    for condition, cohort_report in ((HTN, board.hypertension), (DM, board.diabetes)):
        assert cohort_report == await db_ind.hearts_cohort(
            cohort, at=TODAY, condition=condition, team_id=team, doctor_id=doctor, tz=TZ
        )
    assert board.overdue == await db_ind.overdue(cohort, today=TODAY, team_id=team, tz=TZ)
    if (team, doctor, period) == (None, None, YEAR):
        assert cohort_counts(board.hypertension) == EXPECTED_COHORT
        assert overdue_summary(board.overdue) == EXPECTED_OVERDUE
