"""Type 2 diabetes rules (CLINICAL_RULES.md §3): both sides of every threshold."""

from __future__ import annotations

import pytest

from flows.rules import diabetes as d
from flows.rules.base import CLAUSES, RuleError, Severity


@pytest.mark.parametrize(
    ("fpg", "controlled"),
    [
        pytest.param(6.9, True, id="BPHS-2017 §控制满意: FPG 6.9 → controlled"),
        pytest.param(7.0, False, id="BPHS-2017 §控制满意: FPG 7.0 → uncontrolled"),
    ],
)
def test_fpg_control(fpg: float, controlled: bool) -> None:
    assert d.is_fpg_controlled(fpg) is controlled


def test_impossible_glucose_is_refused() -> None:
    with pytest.raises(RuleError):
        d.is_fpg_controlled(99.0)


def _codes(t: d.GlucoseTests, settings: d.DiabetesSettings = d.DEFAULT_SETTINGS) -> set[str]:
    findings = d.diagnosis_findings(t, settings)
    assert all(c in CLAUSES for f in findings for c in f.clauses)
    return {f.code for f in findings}


@pytest.mark.parametrize(
    ("tests", "codes"),
    [
        pytest.param(d.GlucoseTests(fpg=5.5), set(), id="DM-2025 §筛查: FPG 5.5 → nothing"),
        pytest.param(
            d.GlucoseTests(fpg=5.6), {"dm.screen.ogtt_or_hba1c"}, id="DM-2025 §筛查: FPG 5.6 → OGTT/HbA1c cue"
        ),
        pytest.param(
            d.GlucoseTests(fpg=6.0), {"dm.screen.ogtt_or_hba1c"}, id="DM-2022 §糖代谢: FPG 6.0 → not IFG"
        ),
        pytest.param(
            d.GlucoseTests(fpg=6.1),
            {"dm.prediabetes.ifg", "dm.screen.ogtt_or_hba1c"},
            id="DM-2022 §糖代谢: FPG 6.1 → IFG",
        ),
        pytest.param(
            d.GlucoseTests(fpg=6.9),
            {"dm.prediabetes.ifg", "dm.screen.ogtt_or_hba1c"},
            id="DM-2022 §糖代谢: FPG 6.9 → IFG",
        ),
        pytest.param(
            d.GlucoseTests(fpg=7.0, typical_symptoms=True),
            {"dm.dx.diabetic_range"},
            id="DM-2022 §诊断: FPG 7.0 with symptoms → diabetes",
        ),
        pytest.param(
            d.GlucoseTests(fpg=7.0, hba1c=6.4),
            {"dm.dx.confirm"},
            id="DM-2022 §诊断: FPG 7.0 without symptoms → confirm",
        ),
        pytest.param(
            d.GlucoseTests(fpg=7.0, hba1c=6.5),
            {"dm.dx.diabetic_range"},
            id="DM-2022 §诊断: FPG 7.0 and HbA1c 6.5 at once → diabetes",
        ),
        pytest.param(
            d.GlucoseTests(fpg=7.0),
            {"dm.dx.confirm", "dm.screen.ogtt_or_hba1c"},
            id="DM-2022 §诊断: FPG 7.0 alone without symptoms → confirm, OGTT/HbA1c cue",
        ),
        pytest.param(
            d.GlucoseTests(random_glucose=11.0, typical_symptoms=True),
            set(),
            id="DM-2022 §诊断: random 11.0 → nothing",
        ),
        pytest.param(
            d.GlucoseTests(random_glucose=11.1, typical_symptoms=True),
            {"dm.dx.diabetic_range"},
            id="DM-2022 §诊断: random 11.1 with symptoms → diabetes",
        ),
        pytest.param(
            d.GlucoseTests(random_glucose=11.1, hba1c=6.5),
            {"dm.dx.confirm"},
            id="DM-2022 §诊断: random glucose cannot confirm without symptoms",
        ),
        pytest.param(d.GlucoseTests(ogtt_2h=7.7), set(), id="DM-2022 §糖代谢 [U]: OGTT 2 h 7.7 → nothing"),
        pytest.param(
            d.GlucoseTests(ogtt_2h=7.8), {"dm.prediabetes.igt"}, id="DM-2022 §糖代谢 [U]: OGTT 2 h 7.8 → IGT"
        ),
        pytest.param(
            d.GlucoseTests(ogtt_2h=11.0),
            {"dm.prediabetes.igt"},
            id="DM-2022 §糖代谢 [U]: OGTT 2 h 11.0 → IGT",
        ),
        pytest.param(
            d.GlucoseTests(ogtt_2h=11.1, typical_symptoms=True),
            {"dm.dx.diabetic_range"},
            id="DM-2022 §诊断: OGTT 2 h 11.1 → diabetes",
        ),
        pytest.param(d.GlucoseTests(hba1c=6.4), set(), id="DM-2022 §诊断: HbA1c 6.4 → nothing"),
        pytest.param(
            d.GlucoseTests(hba1c=6.5), {"dm.dx.confirm"}, id="DM-2022 §诊断: HbA1c 6.5 alone → confirm"
        ),
    ],
)
def test_diagnosis(tests: d.GlucoseTests, codes: set[str]) -> None:
    assert _codes(tests) == codes


