"""Checks of a follow-up form (flows.followup_form): impossible values and contradictions, each refused with the
path of its box (`form.hypertension.symptoms[2]`), and the form against the conditions followed up.

The bounds are plausibility (ours: a typing or unit error, never a clinical judgement), shared with the
measurements table (flows.measurements) and the lifestyle lines of flows.rules.htn_form.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Collection, Sequence
from typing import Final

from flows.errors import InvalidInput
from flows.followup_form import BLOCKS, CopdBlock, DiabetesBlock, FollowupForm, IntLine, Medication, blocks_of
from flows.measurements import MEASURES
from flows.model import Condition
from flows.rules.copd import FORM_RANGES as COPD_RANGES
from flows.rules.htn_form import LIFESTYLE_RANGES, MAX_LIANG_PER_DAY

_Bounds = tuple[float, float]


def _measure(code: str) -> _Bounds:
    m = MEASURES[code]
    return (m.low, m.high)


SIGN_BOUNDS: Final[dict[str, tuple[_Bounds, str]]] = {
    "sbp": (_measure("sbp"), "mmHg"),
    "dbp": (_measure("dbp"), "mmHg"),
    "weight_kg": (_measure("weight"), "kg"),
    "target_weight_kg": (_measure("weight"), "kg"),
    "bmi": (_measure("bmi"), "kg/m²"),
    "target_bmi": (_measure("bmi"), "kg/m²"),
    "heart_rate": (_measure("pulse"), "/min"),
}
LIFESTYLE_BOUNDS: Final[dict[str, tuple[_Bounds, str]]] = {
    "cigarettes_per_day": LIFESTYLE_RANGES["cigarettes_per_day"],
    "drinks_liang_per_day": ((0, MAX_LIANG_PER_DAY), "两"),
    "exercise_times_per_week": LIFESTYLE_RANGES["exercise_times_per_week"],
    "exercise_minutes": LIFESTYLE_RANGES["exercise_minutes"],
}
STAPLE_FOOD_G: Final = ((0, 2000), "g/day")  # ours: 2 kg of rice a day is already a typing error
TIMES_PER_DAY: Final = ((1, 6), "times/day")  # ours
MG_PER_DOSE: Final = ((0.001, 5000), "mg")  # ours
DM_BOUNDS: Final[dict[str, tuple[_Bounds, str]]] = {
    "fpg": (_measure("fpg"), "mmol/L"),
    "hba1c": (_measure("hba1c"), "%"),
}
COPD_BOUNDS: Final[dict[str, tuple[_Bounds, str]]] = {
    name: COPD_RANGES[name] for name in ("respiratory_rate", "spo2", "fev1_l", "fvc_l", "home_oxygen_hours")
}


def _range(value: float | None, path: str, spec: tuple[_Bounds, str]) -> None:
    (low, high), unit = spec
    if value is not None and (not math.isfinite(value) or not low <= value <= high):
        raise InvalidInput(f"{path} {value} {unit} is outside the plausible {low}–{high} {unit}", field=path)


def _ranges(obj: object, path: str, specs: dict[str, tuple[_Bounds, str]]) -> None:
    for name, spec in specs.items():
        _range(getattr(obj, name), f"{path}.{name}", spec)


def _line(line: IntLine | object, path: str, spec: tuple[_Bounds, str]) -> None:
    for which in ("now", "target"):
        _range(getattr(line, which), f"{path}.{which}", spec)


def check_symptoms(symptoms: Sequence[enum.StrEnum], path: str) -> None:
    """BPHS-2017 forms [V] (clauses HTN.form.options, DM.form.options): tick at least one box; 无症状 excludes
    every other; a box ticked twice is a slip. The path names the offending tick."""
    if not symptoms:
        raise InvalidInput("tick at least one symptom (无症状 when there is none)", field=path)
    seen: set[str] = set()
    for i, symptom in enumerate(symptoms):
        if symptom.value in seen:
            raise InvalidInput(f"{symptom.value} is ticked twice", field=f"{path}[{i}]")
        seen.add(symptom.value)
        if i > 0 and (symptom.value == "none" or symptoms[0].value == "none"):
            raise InvalidInput("无症状 (none) cannot be ticked with another symptom", field=f"{path}[{i}]")


def _medications(lines: Sequence[Medication], path: str) -> None:
    for i, med in enumerate(lines):
        if not med.drug.strip():
            raise InvalidInput("a drug line needs the drug's name", field=f"{path}[{i}].drug")
        _range(med.times_per_day, f"{path}[{i}].times_per_day", TIMES_PER_DAY)
        _range(med.mg_per_dose, f"{path}[{i}].mg_per_dose", MG_PER_DOSE)


def _diabetes(block: DiabetesBlock, path: str) -> None:
    check_symptoms(block.symptoms, f"{path}.symptoms")
    _ranges(block, path, DM_BOUNDS)
    _line(block.staple_food_g_per_day, f"{path}.staple_food_g_per_day", STAPLE_FOOD_G)
    # BPHS-2017 DM form [V] (clause DM.form.options): 触及正常 takes no side; 减弱 and 消失 each need one.
    if block.dorsalis_pedis is not None:
        normal = block.dorsalis_pedis.value == "normal"
        if normal and block.dorsalis_pedis_side is not None:
            raise InvalidInput(
                "a normal dorsalis pedis pulse takes no side", field=f"{path}.dorsalis_pedis_side"
            )
        if not normal and block.dorsalis_pedis_side is None:
            raise InvalidInput(
                f"a {block.dorsalis_pedis.value} dorsalis pedis pulse needs a side",
                field=f"{path}.dorsalis_pedis_side",
            )
    elif block.dorsalis_pedis_side is not None:
        raise InvalidInput("a side without a dorsalis pedis finding", field=f"{path}.dorsalis_pedis_side")


def _copd(block: CopdBlock, path: str) -> None:
    # COPD-2024 [V2] (clause COPD.followup.form): the field list; the symptom options are ours [U].
    check_symptoms(block.symptoms, f"{path}.symptoms")
    _ranges(block, path, COPD_BOUNDS)
    if block.fev1_l is not None and block.fvc_l is not None and block.fev1_l > block.fvc_l:
        raise InvalidInput(f"FEV1 {block.fev1_l} L cannot exceed FVC {block.fvc_l} L", field=f"{path}.fev1_l")
    for i, vaccine in enumerate(block.vaccinations):
        if vaccine in block.vaccinations[:i]:
            raise InvalidInput(f"{vaccine.value} is listed twice", field=f"{path}.vaccinations[{i}]")


def check_form(
    form: FollowupForm,
    conditions: Collection[Condition],
    *,
    adverse_reaction: bool,
    path: str = "form",
) -> FollowupForm:
    """Refuse the first impossible or contradictory value, naming its path; return the form unchanged.

    `conditions` are the ones followed up: a block of another condition is refused (it would be stored nowhere).
    `adverse_reaction`: whether a disease of the follow-up is classed with an adverse reaction; the form's
    药物不良反应 (无/有) must agree, since the class (BPHS-2017 §分类干预) is computed from it."""
    for condition in blocks_of(form):
        if condition not in conditions:
            name = BLOCKS[condition]
            raise InvalidInput(
                f"the form has a {name} block but {name} is not followed up", field=f"{path}.{name}"
            )
    _ranges(form.signs, f"{path}.signs", SIGN_BOUNDS)
    if form.signs.sbp is not None and form.signs.dbp is not None and form.signs.dbp >= form.signs.sbp:
        raise InvalidInput(
            f"diastolic {form.signs.dbp} is not below systolic {form.signs.sbp}", field=f"{path}.signs.dbp"
        )
    life = form.lifestyle
    for name, spec in LIFESTYLE_BOUNDS.items():
        _line(getattr(life, name), f"{path}.lifestyle.{name}", spec)
    reaction = (form.adverse_reaction or "").strip()
    if adverse_reaction and not reaction:
        raise InvalidInput(
            "a disease is classed with an adverse reaction: say which on the form (药物不良反应 有)",
            field=f"{path}.adverse_reaction",
        )
    if reaction and not adverse_reaction:
        raise InvalidInput(
            "the form records an adverse reaction but no disease is classed with one",
            field=f"{path}.adverse_reaction",
        )
    _medications(form.medications, f"{path}.medications")
    _medications(form.medication_advice, f"{path}.medication_advice")
    if form.hypertension is not None:
        check_symptoms(form.hypertension.symptoms, f"{path}.hypertension.symptoms")
    if form.diabetes is not None:
        _diabetes(form.diabetes, f"{path}.diabetes")
    if form.copd is not None:
        _copd(form.copd, f"{path}.copd")
    return form
