"""Diagnosis support against a resident's history (CLINICAL_RULES.md §2–§6): both sides of every criterion."""

from __future__ import annotations

import datetime as dt

import pytest

from flows.model import Condition, Sex
from flows.rules import _hypertension_data as hd
from flows.rules import copd, diabetes, diagnosis, lipids, weight
from flows.rules._diagnosis_data import C_DYSLIPIDAEMIA
from flows.rules.base import CLAUSES, RuleError
from flows.rules.diagnosis import (
    AbpmMeans,
    BpReading,
    Criterion,
    GlucoseKind,
    GlucoseResult,
    History,
    LipidPanel,
    Spirometry,
    Status,
)

TODAY = dt.date(2026, 3, 10)
MET, NOT_MET, CONFIRM = Status.MET, Status.NOT_MET, Status.NEEDS_CONFIRMATION
K = GlucoseKind


def _day(days_ago: int) -> dt.date:
    return TODAY - dt.timedelta(days=days_ago)


def _bp(days_ago: int, sbp: int = 150, dbp: int = 85) -> BpReading:
    return BpReading(day=_day(days_ago), sbp=sbp, dbp=dbp)


def _g(days_ago: int, kind: GlucoseKind, value: float) -> GlucoseResult:
    return GlucoseResult(day=_day(days_ago), kind=kind, value=value)


def _criterion(h: History, condition: Condition, age: int = 50, sex: Sex = Sex.MALE) -> Criterion:
    found = diagnosis.evaluate(h, age=age, sex=sex, today=TODAY)
    assert [c.condition for c in found] == list(Condition)
    for c in found:
        assert all(cl in CLAUSES for cl in c.clauses)
        assert all(cl in CLAUSES for n in c.next_steps for cl in n.clauses)
        assert c.basis
        assert c.basis_en
    return next(c for c in found if c.condition is condition)


@pytest.mark.parametrize(
    ("history", "status", "clause"),
    [
        pytest.param(History(), NOT_MET, hd.C_DX_THREE_DAYS, id="HTN-2025 §诊断: no readings → not met"),
        pytest.param(
            History(bp_readings=(_bp(28), _bp(14), _bp(0))),
            MET,
            hd.C_DX_THREE_DAYS,
            id="HTN-2025 §诊断: 3 raised days within 28 days → met",
        ),
        pytest.param(
            History(bp_readings=(_bp(29), _bp(14), _bp(0))),
            CONFIRM,
            hd.C_FIRST_RAISED,
            id="HTN-2025 §诊断: 3 raised days over 29 days → needs confirmation",
        ),
        pytest.param(
            History(bp_readings=(_bp(14), _bp(7), _bp(7, 160, 95))),
            CONFIRM,
            hd.C_FIRST_RAISED,
            id="our reading: same-day readings count once (2 days, 3 readings)",
        ),
        pytest.param(
            History(bp_readings=(_bp(14, 139, 89), _bp(7, 139, 89), _bp(0, 139, 89))),
            NOT_MET,
            hd.C_DX_THREE_DAYS,
            id="HTN-2025 §诊断: 139/89 on 3 days → not met",
        ),
        pytest.param(
            History(bp_readings=(_bp(14, 140, 70), _bp(7, 120, 90), _bp(0, 140, 89))),
            MET,
            hd.C_DX_THREE_DAYS,
            id="HTN-2025 §诊断: 140 and/or 90 on 3 days → met",
        ),
        pytest.param(
            History(bp_readings=(_bp(21), _bp(14, 130, 80), _bp(7), _bp(0))),
            CONFIRM,
            hd.C_FIRST_RAISED,
            id="our reading: a normal day breaks the run of 3",
        ),
        pytest.param(
            History(on_antihypertensives=True, bp_readings=(_bp(0, 120, 75),)),
            MET,
            hd.C_DX_ON_TREATMENT,
            id="HTN-2025 §诊断: on antihypertensives → met whatever the BP",
        ),
        pytest.param(
            History(home_bp_mean=(135, 80)),
            CONFIRM,
            hd.C_HOME,
            id="HTN-2020 §诊断: home mean 135 alone → needs confirmation",
        ),
        pytest.param(
            History(home_bp_mean=(134, 84)), NOT_MET, hd.C_DX_THREE_DAYS, id="home 134/84 → not met"
        ),
        pytest.param(
            History(abpm=AbpmMeans(day24=(130, 75))),
            CONFIRM,
            hd.C_ABPM,
            id="HTN-2020 §诊断: ABPM 24 h 130 alone → needs confirmation",
        ),
        pytest.param(
            History(abpm=AbpmMeans(day24=(129, 79))),
            NOT_MET,
            hd.C_DX_THREE_DAYS,
            id="ABPM 24 h 129/79 → not met",
        ),
    ],
)
def test_hypertension(history: History, status: Status, clause: str) -> None:
    c = _criterion(history, Condition.HYPERTENSION)
    assert c.status is status
    assert c.icd10 == "I10"
    assert clause in c.clauses
    assert bool(c.next_steps) is (status is CONFIRM)


