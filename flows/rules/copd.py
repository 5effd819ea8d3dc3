"""COPD (CLINICAL_RULES.md §6): the COPD-SQ screening questionnaire, the spirometric criterion, GOLD, mMRC, CAT,
and the COPD-2024 follow-up (managed population, classes stable/unstable, interval, form fields).

The COPD-SQ cut-off (≥16) and the FEV1/FVC and mMRC thresholds are [V]; the pack-years, BMI and breathlessness
points are [V2]; the age, cough, biomass and family-history points, the GOLD bands and the CAT cut-off are [U]
and live in `CopdSettings`, which a site may override. The managed population (confirmed, aged ≥35) is [V]; the
follow-up classes, interval and referral triggers are [U] — a site can override them in `[rules.copd]` of its
configuration.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from typing import Final

import msgspec

from flows.model import Condition
from flows.rules.base import (
    DAYS_PER_YEAR,
    MAX_AGE,
    Confidence,
    Finding,
    NextStep,
    RuleError,
    Severity,
    Source,
    band,
    check_bool,
    check_int,
    check_range,
    clause,
    is_int_in,
)
from flows.rules.followup import SHORT_INTERVAL_DAYS
from flows.rules.htn_form import LIFESTYLE_RANGES
from flows.rules.weight import BMI_RANGE, check_bmi

_SQ = "慢阻肺病筛查问卷（COPD-SQ）"
_SERVICE = "慢性阻塞性肺疾病患者健康服务规范（试行） §诊断与评估"

# COPD-SQ: total ≥16 is high risk → spirometry [V]
COPD_SQ_HIGH_RISK: Final = 16
# COPD-SQ: the questionnaire covers ages ≥40 (its lowest age band is 40–49)
COPD_SQ_MIN_AGE: Final = 40
# COPD-SQ pack-years: 0–14 → 0, 15–<30 → 1, ≥30 → 2 [V2]
PACK_YEARS_ONE_FROM: Final = 15.0
PACK_YEARS_TWO_FROM: Final = 30.0
PACK_YEARS_POINTS: Final = (0, 1, 2)
MAX_PACK_YEARS: Final = 300.0
# COPD-SQ BMI: <18.5 → 7, 18.5–23.9 → 4, 24–27.9 → 1, ≥28 → 0 [V2]
SQ_BMI_CUTS: Final = (18.5, 24.0, 28.0)
SQ_BMI_POINTS: Final = (7, 4, 1, 0)
# COPD-2024 §诊断: post-bronchodilator FEV1/FVC <0.70 [V]
FEV1_FVC_LIMIT: Final = 0.70
# mMRC 0–4; ≥2 = more breathless [V]
MMRC_MAX: Final = 4
MMRC_MORE_BREATHLESS: Final = 2
# CAT 0–40 (the cut-off is in CopdSettings, [U])
CAT_MAX: Final = 40
# COPD-2024 §服务对象: managed population = confirmed patients aged ≥35 [V]
COPD_MANAGED_MIN_AGE: Final = 35

CL_SQ = clause(
    "COPD.sq.high_risk",
    Source.COPD_2024,
    _SQ,
    Confidence.V,
    "COPD-SQ total ≥16 is high risk: refer for spirometry.",
)
CL_SQ_V2 = clause(
    "COPD.sq.points.v2",
    Source.COPD_2024,
    _SQ,
    Confidence.V2,
    "Points: pack-years 0–14:0, 15–30:1, ≥30:2; BMI <18.5:7, 18.5–23.9:4, 24–27.9:1, ≥28:0; breathlessness "
    "none 0, hurrying or climbing 2, walking normally 3.",
)
CL_SQ_U = clause(
    "COPD.sq.points.u",
    Source.COPD_2024,
    _SQ,
    Confidence.U,
    "Points: age 40–49:0, 50–59:3, 60–69:7, ≥70:10; cough without a cold 5; coal/biomass fuel 1; family history 3.",
)
CL_DIAGNOSIS = clause(
    "COPD.diagnosis",
    Source.COPD_2024,
    _SERVICE,
    Confidence.V,
    "Post-bronchodilator FEV1/FVC <0.70 confirms COPD.",
)
CL_GOLD = clause(
    "COPD.gold",
    Source.COPD_2024,
    _SERVICE,
    Confidence.U,
    "GOLD 1 FEV1 ≥80 %, 2 50–79 %, 3 30–49 %, 4 <30 % of predicted.",
)
CL_MMRC = clause("COPD.mmrc", Source.COPD_2024, _SERVICE, Confidence.V, "mMRC 0–4; ≥2 means more breathless.")
CL_CAT = clause("COPD.cat", Source.COPD_2024, _SERVICE, Confidence.U, "CAT 0–40; ≥10 means more symptoms.")


class Breathlessness(enum.StrEnum):
    NONE = "none"
    HURRYING_OR_CLIMBING = "hurrying_or_climbing"
    WALKING_NORMALLY = "walking_normally"


# COPD-SQ breathlessness points [V2]
BREATHLESSNESS_POINTS: Final = {
    Breathlessness.NONE: 0,
    Breathlessness.HURRYING_OR_CLIMBING: 2,
    Breathlessness.WALKING_NORMALLY: 3,
}


class CopdSettings(msgspec.Struct, frozen=True, kw_only=True):
    """[U] facts of CLINICAL_RULES.md §6, not confirmed: overridable by a site."""

    age_band_from: tuple[int, int, int, int] = (40, 50, 60, 70)  # COPD-SQ age bands 40–49, 50–59, 60–69, ≥70
    age_points: tuple[int, int, int, int] = (0, 3, 7, 10)
    cough_points: int = 5
    biomass_points: int = 1
    family_history_points: int = 3
    gold_cuts: tuple[float, float, float] = (
        80.0,
        50.0,
        30.0,
    )  # % predicted FEV1: GOLD 1 ≥80, 2 ≥50, 3 ≥30, else 4
    cat_more_symptoms: int = 10
    # COPD-2024 follow-up [U]: at least this many face-to-face follow-ups a year; a stable patient's next visit
    # is due within 365 // followups_per_year days (2 → 182 days).
    followups_per_year: int = 2
    # COPD-2024 follow-up [U]: an unstable patient is seen again within this many days (default borrowed from
    # the BPHS-2017 hypertension/diabetes scheme: 2 weeks).
    unstable_interval_days: int = SHORT_INTERVAL_DAYS
    # COPD-2024 follow-up [U]: a second unstable visit in a row recommends referral (by analogy with BPHS-2017
    # "two consecutive uncontrolled").
    refer_consecutive_unstable: bool = True


class CopdSqAnswers(msgspec.Struct, frozen=True, kw_only=True):
    age: int
    pack_years: float
    bmi: float
    cough_without_cold: bool
    breathlessness: Breathlessness
    biomass_fuel: bool
    family_history: bool


class CopdSqResult(msgspec.Struct, frozen=True, kw_only=True):
    total: int
    items: dict[str, int]
    high_risk: bool


def _fail(field: str, message: str) -> RuleError:
    return RuleError(f"{field}: {message}", field=field)


def score_copd_sq(a: CopdSqAnswers, settings: CopdSettings | None = None) -> CopdSqResult:
    """Validate every answer and add up the COPD-SQ points; refusals name the field."""
    s = settings or CopdSettings()
    if not is_int_in(a.age, COPD_SQ_MIN_AGE, MAX_AGE):
        raise _fail("age", f"COPD-SQ covers ages {COPD_SQ_MIN_AGE}–{MAX_AGE}, got {a.age!r}")
    check_range(a.pack_years, "pack_years", (0, MAX_PACK_YEARS), "pack-years")
    check_bmi(a.bmi)
    try:
        breath = Breathlessness(a.breathlessness)
    except ValueError:
        raise _fail("breathlessness", f"must be one of {[b.value for b in Breathlessness]}") from None
    items = {
        "age": s.age_points[band(a.age, s.age_band_from[1:])],
        "pack_years": PACK_YEARS_POINTS[band(a.pack_years, (PACK_YEARS_ONE_FROM, PACK_YEARS_TWO_FROM))],
        "bmi": SQ_BMI_POINTS[band(a.bmi, SQ_BMI_CUTS)],
        "cough_without_cold": s.cough_points if check_bool(a.cough_without_cold, "cough_without_cold") else 0,
        "breathlessness": BREATHLESSNESS_POINTS[breath],
        "biomass_fuel": s.biomass_points if check_bool(a.biomass_fuel, "biomass_fuel") else 0,
        "family_history": s.family_history_points if check_bool(a.family_history, "family_history") else 0,
    }
    total = sum(items.values())
    return CopdSqResult(total=total, items=items, high_risk=total >= COPD_SQ_HIGH_RISK)


def copd_sq_assessment(
    a: CopdSqAnswers, settings: CopdSettings | None = None
) -> tuple[Finding, NextStep | None]:
    """The COPD-SQ finding, and a spirometry next step when the total is ≥16."""
    r = score_copd_sq(a, settings)
    finding = Finding(
        code="copd.sq.high_risk" if r.high_risk else "copd.sq.low_risk",
        severity=Severity.ADVICE if r.high_risk else Severity.INFO,
        summary=f"COPD-SQ {r.total} ({'≥' if r.high_risk else '<'}{COPD_SQ_HIGH_RISK})",
        clauses=(CL_SQ, CL_SQ_V2, CL_SQ_U),
        values={"total": r.total, **r.items},
    )
    step = (
        NextStep(code="copd.spirometry", summary="Spirometry (lung function test)", clauses=(CL_SQ,))
        if r.high_risk
        else None
    )
    return finding, step


def meets_spirometric_criterion(fev1_fvc: float) -> bool:
    """Post-bronchodilator FEV1/FVC (a ratio, e.g. 0.65) below 0.70."""
    if not math.isfinite(fev1_fvc) or not 0 < fev1_fvc <= 1:
        raise _fail("fev1_fvc", f"must be a ratio in (0, 1], got {fev1_fvc}")
    return fev1_fvc < FEV1_FVC_LIMIT


def gold_grade(fev1_percent_predicted: float, settings: CopdSettings | None = None) -> int:
    """GOLD 1–4 from FEV1 % predicted [U]; meaningful only when the spirometric criterion is met."""
    s = settings or CopdSettings()
    if not math.isfinite(fev1_percent_predicted) or not 0 < fev1_percent_predicted <= 200:
        raise _fail("fev1_percent_predicted", f"must be in (0, 200], got {fev1_percent_predicted}")
    for grade, cut in enumerate(s.gold_cuts, start=1):
        if fev1_percent_predicted >= cut:
            return grade
    return len(s.gold_cuts) + 1


def mmrc_more_breathless(grade: int) -> bool:
    return check_int(grade, "mmrc", 0, MMRC_MAX) >= MMRC_MORE_BREATHLESS


def cat_more_symptoms(score: int, settings: CopdSettings | None = None) -> bool:
    s = settings or CopdSettings()
    return check_int(score, "cat", 0, CAT_MAX) >= s.cat_more_symptoms


# --- follow-up (COPD-2024 §随访评估与分类干预) ----------------------------------------------------------------

_FOLLOWUP = "慢性阻塞性肺疾病患者健康服务规范（试行） §随访评估与分类干预"

CL_MANAGED = clause(
    "COPD.managed",
    Source.COPD_2024,
    "慢性阻塞性肺疾病患者健康服务规范（试行） §服务对象/服务内容",
    Confidence.V,
    "Managed population: confirmed COPD patients aged ≥35; services are a record, follow-up assessment with "
    "classified intervention, and a yearly health check.",
)
CL_FU_STABLE = clause(
    "COPD.followup.stable",
    Source.COPD_2024,
    _FOLLOWUP,
    Confidence.U,
    "Stable: at least 2 face-to-face follow-ups a year (next visit within 365/2 days); overridable setting.",
)
CL_FU_UNSTABLE = clause(
    "COPD.followup.unstable",
    Source.COPD_2024,
    _FOLLOWUP,
    Confidence.U,
    "Unstable: follow up within 2 weeks; overridable setting.",
)
CL_FU_ADVERSE = clause(
    "COPD.followup.adverse_reaction",
    Source.COPD_2024,
    _FOLLOWUP,
    Confidence.U,
    "An adverse drug reaction makes the visit unstable (by analogy with BPHS-2017).",
)
CL_FU_REFERRAL = clause(
    "COPD.followup.referral",
    Source.COPD_2024,
    _FOLLOWUP,
    Confidence.U,
    "Second unstable visit in a row, a persisting adverse reaction, or a new or worse complication: recommend "
    "referral and follow it up within 2 weeks (by analogy with BPHS-2017).",
)
CL_FU_FORM = clause(
    "COPD.followup.form",
    Source.COPD_2024,
    "慢性阻塞性肺疾病患者随访服务记录表",
    Confidence.V2,
    "Form: symptoms, cyanosis, oedema, respiratory and heart rate, BMI, comorbidities, smoking, exercise, "
    "vaccinations (influenza, COVID-19, pneumococcal), SpO2, FEV1, FVC, FEV1/FVC, home oxygen hours, "
    "non-invasive ventilator, adherence, adverse reactions, class, referral, next date.",
)


class CopdFollowupClass(enum.StrEnum):
    STABLE = "stable"  # 稳定
    UNSTABLE = "unstable"  # 不稳定


class CopdFollowupResult(msgspec.Struct, frozen=True, kw_only=True):
    cls: CopdFollowupClass
    referral: bool
    interval_days: int  # the next visit is due within this many days
    next_date: dt.date
    severity: Severity
    clauses: tuple[str, ...]


def is_managed_copd(age: int, confirmed: bool) -> bool:
    """COPD-2024 [V]: confirmed patients aged ≥35 are in the managed population."""
    check_int(age, "age", 0, MAX_AGE)
    return check_bool(confirmed, "confirmed") and age >= COPD_MANAGED_MIN_AGE


def _check_followup_settings(s: CopdSettings) -> None:
    check_int(s.followups_per_year, "followups_per_year", 1, DAYS_PER_YEAR)
    check_int(s.unstable_interval_days, "unstable_interval_days", 1, DAYS_PER_YEAR)


def copd_interval_days(cls: CopdFollowupClass, settings: CopdSettings | None = None) -> int:
    """Days until the next follow-up of a class [U]: 365 // followups_per_year when stable."""
    s = settings or CopdSettings()
    _check_followup_settings(s)
    if cls is CopdFollowupClass.UNSTABLE:
        return s.unstable_interval_days
    return DAYS_PER_YEAR // s.followups_per_year


