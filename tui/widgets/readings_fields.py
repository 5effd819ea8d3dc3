"""The screening form's measurements: which codes, in which groups, their words, and the check of a typed value.

Every code of flows.measurements is on the form (a test holds the two in step), grouped as the nurse measures:
blood pressure, body, glucose, lipids, lungs and vital signs. A typed value is checked here with the same
table the API uses (flows.measurements), so an impossible value is shown next to its field before any request.
"""

from __future__ import annotations

import enum
from typing import Final

import msgspec

from flows import measurements
from flows.errors import InvalidInput
from tui import labels
from tui.i18n import N_, _


class Group(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    title: str  # msgid
    codes: tuple[str, ...]


GROUPS: Final = (
    Group(id="bp", title=N_("Blood pressure"), codes=("sbp", "dbp", "pulse")),
    Group(id="body", title=N_("Body"), codes=("height", "weight", "bmi", "waist", "body_fat")),
    Group(id="glucose", title=N_("Glucose"), codes=("fpg", "random_glucose", "ogtt_2h", "hba1c")),
    Group(id="lipids", title=N_("Lipids"), codes=("tc", "ldl", "hdl", "non_hdl", "tg")),
    Group(
        id="lungs",
        title=N_("Lungs and vital signs"),
        codes=("spo2", "fev1_fvc", "fev1_pct_pred", "temperature", "respiratory_rate"),
    ),
    Group(id="kidney", title=N_("Kidney"), codes=("uacr", "egfr")),
)
GROUP_OF: Final[dict[str, str]] = {code: g.id for g in GROUPS for code in g.codes}

# Names on the form; labels.OBSERVATION has the common ones, these are the rest of flows.measurements.
_MORE_NAMES: Final = {
    "pulse": N_("heart rate"),
    "body_fat": N_("body fat"),
    "random_glucose": N_("random glucose"),
    "ogtt_2h": N_("OGTT 2-h glucose"),
    "non_hdl": N_("non-HDL-C"),
    "fev1_pct_pred": N_("FEV1 % predicted"),
    "temperature": N_("temperature"),
    "respiratory_rate": N_("respiratory rate"),
    "uacr": N_("UACR"),
    "egfr": N_("eGFR"),
}


def name(code: str) -> str:
    """The measurement's name in the active language (the code itself when nothing knows it)."""
    if code in _MORE_NAMES:
        return _(_MORE_NAMES[code])
    return labels.word(labels.OBSERVATION, code)


def unit(code: str) -> str:
    measure = measurements.MEASURES.get(code)
    return measure.unit if measure else ""


class Source(enum.StrEnum):
    """Where the value on the form comes from, as the nurse must be able to tell at a glance."""

    DEVICE = "device"  # a settled reading claimed into the visit
    PREVIEW = "preview"  # the device is still measuring: not in the visit
    RECEIVED = "received"  # a settled reading that is being claimed
    WAITING = "waiting"  # a settled reading nobody claimed: the station held no visit (F7 takes it)
    MANUAL = "manual"  # typed and saved
    SELF_CHECK = "self_check"
    HOME = "home"
    TYPED = "typed"  # typed, not saved yet
    SAVING = "saving"


def source_text(source: Source, device_id: str | None = None) -> str:
    """`● bp-1 设备`, `✎ 手工`: a mark and words, so the state reads without colour."""
    device = device_id or "?"
    texts = {
        Source.DEVICE: "● " + _("{device} device").format(device=device),
        Source.PREVIEW: "◌ " + _("{device} measuring…").format(device=device),
        Source.RECEIVED: "○ " + _("{device} received, entering the visit").format(device=device),
        Source.WAITING: "○ " + _("{device} not in the visit (F7 takes it)").format(device=device),
        Source.MANUAL: "✎ " + _("typed by hand"),
        Source.SELF_CHECK: "◇ " + _("self-check"),
        Source.HOME: "◇ " + _("home measurement"),
        Source.TYPED: "… " + _("not saved yet"),
        Source.SAVING: "… " + _("saving"),
    }
    return texts[source]


def fmt(code: str, value: float) -> str:
    """A value as the form writes it: whole numbers for mmHg and beats, no noise digits otherwise."""
    measure = measurements.MEASURES.get(code)
    if measure is not None and measure.integer:
        return str(round(value))
    return labels.fmt_value(value)


def check(code: str, text: str) -> tuple[float | None, str | None]:
    """A typed value → (value, None), or (None, the reason in words) when it cannot be right."""
    raw = text.strip().replace(",", ".")
    try:
        value = float(raw)
    except ValueError:
        return None, _("Enter a number.")
    measure = measurements.MEASURES[code]
    try:
        measurements.validate({code: value})
    except InvalidInput:
        if measure.integer and value.is_integer() is False and measure.low <= value <= measure.high:
            return None, _("Enter a whole number.")
        return None, _(
            "Outside the plausible {low}–{high} {unit}: check the entry or the device's unit."
        ).format(low=f"{measure.low:g}", high=f"{measure.high:g}", unit=measure.unit)
    return value, None


def check_pair(values: dict[str, float]) -> tuple[str, str] | None:
    """The one rule across fields (flows.measurements.validate): SBP above DBP. → (field, reason) or None."""
    if "sbp" in values and "dbp" in values and values["sbp"] <= values["dbp"]:
        return "sbp", _("Systolic must be higher than diastolic.")
    return None


def with_bmi(typed: dict[str, float], saved: dict[str, float]) -> dict[str, float]:
    """A typed weight or height with the other already in the visit: the BMI goes in with it (the API adds it
    itself only when both come in one entry)."""
    if "bmi" in typed or ("weight" in typed) == ("height" in typed):
        return typed
    both = {**{k: v for k, v in saved.items() if k in ("weight", "height")}, **typed}
    bmi = measurements.with_bmi(both).get("bmi")
    return typed if bmi is None else {**typed, "bmi": bmi}
