"""A follow-up form filled from what is already known, so a routine follow-up needs no typing: this visit's values
(BP, weight, BMI, heart rate, FPG, HbA1c, SpO2, respiratory rate), the health record's lifestyle, the running
prescriptions, and the targets and ratings of the previous form (the doctor agreed them last time).

Nothing here judges: every prefilled box is shown and editable, and the class is the rules' (flows.rules).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from typing import Final

import msgspec

from flows.followup_form import (
    DiabetesBlock,
    FloatLine,
    FollowupForm,
    IntLine,
    Lifestyle,
    Medication,
    SaltLine,
    Signs,
    merged_form,
)
from flows.model import Condition
from flows.record import ExerciseFrequency, SmokingStatus
from flows.record import Lifestyle as RecordLifestyle

# The health record asks how often (每天/每周一次以上/偶尔/不锻炼); the form asks times a week. Only the two
# answers that fix a number are carried over; the others leave the box for the doctor.
EXERCISE_TIMES: Final = {ExerciseFrequency.DAILY: 7, ExerciseFrequency.NEVER: 0}
_TIMES_WORDS: Final = {"qd": 1, "bid": 2, "tid": 3, "qid": 4, "qn": 1}
_NUMBER: Final = re.compile(r"(\d+(?:\.\d+)?)\s*(mg|g|μg|ug)?", re.IGNORECASE)
_MG_PER: Final = {"mg": 1.0, "g": 1000.0, "μg": 0.001, "ug": 0.001}


def times_per_day(frequency: str) -> int | None:
    """ "每日3次" → 3, "bid" → 2; None when the text says no number a day (每周1次, 必要时)."""
    text = frequency.strip().lower()
    if text in _TIMES_WORDS:
        return _TIMES_WORDS[text]
    if "周" in text or "week" in text:
        return None
    found = re.search(r"(\d+)\s*次", text)
    return int(found.group(1)) if found else None


def mg_per_dose(dose: str) -> float | None:
    """ "5 mg" → 5.0, "0.5 g" → 500.0; None for units that are not a mass (片, IU)."""
    found = _NUMBER.search(dose)
    if found is None or found.group(2) is None:
        return None
    return round(float(found.group(1)) * _MG_PER[found.group(2).lower()], 3)


def medications(prescriptions: Sequence[Mapping[str, str]]) -> tuple[Medication, ...]:
    """用药情况 from the running prescriptions (drug, dose, frequency as prescribed)."""
    return tuple(
        Medication(
            drug=p["drug"], times_per_day=times_per_day(p["frequency"]), mg_per_dose=mg_per_dose(p["dose"])
        )
        for p in prescriptions
    )


def lifestyle(record: RecordLifestyle, previous: Lifestyle | None) -> Lifestyle:
    """Now from the health record, targets and ratings from the previous form."""
    before = previous or Lifestyle()
    smoking = record.smoking
    cigarettes = (
        record.cigarettes_per_day
        if smoking is SmokingStatus.CURRENT
        else 0
        if smoking in (SmokingStatus.NEVER, SmokingStatus.FORMER)
        else None
    )
    times = EXERCISE_TIMES.get(record.exercise) if record.exercise is not None else None
    return Lifestyle(
        cigarettes_per_day=IntLine(now=cigarettes, target=before.cigarettes_per_day.target),
        drinks_liang_per_day=FloatLine(
            now=record.baijiu_liang_per_day, target=before.drinks_liang_per_day.target
        ),
        exercise_times_per_week=IntLine(now=times, target=before.exercise_times_per_week.target),
        exercise_minutes=IntLine(now=record.exercise_minutes, target=before.exercise_minutes.target),
        salt=SaltLine(now=record.salt, target=before.salt.target),
        psychological=before.psychological,
        compliance=before.compliance,
    )


def _int(values: Mapping[str, float], code: str) -> int | None:
    return round(values[code]) if code in values else None


def prefill(
    conditions: Collection[Condition],
    *,
    values: Mapping[str, float],
    record: RecordLifestyle,
    prescriptions: Sequence[Mapping[str, str]],
    previous: FollowupForm | None,
) -> FollowupForm:
    """The merged form of `conditions` (CLINICAL_RULES.md §11) with every box that is already known."""
    before = previous or FollowupForm()
    signs = Signs(
        sbp=_int(values, "sbp"),
        dbp=_int(values, "dbp"),
        weight_kg=values.get("weight"),
        target_weight_kg=before.signs.target_weight_kg,
        bmi=values.get("bmi"),
        target_bmi=before.signs.target_bmi,
        heart_rate=_int(values, "pulse"),
    )
    form = merged_form(
        conditions,
        FollowupForm(
            signs=signs,
            lifestyle=lifestyle(record, before.lifestyle),
            adherence=before.adherence,
            medications=medications(prescriptions),
        ),
    )
    if form.diabetes is not None:
        staple = (before.diabetes or DiabetesBlock()).staple_food_g_per_day
        form = msgspec.structs.replace(
            form,
            diabetes=msgspec.structs.replace(
                form.diabetes,
                fpg=values.get("fpg"),
                hba1c=values.get("hba1c"),
                staple_food_g_per_day=IntLine(target=staple.target),
            ),
        )
    if form.copd is not None:
        before_copd = before.copd
        form = msgspec.structs.replace(
            form,
            copd=msgspec.structs.replace(
                form.copd,
                spo2=_int(values, "spo2"),
                respiratory_rate=_int(values, "respiratory_rate"),
                home_oxygen_hours=before_copd.home_oxygen_hours if before_copd else None,
                non_invasive_ventilator=before_copd.non_invasive_ventilator if before_copd else False,
            ),
        )
    return form
