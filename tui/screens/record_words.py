"""Words for the health record's closed sets and family alerts, and a refused field said as the nurse sees it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TypeVar

from flows.alerts import FamilyAlertStatus
from flows.record import (
    AlcoholFrequency,
    AllergyKind,
    DietHabit,
    ExerciseFrequency,
    HistoryCondition,
    PastEventKind,
    Relation,
    SmokingStatus,
)
from flows.rules.family import AlertCode
from flows.rules.htn_form import SaltIntake
from tui.i18n import N_, _

K = TypeVar("K", bound=str)
H = HistoryCondition
CONDITION = {
    H.HYPERTENSION: N_("hypertension"),
    H.DIABETES: N_("type 2 diabetes"),
    H.DYSLIPIDAEMIA: N_("dyslipidaemia"),
    H.OBESITY: N_("obesity"),
    H.COPD: N_("COPD"),
    H.CORONARY_HEART_DISEASE: N_("coronary heart disease"),
    H.STROKE: N_("stroke"),
    H.CKD: N_("chronic kidney disease"),
    H.ATRIAL_FIBRILLATION: N_("atrial fibrillation"),
    H.ASTHMA: N_("asthma"),
    H.CHRONIC_BRONCHITIS: N_("chronic bronchitis"),
    H.EMPHYSEMA: N_("emphysema"),
    H.CANCER: N_("cancer"),
    H.SEVERE_MENTAL_ILLNESS: N_("severe mental illness"),
    H.TUBERCULOSIS: N_("tuberculosis"),
    H.HEPATITIS: N_("hepatitis"),
    H.OTHER_INFECTIOUS: N_("other notifiable infection"),
    H.OCCUPATIONAL: N_("occupational disease"),
    H.CONGENITAL: N_("congenital malformation"),
    H.OTHER: N_("other"),
}
EVENT = {
    PastEventKind.SURGERY: N_("surgery"),
    PastEventKind.TRAUMA: N_("trauma"),
    PastEventKind.TRANSFUSION: N_("transfusion"),
}
DISEASE = N_("disease")
RELATION = {
    Relation.FATHER: N_("father"),
    Relation.MOTHER: N_("mother"),
    Relation.SIBLING: N_("brother or sister"),
    Relation.CHILD: N_("child"),
    Relation.GRANDPARENT: N_("grandparent"),
    Relation.GRANDCHILD: N_("grandchild"),
    Relation.UNCLE_AUNT: N_("uncle or aunt"),
    Relation.NEPHEW_NIECE: N_("nephew or niece"),
    Relation.SPOUSE: N_("spouse"),
    Relation.OTHER: N_("other relative"),
}
SMOKING = {
    SmokingStatus.NEVER: N_("never"),
    SmokingStatus.FORMER: N_("quit"),
    SmokingStatus.CURRENT: N_("smokes"),
}
ALCOHOL = {
    AlcoholFrequency.NEVER: N_("never"),
    AlcoholFrequency.OCCASIONAL: N_("occasionally"),
    AlcoholFrequency.OFTEN: N_("often"),
    AlcoholFrequency.DAILY: N_("every day"),
}
EXERCISE = {
    ExerciseFrequency.DAILY: N_("every day"),
    ExerciseFrequency.WEEKLY: N_("weekly or more"),
    ExerciseFrequency.OCCASIONAL: N_("occasionally"),
    ExerciseFrequency.NEVER: N_("never"),
}
SALT = {SaltIntake.LIGHT: N_("light"), SaltIntake.MODERATE: N_("moderate"), SaltIntake.HEAVY: N_("heavy")}
DIET = {
    DietHabit.BALANCED: N_("balanced"),
    DietHabit.MOSTLY_MEAT: N_("mostly meat"),
    DietHabit.MOSTLY_VEGETABLES: N_("mostly vegetables"),
    DietHabit.SALTY: N_("salty"),
    DietHabit.OILY: N_("oily"),
    DietHabit.SWEET: N_("sweet"),
}
ALLERGY = {AllergyKind.DRUG: N_("drug"), AllergyKind.FOOD: N_("food"), AllergyKind.OTHER: N_("other")}
STATUS = {
    FamilyAlertStatus.OPEN: N_("not told yet"),
    FamilyAlertStatus.ACKNOWLEDGED: N_("told"),
    FamilyAlertStatus.DONE: N_("screened"),
}
# Short names of the alerts (tables) and the sentence for the resident they are about (the banner).
ALERT = {
    AlertCode.HTN: N_("hypertension high risk"),
    AlertCode.DM: N_("diabetes risk score +6"),
    AlertCode.STROKE: N_("stroke family history"),
    AlertCode.COPD: N_("COPD family history"),
    AlertCode.FH: N_("possible familial high cholesterol"),
}
ADVICE = {
    AlertCode.HTN: N_("hypertension high-risk group: BP every 6 months and lifestyle advice"),
    AlertCode.DM: N_("diabetes risk score +6: fill in the CDRS (25 or more: OGTT)"),
    AlertCode.STROKE: N_("a stroke risk factor: do the stroke 8+2 screen"),
    AlertCode.COPD: N_("COPD-SQ family history +3: do the COPD-SQ"),
    AlertCode.FH: N_("LDL-C 4.9 mmol/L or more (possible familial high cholesterol): check the blood lipids"),
}
SECTION = {
    "diseases": N_("Past history"),
    "events": N_("Past history"),
    "family_history": N_("Family history"),
    "lifestyle": N_("Lifestyle"),
    "allergies": N_("Allergies"),
    "medicines": N_("Medicines"),
    "relations": N_("Household"),
}


def word(table: Mapping[K, str], value: K | None) -> str:
    """The translated word; None is "not asked", which the record keeps apart from "never"."""
    if value is None:
        return _("not asked")
    msgid = table.get(value)
    return _(msgid) if msgid else value


def options(table: Mapping[K, str]) -> tuple[tuple[str, str], ...]:
    return tuple((str(value), _(msgid)) for value, msgid in table.items())


def alert_line(code: AlertCode, relation: Relation, name: str, condition: HistoryCondition) -> str:
    """`父亲 张三丰 患高血压：…` — what a relative's condition means for the resident."""
    return _("{relation} {name} has {condition}: {advice}").format(
        relation=word(RELATION, relation),
        name=name,
        condition=word(CONDITION, condition),
        advice=word(ADVICE, code),
    )


_PATH = re.compile(r"^(?P<section>[a-z_]+)(?:\[(?P<row>\d+)\])?")


def refused_field(field: str | None) -> tuple[str, int | None, str]:
    """An API field path (`allergies[2].substance`) as (section, row index, words: `过敏史 第3行`)."""
    found = _PATH.match(field or "")
    if not found:
        return "", None, ""
    section = found["section"]
    row = int(found["row"]) if found["row"] is not None else None
    words = _(SECTION[section]) if section in SECTION else section
    if row is not None:
        words += " " + _("row {n}").format(n=row + 1)
    return section, row, words
