"""Health education (健康教育) for a visit's findings (GUIDE-2025: a resident without a chronic condition gets
health education before leaving): what each finding means and what to do, shown to the doctor and printed
on the ticket printer for the resident.

Two sources, in this order:
1. the findings the patient page's advice has nothing of its own for — high-normal BP and the hypertension
   high-risk group, prediabetes (IFG / IGT), a raised diabetes risk (FPG ≥5.6, CDRS ≥25), borderline lipids,
   a COPD-SQ high risk — one item each, below (`FINDING_ITEMS`);
2. the patient page's advice (flows.rules.advice.patient_advice: salt, food, exercise, weight, smoking,
   alcohol, self-monitoring, warning signs), one item per topic, as it reads the record. Overweight and
   obesity, smoking and a high-salt diet are taught there, with the resident's own numbers.

The numbers come from the rule modules that own them; the patient wording is ours [U] (C_WORDING).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from typing import Final

import msgspec

from flows.printing import DocumentContent
from flows.rules import cdrs, copd, diabetes, diabetes_care, hypertension, lipids
from flows.rules.advice import TOPIC_LABELS, Advice
from flows.rules.base import Confidence, Source, clause

C_WORDING: Final = clause(
    "EDU.wording",
    Source.GUIDE_2025,
    "一站式服务流程 §健康教育 (patient wording, ours)",
    Confidence.U,
    "Health education for a resident without a chronic condition: what each screening finding means and "
    "what to do, in plain words; the numbers come from the rules that own them.",
)

DOCUMENT_TITLE: Final = ("健康教育处方", "Health education")


class EducationItem(msgspec.Struct, frozen=True, kw_only=True):
    """One topic of the resident's health education, in Chinese (what prints) and English."""

    code: str  # the finding ("htn.grade.high_normal") or the advice topic ("advice.salt")
    title: str
    title_en: str
    lines: tuple[str, ...]
    lines_en: tuple[str, ...]
    clauses: tuple[str, ...]
    urgent: bool = False


def _item(
    code: str, title: tuple[str, str], lines: Sequence[tuple[str, str]], *clauses: str
) -> EducationItem:
    return EducationItem(
        code=code,
        title=title[0],
        title_en=title[1],
        lines=tuple(zh for zh, _en in lines),
        lines_en=tuple(en for _zh, en in lines),
        clauses=tuple(dict.fromkeys((*clauses, C_WORDING))),
    )


_HTN_LIFESTYLE: Final = (
    "少吃盐、控制体重、戒烟限酒、规律运动，可以推迟或预防高血压。",
    "Less salt, a healthy weight, no smoking, little alcohol and regular exercise delay or prevent hypertension.",
)
_BP_HALF_YEAR: Final = (
    "至少每6个月测量一次血压。",  # BPHS-2017 §筛查 [V]: the high-risk group, BP every 6 months
    "Have your blood pressure measured at least every 6 months.",
)
_FPG_YEARLY: Final = (
    f"至少每{diabetes_care.HIGH_RISK_FPG_INTERVAL_MONTHS}个月测一次空腹血糖。",  # BPHS-2017 §筛查 [V]
    f"Have a fasting glucose test at least every {diabetes_care.HIGH_RISK_FPG_INTERVAL_MONTHS} months.",
)
_DM_LIFESTYLE: Final = (
    f"控制体重，少吃甜食和精米白面，每周运动至少{diabetes.ACTIVITY_MIN_PER_WEEK}分钟，可以减少发展为糖尿病的机会。",
    f"Keep a healthy weight, eat fewer sweets and less white rice and flour, and exercise at least "
    f"{diabetes.ACTIVITY_MIN_PER_WEEK} minutes a week: fewer people go on to diabetes.",
)

