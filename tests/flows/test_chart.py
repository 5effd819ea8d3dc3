"""The chart's pure parts: value marks (one case per clause), one point a day, days left, the alerts."""

from __future__ import annotations

import datetime as dt

import pytest

from flows.alerts import FamilyAlert, FamilyAlertStatus
from flows.chart import (
    AlertKind,
    AlertLevel,
    ChartCondition,
    ChartContract,
    ChartMedicine,
    ChartPoint,
    alerts,
    daily,
    days_left,
    drug_count,
)
from flows.chart_marks import Flag, mark
from flows.model import Condition, Sex
from flows.record import Allergy, AllergyKind, HistoryCondition, Relation
from flows.rules.base import Finding, Severity
from flows.rules.family import AlertCode

TODAY = dt.date(2026, 3, 10)
MARKS = [
    # (id, code, value, age, sex, flag, limit, clause)
    (
        "BPHS-2017 §分类干预: SBP 140 is not controlled",
        "sbp",
        140,
        50,
        Sex.MALE,
        Flag.HIGH,
        "≥140",
        "HTN.control.programme",
    ),
    ("BPHS-2017 §分类干预: SBP 139 is controlled", "sbp", 139, 50, Sex.MALE, None, None, None),
    ("BPHS-2017 indicator: aged 65, SBP 149 is controlled", "sbp", 149, 65, Sex.MALE, None, None, None),
    (
        "BPHS-2017 indicator: aged 65, SBP 150 is not",
        "sbp",
        150,
        65,
        Sex.FEMALE,
        Flag.HIGH,
        "≥150",
        "HTN.control.programme.65",
    ),
    (
        "BPHS-2017 §分类干预: DBP 90 is not controlled",
        "dbp",
        90,
        70,
        Sex.MALE,
        Flag.HIGH,
        "≥90",
        "HTN.control.programme",
    ),
    (
        "BPHS-2017 §分类干预: FPG 7.0 is not controlled",
        "fpg",
        7.0,
        50,
        Sex.MALE,
        Flag.HIGH,
        "≥7",
        "DM.control.programme",
    ),
    ("BPHS-2017 §分类干预: FPG 6.9 is controlled", "fpg", 6.9, 50, Sex.MALE, None, None, None),
    (
        "DM-2022 §综合控制目标: HbA1c 7.0 misses <7.0",
        "hba1c",
        7.0,
        50,
        Sex.MALE,
        Flag.HIGH,
        "≥7",
        "DM.targets",
    ),
    ("LIPID-2023: LDL-C 3.4 is above suitable", "ldl", 3.4, 50, Sex.MALE, Flag.HIGH, "≥3.4", "LIPID.ldl"),
    ("LIPID-2023: LDL-C 3.3 is suitable", "ldl", 3.3, 50, Sex.MALE, None, None, None),
    ("LIPID-2023: TC 5.2 is above suitable", "tc", 5.2, 50, Sex.MALE, Flag.HIGH, "≥5.2", "LIPID.tc"),
    ("LIPID-2023: TG 1.7 is above suitable", "tg", 1.7, 50, Sex.MALE, Flag.HIGH, "≥1.7", "LIPID.tg"),
    ("LIPID-2023: HDL-C 0.9 is low", "hdl", 0.9, 50, Sex.MALE, Flag.LOW, "<1", "LIPID.hdl"),
    ("WS-T-428: BMI 24 is overweight", "bmi", 24.0, 50, Sex.MALE, Flag.HIGH, "≥24", "WEIGHT.bmi"),
    ("WS-T-428: BMI 18.4 is underweight", "bmi", 18.4, 50, Sex.MALE, Flag.LOW, "<18.5", "WEIGHT.bmi"),
    ("WS-T-428: BMI 23.9 is normal", "bmi", 23.9, 50, Sex.MALE, None, None, None),
    (
        "WS-T-428: waist 90 cm, a man: central obesity",
        "waist",
        90,
        50,
        Sex.MALE,
        Flag.HIGH,
        "≥90",
        "WEIGHT.waist.central",
    ),
    (
        "WS-T-428: waist 85 cm, a woman: central obesity",
        "waist",
        85,
        50,
        Sex.FEMALE,
        Flag.HIGH,
        "≥85",
        "WEIGHT.waist.central",
    ),
    ("WS-T-428: waist 85 cm, a man: not", "waist", 85, 50, Sex.MALE, None, None, None),
    ("no threshold for one SpO2 value in CLINICAL_RULES", "spo2", 85, 50, Sex.MALE, None, None, None),
    ("no threshold for weight", "weight", 120, 50, Sex.MALE, None, None, None),
]