def test_same_day_readings_are_averaged_and_shown_once() -> None:
    c = _criterion(History(bp_readings=(_bp(0, 141, 80), _bp(0, 139, 80))), Condition.HYPERTENSION)
    assert c.evidence == (f"{TODAY} 诊室血压 140/80 mmHg（当日2次均值）",)
    assert c.status is CONFIRM


@pytest.mark.parametrize(
    ("readings", "due"),
    [
        pytest.param((_bp(0),), TODAY + dt.timedelta(days=7), id="first raised today → recheck in 7 days"),
        pytest.param(
            (_bp(25), _bp(0)), _day(25) + dt.timedelta(days=28), id="recheck inside the 4-week window"
        ),
    ],
)
def test_hypertension_recheck_due(readings: tuple[BpReading, ...], due: dt.date) -> None:
    c = _criterion(History(bp_readings=readings), Condition.HYPERTENSION)
    (step,) = c.next_steps
    assert step.code == "htn.recheck_bp"
    assert step.due == due


def test_home_and_abpm_support_an_office_diagnosis() -> None:
    h = History(
        bp_readings=(_bp(14), _bp(7), _bp(0)), home_bp_mean=(140, 88), abpm=AbpmMeans(night=(125, 72))
    )
    c = _criterion(h, Condition.HYPERTENSION)
    assert c.status is MET
    assert {hd.C_DX_THREE_DAYS, hd.C_HOME, hd.C_ABPM} <= set(c.clauses)


@pytest.mark.parametrize(
    ("tests", "symptoms", "status"),
    [
        pytest.param(
            (_g(0, K.FPG, 6.9),), True, NOT_MET, id="DM-2022 §诊断: FPG 6.9 with symptoms → not met"
        ),
        pytest.param((_g(0, K.FPG, 7.0),), True, MET, id="DM-2022 §诊断: FPG 7.0 with symptoms → met"),
        pytest.param((_g(0, K.HBA1C, 6.4),), True, NOT_MET, id="DM-2022 §诊断: HbA1c 6.4 → not met"),
        pytest.param((_g(0, K.HBA1C, 6.5),), True, MET, id="DM-2022 §诊断: HbA1c 6.5 with symptoms → met"),
        pytest.param((_g(0, K.RANDOM, 11.0),), True, NOT_MET, id="DM-2022 §诊断: random 11.0 → not met"),
        pytest.param(
            (_g(0, K.RANDOM, 11.1),), True, MET, id="DM-2022 §诊断: random 11.1 with symptoms → met"
        ),
        pytest.param(
            (_g(0, K.OGTT_2H, 11.0),), True, NOT_MET, id="DM-2022 §诊断: OGTT 2 h 11.0 → not met (IGT)"
        ),
        pytest.param(
            (_g(0, K.OGTT_2H, 11.1),), True, MET, id="DM-2022 §诊断: OGTT 2 h 11.1 with symptoms → met"
        ),
        pytest.param((_g(0, K.FPG, 7.0),), False, CONFIRM, id="DM-2022 §诊断: FPG 7.0 alone → confirm"),
        pytest.param(
            (_g(7, K.FPG, 7.0), _g(0, K.FPG, 7.2)), False, MET, id="DM-2022 §诊断: FPG ≥7.0 on two days → met"
        ),
        pytest.param(
            (_g(0, K.FPG, 7.0), _g(0, K.FPG, 7.2)),
            False,
            CONFIRM,
            id="our reading: the same test twice the same day counts once",
        ),
        pytest.param(
            (_g(0, K.FPG, 7.1), _g(0, K.HBA1C, 6.5)),
            False,
            MET,
            id="DM-2022 §诊断: two different tests the same day → met",
        ),
        pytest.param(
            (_g(7, K.RANDOM, 12.0), _g(0, K.RANDOM, 13.0)),
            False,
            CONFIRM,
            id="DM-2022 §诊断: random glucose cannot confirm",
        ),
        pytest.param(
            (_g(7, K.RANDOM, 12.0), _g(0, K.FPG, 7.3)),
            False,
            CONFIRM,
            id="DM-2022 §诊断: random then FPG → still one confirming result",
        ),
    ],
)
def test_diabetes(tests: tuple[GlucoseResult, ...], symptoms: bool, status: Status) -> None:
    c = _criterion(History(glucose_tests=tests, typical_symptoms=symptoms), Condition.DIABETES)
    assert c.status is status
    assert c.icd10 == "E11"
    if status is CONFIRM:
        assert diabetes.C_DX_CONFIRM in c.clauses
        (step,) = c.next_steps
        assert (step.code, step.due) == ("dm.confirm", TODAY + dt.timedelta(days=7))


