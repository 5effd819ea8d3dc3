"""The patient page's words, in Simplified Chinese and English.

A (zh, en) table rather than the TUI's gettext catalog: the page is one small module of fixed phrases that
are rendered per request, and the clinical rules already carry their patient-facing labels as (zh, en)
pairs (flows.measurements, flows.rules._plan_data, flows.rules.advice); one shape for all of them keeps a
missing translation a KeyError in the tests instead of a silently English page.
"""

from __future__ import annotations

import enum
from typing import Final

from flows.model import Condition, Sex, Step
from flows.queue import TicketStatus


class Lang(enum.StrEnum):
    ZH = "zh"
    EN = "en"


def lang_of(value: str | None) -> Lang:
    """`?lang=en` switches to English; anything else (or nothing) is Chinese."""
    return Lang.EN if (value or "").lower().startswith("en") else Lang.ZH


T: Final[dict[str, tuple[str, str]]] = {
    "title": ("我的健康档案", "My health record"),
    "visit_title": ("今日就诊", "Today's visit"),
    "switch": ("English", "中文"),
    "years": ("{n}岁", "{n} years"),
    "queue": ("排队情况", "Your place in the queue"),
    "ahead": ("前面还有 {n} 人", "{n} people ahead of you"),
    "next_you": ("下一位就是您，请留意叫号", "You are next: listen for your number"),
    "go_room": ("请到 {room} 就诊", "Please go to {room}"),
    "in_room": ("正在 {room} 就诊", "Being seen in {room}"),
    "skipped": ("您已过号，请到服务台重新排队", "Your number was passed: please ask at the front desk"),
    "transferred": ("已转到其他队列，请按新号等候", "Moved to another queue: wait for your new number"),
    "cancelled_t": ("此号已取消，如有疑问请到服务台", "This number was cancelled: ask at the front desk"),
    "done_t": ("本次就诊已完成，谢谢", "This visit is finished. Thank you"),
    "refresh": ("页面每 {n} 秒自动刷新", "This page refreshes every {n} seconds"),
    "emergency": (
        "您的检查结果需要马上处理，请立即告诉身边的医生或护士，不要离开。",
        "Your results need attention now: tell a doctor or nurse at once and do not leave.",
    ),
    "step": ("当前环节", "Current step"),
    "today_values": ("今天的测量", "Measured today"),
    "conditions": ("我的慢病", "My conditions"),
    "no_conditions": ("档案中没有确诊的慢病", "No confirmed chronic condition in your record"),
    "latest": ("最近测量", "Latest measurements"),
    "trends": ("一年来的变化", "The last year"),
    "bp_chart": ("血压", "Blood pressure"),
    "fpg_chart": ("空腹血糖", "Fasting glucose"),
    "weight_chart": ("体重", "Weight"),
    "target_below": ("目标 <{v}", "target <{v}"),
    "target_range": ("目标 {a}–{b}", "target {a}–{b}"),
    "no_data": ("暂无记录", "No readings yet"),
    "my_targets": ("我的控制目标", "My targets"),
    "bp_target": ("血压低于 {s}/{d} mmHg", "blood pressure below {s}/{d} mmHg"),
    "fpg_target": ("空腹血糖 {a}–{b} mmol/L", "fasting glucose {a}–{b} mmol/L"),
    "hba1c_target": ("糖化血红蛋白低于 {v}%", "HbA1c below {v}%"),
    "weight_target": ("体重不超过 {v} kg", "weight at most {v} kg"),
    "medicines": ("我的用药", "My medicines"),
    "no_medicines": ("目前没有登记的用药", "No medicines on record"),
    "long_term": ("长期处方", "long-term prescription"),
    "until": ("至 {d}", "until {d}"),
    "followup": ("下次随访", "Next follow-up"),
    "followup_on": ("请在 {d} 前后回来随访", "Please come back for your follow-up around {d}"),
    "no_followup": ("暂无预约，请按医生嘱咐复诊", "Nothing booked: return as your doctor advised"),
    "advice": ("给您的健康建议", "Advice for you"),
    "warning": ("出现以下情况请立即就医", "Get help at once if"),
    "team": ("我的家庭医生团队", "My family doctor team"),
    "room": ("诊室：{room}", "Room: {room}"),
    "call": ("电话：{phone}", "Phone: {phone}"),
    "contract_end": ("签约有效期至 {d}", "Contract valid until {d}"),
    "no_team": (
        "您还没有签约家庭医生，可到服务台咨询签约",
        "You have no family doctor contract yet: ask at the front desk",
    ),
    "ask": ("如有疑问请到服务台咨询", "Questions? Ask at the front desk"),
    "ask_phone": (
        "如有疑问请到服务台咨询，或拨打 {phone}",
        "Questions? Ask at the front desk or call {phone}",
    ),
    "valid_until": ("此链接仅供本人使用，有效期至 {d}", "This link is for you only and works until {d}"),
    "save_qr": ("保存二维码图片", "Save the QR code"),
    "private": ("请勿转发此页面", "Please do not forward this page"),
    "invalid_title": ("链接无效", "Link not valid"),
    "invalid": (
        "此链接无效或已过期。请到服务台或找您的家庭医生重新获取二维码。",
        "This link is not valid or has expired. Ask at the front desk or your family doctor for a new QR code.",
    ),
    "busy_title": ("请稍后刷新", "Please reload shortly"),
    "busy": ("系统正忙，请过几秒再刷新此页面。", "The system is busy: reload this page in a few seconds."),
    "throttled": (
        "尝试次数过多，请稍后再试，或到服务台咨询。",
        "Too many tries: please try again later or ask at the front desk.",
    ),
}