def classify_copd_followup(
    stable: bool,
    previous: CopdFollowupClass | None,
    today: dt.date,
    settings: CopdSettings | None = None,
    *,
    adverse_reaction: bool = False,
    adverse_persisting: bool = False,
    new_or_worse_complication: bool = False,
) -> CopdFollowupResult:
    """Classify one COPD follow-up [U]: stable or unstable, referral advice, next interval and date.

    `stable` is the doctor's judgement at this visit; `previous` is the class recorded at the previous follow-up
    (None at the first). `adverse_persisting` implies `adverse_reaction`.
    """
    s = settings or CopdSettings()
    _check_followup_settings(s)
    check_bool(stable, "stable")
    clauses: list[str] = []
    referral = False
    if adverse_reaction or adverse_persisting:
        clauses.append(CL_FU_ADVERSE)
    unstable = not stable or adverse_reaction or adverse_persisting or new_or_worse_complication
    if unstable:
        clauses.append(CL_FU_UNSTABLE)
        twice = not stable and previous is CopdFollowupClass.UNSTABLE and s.refer_consecutive_unstable
        if twice or adverse_persisting or new_or_worse_complication:
            referral = True
            clauses.append(CL_FU_REFERRAL)
    else:
        clauses.append(CL_FU_STABLE)
    cls = CopdFollowupClass.UNSTABLE if unstable else CopdFollowupClass.STABLE
    days = copd_interval_days(cls, s)
    return CopdFollowupResult(
        cls=cls,
        referral=referral,
        interval_days=days,
        next_date=today + dt.timedelta(days=days),
        severity=Severity.WARNING if referral else Severity.ADVICE if unstable else Severity.INFO,
        clauses=tuple(clauses),
    )


