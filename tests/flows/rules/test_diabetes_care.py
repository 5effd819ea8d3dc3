"""Diabetes programme cadence, complication screening schedule and follow-up form options (CLINICAL_RULES.md §3)."""

from __future__ import annotations

import datetime as dt

import pytest

from flows.rules import diabetes_care as dc
from flows.rules.base import CLAUSES, Confidence, NextStep, RuleError
from flows.rules.diabetes import DiabetesSettings

TODAY = dt.date(2026, 3, 10)
C = dc.ComplicationCheck


@pytest.mark.parametrize(
    ("last", "due"),
    [
        pytest.param(None, TODAY, id="BPHS-2017 §筛查: high risk, never tested → FPG today"),
        pytest.param(
            dt.date(2025, 9, 1), dt.date(2026, 9, 1), id="BPHS-2017 §筛查: tested 6 months ago → in a year"
        ),
        pytest.param(dt.date(2025, 3, 10), TODAY, id="BPHS-2017 §筛查: tested a year ago → today"),
        pytest.param(dt.date(2024, 1, 1), TODAY, id="BPHS-2017 §筛查: overdue → today"),
    ],
)
def test_next_high_risk_fpg(last: dt.date | None, due: dt.date) -> None:
    step = dc.next_high_risk_fpg(last, TODAY)
    assert step.due == due
    assert step.clauses == (dc.C_HIGH_RISK_FPG,)


def test_next_high_risk_fpg_refuses_future_date() -> None:
    with pytest.raises(RuleError) as e:
        dc.next_high_risk_fpg(TODAY + dt.timedelta(days=1), TODAY)
    assert e.value.field == "last_fpg"


@pytest.mark.parametrize(
    ("fpg", "visits", "codes"),
    [
        pytest.param(4, 4, set(), id="BPHS-2017 §服务要求: 4 FPG and 4 visits → nothing missing"),
        pytest.param(
            3, 4, {"dm.programme.fpg_tests_missing"}, id="BPHS-2017 §服务要求: 3 FPG tests → one missing"
        ),
        pytest.param(
            4,
            3,
            {"dm.programme.face_to_face_followups_missing"},
            id="BPHS-2017 §服务要求: 3 face-to-face follow-ups → one missing",
        ),
        pytest.param(6, 5, set(), id="BPHS-2017 §服务要求: more than required → nothing missing"),
    ],
)
def test_managed_year_shortfall(fpg: int, visits: int, codes: set[str]) -> None:
    found = dc.managed_year_shortfall(fpg_tests=fpg, face_to_face_followups=visits)
    assert {f.code for f in found} == codes
    assert all(f.clauses == (dc.C_MANAGED,) for f in found)


def test_managed_year_shortfall_refuses_negative_counts() -> None:
    with pytest.raises(RuleError) as e:
        dc.managed_year_shortfall(fpg_tests=-1, face_to_face_followups=0)
    assert e.value.field == "fpg_tests"


def _due(steps: tuple[NextStep, ...], check: dc.ComplicationCheck) -> dt.date | None:
    return next(s.due for s in steps if s.code == f"dm.check.{check.value}")


@pytest.mark.parametrize(
    ("check", "last", "controlled", "due"),
    [
        pytest.param(C.FUNDUS, None, True, TODAY, id="DM-2022 [U]: fundus never done → today"),
        pytest.param(
            C.FOOT, dt.date(2025, 6, 1), True, dt.date(2026, 6, 1), id="DM-2022 [U]: foot yearly → next June"
        ),
        pytest.param(
            C.KIDNEY, dt.date(2025, 3, 10), True, TODAY, id="DM-2022 [U]: UACR/eGFR a year ago → today"
        ),
        pytest.param(
            C.HBA1C,
            dt.date(2026, 1, 10),
            False,
            dt.date(2026, 4, 10),
            id="DM-2022 [U]: HbA1c uncontrolled → every 3 months",
        ),
        pytest.param(
            C.HBA1C,
            dt.date(2026, 1, 10),
            True,
            dt.date(2026, 7, 10),
            id="DM-2022 [U]: HbA1c controlled → every 6 months",
        ),
    ],
)
def test_complication_schedule(
    check: dc.ComplicationCheck, last: dt.date | None, controlled: bool, due: dt.date
) -> None:
    steps = dc.complication_schedule({check: last}, today=TODAY, hba1c_controlled=controlled)
    assert [s.code for s in steps] == [f"dm.check.{c.value}" for c in C]
    assert _due(steps, check) == due
    expected = dc.C_HBA1C_INTERVAL if check is C.HBA1C else dc.C_COMPLICATIONS
    assert next(s for s in steps if s.code == f"dm.check.{check.value}").clauses == (expected,)


