"""The referral summary (转诊单) composed from the record: who, conditions, this visit's values, running drugs,
allergies, why, and — handing down — the plan and the date the village clinic must follow the resident up by.

Chinese, as the national form and the hospital reading it are; the doctor edits it before sending.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Final

import msgspec

from flows.appointments import Referral, ReferralDirection
from flows.measurements import MEASURES
from flows.model import Condition, Sex
from flows.printing import DocumentContent
from flows.referrals import CONDITION_ZH
from flows.rules.plans import ManagementPlan

DIRECTION_ZH: Final = {
    ReferralDirection.UP: "上转",
    ReferralDirection.EMERGENCY: "紧急转诊",
    ReferralDirection.DOWN: "下转",
    ReferralDirection.RECEIVED: "接收转诊",
}
_SEX_ZH: Final = {Sex.MALE: "男", Sex.FEMALE: "女"}
REASONS_LINE: Final = "转诊原因："  # the line a form rewrites as the doctor ticks reasons
NO_REASON: Final = "见医生说明"
# Shown first and as one reading (血压 150/95 mmHg); the rest in the table order of flows.measurements.
_BP: Final = ("sbp", "dbp")
# The printer refuses any run of 15 digits (an ID number may never be printed, hardware/printer/ticket.py):
# the 17-digit record number, or a number the doctor typed into the summary, goes on paper masked.
_LONG_NUMBER: Final = re.compile(r"\d(?: ?\d){14,}")


class DrugLine(msgspec.Struct, frozen=True, kw_only=True):
    drug: str
    dose: str | None = None
    frequency: str | None = None


class SummaryFacts(msgspec.Struct, frozen=True, kw_only=True):
    direction: ReferralDirection
    site: str
    doctor: str
    today: dt.date
    name: str
    sex: Sex
    age: int
    record_number: str
    phone: str | None = None
    address: str | None = None
    conditions: tuple[Condition, ...] = ()
    values: dict[str, float] = msgspec.field(default_factory=dict)  # this visit's newest value per code
    drugs: tuple[DrugLine, ...] = ()
    allergies: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    plan: ManagementPlan | None = None
    follow_up_by: dt.date | None = None


def compose(f: SummaryFacts) -> str:
    lines = [
        f"转诊单（{DIRECTION_ZH[f.direction]}）",
        f"居民：{f.name}  {_SEX_ZH[f.sex]}  {f.age}岁  健康档案编号：{f.record_number}",
    ]
    contact = "  ".join(x for x in (f.phone and f"电话：{f.phone}", f.address and f"住址：{f.address}") if x)
    if contact:
        lines.append(contact)
    lines.append("诊断：" + ("、".join(CONDITION_ZH[c] for c in f.conditions) or "无慢病诊断"))
    lines.append(f"本次就诊（{f.today.isoformat()}）：" + (values_text(f.values) or "未测"))
    lines.append(REASONS_LINE + ("；".join(f.reasons) or NO_REASON))
    lines.append("目前用药：" + ("；".join(_drug(d) for d in f.drugs) or "无"))
    lines.append("过敏史：" + ("；".join(f.allergies) or "无"))
    if f.direction is ReferralDirection.DOWN:
        lines.append("管理方案：" + ("；".join(plan_lines(f.plan)) if f.plan else "见健康档案"))
        if f.follow_up_by is not None:
            lines.append(f"请村卫生室于 {f.follow_up_by.isoformat()} 前完成下次随访。")
        else:
            lines.append("请村卫生室按管理方案完成随访。")
    elif f.follow_up_by is not None:
        lines.append(f"转诊后随访：{f.follow_up_by.isoformat()} 前追踪转诊结果。")
    lines.append(f"转出机构：{f.site}  医生：{f.doctor}  日期：{f.today.isoformat()}")
    return "\n".join(lines)


def values_text(values: dict[str, float]) -> str:
    parts = []
    bp = all(code in values for code in _BP)
    if bp:
        parts.append(f"血压 {_n(values['sbp'])}/{_n(values['dbp'])} mmHg")
    for code, measure in MEASURES.items():
        if code in values and not (bp and code in _BP):
            unit = "" if measure.unit == "ratio" else f" {measure.unit}"
            parts.append(f"{measure.label_zh} {_n(values[code])}{unit}")
    return "，".join(parts)


def plan_lines(p: ManagementPlan) -> list[str]:
    life, mon = p.lifestyle, p.monitoring
    lines = [
        f"限盐<{_n(life.salt_g_per_day_max)}g/日",
        f"运动≥{life.exercise_min_per_week}分钟/周（{life.exercise_sessions_per_week}次）",
        f"目标体重{_n(life.target_weight_kg)}kg（BMI<{_n(life.target_bmi_below)}）",
    ]
    if life.no_smoking:
        lines.append("戒烟")
    lines.append(f"酒精≤{_n(life.alcohol_g_per_day_max)}g/日")
    if mon.home_bp_days_per_week:
        lines.append(f"家庭血压每周{mon.home_bp_days_per_week}天")
    if mon.glucose_days_per_week:
        lines.append(f"自测血糖每周{mon.glucose_days_per_week}天")
    if mon.hba1c_every_months:
        lines.append(f"糖化血红蛋白每{mon.hba1c_every_months}个月")
    if mon.lipids_every_months:
        lines.append(f"血脂每{mon.lipids_every_months}个月")
    lines.append(f"随访间隔{p.next_followup_days}天")
    return lines


def _drug(d: DrugLine) -> str:
    return " ".join(x for x in (d.drug, d.dose, d.frequency) if x)


def _n(v: float) -> str:
    return f"{v:g}"


def document(r: Referral) -> DocumentContent:
    """The stored referral as a printed page: its summary as the doctor sent it, where it goes as the footer."""
    title = f"转诊单（{DIRECTION_ZH[r.direction]}）"
    body = (r.summary or f"转诊原因：{r.reasons}").splitlines()
    if body and body[0].startswith("转诊单"):
        body = body[1:]  # the composed summary opens with the same title
    where = " ".join(x for x in (r.destination or r.origin, r.department) if x)
    lines = tuple(_LONG_NUMBER.sub(_masked, line) for line in body)
    return DocumentContent(title=title, lines=lines, footer=f"去向：{where}" if where else None)


def _masked(match: re.Match[str]) -> str:
    digits = match.group().replace(" ", "")
    return digits[:6] + "*" * (len(digits) - 10) + digits[-4:]
