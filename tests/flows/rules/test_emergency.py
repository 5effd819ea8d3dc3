"""The visit's one emergency check (BPHS-2017 紧急转诊, CLINICAL_RULES.md §2 and §3): every value and symptom."""

from __future__ import annotations

from collections.abc import Collection, Mapping

import pytest

from flows.model import Condition
from flows.rules import diabetes, emergency, hypertension
from flows.rules.base import CLAUSES, Confidence, Finding, RuleError, Severity
from flows.rules.emergency import EmergencySymptom as S

DM = (Condition.DIABETES,)


def _check(
    measurements: Mapping[str, float] | None = None,
    *,
    symptoms: Collection[str] = (),
    conditions: Collection[Condition] = (),
    pregnant: bool = False,
    settings: emergency.EmergencySettings | None = None,
    diabetes_settings: diabetes.DiabetesSettings | None = None,
) -> dict[str, Finding]:
    found = emergency.check_emergency(
        measurements=measurements or {},
        symptoms=symptoms,
        conditions=conditions,
        pregnant_or_lactating=pregnant,
        settings=settings,
        diabetes_settings=diabetes_settings,
    )
    assert all(f.severity is Severity.EMERGENCY for f in found)
    assert all(c in CLAUSES for f in found for c in f.clauses)
    return {f.code: f for f in found}


@pytest.mark.parametrize(
    ("measurements", "conditions", "codes"),
    [
        pytest.param({"sbp": 179, "dbp": 109}, (), set(), id="BPHS-2017 §紧急转诊: 179/109 → none"),
        pytest.param(
            {"sbp": 180, "dbp": 100}, (), {"htn.emergency"}, id="BPHS-2017 §紧急转诊: SBP 180 → emergency"
        ),
        pytest.param(
            {"sbp": 150, "dbp": 110}, (), {"htn.emergency"}, id="BPHS-2017 §紧急转诊: DBP 110 → emergency"
        ),
        pytest.param(
            {"sbp": 179.5, "dbp": 100},
            (),
            {"htn.emergency"},
            id="BPHS-2017 §紧急转诊: mean 179.5 rounds to 180",
        ),
        pytest.param(
            {"sbp": 185, "dbp": 95},
            DM,
            {"htn.emergency"},
            id="BPHS-2017 §紧急转诊: BP judged once, for a diabetic too",
        ),
        pytest.param({"fpg": 16.6}, (), set(), id="BPHS-2017 §紧急转诊: FPG 16.6 → none"),
        pytest.param(
            {"fpg": 16.7}, (), {"dm.emergency"}, id="BPHS-2017 §紧急转诊: FPG 16.7 → emergency, anyone"
        ),
        pytest.param(
            {"random_glucose": 16.7},
            (),
            {"dm.emergency"},
            id="BPHS-2017 §紧急转诊: random glucose 16.7 → emergency",
        ),
        pytest.param({"glucose": 4.0}, DM, set(), id="BPHS-2017 §紧急转诊: glucose 4.0 → none"),
        pytest.param(
            {"glucose": 3.9}, (), {"dm.emergency"}, id="BPHS-2017 §紧急转诊: glucose 3.9 → emergency, anyone"
        ),
        pytest.param({"pulse": 100}, DM, set(), id="BPHS-2017 §紧急转诊: diabetic, pulse 100 → none"),
        pytest.param(
            {"pulse": 101}, DM, {"dm.emergency"}, id="BPHS-2017 §紧急转诊: diabetic, pulse 101 → emergency"
        ),
        pytest.param(
            {"pulse": 130}, (), set(), id="our reading: pulse 130 without diabetes → not a DM emergency"
        ),
        pytest.param(
            {"pulse": 101, "fpg": 5.0}, (), set(), id="our reading: pulse 101, normal FPG, no diabetes → none"
        ),
        pytest.param(
            {"pulse": 101, "fpg": 7.0},
            (),
            {"dm.emergency"},
            id="our reading: pulse 101 with FPG 7.0 (diabetic range) → emergency",
        ),
        pytest.param(
            {"pulse": 101, "random_glucose": 11.0},
            (),
            set(),
            id="our reading: random glucose 11.0 → list not applied",
        ),
        pytest.param(
            {"pulse": 101, "random_glucose": 11.1},
            (),
            {"dm.emergency"},
            id="our reading: random glucose 11.1 → list applied",
        ),
        pytest.param({"temperature": 39.0}, DM, set(), id="BPHS-2017 §紧急转诊: diabetic, 39.0 °C → none"),
        pytest.param(
            {"temperature": 39.1},
            DM,
            {"dm.emergency"},
            id="BPHS-2017 §紧急转诊: diabetic, 39.1 °C → emergency",
        ),
        pytest.param({"temperature": 40.0}, (), set(), id="our reading: 40 °C without diabetes → none"),
        pytest.param({"weight": 300.0, "uacr": 5.0}, DM, set(), id="other codes are ignored"),
        pytest.param({}, DM, set(), id="nothing measured → none"),
    ],
)
def test_values(measurements: dict[str, float], conditions: tuple[Condition, ...], codes: set[str]) -> None:
    assert set(_check(measurements, conditions=conditions)) == codes


