"""`getIndicatorSeries` and `exportIndicators` on a small year worked out by hand (SQLite and PostgreSQL).

The year 2025 (the API's today is later, so the whole year counts). Residents born 1970 (55: <140/90).
- R1 hypertension since 2024, in team T all 2025. Follow-ups: 01-10 clinic 130/80 (D), 02-15 phone 150/95
  (D), 04-20 home 135/85 (D), 07-05 clinic without BP (D), 10-12 clinic 128/82 (A).
- R2 hypertension and diabetes confirmed 2025-03-15, no contract. Hypertension: 03-20 clinic 145/92 (A),
  05-02 clinic 132/84 (D). Diabetes: 03-20 clinic FPG 7.5 (A), 06-30 clinic 6.1 (A).
- R3 diabetes since 2023, in team T from 2025-07-01. 01-05 clinic FPG 6.5 (D), 01-25 clinic 8.0 (D),
  08-08 phone 6.8 (D).
D is the doctor, A the administrator. A month or a quarter asks 1 face-to-face follow-up, the year 4.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zoneinfo
from typing import Any

import pytest

from db.engine import Database
from db.staff import create_team
from db.tables import Contract, Diagnosis, FollowUp
from flows.model import Role
from tests.api.helpers import Api, error, id_number, register

ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")
CODES = ("htn.managed_to_spec", "htn.bp_controlled", "dm.managed_to_spec", "dm.fpg_controlled")
Counts = tuple[tuple[int, int], ...]  # (numerator, denominator) of CODES, in order

# Months 1–12, site: worked out from the docstring (denominators grow when R2 is confirmed in March).
SITE_MONTHS: list[Counts] = [
    ((1, 1), (1, 1), (1, 1), (0, 1)),  # Jan: R1 clinic 130/80; R3 two clinic, the latest 8.0
    ((0, 1), (0, 1), (0, 1), (0, 1)),  # Feb: R1 by phone 150/95
    ((1, 2), (0, 2), (1, 2), (0, 2)),  # Mar: R2 145/92 and 7.5
    ((1, 2), (1, 2), (0, 2), (0, 2)),  # Apr: R1 at home 135/85
    ((1, 2), (1, 2), (0, 2), (0, 2)),  # May: R2 132/84
    ((0, 2), (0, 2), (1, 2), (1, 2)),  # Jun: R2 6.1
    ((1, 2), (0, 2), (0, 2), (0, 2)),  # Jul: R1 without BP: to the spec, not controlled
    ((0, 2), (0, 2), (0, 2), (1, 2)),  # Aug: R3 by phone 6.8
    ((0, 2), (0, 2), (0, 2), (0, 2)),
    ((1, 2), (1, 2), (0, 2), (0, 2)),  # Oct: R1 128/82
    ((0, 2), (0, 2), (0, 2), (0, 2)),
    ((0, 2), (0, 2), (0, 2), (0, 2)),
]
SITE_QUARTERS: list[Counts] = [
    ((2, 2), (0, 2), (2, 2), (0, 2)),  # Q1: latest R1 150/95, R2 145/92; R3 8.0, R2 7.5
    ((2, 2), (2, 2), (1, 2), (1, 2)),
    ((1, 2), (0, 2), (0, 2), (1, 2)),
    ((1, 2), (1, 2), (0, 2), (0, 2)),
]
SITE_YEAR: Counts = ((1, 2), (2, 2), (0, 2), (2, 2))  # R1: 4 face to face (the phone call is not)
# Team T at each quarter's end: R1 always, R3 from July.
TEAM_QUARTERS: list[Counts] = [
    ((1, 1), (0, 1), (0, 0), (0, 0)),
    ((1, 1), (1, 1), (0, 0), (0, 0)),
    ((1, 1), (0, 1), (0, 1), (1, 1)),
    ((1, 1), (1, 1), (0, 1), (0, 1)),
]
# Doctor D: the patients whose latest follow-up of the quarter D did.
DOCTOR_QUARTERS: list[Counts] = [
    ((1, 1), (0, 1), (1, 1), (0, 1)),
    ((2, 2), (2, 2), (0, 0), (0, 0)),
    ((1, 1), (0, 1), (0, 1), (1, 1)),
    ((0, 0), (0, 0), (0, 0), (0, 0)),
]


def _at(month: int, day: int) -> dt.datetime:
    return dt.datetime(2025, month, day, 10, 0, tzinfo=ZONE).astimezone(dt.UTC)


async def _write_year(db: Database, residents: tuple[int, int, int], doctor: int, admin: int) -> int:
    r1, r2, r3 = residents
    team = await create_team(db, name="测试团队T", room="3号诊室")
    created = dt.datetime(2023, 1, 1, tzinfo=dt.UTC)
    await Diagnosis.insert(
        *(
            Diagnosis(resident=rid, condition=cond, icd10=icd, status="confirmed", diagnosed_at=at)
            for rid, cond, icd, at in (
                (r1, "hypertension", "I10", dt.datetime(2024, 6, 1, 2, tzinfo=dt.UTC)),
                (r2, "hypertension", "I10", _at(3, 15)),
                (r2, "diabetes", "E11.9", _at(3, 15)),
                (r3, "diabetes", "E11.9", dt.datetime(2023, 1, 1, 2, tzinfo=dt.UTC)),
            )
        )
    )
    await Contract.insert(
        *(
            Contract(
                resident=rid,
                team=team.id,
                package="basic",
                start_date=start,
                end_date=end,
                status="active",
                created_at=created,
            )
            for rid, start, end in (
                (r1, dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
                (r3, dt.date(2025, 7, 1), dt.date(2026, 6, 30)),
            )
        )
    )
    rows: list[tuple[int, str, int, int, str, int | None, int | None, float | None, int]] = [
        (r1, "hypertension", 1, 10, "clinic", 130, 80, None, doctor),
        (r1, "hypertension", 2, 15, "phone", 150, 95, None, doctor),
        (r1, "hypertension", 4, 20, "home", 135, 85, None, doctor),
        (r1, "hypertension", 7, 5, "clinic", None, None, None, doctor),
        (r1, "hypertension", 10, 12, "clinic", 128, 82, None, admin),
        (r2, "hypertension", 3, 20, "clinic", 145, 92, None, admin),
        (r2, "hypertension", 5, 2, "clinic", 132, 84, None, doctor),
        (r2, "diabetes", 3, 20, "clinic", None, None, 7.5, admin),
        (r2, "diabetes", 6, 30, "clinic", None, None, 6.1, admin),
        (r3, "diabetes", 1, 5, "clinic", None, None, 6.5, doctor),
        (r3, "diabetes", 1, 25, "clinic", None, None, 8.0, doctor),
        (r3, "diabetes", 8, 8, "phone", None, None, 6.8, doctor),
    ]
    await FollowUp.insert(
        *(
            FollowUp(
                resident=rid,
                condition=cond,
                due_date=_at(m, d).date(),
                mode=mode,
                done_at=_at(m, d),
                staff=staff,
                created_at=created,
                sbp=sbp,
                dbp=dbp,
                fpg=fpg,
            )
            for rid, cond, m, d, mode, sbp, dbp, fpg, staff in rows
        )
    )
    return team.id


@pytest.fixture
def year(api: Api) -> int:
    """The worked year written; returns team T's id."""
    r1, r2, r3 = (register(api.nurse, seq, id_number=id_number(seq, year=1970))["id"] for seq in (61, 62, 63))
    doctor, admin = api.staff[Role.DOCTOR].id, api.staff[Role.ADMIN].id
    return api.server.run(_write_year(api.server.database, (r1, r2, r3), doctor, admin))


