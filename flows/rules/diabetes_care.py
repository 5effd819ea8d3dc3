"""Type 2 diabetes care beyond diagnosis (CLINICAL_RULES.md §3): the BPHS-2017 programme cadence (yearly FPG for
high-risk residents; 4 free FPG tests and ≥4 face-to-face follow-ups a year for managed patients), the yearly
complication screening schedule [U], and the option sets of the follow-up form.

Intervals in months are calendar months (base.add_months). A check never done is due today.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from typing import Final

from flows.rules.base import (
    Confidence,
    Finding,
    NextStep,
    RuleError,
    Severity,
    Source,
    add_months,
    check_not_after,
    clause,
)
from flows.rules.diabetes import DEFAULT_SETTINGS, DiabetesSettings

_SCREEN = "2型糖尿病患者健康管理服务规范 §筛查"
_SERVICE = "2型糖尿病患者健康管理服务规范 §服务要求/随访评估"
_FORM = "2型糖尿病患者随访服务记录表"
_COMPLICATIONS = "§并发症筛查/综合控制目标"

C_HIGH_RISK_FPG: Final = clause(
    "DM.screen.high_risk_fpg",
    Source.BPHS_2017,
    _SCREEN,
    Confidence.V,
    "Residents at high risk of diabetes get at least one fasting glucose test a year.",
)
C_MANAGED: Final = clause(
    "DM.managed.programme",
    Source.BPHS_2017,
    _SERVICE,
    Confidence.V,
    "Managed patients get 4 free fasting glucose tests and at least 4 face-to-face follow-ups a year.",
)
C_COMPLICATIONS: Final = clause(
    "DM.complications.yearly",
    Source.DM_2022,
    _COMPLICATIONS,
    Confidence.U,
    "Yearly: fundus (non-mydriatic camera), foot (inspection, pulses, 10 g monofilament, tuning fork), UACR and "
    "eGFR, lipids, liver function, ECG (unconfirmed; overridable setting).",
)
C_HBA1C_INTERVAL: Final = clause(
    "DM.hba1c.interval",
    Source.DM_2022,
    _COMPLICATIONS,
    Confidence.U,
    "HbA1c every 3 months when uncontrolled, every 6 months when controlled (unconfirmed; overridable setting).",
)
C_FORM: Final = clause(
    "DM.form.options",
    Source.BPHS_2017,
    _FORM,
    Confidence.V,
    "Follow-up form options: symptoms list; dorsalis pedis pulse 触及正常 / 减弱 / 消失, each 双侧/左侧/右侧.",
)
C_FORM_HYPO: Final = clause(
    "DM.form.hypoglycaemia", Source.BPHS_2017, _FORM, Confidence.V2, "低血糖反应: 无 / 偶尔 / 频繁."
)

HIGH_RISK_FPG_INTERVAL_MONTHS: Final = 12  # BPHS-2017 §筛查 [V]: at least one FPG a year
MANAGED_FREE_FPG_PER_YEAR: Final = 4  # BPHS-2017 §服务要求 [V]: 4 free FPG tests a year
MANAGED_FACE_TO_FACE_PER_YEAR: Final = 4  # BPHS-2017 §服务要求 [V]: ≥4 face-to-face follow-ups a year


def next_high_risk_fpg(last_fpg: dt.date | None, today: dt.date) -> NextStep:
    """BPHS-2017: a high-risk resident's next fasting glucose, a year after the last (today if never or overdue)."""
    check_not_after(last_fpg, today, "last_fpg")
    due = today if last_fpg is None else max(today, add_months(last_fpg, HIGH_RISK_FPG_INTERVAL_MONTHS))
    return NextStep(
        code="dm.screen.fpg_yearly",
        summary="Diabetes high-risk: fasting glucose at least once a year",
        clauses=(C_HIGH_RISK_FPG,),
        due=due,
    )