class Vaccination(enum.StrEnum):
    """COPD-2024 form [V2]: vaccinations recorded at follow-up."""

    INFLUENZA = "influenza"
    COVID_19 = "covid_19"
    PNEUMOCOCCAL = "pneumococcal"


class Adherence(enum.StrEnum):
    """服药依从性, the options of the BPHS-2017 forms, reused on the COPD form."""

    REGULAR = "regular"  # 规律
    INTERMITTENT = "intermittent"  # 间断
    NOT_TAKING = "not_taking"  # 不服药


class CopdSymptom(enum.StrEnum):
    """Symptom options of the COPD form: the field is [V2], this option list is ours [U]."""

    NONE = "none"
    COUGH = "cough"
    SPUTUM = "sputum"
    BREATHLESSNESS = "breathlessness"
    WHEEZE = "wheeze"
    CHEST_TIGHTNESS = "chest_tightness"
    OTHER = "other"


# (zh, en) labels shown on the form.
OPTION_LABELS: Final[dict[enum.StrEnum, tuple[str, str]]] = {
    Vaccination.INFLUENZA: ("流感疫苗", "influenza vaccine"),
    Vaccination.COVID_19: ("新冠疫苗", "COVID-19 vaccine"),
    Vaccination.PNEUMOCOCCAL: ("肺炎球菌疫苗", "pneumococcal vaccine"),
    Adherence.REGULAR: ("规律", "regular"),
    Adherence.INTERMITTENT: ("间断", "intermittent"),
    Adherence.NOT_TAKING: ("不服药", "not taking"),
    CopdSymptom.NONE: ("无症状", "no symptoms"),
    CopdSymptom.COUGH: ("咳嗽", "cough"),
    CopdSymptom.SPUTUM: ("咳痰", "sputum"),
    CopdSymptom.BREATHLESSNESS: ("气短", "breathlessness"),
    CopdSymptom.WHEEZE: ("喘息", "wheeze"),
    CopdSymptom.CHEST_TIGHTNESS: ("胸闷", "chest tightness"),
    CopdSymptom.OTHER: ("其他", "other"),
    CopdFollowupClass.STABLE: ("稳定", "stable"),
    CopdFollowupClass.UNSTABLE: ("不稳定", "unstable"),
}


