"""Tanita body composition analysers and height/weight scales [V].

Frame (DEVICES.md §2, checked on three published samples): 9600 8N1 (the older WB-110S: 2400 7E1, set
`WB110S_LINE` as the device's line override), one record of comma-separated key,value pairs ended by CR LF:

    {0,16,~0,1,~1,1,~2,1,MO,"SC-240",SN,"00000002",…,Wk,82.7,FW,18.6,…,ZF,369.4,CS,FD\\r\\n

- The record starts with control data (`{0,16`, `~0,1`, `~1,1`, `~2,1`: keys starting `{` or `~`), ignored.
- `CS,xx` ends it: two upper-case hex digits, the low byte of the sum of every byte from `{` up to and
  including the comma before `CS`. A mismatch is Rejected (the manuals do not spell this out; the samples do).
- Measurement codes: `Wk` → weight (kg; without `Wk`, `Wp` lb × 0.45359237), `Hm` → height (cm),
  `MI` → bmi, `FW` → body_fat (%). Other known keys go to `extra` (see EXTRA); unknown keys are ignored.
  `ID` → subject. The date/time keys are not read: their day/month order follows the model's region
  setting and is not documented.
- Frame sync is the `{`: bytes outside a record are garbage, reported once per run (at the next `{` or
  line end). A lone byte is ignored silently: some models send a stray byte ~0.1 s after the record.
- A record cut short by a new `{` is Rejected and the new record read.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from typing import ClassVar, Final

from hardware.devices.base import (
    DeviceProtocol,
    DeviceSimulator,
    Event,
    FrameError,
    LineSettings,
    Measurement,
    Rejected,
    plausible,
)

WB110S_LINE: Final = LineSettings(baudrate=2400, bytesize=7, parity="E", stopbits=1)
LB_KG: Final = 0.45359237
CODES: Final = {"Wk": "weight", "Hm": "height", "MI": "bmi", "FW": "body_fat"}
EXTRA: Final = {
    "fW": "fat_mass_kg",
    "MW": "fat_free_mass_kg",
    "mW": "muscle_mass_kg",
    "bW": "bone_mass_kg",
    "wW": "water_mass_kg",
    "ww": "water_percent",
    "IF": "visceral_fat_rating",
    "rB": "bmr_kcal",
    "rA": "metabolic_age",
    "ZF": "impedance_ohm",
    "AG": "age",
    "GE": "sex",  # 1 male, 2 female, as sent
    "Pt": "tare_kg",
}
CONTROL: Final = "{0,16,~0,1,~1,1,~2,1"
_NUMBER = re.compile(r"-?\d+(\.\d+)?")
_CS = re.compile(rb",CS,([0-9A-F]{2})")


def checksum(data: bytes) -> int:
    """The low byte of the sum of the bytes (pass them from `{` through the comma before CS)."""
    return sum(data) & 0xFF


def parse_record(record: bytes) -> Measurement:
    """One record (CR LF optional) as a Measurement; FrameError says what was expected."""
    raw = record.removesuffix(b"\n").removesuffix(b"\r")
    if not raw.startswith(b"{"):
        raise FrameError(f"a record starts with '{{', got {raw[:1]!r}", raw)
    tail = _CS.search(raw, max(len(raw) - 6, 0))
    if tail is None or tail.end() != len(raw):
        raise FrameError(f"a record ends with ',CS,' and two upper-case hex digits, got {raw[-8:]!r}", raw)
    summed = checksum(raw[: tail.start() + 1])
    if summed != int(tail[1], 16):
        raise FrameError(
            f"checksum mismatch: the record says CS,{tail[1].decode()}, its bytes sum to {summed:02X}", raw
        )
    if not raw.isascii():
        raise FrameError("a record is ASCII, got non-ASCII bytes", raw)
    tokens = raw[: tail.start()].decode("ascii").split(",")
    if len(tokens) % 2:
        raise FrameError(f"keys and values should pair up, got an odd number of fields ({len(tokens)})", raw)
    pairs: dict[str, str] = {}
    for key, value in zip(tokens[::2], tokens[1::2], strict=True):
        if key.startswith(("{", "~")):
            continue
        if key in pairs:
            raise FrameError(f"key {key!r} appears twice", raw)
        pairs[key] = value.strip('"')
    numbers = {code: _number(key, pairs[key], raw) for key, code in CODES.items() if key in pairs}
    if "weight" not in numbers and "Wp" in pairs:  # a scale set to pounds
        numbers["weight"] = round(_number("Wp", pairs["Wp"], raw) * LB_KG, 2)
    if "weight" not in numbers:
        raise FrameError(f"a record carries the weight (Wk or Wp), got keys {sorted(pairs)}", raw)
    values = plausible(numbers, raw)
    extra = {name: _number(key, pairs[key], raw) for key, name in EXTRA.items() if key in pairs}
    return Measurement(values=values, raw=raw, subject=pairs.get("ID", "").strip() or None, extra=extra)


def _number(key: str, text: str, raw: bytes) -> float:
    if not _NUMBER.fullmatch(text):
        raise FrameError(f"{key} should be a number, got {text!r}", raw)
    return float(text)


class Tanita(DeviceProtocol):
    name = "tanita"
    MAX_RECORD: ClassVar[int] = 4096  # the sample is 270 bytes; segmental models send a few hundred more
    KEEP_GARBAGE: ClassVar[int] = 64  # bytes of a garbage run kept for the log

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self._record = bytearray()  # starts with `{` when not empty
        self._junk = bytearray()
        self._junk_count = 0

    def feed(self, data: bytes, now: float) -> list[Event]:
        events: list[Event] = []
        pos, brace, newline = 0, data.find(b"{"), data.find(b"\n")
        while pos < len(data):
            if 0 <= brace < pos:  # searched again only once passed: linear in the chunk
                brace = data.find(b"{", pos)
            if 0 <= newline < pos:
                newline = data.find(b"\n", pos)
            if not self._record:  # outside a record: garbage up to a line end (reported) or a `{`
                if newline >= 0 and (brace < 0 or newline < brace):
                    self._garbage(data[pos : newline + 1])
                    events += self._flush_garbage()
                    pos = newline + 1
                elif brace >= 0:
                    self._garbage(data[pos:brace])
                    events += self._flush_garbage()
                    self._record += b"{"
                    pos = brace + 1
                else:
                    self._garbage(data[pos:])
                    pos = len(data)
                continue
            stop = min((i for i in (brace, newline) if i >= 0), default=len(data))
            end = min(stop + 1 if stop == newline else stop, pos + self.MAX_RECORD + 1 - len(self._record))
            self._record += data[pos:end]
            pos = end
            if len(self._record) > self.MAX_RECORD:
                reason = f"record longer than {self.MAX_RECORD} bytes without a line end"
                events.append(Rejected(raw=bytes(self._record[: self.MAX_RECORD]), reason=reason))
                self._record.clear()
            elif self._record.endswith(b"\n"):
                events.append(_read(bytes(self._record)))
                self._record.clear()
            elif pos == brace:
                events.append(
                    Rejected(
                        raw=bytes(self._record), reason="record cut short: a new '{' came before its CR LF"
                    )
                )
                self._record.clear()
        return events

    def _garbage(self, data: bytes) -> None:
        room = self.KEEP_GARBAGE - len(self._junk)
        self._junk += data[: max(room, 0)]
        self._junk_count += len(data)

    def _flush_garbage(self) -> list[Event]:
        junk, count = bytes(self._junk), self._junk_count
        self._junk.clear()
        self._junk_count = 0
        if count <= 1 or not junk.strip(b" \t\r\n\x00"):  # the stray byte, or blank line ends
            return []
        return [
            Rejected(
                raw=junk, reason=f"{count} bytes of garbage outside a record (a record starts with '{{')"
            )
        ]


def _read(record: bytes) -> Event:
    try:
        return parse_record(record)
    except FrameError as exc:
        return Rejected(raw=exc.raw or record, reason=str(exc))


def encode_record(pairs: Sequence[tuple[str, str]], *, control: str = CONTROL) -> bytes:
    """A record with its checksum and CR LF; values are sent as given (quote strings yourself)."""
    body = ",".join([control, *(f"{key},{value}" for key, value in pairs)]).encode("ascii") + b","
    return body + f"CS,{checksum(body):02X}\r\n".encode("ascii")


class TanitaSimulator(DeviceSimulator):
    """A body composition analyser: a person every ~interval_s (a population of adults), each record followed
    0.1 s later by a stray byte. `error_rate` people measure in socks: no impedance, so a weight-only record
    (Tanita sends no error record). `garbage_rate`: line noise before a record, or a corrupted checksum."""

    def __init__(
        self, *, seed: int = 0, interval_s: float = 30.0, error_rate: float = 0.05, garbage_rate: float = 0.02
    ) -> None:
        self.interval_s, self.error_rate, self.garbage_rate = interval_s, error_rate, garbage_rate
        self._rng = random.Random(seed)
        self._queue: list[tuple[float, bytes]] = []
        self._next: float | None = None

    def step(self, now: float, received: bytes) -> tuple[bytes, float]:
        if self._next is None:
            self._next = now + self._rng.uniform(0.2, 1.0) * self.interval_s
        while self._next <= now:
            self._queue += [(self._next, self._record()), (self._next + 0.1, b"\x00")]
            self._next += self._rng.uniform(0.7, 1.3) * self.interval_s
        due = b"".join(data for at, data in self._queue if at <= now)
        self._queue = [(at, data) for at, data in self._queue if at > now]
        return due, min([at for at, _ in self._queue] + [self._next])

    def _record(self) -> bytes:
        rng = self._rng
        sex, age = rng.choice((1, 2)), rng.randint(30, 80)
        height = round(min(max(rng.gauss(170 if sex == 1 else 158, 6), 140), 195) * 2) / 2
        bmi = min(max(rng.gauss(24.5, 3.5), 17), 38)
        weight = round(bmi * (height / 100) ** 2, 1)
        pairs = [
            ("MO", '"DC-360"'),
            ("SN", '"00012345"'),
            ("ID", f'"P{rng.randrange(10**6):06d}"'),
            ("GE", str(sex)),
        ]
        pairs += [("AG", str(age)), ("Hm", f"{height:g}"), ("Pt", "0.0"), ("Wk", f"{weight:.1f}")]
        if rng.random() >= self.error_rate:
            fat = min(max(rng.gauss(8 if sex == 1 else 18, 3) + 1.2 * (bmi - 18), 5), 50)
            fat_free = weight * (1 - fat / 100)
            bmr = 10 * weight + 6.25 * height - 5 * age + (5 if sex == 1 else -161)  # Mifflin-St Jeor
            pairs += [("FW", f"{fat:.1f}"), ("fW", f"{weight - fat_free:.1f}"), ("MW", f"{fat_free:.1f}")]
            pairs += [
                ("mW", f"{fat_free * 0.95:.1f}"),
                ("bW", f"{fat_free * 0.05:.1f}"),
                ("wW", f"{fat_free * 0.73:.1f}"),
            ]
            pairs += [("ww", f"{73 * fat_free / weight:.1f}"), ("MI", f"{weight / (height / 100) ** 2:.1f}")]
            pairs += [("IF", str(max(1, round(bmi - 16 + (age - 30) / 10)))), ("rB", str(round(bmr)))]
            pairs += [
                ("rA", str(max(18, round(age + 1.5 * (bmi - 22))))),
                ("ZF", f"{rng.uniform(350, 650):.1f}"),
            ]
        record = encode_record(pairs)
        if rng.random() >= self.garbage_rate:
            return record
        if rng.random() < 0.5:  # a flipped digit the checksum catches
            at = record.index(b"Wk,") + 3
            return record[:at] + (b"7" if record[at : at + 1] != b"7" else b"6") + record[at + 1 :]
        return (
            bytes(rng.choice([*range(0x21, 0x7B), *range(0x80, 0x100)]) for _ in range(rng.randint(2, 12)))
            + b"\r\n"
            + record
        )
