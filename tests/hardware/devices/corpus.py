"""Feeding helpers for the protocol corpora: bytes whole, split at every position, byte by byte."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from hardware.devices.base import DeviceProtocol, DeviceSimulator, Event, Measurement, Rejected

Factory = Callable[[], DeviceProtocol]


def feed_chunks(protocol: DeviceProtocol, chunks: Iterable[bytes], now: float = 0.0) -> list[Event]:
    events: list[Event] = []
    for chunk in chunks:
        events += protocol.feed(chunk, now)
    return events


def feed_everywhere(make: Factory, data: bytes, now: float = 0.0) -> list[Event]:
    """The events of `data` fed whole, after checking that every two-piece split and byte-by-byte feeding
    give the same events (USB-serial adapters cut frames anywhere, DEVICES.md §2)."""
    whole = make().feed(data, now)
    for at in range(1, len(data)):
        split = feed_chunks(make(), (data[:at], data[at:]), now)
        assert split == whole, f"split at byte {at} of {data!r}"
    assert feed_chunks(make(), (data[i : i + 1] for i in range(len(data))), now) == whole, "byte by byte"
    return whole


def kinds(events: Iterable[Event]) -> list[str]:
    """Each event as a word: rejected, error (a device-reported failure), stable or live."""
    return [
        "rejected" if isinstance(e, Rejected) else "error" if e.error else "stable" if e.stable else "live"
        for e in events
        if isinstance(e, Rejected | Measurement)
    ]


def readings(events: Iterable[Event]) -> list[Measurement]:
    return [event for event in events if isinstance(event, Measurement)]


def rejected(events: Iterable[Event]) -> list[Rejected]:
    return [event for event in events if isinstance(event, Rejected)]


def run_simulator(
    simulator: DeviceSimulator, protocol: DeviceProtocol, until: float, start: float = 1000.0
) -> list[Event]:
    """Step the simulator whenever it asks, feeding its bytes at that time, until `until` seconds in."""
    events: list[Event] = []
    now = start
    while now < start + until:
        data, due = simulator.step(now, b"")
        assert due > now, "a simulator must ask to be stepped later than now"
        events += protocol.feed(data, now) + protocol.tick(now)
        now = due
    return events
