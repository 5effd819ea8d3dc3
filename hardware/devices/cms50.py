"""Contec CMS50D+ pulse oximeter, firmware ≤ 4.4, live stream [U, reverse engineered].

Frame (DEVICES.md §2): 19200 baud 8O1, 5-byte packets at 60 Hz. Byte 0 has bit 7 set (the sync), the others
have it clear:

    b0  bit 7 sync; bits 0–3 signal strength; bit 4 finger out
    b1  pleth (waveform) sample
    b2  bits 0–3 bar graph; bit 4 probe error; bit 6 = pulse-rate bit 7
    b3  pulse rate bits 0–6
    b4  SpO2 %
    88 40 05 48 62  → PR 72, SpO2 98;   88 40 45 02 61  → PR 130, SpO2 97

Framing: any byte with bit 7 set starts a packet (so a short packet is dropped at the next sync); bytes
outside packets are garbage, reported once per run (at the next good packet, or every 64 bytes). The few
bytes before the first packet after a reset are the tail of a packet cut by opening the port: not garbage.

Coalescing (60 packets a second must not become 60 readings, DEVICES.md §2: "steady for a few seconds"):
- Finger out (b0 bit 4) or probe error (b2 bit 4) ends the session. SpO2 0/127 or PR 0/255 restart the
  steady window: 0 while searching, all bits set as "no value" (reverse-engineered captures, [U]). Neither
  is a reading.
- While the values are plausible: a `stable=False` preview at most every PREVIEW_S, and ONE stable reading
  (the lower median of the window) once SpO2 and PR have stayed in a band of ±SPO2_TOLERANCE and
  ±PULSE_TOLERANCE (max − min ≤ twice the tolerance) for STEADY_S. Then nothing, previews included, until
  the finger goes out, or the values are steady again for STEADY_S with a median outside the tolerance of
  the reported one (a new reading; a blip shorter than STEADY_S gives none).
- Implausible values (base.plausible): one Rejected per run, not one per packet.
- No packet for SILENCE_S (tick or the next feed) ends the session: the device was switched off or unplugged.
"""

from __future__ import annotations

from collections import Counter, deque
from typing import ClassVar, Final, NamedTuple

import msgspec

from hardware.devices.base import (
    DeviceProtocol,
    Event,
    FrameError,
    LineSettings,
    Measurement,
    Rejected,
    plausible,
)

PACKET_LEN: Final = 5
SYNC: Final = 0x80
SEARCHING_SPO2: Final = frozenset({0, 127})
SEARCHING_PR: Final = frozenset({0, 255})


class Packet(msgspec.Struct, frozen=True, kw_only=True):
    signal: int
    finger_out: bool
    pleth: int
    bar: int
    probe_error: bool
    pulse_rate: int
    spo2: int


def decode_packet(packet: bytes) -> Packet:
    """One 5-byte packet; FrameError for a wrong length or sync bits."""
    if len(packet) != PACKET_LEN:
        raise FrameError(f"a packet is {PACKET_LEN} bytes, got {len(packet)}", packet)
    if not packet[0] & SYNC or any(b & SYNC for b in packet[1:]):
        raise FrameError(f"a packet has bit 7 set in byte 0 only, got {packet.hex(' ')}", packet)
    b0, b1, b2, b3, b4 = packet
    pulse_rate = b3 | (b2 & 0x40) << 1
    return Packet(
        signal=b0 & 0x0F,
        finger_out=bool(b0 & 0x10),
        pleth=b1,
        bar=b2 & 0x0F,
        probe_error=bool(b2 & 0x10),
        pulse_rate=pulse_rate,
        spo2=b4,
    )


def encode_packet(
    *,
    spo2: int,
    pulse: int,
    pleth: int = 64,
    signal: int = 8,
    bar: int = 5,
    finger_out: bool = False,
    probe_error: bool = False,
) -> bytes:
    """One packet (the simulator's and the tests'); ValueError for a value the fields cannot hold."""
    if not (
        0 <= spo2 <= 127 and 0 <= pulse <= 255 and 0 <= pleth <= 127 and 0 <= signal <= 15 and 0 <= bar <= 15
    ):
        raise ValueError(
            f"out of the packet's field ranges: spo2={spo2} pulse={pulse} pleth={pleth} signal={signal} bar={bar}"
        )
    b0 = SYNC | signal | 0x10 * finger_out
    b2 = bar | 0x10 * probe_error | (pulse & 0x80) >> 1
    return bytes((b0, pleth, b2, pulse & 0x7F, spo2))


class PacketFramer:
    """Bytes into 5-byte packets and reports of the garbage skipped between them."""

    KEEP: ClassVar[int] = 64

    def __init__(self) -> None:
        self._packet = bytearray()
        self._junk = bytearray()
        self._synced = False  # a good packet seen since the reset

    def feed(self, data: bytes) -> list[bytes | Rejected]:
        out: list[bytes | Rejected] = []
        for byte in data:
            if byte & SYNC:
                self._junk += self._packet  # a packet cut short by the next sync byte
                self._packet = bytearray((byte,))
            elif self._packet:
                self._packet.append(byte)
                if len(self._packet) == PACKET_LEN:
                    out += self._flush()
                    out.append(bytes(self._packet))
                    self._packet.clear()
                    self._synced = True
            else:
                self._junk.append(byte)
            if len(self._junk) >= self.KEEP:
                out += self._flush()
        return out

    def _flush(self) -> list[bytes | Rejected]:
        junk = bytes(self._junk[: self.KEEP])
        del self._junk[: self.KEEP]
        if not junk or (not self._synced and len(junk) < PACKET_LEN):
            return []
        return [
            Rejected(
                raw=junk,
                reason=f"{len(junk)} bytes skipped: a packet is a byte with bit 7 set and four with it clear",
            )
        ]


