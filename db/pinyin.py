"""Pinyin initials of a Chinese name (张三 → "zs") for the resident search, with surname readings fixed."""

from __future__ import annotations

import functools

# Surnames read differently from the character's common reading: common surname readings
# (《百家姓》 usage). pypinyin, reading characters without context, would give e.g. 单 → dan, 曾 → ceng,
# 解 → jie, 朴 → pu, so a desk typing "szs" for 单志声 would not find him. Compound surnames first.
COMPOUND_SURNAMES: dict[str, str] = {
    "长孙": "zhang sun",
    "尉迟": "yu chi",
    "万俟": "mo qi",
    "单于": "chan yu",
    "澹台": "tan tai",
    "令狐": "ling hu",
    "欧阳": "ou yang",
    "上官": "shang guan",
    "司马": "si ma",
    "诸葛": "zhu ge",
    "皇甫": "huang fu",
    "东方": "dong fang",
    "公孙": "gong sun",
    "夏侯": "xia hou",
    "宇文": "yu wen",
    "慕容": "mu rong",
    "司徒": "si tu",
    "呼延": "hu yan",
}

SURNAMES: dict[str, str] = {
    "单": "shan",
    "曾": "zeng",
    "解": "xie",
    "仇": "qiu",
    "区": "ou",
    "朴": "piao",
    "查": "zha",
    "尉": "yu",
    "覃": "qin",
    "盖": "ge",
    "乐": "yue",
    "纪": "ji",
    "任": "ren",
    "华": "hua",
    "黑": "he",
    "缪": "miao",
    "翟": "zhai",
    "万": "wan",
    "车": "che",
    "曲": "qu",
    "秘": "bi",
    "种": "chong",
    "长": "chang",
    "重": "chong",
    "柏": "bai",
    "繁": "po",
    "句": "gou",
    "能": "nai",
    "召": "shao",
    "折": "she",
    "员": "yun",
    "谌": "chen",
    "宿": "su",
    "隗": "wei",
    "便": "pian",
    "藏": "zang",
    "薄": "bo",
    "沈": "shen",
    "贾": "jia",
    "莘": "shen",
    "祭": "zhai",
    "冼": "xian",
    "洗": "xian",
    "都": "du",
    "阚": "kan",
    "眭": "sui",
}


def _initials(readings: str) -> str:
    return "".join(word[0] for word in readings.split())


@functools.lru_cache(maxsize=65536)
def name_initials(name: str) -> str:
    """Lower-case ascii initials of a name: surname by the table above, the rest by pypinyin.

    Non-Han characters are dropped except ascii letters (e.g. the · of 阿依古丽·买买提 goes).
    """
    from pypinyin import Style, lazy_pinyin  # pypinyin loads its dictionary on import: keep it off start-up

    text = "".join(name.split())
    head = ""
    for surname, readings in COMPOUND_SURNAMES.items():
        if text.startswith(surname):
            head, text = _initials(readings), text[len(surname) :]
            break
    else:
        if text and text[0] in SURNAMES:
            head, text = SURNAMES[text[0]][0], text[1:]
    letters = lazy_pinyin(text, style=Style.FIRST_LETTER, errors="default")
    tail = "".join(letters).lower()
    return head + "".join(ch for ch in tail if "a" <= ch <= "z")
