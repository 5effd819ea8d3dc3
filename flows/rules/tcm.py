"""TCM constitution assessment (中医体质辨识, CLINICAL_RULES.md §8; BPHS-2017 老年人中医药健康管理服务规范).

Residents aged ≥65 answer the 33 questions of 老年人中医药健康管理服务记录表 once a year, each 1 没有 … 5 总是.
Raw sums per constitution, no transformation [V]: biased types 是 ≥11, 倾向是 9–10, 否 ≤8; 平和质 (items 2, 4,
5, 13 reversed as 6 − answer) 是 when ≥17 and every other ≤8, 基本是 when ≥17 and every other ≤10, else 否.
Guidance in five areas follows for every biased type judged 是/倾向是, or 平和质 guidance when none is.
The question texts and guidance live in `flows.rules._tcm_data` (with their sources); the guidance of 阳虚质,
阴虚质 and 湿热质 is [U] — a site can override it in `[rules.tcm]` of its configuration (`guidance_overrides`).
The 60-item adult scale (ZYYXH/T157-2009) is not implemented.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from typing import Final

import msgspec

from flows.rules import _tcm_data as data
from flows.rules.base import (
    Confidence,
    Finding,
    NextStep,
    RuleError,
    Severity,
    Source,
    add_months,
    band,
    clause,
    round_half_up,
)
from flows.rules.weight import check_bmi, check_waist

_FORM = "老年人中医药健康管理服务规范 §体质判定标准表"
_GUIDE = "老年人中医药健康管理服务规范 §中医药保健指导"

# Form: 33 items, each answered 1 (没有) … 5 (总是) [V]
ITEM_COUNT: Final = 33
ANSWER_MIN: Final = 1
ANSWER_MAX: Final = 5
# 体质判定标准表: 平和质 items 2, 4, 5, 13 are scored 6 − answer [V]
BALANCED_REVERSED_ITEMS: Final = frozenset({2, 4, 5, 13})
REVERSE_FROM: Final = 6
# 体质判定标准表: biased type 是 at sum ≥11, 倾向是 at 9–10, 否 at ≤8 [V]
BIASED_YES_FROM: Final = 11
BIASED_TENDENCY_FROM: Final = 9
# 体质判定标准表: 平和质 needs sum ≥17; others all ≤8 → 是, all ≤10 → 基本是 [V]
BALANCED_FROM: Final = 17
BALANCED_OTHERS_YES_MAX: Final = 8
BALANCED_OTHERS_BASIC_MAX: Final = 10
# BPHS-2017: the assessment is offered once a year to residents aged ≥65 [V]
MIN_AGE: Final = 65
REASSESS_AFTER_YEARS: Final = 1
# Form item 9 answer by BMI: <24 → 1, 24–<25 → 2, 25–<26 → 3, 26–<28 → 4, ≥28 → 5 [V2]
ITEM9_BMI_CUTS: Final = (24.0, 25.0, 26.0, 28.0)
# Form item 28 answer by waist: <80 → 1, 80–85 → 2, 86–90 → 3, 91–105 → 4, >105 cm → 5 [V2]; the form's bands
# are whole centimetres, so a measured waist is rounded half up to the centimetre first (our reading).
ITEM28_WAIST_BAND_TOPS: Final = (79, 85, 90, 105)

CL_ITEMS = clause(
    "TCM.items",
    Source.BPHS_2017,
    _FORM,
    Confidence.V,
    "33 items answered 1–5, summed raw per constitution: 气虚 2,3,4,14; 阳虚 11,12,13,29; 阴虚 10,21,26,31; "
    "痰湿 9,16,28,32; 湿热 23,25,27,30; 血瘀 19,22,24,33; 气郁 5,6,7,8; 特禀 15,17,18,20; 平和 1,2,4,5,13.",
)
CL_BIASED = clause(
    "TCM.biased",
    Source.BPHS_2017,
    _FORM,
    Confidence.V,
    "Biased constitution: sum ≥11 是, 9–10 倾向是, ≤8 否.",
)
CL_BALANCED = clause(
    "TCM.balanced",
    Source.BPHS_2017,
    _FORM,
    Confidence.V,
    "平和质 (items 2, 4, 5, 13 scored 6 − answer): sum ≥17 and every other ≤8 是; sum ≥17 and every other ≤10 "
    "基本是; otherwise 否.",
)
CL_YEARLY = clause(
    "TCM.yearly",
    Source.BPHS_2017,
    "老年人中医药健康管理服务规范 §服务对象/服务内容",
    Confidence.V,
    "Residents aged ≥65 are offered the constitution assessment and guidance once a year.",
)
CL_FORM_TEXTS = clause(
    "TCM.form.texts",
    Source.BPHS_2017,
    "老年人中医药健康管理服务记录表",
    Confidence.V2,
    "Question texts and answer labels of the form, including the special labels of items 9 (BMI), 14 (colds a "
    "year), 17 (allergies a year) and 28 (waist).",
)
CL_GUIDANCE = clause(
    "TCM.guidance",
    Source.BPHS_2017,
    _GUIDE,
    Confidence.V2,
    "Guidance in five areas (情志调摄, 饮食调养, 起居调摄, 运动保健, 穴位保健) for 平和, 气虚, 痰湿, 血瘀, 气郁 and "
    "特禀质, with named acupoints.",
)
CL_GUIDANCE_U = clause(
    "TCM.guidance.u",
    Source.BPHS_2017,
    _GUIDE,
    Confidence.U,
    "Guidance texts of 阳虚质 (关元, 命门), 阴虚质 (太溪, 三阴交) and 湿热质 (支沟, 阴陵泉): not confirmed in a stored copy.",
)


class Constitution(enum.StrEnum):
    """The nine constitutions, in the order of the form's result block (平和质 last)."""

    QIXU = "qixu"  # 气虚质 qi deficiency
    YANGXU = "yangxu"  # 阳虚质 yang deficiency
    YINXU = "yinxu"  # 阴虚质 yin deficiency
    TANSHI = "tanshi"  # 痰湿质 phlegm-dampness
    SHIRE = "shire"  # 湿热质 damp-heat
    XUEYU = "xueyu"  # 血瘀质 blood stasis
    QIYU = "qiyu"  # 气郁质 qi stagnation
    TEBING = "tebing"  # 特禀质 inherited special (allergic) constitution
    PINGHE = "pinghe"  # 平和质 balanced


