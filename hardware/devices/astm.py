"""ASTM E1381/E1394 instruments (HbA1c and other POCT analysers): the host's protocol and a simulator. [V]

Line: 9600 8N1. The instrument opens a session with ENQ and sends checksummed frames, which we ACK or NAK
(astm_link: `STX FN text CR ETX C1 C2 CR LF`, ETB for a record continued in the next frame); at EOT the
records (astm_records: `H|\\^&…`, P, O, R…, L) become one `Measurement` per patient: values merged over the
patient's final results (astm_values), `subject` the patient id, `device_time` the latest result's completion
time (else the H record's), `raw` every byte of the session. A session that ends unfinished, a message
without its L record, a value that cannot be read or is implausible (DEVICES.md §3): `Rejected` with the
bytes. Preliminary results are ignored; a patient with only those is a `Rejected` naming them, so a
mis-set instrument shows in the log; a patient (or message) with no R record at all gives nothing. Messages whose H.12 processing id is not P (quality control,
training, debugging) are never patient results: `Rejected`. Every reply the link owes the instrument
(ACK, NAK) comes out as a `Reply`; `tick` drives the 30-s receive time-out.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from typing import ClassVar, Final

from hardware.devices.astm_link import (
    AstmLink,
    LinkAbort,
    LinkDiscard,
    LinkEvent,
    LinkMessage,
    LinkSend,
    LinkSent,
    Role,
)
from hardware.devices.astm_records import decode_record, encode_message, parse_message, split_messages
from hardware.devices.astm_values import NGSP_AT_IFCC_ZERO, NGSP_PER_IFCC, map_results
from hardware.devices.base import (
    DeviceProtocol,
    DeviceSimulator,
    Event,
    FrameError,
    LineSettings,
    Measurement,
    Rejected,
    Reply,
    plausible,
)


class Astm(DeviceProtocol):
    """The host (receiver) end of an ASTM instrument's line."""

    name: ClassVar[str] = "astm"
    line: ClassVar[LineSettings] = LineSettings(baudrate=9600, bytesize=8, parity="N", stopbits=1)

    def __init__(self) -> None:
        self._link = AstmLink(Role.HOST)

    def feed(self, data: bytes, now: float) -> list[Event]:
        return self._events(self._link.receive(data, now))

    def tick(self, now: float) -> list[Event]:
        return self._events(self._link.tick(now))

    def reset(self) -> None:
        self._link.reset()

    def _events(self, link_events: Sequence[LinkEvent]) -> list[Event]:
        out: list[Event] = []
        for event in link_events:
            if isinstance(event, LinkSend):
                out.append(Reply(data=event.data))
            elif isinstance(event, LinkMessage):
                out += session_events(event.records, event.raw)
            elif isinstance(event, LinkDiscard):
                out += session_events(event.records, event.raw, cut=event.reason)
        return out


def session_events(
    records: Sequence[bytes], raw: bytes, cut: str | None = None
) -> list[Measurement | Rejected]:
    """The results of one received session. `cut` says why the link called it unfinished: its whole
    messages (H … L, every frame ACKed) still count, the unfinished rest is rejected with that reason."""
    messages = split_messages([decode_record(r) for r in records])
    if not messages and cut:
        return [Rejected(raw=raw, reason=cut)]
    out: list[Measurement | Rejected] = []
    for message in messages:
        try:
            out += _message_events(message, raw)
        except FrameError as exc:
            out.append(Rejected(raw=raw, reason=f"{cut}: {exc}" if cut else str(exc)))
    return out


def _message_events(records: Sequence[str], raw: bytes) -> list[Measurement | Rejected]:
    message = parse_message(records)
    if message.processing_id not in ("", "P"):
        raise FrameError(
            f"processing id {message.processing_id!r} (Q control, T training, D debug): not a patient"
        )
    out: list[Measurement | Rejected] = []
    for patient in message.patients:
        if not patient.results:
            continue
        who = patient.patient_id or "without id"
        try:
            mapped = map_results(patient.results)
            if not mapped.values:
                ignored = "; ".join(mapped.ignored) or "only tests without a measurement code"
                raise FrameError(f"no final result to record ({ignored})")
            values = plausible(mapped.values, raw)
        except FrameError as exc:
            out.append(Rejected(raw=raw, reason=f"patient {who}: {exc}"))
            continue
        out.append(
            Measurement(
                values=values,
                raw=raw,
                device_time=mapped.device_time or message.sent_at,
                subject=patient.patient_id,
                extra=mapped.extra,
            )
        )
    return out


_EPOCH: Final = dt.datetime(2024, 5, 1, 9, 0, 0)  # the simulated instrument's clock at its first step
_NOISE: Final = bytes([0x00, 0xFF, *range(0x20, 0x7F)])  # no control byte: noise that E1381 must survive


