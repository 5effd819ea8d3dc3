"""Family alerts (家属健康提示): what a resident's conditions mean for the relatives in the household.

From the source resident's conditions (confirmed diagnoses and the past history on the record) and values
(the newest LDL-C), each clause proposes an alert for a household member whose kinship makes the finding a
risk factor of a screen the member should have:

- FAMILY.htn: hypertension in a first- or second-degree relative puts an adult in the hypertension high-risk
  group (BPHS-2017 §筛查, high-risk item 3) → BP every 6 months and lifestyle advice.
- FAMILY.dm: diabetes in a first-degree relative is the CDRS family-history item (+6) → score the CDRS
  (ages 20–74; ≥25 → OGTT).
- FAMILY.stroke: stroke in a relative is the family-history factor of the 8+2 stroke screen (ages ≥40).
- FAMILY.copd: COPD, asthma, chronic bronchitis or emphysema in a relative is the COPD-SQ family item (+3)
  (ages ≥40, where the COPD-SQ age bands start).
- FAMILY.fh: LDL-C ≥4.9 mmol/L suggests familial hypercholesterolaemia → the first-degree relatives have
  their lipids checked.

Suspected findings of a visit (a raised reading, a diabetic-range glucose not yet confirmed) propose nothing:
telling the family that someone "has" a disease before the doctor confirms it would be wrong. A relative who
already has the condition is followed up for it, not alerted. Which degrees count and the ages are settings
where CLINICAL_RULES.md does not fix them ([U]).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from typing import Final

import msgspec

from flows.record import DEGREE, HistoryCondition, Relation
from flows.rules import cdrs, copd, hypertension, stroke
from flows.rules.base import ADULT_AGE, MAX_AGE, Confidence, Source, clause

H = HistoryCondition

CL_HTN: Final = clause(
    "FAMILY.htn",
    Source.BPHS_2017,
    "高血压患者健康管理服务规范 §筛查 高危人群 3",
    Confidence.V,
    "Hypertension in a first- or second-degree relative is a hypertension high-risk factor: BP every 6 months.",
)
CL_DM: Final = clause(
    "FAMILY.dm",
    Source.DM_2022,
    "中国糖尿病风险评分表 §糖尿病家族史",
    Confidence.V2,
    "Diabetes in a first-degree relative scores 6 on the CDRS (ages 20–74; total ≥25 → OGTT).",
)
CL_STROKE: Final = clause(
    "FAMILY.stroke",
    Source.GUIDE_2025,
    "脑卒中高危人群筛查和干预 §8+2 风险评估",
    Confidence.V,
    "A family history of stroke is one of the 8 factors of the stroke screen (ages ≥40).",
)
CL_COPD: Final = clause(
    "FAMILY.copd",
    Source.COPD_2024,
    "慢阻肺病筛查问卷 (COPD-SQ) §家族史",
    Confidence.U,
    "Asthma, chronic bronchitis, emphysema or COPD in the family scores 3 on the COPD-SQ (ages ≥40).",
)
CL_FH: Final = clause(
    "FAMILY.fh",
    Source.LIPID_2023,
    "§家族性高胆固醇血症",
    Confidence.U,
    "LDL-C ≥4.9 mmol/L suggests familial hypercholesterolaemia: first-degree relatives have their lipids checked.",
)


class AlertCode(enum.StrEnum):
    HTN = "family.htn"
    DM = "family.dm"
    STROKE = "family.stroke"
    COPD = "family.copd"
    FH = "family.fh"


class FamilySettings(msgspec.Struct, frozen=True, kw_only=True):
    """Degrees of kinship and ages per clause. [U] where noted: CLINICAL_RULES.md does not fix them."""

    htn_degrees: tuple[int, ...] = (1, 2)  # [V] BPHS-2017: first- or second-degree
    htn_min_age: int = ADULT_AGE  # [U] adults: WS-T-872 screens BP from 18
    dm_degrees: tuple[int, ...] = (1,)  # [V2] CDRS: first-degree
    dm_ages: tuple[int, int] = (20, 74)  # [V2] CDRS ages
    stroke_degrees: tuple[int, ...] = (1,)  # [U] the 8+2 form says "family history"; we read first-degree
    stroke_min_age: int = stroke.STROKE_SCREEN_MIN_AGE  # [V] the 8+2 screen is for ≥40
    copd_degrees: tuple[int, ...] = (1,)  # [U]
    copd_min_age: int = 40  # [U] the COPD-SQ age bands start at 40
    fh_ldl_mmol: float = 4.9  # [U] LIPID-2023 high-risk tier item "LDL-C ≥4.9"
    fh_degrees: tuple[int, ...] = (1,)  # [U] cascade screening of first-degree relatives
    fh_min_age: int = ADULT_AGE  # [U] the rules here are adult rules


DEFAULT_SETTINGS: Final = FamilySettings()

# Which of the source's conditions raise each alert, and the condition a relative who has it is managed for.
_RESPIRATORY: Final = frozenset({H.COPD, H.ASTHMA, H.CHRONIC_BRONCHITIS, H.EMPHYSEMA})


class SourceFacts(msgspec.Struct, frozen=True, kw_only=True):
    """The resident whose condition concerns the relatives."""

    resident_id: int
    conditions: frozenset[HistoryCondition]  # confirmed diagnoses and recorded past history
    ldl: float | None = None  # newest LDL-C, mmol/L


class RelativeFacts(msgspec.Struct, frozen=True, kw_only=True):
    """A household member with a known kinship to the source."""

    resident_id: int
    source_is: Relation  # what the source is to this relative (the source is the relative's FATHER)
    age: int
    conditions: frozenset[HistoryCondition] = frozenset()  # the relative's own


class ProposedAlert(msgspec.Struct, frozen=True, kw_only=True):
    """An alert for `relative_id` about `source_id`; `summary` is plain English, the TUI words it by `code`."""

    relative_id: int
    source_id: int
    code: AlertCode
    condition: HistoryCondition  # what the source has (FH: dyslipidaemia, with the LDL-C in `values`)
    relation: Relation  # the source is the relative's …
    degree: int
    clauses: tuple[str, ...]
    summary: str
    values: dict[str, float | int | str] = msgspec.field(default_factory=dict)


class _Rule(msgspec.Struct, frozen=True, kw_only=True):
    code: AlertCode
    degrees: tuple[int, ...]
    ages: tuple[int, int]
    managed: frozenset[HistoryCondition]  # a relative who has one of these is followed up, not alerted
    clauses: tuple[str, ...]
    advice: str


def _rules(s: FamilySettings) -> tuple[_Rule, ...]:
    return (
        _Rule(
            code=AlertCode.HTN,
            degrees=s.htn_degrees,
            ages=(s.htn_min_age, MAX_AGE),
            managed=frozenset({H.HYPERTENSION}),
            clauses=(CL_HTN, hypertension.C_HIGH_RISK),
            advice="hypertension high-risk group: BP every 6 months and lifestyle advice",
        ),
        _Rule(
            code=AlertCode.DM,
            degrees=s.dm_degrees,
            ages=s.dm_ages,
            managed=frozenset({H.DIABETES}),
            clauses=(CL_DM, cdrs.CL_POINTS),
            advice="CDRS family history +6: score the CDRS (≥25 → OGTT)",
        ),
        _Rule(
            code=AlertCode.STROKE,
            degrees=s.stroke_degrees,
            ages=(s.stroke_min_age, MAX_AGE),
            managed=frozenset({H.STROKE}),
            clauses=(CL_STROKE, stroke.CL_FACTORS),
            advice="stroke 8+2 family-history factor: do the stroke risk screen",
        ),
        _Rule(
            code=AlertCode.COPD,
            degrees=s.copd_degrees,
            ages=(s.copd_min_age, MAX_AGE),
            managed=frozenset({H.COPD}),
            clauses=(CL_COPD, copd.CL_SQ_U),
            advice="COPD-SQ family history +3: do the COPD-SQ",
        ),
        _Rule(
            code=AlertCode.FH,
            degrees=s.fh_degrees,
            ages=(s.fh_min_age, MAX_AGE),
            managed=frozenset({H.DYSLIPIDAEMIA}),
            clauses=(CL_FH,),
            advice="possible familial hypercholesterolaemia: check the lipids",
        ),
    )


def _triggers(
    source: SourceFacts, s: FamilySettings
) -> dict[AlertCode, tuple[HistoryCondition, dict[str, float | int | str]]]:
    """Which alerts the source's facts raise, with the condition named and the values behind it."""
    found: dict[AlertCode, tuple[HistoryCondition, dict[str, float | int | str]]] = {}
    if H.HYPERTENSION in source.conditions:
        found[AlertCode.HTN] = (H.HYPERTENSION, {})
    if H.DIABETES in source.conditions:
        found[AlertCode.DM] = (H.DIABETES, {})
    if H.STROKE in source.conditions:
        found[AlertCode.STROKE] = (H.STROKE, {})
    respiratory = sorted(source.conditions & _RESPIRATORY)
    if respiratory:
        # COPD first when present: it is the condition the COPD-SQ is about.
        found[AlertCode.COPD] = (H.COPD if H.COPD in respiratory else respiratory[0], {})
    if source.ldl is not None and source.ldl >= s.fh_ldl_mmol:
        found[AlertCode.FH] = (H.DYSLIPIDAEMIA, {"ldl": source.ldl})
    return found


