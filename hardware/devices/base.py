"""What every device protocol gives its reader: measurements, rejected frames and bytes to answer with.

A protocol is a pure, incremental framer and parser: the reader hands it whatever bytes the port delivered
(USB-serial adapters cut frames anywhere, DEVICES.md §2) with a monotonic `now`, and gets back events. It
never touches a port and never raises: a frame it cannot read becomes a `Rejected` event carrying the raw
bytes, so one corrupt frame never costs the frames glued to it. Only `parse_*` helpers raise, and only
`FrameError` (the fuzz tests hold every protocol to that).

Values are in the codes and units of flows.measurements (mmHg, /min, kg, cm, %, mmol/L) and must pass its
plausibility table (DEVICES.md §3) before they become a `Measurement`; anything else is `Rejected`.
"""

from __future__ import annotations

import abc
import datetime as dt
from collections.abc import Mapping
from typing import ClassVar

import msgspec

from flows import measurements
from flows.errors import InvalidInput


class DeviceError(Exception):
    """Base of everything hardware.devices raises."""


class FrameError(DeviceError):
    """A frame that is not what the protocol sends (corrupt, bad checksum, impossible value)."""

    def __init__(self, message: str, raw: bytes = b"") -> None:
        super().__init__(message)
        self.raw = raw


class LineSettings(msgspec.Struct, frozen=True, kw_only=True):
    """Serial line settings (pyserial's names): a protocol's defaults, overridable per device."""

    baudrate: int = 9600
    bytesize: int = 8
    parity: str = "N"  # N | E | O
    stopbits: float = 1


class Measurement(msgspec.Struct, frozen=True, kw_only=True):
    """One result of one measurement, as the device sent it.

    `values` hold measurement codes (flows.measurements) in DESIGN.md units, already checked for
    plausibility. `error` is set instead when the device itself reports the measurement failed (an Omron
    error code, a scale overload): such a reading is shown to the nurse but never becomes an observation.
    `stable` is False for live values still settling (an unstable scale line, an oximeter before it is
    steady); only stable readings can be claimed by a visit.
    """

    values: dict[str, float]
    raw: bytes
    stable: bool = True
    error: str | None = None
    device_time: dt.datetime | None = None  # the device's own clock, naive, as sent
    subject: str | None = None  # the patient id the device sent with the result, if any
    extra: dict[str, float] = msgspec.field(default_factory=dict)  # values with no measurement code


class Rejected(msgspec.Struct, frozen=True, kw_only=True):
    """Bytes that did not make a valid frame: logged with the bytes, counted, never an observation."""

    raw: bytes
    reason: str


class Reply(msgspec.Struct, frozen=True, kw_only=True):
    """Bytes the host must send to the device now (ASTM ACK/NAK/EOT)."""

    data: bytes


Event = Measurement | Rejected | Reply


class DeviceProtocol(abc.ABC):
    """An incremental framer and parser for one device's output. One instance per connection."""

    name: ClassVar[str]
    line: ClassVar[LineSettings] = LineSettings()

    @abc.abstractmethod
    def feed(self, data: bytes, now: float) -> list[Event]:
        """Take the bytes just read; return the events they complete. Never raises."""

    def tick(self, now: float) -> list[Event]:
        """Called at least every ~0.5 s while connected, for timers (ASTM time-outs, steadiness)."""
        return []

    @abc.abstractmethod
    def reset(self) -> None:
        """Drop partial data and link state (the port was reopened after an unplug)."""


class DeviceSimulator(abc.ABC):
    """A simulated device for `sim://` URLs and tests: realistic values, noise, errors and garbage."""

    @abc.abstractmethod
    def step(self, now: float, received: bytes) -> tuple[bytes, float]:
        """Given what the host sent since the last step, return the bytes the device sends now and the
        monotonic time at which it wants to be stepped again (sooner if the host sends something)."""


def plausible(values: Mapping[str, float], raw: bytes) -> dict[str, float]:
    """The values checked against flows.measurements (DEVICES.md §3); FrameError names the bad one."""
    try:
        return measurements.validate(values)
    except InvalidInput as exc:
        raise FrameError(f"implausible value: {exc}", raw) from exc