@pytest.mark.parametrize(
    ("tests", "evidence", "steps"),
    [
        pytest.param((_g(0, K.FPG, 5.5),), (), (), id="DM-2025 §筛查: FPG 5.5 → nothing"),
        pytest.param(
            (_g(0, K.FPG, 5.6),), (), ("dm.ogtt_or_hba1c",), id="DM-2025 §筛查: FPG 5.6 → OGTT/HbA1c"
        ),
        pytest.param(
            (_g(0, K.FPG, 6.1),),
            ("空腹血糖受损（IFG）：6.1 mmol/L",),
            ("dm.ogtt_or_hba1c",),
            id="DM-2022 §糖代谢: FPG 6.1 → IFG and the cue",
        ),
        pytest.param(
            (_g(7, K.FPG, 6.2), _g(0, K.HBA1C, 6.0)),
            ("空腹血糖受损（IFG）：6.2 mmol/L",),
            (),
            id="DM-2025 §筛查: an HbA1c after the FPG → no cue",
        ),
        pytest.param(
            (_g(0, K.OGTT_2H, 7.8),),
            ("糖耐量减低（IGT）：7.8 mmol/L",),
            (),
            id="DM-2022 §糖代谢 [U]: OGTT 2 h 7.8 → IGT",
        ),
    ],
)
def test_diabetes_not_met_details(
    tests: tuple[GlucoseResult, ...], evidence: tuple[str, ...], steps: tuple[str, ...]
) -> None:
    c = _criterion(History(glucose_tests=tests), Condition.DIABETES)
    assert c.status is NOT_MET
    assert c.evidence == evidence
    assert tuple(s.code for s in c.next_steps) == steps


@pytest.mark.parametrize(
    ("panel", "status", "icd"),
    [
        pytest.param(None, NOT_MET, "E78", id="LIPID-2023: no panel → not met, lipid panel"),
        pytest.param(
            LipidPanel(day=TODAY, tc=6.1, ldl=4.0, tg=2.2, hdl=1.3),
            NOT_MET,
            "E78",
            id="LIPID-2023: borderline only",
        ),
        pytest.param(LipidPanel(day=TODAY, tc=6.2), MET, "E78.0", id="LIPID-2023: TC 6.2 → E78.0"),
        pytest.param(
            LipidPanel(day=TODAY, ldl=4.1, tg=1.0), MET, "E78.0", id="LIPID-2023: LDL-C 4.1 → E78.0"
        ),
        pytest.param(LipidPanel(day=TODAY, tg=2.3), MET, "E78.1", id="LIPID-2023: TG 2.3 → E78.1"),
        pytest.param(
            LipidPanel(day=TODAY, tc=6.5, tg=3.0), MET, "E78.2", id="LIPID-2023: TC and TG high → E78.2"
        ),
        pytest.param(
            LipidPanel(day=TODAY, tc=4.0, hdl=0.9), MET, "E78.6", id="LIPID-2023: HDL-C 0.9 only → E78.6"
        ),
        pytest.param(
            LipidPanel(day=TODAY, tg=3.0, hdl=0.9),
            MET,
            "E78.5",
            id="LIPID-2023: TG high with low HDL-C → E78.5",
        ),
        pytest.param(
            LipidPanel(day=TODAY, tc=5.9, hdl=1.0),
            MET,
            "E78.0",
            id="LIPID-2023: non-HDL-C computed TC − HDL-C = 4.9 → high",
        ),
    ],
)
def test_dyslipidaemia(panel: LipidPanel | None, status: Status, icd: str) -> None:
    c = _criterion(History(lipids=panel), Condition.DYSLIPIDAEMIA)
    assert (c.status, c.icd10) == (status, icd)
    if status is MET:
        assert C_DYSLIPIDAEMIA in c.clauses
    if panel is None:
        assert [s.code for s in c.next_steps] == ["lipid.panel"]
        assert lipids.CL_SCREEN in c.clauses


