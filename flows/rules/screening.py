"""The screening of one visit (CLINICAL_RULES.md §2–§7): from its measurements, the resident's age, sex and history
flags and the questionnaire findings computed elsewhere (CDRS, COPD-SQ, stroke 8+2), the findings and what to do
next, each next step citing its clause. The emergency findings of flows.rules.emergency come first.

Measurement codes used: sbp, dbp, pulse, temperature, fpg, random_glucose, glucose (kind unknown: judged like a
random glucose), ogtt_2h, hba1c, weight, height, bmi, waist, body_fat, tc, ldl, hdl, non_hdl, tg, fev1_fvc,
fev1_pct_pred, spo2 (range-checked; no screening rule uses it). Other codes are ignored (flows.measurements
validates codes where values enter the visit).

Our readings: the adult rules (WS-T-428 weight classes, BP grades and rechecks, LIPID-2023 screening) start at 18;
the yearly BP screen and the hypertension high-risk group at the screening age floor (a setting). A raised reading
books a recheck instead of the next routine screen. A resident known to have a condition (or on its drugs) is
followed up, not screened, for it. Diabetes high risk (→ FPG yearly, BPHS-2017) is: the record says so, a CDRS
finding `cdrs.high_risk` is passed in, or this visit found an unconfirmed diabetic-range result, prediabetes or FPG ≥5.6.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Collection, Mapping
from typing import Final

import msgspec

from flows.model import Condition, Sex
from flows.rules import copd, diabetes, diabetes_care, emergency, hypertension, lipids, weight
from flows.rules import hypertension_screening as hs
from flows.rules.base import (
    ADULT_AGE,
    MAX_AGE,
    Finding,
    NextStep,
    RuleError,
    Severity,
    check_int,
    check_not_after,
    check_range,
    round_half_up,
)

CDRS_HIGH_RISK: Final = "cdrs.high_risk"  # flows.rules.cdrs: total ≥25 → OGTT
COPD_SQ_HIGH_RISK: Final = "copd.sq.high_risk"  # flows.rules.copd: total ≥16 → spirometry


class ScreeningHistory(msgspec.Struct, frozen=True, kw_only=True):
    """What the record says about the resident (all default to "no" / unknown)."""

    conditions: tuple[Condition, ...] = ()  # confirmed diagnoses
    on_antihypertensives: bool = False
    on_glucose_lowering: bool = False
    family_history_hypertension: bool = False
    high_salt_diet: bool = False
    baijiu_ml_per_day: float = 0.0  # beer ÷10, wine ÷4, huangjiu ÷5 (BPHS-2017 form)
    diabetes_symptoms: bool = False  # typical symptoms: 多饮, 多食, 多尿, 体重下降
    diabetes_high_risk: bool = False  # the doctor's or the record's own judgement (e.g. prediabetes before)
    pregnant_or_lactating: bool = False
    last_lipid_test: dt.date | None = None
    last_fpg: dt.date | None = None


class ScreeningSettings(msgspec.Struct, frozen=True, kw_only=True):
    """The settings of the modules applied here (each from its own `[rules.<module>]` section)."""

    hypertension: hypertension.HypertensionSettings = hypertension.DEFAULT_SETTINGS
    diabetes: diabetes.DiabetesSettings = diabetes.DEFAULT_SETTINGS
    weight: weight.WeightSettings = msgspec.field(default_factory=weight.WeightSettings)
    emergency: emergency.EmergencySettings = emergency.DEFAULT_SETTINGS


class ScreeningResult(msgspec.Struct, frozen=True, kw_only=True):
    findings: tuple[Finding, ...]
    next_steps: tuple[NextStep, ...]
    emergency: bool  # an EMERGENCY finding is among them: refer at once
    clauses: tuple[str, ...]  # every clause of the findings and next steps, once, in order


class _Visit(msgspec.Struct, frozen=True, kw_only=True):
    """What every part of the screening reads, and the two lists they append to."""

    m: Mapping[str, float]
    age: int
    sex: Sex
    h: ScreeningHistory
    today: dt.date
    s: ScreeningSettings
    questionnaires: tuple[Finding, ...]
    findings: list[Finding] = msgspec.field(default_factory=list)
    steps: list[NextStep] = msgspec.field(default_factory=list)


def _bp(m: Mapping[str, float]) -> tuple[int, int] | None:
    if ("sbp" in m) != ("dbp" in m):
        missing = "dbp" if "sbp" in m else "sbp"
        raise RuleError(f"a BP reading needs both SBP and DBP; {missing} is missing", field=missing)
    if "sbp" not in m:
        return None
    sbp, dbp = (round_half_up(m[c]) for c in ("sbp", "dbp"))
    hypertension.bp_grade(sbp, dbp)  # refuses an impossible reading
    return sbp, dbp


def _blood_pressure(v: _Visit, bmi: float | None) -> None:
    bp, s = _bp(v.m), v.s.hypertension
    if bp is not None:
        v.findings.append(hypertension.grade_finding(*bp))
    if Condition.HYPERTENSION in v.h.conditions or v.h.on_antihypertensives:
        return
    recheck = hs.first_reading_recheck(*bp, v.today, s) if bp is not None else None
    if recheck is not None:
        v.steps.append(recheck)
    if not hs.bp_screening_applies(v.age, s):
        return
    risk = hypertension.RiskInput(
        age=v.age,
        male=v.sex is Sex.MALE,
        sbp=bp[0] if bp else None,
        dbp=bp[1] if bp else None,
        bmi=bmi,
        waist_cm=v.m.get("waist"),
        family_history=v.h.family_history_hypertension,
        high_salt_diet=v.h.high_salt_diet,
        baijiu_ml_per_day=v.h.baijiu_ml_per_day,
    )
    factors = hypertension.high_risk_factors(risk)
    if factors:
        named = ",".join(f.value for f in factors)
        v.findings.append(
            Finding(
                code="htn.high_risk",
                severity=Severity.ADVICE,
                summary=f"Hypertension high-risk group: {named}",
                clauses=(hypertension.C_HIGH_RISK,),
                values={"factors": named},
            )
        )
    step = (
        hs.next_bp_screening(v.age, v.today, high_risk=bool(factors), settings=s) if recheck is None else None
    )
    v.steps.extend([step] if step else [])


def _weight(v: _Visit) -> float | None:
    """Weight findings; returns the BMI to use (computed from weight and height, else the one measured)."""
    m, both = v.m, "weight" in v.m and "height" in v.m
    found = weight.weight_findings(
        sex=v.sex,
        weight_kg=m["weight"] if both else None,
        height_cm=m["height"] if both else None,
        waist_cm=m.get("waist"),
        body_fat_percent=m.get("body_fat"),
        settings=v.s.weight,
    )
    bmi = next((float(f.values["bmi"]) for f in found if "bmi" in f.values), m.get("bmi"))
    if not both and bmi is not None:
        weight.check_bmi(bmi)
        found.insert(0, weight.bmi_finding(bmi))
    v.findings.extend(found)
    return bmi


def _lipids(v: _Visit) -> None:
    m, last, today = v.m, v.h.last_lipid_test, v.today
    tc, hdl = m.get("tc"), m.get("hdl")
    non_hdl = lipids.non_hdl_c(m.get("non_hdl"), tc, hdl)
    found = lipids.lipid_findings(tc=tc, ldl_c=m.get("ldl"), hdl_c=hdl, non_hdl_c=non_hdl, tg=m.get("tg"))
    v.findings.extend(found)
    if found:
        v.steps.append(lipids.next_screening(v.age, today))
        return
    check_not_after(last, today, "last_lipid_test")
    scheduled = lipids.next_screening(v.age, last) if last is not None else None
    if scheduled is not None and scheduled.due is not None and scheduled.due > today:
        v.steps.append(scheduled)
    else:
        v.steps.append(
            NextStep(
                code="lipid.panel", summary="Lipid panel: due now", clauses=(lipids.CL_SCREEN,), due=today
            )
        )


def _glucose(v: _Visit) -> None:
    m, h, today = v.m, v.h, v.today
    if Condition.DIABETES in h.conditions or h.on_glucose_lowering:
        return
    tests = diabetes.GlucoseTests(
        fpg=m.get("fpg"),
        random_glucose=m.get("random_glucose", m.get("glucose")),
        ogtt_2h=m.get("ogtt_2h"),
        hba1c=m.get("hba1c"),
        typical_symptoms=h.diabetes_symptoms,
    )
    measured = any(c in m for c in ("fpg", "random_glucose", "glucose", "ogtt_2h", "hba1c"))
    found = diabetes.diagnosis_findings(tests, v.s.diabetes) if measured else ()
    v.findings.extend(found)
    codes = {f.code: f for f in found}
    met = codes.get("dm.dx.diabetic_range")
    if met is not None:
        v.steps.append(
            NextStep(code="dm.diagnosis", summary="Diabetes criteria met", clauses=met.clauses, due=today)
        )
    if "dm.dx.confirm" in codes:
        v.steps.append(diabetes.confirm_step(today, v.s.diabetes))
    cue = codes.get("dm.screen.ogtt_or_hba1c")
    if cue is not None:
        v.steps.append(NextStep(code="dm.ogtt_or_hba1c", summary=cue.summary, clauses=cue.clauses, due=today))
    cdrs = next((f for f in v.questionnaires if f.code == CDRS_HIGH_RISK), None)
    if cdrs is not None and tests.ogtt_2h is None:
        v.steps.append(NextStep(code="dm.ogtt", summary="OGTT (CDRS ≥25)", clauses=cdrs.clauses, due=today))
    # High risk (BPHS-2017 yearly FPG): the record says so, the CDRS says so, or this visit found prediabetes or
    # the FPG ≥5.6 cue.
    if met is None and (h.diabetes_high_risk or cdrs is not None or codes):
        v.steps.append(
            diabetes_care.next_high_risk_fpg(today if tests.fpg is not None else h.last_fpg, today)
        )


def _lungs(v: _Visit) -> None:
    m = v.m
    if "spo2" in m:
        check_range(m["spo2"], "spo2", *copd.FORM_RANGES["spo2"])
    known = Condition.COPD in v.h.conditions
    if "fev1_fvc" in m and copd.meets_spirometric_criterion(m["fev1_fvc"]):
        values: dict[str, float | int | str] = {"fev1_fvc": m["fev1_fvc"]}
        clauses: tuple[str, ...] = (copd.CL_DIAGNOSIS,)
        if "fev1_pct_pred" in m:
            values["gold"] = copd.gold_grade(m["fev1_pct_pred"])
            clauses += (copd.CL_GOLD,)
        v.findings.append(
            Finding(
                code="copd.airflow_limitation",
                severity=Severity.ADVICE,
                summary=f"FEV1/FVC {m['fev1_fvc']:g} <{copd.FEV1_FVC_LIMIT}: airflow limitation",
                clauses=clauses,
                values=values,
            )
        )
        if not known:
            summary = "Confirm with spirometry after a bronchodilator"
            v.steps.append(
                NextStep(code="copd.post_bronchodilator", summary=summary, clauses=(copd.CL_DIAGNOSIS,))
            )
    if not known and "fev1_fvc" not in m and any(f.code == COPD_SQ_HIGH_RISK for f in v.questionnaires):
        v.steps.append(
            NextStep(code="copd.spirometry", summary="Spirometry (COPD-SQ ≥16)", clauses=(copd.CL_SQ,))
        )


def screen(
    *,
    measurements: Mapping[str, float],
    age: int,
    sex: Sex,
    today: dt.date,
    history: ScreeningHistory | None = None,
    questionnaires: tuple[Finding, ...] = (),
    symptoms: Collection[str] = (),
    settings: ScreeningSettings | None = None,
) -> ScreeningResult:
    """The visit's screening: emergencies, BP grade and risk, weight, lipids, glucose, lungs, the questionnaire
    findings passed through, and the next steps with their due dates. Bad values → RuleError naming the field."""
    h, s = history or ScreeningHistory(), settings or ScreeningSettings()
    check_int(age, "age", 0, MAX_AGE)
    for code, value in measurements.items():
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise RuleError(f"{code} must be a number, got {value!r}", field=code)
    conditions = {*h.conditions, *([Condition.DIABETES] if h.on_glucose_lowering else [])}
    v = _Visit(m=measurements, age=age, sex=sex, h=h, today=today, s=s, questionnaires=questionnaires)
    v.findings.extend(
        emergency.check_emergency(
            measurements=measurements,
            symptoms=symptoms,
            conditions=conditions,
            pregnant_or_lactating=h.pregnant_or_lactating,
            settings=s.emergency,
            diabetes_settings=s.diabetes,
        )
    )
    needed = emergency.glucose_needed(measurements=measurements, symptoms=symptoms, conditions=conditions)
    if needed is not None:
        v.findings.append(needed)
        v.steps.append(
            NextStep(code="dm.glucose_now", summary="Measure glucose now", clauses=needed.clauses, due=today)
        )
    if age >= ADULT_AGE:  # WS-T-428, the BP grades and LIPID-2023 screening are adult rules
        bmi = _weight(v)
        _blood_pressure(v, bmi)
        _lipids(v)
    else:
        _bp(measurements)  # still refuses an impossible or half reading
    _glucose(v)
    _lungs(v)
    v.findings.extend(questionnaires)
    clauses = dict.fromkeys(
        [*(c for f in v.findings for c in f.clauses), *(c for n in v.steps for c in n.clauses)]
    )
    return ScreeningResult(
        findings=tuple(v.findings),
        next_steps=tuple(v.steps),
        emergency=any(f.severity is Severity.EMERGENCY for f in v.findings),
        clauses=tuple(clauses),
    )
