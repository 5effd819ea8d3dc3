"""Hypertension screening cadence, out-of-office BP, referral, HTN-2020 target, drug classes (CLINICAL_RULES.md §2)."""

from __future__ import annotations

import datetime as dt

import pytest

from flows.model import Sex
from flows.rules import _hypertension_data as hd
from flows.rules import diagnosis
from flows.rules import hypertension_screening as hs
from flows.rules.base import CLAUSES, Confidence, RuleError
from flows.rules.hypertension import HypertensionSettings

TODAY = dt.date(2026, 3, 10)
BPHS_FLOOR = HypertensionSettings(screening_age_floor=35)


@pytest.mark.parametrize(
    ("age", "settings", "applies"),
    [
        pytest.param(17, None, False, id="WS-T-872 §筛查: age 17 → not screened"),
        pytest.param(18, None, True, id="WS-T-872 §筛查: age 18 → screened"),
        pytest.param(34, BPHS_FLOOR, False, id="BPHS-2017 §筛查 (floor 35): age 34 → not screened"),
        pytest.param(35, BPHS_FLOOR, True, id="BPHS-2017 §筛查 (floor 35): age 35 → screened"),
    ],
)
def test_screening_age_floor(age: int, settings: HypertensionSettings | None, applies: bool) -> None:
    assert hs.bp_screening_applies(age, settings) is applies
    step = hs.next_bp_screening(age, TODAY, high_risk=False, settings=settings)
    assert (step is not None) is applies


@pytest.mark.parametrize(
    ("age", "high_risk", "code", "due", "clauses"),
    [
        pytest.param(
            34,
            False,
            "htn.screen.yearly",
            dt.date(2027, 1, 1),
            (hd.C_SCREEN_WS,),
            id="WS-T-872 §筛查: age 34 → first visit of next year",
        ),
        pytest.param(
            35,
            False,
            "htn.screen.yearly",
            dt.date(2027, 1, 1),
            (hd.C_SCREEN_WS, hd.C_SCREEN_BPHS),
            id="BPHS-2017 §筛查: age 35 → yearly, both documents",
        ),
        pytest.param(
            40,
            True,
            "htn.screen.six_months",
            dt.date(2026, 9, 10),
            ("HTN.high_risk",),
            id="BPHS-2017 §筛查: high-risk group → BP in 6 months",
        ),
    ],
)
def test_next_bp_screening(
    age: int, high_risk: bool, code: str, due: dt.date, clauses: tuple[str, ...]
) -> None:
    step = hs.next_bp_screening(age, TODAY, high_risk=high_risk)
    assert step is not None
    assert (step.code, step.due, step.clauses) == (code, due, clauses)


@pytest.mark.parametrize(
    ("last", "high_risk", "due"),
    [
        pytest.param(None, False, True, id="WS-T-872: never screened → due"),
        pytest.param(dt.date(2025, 12, 31), False, True, id="WS-T-872: last screen last year → due"),
        pytest.param(dt.date(2026, 1, 2), False, False, id="WS-T-872: screened this year → not due"),
        pytest.param(dt.date(2025, 9, 10), True, True, id="BPHS-2017: high risk, 6 months ago → due"),
        pytest.param(dt.date(2025, 9, 11), True, True, id="BPHS-2017: high risk, last year → due (new year)"),
        pytest.param(dt.date(2026, 1, 11), True, False, id="BPHS-2017: high risk, 2 months ago → not due"),
    ],
)
def test_bp_screening_due(last: dt.date | None, high_risk: bool, due: bool) -> None:
    assert hs.bp_screening_due(50, last, TODAY, high_risk=high_risk) is due


def test_bp_screening_due_refuses_future_date() -> None:
    with pytest.raises(RuleError) as e:
        hs.bp_screening_due(50, TODAY + dt.timedelta(days=1), TODAY)
    assert e.value.field == "last_screened"


@pytest.mark.parametrize(
    ("sbp", "dbp", "recheck"),
    [
        pytest.param(139, 89, False, id="BPHS-2017 §筛查: 139/89 → no recheck"),
        pytest.param(140, 70, True, id="BPHS-2017 §筛查: SBP 140 → recheck on another day"),
        pytest.param(120, 90, True, id="BPHS-2017 §筛查: DBP 90 → recheck on another day"),
    ],
)
def test_first_reading_recheck(sbp: int, dbp: int, recheck: bool) -> None:
    step = hs.first_reading_recheck(sbp, dbp, TODAY)
    assert (step is not None) is recheck
    if step is not None:
        assert step.due == TODAY + dt.timedelta(days=7)
        assert step.clauses == (hd.C_FIRST_RAISED, hd.C_DX_THREE_DAYS)
        sooner = hs.first_reading_recheck(sbp, dbp, TODAY, HypertensionSettings(recheck_interval_days=3))
        assert sooner is not None
        assert sooner.due == TODAY + dt.timedelta(days=3)