def test_bp_clause_and_glucose_clause() -> None:
    assert _check({"sbp": 190, "dbp": 100})["htn.emergency"].clauses == (hypertension.C_EMERGENCY,)
    dm = _check({"fpg": 20.0})["dm.emergency"]
    assert dm.clauses == (diabetes.C_EMERGENCY,)
    assert dm.values["glucose"] == 20.0


def test_most_extreme_glucose_speaks() -> None:
    dm = _check({"fpg": 3.5, "random_glucose": 8.0})["dm.emergency"]
    assert dm.values["glucose"] == 3.5
    dm = _check({"fpg": 6.0, "random_glucose": 18.0})["dm.emergency"]
    assert dm.values["glucose"] == 18.0


# Symptoms of the hypertension list apply to everyone; the diabetes-only ones to residents with diabetes.
BOTH = {"htn.emergency", "dm.emergency"}


@pytest.mark.parametrize(
    ("symptom", "without_dm", "with_dm"),
    [
        pytest.param(S.ALTERED_CONSCIOUSNESS, {"htn.emergency"}, BOTH, id="紧急转诊: 意识改变"),
        pytest.param(S.ALTERED_BEHAVIOUR, set(), {"dm.emergency"}, id="紧急转诊: 行为改变 (DM list)"),
        pytest.param(
            S.SEVERE_HEADACHE_OR_DIZZINESS,
            {"htn.emergency"},
            {"htn.emergency"},
            id="紧急转诊: 剧烈头痛或头晕",
        ),
        pytest.param(S.NAUSEA_OR_VOMITING, {"htn.emergency"}, BOTH, id="紧急转诊: 恶心呕吐"),
        pytest.param(S.ANOREXIA, set(), {"dm.emergency"}, id="紧急转诊: 食欲减退 (DM list)"),
        pytest.param(S.BLURRED_VISION_OR_EYE_PAIN, {"htn.emergency"}, BOTH, id="紧急转诊: 视力模糊、眼痛"),
        pytest.param(S.PALPITATIONS, {"htn.emergency"}, BOTH, id="紧急转诊: 心悸"),
        pytest.param(S.CHEST_TIGHTNESS, {"htn.emergency"}, {"htn.emergency"}, id="紧急转诊: 胸闷"),
        pytest.param(S.ORTHOPNOEA, {"htn.emergency"}, {"htn.emergency"}, id="紧急转诊: 喘憋不能平卧"),
        pytest.param(S.SWEATING, set(), {"dm.emergency"}, id="紧急转诊: 出汗 (DM list)"),
        pytest.param(S.ACETONE_BREATH, set(), {"dm.emergency"}, id="紧急转诊: 烂苹果样丙酮味 (DM list)"),
        pytest.param(S.POLYDIPSIA_POLYURIA, set(), {"dm.emergency"}, id="紧急转诊: 多饮多尿 (DM list)"),
        pytest.param(S.ABDOMINAL_PAIN, set(), {"dm.emergency"}, id="紧急转诊: 腹痛 (DM list)"),
        pytest.param(
            S.DEEP_RAPID_BREATHING_FLUSHED,
            set(),
            {"dm.emergency"},
            id="紧急转诊: 深大呼吸、皮肤潮红 (DM list)",
        ),
        pytest.param(
            S.PERSISTENT_HEART_RATE_OVER_100, set(), {"dm.emergency"}, id="紧急转诊: 持续心动过速 (DM list)"
        ),
        pytest.param(S.TEMPERATURE_OVER_39, set(), {"dm.emergency"}, id="紧急转诊: 体温>39 °C (DM list)"),
        pytest.param(S.BEYOND_FACILITY, {"htn.emergency"}, BOTH, id="紧急转诊: 其他无法处理的情况"),
    ],
)
def test_each_symptom(symptom: emergency.EmergencySymptom, without_dm: set[str], with_dm: set[str]) -> None:
    assert set(_check(symptoms=[symptom.value])) == without_dm
    assert set(_check(symptoms=[symptom.value], conditions=DM)) == with_dm


def test_every_symptom_is_tested_and_labelled() -> None:
    assert set(emergency.SYMPTOMS) == set(S)
    assert all(zh and en and (h or d) for zh, en, h, d in emergency.SYMPTOMS.values())
    # Every item of both lists is reachable from some code (the pregnancy items come from the flag).
    htn = {h for _, _, h, _ in emergency.SYMPTOMS.values() if h}
    dm = {d for _, _, _, d in emergency.SYMPTOMS.values() if d}
    assert htn == set(hypertension.EmergencySymptom) - {
        hypertension.EmergencySymptom.PREGNANT_OR_LACTATING_WITH_RAISED_BP
    }
    assert dm == set(diabetes.EmergencySymptom) - {
        diabetes.EmergencySymptom.PREGNANT_OR_LACTATING_WITH_RAISED_GLUCOSE
    }


