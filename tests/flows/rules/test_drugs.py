"""Drug classes read from Chinese generic names (HTN-2020 A/B/C/D [V2]) and the counts the rules use."""

from __future__ import annotations

import pytest

from flows.rules import drugs
from flows.rules.base import CLAUSES, Confidence
from flows.rules.drugs import DrugClass as D


@pytest.mark.parametrize(
    ("name", "classes"),
    [
        pytest.param("苯磺酸氨氯地平片", {D.CCB}, id="HTN.drugs.classes: 氨氯地平 is C (CCB)"),
        pytest.param("硝苯地平控释片", {D.CCB}, id="HTN.drugs.classes: 硝苯地平 is C"),
        pytest.param("马来酸依那普利片", {D.ACEI}, id="HTN.drugs.classes: 依那普利 is A (ACEI)"),
        pytest.param("缬沙坦胶囊", {D.ARB}, id="HTN.drugs.classes: 缬沙坦 is A (ARB)"),
        pytest.param("酒石酸美托洛尔片", {D.BETA_BLOCKER}, id="HTN.drugs.classes: 美托洛尔 is B"),
        pytest.param("氢氯噻嗪片", {D.DIURETIC}, id="HTN.drugs.classes: 氢氯噻嗪 is D"),
        pytest.param("吲达帕胺缓释片", {D.DIURETIC}, id="HTN.drugs.classes: 吲达帕胺 is D"),
        pytest.param("缬沙坦氢氯噻嗪片", {D.ARB, D.DIURETIC}, id="HTN.drugs.classes: combination has two"),
        pytest.param("盐酸二甲双胍片", {D.METFORMIN}, id="metformin"),
        pytest.param("格列美脲片", {D.SULFONYLUREA}, id="sulfonylurea"),
        pytest.param("瑞格列奈片", {D.GLINIDE}, id="glinide is not a sulfonylurea"),
        pytest.param("达格列净片", {D.SGLT2}, id="SGLT2 is not a sulfonylurea"),
        pytest.param("西格列汀片", {D.DPP4}, id="DPP-4"),
        pytest.param("甘精胰岛素注射液", {D.INSULIN}, id="insulin"),
        pytest.param("阿托伐他汀钙片", {D.STATIN}, id="statin"),
        pytest.param("阿司匹林肠溶片", set(), id="aspirin has no class here"),
    ],
)
def test_drug_classes_from_the_generic_name(name: str, classes: set[D]) -> None:
    assert drugs.drug_classes(name) == classes


def test_on_treatment_flags() -> None:
    assert drugs.on_antihypertensives(["阿司匹林肠溶片", "苯磺酸氨氯地平片"])
    assert not drugs.on_antihypertensives(["阿司匹林肠溶片", "盐酸二甲双胍片"])
    assert drugs.on_glucose_lowering(["盐酸二甲双胍片"])
    assert not drugs.on_glucose_lowering(["苯磺酸氨氯地平片"])


@pytest.mark.parametrize(
    ("names", "count", "diuretic"),
    [
        pytest.param(["依那普利", "缬沙坦"], 1, False, id="ACEI and ARB count as one class A"),
        pytest.param(["依那普利", "氨氯地平", "氢氯噻嗪"], 3, True, id="A+C+D is three with a diuretic"),
        pytest.param(["依那普利", "氨氯地平", "美托洛尔"], 3, False, id="A+B+C is three without a diuretic"),
        pytest.param([], 0, False, id="no drugs"),
    ],
)
def test_antihypertensive_count(names: list[str], count: int, diuretic: bool) -> None:
    assert drugs.antihypertensive_count(names) == (count, diuretic)


def test_the_class_clause_is_a_secondary_source() -> None:
    assert CLAUSES[drugs.CL_CLASSES].confidence is Confidence.V2