@pytest.mark.parametrize(
    ("sbp", "dbp", "raised"),
    [
        pytest.param(134, 84, False, id="HTN-2020 §诊断 home: 134/84 → not raised"),
        pytest.param(135, 84, True, id="HTN-2020 §诊断 home: SBP 135 → raised"),
        pytest.param(134, 85, True, id="HTN-2020 §诊断 home: DBP 85 → raised"),
        pytest.param(134.6, 84.9, False, id="HTN-2020 §诊断 home: means 134.6/84.9 → not raised"),
    ],
)
def test_home_bp(sbp: float, dbp: float, raised: bool) -> None:
    assert hs.home_bp_raised(sbp, dbp) is raised
    assert CLAUSES[hd.C_HOME].confidence is Confidence.V


@pytest.mark.parametrize(
    ("means", "raised"),
    [
        pytest.param(hs.AbpmMeans(day24=(129, 79)), (), id="HTN-2020 §诊断 ABPM: 24 h 129/79 → not raised"),
        pytest.param(
            hs.AbpmMeans(day24=(130, 79)), ("day24",), id="HTN-2020 §诊断 ABPM: 24 h SBP 130 → raised"
        ),
        pytest.param(
            hs.AbpmMeans(day24=(129, 80)), ("day24",), id="HTN-2020 §诊断 ABPM: 24 h DBP 80 → raised"
        ),
        pytest.param(hs.AbpmMeans(daytime=(134, 84)), (), id="HTN-2020 §诊断 ABPM: day 134/84 → not raised"),
        pytest.param(
            hs.AbpmMeans(daytime=(135, 84)), ("daytime",), id="HTN-2020 §诊断 ABPM: day 135 → raised"
        ),
        pytest.param(hs.AbpmMeans(night=(119, 69)), (), id="HTN-2020 §诊断 ABPM: night 119/69 → not raised"),
        pytest.param(
            hs.AbpmMeans(night=(119, 70)), ("night",), id="HTN-2020 §诊断 ABPM: night DBP 70 → raised"
        ),
        pytest.param(
            hs.AbpmMeans(day24=(131, 75), daytime=(133, 80), night=(121, 65)),
            ("day24", "night"),
            id="HTN-2020 §诊断 ABPM: each period judged on its own",
        ),
    ],
)
def test_abpm(means: hs.AbpmMeans, raised: tuple[str, ...]) -> None:
    assert hs.abpm_raised(means) == raised
    assert CLAUSES[hd.C_ABPM].confidence is Confidence.V2


def test_impossible_out_of_office_means_are_refused() -> None:
    with pytest.raises(RuleError) as e:
        hs.home_bp_raised(400, 80)
    assert e.value.field == "home_bp.sbp"
    with pytest.raises(RuleError) as e:
        hs.abpm_raised(hs.AbpmMeans(night=(120, 5)))
    assert e.value.field == "abpm.night.dbp"


R = hd.ReferralReason
FD = hs.FirstDiagnosisFacts
FU = hs.FollowupFacts