HIGH_NORMAL = _item(
    "htn.grade.high_normal",
    ("血压正常高值", "High-normal blood pressure"),
    [
        (
            f"您的血压高于理想水平（收缩压{hypertension.NORMAL_SBP_BELOW}–{hypertension.GRADE1_SBP - 1}和/或"
            f"舒张压{hypertension.NORMAL_DBP_BELOW}–{hypertension.GRADE1_DBP - 1} mmHg），但还不是高血压。",
            f"Your blood pressure is above the ideal ({hypertension.NORMAL_SBP_BELOW}–{hypertension.GRADE1_SBP - 1}"
            f" and/or {hypertension.NORMAL_DBP_BELOW}–{hypertension.GRADE1_DBP - 1} mmHg), but not hypertension.",
        ),
        _BP_HALF_YEAR,
        _HTN_LIFESTYLE,
    ],
    hypertension.C_GRADE_HIGH_NORMAL,
    hypertension.C_HIGH_RISK,
)
HTN_HIGH_RISK = _item(
    "htn.high_risk",
    ("高血压高危人群", "At high risk of hypertension"),
    [
        (
            "您有高血压的危险因素（如超重、腰围大、吃盐多、饮酒多或年龄较大），属于高血压高危人群。",
            "You have risk factors of hypertension (such as overweight, a large waist, salty food, heavy "
            "drinking or older age): you are at high risk.",
        ),
        _BP_HALF_YEAR,
        _HTN_LIFESTYLE,
    ],
    hypertension.C_HIGH_RISK,
)
IFG = _item(
    "dm.prediabetes.ifg",
    ("糖尿病前期（空腹血糖受损）", "Prediabetes (impaired fasting glucose)"),
    [
        (
            f"您的空腹血糖在{diabetes.IFG_FPG}–{diabetes.DX_FPG} mmol/L之间，高于正常但还不是糖尿病。",
            f"Your fasting glucose is {diabetes.IFG_FPG}–{diabetes.DX_FPG} mmol/L: above normal, not diabetes.",
        ),
        _FPG_YEARLY,
        _DM_LIFESTYLE,
    ],
    diabetes.C_IFG,
    diabetes_care.C_HIGH_RISK_FPG,
)
IGT = _item(
    "dm.prediabetes.igt",
    ("糖尿病前期（糖耐量减低）", "Prediabetes (impaired glucose tolerance)"),
    [
        (
            "您的糖耐量试验2小时血糖高于正常，但还不是糖尿病。",
            "Your 2-hour glucose in the tolerance test is above normal, but not diabetes.",
        ),
        _FPG_YEARLY,
        _DM_LIFESTYLE,
    ],
    diabetes.C_IGT,
    diabetes_care.C_HIGH_RISK_FPG,
)
DM_RISK = _item(
    "dm.risk",
    ("糖尿病高危", "At high risk of diabetes"),
    [
        (
            f"您的空腹血糖≥{diabetes.OGTT_CUE_FPG} mmol/L或糖尿病风险评分≥{cdrs.HIGH_RISK_FROM}分，"
            "建议做口服葡萄糖耐量试验（OGTT）或糖化血红蛋白检查。",
            f"Your fasting glucose is ≥{diabetes.OGTT_CUE_FPG} mmol/L or your diabetes risk score "
            f"≥{cdrs.HIGH_RISK_FROM}: an oral glucose tolerance test (OGTT) or HbA1c is advised.",
        ),
        _FPG_YEARLY,
        _DM_LIFESTYLE,
    ],
    diabetes.C_OGTT_CUE,
    cdrs.CL_HIGH_RISK,
    diabetes_care.C_HIGH_RISK_FPG,
)
LIPIDS_BORDERLINE = _item(
    "lipid.borderline_high",
    ("血脂边缘升高", "Borderline lipids"),
    [
        (
            "您的血脂有一项边缘升高（如总胆固醇5.2–6.2 mmol/L），还不是血脂异常。",
            "One of your lipids is borderline high (e.g. total cholesterol 5.2–6.2 mmol/L): not yet "
            "dyslipidaemia.",
        ),
        (
            "少吃肥肉、动物内脏和油炸食品，多吃蔬菜和粗粮，控制体重，规律运动。",
            "Eat less fatty meat, offal and fried food, more vegetables and whole grains; keep a healthy weight "
            "and exercise regularly.",
        ),
        (
            "40岁及以上每年查一次血脂，40岁以下每2–5年查一次。",  # LIPID-2023 §血脂筛查 [V]
            "Lipids every year from 40, every 2–5 years below 40.",
        ),
    ],
    lipids.CL_TC,
    lipids.CL_SCREEN,
)
COPD_RISK = _item(
    "copd.sq.high_risk",
    ("慢阻肺高危", "At high risk of COPD"),
    [
        (
            f"您的慢阻肺筛查问卷≥{copd.COPD_SQ_HIGH_RISK}分，属于慢阻肺高危人群，请做肺功能检查。",
            f"Your COPD questionnaire scored ≥{copd.COPD_SQ_HIGH_RISK}: you are at high risk; have a lung "
            "function test (spirometry).",
        ),
        (
            "戒烟，避开二手烟和烧煤、烧柴的烟雾；咳嗽、咳痰或气短加重时及时就诊。",
            "Stop smoking, keep away from second-hand smoke and coal or wood smoke; see a doctor when cough, "
            "phlegm or breathlessness get worse.",
        ),
    ],
    copd.CL_SQ,
)