def test_complication_intervals_are_settings() -> None:
    s = DiabetesSettings(complication_interval_months=6, hba1c_controlled_months=4)
    steps = dc.complication_schedule(
        {C.ECG: dt.date(2026, 1, 10), C.HBA1C: dt.date(2026, 1, 10)},
        today=TODAY,
        hba1c_controlled=True,
        settings=s,
    )
    assert _due(steps, C.ECG) == dt.date(2026, 7, 10)
    assert _due(steps, C.HBA1C) == dt.date(2026, 5, 10)
    assert CLAUSES[dc.C_COMPLICATIONS].confidence is Confidence.U


@pytest.mark.parametrize(
    ("last_done", "field"),
    [
        pytest.param({"teeth": None}, "last_done", id="unknown check"),
        pytest.param({C.ECG: TODAY + dt.timedelta(days=1)}, "last_done.ecg", id="done in the future"),
    ],
)
def test_complication_schedule_bad_input(
    last_done: dict[dc.ComplicationCheck, dt.date | None], field: str
) -> None:
    with pytest.raises(RuleError) as e:
        dc.complication_schedule(last_done, today=TODAY, hba1c_controlled=True)
    assert e.value.field == field


S = dc.FormSymptom


@pytest.mark.parametrize(
    ("symptoms", "ok"),
    [
        pytest.param(frozenset({S.NONE}), True, id="BPHS-2017 form: 无症状 alone"),
        pytest.param(frozenset({S.POLYDIPSIA, S.POLYURIA}), True, id="BPHS-2017 form: 多饮 and 多尿"),
        pytest.param(
            frozenset({S.NONE, S.INFECTION}), False, id="BPHS-2017 form: 无症状 with another → refused"
        ),
        pytest.param(frozenset(), False, id="BPHS-2017 form: nothing ticked → refused"),
    ],
)
def test_form_symptoms(symptoms: frozenset[dc.FormSymptom], ok: bool) -> None:
    if ok:
        dc.check_form_symptoms(symptoms)
    else:
        with pytest.raises(RuleError) as e:
            dc.check_form_symptoms(symptoms)
        assert e.value.field == "symptoms"


@pytest.mark.parametrize(
    ("pulse", "side", "ok"),
    [
        pytest.param(dc.PedalPulse.NORMAL, None, True, id="BPHS-2017 form: 触及正常, no side"),
        pytest.param(
            dc.PedalPulse.NORMAL, dc.Side.LEFT, False, id="BPHS-2017 form: 触及正常 with a side → refused"
        ),
        pytest.param(dc.PedalPulse.WEAKENED, dc.Side.BOTH, True, id="BPHS-2017 form: 减弱 双侧"),
        pytest.param(dc.PedalPulse.ABSENT, dc.Side.RIGHT, True, id="BPHS-2017 form: 消失 右侧"),
        pytest.param(dc.PedalPulse.ABSENT, None, False, id="BPHS-2017 form: 消失 without a side → refused"),
    ],
)
def test_pedal_pulse(pulse: dc.PedalPulse, side: dc.Side | None, ok: bool) -> None:
    if ok:
        dc.check_pedal_pulse(pulse, side)
    else:
        with pytest.raises(RuleError) as e:
            dc.check_pedal_pulse(pulse, side)
        assert e.value.field == "dorsalis_pedis_side"


def test_form_labels_cover_every_option() -> None:
    assert list(dc.SYMPTOM_LABELS) == list(dc.FormSymptom)
    assert list(dc.PEDAL_PULSE_LABELS) == list(dc.PedalPulse)
    assert list(dc.SIDE_LABELS) == list(dc.Side)
    assert list(dc.HYPOGLYCAEMIA_LABELS) == list(dc.Hypoglycaemia)
    assert [zh for zh, _ in dc.HYPOGLYCAEMIA_LABELS.values()] == ["无", "偶尔", "频繁"]
    assert [zh for zh, _ in dc.SYMPTOM_LABELS.values()][:4] == ["无症状", "多饮", "多食", "多尿"]
    assert [zh for zh, _ in dc.PEDAL_PULSE_LABELS.values()] == ["触及正常", "减弱", "消失"]
    assert set(dc.COMPLICATION_LABELS) == set(dc.ComplicationCheck)
    assert CLAUSES[dc.C_FORM].confidence is Confidence.V
    assert CLAUSES[dc.C_FORM_HYPO].confidence is Confidence.V2


def test_every_clause_but_the_form_options_is_cited_by_a_result() -> None:
    ids = {v for k, v in vars(dc).items() if k.startswith("C_")}
    assert len(ids) == 6
    cited = set(dc.next_high_risk_fpg(None, TODAY).clauses)
    cited.update(
        c for f in dc.managed_year_shortfall(fpg_tests=0, face_to_face_followups=0) for c in f.clauses
    )
    cited.update(
        c for s in dc.complication_schedule({}, today=TODAY, hba1c_controlled=True) for c in s.clauses
    )
    # The form's option sets are data (labels for the TUI): their clauses document them and no result cites them.
    assert ids - cited == {dc.C_FORM, dc.C_FORM_HYPO}
    assert all(c in CLAUSES for c in cited)