def _counts(report: dict[str, Any]) -> Counts:
    rates = {r["code"]: r for r in report["rates"]}
    return tuple((rates[c]["numerator"], rates[c]["denominator"]) for c in CODES)


def _series(api: Api, **params: Any) -> dict[str, Any]:
    answer = api.doctor.get("/api/v1/indicators/series", params={"year": 2025, **params})
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def test_the_series_by_month_quarter_and_year_match_the_worked_year(api: Api, year: int) -> None:
    months = _series(api, kind="month")
    assert [p["period"]["index"] for p in months["points"]] == list(range(1, 13))
    assert [_counts(p["report"]) for p in months["points"]] == SITE_MONTHS
    quarters = _series(api, kind="quarter")
    assert [_counts(p["report"]) for p in quarters["points"]] == SITE_QUARTERS
    assert quarters["points"][2]["report"]["start"] == "2025-07-01"
    assert quarters["points"][2]["report"]["end"] == "2025-09-30"
    whole = _series(api, kind="year")
    assert [_counts(p["report"]) for p in whole["points"]] == [SITE_YEAR]
    assert whole["points"][0]["report"]["required_face_to_face"] == 4
    # Each point is what getIndicators says for the same dates (one pass, the same answers).
    for point in (*quarters["points"], months["points"][6], whole["points"][0]):
        report = point["report"]
        alone = api.doctor.get("/api/v1/indicators", params={"start": report["start"], "end": report["end"]})
        assert alone.json() == report
    rate = next(r for r in months["points"][0]["report"]["rates"] if r["code"] == "dm.fpg_controlled")
    assert rate["rate"] == 0.0
    assert rate["clauses"]


