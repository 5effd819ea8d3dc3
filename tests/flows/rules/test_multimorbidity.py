"""Multimorbidity (CLINICAL_RULES.md §11): one visit, a class per disease, earliest date, one referral."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
import pytest

from flows.model import Condition
from flows.rules import followup
from flows.rules import multimorbidity as mm
from flows.rules.base import CLAUSES, RuleError
from flows.rules.copd import CopdFollowupClass
from flows.rules.followup import FollowupClass

C = Condition
K = FollowupClass
CK = CopdFollowupClass
TODAY = dt.date(2026, 11, 23)
HTN = C.HYPERTENSION
DM = C.DIABETES


def item(condition: Condition, **values: Any) -> mm.DiseaseFollowup:
    return mm.DiseaseFollowup(condition=condition, **values)


def visit(
    *items: mm.DiseaseFollowup, age: int = 60, drug_count: int = 2, **kw: Any
) -> mm.MultimorbidityResult:
    return mm.assess_visit(items, age=age, today=TODAY, drug_count=drug_count, **kw)


def only(result: mm.MultimorbidityResult) -> mm.DiseaseAssessment:
    (d,) = result.diseases
    return d


# --- hypertension: programme threshold drives the class, clinical target beside it -------------------------


@pytest.mark.parametrize(
    ("age", "bp", "controlled", "target", "target_met"),
    [
        pytest.param(64, (139, 89), True, "<130/80 mmHg", False, id="BPHS-2017: age 64, 139/89 → controlled"),
        pytest.param(
            64, (140, 89), False, "<130/80 mmHg", False, id="BPHS-2017: age 64, SBP 140 → uncontrolled"
        ),
        pytest.param(
            64, (139, 90), False, "<130/80 mmHg", False, id="BPHS-2017: age 64, DBP 90 → uncontrolled"
        ),
        pytest.param(
            64, (145, 85), False, "<130/80 mmHg", False, id="BPHS-2017: age 64, 145/85 → uncontrolled"
        ),
        pytest.param(65, (145, 85), True, "<130/80 mmHg", False, id="BPHS-2017: age 65, 145/85 → controlled"),
        pytest.param(65, (149, 89), True, "<130/80 mmHg", False, id="BPHS-2017: age 65, 149/89 → controlled"),
        pytest.param(
            65, (150, 89), False, "<130/80 mmHg", False, id="BPHS-2017: age 65, SBP 150 → uncontrolled"
        ),
        pytest.param(
            65, (149, 90), False, "<130/80 mmHg", False, id="BPHS-2017: age 65, DBP 90 → uncontrolled"
        ),
        pytest.param(79, (129, 79), True, "<130/80 mmHg", True, id="HTN-2025: age 79, 129/79 meets <130/80"),
        pytest.param(
            79, (130, 79), True, "<130/80 mmHg", False, id="HTN-2025: age 79, SBP 130 misses <130/80"
        ),
        pytest.param(
            79, (129, 80), True, "<130/80 mmHg", False, id="HTN-2025: age 79, DBP 80 misses <130/80"
        ),
        pytest.param(
            80,
            (149, 89),
            True,
            "<150/90 mmHg (<140/90 if tolerated)",
            True,
            id="HTN-2025: age 80, 149/89 meets",
        ),
        pytest.param(
            80,
            (150, 89),
            False,
            "<150/90 mmHg (<140/90 if tolerated)",
            False,
            id="HTN-2025: age 80, 150 misses",
        ),
    ],
)
def test_hypertension_class_and_target(
    age: int, bp: tuple[int, int], controlled: bool, target: str, target_met: bool
) -> None:
    sbp, dbp = bp
    d = only(visit(item(HTN, sbp=sbp, dbp=dbp), age=age))
    assert d.controlled is controlled
    assert d.cls is (K.CONTROLLED if controlled else K.UNCONTROLLED)
    assert d.interval_days == (90 if controlled else 14)
    assert d.target == target
    assert d.target_met is target_met
    assert d.threshold == ("<150/90 mmHg" if age >= 65 else "<140/90 mmHg")
    assert all(c in CLAUSES for c in d.clauses)
    assert d.findings[0].code == f"htn.target.{'met' if target_met else 'not_met'}"


# --- diabetes ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fpg", "cls", "target_met", "referral", "days"),
    [
        pytest.param(6.9, K.CONTROLLED, True, False, 90, id="BPHS-2017: FPG 6.9 → controlled, target met"),
        pytest.param(
            7.0,
            K.UNCONTROLLED,
            True,
            False,
            14,
            id="BPHS-2017: FPG 7.0 → uncontrolled though DM-2022 target 4.4–7.0 is met (target never changes class)",
        ),
        pytest.param(4.4, K.CONTROLLED, True, False, 90, id="DM-2022: FPG 4.4 meets the target"),
        pytest.param(
            4.3, K.CONTROLLED, False, False, 90, id="DM-2022: FPG 4.3 misses the target, still controlled"
        ),
        pytest.param(
            3.9, K.CONTROLLED, False, True, 14, id="DM.emergency: FPG 3.9 → emergency referral, 2 weeks"
        ),
        pytest.param(16.7, K.UNCONTROLLED, False, True, 14, id="DM.emergency: FPG 16.7 → emergency referral"),
    ],
)
def test_diabetes_class_and_target(
    fpg: float, cls: FollowupClass, target_met: bool, referral: bool, days: int
) -> None:
    r = visit(item(DM, fpg=fpg))
    d = only(r)
    assert d.cls is cls
    assert d.target == "FPG 4.4–7.0 mmol/L"
    assert d.target_met is target_met
    assert d.referral is referral
    assert r.emergency is referral
    assert d.interval_days == days
    assert r.next_date == TODAY + dt.timedelta(days=days)
    assert all(c in CLAUSES for c in r.clauses)


def test_hypertension_emergency_reading_refers_at_once() -> None:
    r = visit(item(HTN, sbp=180, dbp=100))
    assert r.emergency
    assert r.referral
    assert r.referral_reasons[0].code == "emergency"
    assert "HTN.emergency" in r.referral_reasons[0].clauses
    assert only(r).cls is K.UNCONTROLLED


# --- COPD ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "stable", "cls", "days", "not_managed"),
    [
        pytest.param(60, True, CK.STABLE, 182, False, id="COPD [U]: stable → within 182 days"),
        pytest.param(60, False, CK.UNSTABLE, 14, False, id="COPD [U]: unstable → within 14 days"),
        pytest.param(
            34, True, CK.STABLE, 182, True, id="COPD.managed: age 34 is flagged outside the population"
        ),
        pytest.param(35, True, CK.STABLE, 182, False, id="COPD.managed: age 35 is in the population"),
    ],
)
def test_copd(age: int, stable: bool, cls: CopdFollowupClass, days: int, not_managed: bool) -> None:
    d = only(visit(item(C.COPD, copd_stable=stable), age=age))
    assert (d.cls, d.copd_cls, d.interval_days) == (None, cls, days)
    assert d.target_met is None
    assert any(f.code == "copd.not_managed_population" for f in d.findings) is not_managed


# --- combining --------------------------------------------------------------------------------------------


def test_two_consecutive_uncontrolled_across_visits_refers() -> None:
    first = visit(item(HTN, sbp=150, dbp=85))
    previous = only(first).cls
    second = mm.assess_visit(
        [item(HTN, sbp=152, dbp=88, previous=previous)], age=60, today=first.next_date, drug_count=2
    )
    assert (first.referral, second.referral) == (False, True)
    assert second.referral_reasons[0].code == "uncontrolled.two_consecutive"
    assert followup.C_TWO_UNCONTROLLED in second.referral_reasons[0].clauses


@pytest.mark.parametrize(
    ("items", "days"),
    [
        pytest.param(
            (item(HTN, sbp=120, dbp=70), item(DM, fpg=8.0)),
            14,
            id="MM.earliest_next_date: controlled BP 90 days, uncontrolled FPG 14 days → 14",
        ),
        pytest.param(
            (item(C.COPD, copd_stable=True), item(HTN, sbp=120, dbp=70)),
            90,
            id="MM.earliest_next_date: COPD stable 182 days, BP controlled 90 days → 90",
        ),
        pytest.param(
            (item(HTN, sbp=120, dbp=70), item(DM, fpg=6.0), item(C.COPD, copd_stable=True)),
            90,
            id="MM.earliest_next_date: everything controlled → 90",
        ),
    ],
)
def test_earliest_date_wins(items: tuple[mm.DiseaseFollowup, ...], days: int) -> None:
    r = visit(*items)
    assert r.next_date == TODAY + dt.timedelta(days=days)
    assert r.interval_days == days
    assert r.next_date == min(d.next_date for d in r.diseases)
    assert mm.CL_EARLIEST in r.clauses
    assert mm.CL_PER_DISEASE in r.clauses


def test_each_disease_keeps_its_own_class() -> None:
    r = visit(item(HTN, sbp=120, dbp=70), item(DM, fpg=8.0, adverse_reaction=True))
    assert [d.cls for d in r.diseases] == [K.CONTROLLED, K.ADVERSE_REACTION]


def test_several_referral_reasons_make_one_referral() -> None:
    r = visit(
        item(HTN, sbp=150, dbp=85, previous=K.UNCONTROLLED),
        item(DM, fpg=6.5, new_or_worse_complication=True),
        item(C.COPD, copd_stable=True, adverse_reaction=True, adverse_persisting=True),
    )
    assert r.referral
    assert [(x.condition, x.code) for x in r.referral_reasons] == [
        (HTN, "uncontrolled.two_consecutive"),
        (DM, "complication"),
        (C.COPD, "adverse_reaction.persisting"),
    ]
    assert all(x.clauses and all(c in CLAUSES for c in x.clauses) for x in r.referral_reasons)
    assert mm.CL_ONE_REFERRAL in r.clauses
    assert not r.emergency


def test_copd_two_unstable_visits_is_a_referral_reason() -> None:
    r = visit(item(C.COPD, copd_stable=False, copd_previous=CK.UNSTABLE))
    assert [x.code for x in r.referral_reasons] == ["unstable.two_consecutive"]


def test_no_referral_when_nothing_recommends_it() -> None:
    r = visit(item(HTN, sbp=120, dbp=70), item(DM, fpg=6.0))
    assert not r.referral
    assert r.referral_reasons == ()
    assert mm.CL_ONE_REFERRAL not in r.clauses


@pytest.mark.parametrize(
    ("drugs", "review"),
    [
        pytest.param(4, False, id="MM.polypharmacy: 4 drugs → no pharmacist review"),
        pytest.param(5, True, id="MM.polypharmacy: 5 drugs → pharmacist review"),
    ],
)
def test_polypharmacy(drugs: int, review: bool) -> None:
    r = visit(item(HTN, sbp=120, dbp=70), drug_count=drugs)
    assert r.pharmacist_review is review
    assert (mm.CL_POLYPHARMACY in r.clauses) is review
    assert any(f.code == "mm.polypharmacy" for f in r.findings) is review


def test_polypharmacy_threshold_is_a_setting() -> None:
    s = mm.MultimorbiditySettings(polypharmacy_drugs=6)
    assert not visit(item(HTN, sbp=120, dbp=70), drug_count=5, settings=s).pharmacist_review
    assert mm.POLYPHARMACY_DRUGS == 5


def test_conditions_include_comorbidities() -> None:
    r = visit(item(DM, fpg=6.0), item(HTN, sbp=120, dbp=70), comorbidities=(C.OBESITY,))
    assert r.conditions == (HTN, DM, C.OBESITY)


# --- refusals ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("items", "field"),
    [
        pytest.param((item(HTN),), "sbp", id="hypertension without a BP → sbp (never an older reading)"),
        pytest.param((item(HTN, sbp=130),), "dbp", id="hypertension without DBP → dbp"),
        pytest.param((item(DM),), "fpg", id="diabetes without an FPG → fpg (never an older reading)"),
        pytest.param((item(C.COPD),), "copd_stable", id="COPD without stable/unstable → copd_stable"),
        pytest.param((item(HTN, sbp=130, dbp=80, fpg=6.0),), "fpg", id="FPG on a hypertension block → fpg"),
        pytest.param(
            (item(DM, fpg=6.0, copd_stable=True),), "copd_stable", id="COPD value on diabetes block"
        ),
        pytest.param(
            (item(C.COPD, copd_stable=True, previous=K.CONTROLLED),),
            "previous",
            id="BPHS class on COPD block",
        ),
        pytest.param(
            (item(HTN, sbp=130, dbp=80), item(HTN, sbp=132, dbp=80)),
            "condition",
            id="the same disease twice in one visit",
        ),
        pytest.param((item(C.OBESITY),), "condition", id="obesity has no follow-up class → condition"),
        pytest.param((item(C.DYSLIPIDAEMIA),), "condition", id="dyslipidaemia has no follow-up class"),
        pytest.param((), "items", id="no disease at all"),
        pytest.param((item(HTN, sbp=400, dbp=80),), "sbp", id="impossible SBP"),
    ],
)
def test_refusals_name_the_field(items: tuple[mm.DiseaseFollowup, ...], field: str) -> None:
    with pytest.raises(RuleError) as err:
        visit(*items)
    assert err.value.field == field


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        pytest.param({"age": -1}, "age", id="age -1"),
        pytest.param({"drug_count": -1}, "drug_count", id="drug count -1"),
        pytest.param({"drug_count": 51}, "drug_count", id="drug count 51"),
    ],
)
def test_visit_values_are_checked(kw: dict[str, int], field: str) -> None:
    with pytest.raises(RuleError) as err:
        visit(item(HTN, sbp=120, dbp=70), **kw)
    assert err.value.field == field


def test_result_round_trips_through_json() -> None:
    r = visit(item(HTN, sbp=150, dbp=85), item(C.COPD, copd_stable=True), item(DM, fpg=3.5), drug_count=6)
    assert msgspec.json.decode(msgspec.json.encode(r), type=mm.MultimorbidityResult) == r
    raw = b'[{"condition": "hypertension", "sbp": 150, "dbp": 85, "previous": "uncontrolled"}]'
    decoded = msgspec.json.decode(raw, type=list[mm.DiseaseFollowup])
    assert visit(*decoded).referral