NAMES: Final[dict[Constitution, tuple[str, str]]] = {
    Constitution.QIXU: ("气虚质", "qi deficiency"),
    Constitution.YANGXU: ("阳虚质", "yang deficiency"),
    Constitution.YINXU: ("阴虚质", "yin deficiency"),
    Constitution.TANSHI: ("痰湿质", "phlegm-dampness"),
    Constitution.SHIRE: ("湿热质", "damp-heat"),
    Constitution.XUEYU: ("血瘀质", "blood stasis"),
    Constitution.QIYU: ("气郁质", "qi stagnation"),
    Constitution.TEBING: ("特禀质", "special (allergic) constitution"),
    Constitution.PINGHE: ("平和质", "balanced"),
}

# 体质判定标准表 item groups [V]
ITEM_GROUPS: Final[dict[Constitution, tuple[int, ...]]] = {
    Constitution.QIXU: (2, 3, 4, 14),
    Constitution.YANGXU: (11, 12, 13, 29),
    Constitution.YINXU: (10, 21, 26, 31),
    Constitution.TANSHI: (9, 16, 28, 32),
    Constitution.SHIRE: (23, 25, 27, 30),
    Constitution.XUEYU: (19, 22, 24, 33),
    Constitution.QIYU: (5, 6, 7, 8),
    Constitution.TEBING: (15, 17, 18, 20),
    Constitution.PINGHE: (1, 2, 4, 5, 13),
}
BIASED: Final[tuple[Constitution, ...]] = tuple(c for c in Constitution if c is not Constitution.PINGHE)


class Verdict(enum.StrEnum):
    YES = "yes"  # 是
    TENDENCY = "tendency"  # 倾向是 (biased types only)
    BASICALLY = "basically"  # 基本是 (平和质 only)
    NO = "no"  # 否


VERDICT_NAMES: Final[dict[Verdict, tuple[str, str]]] = {
    Verdict.YES: ("是", "yes"),
    Verdict.TENDENCY: ("倾向是", "tending to"),
    Verdict.BASICALLY: ("基本是", "basically"),
    Verdict.NO: ("否", "no"),
}


class GuidanceArea(enum.StrEnum):
    EMOTION = "emotion"  # 情志调摄
    DIET = "diet"  # 饮食调养
    DAILY_ROUTINE = "daily_routine"  # 起居调摄
    EXERCISE = "exercise"  # 运动保健
    ACUPOINTS = "acupoints"  # 穴位保健


class Advice(msgspec.Struct, frozen=True, kw_only=True):
    area: GuidanceArea
    title_zh: str
    title_en: str
    text_zh: str
    text_en: str


