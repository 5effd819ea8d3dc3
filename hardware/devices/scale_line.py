"""Weighing indicators and height/weight stations that print one ASCII line per reading [U].

Frame (DEVICES.md §2 "scale-line", not confirmed against a vendor document): one line per reading, ended by
CR LF (some indicators send CR or LF alone, so either ends a line). The layout varies by vendor, so the line
is a per-device regular expression; two presets:

    st-gs   ST,GS,+  065.50kg    status ST stable | US unstable | OL overload; GS gross | NT net (both are
                                 the weight: a nurse may tare a clothing allowance); sign, value, unit
    w-h     W:065.5 H:170.5      a height/weight station's finished measurement: always stable

A custom pattern must match the whole line (fullmatch, after trimming blanks and control bytes such as STX)
with these named groups: `weight` (required), `height` (cm, optional), `status` (ST | US | OL, optional: no
status means stable) and `unit` (kg | g | lb | jin | 斤 | 公斤, optional: none means kg). Any other group
name is refused at construction, so a typo (`wieght`) fails when the device is configured, not at the desk.

Choices, each for a reason:
- Lines are decoded as GB18030 (ASCII is a subset) so a Chinese station's labels (体重, 身高) can be matched.
- Weights are converted to kg (g ÷ 1000, lb × 0.45359237, 斤 × 0.5) and rounded to 10 g.
- |weight| below the plausibility floor (2 kg) is the empty platform or zero drift, which indicators stream
  between weighings: no event, not a Rejected (it would flood the log at the indicator's output rate).
- OL is a device-reported failure: a Measurement with `error` and no values.
- Indicators in continuous mode repeat the same line many times a second: an event identical to the last
  one, within REPEAT_S of the last identical line, is dropped; an empty platform ends the repeat.
"""

from __future__ import annotations

import random
import re
from typing import ClassVar, Final

from flows.measurements import MEASURES
from hardware.devices.base import (
    DeviceError,
    DeviceProtocol,
    DeviceSimulator,
    Event,
    FrameError,
    Measurement,
    Rejected,
    plausible,
)
from hardware.devices.lines import LineFramer

PRESETS: Final[dict[str, str]] = {
    "st-gs": r"(?P<status>ST|US|OL),(?:GS|NT),(?P<weight>.*?)\s*(?P<unit>kg|g|lb)?",
    "w-h": r"W:\s*(?P<weight>[-+]?[\d.]+)\s+H:\s*(?P<height>[\d.]+)",
}
GROUPS: Final = frozenset({"weight", "height", "status", "unit"})
LB_KG: Final = 0.45359237  # the international avoirdupois pound
UNITS: Final[dict[str, float]] = {
    "kg": 1.0,
    "公斤": 1.0,
    "g": 0.001,
    "lb": LB_KG,
    "lbs": LB_KG,
    "jin": 0.5,
    "斤": 0.5,
}
EMPTY_BELOW_KG: Final = MEASURES["weight"].low
_NUMBER = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)")
_TRIM = " \t\x00\x02\x03"  # blanks, NUL, STX and ETX that some indicators put around the line


class InvalidPattern(DeviceError):
    """A scale-line pattern that cannot parse lines: a configuration error, reported at construction."""


def compile_pattern(pattern: str) -> re.Pattern[str]:
    """A preset name or a custom regular expression, checked; InvalidPattern says what is wrong."""
    source = PRESETS.get(pattern, pattern)
    try:
        compiled = re.compile(source)
    except re.error as exc:
        presets = ", ".join(PRESETS)
        raise InvalidPattern(
            f"scale-line pattern {pattern!r} is neither a preset ({presets}) nor a valid regular expression: {exc}"
        ) from exc
    names = set(compiled.groupindex)
    if "weight" not in names:
        presets = ", ".join(PRESETS)
        raise InvalidPattern(
            f"scale-line pattern {pattern!r} is not a preset ({presets}) and has no named group (?P<weight>...)"
        )
    if unknown := names - GROUPS:
        raise InvalidPattern(
            f"scale-line pattern {pattern!r} has unknown group(s) {sorted(unknown)} (allowed: {sorted(GROUPS)})"
        )
    return compiled


def _number(name: str, text: str, raw: bytes) -> float:
    compact = re.sub(r"\s+", "", text)
    if not _NUMBER.fullmatch(compact):
        raise FrameError(f"{name} should be a number, got {text!r}", raw)
    return float(compact)


def parse_line(line: bytes, pattern: re.Pattern[str]) -> Measurement | None:
    """One line (without its terminator) as a Measurement, or None for an empty platform. Raises FrameError."""
    try:
        text = line.decode("gb18030").strip(_TRIM)
    except UnicodeDecodeError as exc:
        raise FrameError(f"line is not GB18030/ASCII text: {exc.reason} at byte {exc.start}", line) from exc
    match = pattern.fullmatch(text)
    if match is None:
        raise FrameError(f"line {text!r} does not match the pattern {pattern.pattern!r}", line)
    groups = match.groupdict()
    status = groups.get("status") or "ST"
    if status not in {"ST", "US", "OL"}:
        raise FrameError(f"status should be ST, US or OL, got {status!r}", line)
    if status == "OL":
        return Measurement(values={}, raw=line, error="overload (OL): the load exceeds the scale's capacity")
    unit = groups.get("unit") or "kg"
    factor = UNITS.get(unit.lower(), UNITS.get(unit))
    if factor is None:
        raise FrameError(f"weight unit should be one of {', '.join(UNITS)}, got {unit!r}", line)
    weight = _number("weight", groups["weight"] or "", line) * factor
    if abs(weight) < EMPTY_BELOW_KG:
        return None
    values = {"weight": round(weight, 2)}
    if groups.get("height") is not None:
        values["height"] = _number("height", groups["height"], line)
    return Measurement(values=plausible(values, line), raw=line, stable=status == "ST")