class CopdFollowupForm(msgspec.Struct, frozen=True, kw_only=True):
    """The COPD follow-up form (COPD-2024 [V2] field list); `check_copd_form` validates it."""

    stable: bool
    symptoms: frozenset[CopdSymptom] = frozenset()
    cyanosis: bool = False
    oedema: bool = False
    respiratory_rate: int | None = None  # breaths/min
    heart_rate: int | None = None  # beats/min
    bmi: float | None = None
    comorbidities: tuple[Condition, ...] = ()
    cigarettes_per_day: int | None = None
    exercise_times_per_week: int | None = None
    exercise_minutes: int | None = None  # per time
    vaccinations: frozenset[Vaccination] = frozenset()
    spo2: int | None = None  # %
    fev1_l: float | None = None
    fvc_l: float | None = None
    home_oxygen_hours: float | None = None  # hours a day
    non_invasive_ventilator: bool = False
    adherence: Adherence | None = None
    adverse_reaction: bool = False
    referral: bool = False
    next_date: dt.date | None = None

    def fev1_fvc(self) -> float | None:
        """FEV1/FVC as a ratio, when both were measured."""
        return None if self.fev1_l is None or self.fvc_l is None else round(self.fev1_l / self.fvc_l, 2)


# Plausibility bounds of the form's values (ours): outside them the entry is a typing or device error.
FORM_RANGES: Final[dict[str, tuple[tuple[float, float], str]]] = {
    "respiratory_rate": ((5, 80), "/min"),
    "heart_rate": ((20, 250), "/min"),
    "bmi": (BMI_RANGE, "kg/m²"),
    "cigarettes_per_day": LIFESTYLE_RANGES["cigarettes_per_day"],
    "exercise_times_per_week": LIFESTYLE_RANGES["exercise_times_per_week"],
    "exercise_minutes": LIFESTYLE_RANGES["exercise_minutes"],
    "spo2": ((50, 100), "%"),
    "fev1_l": ((0.1, 8.0), "L"),
    "fvc_l": ((0.1, 10.0), "L"),
    "home_oxygen_hours": ((0, 24), "h/day"),
}


def check_copd_form(form: CopdFollowupForm) -> None:
    """Refuse impossible values and contradictions, naming the field."""
    for name, (bounds, unit) in FORM_RANGES.items():
        value = getattr(form, name)
        if value is not None:
            check_range(value, name, bounds, unit)
    if form.fev1_l is not None and form.fvc_l is not None and form.fev1_l > form.fvc_l:
        raise _fail("fev1_l", f"FEV1 {form.fev1_l} L cannot exceed FVC {form.fvc_l} L")
    if CopdSymptom.NONE in form.symptoms and len(form.symptoms) > 1:
        raise _fail("symptoms", "'none' cannot be ticked with a symptom")