class Guidance(msgspec.Struct, frozen=True, kw_only=True):
    """中医药保健指导 for one constitution: five areas in the form's order and the acupoints named."""

    constitution: Constitution
    advice: tuple[Advice, ...]
    acupoints_zh: tuple[str, ...]
    acupoints_en: tuple[str, ...]
    clauses: tuple[str, ...]


def _guidance(c: Constitution) -> Guidance:
    texts = data.GUIDANCE[c.value]
    advice = tuple(
        Advice(area=area, title_zh=name[0], title_en=name[1], text_zh=zh, text_en=en)
        for area, name, (zh, en) in zip(GuidanceArea, data.AREA_NAMES, texts, strict=True)
    )
    points = data.ACUPOINTS[c.value]
    return Guidance(
        constitution=c,
        advice=advice,
        acupoints_zh=tuple(p[0] for p in points),
        acupoints_en=tuple(p[1] for p in points),
        clauses=(CL_GUIDANCE_U if c.value in data.UNCONFIRMED_GUIDANCE else CL_GUIDANCE,),
    )


GUIDANCE: Final[dict[Constitution, Guidance]] = {c: _guidance(c) for c in Constitution}


class TcmSettings(msgspec.Struct, frozen=True, kw_only=True):
    """[U] facts of §8: the guidance of 阳虚质, 阴虚质 and 湿热质 was not confirmed in a stored copy.

    A site can override any constitution's guidance in `[rules.tcm]` of its configuration.
    """

    guidance_overrides: dict[Constitution, Guidance] = msgspec.field(default_factory=dict)


class ConstitutionScore(msgspec.Struct, frozen=True, kw_only=True):
    constitution: Constitution
    total: int
    verdict: Verdict


class TcmResult(msgspec.Struct, frozen=True, kw_only=True):
    """Per-constitution sums and verdicts (form order), the main constitution(s), and the guidance to give.

    `main`: the constitutions judged 是; when none is, those judged 倾向是 or 基本是; biased types by sum
    (highest first) before 平和质. Empty when nothing reaches even 倾向是 (the form then has no verdict).
    `guidance`: every biased type judged 是 or 倾向是; when there is none, 平和质 if it is 是 or 基本是.
    """

    scores: tuple[ConstitutionScore, ...]
    main: tuple[Constitution, ...]
    guidance: tuple[Guidance, ...]
    findings: tuple[Finding, ...]
    next_steps: tuple[NextStep, ...]
    clauses: tuple[str, ...]


def _item_field(key: object) -> str:
    return f"answers.{key}"


def validate_answers(answers: Mapping[str, object]) -> dict[int, int]:
    """Exactly the items q1…q33, each an integer 1–5 (not a bool, not a string); refusals name the item."""
    expected = {f"q{n}" for n in range(1, ITEM_COUNT + 1)}
    for key in answers:
        if key not in expected:
            raise RuleError(
                f"{key!r} is not an item of the {ITEM_COUNT}-item form (expected q1–q{ITEM_COUNT})",
                field=_item_field(key),
            )
    out: dict[int, int] = {}
    for n in range(1, ITEM_COUNT + 1):
        key = f"q{n}"
        if key not in answers:
            raise RuleError(
                f"item {n} is unanswered: all {ITEM_COUNT} items are required", field=_item_field(key)
            )
        value = answers[key]
        if isinstance(value, bool) or not isinstance(value, int):
            raise RuleError(
                f"item {n} must be a whole number {ANSWER_MIN}–{ANSWER_MAX}, got {value!r}",
                field=_item_field(key),
            )
        if not ANSWER_MIN <= value <= ANSWER_MAX:
            raise RuleError(
                f"item {n} must be {ANSWER_MIN} (没有) to {ANSWER_MAX} (总是), got {value}",
                field=_item_field(key),
            )
        out[n] = value
    return out


def _points(item: int, answer: int, c: Constitution) -> int:
    if c is Constitution.PINGHE and item in BALANCED_REVERSED_ITEMS:
        return REVERSE_FROM - answer
    return answer


def constitution_sums(answers: Mapping[str, object]) -> dict[Constitution, int]:
    """Validated raw sums per constitution (平和质 with its reversed items)."""
    a = validate_answers(answers)
    return {c: sum(_points(i, a[i], c) for i in items) for c, items in ITEM_GROUPS.items()}


