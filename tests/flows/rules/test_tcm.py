"""TCM constitution assessment, 33-item form of BPHS-2017 (CLINICAL_RULES.md §8)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
import pytest

from flows.rules import _tcm_data, tcm
from flows.rules.base import CLAUSES, Confidence, RuleError, Severity
from flows.rules.tcm import Constitution, GuidanceArea, TcmSettings, Verdict

C = Constitution
TODAY = dt.date(2026, 3, 2)


def answers(**changes: int) -> dict[str, Any]:
    """All 33 items answered 1 (没有), then `changes` (e.g. q7=3)."""
    return {**{f"q{n}": 1 for n in range(1, 34)}, **changes}


def with_sum(c: Constitution, total: int, **changes: int) -> dict[str, Any]:
    """Answers whose items of the biased type `c` add up to `total` (filling its items in order up to 5)."""
    items = tcm.ITEM_GROUPS[c]
    extra = total - len(items)
    out = answers(**changes)
    for item in items:
        add = min(4, extra)
        out[f"q{item}"] = 1 + add
        extra -= add
    return out


def sums(a: dict[str, Any]) -> dict[Constitution, int]:
    return tcm.constitution_sums(a)


def verdicts(a: dict[str, Any]) -> dict[Constitution, Verdict]:
    return {s.constitution: s.verdict for s in tcm.assess_tcm(a, today=TODAY).scores}


# --- item groups and the reversed items --------------------------------------------------------------------


def test_all_no_is_balanced() -> None:
    s = sums(answers())
    assert all(s[c] == 4 for c in tcm.BIASED)
    assert s[C.PINGHE] == 21  # item 1 scores 1, the reversed items 2, 4, 5, 13 score 6 − 1 = 5 each


@pytest.mark.parametrize(
    ("item", "constitution"),
    [
        pytest.param(item, c, id=f"体质判定标准表: item {item} counts for {c.value}")
        for c, items in tcm.ITEM_GROUPS.items()
        if c is not C.PINGHE
        for item in items
    ],
)
def test_item_groups(item: int, constitution: Constitution) -> None:
    s = sums(answers(**{f"q{item}": 3}))
    assert s[constitution] == 6
    untouched = [c for c in tcm.BIASED if item not in tcm.ITEM_GROUPS[c]]
    assert all(s[c] == 4 for c in untouched)


@pytest.mark.parametrize(
    ("item", "answer", "pinghe"),
    [
        pytest.param(1, 5, 25, id="平和质: item 1 is not reversed (answer 5 adds 5)"),
        pytest.param(2, 5, 17, id="平和质: item 2 reversed (answer 5 scores 1)"),
        pytest.param(4, 4, 18, id="平和质: item 4 reversed (answer 4 scores 2)"),
        pytest.param(5, 3, 19, id="平和质: item 5 reversed (answer 3 scores 3)"),
        pytest.param(13, 2, 20, id="平和质: item 13 reversed (answer 2 scores 4)"),
    ],
)
def test_balanced_reversal(item: int, answer: int, pinghe: int) -> None:
    s = sums(answers(**{f"q{item}": answer}))
    assert s[C.PINGHE] == pinghe


def test_reversed_item_counts_forward_for_its_biased_type() -> None:
    s = sums(answers(q2=5))
    assert s[C.QIXU] == 8  # item 2 is 气虚质 too, scored as answered
    assert s[C.PINGHE] == 17


# --- biased types: ≤8 否, 9–10 倾向是, ≥11 是 ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("constitution", "total", "verdict"),
    [
        pytest.param(c, total, verdict, id=f"体质判定标准表: {c.value} sum {total} is {verdict.value}")
        for c in tcm.BIASED
        for total, verdict in (
            (8, Verdict.NO),
            (9, Verdict.TENDENCY),
            (10, Verdict.TENDENCY),
            (11, Verdict.YES),
        )
    ],
)
def test_biased_thresholds(constitution: Constitution, total: int, verdict: Verdict) -> None:
    a = with_sum(constitution, total)
    assert sums(a)[constitution] == total
    assert verdicts(a)[constitution] is verdict


@pytest.mark.parametrize(
    ("total", "verdict"),
    [
        pytest.param(4, Verdict.NO, id="biased sum 4 (all 没有) is 否"),
        pytest.param(8, Verdict.NO, id="biased sum 8 is 否 (≤8, not <8)"),
        pytest.param(9, Verdict.TENDENCY, id="biased sum 9 is 倾向是"),
        pytest.param(10, Verdict.TENDENCY, id="biased sum 10 is 倾向是"),
        pytest.param(11, Verdict.YES, id="biased sum 11 is 是"),
        pytest.param(20, Verdict.YES, id="biased sum 20 (all 总是) is 是"),
    ],
)
def test_biased_verdict(total: int, verdict: Verdict) -> None:
    assert tcm.biased_verdict(total) is verdict


# --- 平和质: ≥17 and others ≤8 是; ≥17 and others ≤10 基本是 --------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "pinghe", "verdict"),
    [
        # q2, q5, q13 raised: 平和 falls to 16 while 气虚 6, 气郁 6, 阳虚 5 stay ≤8; q1=2 lifts 平和 to 17.
        pytest.param({"q2": 3, "q5": 3, "q13": 2}, 16, Verdict.NO, id="平和质: sum 16 is 否"),
        pytest.param(
            {"q1": 2, "q2": 3, "q5": 3, "q13": 2}, 17, Verdict.YES, id="平和质: sum 17, others ≤8 is 是"
        ),
    ],
)
def test_balanced_sum_threshold(changes: dict[str, int], pinghe: int, verdict: Verdict) -> None:
    a = answers(**changes)
    assert sums(a)[C.PINGHE] == pinghe
    assert max(sums(a)[c] for c in tcm.BIASED) <= 8
    assert verdicts(a)[C.PINGHE] is verdict


@pytest.mark.parametrize(
    ("other", "verdict"),
    [
        pytest.param(8, Verdict.YES, id="平和质 21: highest other 8 → 是"),
        pytest.param(9, Verdict.BASICALLY, id="平和质 21: highest other 9 → 基本是"),
        pytest.param(10, Verdict.BASICALLY, id="平和质 21: highest other 10 → 基本是 (≤10 rule)"),
        pytest.param(11, Verdict.NO, id="平和质 21: highest other 11 → 否"),
    ],
)
def test_balanced_others(other: int, verdict: Verdict) -> None:
    a = with_sum(C.TEBING, other)  # 特禀质 shares no item with 平和质
    assert sums(a)[C.PINGHE] == 21
    assert verdicts(a)[C.PINGHE] is verdict


@pytest.mark.parametrize(
    ("total", "others", "verdict"),
    [
        pytest.param(16, (4,) * 8, Verdict.NO, id="balanced_verdict: 16 with every other 4 is 否"),
        pytest.param(17, (8,) * 8, Verdict.YES, id="balanced_verdict: 17 with every other 8 is 是"),
        pytest.param(
            17, (8,) * 7 + (10,), Verdict.BASICALLY, id="balanced_verdict: one other at 10 is 基本是"
        ),
        pytest.param(17, (4,) * 7 + (11,), Verdict.NO, id="balanced_verdict: one other at 11 is 否"),
    ],
)
def test_balanced_verdict(total: int, others: tuple[int, ...], verdict: Verdict) -> None:
    assert tcm.balanced_verdict(total, others) is verdict


# --- main constitutions, guidance, findings --------------------------------------------------------------------


def test_balanced_resident_gets_balanced_guidance() -> None:
    r = tcm.assess_tcm(answers(), today=TODAY)
    assert r.main == (C.PINGHE,)
    assert [g.constitution for g in r.guidance] == [C.PINGHE]
    assert [f.code for f in r.findings] == ["tcm.pinghe.yes"]
    assert r.findings[0].severity is Severity.INFO
    assert r.findings[0].clauses[:2] == (tcm.CL_ITEMS, tcm.CL_BALANCED)
    assert tcm.CL_GUIDANCE in r.findings[0].clauses
    assert all(c in CLAUSES for c in r.clauses)


def test_biased_yes_and_tendency_both_get_guidance() -> None:
    a = with_sum(
        C.QIYU, 9, **{k: v for k, v in with_sum(C.TEBING, 12).items() if k in {"q15", "q17", "q18", "q20"}}
    )
    r = tcm.assess_tcm(a, today=TODAY)
    assert r.main == (C.TEBING,)  # 是 outranks 倾向是
    assert [g.constitution for g in r.guidance] == [C.QIYU, C.TEBING]
    codes = {f.code for f in r.findings}
    assert {"tcm.tebing.yes", "tcm.qiyu.tendency"} <= codes
    assert "tcm.pinghe.no" not in codes  # only positive verdicts are findings
    assert all(f.severity is Severity.ADVICE for f in r.findings)
    assert all(f.clauses[:2] == (tcm.CL_ITEMS, tcm.CL_BIASED) for f in r.findings)


def test_main_orders_biased_yes_by_sum() -> None:
    a = with_sum(C.SHIRE, 11, **{f"q{i}": 4 for i in tcm.ITEM_GROUPS[C.XUEYU]})  # 血瘀 16, 湿热 11
    r = tcm.assess_tcm(a, today=TODAY)
    assert r.main == (C.XUEYU, C.SHIRE)


def test_tendency_with_basically_balanced() -> None:
    r = tcm.assess_tcm(with_sum(C.TANSHI, 10), today=TODAY)
    assert verdicts(with_sum(C.TANSHI, 10))[C.PINGHE] is Verdict.BASICALLY
    assert r.main == (C.TANSHI, C.PINGHE)
    assert [g.constitution for g in r.guidance] == [C.TANSHI]  # biased guidance replaces 平和质's


def test_undetermined_when_nothing_is_positive() -> None:
    r = tcm.assess_tcm(answers(q2=3, q5=3, q13=2), today=TODAY)
    assert r.main == ()
    assert r.guidance == ()
    assert [f.code for f in r.findings] == ["tcm.undetermined"]
    assert r.findings[0].values["pinghe"] == 16


@pytest.mark.parametrize(
    ("today", "due"),
    [
        pytest.param(dt.date(2026, 3, 2), dt.date(2027, 3, 2), id="BPHS-2017: assessed again a year later"),
        pytest.param(dt.date(2028, 2, 29), dt.date(2029, 2, 28), id="BPHS-2017: 29 February → 28 February"),
    ],
)
def test_yearly_reassessment(today: dt.date, due: dt.date) -> None:
    (step,) = tcm.assess_tcm(answers(), today=today).next_steps
    assert step.code == "tcm.reassess"
    assert step.due == due
    assert step.clauses == (tcm.CL_YEARLY,)


def test_unconfirmed_guidance_is_tagged_and_overridable() -> None:
    r = tcm.assess_tcm(with_sum(C.YANGXU, 12), today=TODAY)
    assert r.guidance[0].clauses == (tcm.CL_GUIDANCE_U,)
    assert tcm.CL_GUIDANCE_U in r.clauses
    site = msgspec.structs.replace(tcm.GUIDANCE[C.YANGXU], acupoints_zh=("关元",), acupoints_en=("Guanyuan",))
    r2 = tcm.assess_tcm(
        with_sum(C.YANGXU, 12), today=TODAY, settings=TcmSettings(guidance_overrides={C.YANGXU: site})
    )
    assert r2.guidance == (site,)


def test_settings_decode_from_configuration() -> None:
    raw = msgspec.json.encode({"guidance_overrides": {"shire": msgspec.to_builtins(tcm.GUIDANCE[C.SHIRE])}})
    s = msgspec.json.decode(raw, type=TcmSettings)
    assert s.guidance_overrides[C.SHIRE] == tcm.GUIDANCE[C.SHIRE]


# --- validation ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "field"),
    [
        pytest.param({k: v for k, v in answers().items() if k != "q7"}, "answers.q7", id="item 7 missing"),
        pytest.param({}, "answers.q1", id="no answers at all: item 1 is named first"),
        pytest.param(answers(q34=1), "answers.q34", id="a 34th item is refused"),
        pytest.param({**answers(), "7": 1}, "answers.7", id="a key without the q prefix is refused"),
        pytest.param(answers(q3=True), "answers.q3", id="a boolean answer is refused"),
        pytest.param({**answers(), "q4": "3"}, "answers.q4", id="a string answer is refused"),
        pytest.param({**answers(), "q5": 3.0}, "answers.q5", id="a float answer is refused"),
        pytest.param({**answers(), "q6": None}, "answers.q6", id="a null answer is refused"),
        pytest.param(answers(q8=0), "answers.q8", id="answer 0 is refused"),
        pytest.param(answers(q33=6), "answers.q33", id="answer 6 is refused"),
    ],
)
def test_invalid_answers_name_the_item(a: dict[str, Any], field: str) -> None:
    with pytest.raises(RuleError) as err:
        tcm.assess_tcm(a, today=TODAY)
    assert err.value.field == field


# --- items 9 and 28 from measurements --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bmi", "answer"),
    [
        pytest.param(23.9, 1, id="form item 9: BMI 23.9 → 1"),
        pytest.param(24.0, 2, id="form item 9: BMI 24.0 → 2"),
        pytest.param(24.9, 2, id="form item 9: BMI 24.9 → 2"),
        pytest.param(25.0, 3, id="form item 9: BMI 25.0 → 3"),
        pytest.param(25.9, 3, id="form item 9: BMI 25.9 → 3"),
        pytest.param(26.0, 4, id="form item 9: BMI 26.0 → 4"),
        pytest.param(27.9, 4, id="form item 9: BMI 27.9 → 4"),
        pytest.param(28.0, 5, id="form item 9: BMI 28.0 → 5"),
    ],
)
def test_item9_from_bmi(bmi: float, answer: int) -> None:
    assert tcm.answer_from_bmi(bmi) == answer


@pytest.mark.parametrize(
    ("waist", "answer"),
    [
        pytest.param(79.4, 1, id="form item 28: waist 79.4 cm (79) → 1"),
        pytest.param(79.5, 2, id="form item 28: waist 79.5 cm (80) → 2"),
        pytest.param(85.0, 2, id="form item 28: waist 85 cm → 2"),
        pytest.param(85.4, 2, id="form item 28: waist 85.4 cm (85) → 2"),
        pytest.param(85.5, 3, id="form item 28: waist 85.5 cm (86) → 3"),
        pytest.param(90.0, 3, id="form item 28: waist 90 cm → 3"),
        pytest.param(91.0, 4, id="form item 28: waist 91 cm → 4"),
        pytest.param(105.0, 4, id="form item 28: waist 105 cm → 4"),
        pytest.param(105.5, 5, id="form item 28: waist 105.5 cm (106) → 5"),
    ],
)
def test_item28_from_waist(waist: float, answer: int) -> None:
    assert tcm.answer_from_waist(waist) == answer


@pytest.mark.parametrize(
    ("func", "value", "field"),
    [
        pytest.param(tcm.answer_from_bmi, 0.0, "bmi", id="BMI 0 is refused"),
        pytest.param(tcm.answer_from_bmi, float("nan"), "bmi", id="BMI NaN is refused"),
        pytest.param(tcm.answer_from_waist, 10.0, "waist_cm", id="waist 10 cm is refused"),
    ],
)
def test_measurement_plausibility(func: Any, value: float, field: str) -> None:
    with pytest.raises(RuleError) as err:
        func(value)
    assert err.value.field == field


# --- the texts ----------------------------------------------------------------------------------------------------


def test_form_texts() -> None:
    assert len(_tcm_data.ITEMS) == tcm.ITEM_COUNT
    assert _tcm_data.ITEMS[0][0] == "(1)您精力充沛吗？（指精神头足，乐于做事）"
    for n, (zh, en) in enumerate(_tcm_data.ITEMS, start=1):
        assert zh.startswith(f"({n})")
        assert en.startswith(f"({n}) ")
    assert set(_tcm_data.SPECIAL_LABELS) == {9, 14, 17, 28}
    assert all(len(labels) == 5 for labels in _tcm_data.SPECIAL_LABELS.values())
    assert _tcm_data.SPECIAL_LABELS[9][0][0] == "（BMI＜24）"
    assert CLAUSES[tcm.CL_FORM_TEXTS].confidence is Confidence.V2


@pytest.mark.parametrize("constitution", [pytest.param(c, id=f"guidance of {c.value}") for c in Constitution])
def test_guidance_complete(constitution: Constitution) -> None:
    g = tcm.GUIDANCE[constitution]
    assert [a.area for a in g.advice] == list(GuidanceArea)
    assert [a.title_zh for a in g.advice] == ["情志调摄", "饮食调养", "起居调摄", "运动保健", "穴位保健"]
    assert all(a.text_zh and a.text_en for a in g.advice)
    assert len(g.acupoints_zh) == len(g.acupoints_en) == 2
    points_text = g.advice[-1].text_zh
    assert all(p in points_text for p in g.acupoints_zh)
    assert all(c in CLAUSES for c in g.clauses)
