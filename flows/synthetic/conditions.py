"""Which adults have which chronic conditions: national prevalences, rising with age, calibrated to the pyramid.

Targets (prevalence among adults ≥18 unless said otherwise), from the issue, rounded from these surveys:
- hypertension ~25 %: China Hypertension Survey 2012–2015 (Wang Z et al., Circulation 2018;137:2344–56),
  crude 23.2 %; 《中国居民营养与慢性病状况报告（2020年）》 27.5 %.
- diabetes ~11 %: 《中国居民营养与慢性病状况报告（2020年）》 11.9 %; Li Y et al., BMJ 2020;369:m997, 11.2 % (WHO).
- dyslipidaemia ~35 %: 《中国居民营养与慢性病状况报告（2020年）》 35.6 %.
- obesity (BMI ≥28, WS-T-428) ~15 %: same report, adult obesity 16.4 %.
- COPD ~13 % of those ≥40: China Pulmonary Health study (Wang C et al., Lancet 2018;391:1706–17) 13.7 %;
  men 19.0 %, women 8.1 %.
The age gradients are the shapes of the age-specific rates of those surveys (rounded) [V2]. Because a rural
township is older than the nation, each gradient is rescaled so that the crude prevalence over *this* pyramid
equals the target; otherwise an old township would show 35 % hypertension.
"""

from __future__ import annotations

import random
from typing import Final

from flows.model import Condition, Sex
from flows.rules.contracts import KeyPopulation, key_population_reasons
from flows.synthetic.population import AGE_BANDS, male_share

C = Condition
TARGETS: Final = {
    C.HYPERTENSION: 0.25,
    C.DIABETES: 0.11,
    C.DYSLIPIDAEMIA: 0.35,
    C.OBESITY: 0.15,
    C.COPD: 0.13,
}
MIN_AGE: Final = {C.HYPERTENSION: 18, C.DIABETES: 18, C.DYSLIPIDAEMIA: 18, C.OBESITY: 18, C.COPD: 40}

# Relative rate by age (lower bound of the band, rate); the last band extends to the end of life.
_GRADIENT: Final[dict[Condition, tuple[tuple[int, float], ...]]] = {
    # CHS 2012–2015: 18–24 4 %, 25–34 6 %, 35–44 15 %, 45–54 29 %, 55–64 44 %, 65–74 56 %, ≥75 60 %.
    C.HYPERTENSION: ((18, 4), (25, 6), (35, 15), (45, 29), (55, 44), (65, 56), (75, 60)),
    # Li 2020: rises from ~2 % under 30 to ~20 % at 60–69, levelling off after 70.
    C.DIABETES: ((18, 2), (30, 5), (40, 9), (50, 16), (60, 20), (70, 21)),
    C.DYSLIPIDAEMIA: ((18, 25), (30, 32), (40, 37), (50, 40), (60, 40)),
    C.OBESITY: ((18, 10), (30, 15), (40, 18), (60, 16), (70, 11)),
    # CPH: ~6 % at 40–49 to ~35 % at ≥70.
    C.COPD: ((40, 6), (50, 11), (60, 22), (70, 35)),
}
# Sex ratios of the rates (men/women), CPH for COPD; CHS: hypertension slightly more common in men.
_MALE_FACTOR: Final = {
    C.HYPERTENSION: 1.1,
    C.DIABETES: 1.1,
    C.DYSLIPIDAEMIA: 1.1,
    C.OBESITY: 1.0,
    C.COPD: 2.35,
}
# Obesity raises the odds of hypertension and diabetes; applied so that each age's rate is unchanged.
_OBESE_FACTOR: Final = {C.HYPERTENSION: 1.6, C.DIABETES: 1.8}
ICD10: Final = {C.HYPERTENSION: "I10", C.DIABETES: "E11.9", C.DYSLIPIDAEMIA: "E78.5", C.OBESITY: "E66.9",
                C.COPD: "J44.9"}  # fmt: skip
BASIS: Final = {
    C.HYPERTENSION: "非同日3次诊室血压≥140/90 mmHg",
    C.DIABETES: "空腹血糖≥7.0 mmol/L，复查确认",
    C.DYSLIPIDAEMIA: "血脂检测异常（LIPID-2023）",
    C.OBESITY: "BMI≥28 kg/m²（WS/T 428）",
    C.COPD: "支气管舒张后FEV1/FVC<0.70",
}


def _gradient(condition: Condition, age: int) -> float:
    rate = 0.0
    for start, value in _GRADIENT[condition]:
        if age >= start:
            rate = value
    return rate


def _calibrate() -> dict[Condition, list[float]]:
    """Per single year of age 0–99, the rate whose pyramid-weighted mean over the eligible ages is the target."""
    table: dict[Condition, list[float]] = {}
    for condition, target in TARGETS.items():
        weights = [AGE_BANDS[a // 5] / 5 for a in range(100)]
        eligible = [a for a in range(100) if a >= MIN_AGE[condition]]
        mean = sum(weights[a] * _gradient(condition, a) for a in eligible) / sum(weights[a] for a in eligible)
        table[condition] = [min(0.9, target * _gradient(condition, a) / mean) for a in range(100)]
    return table


RATE_BY_AGE: Final = _calibrate()


def _sex_factor(condition: Condition, age: int, sex: Sex) -> float:
    """Split an age's rate between the sexes with the survey ratio, keeping that age's overall rate."""
    ratio = _MALE_FACTOR[condition]
    m = male_share(age)
    female = 1 / (m * ratio + (1 - m))
    return ratio * female if sex is Sex.MALE else female


def draw_conditions(rng: random.Random, age: int, sex: Sex) -> tuple[Condition, ...]:
    if age < 18:
        return ()
    a = min(age, 99)
    found: list[Condition] = []
    obese = rng.random() < RATE_BY_AGE[C.OBESITY][a] * _sex_factor(C.OBESITY, a, sex)
    for condition in (C.HYPERTENSION, C.DIABETES, C.DYSLIPIDAEMIA, C.COPD):
        if age < MIN_AGE[condition]:
            continue
        p = RATE_BY_AGE[condition][a] * _sex_factor(condition, a, sex)
        factor = _OBESE_FACTOR.get(condition)
        if factor is not None:
            p_obese = RATE_BY_AGE[C.OBESITY][a]
            p *= factor if obese else (1 - factor * p_obese) / (1 - p_obese)
        if rng.random() < p:
            found.append(condition)
    if obese:
        found.append(C.OBESITY)
    return tuple(found)


def is_key_population(age: int, conditions: tuple[Condition, ...]) -> bool:
    """CLINICAL_RULES.md §9 as flows.rules.contracts reads it: ≥65, hypertension, diabetes, COPD. Pregnancy,
    disability and poverty are not modelled; children 0–6 are not counted here (the generator's signing shares
    and the tests' bounds were set without them)."""
    return any(k is not KeyPopulation.CHILD_0_TO_6 for k in key_population_reasons(age, conditions))
