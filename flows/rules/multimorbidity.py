"""Multimorbidity management (多病共管, CLINICAL_RULES.md §11, OPINION-2025): one visit, a class per disease.

No national merged form exists; §11 is our design. One visit records the union of the per-disease blocks and each
disease keeps its own class: hypertension and diabetes by the BPHS-2017 scheme (flows.rules.followup) against
their programme thresholds, COPD by the COPD-2024 [U] scheme (flows.rules.copd). Beside each class stands the
clinical target (HTN-2025, DM-2022) and whether today's value meets it; the target never changes the class.
The earliest next date wins; one referral carries every disease's reasons.

Decisions (ours):
- A hypertension follow-up without a BP, or a diabetes one without an FPG, is refused (RuleError naming the
  field): an older reading is never reused (§10).
- Obesity and dyslipidaemia have no BPHS-2017 follow-up class, so they are refused as follow-up items; pass them
  in `comorbidities` (their plans come from flows.rules.plans). A value that does not belong to a disease's
  block (an FPG on a hypertension item) is refused rather than silently ignored.
- The structural clauses are tagged [U]: they are our design, not a published rule. They are hard-wired because
  nothing else is safe (a later date would miss a disease's own deadline). The polypharmacy threshold (≥5 drugs)
  is [U] and a setting — a site can override it in `[rules.multimorbidity]` of its configuration.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from typing import Final

import msgspec

from flows.model import Condition
from flows.rules import copd, diabetes, followup, hypertension
from flows.rules.base import MAX_AGE, Confidence, Finding, RuleError, Severity, Source, check_int, clause
from flows.rules.copd import CopdFollowupClass, CopdSettings
from flows.rules.followup import FollowupClass

_SECTION = "多病共管 (CLINICAL_RULES.md §11, our design)"

# OPINION-2025 / §11 [U]: ≥5 drugs (多重用药) → pharmacist guidance; the default of a setting.
POLYPHARMACY_DRUGS: Final = 5
MAX_DRUG_COUNT: Final = 50  # plausibility (ours)

CL_PER_DISEASE: Final = clause(
    "MM.per_disease",
    Source.OPINION_2025,
    _SECTION,
    Confidence.U,
    "Our design: one visit records the union of the per-disease blocks; each disease keeps its own class.",
)
CL_EARLIEST: Final = clause(
    "MM.earliest_next_date",
    Source.OPINION_2025,
    _SECTION,
    Confidence.U,
    "Our design: the earliest next follow-up date of the diseases wins.",
)
CL_ONE_REFERRAL: Final = clause(
    "MM.one_referral",
    Source.OPINION_2025,
    _SECTION,
    Confidence.U,
    "Our design: one referral carries every disease's reasons.",
)
CL_POLYPHARMACY: Final = clause(
    "MM.polypharmacy",
    Source.OPINION_2025,
    _SECTION,
    Confidence.U,
    "A patient on ≥5 drugs (多重用药) is flagged for a pharmacist's medication review (overridable).",
)

_FOLLOWUP_CONDITIONS: Final = (Condition.HYPERTENSION, Condition.DIABETES, Condition.COPD)

# BPHS-2017 clauses that recommend referral → (reason code, summary)
_REFERRAL_REASON: Final = {
    followup.C_TWO_UNCONTROLLED: ("uncontrolled.two_consecutive", "two consecutive uncontrolled visits"),
    followup.C_ADVERSE_PERSISTING: ("adverse_reaction.persisting", "adverse reaction persists"),
    followup.C_COMPLICATION: ("complication", "new or worse complication"),
}


class MultimorbiditySettings(msgspec.Struct, frozen=True, kw_only=True):
    """[U] — a site can override it in `[rules.multimorbidity]` of its configuration."""

    polypharmacy_drugs: int = POLYPHARMACY_DRUGS  # pharmacist review from this many drugs


class DiseaseFollowup(msgspec.Struct, frozen=True, kw_only=True):
    """One disease's block of today's follow-up. Only the values of its own block may be given."""

    condition: Condition
    sbp: int | None = None  # hypertension (required); diabetes (optional, emergency check)
    dbp: int | None = None
    fpg: float | None = None  # diabetes (required), mmol/L
    copd_stable: bool | None = None  # COPD (required)
    adverse_reaction: bool = False
    adverse_persisting: bool = False
    new_or_worse_complication: bool = False
    previous: FollowupClass | None = None  # hypertension, diabetes: the previous visit's class
    copd_previous: CopdFollowupClass | None = None  # COPD: the previous visit's class


class ReferralReason(msgspec.Struct, frozen=True, kw_only=True):
    condition: Condition
    code: str  # emergency | uncontrolled.two_consecutive | unstable.two_consecutive | adverse_reaction.persisting …
    summary: str
    clauses: tuple[str, ...]


class DiseaseAssessment(msgspec.Struct, frozen=True, kw_only=True):
    condition: Condition
    cls: FollowupClass | None  # hypertension, diabetes (BPHS-2017)
    copd_cls: CopdFollowupClass | None  # COPD (COPD-2024 [U])
    referral: bool
    interval_days: int
    next_date: dt.date
    controlled: bool  # the programme threshold was met (COPD: stable)
    threshold: str  # the programme threshold applied, e.g. "<150/90 mmHg"
    target: str  # the clinical target, e.g. "<130/80 mmHg"; "" when there is none (COPD)
    target_met: bool | None  # None when there is no target
    clauses: tuple[str, ...]
    findings: tuple[Finding, ...]
    referral_reasons: tuple[ReferralReason, ...] = ()


class MultimorbidityResult(msgspec.Struct, frozen=True, kw_only=True):
    diseases: tuple[DiseaseAssessment, ...]
    next_date: dt.date  # the earliest of the diseases' dates
    interval_days: int
    referral: bool
    emergency: bool  # a reason is an emergency referral (紧急转诊): refer at once
    referral_reasons: tuple[ReferralReason, ...]  # one referral, every reason
    pharmacist_review: bool
    drug_count: int
    conditions: tuple[Condition, ...]  # followed up today and comorbidities, in the order of Condition
    findings: tuple[Finding, ...]  # visit-level findings (polypharmacy)
    clauses: tuple[str, ...]


def _refuse(item: DiseaseFollowup, field: str, why: str) -> RuleError:
    return RuleError(
        f"{item.condition.value} follow-up: {field} {why}", field=field, details={"condition": item.condition}
    )


def _only(item: DiseaseFollowup, allowed: Collection[str]) -> None:
    for field in ("sbp", "dbp", "fpg", "copd_stable", "previous", "copd_previous"):
        if field not in allowed and getattr(item, field) is not None:
            raise _refuse(item, field, f"is not part of the {item.condition.value} block")


def _missing(item: DiseaseFollowup, field: str) -> RuleError:
    return _refuse(item, field, "is missing: today's value is needed, an older reading is never reused")


def _bphs_assessment(
    item: DiseaseFollowup,
    today: dt.date,
    *,
    controlled: bool,
    target_code: str,
    threshold: tuple[str, tuple[str, ...]],
    target: tuple[str, tuple[str, ...]],
    target_met: bool,
    measured: tuple[str, dict[str, float | int | str]],
    emergency: Finding | None,
) -> DiseaseAssessment:
    """Hypertension and diabetes alike: the BPHS-2017 class from the programme threshold, today's value against
    the clinical target (advice to the doctor, never the class), the emergency check; `threshold` and `target`
    are (text, clauses), `measured` is (what was measured, its values)."""
    r = followup.classify(
        followup.FollowupInput(
            controlled=controlled,
            adverse_reaction=item.adverse_reaction,
            adverse_persisting=item.adverse_persisting,
            new_or_worse_complication=item.new_or_worse_complication,
            previous=item.previous,
        ),
        today,
    )
    target_finding = Finding(
        code=f"{target_code}.{'met' if target_met else 'not_met'}",
        severity=Severity.INFO if target_met else Severity.ADVICE,
        summary=measured[0] + (" meets" if target_met else " does not meet") + " the clinical target",
        clauses=target[1],
        values=measured[1],
    )
    reasons = [
        ReferralReason(condition=item.condition, code=code, summary=summary, clauses=(c,))
        for c in r.clauses
        if c in _REFERRAL_REASON
        for code, summary in (_REFERRAL_REASON[c],)
    ]
    days = r.interval_days
    if emergency is not None:
        reasons.insert(
            0,
            ReferralReason(
                condition=item.condition,
                code="emergency",
                summary=emergency.summary,
                clauses=emergency.clauses,
            ),
        )
        # An emergency referral is followed up within 2 weeks (BPHS-2017 §紧急转诊), whatever the class says.
        days = min(days, followup.SHORT_INTERVAL_DAYS)
    return DiseaseAssessment(
        condition=item.condition,
        cls=r.cls,
        copd_cls=None,
        referral=bool(reasons),
        interval_days=days,
        next_date=today + dt.timedelta(days=days),
        controlled=controlled,
        threshold=threshold[0],
        target=target[0],
        target_met=target_met,
        clauses=(*threshold[1], *r.clauses, *target[1], *(emergency.clauses if emergency else ())),
        findings=(target_finding, *((emergency,) if emergency else ())),
        referral_reasons=tuple(reasons),
    )


def _hypertension(item: DiseaseFollowup, age: int, today: dt.date) -> DiseaseAssessment:
    _only(item, ("sbp", "dbp", "previous"))
    if item.sbp is None:
        raise _missing(item, "sbp")
    if item.dbp is None:
        raise _missing(item, "dbp")
    programme = hypertension.programme_threshold(age)
    target = hypertension.clinical_target(age)
    target_text = f"<{target.sbp_below}/{target.dbp_below} mmHg"
    if age >= hypertension.TARGET_ELDERLY_AGE:
        target_text += " (<140/90 if tolerated)"
    return _bphs_assessment(
        item,
        today,
        controlled=hypertension.is_controlled(item.sbp, item.dbp, age),
        target_code="htn.target",
        threshold=(f"<{programme.sbp_below}/{programme.dbp_below} mmHg", programme.clauses),
        target=(target_text, target.clauses),
        target_met=target.met(item.sbp, item.dbp),
        measured=(f"BP {item.sbp}/{item.dbp} mmHg", {"sbp": item.sbp, "dbp": item.dbp}),
        emergency=hypertension.emergency_finding(item.sbp, item.dbp),
    )


_FPG_TARGET: Final = next(t for t in diabetes.CLINICAL_TARGETS if t.code == "capillary_fpg")


def _diabetes(item: DiseaseFollowup, today: dt.date) -> DiseaseAssessment:
    _only(item, ("sbp", "dbp", "fpg", "previous"))
    if item.fpg is None:
        raise _missing(item, "fpg")
    return _bphs_assessment(
        item,
        today,
        controlled=diabetes.is_fpg_controlled(item.fpg),
        target_code="dm.target.fpg",
        threshold=(f"FPG <{diabetes.CONTROL_FPG_BELOW} mmol/L", (diabetes.C_CONTROL,)),
        target=(f"FPG {_FPG_TARGET.low}–{_FPG_TARGET.high} mmol/L", (diabetes.C_TARGETS,)),
        target_met=_FPG_TARGET.met(item.fpg),
        measured=(f"FPG {item.fpg} mmol/L", {"fpg": item.fpg}),
        emergency=diabetes.emergency_finding(glucose=item.fpg, sbp=item.sbp, dbp=item.dbp),
    )


def _copd(item: DiseaseFollowup, age: int, today: dt.date, s: CopdSettings) -> DiseaseAssessment:
    _only(item, ("copd_stable", "copd_previous"))
    if item.copd_stable is None:
        raise _missing(item, "copd_stable")
    r = copd.classify_copd_followup(
        item.copd_stable,
        item.copd_previous,
        today,
        s,
        adverse_reaction=item.adverse_reaction,
        adverse_persisting=item.adverse_persisting,
        new_or_worse_complication=item.new_or_worse_complication,
    )
    findings: list[Finding] = []
    clauses = r.clauses
    if not copd.is_managed_copd(age, confirmed=True):
        clauses += (copd.CL_MANAGED,)
        findings.append(
            Finding(
                code="copd.not_managed_population",
                severity=Severity.INFO,
                summary=f"Age {age} <{copd.COPD_MANAGED_MIN_AGE}: outside the COPD-2024 managed population",
                clauses=(copd.CL_MANAGED,),
                values={"age": age},
            )
        )
    reasons: list[ReferralReason] = []
    if r.referral:
        if item.new_or_worse_complication:
            reasons.append(_copd_reason("complication", "new or worse complication"))
        if item.adverse_persisting:
            reasons.append(_copd_reason("adverse_reaction.persisting", "adverse reaction persists"))
        if not item.copd_stable and item.copd_previous is CopdFollowupClass.UNSTABLE:
            reasons.append(_copd_reason("unstable.two_consecutive", "two consecutive unstable visits"))
    return DiseaseAssessment(
        condition=item.condition,
        cls=None,
        copd_cls=r.cls,
        referral=r.referral,
        interval_days=r.interval_days,
        next_date=r.next_date,
        controlled=r.cls is CopdFollowupClass.STABLE,
        threshold="stable",
        target="",
        target_met=None,
        clauses=clauses,
        findings=tuple(findings),
        referral_reasons=tuple(reasons),
    )


def _copd_reason(code: str, summary: str) -> ReferralReason:
    return ReferralReason(
        condition=Condition.COPD, code=code, summary=summary, clauses=(copd.CL_FU_REFERRAL,)
    )


def assess_visit(
    items: Sequence[DiseaseFollowup],
    *,
    age: int,
    today: dt.date,
    drug_count: int,
    comorbidities: Collection[Condition] = (),
    settings: MultimorbiditySettings | None = None,
    copd_settings: CopdSettings | None = None,
) -> MultimorbidityResult:
    """Classify every disease followed up today and combine them (earliest date, one referral, drug review)."""
    s = settings or MultimorbiditySettings()
    check_int(age, "age", 0, MAX_AGE)
    check_int(drug_count, "drug_count", 0, MAX_DRUG_COUNT)
    if not items:
        raise RuleError("a follow-up needs at least one disease", field="items")
    seen: set[Condition] = set()
    diseases: list[DiseaseAssessment] = []
    for item in items:
        if item.condition not in _FOLLOWUP_CONDITIONS:
            raise _refuse(
                item,
                "condition",
                "has no BPHS-2017 follow-up class; list it in comorbidities (its plan is in flows.rules.plans)",
            )
        if item.condition in seen:
            raise _refuse(item, "condition", "appears twice in one visit")
        seen.add(item.condition)
        if item.condition is Condition.HYPERTENSION:
            diseases.append(_hypertension(item, age, today))
        elif item.condition is Condition.DIABETES:
            diseases.append(_diabetes(item, today))
        else:
            diseases.append(_copd(item, age, today, copd_settings or CopdSettings()))

    soonest = min(diseases, key=lambda d: d.next_date)
    reasons = tuple(r for d in diseases for r in d.referral_reasons)
    referral = any(d.referral for d in diseases)
    pharmacist = drug_count >= s.polypharmacy_drugs
    clauses = [CL_PER_DISEASE] + [c for d in diseases for c in d.clauses]
    if len(diseases) > 1:
        clauses.append(CL_EARLIEST)
    if len(reasons) > 1:
        clauses.append(CL_ONE_REFERRAL)
    findings: list[Finding] = []
    if pharmacist:
        clauses.append(CL_POLYPHARMACY)
        findings.append(
            Finding(
                code="mm.polypharmacy",
                severity=Severity.ADVICE,
                summary=f"{drug_count} drugs (≥{s.polypharmacy_drugs}): pharmacist medication review",
                clauses=(CL_POLYPHARMACY,),
                values={"drug_count": drug_count},
            )
        )
    known = seen | set(comorbidities)
    return MultimorbidityResult(
        diseases=tuple(diseases),
        next_date=soonest.next_date,
        interval_days=soonest.interval_days,
        referral=referral,
        emergency=any(r.code == "emergency" for r in reasons),
        referral_reasons=reasons,
        pharmacist_review=pharmacist,
        drug_count=drug_count,
        conditions=tuple(c for c in Condition if c in known),
        findings=tuple(findings),
        clauses=tuple(dict.fromkeys(clauses)),
    )