class ScaleLine(DeviceProtocol):
    name = "scale-line"
    MAX_LINE: ClassVar[int] = 256
    REPEAT_S: ClassVar[float] = 2.0  # continuous-mode indicators repeat a line several times a second

    def __init__(self, *, pattern: str = "st-gs") -> None:
        self.pattern = compile_pattern(pattern)
        self._framer = LineFramer(self.MAX_LINE)
        self._last: tuple[Measurement, float] | None = None

    def reset(self) -> None:
        self._framer.reset()
        self._last = None

    def feed(self, data: bytes, now: float) -> list[Event]:
        events: list[Event] = []
        for line in self._framer.feed(data):
            if isinstance(line, Rejected):
                events.append(line)
                continue
            try:
                reading = parse_line(line, self.pattern)
            except FrameError as exc:
                events.append(Rejected(raw=line, reason=str(exc)))
                continue
            if reading is None:
                self._last = None
                continue
            last, self._last = self._last, (reading, now)
            if last is None or _key(last[0]) != _key(reading) or now - last[1] > self.REPEAT_S:
                events.append(reading)
        return events


def _key(reading: Measurement) -> tuple[object, ...]:
    return (sorted(reading.values.items()), reading.stable, reading.error)


def encode_line(
    *,
    weight: float | None,
    height: float | None = None,
    status: str = "ST",
    pattern: str = "st-gs",
    unit: str = "kg",
    net: bool = False,
) -> bytes:
    """A preset line with CR LF. st-gs: `ST,GS,+  065.50kg` (weight None prints dashes, as for OL); w-h: `W:065.5 H:170.5`."""
    if pattern == "w-h":
        if weight is None or height is None:
            raise ValueError("the w-h preset needs both weight and height")
        return f"W:{weight:05.1f} H:{height:05.1f}\r\n".encode()
    if pattern != "st-gs":
        raise ValueError(f"no encoder for pattern {pattern!r} (presets: {', '.join(PRESETS)})")
    value = "------" if weight is None else f"{abs(weight):06.2f}"
    sign = "-" if weight is not None and weight < 0 else "+"
    return f"{status},{'NT' if net else 'GS'},{sign}  {value}{unit}\r\n".encode()


class ScaleLineSimulator(DeviceSimulator):
    """Weighings every ~interval_s: st-gs sends settling US lines, two ST lines and an empty-platform line
    when the person steps off; `error_rate` weighings overload (OL). w-h sends one line (it has no error)."""

    def __init__(
        self,
        *,
        pattern: str = "st-gs",
        seed: int = 0,
        interval_s: float = 20.0,
        error_rate: float = 0.05,
        garbage_rate: float = 0.02,
    ) -> None:
        if pattern not in PRESETS:
            raise InvalidPattern(
                f"the simulator speaks the presets only ({', '.join(PRESETS)}), not {pattern!r}"
            )
        self.pattern, self.interval_s = pattern, interval_s
        self.error_rate, self.garbage_rate = error_rate, garbage_rate
        self._rng = random.Random(seed)
        self._queue: list[tuple[float, bytes]] = []
        self._next: float | None = None

    def step(self, now: float, received: bytes) -> tuple[bytes, float]:
        if self._next is None:
            self._next = now + self._rng.uniform(0.2, 1.0) * self.interval_s
        while self._next <= now:
            self._queue += self._weighing(self._next)
            self._next += self._rng.uniform(0.7, 1.3) * self.interval_s
        due = [data for at, data in self._queue if at <= now]
        self._queue = [(at, data) for at, data in self._queue if at > now]
        return b"".join(due), min([at for at, _ in self._queue] + [self._next])

    def _weighing(self, at: float) -> list[tuple[float, bytes]]:
        rng = self._rng
        height = min(max(rng.gauss(163, 8), 140), 195)
        weight = round(min(max(rng.gauss(24.5, 3.8), 16.5), 42) * (height / 100) ** 2, 1)
        if self.pattern == "w-h":
            lines = [encode_line(weight=weight, height=round(height * 2) / 2, pattern="w-h")]
        elif rng.random() < self.error_rate:
            lines = [encode_line(weight=None, status="OL")] * 2
        else:
            settling = [encode_line(weight=weight * (1 - 0.4 / 2**k), status="US") for k in range(3)]
            lines = [*settling, *[encode_line(weight=round(weight * 20) / 20)] * 2]
        if rng.random() < self.garbage_rate:
            lines.insert(rng.randrange(len(lines) + 1), _noise(rng))
        timed = [(at + 0.25 * k, line) for k, line in enumerate(lines)]
        return (
            [*timed, (at + 0.25 * len(lines) + 1.0, encode_line(weight=0.0))]
            if self.pattern == "st-gs"
            else timed
        )


def _noise(rng: random.Random) -> bytes:
    """Line noise: printable junk or high bytes (never CR/LF/blank only, so it is always seen) and a line end."""
    return (
        bytes(rng.choice([*range(0x21, 0x7F), *range(0x80, 0x100)]) for _ in range(rng.randint(3, 12)))
        + b"\r\n"
    )
