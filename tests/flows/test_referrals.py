"""The referral form's reasons, urgency and dates (flows.referrals), one case per clause, and the summary."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from flows.appointments import Referral, ReferralDirection, ReferralStatus, ReferralUrgency
from flows.model import Condition, Sex, Step
from flows.referral_summary import SummaryFacts, compose, document
from flows.referrals import DraftFacts, FollowupFact, allowed, follow_up_by, reasons, urgency
from flows.rules.base import Finding, Severity

TODAY = dt.date(2025, 3, 3)
D = ReferralDirection


def _facts(direction: D, **kw: Any) -> DraftFacts:
    return DraftFacts(direction=direction, step=Step.DIAGNOSIS, today=TODAY, **kw)


@pytest.mark.parametrize(
    ("condition", "cls", "clause"),
    [
        pytest.param(
            Condition.HYPERTENSION,
            "uncontrolled",
            "FU.uncontrolled.two_consecutive",
            id="BPHS two uncontrolled",
        ),
        pytest.param(
            Condition.DIABETES,
            "adverse_reaction",
            "FU.adverse_reaction.persisting",
            id="BPHS adverse persists",
        ),
        pytest.param(Condition.HYPERTENSION, "complication", "FU.complication", id="BPHS complication"),
        pytest.param(Condition.COPD, "unstable", "COPD.followup.referral", id="COPD unstable twice"),
    ],
)
def test_a_followup_that_recommended_referral_is_ticked_and_makes_it_urgent(
    condition: Condition, cls: str, clause: str
) -> None:
    facts = _facts(D.UP, followups=(FollowupFact(condition=condition, cls=cls, referral=True),))
    offered = reasons(facts)
    assert (offered[0].clauses, offered[0].checked) == ((clause,), True)
    assert urgency(facts, offered) == (ReferralUrgency.URGENT, (clause,))
    # BPHS-2017: the referral is followed up within 2 weeks.
    assert follow_up_by(facts) == TODAY + dt.timedelta(days=14)


def test_a_followup_without_referral_advice_offers_nothing_ticked() -> None:
    facts = _facts(
        D.UP, followups=(FollowupFact(condition=Condition.HYPERTENSION, cls="uncontrolled", referral=False),)
    )
    offered = reasons(facts)
    assert not any(o.checked for o in offered)
    assert urgency(facts, offered) == (ReferralUrgency.ROUTINE, ())


def test_hypertension_reasons_at_first_diagnosis_or_follow_up_HTN_2020() -> None:
    raised = reasons(_facts(D.UP, bp_raised=True))
    assert raised[0].code == "htn.persistent_severe_bp"
    assert raised[0].clauses == ("HTN.referral.first_diagnosis", "HTN.referral.mnemonic")
    managed = reasons(_facts(D.UP, conditions=(Condition.HYPERTENSION,)))
    assert managed[0].clauses == ("HTN.referral.followup", "HTN.referral.mnemonic")
    assert [o.code for o in reasons(_facts(D.UP))] == ["beyond_capacity"]  # GUIDE-2025 flow


def test_an_emergency_ticks_its_findings_or_else_the_facility_cannot_handle_it() -> None:
    finding = Finding(
        code="dm.emergency",
        severity=Severity.EMERGENCY,
        summary="Emergency referral: glucose 17.2 ≥16.7",
        clauses=("DM.emergency",),
        values={"glucose": 17.2, "symptoms": "acetone_breath,anorexia_nausea_vomiting"},
    )
    found = reasons(_facts(D.EMERGENCY, findings=(finding,)))
    assert found[0].zh == "糖尿病急症：血糖 17.2 mmol/L；呼气有烂苹果样丙酮味；食欲减退、恶心、呕吐"
    assert [o.checked for o in found] == [True, False]
    bare = reasons(_facts(D.EMERGENCY))
    assert [(o.code, o.checked, o.clauses) for o in bare] == [
        ("emergency.beyond_facility", True, ("HTN.emergency",))
    ]
    assert urgency(_facts(D.EMERGENCY), bare) == (ReferralUrgency.EMERGENCY, ("HTN.emergency",))


def test_down_is_stable_with_the_plan_and_follows_the_booked_date() -> None:
    facts = _facts(
        D.DOWN,
        followups=(FollowupFact(condition=Condition.DIABETES, cls="controlled", referral=False),),
        next_followup=TODAY + dt.timedelta(days=90),
    )
    assert [(o.clauses, o.zh) for o in reasons(facts)] == [
        (("REF.down.stable",), "病情稳定，已制定管理方案，转回村卫生室随访管理"),
        (("FU.controlled",), "2型糖尿病控制满意"),
    ]
    assert follow_up_by(facts) == TODAY + dt.timedelta(days=90)


@pytest.mark.parametrize(
    ("direction", "step", "ok"),
    [
        (D.UP, Step.DIAGNOSIS, True),
        (D.UP, Step.TRIAGE, False),
        (D.DOWN, Step.DIAGNOSIS, False),
        (D.DOWN, Step.GRADED_INTERVENTION, True),
        (D.EMERGENCY, Step.SCREENING, True),
        (D.EMERGENCY, Step.REFERRAL, False),
    ],
)
def test_allowed_follows_the_flow_table(direction: D, step: Step, ok: bool) -> None:
    assert allowed(direction, step) is ok


def test_the_printed_summary_masks_a_record_number() -> None:
    text = compose(
        SummaryFacts(
            direction=D.UP,
            site="示范镇卫生院",
            doctor="王医生",
            today=TODAY,
            name="张三丰",
            sex=Sex.MALE,
            age=64,
            record_number="32092300190100001",
            values={"sbp": 150, "dbp": 95, "pulse": 80},
            reasons=("超出本机构诊疗能力",),
        )
    )
    assert "本次就诊（2025-03-03）：血压 150/95 mmHg，心率 80 /min" in text
    made = Referral(
        id=1,
        resident_id=1,
        direction=D.UP,
        urgency=ReferralUrgency.ROUTINE,
        reasons="x",
        status=ReferralStatus.OPEN,
        created_at=dt.datetime(2025, 3, 3, tzinfo=dt.UTC),
        destination="县人民医院",
        department="肾内科",
        summary=text,
    )
    page = document(made)
    assert page.title == "转诊单（上转）"
    assert page.lines[0] == "居民：张三丰  男  64岁  健康档案编号：320923*******0001"
    assert page.footer == "去向：县人民医院 肾内科"