class AstmSimulator(DeviceSimulator):
    """An HbA1c analyser in the instrument role: one H P O R R L message every ~`interval_s`, NGSP 4.5–12 %
    with its IFCC twin. Rates are per message, like the other simulators': with probability `error_rate`
    one frame goes out corrupted once (a bad checksum, or a byte slipped into its text: the host NAKs, the
    clean retransmission passes), with probability `garbage_rate` line noise comes before one of the
    session's writes. The same seed and the same host replies give the same bytes. `sent` lists
    (patient id, NGSP %) of each message the host acknowledged to the end; `aborted` counts the ones the
    link gave up (six NAKs of one frame, or 15 s without a reply)."""

    def __init__(
        self, *, seed: int = 0, interval_s: float = 30.0, error_rate: float = 0.05, garbage_rate: float = 0.02
    ) -> None:
        self._rng = random.Random(seed)
        self._link = AstmLink(Role.INSTRUMENT)
        self._interval, self._error_rate, self._garbage_rate = interval_s, error_rate, garbage_rate
        self._start: float | None = None
        self._due = 0.0
        self._count = 0
        self._sending: tuple[str, float] = ("", 0.0)
        self._glitch: bytes | None = None  # the frame to corrupt on its next write
        self._noise_at = -1  # the write of this session that line noise comes before
        self._writes = 0
        self.sent: list[tuple[str, float]] = []
        self.aborted = 0

    def step(self, now: float, received: bytes) -> tuple[bytes, float]:
        if self._start is None:
            self._start = self._due = now
        events = self._link.receive(received, now)
        if now >= self._due and self._link.idle:
            events += self._link.send(self._message(now), now)
            self._due = now + self._interval * self._rng.uniform(0.8, 1.2)
        out = bytearray()
        for event in events:
            if isinstance(event, LinkSend):
                out += self._wire(event.data)
            elif isinstance(event, LinkSent):
                self.sent.append(self._sending)
            elif isinstance(event, LinkAbort):
                self.aborted += 1
        wake = [t for t in (self._link.next_deadline(), self._due) if t is not None and t > now]
        return bytes(out), min(wake, default=now + self._interval)

    def _message(self, now: float) -> list[bytes]:
        assert self._start is not None
        rng, self._count = self._rng, self._count + 1
        done = _EPOCH + dt.timedelta(seconds=round(now - self._start))
        ngsp = round(rng.uniform(4.5, 12.0), 1)
        ifcc = round((ngsp - NGSP_AT_IFCC_ZERO) / NGSP_PER_IFCC)  # the master equation backwards
        patient = f"P{rng.randint(1, 999_999):06d}"
        born = dt.date(rng.randint(1935, 1995), rng.randint(1, 12), rng.randint(1, 28))
        self._sending = (patient, ngsp)

        def stamp(t: dt.datetime) -> str:
            return f"{t:%Y%m%d%H%M%S}"

        frames = encode_message(
            [
                f"H|\\^&|||HbA1c-POCT^1.0^SN12345|||||||P|LIS2-A2|{stamp(done + dt.timedelta(seconds=12))}",
                f"P|1||{patient}||^^||{born:%Y%m%d}|{rng.choice('MF')}",
                f"O|1|S{done:%y%m%d}-{self._count:03d}||^^^HbA1c|R|{stamp(done - dt.timedelta(minutes=7))}|||||||||WB",
                f"R|1|^^^HbA1c^NGSP|{ngsp}|%|4.0-6.0|{'H' if ngsp > 6.0 else 'N'}||F||||{stamp(done)}",
                f"R|2|^^^HbA1c^IFCC|{ifcc}|mmol/mol|20-42|{'H' if ifcc > 42 else 'N'}||F||||{stamp(done)}",
                "L|1|N",
            ]
        )
        self._glitch = rng.choice(frames) if rng.random() < self._error_rate else None
        self._noise_at = rng.randrange(len(frames) + 2) if rng.random() < self._garbage_rate else -1
        self._writes = 0
        return frames

    def _wire(self, data: bytes) -> bytes:
        """What reaches the host: the link keeps the clean frame, so its retransmission can pass."""
        rng = self._rng
        if data == self._glitch:
            self._glitch = None
            if rng.random() < 0.5:
                bad = (int(data[-4:-2], 16) + rng.randint(1, 255)) & 0xFF
                data = data[:-4] + b"%02X" % bad + data[-2:]
            else:  # a printable byte always changes the sum
                at = rng.randint(2, len(data) - 5)
                data = data[:at] + bytes([rng.randint(0x20, 0x7E)]) + data[at:]
        if self._writes == self._noise_at:
            data = bytes(rng.choice(_NOISE) for _ in range(rng.randint(1, 8))) + data
        self._writes += 1
        return data