CONDITION: Final[dict[Condition, tuple[str, str]]] = {
    Condition.HYPERTENSION: ("高血压", "Hypertension"),
    Condition.DIABETES: ("2型糖尿病", "Type 2 diabetes"),
    Condition.DYSLIPIDAEMIA: ("血脂异常", "Dyslipidaemia"),
    Condition.OBESITY: ("肥胖", "Obesity"),
    Condition.COPD: ("慢阻肺病", "COPD"),
}

SEX: Final[dict[Sex, tuple[str, str]]] = {Sex.MALE: ("男", "male"), Sex.FEMALE: ("女", "female")}

STEP: Final[dict[Step, tuple[str, str]]] = {
    Step.INTAKE: ("登记", "registration"),
    Step.SCREENING: ("健康检查", "health check"),
    Step.RECORD_UPDATE: ("更新健康档案", "updating your record"),
    Step.SIGNING_CHECK: ("家庭医生签约", "family doctor contract"),
    Step.TRIAGE: ("分诊", "triage"),
    Step.DIAGNOSIS: ("医生诊查", "seeing the doctor"),
    Step.GRADED_INTERVENTION: ("制定管理方案", "your care plan"),
    Step.FOLLOWUP_BOOKING: ("预约随访", "booking your follow-up"),
    Step.HEALTH_EDUCATION: ("健康指导", "health advice"),
    Step.REFERRAL: ("转诊", "referral"),
    Step.DONE: ("已完成", "finished"),
    Step.CANCELLED: ("已取消", "cancelled"),
}

TICKET_STATUS: Final[dict[TicketStatus, tuple[str, str]]] = {
    TicketStatus.WAITING: ("等候中", "waiting"),
    TicketStatus.CALLED: ("请到诊室", "called"),
    TicketStatus.RECALLED: ("请到诊室", "called again"),
    TicketStatus.IN_SERVICE: ("就诊中", "being seen"),
    TicketStatus.DONE: ("已完成", "done"),
    TicketStatus.SKIPPED: ("过号", "passed"),
    TicketStatus.TRANSFERRED: ("已转", "moved"),
    TicketStatus.CANCELLED: ("已取消", "cancelled"),
}


def t(key: str, lang: Lang, **values: object) -> str:
    """The phrase in `lang`, with `values` filled in (the caller escapes what it puts into HTML)."""
    zh, en = T[key]
    text = en if lang is Lang.EN else zh
    return text.format(**values) if values else text


def pick(pair: tuple[str, str], lang: Lang) -> str:
    return pair[1] if lang is Lang.EN else pair[0]