def propose(
    source: SourceFacts,
    relatives: Sequence[RelativeFacts],
    *,
    already: Iterable[tuple[int, AlertCode]] = (),
    settings: FamilySettings = DEFAULT_SETTINGS,
) -> tuple[ProposedAlert, ...]:
    """The alerts to raise for the relatives, relative by relative in the order given, clause by clause.

    `already` holds the (relative, code) pairs raised before from this source: an alert is raised once."""
    triggers = _triggers(source, settings)
    done = set(already)
    out: list[ProposedAlert] = []
    for relative in relatives:
        degree = DEGREE[relative.source_is]
        if degree is None or relative.resident_id == source.resident_id:
            continue
        for rule in _rules(settings):
            if rule.code not in triggers or (relative.resident_id, rule.code) in done:
                continue
            low, high = rule.ages
            if degree not in rule.degrees or not low <= relative.age <= high:
                continue
            if relative.conditions & rule.managed:
                continue
            condition, values = triggers[rule.code]
            out.append(
                ProposedAlert(
                    relative_id=relative.resident_id,
                    source_id=source.resident_id,
                    code=rule.code,
                    condition=condition,
                    relation=relative.source_is,
                    degree=degree,
                    clauses=rule.clauses,
                    summary=f"{condition.value} in the {relative.source_is.value} (degree {degree}): {rule.advice}",
                    values=values,
                )
            )
    return tuple(out)