class _Sample(NamedTuple):
    at: float
    spo2: int
    pulse: int
    raw: bytes


class Cms50(DeviceProtocol):
    name = "cms50"
    line = LineSettings(baudrate=19200, bytesize=8, parity="O", stopbits=1)
    # A resting reading moves by the last digit (SpO2) and a few beats with breathing (sinus arrhythmia);
    # wider tolerances would call a falling saturation steady, narrower ones would never settle.
    SPO2_TOLERANCE: ClassVar[int] = 1
    PULSE_TOLERANCE: ClassVar[int] = 5
    STEADY_S: ClassVar[float] = (
        4.0  # ≥ 2 display updates and ≥ 2 beats at any plausible rate; what a nurse waits
    )
    PREVIEW_S: ClassVar[float] = 1.0  # the device's own display rate; faster only floods the reader
    SILENCE_S: ClassVar[float] = 1.0  # 60 packets missed: the stream stopped
    RAW_S: ClassVar[float] = 1.0  # the packets kept as a steady reading's raw (300 bytes)

    def __init__(self) -> None:
        self._framer = PacketFramer()
        self._window: deque[_Sample] = deque()  # consistent samples of the last STEADY_S
        self._spo2s: Counter[int] = Counter()  # the window's values, for its spread
        self._pulses: Counter[int] = Counter()
        self._run_start: float | None = None  # when the values last started to be steady
        self._implausible = False  # inside a run of implausible packets (reported once)
        self._reported: tuple[int, int] | None = None
        self._last_preview: float | None = None
        self._last_packet: float | None = None

    def reset(self) -> None:
        self._framer = PacketFramer()
        self._end_session()
        self._last_packet = None

    def _end_session(self) -> None:
        self._clear_window()
        self._reported = None
        self._last_preview = None

    def _clear_window(self) -> None:
        self._window.clear()
        self._spo2s.clear()
        self._pulses.clear()
        self._run_start = None
        self._implausible = False

    def tick(self, now: float) -> list[Event]:
        if self._last_packet is not None and now - self._last_packet > self.SILENCE_S:
            self._end_session()
            self._last_packet = None
        return []

    def feed(self, data: bytes, now: float) -> list[Event]:
        self.tick(now)
        events: list[Event] = []
        for item in self._framer.feed(data):
            if isinstance(item, Rejected):
                events.append(item)
                continue
            self._last_packet = now
            try:
                events += self._packet(decode_packet(item), item, now)
            except FrameError as exc:
                if not self._implausible:
                    events.append(Rejected(raw=item, reason=str(exc)))
                self._clear_window()
                self._implausible = True
        return events

    def _packet(self, packet: Packet, raw: bytes, now: float) -> list[Event]:
        if packet.finger_out or packet.probe_error:
            self._end_session()
            return []
        if packet.spo2 in SEARCHING_SPO2 or packet.pulse_rate in SEARCHING_PR:
            self._clear_window()
            return []
        values = plausible({"spo2": packet.spo2, "pulse": packet.pulse_rate}, raw)
        self._implausible = False
        self._add(_Sample(now, packet.spo2, packet.pulse_rate, raw))
        if self._run_start is not None and now - self._run_start >= self.STEADY_S - 1e-6:
            spo2, pulse = _median_low(self._spo2s), _median_low(self._pulses)
            if not self._near_reported(spo2, pulse):
                self._reported = (spo2, pulse)
                recent = b"".join(s.raw for s in self._window if s.at >= now - self.RAW_S)
                return [Measurement(values={"spo2": float(spo2), "pulse": float(pulse)}, raw=recent)]
        if self._near_reported(packet.spo2, packet.pulse_rate):
            return []
        if self._last_preview is not None and now - self._last_preview < self.PREVIEW_S:
            return []
        self._last_preview = now
        return [Measurement(values=values, raw=raw, stable=False)]

    def _near_reported(self, spo2: int, pulse: int) -> bool:
        if self._reported is None:
            return False
        return (
            abs(spo2 - self._reported[0]) <= self.SPO2_TOLERANCE
            and abs(pulse - self._reported[1]) <= self.PULSE_TOLERANCE
        )

    def _add(self, sample: _Sample) -> None:
        self._window.append(sample)
        self._spo2s[sample.spo2] += 1
        self._pulses[sample.pulse] += 1
        if self._run_start is None:
            self._run_start = sample.at
        while self._window[0].at < sample.at - self.STEADY_S:  # the median is over the last STEADY_S
            self._drop_oldest()
        if not self._steady_spread():
            while not self._steady_spread():
                self._drop_oldest()
            self._run_start = self._window[0].at  # the values moved: the steady run starts again

    def _steady_spread(self) -> bool:
        spo2_spread = max(self._spo2s) - min(self._spo2s)
        return (
            spo2_spread <= 2 * self.SPO2_TOLERANCE
            and max(self._pulses) - min(self._pulses) <= 2 * self.PULSE_TOLERANCE
        )

    def _drop_oldest(self) -> None:
        old = self._window.popleft()
        for counter, value in ((self._spo2s, old.spo2), (self._pulses, old.pulse)):
            counter[value] -= 1
            if not counter[value]:
                del counter[value]


def _median_low(counts: Counter[int]) -> int:
    """The lower median of the counted values (a measured value, never an average of two)."""
    rank = (counts.total() - 1) // 2
    for value in sorted(counts):
        rank -= counts[value]
        if rank < 0:
            return value
    raise ValueError("no values")
