"""ASTM result records → measurement codes of flows.measurements, in its units. [V] protocol, [U] test names

Only final results count: R.9 status F (final) or C (correction of a final result); P preliminary and every
other status are ignored and named in `Mapped.ignored`. Tests (by the instrument's code, case, spaces and
dashes ignored; the name table is ours, instruments name tests freely):

    HbA1c, A1c     % (NGSP/DCCT) → hba1c; mmol/mol (IFCC) → extra["hba1c_ifcc"], and → hba1c through the
                   IFCC–NGSP master equation only when the message has no NGSP result for the patient
    GLU, Glucose…  → random_glucose; fpg when the name says fasting (FPG, FBG, FBS, GLU0, FGLU, a glucose
                   name with "fast" or 空腹)
    TC/CHOL, LDL, HDL, non-HDL, TG → tc, ldl, hdl, non_hdl, tg
    anything else  → extra["<test> (<unit>)"] when numeric, else ignored

Units: the unit field decides. mmol/L is taken as is; mg/dL is converted because the instrument said so;
no unit means the code's own unit, so a mg/dL-looking glucose fails plausibility instead of being divided
(DEVICES.md §3: no conversion guesses); any other unit is refused. Only `FrameError` leaves this module.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Final

import msgspec

from hardware.devices.astm_records import Result
from hardware.devices.base import FrameError

# IFCC–NGSP master equation, Hoelzel W et al., Clin Chem 2004;50:166–174 (the IFCC network's comparison):
# NGSP % = 0.09148 × IFCC mmol/mol + 2.152.
NGSP_PER_IFCC: Final = 0.09148
NGSP_AT_IFCC_ZERO: Final = 2.152
GLUCOSE_MG_DL_PER_MMOL_L: Final = 18.016  # glucose 180.16 g/mol
CHOLESTEROL_MG_DL_PER_MMOL_L: Final = 38.67  # cholesterol 386.7 g/mol (TC, LDL, HDL, non-HDL)
TRIGLYCERIDE_MG_DL_PER_MMOL_L: Final = 88.57  # as triolein 885.7 g/mol

_FINAL: Final = frozenset({"F", "C"})
_NUMBER: Final = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_HBA1C: Final = frozenset({"HBA1C", "A1C"})
_GLUCOSE: Final = frozenset({"GLU", "GLUC", "GLUCOSE", "BG", "BLOODGLUCOSE"})
_FASTING: Final = frozenset({"FPG", "FBG", "FBS", "GLU0", "FGLU"})
_LIPIDS: Final = {
    **dict.fromkeys(["TC", "CHOL", "TCHO", "TCHOL", "CHOLESTEROL", "TOTALCHOLESTEROL"], "tc"),
    **dict.fromkeys(["LDL", "LDLC", "LDLCHOLESTEROL"], "ldl"),
    **dict.fromkeys(["HDL", "HDLC", "HDLCHOLESTEROL"], "hdl"),
    **dict.fromkeys(["NONHDL", "NONHDLC"], "non_hdl"),
    **dict.fromkeys(["TG", "TRIG", "TRIGLYCERIDE", "TRIGLYCERIDES"], "tg"),
}
_UNITS: Final = {"mmol/l": "mmol/L", "mg/dl": "mg/dL", "%": "%", "mmol/mol": "mmol/mol"}


class Mapped(msgspec.Struct, frozen=True, kw_only=True):
    """One patient's final results as measurement codes (not yet checked for plausibility)."""

    values: dict[str, float]
    extra: dict[str, float]
    device_time: dt.datetime | None  # the latest completion time of the results used
    ignored: tuple[str, ...]  # "HbA1c: status P" — for the log, never shown as values


def map_results(results: Sequence[Result]) -> Mapped:
    """Map one patient's results; FrameError for a known test whose value or unit cannot be read."""
    values: dict[str, float] = {}
    extra: dict[str, float] = {}
    ngsp: float | None = None
    ifcc: float | None = None
    ignored: list[str] = []
    times: list[dt.datetime] = []
    for result in results:
        if result.status not in _FINAL:
            ignored.append(f"{result.test}: status {result.status or 'missing'}")
            continue
        key = re.sub(r"[\s_.\-]", "", result.test).upper()
        unit = _unit(result)
        if key in _HBA1C:
            if _hba1c_scale(result, unit) == "NGSP":
                ngsp = _number(result)
            else:
                ifcc = _number(result)
        elif key in _GLUCOSE or _fasting_glucose(key, result.test):
            code = "random_glucose" if key in _GLUCOSE else "fpg"
            values[code] = _convert(result, unit, GLUCOSE_MG_DL_PER_MMOL_L, 1)
        elif key in _LIPIDS:
            code = _LIPIDS[key]
            factor = TRIGLYCERIDE_MG_DL_PER_MMOL_L if code == "tg" else CHOLESTEROL_MG_DL_PER_MMOL_L
            values[code] = _convert(result, unit, factor, 2)
        elif _NUMBER.fullmatch(result.value):
            extra[f"{result.test} ({result.unit})" if result.unit else result.test] = float(result.value)
        else:
            ignored.append(f"{result.test}: not a number {result.value[:20]!r}")
            continue
        if result.completed is not None:
            times.append(result.completed)
    if ifcc is not None:
        extra["hba1c_ifcc"] = ifcc
    if ngsp is not None:
        values["hba1c"] = ngsp
    elif ifcc is not None:
        values["hba1c"] = round(NGSP_PER_IFCC * ifcc + NGSP_AT_IFCC_ZERO, 1)
    return Mapped(values=values, extra=extra, device_time=max(times, default=None), ignored=tuple(ignored))


def _fasting_glucose(key: str, test: str) -> bool:
    glucose = "GLU" in key or "血糖" in test
    return key in _FASTING or (glucose and ("FAST" in key or "空腹" in test))


def _number(result: Result) -> float:
    if result.flags in ("<", ">") or not _NUMBER.fullmatch(result.value):
        # "<4.0", ">14" or a flag saying so: outside the measuring range, a limit and not a result
        raise FrameError(
            f"{result.test} result {result.value[:20]!r} (flag {result.flags!r}) is not a number"
        )
    return float(result.value)


def _unit(result: Result) -> str | None:
    """The unit in our spelling; None when the instrument sent none, "?unit" for one we do not know."""
    if not result.unit:
        return None
    return _UNITS.get(result.unit.replace(" ", "").lower(), "?" + result.unit)


def _hba1c_scale(result: Result, unit: str | None) -> str:
    by_unit = {"%": "NGSP", "mmol/mol": "IFCC", None: None}.get(unit, "?")
    qualifier = result.qualifier.upper()
    by_name = {"NGSP": "NGSP", "DCCT": "NGSP", "IFCC": "IFCC", "": None}.get(qualifier, "?")
    if by_unit == "?" or by_name == "?" or (by_unit and by_name and by_unit != by_name):
        raise FrameError(f"HbA1c {result.qualifier!r} in {result.unit!r}: expected NGSP % or IFCC mmol/mol")
    return by_unit or by_name or "NGSP"  # no unit, no qualifier: %, and plausibility stops an IFCC value


def _convert(result: Result, unit: str | None, mg_dl_per_mmol_l: float, digits: int) -> float:
    value = _number(result)
    if unit is None or unit == "mmol/L":
        return value
    if unit == "mg/dL":
        return round(value / mg_dl_per_mmol_l, digits)
    raise FrameError(f"{result.test} in {result.unit!r}: expected mmol/L or mg/dL")
