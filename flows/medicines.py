"""The site's essential medicines list (基本药物目录): what a doctor may prescribe, with the dose and frequency
choices the prescribing screen offers.

The default list is [U]: the items of the national essential medicines list (国家基本药物目录, 2018 edition)
for the five conditions, with common strengths and the usual adult doses and frequencies, written from memory of
the list, not checked against a stored copy. A site replaces it whole in its configuration (`[[medicines]]`,
onestop.config.MedicineConfig), with its own formulary. Drug classes are not kept here: they are read from the
generic name by flows.rules.drugs (one place for the stems).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

import msgspec
from msgspec import Struct

from flows.errors import InvalidInput
from flows.model import Condition
from flows.rules.drugs import drug_classes

_H, _D, _L, _C = Condition.HYPERTENSION, Condition.DIABETES, Condition.DYSLIPIDAEMIA, Condition.COPD


class EssentialMedicine(Struct, frozen=True, kw_only=True):
    """One item of the list. `drug` is the name written on a prescription (generic name and form)."""

    drug: str  # 氨氯地平片
    generic: str  # 通用名, read by flows.rules.drugs for the class: 氨氯地平
    form: str  # 剂型: 片剂, 缓释片, 气雾剂 …
    strength: str  # 规格: 5mg
    doses: tuple[str, ...]  # the dose choices, first = usual
    frequencies: tuple[str, ...]  # frequency codes (FREQUENCIES), first = usual
    conditions: tuple[Condition, ...]  # what it treats on this list


class MedicineItem(Struct, frozen=True, kw_only=True):
    """The list as the API serves it: the item, its classes, pinyin initials to type, and the stock."""

    medicine: EssentialMedicine
    classes: tuple[str, ...]  # flows.rules.drugs.DrugClass values
    initials: str  # 氨氯地平片 → "aldpp": typed to find it
    in_stock: bool  # no open shortage record (缺药登记) for it


# Frequency codes as Chinese prescriptions write them (Latin abbreviations), with the times a day the BPHS-2017
# follow-up form records (用药情况: 每日几次). None: as needed.
FREQUENCIES: Final[dict[str, int | None]] = {
    "qd": 1,
    "bid": 2,
    "tid": 3,
    "qn": 1,  # every night
    "qod": None,  # every other day
    "prn": None,
}


_Row = tuple[str, str, str, str, tuple[str, ...], tuple[str, ...], Condition]


# [U] 国家基本药物目录 (2018) items for the five conditions; a site replaces this list in its configuration.
_ROWS: Final[tuple[_Row, ...]] = (
    # hypertension: A (ACEI/ARB), B (β-blocker), C (CCB), D (diuretic) — HTN-2020 first-line classes [V2]
    ("卡托普利片", "卡托普利", "片剂", "12.5mg", ("12.5mg", "25mg", "50mg"), ("bid", "tid"), _H),
    ("依那普利片", "依那普利", "片剂", "5mg", ("5mg", "10mg", "20mg"), ("qd", "bid"), _H),
    ("缬沙坦胶囊", "缬沙坦", "胶囊", "80mg", ("80mg", "160mg"), ("qd",), _H),
    ("氯沙坦钾片", "氯沙坦", "片剂", "50mg", ("50mg", "100mg"), ("qd",), _H),
    ("硝苯地平片", "硝苯地平", "片剂", "10mg", ("10mg", "20mg"), ("tid",), _H),
    ("硝苯地平缓释片", "硝苯地平", "缓释片", "20mg", ("10mg", "20mg"), ("bid", "qd"), _H),
    ("硝苯地平控释片", "硝苯地平", "控释片", "30mg", ("30mg", "60mg"), ("qd",), _H),
    ("氨氯地平片", "氨氯地平", "片剂", "5mg", ("5mg", "2.5mg", "10mg"), ("qd",), _H),
    ("尼群地平片", "尼群地平", "片剂", "10mg", ("10mg", "20mg"), ("bid", "qd"), _H),
    ("美托洛尔片", "美托洛尔", "片剂", "25mg", ("25mg", "12.5mg", "50mg"), ("bid",), _H),
    ("比索洛尔片", "比索洛尔", "片剂", "5mg", ("5mg", "2.5mg", "10mg"), ("qd",), _H),
    ("氢氯噻嗪片", "氢氯噻嗪", "片剂", "25mg", ("12.5mg", "25mg"), ("qd",), _H),
    ("吲达帕胺片", "吲达帕胺", "片剂", "2.5mg", ("2.5mg", "1.25mg"), ("qd",), _H),
    ("螺内酯片", "螺内酯", "片剂", "20mg", ("20mg", "40mg"), ("qd", "bid"), _H),
    # type 2 diabetes
    ("二甲双胍片", "二甲双胍", "片剂", "0.5g", ("0.5g", "0.25g", "0.85g", "1g"), ("bid", "tid"), _D),
    ("二甲双胍缓释片", "二甲双胍", "缓释片", "0.5g", ("0.5g", "1g", "1.5g"), ("qd",), _D),
    ("格列本脲片", "格列本脲", "片剂", "2.5mg", ("2.5mg", "5mg"), ("qd", "bid"), _D),
    ("格列吡嗪片", "格列吡嗪", "片剂", "5mg", ("2.5mg", "5mg", "10mg"), ("qd", "bid", "tid"), _D),
    ("格列美脲片", "格列美脲", "片剂", "2mg", ("1mg", "2mg", "4mg"), ("qd",), _D),
    ("格列齐特缓释片", "格列齐特", "缓释片", "30mg", ("30mg", "60mg", "90mg", "120mg"), ("qd",), _D),
    ("阿卡波糖片", "阿卡波糖", "片剂", "50mg", ("50mg", "100mg"), ("tid",), _D),
    ("胰岛素注射液", "胰岛素", "注射液", "400U/10ml", ("4U", "6U", "8U"), ("tid",), _D),
    (
        "精蛋白生物合成人胰岛素注射液(预混30R)",
        "胰岛素",
        "注射液",
        "300U/3ml",
        ("8U", "10U", "12U"),
        ("bid",),
        _D,
    ),
    ("甘精胰岛素注射液", "胰岛素", "注射液", "300U/3ml", ("10U", "8U", "12U", "14U"), ("qd",), _D),
    # dyslipidaemia
    ("辛伐他汀片", "辛伐他汀", "片剂", "20mg", ("20mg", "10mg", "40mg"), ("qn",), _L),
    ("阿托伐他汀钙片", "阿托伐他汀", "片剂", "20mg", ("20mg", "10mg", "40mg"), ("qd", "qn"), _L),
    # COPD
    ("沙丁胺醇气雾剂", "沙丁胺醇", "气雾剂", "100μg/揿", ("1揿", "2揿"), ("prn", "tid"), _C),
    ("异丙托溴铵气雾剂", "异丙托溴铵", "气雾剂", "20μg/揿", ("2揿", "1揿"), ("tid", "prn"), _C),
    ("噻托溴铵粉吸入剂", "噻托溴铵", "粉吸入剂", "18μg", ("18μg",), ("qd",), _C),
    (
        "布地奈德福莫特罗粉吸入剂",
        "布地奈德福莫特罗",
        "粉吸入剂",
        "160μg/4.5μg",
        ("1吸", "2吸"),
        ("bid",),
        _C,
    ),
    ("氨茶碱片", "氨茶碱", "片剂", "0.1g", ("0.1g", "0.2g"), ("tid",), _C),
    ("茶碱缓释片", "茶碱", "缓释片", "0.1g", ("0.1g", "0.2g"), ("bid",), _C),
)

DEFAULT_MEDICINES: Final = tuple(
    EssentialMedicine(
        drug=drug,
        generic=generic,
        form=form,
        strength=strength,
        doses=doses,
        frequencies=frequencies,
        conditions=(condition,),
    )
    for drug, generic, form, strength, doses, frequencies, condition in _ROWS
)


def load_medicines(configured: Sequence[Mapping[str, Any]]) -> tuple[EssentialMedicine, ...]:
    """The site's list: the configured `[[medicines]]` (as plain tables) when any are given, else the default.

    Every item needs a name, a dose and a frequency choice and a known condition; names are unique. The
    configuration check (onestop.config) refuses the same earlier, naming `medicines[i].key`.
    """
    if not configured:
        return DEFAULT_MEDICINES
    try:
        items = msgspec.convert(list(configured), list[EssentialMedicine])
    except msgspec.ValidationError as exc:
        raise InvalidInput(f"medicines: {exc}", field="medicines") from None
    seen: set[str] = set()
    for i, item in enumerate(items):
        for key in ("drug", "generic", "doses", "frequencies", "conditions"):
            if not getattr(item, key):
                raise InvalidInput(f"medicines[{i}].{key} must not be empty", field="medicines")
        if item.drug in seen:
            raise InvalidInput(f"medicines[{i}].drug {item.drug!r} is listed twice", field="medicines")
        seen.add(item.drug)
    return tuple(items)


def find_medicine(medicines: Iterable[EssentialMedicine], drug: str) -> EssentialMedicine | None:
    return next((m for m in medicines if m.drug == drug), None)


def list_items(
    medicines: Iterable[EssentialMedicine], *, out_of_stock: Iterable[str], initials: Mapping[str, str]
) -> list[MedicineItem]:
    """The list with each item's classes (from its generic name), initials and stock."""
    short = frozenset(out_of_stock)
    return [
        MedicineItem(
            medicine=m,
            classes=tuple(sorted(c.value for c in drug_classes(m.generic))),
            initials=initials.get(m.drug, ""),
            in_stock=m.drug not in short,
        )
        for m in medicines
    ]


def matches(item: MedicineItem, typed: str) -> bool:
    """What the prescribing screen filters on: part of the name, or the start of its pinyin initials."""
    text = typed.strip().lower()
    return not text or text in item.medicine.drug or item.initials.startswith(text)
