"""ASTM test helpers: the DEVICES.md sample, two links wired back to back, a host talking to the simulator."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from hardware.devices.astm import Astm, AstmSimulator
from hardware.devices.astm_frames import build_frames
from hardware.devices.astm_link import (
    AstmLink,
    LinkAbort,
    LinkDiscard,
    LinkEvent,
    LinkMessage,
    LinkSend,
    LinkSent,
)
from hardware.devices.base import Event, Reply

# DEVICES.md §2 `astm`, byte for byte.
SAMPLE_RECORDS = [
    "H|\\^&|||HbA1c-POCT^1.0^SN12345|||||||P|LIS2-A2|20240501093512",
    "P|1||P000123||^^||19650302|M",
    "O|1|S240501-007||^^^HbA1c|R|20240501092800|||||||||WB",
    "R|1|^^^HbA1c^NGSP|7.2|%|4.0-6.0|H||F||||20240501093500",
    "R|2|^^^HbA1c^IFCC|55|mmol/mol|20-42|H||F||||20240501093500",
    "L|1|N",
]
SAMPLE_FRAMES = [
    b"\x021H|\\^&|||HbA1c-POCT^1.0^SN12345|||||||P|LIS2-A2|20240501093512\r\x034E\r\n",
    b"\x022P|1||P000123||^^||19650302|M\r\x03BC\r\n",
    b"\x023O|1|S240501-007||^^^HbA1c|R|20240501092800|||||||||WB\r\x038F\r\n",
    b"\x024R|1|^^^HbA1c^NGSP|7.2|%|4.0-6.0|H||F||||20240501093500\r\x0322\r\n",
    b"\x025R|2|^^^HbA1c^IFCC|55|mmol/mol|20-42|H||F||||20240501093500\r\x037D\r\n",
    b"\x026L|1|N\r\x0309\r\n",
]
SESSION = b"\x05" + b"".join(SAMPLE_FRAMES) + b"\x04"

E = TypeVar("E", LinkMessage, LinkDiscard, LinkSent, LinkAbort)
Filter = Callable[[bytes], bytes | None]  # what the line does to one write (None: lost)


@dataclass
class Pair:
    """A host link and an instrument link on one line, with a fake clock and a log of everything."""

    host: AstmLink
    instrument: AstmLink
    to_host: Filter = lambda data: data
    to_instrument: Filter = lambda data: data
    now: float = 0.0
    wire: list[tuple[float, str, bytes]] = field(default_factory=list)  # (time, "h>i" | "i>h", bytes)
    events: list[tuple[float, str, LinkEvent]] = field(default_factory=list)  # non-send events by side

    def send(self, side: str, records: list[bytes]) -> None:
        link = self.host if side == "host" else self.instrument
        out = link.send(build_frames(records), self.now)
        self._pump(out if side == "host" else [], out if side != "host" else [])

    def send_both(self, host_records: list[bytes], instrument_records: list[bytes]) -> None:
        """Both ENQ at the same instant (contention)."""
        a = self.host.send(build_frames(host_records), self.now)
        b = self.instrument.send(build_frames(instrument_records), self.now)
        self._pump(a, b)

    def run(self, until: float, step: float = 0.5) -> None:
        while self.now < until:
            self.now = min(until, self.now + step)
            self._pump(self.host.tick(self.now), self.instrument.tick(self.now))

    def _pump(self, from_host: list[LinkEvent], from_instrument: list[LinkEvent]) -> None:
        while from_host or from_instrument:
            to_i = self._carry("host", "h>i", from_host, self.to_instrument)
            to_h = self._carry("instrument", "i>h", from_instrument, self.to_host)
            from_host = self.host.receive(to_h, self.now) if to_h else []
            from_instrument = self.instrument.receive(to_i, self.now) if to_i else []

    def _carry(self, side: str, direction: str, events: list[LinkEvent], line: Filter) -> bytes:
        data = bytearray()
        for event in events:
            if isinstance(event, LinkSend):
                self.wire.append((self.now, direction, event.data))
                data += line(event.data) or b""
            else:
                self.events.append((self.now, side, event))
        return bytes(data)

    def of(self, side: str, kind: type[E]) -> list[E]:
        return [e for _, s, e in self.events if s == side and isinstance(e, kind)]

    def sent(self, direction: str) -> list[bytes]:
        return [data for _, d, data in self.wire if d == direction]


def converse(
    host: Astm,
    sim: AstmSimulator,
    until: float,
    *,
    host_answers: bool = True,
    line: Callable[[bytes], bytes] = lambda data: data,
) -> tuple[list[Event], list[tuple[float, bytes]]]:
    """Step the simulator and the host on a fake clock (0.5-s ticks, at once after each reply); return the
    host's events and what the simulator wrote, with times. `line` is what the cable does to each write."""
    now, to_sim, events, written = 0.0, b"", [], []
    while now <= until:
        data, due = sim.step(now, to_sim)
        if data:
            written.append((now, data))
            data = line(data)
        got = (host.feed(data, now) if data else []) + host.tick(now)
        events += got
        to_sim = b"".join(e.data for e in got if isinstance(e, Reply)) if host_answers else b""
        if not to_sim:
            now = min(due, now + 0.5)
    return events, written