# Finding code → its item; several codes share one (any raised diabetes risk, any borderline lipid).
FINDING_ITEMS: Final[dict[str, EducationItem]] = {
    "htn.grade.high_normal": HIGH_NORMAL,
    "htn.high_risk": HTN_HIGH_RISK,
    "dm.prediabetes.ifg": IFG,
    "dm.prediabetes.igt": IGT,
    "dm.screen.ogtt_or_hba1c": DM_RISK,
    "cdrs.high_risk": DM_RISK,
    **{f"lipid.{name}.borderline_high": LIPIDS_BORDERLINE for name in ("tc", "ldl", "non_hdl", "tg")},
    "copd.sq.high_risk": COPD_RISK,
}
# A more specific item makes another one repeat itself: high-normal BP already says "every 6 months".
_COVERED_BY: Final = {HTN_HIGH_RISK.code: HIGH_NORMAL.code}


def finding_items(codes: Collection[str]) -> list[EducationItem]:
    """The items for these finding codes, once each, in FINDING_ITEMS order."""
    found = list(dict.fromkeys(item.code for code, item in FINDING_ITEMS.items() if code in codes))
    items = {item.code: item for item in FINDING_ITEMS.values()}
    return [items[c] for c in found if _COVERED_BY.get(c) not in found]


def advice_item(advice: Advice) -> EducationItem:
    """One topic of the patient page's advice as an education item (its sentences, then its list)."""
    zh, en = TOPIC_LABELS[advice.topic]
    return EducationItem(
        code=f"advice.{advice.topic.value}",
        title=zh,
        title_en=en,
        lines=(advice.zh, *advice.items_zh),
        lines_en=(advice.en, *advice.items_en),
        clauses=advice.clauses,
        urgent=advice.urgent,
    )


def education_items(finding_codes: Collection[str], advice: Sequence[Advice]) -> tuple[EducationItem, ...]:
    """The resident's health education: warning signs first (urgent), then the findings' items, then the rest
    of the advice in the advice's own order (what the record shows needs changing first)."""
    urgent = [advice_item(a) for a in advice if a.urgent]
    rest = [advice_item(a) for a in advice if not a.urgent]
    return (*urgent, *finding_items(finding_codes), *rest)


def education_document(
    items: Sequence[EducationItem], *, site_name: str, doctor: str | None, day: dt.date
) -> DocumentContent:
    """The printed page: a heading per item (【…】), its lines, a blank line between items; the footer names
    the centre, the doctor and the day. The clause ids stay on the doctor's screen, not on the resident's paper."""
    lines: list[str] = []
    for item in items:
        if lines:
            lines.append("")
        lines.append(f"【{item.title}】")
        lines.extend(item.lines)
    footer = "　".join(part for part in (site_name, doctor, day.isoformat()) if part)
    return DocumentContent(title=DOCUMENT_TITLE[0], lines=tuple(lines), footer=footer)


class VisitEducation(msgspec.Struct, frozen=True, kw_only=True):
    """GET /api/v1/visits/{id}/education: the items for the visit's findings and the resident's record."""

    visit_id: int
    resident_id: int
    title: str
    items: tuple[EducationItem, ...]