def test_igt_floor_is_a_setting() -> None:
    assert _codes(d.GlucoseTests(ogtt_2h=7.8), d.DiabetesSettings(igt_ogtt_2h_from=8.0)) == set()


S = d.EmergencySymptom


@pytest.mark.parametrize(
    ("glucose", "sbp", "dbp", "symptoms", "emergency"),
    [
        pytest.param(16.6, None, None, frozenset(), False, id="BPHS-2017 §紧急转诊: glucose 16.6 → none"),
        pytest.param(16.7, None, None, frozenset(), True, id="BPHS-2017 §紧急转诊: glucose 16.7 → emergency"),
        pytest.param(4.0, None, None, frozenset(), False, id="BPHS-2017 §紧急转诊: glucose 4.0 → none"),
        pytest.param(3.9, None, None, frozenset(), True, id="BPHS-2017 §紧急转诊: glucose 3.9 → emergency"),
        pytest.param(None, 179, 109, frozenset(), False, id="BPHS-2017 §紧急转诊: 179/109 → none"),
        pytest.param(None, 180, 90, frozenset(), True, id="BPHS-2017 §紧急转诊: SBP 180 → emergency"),
        pytest.param(None, 150, 110, frozenset(), True, id="BPHS-2017 §紧急转诊: DBP 110 → emergency"),
        pytest.param(
            8.0,
            None,
            None,
            frozenset({S.ACETONE_BREATH}),
            True,
            id="BPHS-2017 §紧急转诊: acetone breath → emergency",
        ),
    ],
)
def test_emergency(
    glucose: float | None,
    sbp: int | None,
    dbp: int | None,
    symptoms: frozenset[d.EmergencySymptom],
    emergency: bool,
) -> None:
    finding = d.emergency_finding(glucose, sbp, dbp, symptoms)
    assert (finding is not None) is emergency
    if finding is not None:
        assert finding.severity is Severity.EMERGENCY
        assert d.C_EMERGENCY in finding.clauses


def test_impossible_bp_in_emergency_is_refused() -> None:
    with pytest.raises(RuleError):
        d.emergency_finding(sbp=400)


def test_pregnancy_emergency_is_a_setting() -> None:
    symptoms = frozenset({S.PREGNANT_OR_LACTATING_WITH_RAISED_GLUCOSE})
    on = d.emergency_finding(symptoms=symptoms)
    assert on is not None
    assert d.C_EMERGENCY_PREGNANCY in on.clauses
    off = d.DiabetesSettings(pregnancy_raised_glucose_is_emergency=False)
    assert d.emergency_finding(symptoms=symptoms, settings=off) is None


def _target(code: str, sex: str | None = None, note: str = "") -> d.Target:
    return next(
        t for t in d.CLINICAL_TARGETS if t.code == code and t.sex == sex and (not note or t.note == note)
    )


@pytest.mark.parametrize(
    ("target", "value", "met"),
    [
        pytest.param(
            _target("capillary_fpg"), 4.3, False, id="DM-2022 §目标: capillary FPG 4.3 → below range"
        ),
        pytest.param(_target("capillary_fpg"), 4.4, True, id="DM-2022 §目标: capillary FPG 4.4 → met"),
        pytest.param(_target("capillary_fpg"), 7.0, True, id="DM-2022 §目标: capillary FPG 7.0 → met"),
        pytest.param(_target("capillary_fpg"), 7.1, False, id="DM-2022 §目标: capillary FPG 7.1 → above"),
        pytest.param(_target("hba1c"), 6.9, True, id="DM-2022 §目标: HbA1c 6.9 → met"),
        pytest.param(_target("hba1c"), 7.0, False, id="DM-2022 §目标: HbA1c 7.0 → not met"),
        pytest.param(_target("hdl", "female"), 1.3, False, id="DM-2022 §目标: HDL 1.3 woman → not met"),
        pytest.param(_target("hdl", "male"), 1.1, True, id="DM-2022 §目标: HDL 1.1 man → met"),
        pytest.param(_target("ldl", note="with ASCVD"), 1.8, False, id="DM-2022 §目标: LDL 1.8 with ASCVD"),
        pytest.param(_target("activity"), 150, True, id="DM-2022 §目标: activity 150 min → met"),
    ],
)
def test_clinical_targets(target: d.Target, value: float, met: bool) -> None:
    assert target.met(value) is met
