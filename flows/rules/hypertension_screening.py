"""Hypertension screening cadence, out-of-office BP, referral beyond emergencies, the HTN-2020 target and the
first-line drug classes (CLINICAL_RULES.md §2): the parts added after hypertension.py reached its size limit.
Clauses, thresholds and labelled option sets live in _hypertension_data.

BP screening: BPHS-2017 measures residents aged ≥35 once a year; WS-T-872 widens it to every adult at the first
outpatient visit of each year (the age floor is `HypertensionSettings.screening_age_floor`, default 18). We read
"once a year, at the first visit of the year" as: the next routine screen is due from 1 January of next year;
a high-risk resident is due again 6 months after today.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

import msgspec

from flows.rules._hypertension_data import (
    ABPM_24H,
    ABPM_DAY,
    ABPM_NIGHT,
    BPHS_SCREEN_AGE,
    C_DOSE_REVIEW,
    C_DRUG_CLASSES,
    C_DX_THREE_DAYS,
    C_FIRST_RAISED,
    C_REFERRAL_FIRST,
    C_REFERRAL_FOLLOWUP,
    C_REFERRAL_MNEMONIC,
    C_SCREEN_BPHS,
    C_SCREEN_WS,
    C_TARGET_2020,
    C_TARGET_2020_65,
    C_TARGET_2020_80,
    C_TARGET_2020_COMORBID,
    DOSE_REVIEW_WEEKS,
    DX_WINDOW_DAYS,
    HIGH_RISK_INTERVAL_MONTHS,
    HOME_DBP,
    HOME_SBP,
    REFERRAL_LABELS,
    TARGET_2020,
    TARGET_2020_65,
    TARGET_2020_65_AGE,
    TARGET_2020_80_AGE,
    TARGET_2020_COMORBID,
    ReferralReason,
)
from flows.rules.base import MAX_AGE, NextStep, RuleError, add_months, check_not_after, check_range
from flows.rules.hypertension import (
    C_HIGH_RISK,
    DEFAULT_SETTINGS,
    GRADE1_DBP,
    GRADE1_SBP,
    HypertensionSettings,
    Threshold,
    check_dbp,
    check_sbp,
)

# --- screening cadence ---------------------------------------------------------------------------------


def bp_screening_applies(age: int, settings: HypertensionSettings | None = None) -> bool:
    """WS-T-872 (age floor a setting, 18) / BPHS-2017 (35): is this resident in the yearly BP screen?"""
    return age >= (settings or DEFAULT_SETTINGS).screening_age_floor


def _screen_clauses(age: int) -> tuple[str, ...]:
    return (C_SCREEN_WS, C_SCREEN_BPHS) if age >= BPHS_SCREEN_AGE else (C_SCREEN_WS,)


def bp_screening_due(
    age: int,
    last_screened: dt.date | None,
    today: dt.date,
    *,
    high_risk: bool = False,
    settings: HypertensionSettings | None = None,
) -> bool:
    """Does this visit owe the resident a screening BP? Yearly: none yet this calendar year; high risk: none in
    the last 6 months."""
    if not bp_screening_applies(age, settings):
        return False
    if last_screened is None:
        return True
    check_not_after(last_screened, today, "last_screened")
    if high_risk and add_months(last_screened, HIGH_RISK_INTERVAL_MONTHS) <= today:
        return True
    return last_screened.year < today.year


def next_bp_screening(
    age: int, today: dt.date, *, high_risk: bool, settings: HypertensionSettings | None = None
) -> NextStep | None:
    """When to measure BP again for a resident without hypertension (None below the age floor)."""
    if not bp_screening_applies(age, settings):
        return None
    if high_risk:
        return NextStep(
            code="htn.screen.six_months",
            summary="High-risk group: measure BP again in 6 months, with lifestyle advice",
            clauses=(C_HIGH_RISK,),
            due=add_months(today, HIGH_RISK_INTERVAL_MONTHS),
        )
    return NextStep(
        code="htn.screen.yearly",
        summary="Measure BP at the first outpatient visit of next year",
        clauses=_screen_clauses(age),
        due=dt.date(today.year + 1, 1, 1),
    )


def is_raised(sbp: float, dbp: float) -> bool:
    """An office reading at or above 140 and/or 90 mmHg (grade 1 or higher)."""
    return sbp >= GRADE1_SBP or dbp >= GRADE1_DBP


def first_reading_recheck(
    sbp: int, dbp: int, today: dt.date, settings: HypertensionSettings | None = None
) -> NextStep | None:
    """BPHS-2017: a raised reading in a resident not known to be hypertensive → recheck on another day."""
    check_sbp(sbp)
    check_dbp(dbp)
    if not is_raised(sbp, dbp):
        return None
    s = settings or DEFAULT_SETTINGS
    return NextStep(
        code="htn.recheck_bp",
        summary=f"BP {sbp}/{dbp} ≥{GRADE1_SBP}/{GRADE1_DBP}: remove transient causes, recheck on another day "
        f"(3 raised days within {DX_WINDOW_DAYS} days confirm hypertension)",
        clauses=(C_FIRST_RAISED, C_DX_THREE_DAYS),
        due=today + dt.timedelta(days=s.recheck_interval_days),
    )


# --- out-of-office BP ------------------------------------------------------------------------------------


def _check_mean(sbp: float, dbp: float, field: str) -> None:
    check_sbp(sbp, f"{field}.sbp")
    check_dbp(dbp, f"{field}.dbp")


def home_bp_raised(sbp_mean: float, dbp_mean: float) -> bool:
    """HTN-2020 [V]: home BP mean ≥135 and/or ≥85 mmHg."""
    _check_mean(sbp_mean, dbp_mean, "home_bp")
    return sbp_mean >= HOME_SBP or dbp_mean >= HOME_DBP


class AbpmMeans(msgspec.Struct, frozen=True, kw_only=True):
    """Ambulatory means (SBP, DBP) of each period; a period not reported is None."""

    day24: tuple[float, float] | None = None
    daytime: tuple[float, float] | None = None
    night: tuple[float, float] | None = None


def abpm_raised(m: AbpmMeans) -> tuple[str, ...]:
    """HTN-2020 [V2]: the periods whose mean is at or above its limit (empty: none raised)."""
    raised: list[str] = []
    for name, means, (sbp_limit, dbp_limit) in (
        ("day24", m.day24, ABPM_24H),
        ("daytime", m.daytime, ABPM_DAY),
        ("night", m.night, ABPM_NIGHT),
    ):
        if means is not None:
            _check_mean(means[0], means[1], f"abpm.{name}")
            if means[0] >= sbp_limit or means[1] >= dbp_limit:
                raised.append(name)
    return tuple(raised)


# --- referral beyond emergencies [U] -------------------------------------------------------------------------

MAX_INTER_ARM_DIFFERENCE: Final = 150  # plausibility (ours), mmHg


class FirstDiagnosisFacts(msgspec.Struct, frozen=True, kw_only=True):
    """What the doctor knows when hypertension is first diagnosed."""

    onset_age: int | None = None
    sbp_after_short_term_treatment: int | None = None
    dbp_after_short_term_treatment: int | None = None
    suspected_organ_complication: bool = False
    pregnant_or_lactating: bool = False
    proteinuria_or_haematuria: bool = False
    unexplained_hypokalaemia: bool = False
    paroxysmal_rises_with_symptoms: bool = False
    inter_arm_sbp_difference: int | None = None  # mmHg, absolute


class FollowupFacts(msgspec.Struct, frozen=True, kw_only=True):
    """What the doctor knows at a follow-up of a managed patient."""

    controlled: bool
    full_dose_drug_count: int = 0
    on_diuretic: bool = False
    months_of_standard_treatment: int = 0
    large_fluctuations: bool = False
    hard_to_manage_adverse_reaction: bool = False
    new_target_organ_damage: bool = False


class Referral(msgspec.Struct, frozen=True, kw_only=True):
    reason: ReferralReason
    zh: str
    en: str
    clauses: tuple[str, ...]


def _first_diagnosis(f: FirstDiagnosisFacts, s: HypertensionSettings) -> list[ReferralReason]:
    if f.sbp_after_short_term_treatment is not None:
        check_sbp(f.sbp_after_short_term_treatment)
    if f.dbp_after_short_term_treatment is not None:
        check_dbp(f.dbp_after_short_term_treatment)
    if f.onset_age is not None:
        check_range(f.onset_age, "onset_age", (0, MAX_AGE), "years")
    if f.inter_arm_sbp_difference is not None:
        check_range(
            f.inter_arm_sbp_difference, "inter_arm_sbp_difference", (0, MAX_INTER_ARM_DIFFERENCE), "mmHg"
        )
    sbp, dbp = f.sbp_after_short_term_treatment or 0, f.dbp_after_short_term_treatment or 0
    checks = (
        (
            ReferralReason.PERSISTENT_SEVERE_BP,
            sbp >= s.referral_persistent_sbp or dbp >= s.referral_persistent_dbp,
        ),
        (ReferralReason.SUSPECTED_ORGAN_COMPLICATION, f.suspected_organ_complication),
        (ReferralReason.PREGNANCY_OR_LACTATION, f.pregnant_or_lactating),
        (ReferralReason.EARLY_ONSET, f.onset_age is not None and f.onset_age < s.referral_onset_age_below),
        (ReferralReason.PROTEINURIA_OR_HAEMATURIA, f.proteinuria_or_haematuria),
        (ReferralReason.UNEXPLAINED_HYPOKALAEMIA, f.unexplained_hypokalaemia),
        (ReferralReason.PAROXYSMAL_RISES, f.paroxysmal_rises_with_symptoms),
        (
            ReferralReason.INTER_ARM_DIFFERENCE,
            (f.inter_arm_sbp_difference or 0) > s.referral_inter_arm_sbp_diff,
        ),
    )
    return [reason for reason, hit in checks if hit]


def _followup(f: FollowupFacts, s: HypertensionSettings) -> list[ReferralReason]:
    for name in ("full_dose_drug_count", "months_of_standard_treatment"):
        if getattr(f, name) < 0:
            raise RuleError(f"{name} must not be negative, got {getattr(f, name)}", field=name)
    resistant = f.full_dose_drug_count >= s.referral_resistant_drug_count and f.on_diuretic
    checks = (
        (ReferralReason.RESISTANT, not f.controlled and resistant),
        (
            ReferralReason.UNCONTROLLED_AFTER_STANDARD_TREATMENT,
            not f.controlled and f.months_of_standard_treatment >= s.referral_uncontrolled_months,
        ),
        (ReferralReason.LARGE_FLUCTUATIONS, f.large_fluctuations),
        (ReferralReason.HARD_TO_MANAGE_ADVERSE_REACTION, f.hard_to_manage_adverse_reaction),
        (ReferralReason.NEW_TARGET_ORGAN_DAMAGE, f.new_target_organ_damage),
    )
    return [reason for reason, hit in checks if hit]


def referral_reasons(
    facts: FirstDiagnosisFacts | FollowupFacts, settings: HypertensionSettings | None = None
) -> tuple[Referral, ...]:
    """HTN-2020/2025 [U] reasons to refer up outside an emergency (empty: none). The thresholds are
    `HypertensionSettings` fields — a site can override them in `[rules.hypertension]` of its configuration."""
    s = settings or DEFAULT_SETTINGS
    if isinstance(facts, FirstDiagnosisFacts):
        reasons, stage = _first_diagnosis(facts, s), C_REFERRAL_FIRST
    else:
        reasons, stage = _followup(facts, s), C_REFERRAL_FOLLOWUP
    return tuple(
        Referral(
            reason=r,
            zh=REFERRAL_LABELS[r][0],
            en=REFERRAL_LABELS[r][1],
            clauses=(stage, C_REFERRAL_MNEMONIC),
        )
        for r in reasons
    )


# --- HTN-2020 clinical target (beside the HTN-2025 one in hypertension.clinical_target) ----------------------


class Target2020(msgspec.Struct, frozen=True, kw_only=True):
    """The first target, and the stricter one to aim for if the patient tolerates it (None: no further step)."""

    first: Threshold
    if_tolerated: Threshold | None


def _threshold(limits: tuple[int, int], *clauses: str) -> Threshold:
    return Threshold(sbp_below=limits[0], dbp_below=limits[1], clauses=clauses)


def clinical_target_2020(
    age: int,
    *,
    diabetes: bool = False,
    coronary_disease: bool = False,
    heart_failure: bool = False,
    ckd_with_proteinuria: bool = False,
    settings: HypertensionSettings | None = None,
) -> Target2020:
    """HTN-2020 target (advice to the doctor, never the programme threshold).

    Our reading where the guideline is silent: the age band sets the first target; the if-tolerated target is
    the stricter of those that apply (comorbidity <130/80, age 65–79 <140/90); at ≥80 there is no further step.
    """
    s = settings or DEFAULT_SETTINGS
    if age >= TARGET_2020_80_AGE:
        limits = (s.target_2020_80_sbp_below, s.target_2020_80_dbp_below)
        return Target2020(first=_threshold(limits, C_TARGET_2020_80), if_tolerated=None)
    comorbid = diabetes or coronary_disease or heart_failure or ckd_with_proteinuria
    if age >= TARGET_2020_65_AGE:
        first = _threshold(TARGET_2020_65, C_TARGET_2020_65)
        tolerated = (
            _threshold(TARGET_2020_COMORBID, C_TARGET_2020_65, C_TARGET_2020_COMORBID)
            if comorbid
            else _threshold(TARGET_2020, C_TARGET_2020_65)
        )
        return Target2020(first=first, if_tolerated=tolerated)
    first = _threshold(TARGET_2020, C_TARGET_2020)
    if comorbid:
        return Target2020(first=first, if_tolerated=_threshold(TARGET_2020_COMORBID, C_TARGET_2020_COMORBID))
    return Target2020(first=first, if_tolerated=None)


# --- first-line drug classes [V2] -------------------------------------------------------------------------


def dose_change_review(changed_on: dt.date) -> NextStep:
    """HTN-2020 [V2]: review 2–4 weeks after a dose change; due at the end of the window."""
    low, high = DOSE_REVIEW_WEEKS
    return NextStep(
        code="htn.dose_review",
        summary=f"Review BP and tolerance {low}–{high} weeks after the dose change",
        clauses=(C_DOSE_REVIEW, C_DRUG_CLASSES),
        due=changed_on + dt.timedelta(weeks=high),
    )