@pytest.mark.parametrize("case", [m[1:] for m in MARKS], ids=[m[0] for m in MARKS])
def test_marks(case: tuple[str, float, int, Sex, Flag | None, str | None, str | None]) -> None:
    code, value, age, sex, flag, limit, clause = case
    found = mark(code, value, age=age, sex=sex)
    if flag is None:
        assert found is None
        return
    assert found is not None
    assert (found.flag, found.limit) == (flag, limit)
    assert clause in found.clauses


def _p(day: int, value: float) -> ChartPoint:
    return ChartPoint(day=TODAY + dt.timedelta(days=day), value=value)


def test_one_point_a_day_the_days_last_the_newest_kept() -> None:
    points = [_p(0, 150), _p(0, 140), _p(1, 135), _p(2, 130)]
    assert [p.value for p in daily(points)] == [140, 135, 130]
    assert [p.value for p in daily(points, keep=2)] == [135, 130]
    assert daily([]) == ()


def test_days_left() -> None:
    assert days_left(TODAY, TODAY) == 0
    assert days_left(TODAY + dt.timedelta(days=10), TODAY) == 10
    assert days_left(TODAY - dt.timedelta(days=1), TODAY) == -1


def test_drug_count_counts_a_name_once() -> None:
    medicines = [
        ChartMedicine(drug="氨氯地平"),
        ChartMedicine(drug="氨氯地平 ", outside=True),
        ChartMedicine(drug="二甲双胍"),
    ]
    assert drug_count(medicines) == 2


def _contract(days: int, *, due: bool) -> ChartContract:
    end = TODAY + dt.timedelta(days=days)
    return ChartContract(
        team="一队",
        room="1",
        package="basic",
        start_date=TODAY - dt.timedelta(days=300),
        end_date=end,
        in_force=True,
        renewal_due=due,
        days_left=days,
    )


def test_alerts_dangers_first_then_warnings() -> None:
    finding = Finding(
        code="htn.emergency", severity=Severity.EMERGENCY, summary="SBP 185", clauses=("HTN.emergency",)
    )
    family = FamilyAlert(
        id=1,
        relative_id=2,
        relative_name="张三",
        source_id=3,
        source_name="张父",
        code=AlertCode.HTN,
        condition=HistoryCondition.HYPERTENSION,
        relation=Relation.FATHER,
        clauses=("FAMILY.htn",),
        summary="father has hypertension",
        status=FamilyAlertStatus.OPEN,
        created_at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC),
    )
    overdue = ChartCondition(
        condition=Condition.HYPERTENSION,
        status="confirmed",
        icd10="I10",
        diagnosed_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
        diagnosed_on=dt.date(2025, 1, 1),
        next_due=TODAY - dt.timedelta(days=3),
        overdue=True,
    )
    found = alerts(
        today=TODAY,
        emergencies=[(TODAY, (finding,))],
        allergies=[Allergy(kind=AllergyKind.DRUG, substance="青霉素")],
        conditions=[overdue],
        family=[family],
        medicines=[ChartMedicine(drug=f"药{i}") for i in range(5)],
        contract=_contract(20, due=True),
        polypharmacy_drugs=5,
    )
    assert [a.kind for a in found] == [
        AlertKind.EMERGENCY,
        AlertKind.ALLERGY,
        AlertKind.OVERDUE,
        AlertKind.FAMILY,
        AlertKind.POLYPHARMACY,
        AlertKind.CONTRACT,
    ]
    assert [a.level for a in found[:2]] == [AlertLevel.DANGER, AlertLevel.DANGER]
    assert found[0].clauses == ("HTN.emergency",)
    assert found[1].names == ("青霉素",)
    assert found[2].count == 3
    assert found[4].clauses == ("MM.polypharmacy",)
    assert found[5].clauses == ("CONTRACT.renewal_window",)


def test_no_alerts_below_the_thresholds() -> None:
    """OPINION-2025 §11 [U]: 4 drugs is not polypharmacy; a contract outside its renewal window is quiet."""
    found = alerts(
        today=TODAY,
        emergencies=[],
        allergies=[],
        conditions=[],
        family=[],
        medicines=[ChartMedicine(drug=f"药{i}") for i in range(4)],
        contract=_contract(40, due=False),
        polypharmacy_drugs=5,
    )
    assert found == ()