@pytest.mark.parametrize(
    ("facts", "reasons"),
    [
        pytest.param(FD(), (), id="HTN-2020 §转诊 [U]: nothing → no referral"),
        pytest.param(
            FD(sbp_after_short_term_treatment=179, dbp_after_short_term_treatment=109),
            (),
            id="HTN-2020 §转诊 [U]: 179/109 after treatment → none",
        ),
        pytest.param(
            FD(sbp_after_short_term_treatment=180, dbp_after_short_term_treatment=100),
            (R.PERSISTENT_SEVERE_BP,),
            id="HTN-2020 §转诊 [U]: SBP 180 despite treatment → refer",
        ),
        pytest.param(
            FD(sbp_after_short_term_treatment=170, dbp_after_short_term_treatment=110),
            (R.PERSISTENT_SEVERE_BP,),
            id="HTN-2020 §转诊 [U]: DBP 110 despite treatment → refer",
        ),
        pytest.param(FD(onset_age=30), (), id="HTN-2020 §转诊 [U]: onset at 30 → none"),
        pytest.param(FD(onset_age=29), (R.EARLY_ONSET,), id="HTN-2020 §转诊 [U]: onset at 29 → refer"),
        pytest.param(FD(inter_arm_sbp_difference=20), (), id="HTN-2020 §转诊 [U]: inter-arm 20 → none"),
        pytest.param(
            FD(inter_arm_sbp_difference=21),
            (R.INTER_ARM_DIFFERENCE,),
            id="HTN-2020 §转诊 [U]: inter-arm 21 → refer",
        ),
        pytest.param(
            FD(
                suspected_organ_complication=True,
                pregnant_or_lactating=True,
                proteinuria_or_haematuria=True,
                unexplained_hypokalaemia=True,
                paroxysmal_rises_with_symptoms=True,
            ),
            (
                R.SUSPECTED_ORGAN_COMPLICATION,
                R.PREGNANCY_OR_LACTATION,
                R.PROTEINURIA_OR_HAEMATURIA,
                R.UNEXPLAINED_HYPOKALAEMIA,
                R.PAROXYSMAL_RISES,
            ),
            id="HTN-2020 §转诊 [U]: every yes/no reason at first diagnosis",
        ),
        pytest.param(
            FU(controlled=True, full_dose_drug_count=3, on_diuretic=True), (), id="follow-up: controlled"
        ),
        pytest.param(
            FU(controlled=False, full_dose_drug_count=2, on_diuretic=True),
            (),
            id="HTN-2020 §转诊 [U]: 2 drugs at full dose → none",
        ),
        pytest.param(
            FU(controlled=False, full_dose_drug_count=3, on_diuretic=False),
            (),
            id="HTN-2020 §转诊 [U]: 3 drugs without a diuretic → none",
        ),
        pytest.param(
            FU(controlled=False, full_dose_drug_count=3, on_diuretic=True),
            (R.RESISTANT,),
            id="HTN-2020 §转诊 [U]: uncontrolled on 3 drugs incl. a diuretic → refer",
        ),
        pytest.param(
            FU(controlled=False, months_of_standard_treatment=2), (), id="HTN-2020 §转诊 [U]: 2 months → none"
        ),
        pytest.param(
            FU(controlled=False, months_of_standard_treatment=3),
            (R.UNCONTROLLED_AFTER_STANDARD_TREATMENT,),
            id="HTN-2020 §转诊 [U]: uncontrolled after 3 months → refer",
        ),
        pytest.param(
            FU(
                controlled=True,
                large_fluctuations=True,
                hard_to_manage_adverse_reaction=True,
                new_target_organ_damage=True,
            ),
            (R.LARGE_FLUCTUATIONS, R.HARD_TO_MANAGE_ADVERSE_REACTION, R.NEW_TARGET_ORGAN_DAMAGE),
            id="HTN-2020 §转诊 [U]: fluctuations, adverse reaction, new organ damage",
        ),
    ],
)
def test_referral_reasons(
    facts: hs.FirstDiagnosisFacts | hs.FollowupFacts, reasons: tuple[hd.ReferralReason, ...]
) -> None:
    found = hs.referral_reasons(facts)
    assert tuple(r.reason for r in found) == reasons
    stage = hd.C_REFERRAL_FIRST if isinstance(facts, hs.FirstDiagnosisFacts) else hd.C_REFERRAL_FOLLOWUP
    for r in found:
        assert r.clauses == (stage, hd.C_REFERRAL_MNEMONIC)
        assert (r.zh, r.en) == hd.REFERRAL_LABELS[r.reason]
    assert CLAUSES[stage].confidence is Confidence.U


def test_referral_thresholds_are_settings() -> None:
    lenient = HypertensionSettings(referral_onset_age_below=25, referral_inter_arm_sbp_diff=30)
    assert hs.referral_reasons(FD(onset_age=29, inter_arm_sbp_difference=21), lenient) == ()
    strict = HypertensionSettings(referral_uncontrolled_months=6, referral_resistant_drug_count=4)
    facts = FU(controlled=False, months_of_standard_treatment=3, full_dose_drug_count=3, on_diuretic=True)
    assert hs.referral_reasons(facts, strict) == ()


@pytest.mark.parametrize(
    ("facts", "field"),
    [
        pytest.param(FD(onset_age=-1), "onset_age", id="negative onset age"),
        pytest.param(FD(inter_arm_sbp_difference=200), "inter_arm_sbp_difference", id="impossible inter-arm"),
        pytest.param(FD(sbp_after_short_term_treatment=400), "sbp", id="impossible SBP"),
        pytest.param(
            FU(controlled=False, full_dose_drug_count=-1), "full_dose_drug_count", id="negative count"
        ),
    ],
)
def test_referral_bad_input(facts: hs.FirstDiagnosisFacts | hs.FollowupFacts, field: str) -> None:
    with pytest.raises(RuleError) as e:
        hs.referral_reasons(facts)
    assert e.value.field == field