def managed_year_shortfall(*, fpg_tests: int, face_to_face_followups: int) -> tuple[Finding, ...]:
    """BPHS-2017: what a managed patient's year still lacks (empty when both counts are met)."""
    out: list[Finding] = []
    for name, done, required, what in (
        ("fpg_tests", fpg_tests, MANAGED_FREE_FPG_PER_YEAR, "free fasting glucose tests"),
        (
            "face_to_face_followups",
            face_to_face_followups,
            MANAGED_FACE_TO_FACE_PER_YEAR,
            "face-to-face follow-ups",
        ),
    ):
        if isinstance(done, bool) or not isinstance(done, int) or done < 0:
            raise RuleError(f"{name} must be a count ≥0, got {done!r}", field=name)
        if done < required:
            out.append(
                Finding(
                    code=f"dm.programme.{name}_missing",
                    severity=Severity.ADVICE,
                    summary=f"{required - done} of {required} {what} still to do this year",
                    clauses=(C_MANAGED,),
                    values={"done": done, "required": required},
                )
            )
    return tuple(out)


class ComplicationCheck(enum.StrEnum):
    """The yearly complication screening of DM-2022 [U], plus HbA1c on its own interval."""

    FUNDUS = "fundus"
    FOOT = "foot"
    KIDNEY = "kidney"  # UACR and eGFR
    LIPIDS = "lipids"
    LIVER_FUNCTION = "liver_function"
    ECG = "ecg"
    HBA1C = "hba1c"


# (zh, en) labels of each check.
COMPLICATION_LABELS: Final[dict[ComplicationCheck, tuple[str, str]]] = {
    ComplicationCheck.FUNDUS: ("眼底检查（免散瞳眼底照相）", "fundus (non-mydriatic camera)"),
    ComplicationCheck.FOOT: (
        "足部检查（视诊、足背动脉搏动、10 g尼龙丝、音叉）",
        "foot (inspection, pulses, 10 g monofilament, tuning fork)",
    ),
    ComplicationCheck.KIDNEY: ("尿白蛋白/肌酐比值（UACR）与eGFR", "UACR and eGFR"),
    ComplicationCheck.LIPIDS: ("血脂", "lipids"),
    ComplicationCheck.LIVER_FUNCTION: ("肝功能", "liver function"),
    ComplicationCheck.ECG: ("心电图", "ECG"),
    ComplicationCheck.HBA1C: ("糖化血红蛋白（HbA1c）", "HbA1c"),
}


def complication_schedule(
    last_done: Mapping[ComplicationCheck, dt.date | None],
    *,
    today: dt.date,
    hba1c_controlled: bool,
    settings: DiabetesSettings | None = None,
) -> tuple[NextStep, ...]:
    """One NextStep per check, due an interval after it was last done (today if never or overdue).

    The intervals are [U] `DiabetesSettings` fields — a site can override them in `[rules.diabetes]` of its
    configuration. `hba1c_controlled` is judged by the doctor against the patient's HbA1c target.
    """
    s = settings or DEFAULT_SETTINGS
    for key, day in last_done.items():
        if key not in ComplicationCheck.__members__.values():
            raise RuleError(f"unknown complication check {key!r}", field="last_done")
        check_not_after(day, today, f"last_done.{key}")
    steps: list[NextStep] = []
    for check in ComplicationCheck:
        if check is ComplicationCheck.HBA1C:
            months = s.hba1c_controlled_months if hba1c_controlled else s.hba1c_uncontrolled_months
            clauses: tuple[str, ...] = (C_HBA1C_INTERVAL,)
        else:
            months, clauses = s.complication_interval_months, (C_COMPLICATIONS,)
        last = last_done.get(check)
        due = today if last is None else max(today, add_months(last, months))
        steps.append(
            NextStep(
                code=f"dm.check.{check.value}",
                summary=f"{COMPLICATION_LABELS[check][1]} every {months} months",
                clauses=clauses,
                due=due,
            )
        )
    return tuple(steps)


# --- follow-up form options (2型糖尿病患者随访服务记录表) -------------------------------------------------------


