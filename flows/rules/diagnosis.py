"""Diagnosis support against a resident's history (CLINICAL_RULES.md §2–§6): one Criterion per condition,
met / not met / needs confirmation, with its ICD-10 code, a sentence for the doctor, the evidence and next steps.

Our readings, where the documents leave a choice:
- Office BP: readings of the same day count once, as their mean (rounded half up); hypertension needs three
  measured days in a row, all ≥140 and/or ≥90 mmHg, the first and third at most 28 days apart ("非同日3次测量
  血压均高于正常", within 4 weeks). Home BP and ABPM are supporting evidence: alone they ask for confirmation.
- Glucose: results of the same kind on the same day count once, as their mean; without typical symptoms two
  diabetic-range results (random glucose excluded) on different days, or two different tests the same day.
- Lipids: the latest panel; dyslipidaemia when a value is in a high column (or HDL-C low) of the LIPID-2023 table;
  non-HDL-C is TC − HDL-C when not reported. ICD-10 by pattern: cholesterol only E78.0, TG only E78.1, both E78.2,
  low HDL-C only E78.6, any other combination (low HDL-C with one raised value) E78.5; "E78" while undecided.
- COPD: the latest post-bronchodilator FEV1/FVC decides; a pre-bronchodilator value <0.70 asks for one.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from flows.model import Condition, Sex
from flows.rules import _hypertension_data as hd
from flows.rules import copd, diabetes, hypertension, lipids, weight
from flows.rules._diagnosis_data import (
    BASIS,
    C_DYSLIPIDAEMIA,
    KIND_FIELD,
    KIND_ZH,
    LEVEL_ZH,
    LIPID_PATTERNS,
    LIPID_ZH,
    PREDIABETES_ZH,
    UNIT,
    BpReading,
    Criterion,
    DiagnosisSettings,
    GlucoseKind,
    GlucoseResult,
    History,
    LipidPanel,
    Spirometry,
    Status,
)
from flows.rules.base import (
    ADULT_AGE,
    MAX_AGE,
    NextStep,
    RuleError,
    Severity,
    check_not_after,
    is_int_in,
    round_half_up,
)
from flows.rules.hypertension_screening import AbpmMeans, abpm_raised, home_bp_raised, is_raised

__all__ = [
    "AbpmMeans",
    "BpReading",
    "Criterion",
    "DiagnosisSettings",
    "GlucoseKind",
    "GlucoseResult",
    "History",
    "LipidPanel",
    "Spirometry",
    "Status",
    "evaluate",
]


def _criterion(
    condition: Condition,
    status: Status,
    icd10: str,
    key: str,
    *,
    evidence: list[str],
    clauses: list[str],
    steps: tuple[NextStep, ...] = (),
    **fmt: str,
) -> Criterion:
    zh, en = BASIS[key]
    return Criterion(
        condition=condition,
        status=status,
        icd10=icd10,
        basis=zh.format(**fmt),
        basis_en=en.format(**fmt),
        evidence=tuple(evidence),
        clauses=tuple(dict.fromkeys(clauses)),
        next_steps=steps,
    )


# --- hypertension ---------------------------------------------------------------------------------------


def _bp_days(readings: tuple[BpReading, ...], today: dt.date) -> list[tuple[dt.date, int, int, int]]:
    """(day, mean SBP, mean DBP, readings) per day, oldest first."""
    by_day: dict[dt.date, list[BpReading]] = defaultdict(list)
    for r in readings:
        hypertension.bp_grade(r.sbp, r.dbp)  # refuses impossible readings naming sbp/dbp
        check_not_after(r.day, today, "bp_readings")
        by_day[r.day].append(r)
    return [
        (
            day,
            round_half_up(sum(r.sbp for r in rs) / len(rs)),
            round_half_up(sum(r.dbp for r in rs) / len(rs)),
            len(rs),
        )
        for day, rs in sorted(by_day.items())
    ]


def _hypertension(h: History, today: dt.date, s: DiagnosisSettings) -> Criterion:
    days = _bp_days(h.bp_readings, today)
    raised = [is_raised(sbp, dbp) for _, sbp, dbp, _ in days]
    evidence = [
        f"{day} 诊室血压 {sbp}/{dbp} mmHg" + (f"（当日{n}次均值）" if n > 1 else "")
        for day, sbp, dbp, n in days
    ]
    supporting: list[str] = []
    if h.home_bp_mean is not None and home_bp_raised(*h.home_bp_mean):
        evidence.append(f"家庭血压均值 {h.home_bp_mean[0]:g}/{h.home_bp_mean[1]:g} mmHg ≥135/85")
        supporting.append(hd.C_HOME)
    abpm = abpm_raised(h.abpm) if h.abpm is not None else ()
    if abpm:
        names = {"day24": "24小时", "daytime": "白天", "night": "夜间"}
        evidence.append("动态血压均值升高：" + "、".join(names[p] for p in abpm))
        supporting.append(hd.C_ABPM)
    met_office = any(
        all(raised[i : i + hd.DX_DAYS])
        and (days[i + hd.DX_DAYS - 1][0] - days[i][0]).days <= hd.DX_WINDOW_DAYS
        for i in range(len(days) - hd.DX_DAYS + 1)
    )
    hc = Condition.HYPERTENSION
    if h.on_antihypertensives:
        evidence.insert(0, "正在服用降压药物")
        return _criterion(
            hc,
            Status.MET,
            "I10",
            "htn.on_treatment",
            evidence=evidence,
            clauses=[hd.C_DX_ON_TREATMENT, *supporting],
        )
    if met_office:
        return _criterion(
            hc,
            Status.MET,
            "I10",
            "htn.three_days",
            evidence=evidence,
            clauses=[hd.C_DX_THREE_DAYS, *supporting],
        )
    if any(raised) or supporting:
        due = today + dt.timedelta(days=s.hypertension.recheck_interval_days)
        run_start = next((days[i][0] for i in range(len(days)) if all(raised[i:])), None)
        if run_start is not None and run_start + dt.timedelta(days=hd.DX_WINDOW_DAYS) > today:
            due = min(due, run_start + dt.timedelta(days=hd.DX_WINDOW_DAYS))
        step = NextStep(
            code="htn.recheck_bp",
            summary="Recheck office BP on another day (3 raised days within 4 weeks confirm hypertension)",
            clauses=(hd.C_FIRST_RAISED, hd.C_DX_THREE_DAYS),
            due=due,
        )
        clauses = [hd.C_FIRST_RAISED, hd.C_DX_THREE_DAYS, *supporting]
        return _criterion(
            hc,
            Status.NEEDS_CONFIRMATION,
            "I10",
            "htn.confirm",
            evidence=evidence,
            clauses=clauses,
            steps=(step,),
        )
    return _criterion(hc, Status.NOT_MET, "I10", "htn.none", evidence=evidence, clauses=[hd.C_DX_THREE_DAYS])


# --- diabetes ---------------------------------------------------------------------------------------------


def _glucose_days(h: History, today: dt.date) -> dict[dt.date, dict[GlucoseKind, float]]:
    """Mean value per kind per day, oldest day first."""
    by_day: dict[dt.date, dict[GlucoseKind, list[float]]] = defaultdict(lambda: defaultdict(list))
    for g in h.glucose_tests:
        check_not_after(g.day, today, "glucose_tests")
        by_day[g.day][g.kind].append(g.value)
    return {
        day: {k: round(sum(v) / len(v), 2) for k, v in kinds.items()} for day, kinds in sorted(by_day.items())
    }


def _tests(values: dict[GlucoseKind, float], symptoms: bool) -> diabetes.GlucoseTests:
    fields = {KIND_FIELD[k]: v for k, v in values.items()}
    return diabetes.GlucoseTests(typical_symptoms=symptoms, **fields)


def _latest(days: dict[dt.date, dict[GlucoseKind, float]], kind: GlucoseKind) -> tuple[dt.date, float] | None:
    return next(((day, v[kind]) for day, v in reversed(days.items()) if kind in v), None)


def _diabetes(h: History, today: dt.date, s: DiagnosisSettings) -> Criterion:
    days = _glucose_days(h, today)
    evidence: list[str] = []
    clauses: list[str] = []
    confirmed, abnormal_days, any_hit = False, 0, False
    for day, values in days.items():
        for f in diabetes.diagnosis_findings(_tests(values, h.typical_symptoms), s.diabetes):
            if f.code not in ("dm.dx.diabetic_range", "dm.dx.confirm"):
                continue
            any_hit = True
            confirmed = confirmed or f.code == "dm.dx.diabetic_range"
            abnormal_days += bool(set(f.values) - {"random_glucose"})
            clauses.extend(c for c in f.clauses if c != diabetes.C_DX_CONFIRM)
            evidence.extend(
                f"{day} {KIND_ZH[k]} {values[k]:g} {UNIT[k]}" for k in values if KIND_FIELD[k] in f.values
            )
    dc = Condition.DIABETES
    if any_hit and h.typical_symptoms:
        evidence.insert(0, "有典型症状（多饮、多食、多尿、体重下降）")
    if confirmed or abnormal_days >= 2:
        extra = [] if confirmed else [diabetes.C_DX_CONFIRM]  # confirmed on another day
        return _criterion(dc, Status.MET, "E11", "dm.met", evidence=evidence, clauses=[*clauses, *extra])
    if any_hit:
        step = diabetes.confirm_step(today, s.diabetes)
        clauses.append(diabetes.C_DX_CONFIRM)
        return _criterion(
            dc,
            Status.NEEDS_CONFIRMATION,
            "E11",
            "dm.confirm",
            evidence=evidence,
            clauses=clauses,
            steps=(step,),
        )
    # Not met: prediabetes from the latest FPG and OGTT, and the FPG ≥5.6 cue unless an OGTT or HbA1c followed.
    fpg, ogtt, hba1c = (_latest(days, k) for k in (GlucoseKind.FPG, GlucoseKind.OGTT_2H, GlucoseKind.HBA1C))
    latest = diabetes.GlucoseTests(fpg=fpg[1] if fpg else None, ogtt_2h=ogtt[1] if ogtt else None)
    steps: list[NextStep] = []
    for f in diabetes.diagnosis_findings(latest, s.diabetes):
        if f.code in PREDIABETES_ZH:
            value = f.values.get("fpg", f.values.get("ogtt_2h"))
            evidence.append(f"{PREDIABETES_ZH[f.code]}：{value:g} mmol/L")
            clauses.extend(f.clauses)
    followed = any(t is not None and fpg is not None and t[0] >= fpg[0] for t in (ogtt, hba1c))
    if fpg is not None and fpg[1] >= diabetes.OGTT_CUE_FPG and not followed:
        summary = f"FPG {fpg[1]:g} mmol/L ≥{diabetes.OGTT_CUE_FPG}: do an OGTT or HbA1c"
        steps.append(
            NextStep(code="dm.ogtt_or_hba1c", summary=summary, clauses=(diabetes.C_OGTT_CUE,), due=today)
        )
        clauses.append(diabetes.C_OGTT_CUE)
    return _criterion(
        dc,
        Status.NOT_MET,
        "E11",
        "dm.none",
        evidence=evidence,
        clauses=clauses or [diabetes.C_DX_FPG],
        steps=tuple(steps),
    )


# --- dyslipidaemia, obesity, COPD ----------------------------------------------------------------------------


def _lipid_zh(code: str, values: dict[str, float | int | str]) -> str:
    _, name, level = code.split(".")
    return f"{LIPID_ZH[name]} {values[name]:g} mmol/L（{LEVEL_ZH[level]}）"


def _lipid_pattern(chol: bool, tg_high: bool, low_hdl: bool) -> str | None:
    if chol and tg_high:
        return "mixed"
    if low_hdl:
        return "other" if chol or tg_high else "low_hdl"
    return "cholesterol" if chol else "tg" if tg_high else None


def _dyslipidaemia(panel: LipidPanel | None, age: int, today: dt.date) -> Criterion:
    dl, high, low = Condition.DYSLIPIDAEMIA, lipids.LipidLevel.HIGH, lipids.LipidLevel.LOW
    if panel is None or all(getattr(panel, k) is None for k in ("tc", "ldl", "hdl", "non_hdl", "tg")):
        step = NextStep(code="lipid.panel", summary="Lipid panel", clauses=(lipids.CL_SCREEN,), due=today)
        return _criterion(
            dl, Status.NOT_MET, "E78", "lipid.unknown", evidence=[], clauses=[lipids.CL_SCREEN], steps=(step,)
        )
    check_not_after(panel.day, today, "lipids")
    tc, ldl, hdl, tg = panel.tc, panel.ldl, panel.hdl, panel.tg
    non_hdl = lipids.non_hdl_c(panel.non_hdl, tc, hdl)
    findings = lipids.lipid_findings(tc=tc, ldl_c=ldl, hdl_c=hdl, non_hdl_c=non_hdl, tg=tg)
    chol = (
        (tc is not None and lipids.classify_tc(tc) is high)
        or (ldl is not None and lipids.classify_ldl(ldl) is high)
        or (non_hdl is not None and lipids.classify_non_hdl(non_hdl) is high)
    )
    tg_high = tg is not None and lipids.classify_tg(tg) is high
    low_hdl = hdl is not None and lipids.classify_hdl(hdl) is low
    abnormal = [f for f in findings if f.severity is not Severity.INFO]
    evidence = [f"{panel.day} {_lipid_zh(f.code, f.values)}" for f in abnormal]
    clauses = [C_DYSLIPIDAEMIA, *(c for f in abnormal for c in f.clauses)]
    steps = tuple(
        NextStep(code="lipid.lower_tg_first", summary=f.summary, clauses=f.clauses, due=today)
        for f in findings
        if f.code == "lipid.tg.pancreatitis_risk"
    )
    pattern = _lipid_pattern(chol, tg_high, low_hdl)
    if pattern is None:
        steps = (*steps, lipids.next_screening(age, panel.day))
        return _criterion(
            dl, Status.NOT_MET, "E78", "lipid.none", evidence=evidence, clauses=clauses, steps=steps
        )
    icd, zh, en = LIPID_PATTERNS[pattern]
    return _criterion(
        dl,
        Status.MET,
        icd,
        "lipid.met",
        evidence=evidence,
        clauses=clauses,
        steps=steps,
        pattern=zh,
        pattern_en=en,
    )


def _obesity(h: History, sex: Sex, s: DiagnosisSettings) -> Criterion:
    ob = Condition.OBESITY
    evidence: list[str] = []
    clauses = [weight.CL_BMI]
    if h.waist_cm is not None:
        waist = weight.classify_waist(h.waist_cm, sex, s.weight)
        if waist is not weight.WaistClass.NORMAL:
            label = "中心型肥胖" if waist is weight.WaistClass.CENTRAL else "中心型肥胖前期"
            evidence.append(f"腰围 {h.waist_cm:g} cm（{label}）")
            clauses.append(weight.CL_CENTRAL if waist is weight.WaistClass.CENTRAL else weight.CL_PRE_CENTRAL)
    if h.bmi is None:
        return _criterion(ob, Status.NOT_MET, "E66.9", "obesity.unknown", evidence=evidence, clauses=clauses)
    weight.check_bmi(h.bmi)
    cls = weight.classify_bmi(h.bmi)
    evidence.insert(0, f"BMI {h.bmi:g} kg/m²")
    status, key = (
        (Status.MET, "obesity.met") if cls is weight.BmiClass.OBESE else (Status.NOT_MET, "obesity.none")
    )
    return _criterion(ob, status, "E66.9", key, evidence=evidence, clauses=clauses, bmi=f"{h.bmi:g}")


def _copd(results: tuple[Spirometry, ...], today: dt.date) -> Criterion:
    cc = Condition.COPD
    for r in results:
        check_not_after(r.day, today, "spirometry")
        copd.meets_spirometric_criterion(r.fev1_fvc)  # refuses a ratio outside (0, 1]
    ordered = sorted(results, key=lambda r: r.day)
    post = [r for r in ordered if r.post_bronchodilator]
    evidence = [
        f"{r.day} FEV1/FVC {r.fev1_fvc:g}（{'舒张后' if r.post_bronchodilator else '舒张前'}）"
        for r in ordered
    ]
    clauses = [copd.CL_DIAGNOSIS]
    if post:
        ratio = f"{post[-1].fev1_fvc:g}"
        if copd.meets_spirometric_criterion(post[-1].fev1_fvc):
            return _criterion(
                cc, Status.MET, "J44.9", "copd.met", evidence=evidence, clauses=clauses, ratio=ratio
            )
        return _criterion(cc, Status.NOT_MET, "J44.9", "copd.none", evidence=evidence, clauses=clauses)
    if ordered and copd.meets_spirometric_criterion(ordered[-1].fev1_fvc):
        step = NextStep(
            code="copd.post_bronchodilator",
            summary="Spirometry after a bronchodilator to confirm airflow limitation",
            clauses=(copd.CL_DIAGNOSIS,),
            due=today,
        )
        ratio = f"{ordered[-1].fev1_fvc:g}"
        return _criterion(
            cc,
            Status.NEEDS_CONFIRMATION,
            "J44.9",
            "copd.confirm",
            evidence=evidence,
            clauses=clauses,
            steps=(step,),
            ratio=ratio,
        )
    key = "copd.none" if ordered else "copd.unknown"
    return _criterion(cc, Status.NOT_MET, "J44.9", key, evidence=evidence, clauses=clauses)


def evaluate(
    history: History, *, age: int, sex: Sex, today: dt.date, settings: DiagnosisSettings | None = None
) -> tuple[Criterion, ...]:
    """One Criterion per condition (hypertension, diabetes, dyslipidaemia, obesity, COPD), in that order.

    Adult criteria: refuses age below 18 (RuleError naming `age`); refuses results dated after `today`."""
    s = settings or DiagnosisSettings()
    if not is_int_in(age, ADULT_AGE, MAX_AGE):
        raise RuleError(
            f"diagnosis support covers adults aged {ADULT_AGE}–{MAX_AGE}, got {age!r}", field="age"
        )
    return (
        _hypertension(history, today, s),
        _diabetes(history, today, s),
        _dyslipidaemia(history.lipids, age, today),
        _obesity(history, sex, s),
        _copd(history.spirometry, today),
    )