def biased_verdict(total: int) -> Verdict:
    if total >= BIASED_YES_FROM:
        return Verdict.YES
    if total >= BIASED_TENDENCY_FROM:
        return Verdict.TENDENCY
    return Verdict.NO


def balanced_verdict(total: int, others: tuple[int, ...]) -> Verdict:
    if total >= BALANCED_FROM and all(o <= BALANCED_OTHERS_YES_MAX for o in others):
        return Verdict.YES
    if total >= BALANCED_FROM and all(o <= BALANCED_OTHERS_BASIC_MAX for o in others):
        return Verdict.BASICALLY
    return Verdict.NO


def _finding(s: ConstitutionScore, guidance: bool) -> Finding:
    zh, en = NAMES[s.constitution]
    verdict_zh, verdict_en = VERDICT_NAMES[s.verdict]
    rule = CL_BALANCED if s.constitution is Constitution.PINGHE else CL_BIASED
    clauses = (CL_ITEMS, rule, *(GUIDANCE[s.constitution].clauses if guidance else ()))
    return Finding(
        code=f"tcm.{s.constitution.value}.{s.verdict.value}",
        severity=Severity.ADVICE if s.constitution is not Constitution.PINGHE else Severity.INFO,
        summary=f"{zh} ({en}): {verdict_zh} ({verdict_en}), sum {s.total}",
        clauses=clauses,
        values={"total": s.total, "verdict": s.verdict.value},
    )


def assess_tcm(
    answers: Mapping[str, object], *, today: dt.date, settings: TcmSettings | None = None
) -> TcmResult:
    """Score the 33 answers (keys "q1"…"q33"), judge each constitution, pick the guidance to give."""
    s = settings or TcmSettings()
    sums = constitution_sums(answers)
    others = tuple(sums[c] for c in BIASED)
    verdicts: dict[Constitution, Verdict] = {c: biased_verdict(sums[c]) for c in BIASED}
    verdicts[Constitution.PINGHE] = balanced_verdict(sums[Constitution.PINGHE], others)
    scores = tuple(
        ConstitutionScore(constitution=c, total=sums[c], verdict=verdicts[c]) for c in Constitution
    )

    def ranked(wanted: set[Verdict]) -> tuple[Constitution, ...]:
        biased = sorted((c for c in BIASED if verdicts[c] in wanted), key=lambda c: -sums[c])
        balanced = [Constitution.PINGHE] if verdicts[Constitution.PINGHE] in wanted else []
        return (*biased, *balanced)

    main = ranked({Verdict.YES}) or ranked({Verdict.TENDENCY, Verdict.BASICALLY})
    to_guide: tuple[Constitution, ...] = tuple(
        c for c in BIASED if verdicts[c] in {Verdict.YES, Verdict.TENDENCY}
    )
    if not to_guide and verdicts[Constitution.PINGHE] is not Verdict.NO:
        to_guide = (Constitution.PINGHE,)
    guidance = tuple(s.guidance_overrides.get(c, GUIDANCE[c]) for c in to_guide)

    positive = [sc for sc in scores if sc.verdict is not Verdict.NO]
    findings = tuple(_finding(sc, sc.constitution in to_guide) for sc in positive) or (
        Finding(
            code="tcm.undetermined",
            severity=Severity.INFO,
            summary="No constitution reaches 是, 倾向是 or 基本是: check the answers with the resident",
            clauses=(CL_ITEMS, CL_BIASED, CL_BALANCED),
            values={c.value: sums[c] for c in Constitution},
        ),
    )
    step = NextStep(
        code="tcm.reassess",
        summary="TCM constitution assessment again in a year",
        clauses=(CL_YEARLY,),
        due=add_months(today, 12 * REASSESS_AFTER_YEARS),  # 29 February + a year → 28 February
    )
    clauses = tuple(dict.fromkeys((*(c for f in findings for c in f.clauses), *step.clauses)))
    return TcmResult(
        scores=scores, main=main, guidance=guidance, findings=findings, next_steps=(step,), clauses=clauses
    )


def answer_from_bmi(bmi: float) -> int:
    """Item 9 answer from a measured BMI, by the form's own bands."""
    check_bmi(bmi)
    return ANSWER_MIN + band(bmi, ITEM9_BMI_CUTS)


def answer_from_waist(waist_cm: float) -> int:
    """Item 28 answer from a measured waist, by the form's own bands (whole centimetres, rounded half up)."""
    check_waist(waist_cm)
    whole = round_half_up(waist_cm)
    return ANSWER_MIN + sum(1 for top in ITEM28_WAIST_BAND_TOPS if whole > top)