@pytest.mark.parametrize(
    ("age", "comorbid", "first", "tolerated", "clauses"),
    [
        pytest.param(
            64, False, (140, 90), None, (hd.C_TARGET_2020,), id="HTN-2020 §降压目标: age 64 → <140/90"
        ),
        pytest.param(
            64,
            True,
            (140, 90),
            (130, 80),
            (hd.C_TARGET_2020, hd.C_TARGET_2020_COMORBID),
            id="HTN-2020 §降压目标: diabetes → <130/80 if tolerated",
        ),
        pytest.param(
            65,
            False,
            (150, 90),
            (140, 90),
            (hd.C_TARGET_2020_65,),
            id="HTN-2020 §降压目标: age 65 → <150/90 then <140/90",
        ),
        pytest.param(
            79,
            True,
            (150, 90),
            (130, 80),
            (hd.C_TARGET_2020_65, hd.C_TARGET_2020_COMORBID),
            id="HTN-2020 §降压目标: age 79 with diabetes → stricter if-tolerated target",
        ),
        pytest.param(
            80, True, (150, 90), None, (hd.C_TARGET_2020_80,), id="HTN-2020 §降压目标 [U]: age 80 → <150/90"
        ),
    ],
)
def test_clinical_target_2020(
    age: int,
    comorbid: bool,
    first: tuple[int, int],
    tolerated: tuple[int, int] | None,
    clauses: tuple[str, ...],
) -> None:
    target = hs.clinical_target_2020(age, diabetes=comorbid)
    assert (target.first.sbp_below, target.first.dbp_below) == first
    got = (
        None
        if target.if_tolerated is None
        else (target.if_tolerated.sbp_below, target.if_tolerated.dbp_below)
    )
    assert got == tolerated
    used = target.first.clauses + (target.if_tolerated.clauses if target.if_tolerated else ())
    assert set(used) == set(clauses)


@pytest.mark.parametrize("flag", ["diabetes", "coronary_disease", "heart_failure", "ckd_with_proteinuria"])
def test_every_comorbidity_tightens_the_2020_target(flag: str) -> None:
    target = hs.clinical_target_2020(
        50,
        diabetes=flag == "diabetes",
        coronary_disease=flag == "coronary_disease",
        heart_failure=flag == "heart_failure",
        ckd_with_proteinuria=flag == "ckd_with_proteinuria",
    )
    assert target.if_tolerated is not None
    assert (target.if_tolerated.sbp_below, target.if_tolerated.dbp_below) == (130, 80)


def test_2020_target_for_80_is_a_setting() -> None:
    target = hs.clinical_target_2020(85, settings=HypertensionSettings(target_2020_80_sbp_below=140))
    assert target.first.sbp_below == 140


def test_drug_classes_and_dose_review() -> None:
    assert [c.value for c in hd.DrugClass] == ["A", "B", "C", "D"]
    assert all(zh and en for zh, en in hd.DRUG_CLASSES.values())
    assert "利尿剂" in hd.DRUG_CLASSES[hd.DrugClass.D][0]
    step = hs.dose_change_review(TODAY)
    assert step.due == TODAY + dt.timedelta(weeks=4)
    assert step.clauses == (hd.C_DOSE_REVIEW, hd.C_DRUG_CLASSES)
    assert CLAUSES[hd.C_DOSE_REVIEW].confidence is Confidence.V2


def test_labels_cover_every_option_and_every_clause_is_cited() -> None:
    assert set(hd.REFERRAL_LABELS) == set(hd.ReferralReason)
    assert set(hd.DRUG_CLASSES) == set(hd.DrugClass)
    ids = {v for k, v in vars(hd).items() if k.startswith("C_")}
    assert len(ids) == 16
    steps = [
        hs.next_bp_screening(40, TODAY, high_risk=False),
        hs.first_reading_recheck(150, 95, TODAY),
        hs.dose_change_review(TODAY),
    ]
    cited = {c for s in steps if s is not None for c in s.clauses}
    for facts in (FD(onset_age=20), FU(controlled=False, months_of_standard_treatment=6)):
        cited.update(c for r in hs.referral_reasons(facts) for c in r.clauses)
    for age in (50, 70, 85):
        target = hs.clinical_target_2020(age, diabetes=True)
        cited.update(target.first.clauses + (target.if_tolerated.clauses if target.if_tolerated else ()))
    history = diagnosis.History(
        on_antihypertensives=True, home_bp_mean=(140, 90), abpm=hs.AbpmMeans(day24=(135, 85))
    )
    found = diagnosis.evaluate(history, age=50, sex=Sex.MALE, today=TODAY)
    cited.update(c for criterion in found for c in criterion.clauses)
    assert ids <= cited
    assert all(c in CLAUSES for c in cited)