def test_dyslipidaemia_evidence_and_pancreatitis() -> None:
    c = _criterion(History(lipids=LipidPanel(day=TODAY, tg=6.0)), Condition.DYSLIPIDAEMIA)
    assert c.evidence[0] == f"{TODAY} 甘油三酯 6 mmol/L（升高）"
    assert [s.code for s in c.next_steps] == ["lipid.lower_tg_first"]
    assert lipids.CL_TG_PANCREATITIS in c.clauses
    assert "高甘油三酯血症" in c.basis


@pytest.mark.parametrize(
    ("bmi", "waist", "sex", "status"),
    [
        pytest.param(27.9, None, Sex.MALE, NOT_MET, id="WS-T-428: BMI 27.9 → not obese"),
        pytest.param(28.0, None, Sex.MALE, MET, id="WS-T-428: BMI 28 → obese (E66.9)"),
        pytest.param(None, 95.0, Sex.MALE, NOT_MET, id="WS-T-428: central obesity alone → not E66"),
        pytest.param(None, None, Sex.FEMALE, NOT_MET, id="WS-T-428: no BMI → not met"),
    ],
)
def test_obesity(bmi: float | None, waist: float | None, sex: Sex, status: Status) -> None:
    c = _criterion(History(bmi=bmi, waist_cm=waist), Condition.OBESITY, sex=sex)
    assert (c.status, c.icd10) == (status, "E66.9")
    assert weight.CL_BMI in c.clauses
    if waist is not None:
        assert weight.CL_CENTRAL in c.clauses
        assert "中心型肥胖" in c.evidence[-1]


@pytest.mark.parametrize(
    ("results", "status"),
    [
        pytest.param((), NOT_MET, id="COPD-2024: no spirometry → not met"),
        pytest.param(
            (Spirometry(day=TODAY, fev1_fvc=0.70),), NOT_MET, id="COPD-2024: post-BD 0.70 → not met"
        ),
        pytest.param(
            (Spirometry(day=TODAY, fev1_fvc=0.69),), MET, id="COPD-2024: post-BD 0.69 → met (J44.9)"
        ),
        pytest.param(
            (Spirometry(day=TODAY, fev1_fvc=0.65, post_bronchodilator=False),),
            CONFIRM,
            id="COPD-2024: pre-BD 0.65 → needs a post-BD test",
        ),
        pytest.param(
            (Spirometry(day=_day(30), fev1_fvc=0.65), Spirometry(day=TODAY, fev1_fvc=0.72)),
            NOT_MET,
            id="our reading: the latest post-BD result decides",
        ),
    ],
)
def test_copd(results: tuple[Spirometry, ...], status: Status) -> None:
    c = _criterion(History(spirometry=results), Condition.COPD)
    assert (c.status, c.icd10) == (status, "J44.9")
    assert copd.CL_DIAGNOSIS in c.clauses
    assert bool(c.next_steps) is (status is CONFIRM)


@pytest.mark.parametrize(
    ("history", "age", "field"),
    [
        pytest.param(History(), 17, "age", id="age 17 → adult criteria refuse"),
        pytest.param(History(bp_readings=(_bp(-1),)), 50, "bp_readings", id="BP dated tomorrow"),
        pytest.param(
            History(glucose_tests=(_g(-1, K.FPG, 6.0),)), 50, "glucose_tests", id="glucose dated tomorrow"
        ),
        pytest.param(History(bp_readings=(_bp(0, 400, 80),)), 50, "sbp", id="impossible SBP"),
        pytest.param(History(glucose_tests=(_g(0, K.FPG, 99.0),)), 50, "fpg", id="impossible FPG"),
        pytest.param(
            History(spirometry=(Spirometry(day=TODAY, fev1_fvc=1.5),)), 50, "fev1_fvc", id="ratio > 1"
        ),
        pytest.param(History(bmi=200.0), 50, "bmi", id="impossible BMI"),
    ],
)
def test_bad_input(history: History, age: int, field: str) -> None:
    with pytest.raises(RuleError) as e:
        diagnosis.evaluate(history, age=age, sex=Sex.MALE, today=TODAY)
    assert e.value.field == field


def test_age_18_is_accepted() -> None:
    assert len(diagnosis.evaluate(History(), age=18, sex=Sex.FEMALE, today=TODAY)) == len(Condition)


def test_basis_texts_are_data_in_both_languages() -> None:
    from flows.rules import _diagnosis_data as data

    assert all(zh and en for zh, en in data.BASIS.values())
    assert {icd for icd, _, _ in data.LIPID_PATTERNS.values()} == {
        "E78.0",
        "E78.1",
        "E78.2",
        "E78.5",
        "E78.6",
    }
