"""Referrals from the doctor's desk (转诊 up, emergency, down): the draft form and what the doctor sends.

Pure: from the facts of a visit (its step, the resident's conditions, the latest follow-up of each, the open
emergency's findings) it offers the reasons the rules give, each with its clause, the default urgency and the
date the referral must be followed up by. db/visit_referrals gathers the facts; flows/referral_summary writes
the referral summary (转诊单). The reasons' words are Chinese, as the national form is: they go to the lead
hospital or the village clinic as they are; `en` is for an English desk.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Final

import msgspec

from flows.appointments import Referral, ReferralDirection, ReferralUrgency
from flows.model import Condition, Move, Step, Visit
from flows.rules import copd, followup, hypertension
from flows.rules._hypertension_data import (
    C_REFERRAL_FIRST,
    C_REFERRAL_FOLLOWUP,
    C_REFERRAL_MNEMONIC,
    REFERRAL_LABELS,
)
from flows.rules._hypertension_data import ReferralReason as HtnReason
from flows.rules.base import Confidence, Finding, Source, clause
from flows.rules.emergency import SYMPTOMS, EmergencySymptom
from flows.visit import TRANSITIONS

_FLOW = "附图 一站式服务流程"

C_BEYOND_CAPACITY: Final = clause(
    "REF.up.beyond_capacity",
    Source.GUIDE_2025,
    _FLOW,
    Confidence.U,
    "Beyond the centre's capacity (diagnosis or treatment it cannot give): refer up to the lead hospital.",
)
C_DOWN_STABLE: Final = clause(
    "REF.down.stable",
    Source.GUIDE_2025,
    _FLOW,
    Confidence.U,
    "Stable with a management plan: hand the resident down to the village clinic, which follows the plan.",
)

MOVES: Final = {
    ReferralDirection.UP: Move.REFER_UP,
    ReferralDirection.EMERGENCY: Move.REFER_EMERGENCY,
    ReferralDirection.DOWN: Move.REFER_DOWN,
}
# BPHS-2017 §分类干预 and §紧急转诊 [V]: a referral is followed up within 2 weeks.
FOLLOW_UP_WITHIN_DAYS: Final = followup.SHORT_INTERVAL_DAYS
MAX_TEXT: Final = 2000  # a reason line, a result
MAX_SUMMARY: Final = 8000  # the summary: a page of the national form

CONDITION_ZH: Final = {
    Condition.HYPERTENSION: "高血压",
    Condition.DIABETES: "2型糖尿病",
    Condition.DYSLIPIDAEMIA: "血脂异常",
    Condition.OBESITY: "肥胖",
    Condition.COPD: "慢阻肺",
}

# The follow-up classes that recommend referral (BPHS-2017 §分类干预 [V]; COPD-2024 [U] by analogy).
_FOLLOWUP_REASONS: Final = {
    followup.FollowupClass.UNCONTROLLED.value: (
        "uncontrolled.two_consecutive",
        "{c}连续两次随访控制不满意",
        "{c}: two consecutive uncontrolled visits",
        followup.C_TWO_UNCONTROLLED,
    ),
    followup.FollowupClass.ADVERSE_REACTION.value: (
        "adverse_reaction.persisting",
        "{c}药物不良反应持续存在",
        "{c}: adverse drug reaction persists",
        followup.C_ADVERSE_PERSISTING,
    ),
    followup.FollowupClass.COMPLICATION.value: (
        "complication",
        "{c}出现新的并发症或原有并发症加重",
        "{c}: new or worse complication",
        followup.C_COMPLICATION,
    ),
    copd.CopdFollowupClass.UNSTABLE.value: (
        "unstable.two_consecutive",
        "{c}随访不稳定，需上级医院评估",
        "{c}: unstable at follow-up",
        copd.CL_FU_REFERRAL,
    ),
}
_HTN_FIRST: Final = tuple(HtnReason)[:8]  # HTN-2020/2025 [U]: at first diagnosis
_HTN_FOLLOWUP: Final = tuple(HtnReason)[8:]  # HTN-2020/2025 [U]: during follow-up
# The 紧急转诊 list items (hypertension's and diabetes's) a finding names beside the tickable symptoms.
_LIST_ITEMS_ZH: Final = {
    "palpitations_chest_tightness_orthopnoea": "心悸、胸闷、喘憋不能平卧",
    "pregnant_or_lactating_with_raised_bp": "妊娠或哺乳期血压高于正常",
    "altered_consciousness_or_behaviour": "意识或行为改变",
    "palpitations_sweating": "心悸、出汗",
    "anorexia_nausea_vomiting": "食欲减退、恶心、呕吐",
    "pregnant_or_lactating_with_raised_glucose": "妊娠或哺乳期血糖高于正常",
}
_EMERGENCY_TITLES: Final = {"htn.emergency": "高血压急症", "dm.emergency": "糖尿病急症"}
_VALUE_ZH: Final = {
    "sbp": ("收缩压", "mmHg"),
    "dbp": ("舒张压", "mmHg"),
    "glucose": ("血糖", "mmol/L"),
    "fpg": ("空腹血糖", "mmol/L"),
    "random_glucose": ("随机血糖", "mmol/L"),
    "pulse": ("心率", "次/分"),
    "temperature": ("体温", "°C"),
}


class ReasonOption(msgspec.Struct, frozen=True, kw_only=True):
    """A reason the form offers, with the clauses behind it; `checked` when the record shows it applies.
    An emergency's reason carries its finding, so a desk can show it in its own language."""

    code: str
    zh: str
    en: str
    clauses: tuple[str, ...]
    checked: bool = False
    finding: Finding | None = None


