"""Prescribing in graded intervention (药物治疗): the site's list, dose and frequency, long-term prescriptions
(长期处方), shortage records (缺药登记) and the many-drugs review (多重用药).

Sources:
- 长期处方管理规范（试行）, 国卫办医发〔2021〕17号, cited under OPINION-2025 (which asks primary care to use long-term
  prescriptions) [V2: the wording "一般在4周内 … 最长不超过12周" and the eligibility "临床诊断明确、用药方案稳定、
  病情控制平稳" were confirmed in secondary sources only]: at most 12 weeks (84 days), and only for a patient whose
  diagnosis is confirmed and whose condition is controlled.
- "Controlled" is ours [U]: the latest BPHS-2017 follow-up class of the condition is 控制满意 (COPD: stable), and
  today's value, when the visit measured one, meets the programme threshold too. Obesity and dyslipidaemia have
  no follow-up class: confirmed is enough.
- The essential medicines list, the 4-week limit of an ordinary prescription and the text limits are ours [U].
- 多重用药: ≥5 running drugs → pharmacist review (CLINICAL_RULES.md §11, `MultimorbiditySettings`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

import msgspec

from flows.errors import InvalidInput
from flows.medicines import EssentialMedicine
from flows.model import Condition
from flows.rules.base import Confidence, Source, clause
from flows.rules.multimorbidity import MultimorbiditySettings

_LONG_TERM = "长期处方 (长期处方管理规范（试行）2021, 国卫办医发〔2021〕17号)"
_OURS = "药物治疗 (our design)"

LONG_TERM_MAX_DAYS: Final = 84  # 12 weeks [V2]
LONG_TERM_DEFAULT_DAYS: Final = 28  # "一般在4周内" [V2]: what the screen proposes
REGULAR_MAX_DAYS: Final = 28  # [U] ours: a longer supply is a long-term prescription
TEXT_MAX: Final = 50  # dose and frequency as typed: the width of the stored columns
REASON_MAX: Final = 500

CL_ON_LIST: Final = clause(
    "RX.essential_list",
    Source.GUIDE_2025,
    _OURS,
    Confidence.U,
    "A drug is prescribed from the site's essential medicines list (基本药物目录), replaceable in configuration.",
)
CL_DOSE: Final = clause(
    "RX.dose_frequency",
    Source.GUIDE_2025,
    _OURS,
    Confidence.U,
    "Dose and frequency are the drug's choices or typed: non-empty, at most 50 characters.",
)
CL_REGULAR_MAX: Final = clause(
    "RX.regular_max_days",
    Source.GUIDE_2025,
    _OURS,
    Confidence.U,
    "An ordinary prescription covers at most 4 weeks (28 days); a longer one is a long-term prescription.",
)
CL_LONG_TERM_MAX: Final = clause(
    "RX.long_term_max_days",
    Source.OPINION_2025,
    _LONG_TERM,
    Confidence.V2,
    "A long-term prescription covers at most 12 weeks (84 days): 原则上不超过12周.",
)
CL_LONG_TERM_ELIGIBLE: Final = clause(
    "RX.long_term_eligible",
    Source.OPINION_2025,
    _LONG_TERM,
    Confidence.V2,
    "A long-term prescription is for a confirmed diagnosis whose condition is controlled (病情控制平稳).",
)
CL_CONTROLLED: Final = clause(
    "RX.controlled",
    Source.BPHS_2017,
    _OURS,
    Confidence.U,
    "Controlled for a long-term prescription: the latest follow-up class is 控制满意 (COPD stable) and today's "
    "value, if measured, meets the programme threshold; obesity and dyslipidaemia: confirmed is enough.",
)
CL_SHORTAGE: Final = clause(
    "RX.shortage",
    Source.GUIDE_2025,
    _OURS,
    Confidence.U,
    "A drug out of stock is still prescribed, flagged, and a shortage record (缺药登记) is made with it.",
)


class Standing(msgspec.Struct, frozen=True, kw_only=True):
    """A condition of the resident as prescribing sees it (computed by the store from the record)."""

    condition: Condition
    confirmed: bool
    controlled: bool
    why: str = ""  # when not controlled: the reason, in words (e.g. "latest follow-up: uncontrolled")


class Checked(msgspec.Struct, frozen=True, kw_only=True):
    """A prescription that passed the rules: the values to store and the clauses applied."""

    medicine: EssentialMedicine
    dose: str
    frequency: str
    days: int
    long_term: bool
    treats: tuple[Condition, ...]  # the drug's conditions the resident has confirmed
    clauses: tuple[str, ...]


def _text(value: str, field: str) -> str:
    text = value.strip()
    if not text or len(text) > TEXT_MAX:
        raise InvalidInput(f"{field} must be 1–{TEXT_MAX} characters, got {value!r}", field=field)
    return text


def check_reason(reason: str) -> str:
    """A stop reason is required (why a running drug ends early is part of the record)."""
    text = reason.strip()
    if not text or len(text) > REASON_MAX:
        raise InvalidInput(f"reason must be 1–{REASON_MAX} characters", field="reason")
    return text


def check_prescription(
    medicines: tuple[EssentialMedicine, ...],
    *,
    drug: str,
    dose: str,
    frequency: str,
    days: int,
    long_term: bool,
    standing: Mapping[Condition, Standing],
) -> Checked:
    """Refuse (InvalidInput naming the field) a drug off the list, an empty or too long dose or frequency, too
    many days, or a long-term prescription for a condition not confirmed and controlled."""
    medicine = next((m for m in medicines if m.drug == drug), None)
    if medicine is None:
        raise InvalidInput(
            f"{drug!r} is not on this site's essential medicines list", field="drug", details={"drug": drug}
        )
    clean_dose, clean_frequency = _text(dose, "dose"), _text(frequency, "frequency")
    limit = LONG_TERM_MAX_DAYS if long_term else REGULAR_MAX_DAYS
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= limit:
        kind = "a long-term prescription (12 weeks)" if long_term else "an ordinary prescription"
        raise InvalidInput(
            f"days must be 1–{limit} for {kind}, got {days!r}", field="days", details={"max": limit}
        )
    treats = tuple(c for c in medicine.conditions if c in standing and standing[c].confirmed)
    clauses = [CL_ON_LIST, CL_DOSE, CL_LONG_TERM_MAX if long_term else CL_REGULAR_MAX]
    if long_term:
        clauses += [CL_LONG_TERM_ELIGIBLE, CL_CONTROLLED]
        if not treats:
            wanted = ", ".join(c.value for c in medicine.conditions)
            raise InvalidInput(
                f"a long-term prescription of {drug} needs a confirmed diagnosis of {wanted}",
                field="long_term",
            )
        if not any(standing[c].controlled for c in treats):
            why = "; ".join(f"{c.value}: {standing[c].why or 'not controlled'}" for c in treats)
            raise InvalidInput(
                f"a long-term prescription needs the condition controlled ({why})", field="long_term"
            )
    return Checked(
        medicine=medicine,
        dose=clean_dose,
        frequency=clean_frequency,
        days=days,
        long_term=long_term,
        treats=treats,
        clauses=tuple(clauses),
    )


def pharmacist_review(drug_count: int, settings: MultimorbiditySettings | None = None) -> bool:
    """多重用药 (multimorbidity.CL_POLYPHARMACY): at the threshold of `MultimorbiditySettings` or more, a pharmacist reviews."""
    return drug_count >= (settings or MultimorbiditySettings()).polypharmacy_drugs