def test_the_series_for_a_team_and_a_doctor(api: Api, year: int) -> None:
    team = _series(api, kind="quarter", team_id=year)
    assert [_counts(p["report"]) for p in team["points"]] == TEAM_QUARTERS
    assert (team["team_id"], team["scope_name"]) == (year, "测试团队T")
    assert team["points"][0]["report"]["rates"][2]["rate"] is None  # nobody in the team has diabetes yet
    doctor_id = api.staff[Role.DOCTOR].id
    doctor = _series(api, kind="quarter", doctor_id=doctor_id)
    assert [_counts(p["report"]) for p in doctor["points"]] == DOCTOR_QUARTERS
    assert doctor["scope_name"] == "doctor one"
    alone = api.doctor.get(
        "/api/v1/indicators", params={"start": "2025-07-01", "end": "2025-09-30", "team_id": year}
    )
    assert alone.json() == team["points"][2]["report"]


def test_a_year_in_progress_has_the_periods_begun_so_far(api: Api) -> None:
    today = api.server.clock().date()
    months = _series(api, kind="month", year=today.year)
    assert len(months["points"]) == today.month
    assert months["points"][-1]["report"]["end"] == today.isoformat()
    assert _series(api, kind="quarter", year=today.year + 1)["points"] == []


def _csv(api: Api, **params: Any) -> list[list[str]]:
    answer = api.doctor.get("/api/v1/indicators.csv", params={"year": 2025, **params})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/csv")
    assert answer.content.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads the file as UTF-8
    return list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"), newline="")))


