"""The rules' findings in the desk's words: titles by finding code, symptoms, values with units, clauses.

A Finding's `summary` is a plain English line for API readers; the desk shows the code's title in the active
language, the values that led to it, and the clause ids behind it (CLINICAL_RULES.md). A code this table does
not know yet is shown by its summary, so a new rule is never hidden.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from flows.rules.base import Clause, Finding, NextStep, Severity
from tui.i18n import N_, _
from tui.widgets import readings_fields

SEVERITY: Final = {
    Severity.EMERGENCY: ("‼", N_("EMERGENCY")),
    Severity.WARNING: ("!", N_("attention today")),
    Severity.ADVICE: ("›", N_("advice")),
    Severity.INFO: ("·", N_("for information")),
}

# The symptom codes of flows.rules.emergency (what the nurse ticks), then the two lists' own item codes
# (hypertension's and diabetes's, as an emergency finding's `symptoms` value names them).
SYMPTOMS: Final = {
    "altered_consciousness": N_("altered consciousness"),
    "altered_behaviour": N_("altered behaviour"),
    "severe_headache_or_dizziness": N_("severe headache or dizziness"),
    "nausea_or_vomiting": N_("nausea or vomiting"),
    "anorexia": N_("loss of appetite"),
    "blurred_vision_or_eye_pain": N_("blurred vision or eye pain"),
    "palpitations": N_("palpitations"),
    "chest_tightness": N_("chest tightness"),
    "orthopnoea": N_("breathless, cannot lie flat"),
    "sweating": N_("sweating"),
    "acetone_breath": N_("acetone (rotten-apple) breath"),
    "polydipsia_polyuria": N_("polydipsia, polyuria"),
    "abdominal_pain": N_("abdominal pain"),
    "deep_rapid_breathing_flushed": N_("deep rapid breathing, flushed skin"),
    "persistent_heart_rate_over_100": N_("persistent heart rate >100/min"),
    "temperature_over_39": N_("temperature over 39 °C"),
    "beyond_facility": N_("another condition this facility cannot handle"),
}
TICKABLE: Final = tuple(SYMPTOMS)  # in the order of the emergency lists
_LIST_ITEMS: Final = {
    "palpitations_chest_tightness_orthopnoea": N_("palpitations, chest tightness or breathless lying flat"),
    "pregnant_or_lactating_with_raised_bp": N_("pregnant or breast-feeding with raised BP"),
    "altered_consciousness_or_behaviour": N_("altered consciousness or behaviour"),
    "palpitations_sweating": N_("palpitations or sweating"),
    "anorexia_nausea_vomiting": N_("loss of appetite, nausea or vomiting"),
    "pregnant_or_lactating_with_raised_glucose": N_("pregnant or breast-feeding with raised glucose"),
}

_TITLES: Final = {
    "htn.emergency": N_("Hypertension emergency: refer at once"),
    "dm.emergency": N_("Diabetic emergency: refer at once"),
    "emergency.glucose_needed": N_("Sign of a diabetic emergency: measure glucose now"),
    "htn.grade.normal": N_("Blood pressure normal"),
    "htn.grade.high_normal": N_("Blood pressure high-normal"),
    "htn.grade.grade_1": N_("Blood pressure in the grade 1 hypertension range"),
    "htn.grade.grade_2": N_("Blood pressure in the grade 2 hypertension range"),
    "htn.grade.grade_3": N_("Blood pressure in the grade 3 hypertension range"),
    "htn.high_risk": N_("Hypertension high-risk group"),
    "weight.bmi.underweight": N_("BMI: underweight"),
    "weight.bmi.normal": N_("BMI: normal weight"),
    "weight.bmi.overweight": N_("BMI: overweight"),
    "weight.bmi.obese": N_("BMI: obese"),
    "weight.waist.normal": N_("Waist: normal"),
    "weight.waist.pre_central": N_("Waist: pre-central obesity"),
    "weight.waist.central": N_("Waist: central obesity"),
    "weight.body_fat.high": N_("Body fat: high"),
    "weight.body_fat.normal": N_("Body fat: normal"),
    "lipid.tg.pancreatitis_risk": N_("Triglycerides: risk of pancreatitis"),
    "dm.dx.diabetic_range": N_("Glucose in the diabetic range"),
    "dm.dx.confirm": N_("Diabetic-range result: confirm on another day"),
    "dm.prediabetes.ifg": N_("Prediabetes: impaired fasting glucose"),
    "dm.prediabetes.igt": N_("Prediabetes: impaired glucose tolerance"),
    "dm.screen.ogtt_or_hba1c": N_("Fasting glucose raised: OGTT or HbA1c"),
    "copd.airflow_limitation": N_("Airflow limitation (FEV1/FVC below 0.7)"),
    "cdrs.high_risk": N_("Diabetes risk score: high risk"),
    "cdrs.low_risk": N_("Diabetes risk score: low risk"),
    "copd.sq.high_risk": N_("COPD questionnaire: high risk"),
    "copd.sq.low_risk": N_("COPD questionnaire: low risk"),
    "stroke.risk.high": N_("Stroke risk: high"),
    "stroke.risk.medium": N_("Stroke risk: medium"),
    "stroke.risk.low": N_("Stroke risk: low"),
    "tcm.undetermined": N_("TCM constitution: not determined, check the answers"),
}
_STEPS: Final = {
    "htn.recheck_bp": N_("Recheck blood pressure"),
    "htn.screen.yearly": N_("Blood pressure screening every year"),
    "htn.screen.six_months": N_("Blood pressure every six months"),
    "lipid.panel": N_("Lipid panel"),
    "lipid.screen": N_("Next lipid screening"),
    "dm.diagnosis": N_("Diabetes criteria met: to the doctor"),
    "dm.confirm": N_("Confirm the glucose result on another day"),
    "dm.ogtt_or_hba1c": N_("OGTT or HbA1c"),
    "dm.ogtt": N_("Oral glucose tolerance test (OGTT)"),
    "dm.screen.fpg_yearly": N_("Fasting glucose every year"),
    "dm.glucose_now": N_("Measure glucose now"),
    "copd.post_bronchodilator": N_("Spirometry after a bronchodilator"),
    "copd.spirometry": N_("Spirometry (lung function test)"),
    "tcm.reassess": N_("TCM constitution assessment again in a year"),
}
_LIPIDS: Final = frozenset({"tc", "ldl", "hdl", "non_hdl", "tg"})
LEVELS: Final = {
    "ideal": N_("ideal"),
    "suitable": N_("suitable"),
    "borderline_high": N_("borderline high"),
    "high": N_("raised"),
    "low": N_("reduced"),
    "not_low": N_("not reduced"),
}
CONSTITUTIONS: Final = {
    "qixu": N_("qi deficiency"),
    "yangxu": N_("yang deficiency"),
    "yinxu": N_("yin deficiency"),
    "tanshi": N_("phlegm-dampness"),
    "shire": N_("damp-heat"),
    "xueyu": N_("blood stasis"),
    "qiyu": N_("qi stagnation"),
    "tebing": N_("special constitution"),
    "pinghe": N_("balanced constitution"),
}
VERDICTS: Final = {
    "yes": N_("yes"),
    "tendency": N_("tending to"),
    "basically": N_("basically"),
    "no": N_("no"),
}
_KEYS: Final = {"waist_cm": "waist", "body_fat_percent": "body_fat"}


def title(finding: Finding) -> str:
    """The finding's name in the active language (its English summary when the code is new to the desk)."""
    code = finding.code
    if code in _TITLES:
        return _(_TITLES[code])
    parts = code.split(".")
    if len(parts) == 3 and parts[0] == "lipid" and parts[1] in _LIPIDS and parts[2] in LEVELS:
        return f"{readings_fields.name(parts[1])}: {_(LEVELS[parts[2]])}"
    if len(parts) == 3 and parts[0] == "tcm" and parts[1] in CONSTITUTIONS and parts[2] in VERDICTS:
        return _("TCM constitution {name}: {verdict}").format(
            name=_(CONSTITUTIONS[parts[1]]), verdict=_(VERDICTS[parts[2]])
        )
    return finding.summary


