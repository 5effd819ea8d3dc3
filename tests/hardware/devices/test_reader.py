"""DeviceReader on a real pseudo-terminal: split frames, replies, unplug and replug, stop, faults, health."""

from __future__ import annotations

import itertools
import logging
import random
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

import pytest

from hardware.devices import reader as reader_module
from hardware.devices.base import (
    DeviceProtocol,
    DeviceSimulator,
    Event,
    LineSettings,
    Measurement,
    Rejected,
    Reply,
)
from hardware.devices.port import Port, open_port
from hardware.devices.reader import DeviceReader, ReaderEvent, Status
from tests.support.pty_device import PtyDevice

DEVICE_ID = "bp-1"
T0 = datetime(2024, 5, 1, 9, 30, tzinfo=UTC)
E = TypeVar("E")


class LineProtocol(DeviceProtocol):
    """`V=<number>` lines are readings, `ENQ` is answered with `ACK`, `BOOM` raises (a protocol bug the
    reader must survive), anything else is rejected."""

    name = "test-line"

    def __init__(self) -> None:
        self._buffer = b""
        self.ticks: list[float] = []

    def feed(self, data: bytes, now: float) -> list[Event]:
        self._buffer += data
        events: list[Event] = []
        while b"\n" in self._buffer:
            line, _, self._buffer = self._buffer.partition(b"\n")
            raw = line + b"\n"
            if line == b"BOOM":
                raise RuntimeError("boom")
            if line == b"ENQ":
                events.append(Reply(data=b"ACK\n"))
            elif line.startswith(b"V=") and line[2:].replace(b".", b"", 1).isdigit():
                events.append(Measurement(values={"value": float(line[2:])}, raw=raw))
            else:
                events.append(Rejected(raw=raw, reason="not a V= line"))
        return events

    def tick(self, now: float) -> list[Event]:
        self.ticks.append(now)
        return []

    def reset(self) -> None:
        self._buffer = b""


class Sink:
    """The reader's on_event: records (arrival time, event) and lets tests wait for them."""

    def __init__(self) -> None:
        self.events: list[tuple[float, ReaderEvent]] = []
        self._cond = threading.Condition()

    def __call__(self, device_id: str, event: ReaderEvent) -> None:
        assert device_id == DEVICE_ID
        with self._cond:
            self.events.append((time.monotonic(), event))
            self._cond.notify_all()

    def of_type(self, kind: type[E]) -> list[E]:
        with self._cond:
            return [event for _, event in self.events if isinstance(event, kind)]

    def values(self) -> list[float]:
        return [m.values["value"] for m in self.of_type(Measurement)]

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:
        with self._cond:
            assert self._cond.wait_for(predicate, timeout), self.events

    def wait_values(self, count: int) -> list[float]:
        self.wait_for(lambda: len(self.values()) >= count)
        return self.values()

    def wait_statuses(self, count: int) -> list[Status]:
        self.wait_for(lambda: len(self.of_type(Status)) >= count)
        return self.of_type(Status)


class WallClock:
    def __init__(self) -> None:
        self.value = T0

    def __call__(self) -> datetime:
        return self.value


def wait_until(predicate: Callable[[], bool], timeout: float = 5.0) -> None:
    """For health() counters, which have no event to wait on."""
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.01)


def make_reader(
    url: str,
    sink: Callable[[str, ReaderEvent], None],
    *,
    protocol: DeviceProtocol | None = None,
    simulator: Callable[[], DeviceSimulator] | None = None,
    clock: Callable[[], datetime] | None = None,
    backoff: tuple[float, ...] = (0.05, 0.1),
) -> DeviceReader:
    return DeviceReader(
        device_id=DEVICE_ID,
        url=url,
        protocol=protocol or LineProtocol(),
        line=LineSettings(),
        on_event=sink,
        simulator=simulator,
        wall_clock=clock or WallClock(),
        backoff=backoff,
    )


