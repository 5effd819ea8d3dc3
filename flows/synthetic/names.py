"""Chinese names drawn by real surname frequencies, with given names typical of the holder's generation and sex."""

from __future__ import annotations

import itertools
import random
from typing import Final

from flows.model import Sex

# Surname shares in per-ten-thousand of the registered population.
# Order: 公安部户政管理研究中心《二〇二〇年全国姓名报告》"百家姓" ranking (王 李 张 刘 陈 lead; the top 100 hold
# 85.9 % of registered residents per the 2019 report). Shares of the top 22: 公安部治安管理局 2007 household
# registration count (王 7.25 %, 李 7.19 %, 张 6.83 %; ten surnames above 20 million, twelve between 10 and
# 20 million). Ranks 23–100 are not published with shares in the reports we hold [U]: they are interpolated
# from 0.78 % down to 0.26 % so that the top 100 sum to ~86 %. Good enough for demo data, not for statistics.
_TOP: Final = (
    ("王", 725), ("李", 719), ("张", 683), ("刘", 538), ("陈", 453), ("杨", 308), ("赵", 229), ("黄", 223),
    ("周", 205), ("吴", 205), ("徐", 167), ("孙", 154), ("胡", 131), ("朱", 139), ("高", 119), ("林", 118),
    ("何", 120), ("郭", 128), ("马", 145), ("罗", 87), ("梁", 79), ("郑", 78),
)  # fmt: skip
_RANKS_23_100: Final = (
    "宋谢唐韩曹许邓萧冯曾程蔡彭潘袁于董余苏叶吕魏蒋田杜丁沈姜范江傅钟卢汪戴崔任陆廖姚方金邱夏谭韦贾邹石熊孟秦阎"
    "薛侯雷白龙段郝孔邵史毛常万顾赖武康贺严尹钱施牛洪龚"
)
_TAIL: Final = "汤欧覃莫殷庞樊兰翟安倪颜尚柯管"  # the other ~14 %: a few less common surnames, evenly


def _surname_table() -> tuple[tuple[str, ...], tuple[float, ...]]:
    names = [s for s, _ in _TOP]
    weights = [float(w) for _, w in _TOP]
    rest = list(dict.fromkeys(_RANKS_23_100))
    for i, s in enumerate(rest):
        weights.append(78 - (78 - 26) * i / max(1, len(rest) - 1))
        names.append(s)
    top_total = sum(weights)
    tail = [s for s in dict.fromkeys(_TAIL) if s not in names]
    tail_total = top_total * (100 - 86) / 86
    for s in tail:
        names.append(s)
        weights.append(tail_total / len(tail))
    return tuple(names), tuple(itertools.accumulate(weights))


SURNAMES, _SURNAME_CUM = _surname_table()

# Given names by birth cohort: the characters parents chose shifted markedly (建国/秀英 → 伟/丽 → 子轩/梓涵).
# Two-character names are built from a first and a second character; one-character names were more common
# among people born 1970–1999.
_GIVEN: Final[dict[tuple[str, Sex], tuple[str, str, str]]] = {
    # (cohort, sex): (first characters, second characters, one-character names)
    ("old", Sex.MALE): (
        "建国志永德文学玉长春金福海卫红宝树国庆",
        "国强明华军生福贵林山忠民才成发祥",
        "军强明华林平辉刚",
    ),
    ("old", Sex.FEMALE): ("秀桂玉凤淑春丽翠美金月素红兰", "英兰珍梅芳华花凤琴荣香娥", "芳英兰霞梅萍珍"),
    ("mid", Sex.MALE): (
        "晓志建俊文海永国伟春立红小",
        "东刚波杰峰涛辉明军勇斌龙鹏",
        "伟磊涛鹏超勇军杰斌浩明刚辉强",
    ),
    ("mid", Sex.FEMALE): ("晓丽海春美雪秀慧小红艳", "丽娟燕玲梅萍敏红霞琴莉", "丽静敏燕艳娟霞芳婷雪"),
    ("new", Sex.MALE): ("子浩宇梓俊一博思皓明睿泽家天", "轩然航豪熙诺文远泽宇辰阳瑞", "睿泽昊宇轩浩"),
    ("new", Sex.FEMALE): ("梓欣诗雨可紫思佳语若梦子一", "涵怡桐馨萱琪妍汐欣瑶诺彤", "涵琪怡萱彤悦"),
}


def _pools() -> dict[tuple[str, Sex], tuple[tuple[str, ...], tuple[str, ...]]]:
    pools = {}
    for key, (firsts, seconds, singles) in _GIVEN.items():
        doubles = tuple(a + b for a, b in itertools.product(firsts, seconds) if a != b)
        pools[key] = (doubles, tuple(singles))
    return pools


_POOLS: Final = _pools()
_SINGLE_SHARE: Final = {"old": 0.15, "mid": 0.35, "new": 0.12}


def draw_surname(rng: random.Random) -> str:
    return rng.choices(SURNAMES, cum_weights=_SURNAME_CUM)[0]


def draw_given_name(rng: random.Random, sex: Sex, birth_year: int) -> str:
    cohort = "old" if birth_year < 1970 else "mid" if birth_year < 2000 else "new"
    doubles, singles = _POOLS[(cohort, sex)]
    if rng.random() < _SINGLE_SHARE[cohort]:
        return rng.choice(singles)
    return rng.choice(doubles)


def draw_phone(rng: random.Random) -> str:
    """11 digits, 1[3-9]x…: the shape of mainland mobile numbers."""
    return f"1{rng.randint(3, 9)}{rng.randrange(1_000_000_000):09d}"