class FormSymptom(enum.StrEnum):
    NONE = "none"
    POLYDIPSIA = "polydipsia"
    POLYPHAGIA = "polyphagia"
    POLYURIA = "polyuria"
    BLURRED_VISION = "blurred_vision"
    INFECTION = "infection"
    NUMB_HANDS_FEET = "numb_hands_feet"
    LOWER_LIMB_OEDEMA = "lower_limb_oedema"
    MARKED_WEIGHT_LOSS = "marked_weight_loss"
    OTHER = "other"


class PedalPulse(enum.StrEnum):
    """足背动脉搏动."""

    NORMAL = "normal"  # 触及正常
    WEAKENED = "weakened"  # 减弱
    ABSENT = "absent"  # 消失


class Side(enum.StrEnum):
    BOTH = "both"  # 双侧
    LEFT = "left"  # 左侧
    RIGHT = "right"  # 右侧


class Hypoglycaemia(enum.StrEnum):
    """低血糖反应 [V2]."""

    NONE = "none"  # 无
    OCCASIONAL = "occasional"  # 偶尔
    FREQUENT = "frequent"  # 频繁


# (zh, en) labels of every option, as printed on the form: one table per option set, because StrEnum members of
# different sets can share a value ("none") and would collide as keys of one dict.
SYMPTOM_LABELS: Final[dict[FormSymptom, tuple[str, str]]] = {
    FormSymptom.NONE: ("无症状", "no symptoms"),
    FormSymptom.POLYDIPSIA: ("多饮", "polydipsia"),
    FormSymptom.POLYPHAGIA: ("多食", "polyphagia"),
    FormSymptom.POLYURIA: ("多尿", "polyuria"),
    FormSymptom.BLURRED_VISION: ("视力模糊", "blurred vision"),
    FormSymptom.INFECTION: ("感染", "infection"),
    FormSymptom.NUMB_HANDS_FEET: ("手脚麻木", "numb hands or feet"),
    FormSymptom.LOWER_LIMB_OEDEMA: ("下肢浮肿", "lower-limb oedema"),
    FormSymptom.MARKED_WEIGHT_LOSS: ("体重明显下降", "marked weight loss"),
    FormSymptom.OTHER: ("其他", "other"),
}
PEDAL_PULSE_LABELS: Final[dict[PedalPulse, tuple[str, str]]] = {
    PedalPulse.NORMAL: ("触及正常", "palpable, normal"),
    PedalPulse.WEAKENED: ("减弱", "weakened"),
    PedalPulse.ABSENT: ("消失", "absent"),
}
SIDE_LABELS: Final[dict[Side, tuple[str, str]]] = {
    Side.BOTH: ("双侧", "both sides"),
    Side.LEFT: ("左侧", "left"),
    Side.RIGHT: ("右侧", "right"),
}
HYPOGLYCAEMIA_LABELS: Final[dict[Hypoglycaemia, tuple[str, str]]] = {
    Hypoglycaemia.NONE: ("无", "none"),
    Hypoglycaemia.OCCASIONAL: ("偶尔", "occasional"),
    Hypoglycaemia.FREQUENT: ("频繁", "frequent"),
}


def check_form_symptoms(symptoms: frozenset[FormSymptom]) -> None:
    """无症状 excludes every other tick; an empty answer is refused (tick 无症状)."""
    if not symptoms:
        raise RuleError("tick at least one symptom option (无症状 when there is none)", field="symptoms")
    if FormSymptom.NONE in symptoms and len(symptoms) > 1:
        raise RuleError("无症状 cannot be ticked with another symptom", field="symptoms")


def check_pedal_pulse(pulse: PedalPulse, side: Side | None) -> None:
    """触及正常 takes no side; 减弱 and 消失 each need one (双侧/左侧/右侧)."""
    if pulse is PedalPulse.NORMAL and side is not None:
        raise RuleError("a normal dorsalis pedis pulse takes no side", field="dorsalis_pedis_side")
    if pulse is not PedalPulse.NORMAL and side is None:
        raise RuleError(f"a {pulse.value} dorsalis pedis pulse needs a side", field="dorsalis_pedis_side")
