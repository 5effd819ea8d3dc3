"""Health education items (flows.rules.education): one item per finding with its clauses, the advice topics
as items, the printed page. One case per clause the items cite."""

from __future__ import annotations

import datetime as dt

import pytest

from flows.model import Sex
from flows.rules.advice import AdviceInput, patient_advice
from flows.rules.base import CLAUSES
from flows.rules.education import (
    C_WORDING,
    FINDING_ITEMS,
    advice_item,
    education_document,
    education_items,
    finding_items,
)

CASES = [
    # (finding code, item code, clause it must cite, words of the item)
    pytest.param(
        "htn.grade.high_normal",
        "htn.grade.high_normal",
        "HTN.grade.high_normal",
        "120–139",
        id="HTN-2020 high-normal",
    ),
    pytest.param(
        "htn.high_risk",
        "htn.high_risk",
        "HTN.high_risk",
        "每6个月",
        id="BPHS-2017 high-risk: BP every 6 months",
    ),
    pytest.param(
        "dm.prediabetes.ifg", "dm.prediabetes.ifg", "DM.prediabetes.ifg", "6.1–7.0", id="DM-2022 IFG"
    ),
    pytest.param(
        "dm.prediabetes.igt", "dm.prediabetes.igt", "DM.prediabetes.igt", "2小时", id="DM-2022 IGT [U]"
    ),
    pytest.param("dm.screen.ogtt_or_hba1c", "dm.risk", "DM.screen.fpg_cue", "5.6", id="DM-2025 FPG ≥5.6 cue"),
    pytest.param("cdrs.high_risk", "dm.risk", "CDRS.high_risk", "25", id="CDRS ≥25"),
    pytest.param(
        "lipid.tc.borderline_high",
        "lipid.borderline_high",
        "LIPID.screening",
        "每年",
        id="LIPID-2023 screening",
    ),
    pytest.param(
        "lipid.tg.borderline_high", "lipid.borderline_high", "LIPID.tc", "5.2–6.2", id="LIPID-2023 borderline"
    ),
    pytest.param(
        "copd.sq.high_risk", "copd.sq.high_risk", "COPD.sq.high_risk", "16", id="COPD-2024 COPD-SQ ≥16"
    ),
]


@pytest.mark.parametrize(("finding", "code", "clause", "words"), CASES)
def test_a_finding_has_its_item(finding: str, code: str, clause: str, words: str) -> None:
    (item,) = finding_items([finding])
    assert item.code == code
    assert clause in item.clauses
    assert C_WORDING in item.clauses, "the wording is ours [U]"
    assert words in "".join(item.lines)
    assert len(item.lines) == len(item.lines_en)


def test_every_cited_clause_is_registered() -> None:
    for item in FINDING_ITEMS.values():
        assert all(c in CLAUSES for c in item.clauses), item.clauses


def test_one_item_for_shared_codes_and_high_normal_covers_high_risk() -> None:
    items = finding_items(
        ["lipid.tc.borderline_high", "lipid.ldl.borderline_high", "htn.high_risk", "htn.grade.high_normal"]
    )
    assert [i.code for i in items] == ["htn.grade.high_normal", "lipid.borderline_high"]
    assert finding_items(["htn.grade.normal", "weight.bmi.overweight"]) == [], "no item of its own"


def test_advice_topics_follow_the_findings_and_warning_signs_lead() -> None:
    advice = patient_advice(
        AdviceInput(conditions=(), age=60, sex=Sex.MALE, latest={"sbp": 150, "dbp": 95}, smoker=True)
    )
    items = education_items(["htn.grade.high_normal"], advice)
    codes = [i.code for i in items]
    assert codes[0] == "advice.warning_signs", "the 8+2 screen's stroke signs are urgent"
    assert items[0].urgent
    assert codes[1] == "htn.grade.high_normal"
    assert "advice.smoking" in codes
    smoking = advice_item(next(a for a in advice if a.topic.value == "smoking"))
    assert smoking.title == "吸烟"
    assert "PLAN.smoking" in smoking.clauses


def test_the_printed_page() -> None:
    items = finding_items(["htn.grade.high_normal", "copd.sq.high_risk"])
    page = education_document(items, site_name="示范镇卫生院", doctor="王医生", day=dt.date(2026, 3, 2))
    assert page.title == "健康教育处方"
    assert page.lines[0] == "【血压正常高值】"
    assert "" in page.lines, "a blank line between items"
    assert "【慢阻肺高危】" in page.lines
    assert not any("HTN." in line for line in page.lines), "no clause ids on the resident's paper"
    assert page.footer == "示范镇卫生院　王医生　2026-03-02"