def step_title(step: NextStep) -> str:
    return _(_STEPS[step.code]) if step.code in _STEPS else step.summary


def symptom(code: str) -> str:
    msgid = SYMPTOMS.get(code) or _LIST_ITEMS.get(code)
    return _(msgid) if msgid else code


# A questionnaire's finding carries its items' points under the questions' ids ("bmi": 3 points, not a BMI of
# 3): only its total is shown in words.
_SCORED: Final = ("cdrs.", "copd.sq.", "stroke.", "tcm.")


def values_text(finding: Finding) -> str:
    """`收缩压 190 mmHg · 舒张压 125 mmHg · 症状：胸闷`: the values that led to the finding, in words."""
    parts: list[str] = []
    scored = finding.code.startswith(_SCORED)
    for key, value in finding.values.items():
        code = _KEYS.get(key, key)
        if key == "total":
            parts.append(_("score {score}").format(score=value))
        elif key == "points":
            parts.append(_("{points} risk factors").format(points=value))
        elif scored:
            continue
        elif key == "symptoms" and isinstance(value, str):
            named = "、".join(symptom(s) for s in value.split(",") if s)
            parts.append(_("symptoms: {names}").format(names=named))
        elif key == "glucose" and isinstance(value, int | float):
            parts.append(_("glucose {value} mmol/L").format(value=readings_fields.fmt("fpg", float(value))))
        elif code in readings_fields.GROUP_OF and isinstance(value, int | float):
            shown = readings_fields.fmt(code, float(value))
            parts.append(f"{readings_fields.name(code)} {shown} {readings_fields.unit(code)}".rstrip())
    return " · ".join(parts)


def clauses_text(ids: tuple[str, ...], known: Mapping[str, Clause]) -> str:
    """`HTN.emergency (BPHS-2017)`: each clause id with the document it comes from, when the desk knows it."""
    out = []
    for clause_id in ids:
        clause = known.get(clause_id)
        out.append(f"{clause_id} ({clause.source.value})" if clause else clause_id)
    return _("basis: {clauses}").format(clauses=", ".join(out))


def severity_text(severity: Severity) -> str:
    mark, msgid = SEVERITY[severity]
    return f"{mark} {_(msgid)}"
