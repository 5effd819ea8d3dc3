"""Which prescribed drugs lower blood pressure or glucose, read from their Chinese generic names.

Prescriptions hold the drug as the doctor wrote it (the site's essential medicines list), not a coded class.
Chinese generic names carry their class in a stem, the way English ones do (-dipine, -pril, -sartan, -olol):
地平 CCB, 普利 ACEI, 沙坦 ARB, 洛尔 β-blocker, 噻嗪 and a few named diuretics. The first-line classes A (ACEI/ARB),
B (β-blocker), C (CCB), D (thiazide-type diuretic) are HTN-2020's [V2]. Reading a stem is a heuristic: a
drug it does not know counts as "not an antihypertensive", and the doctor's own statement wins where the
API lets them give one.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from typing import Final

from flows.rules._hypertension_data import C_DRUG_CLASSES

# The fact and the class names (_hypertension_data.DRUG_CLASSES) are hypertension's; this module only reads names.
CL_CLASSES: Final = C_DRUG_CLASSES


class DrugClass(enum.StrEnum):
    """Finer than A/B/C/D: the letter before ":" is the HTN-2020 class (ACEI and ARB are both A)."""

    ACEI = "A:acei"
    ARB = "A:arb"
    BETA_BLOCKER = "B"
    CCB = "C"
    DIURETIC = "D"
    METFORMIN = "dm:metformin"
    SULFONYLUREA = "dm:sulfonylurea"
    GLINIDE = "dm:glinide"
    ALPHA_GLUCOSIDASE = "dm:alpha_glucosidase"
    DPP4 = "dm:dpp4"
    SGLT2 = "dm:sglt2"
    GLP1 = "dm:glp1"
    INSULIN = "dm:insulin"
    STATIN = "lipid:statin"


# (pattern on the generic name, class), first match wins; the SPC's stems of the Chinese approved names.
_STEMS: Final[tuple[tuple[str, DrugClass], ...]] = (
    (r"普利", DrugClass.ACEI),
    (r"沙坦", DrugClass.ARB),
    (r"洛尔", DrugClass.BETA_BLOCKER),
    (r"地平", DrugClass.CCB),
    (r"噻嗪|噻酮|吲达帕胺|呋塞米|螺内酯|托拉塞米", DrugClass.DIURETIC),
    (r"二甲双胍", DrugClass.METFORMIN),
    (r"格列(本脲|吡嗪|齐特|喹酮|美脲)", DrugClass.SULFONYLUREA),
    (r"格列奈|瑞格列奈|那格列奈", DrugClass.GLINIDE),
    (r"阿卡波糖|伏格列波糖|米格列醇", DrugClass.ALPHA_GLUCOSIDASE),
    (r"列汀", DrugClass.DPP4),
    (r"格列净", DrugClass.SGLT2),
    (r"鲁肽|那肽", DrugClass.GLP1),
    (r"胰岛素", DrugClass.INSULIN),
    (r"他汀", DrugClass.STATIN),
)
_COMPILED: Final = tuple((re.compile(p), c) for p, c in _STEMS)

ANTIHYPERTENSIVE: Final = frozenset(
    {DrugClass.ACEI, DrugClass.ARB, DrugClass.BETA_BLOCKER, DrugClass.CCB, DrugClass.DIURETIC}
)
GLUCOSE_LOWERING: Final = frozenset(c for c in DrugClass if c.value.startswith("dm:"))


def drug_classes(name: str) -> frozenset[DrugClass]:
    """Every class whose stem the name holds (a fixed-dose combination such as 缬沙坦氢氯噻嗪 has two)."""
    return frozenset(cls for pattern, cls in _COMPILED if pattern.search(name))


def on_antihypertensives(names: Iterable[str]) -> bool:
    return any(drug_classes(n) & ANTIHYPERTENSIVE for n in names)


def on_glucose_lowering(names: Iterable[str]) -> bool:
    return any(drug_classes(n) & GLUCOSE_LOWERING for n in names)


def antihypertensive_count(names: Iterable[str]) -> tuple[int, bool]:
    """(number of antihypertensive classes, whether one is a diuretic): the resistant-hypertension count."""
    classes = frozenset().union(*(drug_classes(n) for n in names)) & ANTIHYPERTENSIVE
    # ACEI and ARB are one class (A) for counting.
    letters = {c.value.partition(":")[0] for c in classes}
    return len(letters), DrugClass.DIURETIC in classes