def test_the_csv_has_one_row_per_indicator_per_period(api: Api, year: int) -> None:
    rows = _csv(api, kind="quarter")
    assert rows[0] == ["范围", "期间", "开始日期", "结束日期", "指标代码", "指标", "分子", "分母", "率(%)"]
    assert len(rows) == 1 + 4 * 4
    by_period = [tuple((int(r[6]), int(r[7])) for r in rows[1 + 4 * q : 5 + 4 * q]) for q in range(4)]
    assert by_period == SITE_QUARTERS
    site = f"全站：{api.server.settings.site.name}"
    assert rows[1][:6] == [
        site,
        "2025-Q1",
        "2025-01-01",
        "2025-03-31",
        "htn.managed_to_spec",
        "高血压患者规范管理率",
    ]
    assert [r[8] for r in rows[5:9]] == ["100.0", "100.0", "50.0", "50.0"]  # Q2

    team = _csv(api, kind="quarter", period=3, team_id=year)
    assert [r[0] for r in team[1:]] == ["团队：测试团队T"] * 4
    assert [(r[1], r[6], r[7], r[8]) for r in team[1:]] == [
        ("2025-Q3", "1", "1", "100.0"),
        ("2025-Q3", "0", "1", "0.0"),
        ("2025-Q3", "0", "1", "0.0"),
        ("2025-Q3", "1", "1", "100.0"),
    ]
    doctor_id = api.staff[Role.DOCTOR].id
    answer = api.doctor.get(
        "/api/v1/indicators.csv",
        params={"year": 2025, "kind": "quarter", "period": 4, "doctor_id": doctor_id},
    )
    disposition = answer.headers["content-disposition"]
    assert f'filename="onestop-indicators-doctor-{doctor_id}-2025-Q4.csv"' in disposition
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert [(r[0], r[7], r[8]) for r in rows[1:]] == [("医生：doctor one", "0", "")] * 4  # no denominator
    audit = api.admin.get("/api/v1/audit", params={"entity": "indicator"}).json()
    assert any(e["detail"] == f"export onestop-indicators-doctor-{doctor_id}-2025-Q4.csv" for e in audit)


def test_refusals(api: Api, year: int) -> None:
    error(api.anon.get("/api/v1/indicators/series"), 401)
    error(api.anon.get("/api/v1/indicators.csv"), 401)
    assert api.nurse.get("/api/v1/indicators/series").status_code == 200  # the figures: every staff member
    assert error(api.nurse.get("/api/v1/indicators.csv"), 403)["details"]["role"] == "nurse"
    bad = error(api.doctor.get("/api/v1/indicators.csv", params={"kind": "quarter", "period": 5}), 422)
    assert bad["field"] == "period"
    assert error(api.doctor.get("/api/v1/indicators/series", params={"team_id": year + 99}), 422)[
        "field"
    ] == ("team_id")
    assert error(api.doctor.get("/api/v1/indicators/series", params={"doctor_id": 9999}), 422)["field"] == (
        "doctor_id"
    )
    error(api.doctor.get("/api/v1/indicators/series", params={"kind": "week"}), 422)


@pytest.mark.parametrize("scope", ["site", "team", "doctor"])
def test_the_board_is_the_months_and_the_cohorts_of_the_other_operations(
    api: Api, year: int, scope: str
) -> None:
    """This year's board reads the follow-ups of the last 12 months only; a doctor's lost patients come from
    each patient's latest follow-up before that (R2's and R3's last ones were the doctor's, in 2025)."""
    params: dict[str, Any] = {
        "site": {},
        "team": {"team_id": year},
        "doctor": {"doctor_id": api.staff[Role.DOCTOR].id},
    }[scope]
    for which in (2025, api.server.clock().year):
        answer = api.doctor.get("/api/v1/indicators/board", params={"year": which, **params})
        assert answer.status_code == 200, answer.text
        board = answer.json()
        assert board["months"] == _series(api, kind="month", **{**params, "year": which})
        for condition in ("hypertension", "diabetes"):
            cohort = api.doctor.get("/api/v1/indicators/cohort", params={"condition": condition, **params})
            assert board[condition] == cohort.json()
        overdue = api.doctor.get(
            "/api/v1/overdue", params={"limit": 1000, **{k: v for k, v in params.items() if k == "team_id"}}
        )
        assert board["overdue"] == len(overdue.json())
    if scope == "doctor":  # both of the doctor's patients, last seen in 2025: lost to follow-up
        assert (
            board["hypertension"]["registered"],
            board["hypertension"]["lost_to_follow_up"]["numerator"],
        ) == (1, 1)
        assert (board["diabetes"]["registered"], board["diabetes"]["lost_to_follow_up"]["numerator"]) == (
            1,
            1,
        )
