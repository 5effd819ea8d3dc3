"""Pinyin initials for the search, with surnames read as surnames (common surname readings, 《百家姓》)."""

from __future__ import annotations

import pytest

from db.pinyin import name_initials


@pytest.mark.parametrize(
    ("name", "initials"),
    [
        pytest.param("张三", "zs", id="common: 张三 → zs"),
        pytest.param("单志声", "szs", id="surname 单 is shan, not dan"),
        pytest.param("曾国藩", "zgf", id="surname 曾 is zeng, not ceng"),
        pytest.param("解放", "xf", id="surname 解 is xie, not jie"),
        pytest.param("仇英", "qy", id="surname 仇 is qiu, not chou"),
        pytest.param("区小明", "oxm", id="surname 区 is ou, not qu"),
        pytest.param("朴正义", "pzy", id="surname 朴 is piao, not pu"),
        pytest.param("查良镛", "zly", id="surname 查 is zha, not cha"),
        pytest.param("覃红", "qh", id="surname 覃 is qin, not tan"),
        pytest.param("盖伟", "gw", id="surname 盖 is ge, not gai"),
        pytest.param("乐明", "ym", id="surname 乐 is yue, not le"),
        pytest.param("翟东", "zd", id="surname 翟 is zhai, not di"),
        pytest.param("缪斌", "mb", id="surname 缪 is miao, not mou"),
        pytest.param("秘书琴", "bsq", id="surname 秘 is bi, not mi"),
        pytest.param("种师道", "csd", id="surname 种 is chong, not zhong"),
        pytest.param("长孙无忌", "zswj", id="compound surname 长孙 is zhang sun"),
        pytest.param("尉迟恭", "ycg", id="compound surname 尉迟 is yu chi"),
        pytest.param("万俟卨", "mqx", id="compound surname 万俟 is mo qi"),
        pytest.param("阿依古丽·买买提", "ayglmmt", id="minority name: the dot is dropped"),
        pytest.param(" 李  明 ", "lm", id="spaces ignored"),
    ],
)
def test_initials(name: str, initials: str) -> None:
    assert name_initials(name) == initials


def test_initials_are_lower_case_ascii() -> None:
    for name in ["张三", "王Anna", "李-明", "欧阳娜娜"]:
        result = name_initials(name)
        assert result.isascii(), name
        assert result.isalpha(), name
        assert result == result.lower(), name
