"""LIPID-2023 categories, pancreatitis flag, LDL-C targets and screening interval (CLINICAL_RULES.md §4)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from flows.rules import lipids
from flows.rules.base import CLAUSES, Confidence, RuleError, Severity
from flows.rules.lipids import LipidLevel, LipidSettings, RiskTier

L = LipidLevel


@pytest.mark.parametrize(
    ("classify", "value", "expected"),
    [
        pytest.param(lipids.classify_tc, 5.1, L.SUITABLE, id="LIPID-2023 §TC: 5.1 is suitable"),
        pytest.param(lipids.classify_tc, 5.2, L.BORDERLINE_HIGH, id="LIPID-2023 §TC: 5.2 is borderline high"),
        pytest.param(lipids.classify_tc, 6.1, L.BORDERLINE_HIGH, id="LIPID-2023 §TC: 6.1 is borderline high"),
        pytest.param(lipids.classify_tc, 6.2, L.HIGH, id="LIPID-2023 §TC: 6.2 is high"),
        pytest.param(lipids.classify_ldl, 2.5, L.IDEAL, id="LIPID-2023 §LDL-C: 2.5 is ideal"),
        pytest.param(lipids.classify_ldl, 2.6, L.SUITABLE, id="LIPID-2023 §LDL-C: 2.6 is suitable"),
        pytest.param(lipids.classify_ldl, 3.3, L.SUITABLE, id="LIPID-2023 §LDL-C: 3.3 is suitable"),
        pytest.param(
            lipids.classify_ldl, 3.4, L.BORDERLINE_HIGH, id="LIPID-2023 §LDL-C: 3.4 is borderline high"
        ),
        pytest.param(
            lipids.classify_ldl, 4.0, L.BORDERLINE_HIGH, id="LIPID-2023 §LDL-C: 4.0 is borderline high"
        ),
        pytest.param(lipids.classify_ldl, 4.1, L.HIGH, id="LIPID-2023 §LDL-C: 4.1 is high"),
        pytest.param(lipids.classify_hdl, 0.9, L.LOW, id="LIPID-2023 §HDL-C: 0.9 is low"),
        pytest.param(lipids.classify_hdl, 1.0, L.NOT_LOW, id="LIPID-2023 §HDL-C: 1.0 is not low"),
        pytest.param(lipids.classify_non_hdl, 3.3, L.IDEAL, id="LIPID-2023 §non-HDL-C: 3.3 is ideal"),
        pytest.param(lipids.classify_non_hdl, 3.4, L.SUITABLE, id="LIPID-2023 §non-HDL-C: 3.4 is suitable"),
        pytest.param(lipids.classify_non_hdl, 4.0, L.SUITABLE, id="LIPID-2023 §non-HDL-C: 4.0 is suitable"),
        pytest.param(
            lipids.classify_non_hdl,
            4.1,
            L.BORDERLINE_HIGH,
            id="LIPID-2023 §non-HDL-C: 4.1 is borderline high",
        ),
        pytest.param(
            lipids.classify_non_hdl,
            4.8,
            L.BORDERLINE_HIGH,
            id="LIPID-2023 §non-HDL-C: 4.8 is borderline high",
        ),
        pytest.param(lipids.classify_non_hdl, 4.9, L.HIGH, id="LIPID-2023 §non-HDL-C: 4.9 is high"),
        pytest.param(lipids.classify_tg, 1.6, L.SUITABLE, id="LIPID-2023 §TG: 1.6 is suitable"),
        pytest.param(lipids.classify_tg, 1.7, L.BORDERLINE_HIGH, id="LIPID-2023 §TG: 1.7 is borderline high"),
        pytest.param(lipids.classify_tg, 2.2, L.BORDERLINE_HIGH, id="LIPID-2023 §TG: 2.2 is borderline high"),
        pytest.param(lipids.classify_tg, 2.3, L.HIGH, id="LIPID-2023 §TG: 2.3 is high"),
    ],
)
def test_category(classify: Callable[[float], LipidLevel], value: float, expected: LipidLevel) -> None:
    assert classify(value) is expected


@pytest.mark.parametrize(
    ("field", "value"),
    [
        pytest.param("tc", 0.0, id="zero TC is refused"),
        pytest.param("ldl_c", -1.0, id="negative LDL-C is refused"),
        pytest.param("hdl_c", float("nan"), id="NaN HDL-C is refused"),
        pytest.param("tg", 1000.0, id="TG of 1000 mmol/L is refused"),
        pytest.param("non_hdl_c", float("inf"), id="infinite non-HDL-C is refused"),
    ],
)
def test_impossible_values_name_the_field(field: str, value: float) -> None:
    with pytest.raises(RuleError) as err:
        lipids.lipid_findings(**{field: value})
    assert err.value.field == field


def test_findings_carry_codes_and_clauses() -> None:
    found = lipids.lipid_findings(tc=6.2, ldl_c=2.0, hdl_c=0.9, non_hdl_c=4.1, tg=1.0)
    assert [f.code for f in found] == [
        "lipid.tc.high",
        "lipid.ldl_c.ideal",
        "lipid.hdl_c.low",
        "lipid.non_hdl_c.borderline_high",
        "lipid.tg.suitable",
    ]
    assert [f.severity for f in found] == [
        Severity.ADVICE,
        Severity.INFO,
        Severity.ADVICE,
        Severity.ADVICE,
        Severity.INFO,
    ]
    for f in found:
        assert all(c in CLAUSES for c in f.clauses)
    assert lipids.lipid_findings() == []


@pytest.mark.parametrize(
    ("tg", "flagged"),
    [
        pytest.param(5.5, False, id="LIPID-2023 §TG [V2]: 5.5 has no pancreatitis flag"),
        pytest.param(5.6, True, id="LIPID-2023 §TG [V2]: 5.6 flags pancreatitis risk"),
    ],
)
def test_pancreatitis_flag(tg: float, flagged: bool) -> None:
    codes = {f.code: f for f in lipids.lipid_findings(tg=tg)}
    assert ("lipid.tg.pancreatitis_risk" in codes) is flagged
    if flagged:
        f = codes["lipid.tg.pancreatitis_risk"]
        assert f.severity is Severity.WARNING
        assert CLAUSES[f.clauses[0]].confidence is Confidence.V2


@pytest.mark.parametrize(
    ("tier", "target"),
    [
        pytest.param(RiskTier.EXTREME, 1.4, id="LIPID-2023 [U]: extreme risk LDL-C <1.4"),
        pytest.param(RiskTier.VERY_HIGH, 1.8, id="LIPID-2023 [U]: very high risk LDL-C <1.8"),
        pytest.param(RiskTier.HIGH, 2.6, id="LIPID-2023 [U]: high risk LDL-C <2.6"),
        pytest.param(RiskTier.MEDIUM_LOW, 3.4, id="LIPID-2023 [U]: medium/low risk LDL-C <3.4"),
    ],
)
def test_ldl_target_defaults(tier: RiskTier, target: float) -> None:
    assert lipids.ldl_target(tier) == target
    assert CLAUSES[lipids.CL_LDL_TARGET].confidence is Confidence.U


def test_ldl_target_is_overridable() -> None:
    assert lipids.ldl_target(RiskTier.HIGH, LipidSettings(ldl_target_high=2.0)) == 2.0


@pytest.mark.parametrize(
    ("age", "interval", "due"),
    [
        pytest.param(39, (2, 5), dt.date(2031, 3, 1), id="LIPID-2023 §筛查: age 39 every 2–5 years"),
        pytest.param(40, (1, 1), dt.date(2027, 3, 1), id="LIPID-2023 §筛查: age 40 yearly"),
    ],
)
def test_screening_interval(age: int, interval: tuple[int, int], due: dt.date) -> None:
    assert lipids.screening_interval_years(age) == interval
    step = lipids.next_screening(age, dt.date(2026, 3, 1))
    assert step.due == due
    assert step.clauses == (lipids.CL_SCREEN,)


def test_screening_from_29_february() -> None:
    assert lipids.next_screening(50, dt.date(2024, 2, 29)).due == dt.date(2025, 2, 28)


def test_screening_refuses_negative_age() -> None:
    with pytest.raises(RuleError) as err:
        lipids.screening_interval_years(-1)
    assert err.value.field == "age"