def test_dm_signs_through_a_diabetic_range_glucose_cite_our_reading() -> None:
    dm = _check({"fpg": 7.2, "pulse": 110})["dm.emergency"]
    assert emergency.C_DM_SCOPE in dm.clauses
    assert dm.values["pulse"] == 110
    assert emergency.C_DM_SCOPE not in _check({"pulse": 110}, conditions=DM)["dm.emergency"].clauses
    assert CLAUSES[emergency.C_DM_SCOPE].confidence is Confidence.U


@pytest.mark.parametrize(
    ("symptoms", "field"),
    [
        pytest.param(["chest_pain"], "symptoms", id="unknown symptom code"),
        pytest.param(
            ["pregnant_or_lactating_with_raised_bp"], "symptoms", id="pregnancy is a flag, not a code"
        ),
        pytest.param("palpitations", "symptoms", id="one string instead of a collection"),
    ],
)
def test_bad_symptoms(symptoms: Collection[str], field: str) -> None:
    with pytest.raises(RuleError) as e:
        _check(symptoms=symptoms)
    assert e.value.field == field


@pytest.mark.parametrize(
    ("measurements", "field"),
    [
        pytest.param({"sbp": 400, "dbp": 80}, "sbp", id="impossible SBP"),
        pytest.param({"sbp": float("nan"), "dbp": 80}, "sbp", id="SBP not a number"),
        pytest.param({"fpg": 99.0}, "fpg", id="impossible glucose"),
        pytest.param({"pulse": 500}, "pulse", id="impossible pulse"),
        pytest.param({"temperature": 50}, "temperature", id="impossible temperature"),
    ],
)
def test_bad_values(measurements: dict[str, float], field: str) -> None:
    with pytest.raises(RuleError) as e:
        _check(measurements)
    assert e.value.field == field


@pytest.mark.parametrize(
    ("measurements", "codes"),
    [
        pytest.param({"sbp": 139, "dbp": 89}, set(), id="[U] pregnant, 139/89 → none"),
        pytest.param({"sbp": 140, "dbp": 80}, {"htn.emergency"}, id="[U] pregnant, SBP 140 → emergency"),
        pytest.param({"sbp": 130, "dbp": 90}, {"htn.emergency"}, id="[U] pregnant, DBP 90 → emergency"),
        pytest.param({"fpg": 6.0}, set(), id="[U] pregnant, FPG 6.0 → none"),
        pytest.param({"fpg": 6.1}, {"dm.emergency"}, id="[U] pregnant, FPG 6.1 → emergency"),
        pytest.param({"random_glucose": 7.7}, set(), id="[U] pregnant, random 7.7 → none"),
        pytest.param({"random_glucose": 7.8}, {"dm.emergency"}, id="[U] pregnant, random 7.8 → emergency"),
    ],
)
def test_pregnancy(measurements: dict[str, float], codes: set[str]) -> None:
    found = _check(measurements, pregnant=True)
    assert set(found) == codes
    if "htn.emergency" in found:
        assert emergency.C_PREGNANCY_BP in found["htn.emergency"].clauses
    if "dm.emergency" in found:
        assert emergency.C_PREGNANCY_GLUCOSE in found["dm.emergency"].clauses
        assert diabetes.C_EMERGENCY_PREGNANCY in found["dm.emergency"].clauses
    assert set(_check(measurements, pregnant=False)) == set()


def test_pregnancy_thresholds_are_settings() -> None:
    loose = emergency.EmergencySettings(pregnancy_bp_sbp_from=150, pregnancy_fpg_from=7.0)
    assert _check({"sbp": 145, "dbp": 80, "fpg": 6.5}, pregnant=True, settings=loose) == {}
    off = diabetes.DiabetesSettings(pregnancy_raised_glucose_is_emergency=False)
    assert _check({"fpg": 6.5}, pregnant=True, diabetes_settings=off) == {}
    assert CLAUSES[emergency.C_PREGNANCY_BP].confidence is Confidence.U
    assert CLAUSES[emergency.C_PREGNANCY_GLUCOSE].confidence is Confidence.U


@pytest.mark.parametrize(
    ("measurements", "symptoms", "conditions", "needed"),
    [
        pytest.param(
            {}, [S.ACETONE_BREATH], (), True, id="acetone breath, no diabetes, no glucose → measure now"
        ),
        pytest.param({}, [S.ACETONE_BREATH], DM, False, id="diabetic: the emergency itself, no warning"),
        pytest.param({"fpg": 5.0}, [S.ACETONE_BREATH], (), False, id="glucose already measured → no warning"),
        pytest.param({}, [S.PALPITATIONS], (), False, id="a sign of the HTN list → no warning"),
        pytest.param({}, [], (), False, id="nothing → no warning"),
    ],
)
def test_glucose_needed(
    measurements: dict[str, float], symptoms: list[str], conditions: tuple[Condition, ...], needed: bool
) -> None:
    found = emergency.glucose_needed(measurements=measurements, symptoms=symptoms, conditions=conditions)
    assert (found is not None) is needed
    if found is not None:
        assert found.severity is Severity.WARNING
        assert found.clauses == (diabetes.C_EMERGENCY, emergency.C_DM_SCOPE)
