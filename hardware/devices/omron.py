"""Omron HBP-9030 professional blood pressure monitor, "format 5" serial output [U].

Frame (DEVICES.md §2, not confirmed against Omron's own document): 9600 8N1, one CSV line of 11 fixed-width
fields per measurement, ended by CR LF (53 bytes before the CR LF):

    YYYY,MM,DD,HH,mm,ID(20, space padded),error(1),SYS(3),DIA(3),PR(3),movement(1)
    2024,05,01,09,30,P000123             ,0,128,082,072,0
    2024,05,01,09,31,                    ,2,   ,   ,   ,0      ← a failed measurement: vitals blank

The layout is a guess, so the parser is strict: exactly 11 fields, each of its stated width, vitals three
digits or three blanks. A wrong guess then fails loudly (every line Rejected) instead of reading wrong numbers.

- A non-zero error field, or blank vitals, is a measurement the device itself reports as failed: a
  Measurement with `error` naming the code and no values (shown to the nurse), not a Rejected frame.
- Vitals given with some of them blank is not something the device documents: Rejected.
- Values go through `base.plausible` only (DEVICES.md §3): the monitor's own PR range (40–180) is not
  enforced, so a true bradycardia of 35/min is not thrown away on the strength of an unconfirmed manual.
- PR → "pulse"; the device clock → `device_time` (naive, minutes); the ID field, stripped → `subject`; the
  movement flag (body movement during the measurement) → extra["movement"] (0 or 1).
- Resynchronisation: a line longer than a frame whose last 53 bytes parse is garbage glued before a frame
  (noise with no line end): the prefix is Rejected and the frame kept.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import ClassVar, Final

from hardware.devices.base import (
    DeviceProtocol,
    DeviceSimulator,
    Event,
    FrameError,
    Measurement,
    Rejected,
    plausible,
)
from hardware.devices.lines import LineFramer

FIELDS: Final = ("year", "month", "day", "hour", "minute", "ID", "error", "SYS", "DIA", "PR", "movement")
WIDTHS: Final = (4, 2, 2, 2, 2, 20, 1, 3, 3, 3, 1)
FRAME_LEN: Final = sum(WIDTHS) + len(WIDTHS) - 1  # 53
_VITALS: Final = (("sbp", 7), ("dbp", 8), ("pulse", 9))


def parse_frame(frame: bytes) -> Measurement:
    """One format-5 line (CR LF optional) as a Measurement; FrameError says what was expected."""
    raw = frame.removesuffix(b"\n").removesuffix(b"\r")
    if not raw.isascii():
        raise FrameError("expected an ASCII line, got non-ASCII bytes", raw)
    fields = raw.decode("ascii").split(",")
    if len(fields) != len(WIDTHS):
        raise FrameError(
            f"expected {len(WIDTHS)} comma-separated fields (format 5), got {len(fields)}: {raw!r}", raw
        )
    for name, width, field in zip(FIELDS, WIDTHS, fields, strict=True):
        vital = name in {"SYS", "DIA", "PR"}
        if len(field) != width:
            raise FrameError(f"field {name} should be {width} characters wide, got {field!r}", raw)
        if name != "ID" and not field.isdigit() and not (vital and field == "   "):
            raise FrameError(
                f"field {name} should be {'digits or blank' if vital else 'digits'}, got {field!r}", raw
            )
    try:
        year, month, day, hour, minute = (int(field) for field in fields[:5])
        when = dt.datetime(year, month, day, hour, minute)  # the device clock: naive, as sent
    except ValueError as exc:
        raise FrameError(f"device date/time {','.join(fields[:5])} is not a valid date: {exc}", raw) from exc
    if fields[10] not in {"0", "1"}:
        raise FrameError(f"movement flag should be 0 or 1, got {fields[10]!r}", raw)
    blanks = [fields[index] == "   " for _, index in _VITALS]
    if fields[6] != "0":
        error: str | None = f"measurement failed: the monitor reported error code {fields[6]}"
    elif all(blanks):
        error = "measurement failed: the monitor sent no values (error code 0)"
    elif any(blanks):
        raise FrameError(
            "SYS, DIA and PR should be all given or all blank, got some blank with error code 0", raw
        )
    else:
        error = None
    values = {} if error else plausible({code: int(fields[index]) for code, index in _VITALS}, raw)
    subject = fields[5].strip() or None
    extra = {"movement": float(fields[10])}
    return Measurement(values=values, raw=raw, error=error, device_time=when, subject=subject, extra=extra)


class OmronHbp9030(DeviceProtocol):
    name = "omron-hbp9030"
    MAX_LINE: ClassVar[int] = 256  # a frame is 53 bytes; anything much longer is garbage

    def __init__(self) -> None:
        self._framer = LineFramer(self.MAX_LINE)

    def reset(self) -> None:
        self._framer.reset()

    def feed(self, data: bytes, now: float) -> list[Event]:
        events: list[Event] = []
        for line in self._framer.feed(data):
            if isinstance(line, Rejected):
                events.append(line)
            else:
                events.extend(_parse_line(line))
        return events


def _parse_line(line: bytes) -> list[Event]:
    try:
        return [parse_frame(line)]
    except FrameError as exc:
        whole = Rejected(raw=line, reason=str(exc))
    if len(line) <= FRAME_LEN:
        return [whole]
    try:
        reading = parse_frame(line[-FRAME_LEN:])
    except FrameError:
        return [whole]
    prefix = line[:-FRAME_LEN]
    return [
        Rejected(raw=prefix, reason=f"{len(prefix)} bytes of garbage before a frame, with no line end"),
        reading,
    ]


def encode_reading(
    *,
    when: dt.datetime,
    subject: str | None = None,
    sbp: int | None,
    dbp: int | None,
    pulse: int | None,
    error: int = 0,
    movement: int = 0,
) -> bytes:
    """A format-5 line with CR LF; None vitals are sent blank, as on a failed measurement."""
    ident = (subject or "").ljust(20)
    if len(ident) != 20 or not ident.isascii():
        raise ValueError(f"the ID field holds 20 ASCII characters, got {subject!r}")
    vitals = ",".join("   " if v is None else f"{v:03d}" for v in (sbp, dbp, pulse))
    return f"{when:%Y,%m,%d,%H,%M},{ident},{error:d},{vitals},{movement:d}\r\n".encode("ascii")


class OmronSimulator(DeviceSimulator):
    """A monitor in a busy clinic: a measurement every ~interval_s from an adult population (about 40 %
    hypertensive), `error_rate` failed measurements (error 1–9, vitals blank) and, at `garbage_rate`, a
    burst of line noise (half of it glued to the frame with no line end) or a frame with a corrupted digit."""

    CLOCK: ClassVar[dt.datetime] = dt.datetime(2024, 5, 1, 8, 0)  # naive, like the device's clock

    def __init__(
        self, *, seed: int = 0, interval_s: float = 20.0, error_rate: float = 0.05, garbage_rate: float = 0.02
    ) -> None:
        self.interval_s, self.error_rate, self.garbage_rate = interval_s, error_rate, garbage_rate
        self._rng = random.Random(seed)
        self._start: float | None = None
        self._next = 0.0

    def step(self, now: float, received: bytes) -> tuple[bytes, float]:
        if self._start is None:
            self._start = now
            self._next = now + self._rng.uniform(0.2, 1.0) * self.interval_s
        out = bytearray()
        while self._next <= now:
            out += self._frame(self.CLOCK + dt.timedelta(seconds=self._next - self._start))
            self._next += self._rng.uniform(0.7, 1.3) * self.interval_s
        return bytes(out), self._next

    def _frame(self, when: dt.datetime) -> bytes:
        rng = self._rng
        subject = f"P{rng.randrange(10**6):06d}" if rng.random() < 0.7 else None
        if rng.random() < self.error_rate:
            frame = encode_reading(
                when=when, subject=subject, sbp=None, dbp=None, pulse=None, error=rng.randint(1, 9)
            )
        else:
            sbp, dbp, pulse = vitals(rng)
            frame = encode_reading(
                when=when, subject=subject, sbp=sbp, dbp=dbp, pulse=pulse, movement=int(rng.random() < 0.05)
            )
        if rng.random() >= self.garbage_rate:
            return frame
        if rng.random() < 0.5:
            at = FRAME_LEN - 5 - rng.randrange(9)  # a digit of SYS, DIA or PR (or a comma between them)
            return frame[:at] + b"?" + frame[at + 1 :]
        noise = bytes(
            rng.choice([*range(0x21, 0x7F), *range(0x80, 0x100)]) for _ in range(rng.randint(2, 12))
        )
        return noise + (b"\r\n" if rng.random() < 0.5 else b"") + frame


def vitals(rng: random.Random) -> tuple[int, int, int]:
    """SBP, DBP, PR of a random adult: 40 % hypertensive, SBP about 105–190 mmHg."""
    if rng.random() < 0.4:
        sbp, dbp = rng.gauss(152, 14), rng.gauss(92, 9)
    else:
        sbp, dbp = rng.gauss(122, 9), rng.gauss(76, 7)
    sbp = min(max(sbp, 100), 200)
    dbp = min(max(dbp, 50), 125, sbp - 20)
    return round(sbp), round(dbp), round(min(max(rng.gauss(74, 11), 45), 130))