def split_randomly(data: bytes, rng: random.Random) -> list[bytes]:
    cuts = sorted(rng.sample(range(1, len(data)), k=len(data) // 3))
    return [data[a:b] for a, b in zip([0, *cuts], [*cuts, len(data)], strict=True)]


@pytest.fixture
def device(tmp_path: Path) -> Iterator[PtyDevice]:
    pty = PtyDevice(tmp_path)
    yield pty
    pty.close()


@pytest.fixture
def sink() -> Sink:
    return Sink()


@pytest.fixture
def protocol() -> LineProtocol:
    return LineProtocol()


@pytest.fixture
def clock() -> WallClock:
    return WallClock()


@pytest.fixture
def reader(device: PtyDevice, sink: Sink, protocol: LineProtocol, clock: WallClock) -> Iterator[DeviceReader]:
    """A started reader, connected: devices push whoever listens, so tests send only after this."""
    started = make_reader(device.url, sink, protocol=protocol, clock=clock)
    started.start()
    assert sink.wait_statuses(1)[0].connected
    yield started
    started.stop()


def test_frames_cut_anywhere_arrive_whole(reader: DeviceReader, device: PtyDevice, sink: Sink) -> None:
    frames = b"".join(b"V=%d.5\r\n" % n for n in range(20)).replace(b"\r", b"")
    device.send(*split_randomly(frames, random.Random(5)), gap=0.002)
    assert sink.wait_values(20) == [n + 0.5 for n in range(20)]
    device.send(b"V=1\nV=2\nV=", b"3\n")  # glued frames and a split one
    assert sink.wait_values(23)[20:] == [1.0, 2.0, 3.0]


def test_replies_reach_the_device(reader: DeviceReader, device: PtyDevice) -> None:
    device.send(b"EN", b"Q\n", gap=0.01)
    assert device.wait_received(b"ACK\n") == b"ACK\n"


def test_unplug_and_replug(reader: DeviceReader, device: PtyDevice, sink: Sink) -> None:
    device.send(b"V=1\n")
    sink.wait_values(1)
    device.unplug()
    lost = sink.wait_statuses(2)[1]
    assert not lost.connected
    assert lost.detail.startswith("lost: ")
    wait_until(lambda: reader.health().errors >= 2)  # the read failure, then reopening a dangling link
    health = reader.health()
    assert (health.connected, health.reconnects) == (False, 0)
    assert health.last_error is not None
    assert device.url in health.last_error

    device.plug()  # a new /dev/pts/N behind the same link
    assert sink.wait_statuses(3)[2] == Status(connected=True, detail=f"connected: {device.url}")
    assert reader.health().reconnects == 1
    frames = b"".join(b"V=%d\n" % n for n in range(2, 12))
    device.send(*split_randomly(frames, random.Random(7)), gap=0.002)
    assert sink.wait_values(11) == [float(n) for n in range(1, 12)]


def test_stop_is_prompt_while_blocked_in_a_read(reader: DeviceReader, device: PtyDevice, sink: Sink) -> None:
    started = time.monotonic()
    reader.stop()
    assert time.monotonic() - started < 1.0
    assert not reader.is_alive()
    assert sink.of_type(Status)[-1] == Status(connected=False, detail="stopped")
    assert not reader.health().connected
    open_port(device.url, LineSettings(), timeout=0.1).close()  # the port was closed, its lock released


def test_stop_is_prompt_while_backing_off(tmp_path: Path, sink: Sink) -> None:
    absent = make_reader(str(tmp_path / "ttyUSB7"), sink, backoff=(30.0,))
    absent.start()
    wait_until(lambda: absent.health().errors >= 1)
    started = time.monotonic()
    absent.stop()
    assert time.monotonic() - started < 1.0
    assert not absent.is_alive()
    health = absent.health()
    assert (health.connected, health.since, health.errors) == (False, None, 1)
    assert health.last_error is not None
    assert "no such device" in health.last_error
    assert sink.events == []  # never connected, so no Status either


def test_a_protocol_exception_is_counted_and_survived(
    reader: DeviceReader, device: PtyDevice, sink: Sink, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="onestop.devices")
    device.send(b"BOOM\n")
    wait_until(lambda: reader.health().errors == 1)
    assert "RuntimeError('boom')" in (reader.health().last_error or "")
    assert any("protocol feed raised" in r.getMessage() for r in caplog.records)
    device.send(b"V=3\n")
    assert sink.wait_values(1) == [3.0]
    health = reader.health()
    assert (health.connected, health.reconnects, health.errors) == (True, 0, 1)
    assert reader.is_alive()


def test_health_and_rejected_frames(
    reader: DeviceReader, device: PtyDevice, sink: Sink, clock: WallClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="onestop.devices")
    clock.value = T0 + timedelta(minutes=5)
    device.send(b"V=1\njunk\nV=2\n")
    sink.wait_values(2)
    assert [r.raw for r in sink.of_type(Rejected)] == [b"junk\n"]
    assert any("6a 75 6e 6b 0a" in r.getMessage() for r in caplog.records)  # the bytes, in hex
    assert reader.health() == reader_module.DeviceHealth(
        device_id=DEVICE_ID,
        url=device.url,
        connected=True,
        since=T0,
        last_seen=T0 + timedelta(minutes=5),
        readings=2,
        rejected=1,
        errors=0,
        reconnects=0,
        last_error=None,
    )


def test_ticks_keep_coming_on_a_quiet_line(reader: DeviceReader, protocol: LineProtocol) -> None:
    wait_until(lambda: len(protocol.ticks) >= 3)
    assert all(b - a <= 0.5 for a, b in itertools.pairwise(protocol.ticks[:3]))


def test_latency_from_last_byte_to_event(reader: DeviceReader, device: PtyDevice, sink: Sink) -> None:
    latencies = []
    for n in range(5):
        device.send(b"V=%d" % n, b"\n", gap=0.03).wait(2.0)  # the last byte comes after a pause
        sink.wait_values(n + 1)
        latencies.append(sink.events[-1][0] - device.last_write_at)
    assert max(latencies) < 0.1, latencies


class _GonePort:
    """A port that, like some drivers after a hang-up, returns b"" at once forever instead of raising."""

    def __init__(self) -> None:
        self.timeout: float | None = 0.25
        self.in_waiting = 0
        self.closed = threading.Event()

    def read(self, size: int = 1, /) -> bytes:
        return b""

    def write(self, data: bytes, /) -> int:
        return len(data)

    def reset_input_buffer(self) -> None:
        pass

    def close(self) -> None:
        self.closed.set()


def test_an_endless_empty_read_counts_as_unplugged(monkeypatch: pytest.MonkeyPatch, sink: Sink) -> None:
    port = _GonePort()

    def fake_open(*args: object, **kwargs: object) -> Port:
        return port

    monkeypatch.setattr(reader_module, "open_port", fake_open)
    gone = make_reader("/dev/ttyUSB0", sink, backoff=(30.0,))
    gone.start()
    try:
        lost = sink.wait_statuses(2)[1]
        assert not lost.connected
        assert "device gone" in lost.detail
        assert port.closed.wait(1.0)
    finally:
        gone.stop()


class _EnqSim(DeviceSimulator):
    """Says ENQ until it hears ACK, then sends one reading every 20 ms."""

    def __init__(self) -> None:
        self.acked = False

    def step(self, now: float, received: bytes) -> tuple[bytes, float]:
        self.acked = self.acked or b"ACK" in received
        return (b"V=5.5\n" if self.acked else b"ENQ\n"), now + (0.02 if self.acked else 1.0)


def test_a_simulated_device_over_sim_url(sink: Sink) -> None:
    def on_event(device_id: str, event: ReaderEvent) -> None:
        sink(device_id, event)
        if isinstance(event, Measurement) and len(sink.values()) == 1:
            raise RuntimeError("a consumer bug")  # must not cost the next reading

    sim = make_reader("sim://test", on_event, simulator=_EnqSim)
    sim.start()
    try:
        assert sink.wait_values(2) == [5.5, 5.5]  # the ACK went back at once: no 1 s ENQ retry needed
        assert sink.events[1][0] - sink.events[0][0] < 0.5
        health = sim.health()
        assert health.errors == 1
        assert "a consumer bug" in (health.last_error or "")
    finally:
        sim.stop()