class Destination(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    departments: tuple[str, ...] = ()


class ReferralDraft(msgspec.Struct, frozen=True, kw_only=True):
    """The referral form of a visit, prefilled: what the doctor reviews, edits and sends (referVisit)."""

    visit_id: int
    resident_id: int
    direction: ReferralDirection
    step: Step
    allowed: bool  # the flow allows this referral at the visit's step now
    reasons: tuple[ReasonOption, ...]
    destinations: tuple[Destination, ...]
    destination: str | None
    department: str | None
    urgency: ReferralUrgency
    urgency_clauses: tuple[str, ...]
    follow_up_by: (
        dt.date | None
    )  # up/emergency: follow the referral up by then; down: the clinic's next visit
    summary: str


class VisitReferralRequest(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The doctor refers the visit: one referral row and the visit's move, together."""

    direction: ReferralDirection
    reasons: tuple[str, ...]
    destination: str
    department: str | None = None  # required for up
    urgency: ReferralUrgency | None = None  # None: emergency for an emergency, else routine
    summary: str = ""
    expected_step: Step | None = None


class ReferralResult(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """What came of an outgoing referral (national form: 到位 / 不到位, and the result)."""

    arrived: bool
    result: str = ""


class FollowupFact(msgspec.Struct, frozen=True, kw_only=True):
    """The latest done follow-up of one condition: its class and whether it recommended referral."""

    condition: Condition
    cls: str
    referral: bool


class DraftFacts(msgspec.Struct, frozen=True, kw_only=True):
    direction: ReferralDirection
    step: Step
    today: dt.date
    conditions: tuple[Condition, ...] = ()
    followups: tuple[FollowupFact, ...] = ()
    findings: tuple[Finding, ...] = ()  # the visit's open emergency flags
    bp_raised: bool = False  # this visit's BP ≥140/90 (hypertension first-diagnosis reasons apply)
    next_followup: dt.date | None = None  # the earliest open follow-up booking


def allowed(direction: ReferralDirection, step: Step) -> bool:
    return direction in MOVES and (step, MOVES[direction]) in TRANSITIONS


def reasons(facts: DraftFacts) -> tuple[ReasonOption, ...]:
    if facts.direction is ReferralDirection.EMERGENCY:
        return _emergency(facts.findings)
    if facts.direction is ReferralDirection.DOWN:
        return _down(facts.followups)
    return _up(facts)


def _up(facts: DraftFacts) -> tuple[ReasonOption, ...]:
    out = [_followup_reason(f) for f in facts.followups if f.referral and f.cls in _FOLLOWUP_REASONS]
    if Condition.HYPERTENSION in facts.conditions:
        out.extend(_htn(_HTN_FOLLOWUP, C_REFERRAL_FOLLOWUP))
    elif facts.bp_raised:
        out.extend(_htn(_HTN_FIRST, C_REFERRAL_FIRST))
    out.append(
        ReasonOption(
            code="beyond_capacity",
            zh="超出本机构诊疗能力",
            en="beyond this centre's capacity",
            clauses=(C_BEYOND_CAPACITY,),
        )
    )
    return tuple(out)


def _followup_reason(f: FollowupFact) -> ReasonOption:
    code, zh, en, cited = _FOLLOWUP_REASONS[f.cls]
    return ReasonOption(
        code=f"{f.condition.value}.{code}",
        zh=zh.format(c=CONDITION_ZH[f.condition]),
        en=en.format(c=f.condition.value),
        clauses=(cited,),
        checked=True,  # the follow-up already recommended this referral
    )


def _htn(items: Iterable[HtnReason], stage: str) -> list[ReasonOption]:
    return [
        ReasonOption(
            code=f"htn.{r.value}",
            zh=REFERRAL_LABELS[r][0],
            en=REFERRAL_LABELS[r][1],
            clauses=(stage, C_REFERRAL_MNEMONIC),
        )
        for r in items
    ]


def _emergency(findings: tuple[Finding, ...]) -> tuple[ReasonOption, ...]:
    found = [
        ReasonOption(code=f.code, zh=finding_zh(f), en=f.summary, clauses=f.clauses, checked=True, finding=f)
        for f in findings
    ]
    # BPHS-2017 §紧急转诊 [V]: "any other condition the facility cannot handle". Pressing F7 without a
    # finding is the doctor saying so: it is the reason, ticked, so the referral goes in two keys.
    beyond = ReasonOption(
        code="emergency.beyond_facility",
        zh=SYMPTOMS[EmergencySymptom.BEYOND_FACILITY][0],
        en="another condition this facility cannot handle",
        clauses=(hypertension.C_EMERGENCY,),
        checked=not found,
    )
    return (*found, beyond)


def _down(followups: tuple[FollowupFact, ...]) -> tuple[ReasonOption, ...]:
    out = [
        ReasonOption(
            code="stable",
            zh="病情稳定，已制定管理方案，转回村卫生室随访管理",
            en="stable with a management plan: back to the village clinic",
            clauses=(C_DOWN_STABLE,),
            checked=True,
        )
    ]
    controlled = [f for f in followups if f.cls == followup.FollowupClass.CONTROLLED.value]
    if controlled:
        names = "、".join(CONDITION_ZH[f.condition] for f in controlled)
        out.append(
            ReasonOption(
                code="controlled",
                zh=f"{names}控制满意",
                en="controlled: " + ", ".join(f.condition.value for f in controlled),
                clauses=(followup.C_CONTROLLED,),
                checked=True,
            )
        )
    return tuple(out)


def finding_zh(f: Finding) -> str:
    """An emergency finding in the form's words: `高血压急症：血压 190/100 mmHg；剧烈头痛或头晕`."""
    values = {k: v for k, v in f.values.items() if k in _VALUE_ZH and not isinstance(v, str)}
    parts = []
    if "sbp" in values and "dbp" in values:
        parts.append(f"血压 {_number(values.pop('sbp'))}/{_number(values.pop('dbp'))} mmHg")
    parts.extend(f"{_VALUE_ZH[k][0]} {_number(v)} {_VALUE_ZH[k][1]}" for k, v in values.items())
    named = str(f.values.get("symptoms", ""))
    for code in filter(None, named.split(",")):
        parts.append(_LIST_ITEMS_ZH.get(code) or _symptom_zh(code))
    title = _EMERGENCY_TITLES.get(f.code, f.summary)
    return f"{title}：{'；'.join(parts)}" if parts else title


def _symptom_zh(code: str) -> str:
    try:
        return SYMPTOMS[EmergencySymptom(code)][0]
    except ValueError:
        return code  # a list item this table does not know yet: shown by its code, never hidden


def _number(v: float) -> str:
    return f"{v:g}"


def urgency(facts: DraftFacts, offered: tuple[ReasonOption, ...]) -> tuple[ReferralUrgency, tuple[str, ...]]:
    """The default urgency and the clauses behind it: an emergency at once (BPHS-2017 §紧急转诊 [V]); up
    after a follow-up that recommended referral, urgent (§分类干预 [V]: follow it up within 2 weeks)."""
    if facts.direction is ReferralDirection.EMERGENCY:
        return ReferralUrgency.EMERGENCY, (hypertension.C_EMERGENCY,)
    if facts.direction is ReferralDirection.UP:
        recommended = [o for o in offered if o.checked]
        if recommended:
            return ReferralUrgency.URGENT, tuple(c for o in recommended for c in o.clauses)
    return ReferralUrgency.ROUTINE, ()


def follow_up_by(facts: DraftFacts) -> dt.date | None:
    """Up or emergency: the referral is followed up within 2 weeks (BPHS-2017 [V]); down: the village
    clinic's next follow-up is the one already booked."""
    if facts.direction is ReferralDirection.DOWN:
        return facts.next_followup
    return facts.today + dt.timedelta(days=FOLLOW_UP_WITHIN_DAYS)


def default_department(conditions: Iterable[Condition], departments: tuple[str, ...]) -> str | None:
    """The lead hospital's department for the resident's first condition, when the hospital has it."""
    wanted = {
        Condition.HYPERTENSION: ("心血管内科", "心血管科"),
        Condition.DIABETES: ("内分泌科",),
        Condition.COPD: ("呼吸与危重症医学科", "肺病科", "呼吸内科"),
        Condition.DYSLIPIDAEMIA: ("心血管内科", "内分泌科"),
        Condition.OBESITY: ("内分泌科",),
    }
    for condition in conditions:
        for name in wanted.get(condition, ()):
            if name in departments:
                return name
    return None


class VisitReferral(msgspec.Struct, frozen=True, kw_only=True):
    """referVisit's answer: the referral made and the visit as it moved."""

    referral: Referral
    visit: Visit
