"""Chinese text for ESC/POS: printed widths, CJK-aware wrapping and the GBK replacement rule (DEVICES.md §1)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hardware.printer.text import PLACEHOLDER, columns_for, display_width, encode_gbk, gbk_safe, wrap


@pytest.mark.parametrize(
    ("text", "width"),
    [
        pytest.param("", 0, id="empty"),
        pytest.param("A001", 4, id="ascii"),
        pytest.param("全科门诊", 8, id="chinese: two columns each"),
        pytest.param("，：", 4, id="fullwidth punctuation"),
        pytest.param("3号诊室", 7, id="mixed"),
        pytest.param("￥", 2, id="fullwidth yen"),
        pytest.param("°×·“”", 10, id="ambiguous: wide in GB fonts (UAX #11 §5)"),
        pytest.param("e\u0301", 1, id="combining mark: zero"),
        pytest.param("ｱ", 1, id="halfwidth katakana"),
    ],
)
def test_display_width(text: str, width: int) -> None:
    assert display_width(text) == width


@pytest.mark.parametrize(
    ("paper", "double_width", "width_mag", "columns"),
    [
        pytest.param(58, False, 1, 32, id="58 mm"),
        pytest.param(58, True, 1, 16, id="58 mm double width"),
        pytest.param(80, False, 1, 48, id="80 mm"),
        pytest.param(80, True, 1, 24, id="80 mm double width"),
        pytest.param(58, False, 4, 8, id="58 mm GS ! 4x"),
        pytest.param(80, False, 5, 9, id="80 mm GS ! 5x"),
    ],
)
def test_columns_for(paper: int, double_width: bool, width_mag: int, columns: int) -> None:
    assert columns_for(paper, double_width=double_width, width_mag=width_mag) == columns


def test_columns_for_refuses_other_paper_naming_it() -> None:
    with pytest.raises(ValueError, match="76"):
        columns_for(76)


WRAP_CASES = [
    pytest.param("某某镇卫生院", 32, ["某某镇卫生院"], id="short line unchanged"),
    pytest.param("", 32, [], id="empty: no line"),
    pytest.param("中" * 20, 32, ["中" * 16, "中" * 4], id="16 chinese per 58 mm line"),
    pytest.param("中" * 30, 48, ["中" * 24, "中" * 6], id="24 chinese per 80 mm line"),
    pytest.param("a" + "中" * 16, 32, ["a" + "中" * 15, "中"], id="odd column: wide char not split"),
    pytest.param(
        "the quick brown fox jumps over the lazy dog",
        32,
        ["the quick brown fox jumps over", "the lazy dog"],
        id="latin breaks at spaces",
    ),
    pytest.param("x" * 40, 32, ["x" * 32, "x" * 8], id="over-long latin word hard-broken"),
    pytest.param(
        "请到 3号诊室 候诊，please wait for your number 谢谢",
        32,
        ["请到 3号诊室 候诊，please wait", "for your number 谢谢"],
        id="mixed chinese and latin at 32",
    ),
    pytest.param(
        "请留意叫号屏与语音提示，过号请到分诊台 Please watch the screen",
        48,
        ["请留意叫号屏与语音提示，过号请到分诊台 Please", "watch the screen"],
        id="mixed chinese and latin at 48",
    ),
    pytest.param(
        "a" + "中" * 15 + "，好",
        32,
        ["a" + "中" * 14, "中，好"],
        id="closing punctuation never starts a line",
    ),
    pytest.param("第一行\n\n第三行", 32, ["第一行", "", "第三行"], id="newlines kept"),
    pytest.param("A   B", 32, ["A B"], id="spaces collapse"),
]


@pytest.mark.parametrize(("text", "columns", "lines"), WRAP_CASES)
def test_wrap(text: str, columns: int, lines: list[str]) -> None:
    assert wrap(text, columns) == lines
    assert all(display_width(line) <= columns for line in lines)


_MIXED = st.text(alphabet=st.sampled_from(list("中文字，。：（）“”abcXYZ0123-. ")), max_size=120)


@given(text=_MIXED, columns=st.sampled_from([8, 16, 24, 32, 48]))
def test_wrap_fits_and_loses_nothing_but_spaces(text: str, columns: int) -> None:
    lines = wrap(text, columns)
    assert all(display_width(line) <= columns for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        pytest.param("¥12.50", "￥12.50", id="yen → fullwidth yen (GB18030 4-byte otherwise)"),
        pytest.param("Onestop®", "Onestop(R)", id="registered"),
        pytest.param("m²", "m2", id="superscript two"),
        pytest.param("cm³", "cm3", id="superscript three"),
        pytest.param("™", "TM", id="trade mark"),
        pytest.param("€5", "EUR5", id="euro"),
        pytest.param("3\u00a0号", "3 号", id="no-break space"),
        pytest.param("7.2 µmol/L", "7.2 μmol/L", id="micro sign → mu"),
        pytest.param("买买提•艾力", "买买提·艾力", id="bullet interpunct in a minority name"),
        pytest.param("买买提・艾力", "买买提·艾力", id="katakana interpunct"),
        pytest.param("1\u22122", "1-2", id="minus sign"),
        pytest.param("‚quote„", "'quote\"", id="low quotes"),
        pytest.param("a\u200bb", "ab", id="zero-width space dropped"),
        pytest.param("ﬁle", "file", id="NFKC fallback"),
        pytest.param("—“”‘’…", "—“”‘’…", id="GBK dashes and quotes kept"),
        pytest.param("𠮷", PLACEHOLDER, id="rare name char outside the BMP"),
        pytest.param("刘䶮", "刘" + PLACEHOLDER, id="ext-A name char not in GBK"),
        pytest.param("\x1b@", PLACEHOLDER + "@", id="control byte never reaches the printer"),
    ],
)
def test_gbk_safe(text: str, safe: str) -> None:
    assert gbk_safe(text) == safe
    assert encode_gbk(text) == safe.encode("gbk")


def test_placeholder_is_a_visible_gbk_character() -> None:
    assert encode_gbk(PLACEHOLDER) == b"\xa1\xf5"


def test_yen_is_the_gbk_fullwidth_yen() -> None:
    assert encode_gbk("¥") == b"\xa3\xa4"


def test_line_of_only_chinese_punctuation_round_trips() -> None:
    data = encode_gbk("，：")
    assert data == b"\xa3\xac\xa3\xba"
    assert b"?" not in data
    assert data.decode("gbk") == "，："


@given(st.text(max_size=40))
def test_encoding_never_fails_and_width_equals_bytes(text: str) -> None:
    safe = gbk_safe(text)
    data = encode_gbk(text)
    assert data.decode("gbk") == safe
    # What wrap() measures is what prints: one column per single-byte, two per double-byte character.
    assert display_width(safe) == len(data)
