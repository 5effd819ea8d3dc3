"""Words for the closed sets of flows.model (sex, steps, conditions …) and small display helpers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TypeVar

from rich.cells import cell_len

from flows.model import Condition, ContractStatus, QueueKind, Sex, Step
from flows.queue import TicketStatus
from tui.i18n import N_, _

K = TypeVar("K", bound=str)

SEX = {Sex.MALE: N_("male"), Sex.FEMALE: N_("female")}

CONDITION = {
    Condition.HYPERTENSION: N_("hypertension"),
    Condition.DIABETES: N_("type 2 diabetes"),
    Condition.DYSLIPIDAEMIA: N_("dyslipidaemia"),
    Condition.OBESITY: N_("obesity"),
    Condition.COPD: N_("COPD"),
}

CONTRACT_STATUS = {
    ContractStatus.ACTIVE: N_("signed"),
    ContractStatus.EXPIRED: N_("expired"),
    ContractStatus.TERMINATED: N_("terminated"),
}

PACKAGE = {"basic": N_("basic package"), "personalised": N_("personalised package")}

STEP = {
    Step.INTAKE: N_("intake"),
    Step.SCREENING: N_("screening"),
    Step.RECORD_UPDATE: N_("record update"),
    Step.SIGNING_CHECK: N_("signing check"),
    Step.TRIAGE: N_("triage"),
    Step.DIAGNOSIS: N_("diagnosis"),
    Step.GRADED_INTERVENTION: N_("graded intervention"),
    Step.FOLLOWUP_BOOKING: N_("follow-up booking"),
    Step.HEALTH_EDUCATION: N_("health education"),
    Step.REFERRAL: N_("referral"),
    Step.DONE: N_("done"),
    Step.CANCELLED: N_("cancelled"),
}

QUEUE_KIND = {
    QueueKind.OWN_TEAM: N_("own family doctor"),
    QueueKind.GENERAL_PRACTICE: N_("general practice"),
    QueueKind.EMERGENCY: N_("emergency"),
}

TICKET_STATUS = {
    TicketStatus.WAITING: N_("waiting"),
    TicketStatus.CALLED: N_("called"),
    TicketStatus.RECALLED: N_("called again"),
    TicketStatus.IN_SERVICE: N_("with the doctor"),
    TicketStatus.DONE: N_("seen"),
    TicketStatus.SKIPPED: N_("missed the call"),
    TicketStatus.TRANSFERRED: N_("transferred"),
    TicketStatus.CANCELLED: N_("cancelled"),
}

MATCHED_ON = {
    "id_number": N_("ID number"),
    "record_number": N_("record number"),
    "phone": N_("phone"),
    "phone_last4": N_("phone last 4"),
    "name": N_("name"),
    "initials": N_("initials"),
}

# Observation codes of flows.model.Observation; an unknown code is shown as it arrives.
OBSERVATION = {
    "sbp": N_("systolic BP"),
    "dbp": N_("diastolic BP"),
    "pulse": N_("pulse"),
    "weight": N_("weight"),
    "height": N_("height"),
    "waist": N_("waist"),
    "bmi": N_("BMI"),
    "fpg": N_("fasting glucose"),
    "hba1c": N_("HbA1c"),
    "tc": N_("total cholesterol"),
    "ldl": N_("LDL-C"),
    "hdl": N_("HDL-C"),
    "tg": N_("triglycerides"),
    "spo2": N_("SpO2"),
    "fev1_fvc": N_("FEV1/FVC"),
}


def word(table: Mapping[K, str], value: K) -> str:
    """The translated word for `value`, or the value itself when the table does not know it."""
    msgid = table.get(value)
    return _(msgid) if msgid else value


def age(birth: dt.date, today: dt.date) -> int:
    """Completed years, as the desk says it (a birthday today counts)."""
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def fmt_value(value: float) -> str:
    """12.0 → 12, 7.25 → 7.25: measured values without noise digits."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def pairs(rows: list[tuple[str, str]]) -> str:
    """Label and value columns aligned by display cells (a Chinese character takes two)."""
    width = max((cell_len(k) for k, _v in rows), default=0)
    return "\n".join(f"{k}{' ' * (width - cell_len(k))}  {v}" for k, v in rows)


def clip(text: str, cells: int) -> str:
    """At most `cells` terminal cells (a Chinese character takes two), an ellipsis when cut."""
    if cell_len(text) <= cells:
        return text
    out = ""
    for char in text:
        if cell_len(out + char) > cells - 1:
            break
        out += char
    return out + "…"
