"""SimPort: pyserial's read semantics, chunked delivery, prompt answers to writes, and no busy waiting."""

from __future__ import annotations

import threading
import time

import pytest

from hardware.devices.base import DeviceSimulator
from hardware.devices.port import PortError
from hardware.devices.simport import SimPort

FRAME = b"".join(b"V=%d\r\n" % n for n in range(40))  # 200+ bytes: enough to be cut many times


class OneFrameSim(DeviceSimulator):
    """Sends `frame` once, `delay` s after the first step; answers `ENQ` with ACK (06) at once."""

    def __init__(self, frame: bytes = b"", delay: float = 0.0) -> None:
        self.frame = frame
        self.delay = delay
        self.start: float | None = None
        self.steps = 0
        self.received = b""
        self.stepped = threading.Event()

    def step(self, now: float, received: bytes) -> tuple[bytes, float]:
        self.steps += 1
        self.received += received
        self.stepped.set()
        if self.start is None:
            self.start = now
        out = b"\x06" if b"ENQ" in received else b""
        if self.frame and now >= self.start + self.delay:
            out, self.frame = out + self.frame, b""
        return out, (self.start + self.delay if self.frame else now + 60)


def _read_all(port: SimPort, length: int) -> list[bytes]:
    chunks: list[bytes] = []
    while sum(map(len, chunks)) < length:
        chunk = port.read(1000)
        assert chunk, "timed out"
        chunks.append(chunk)
    return chunks


def test_read_waits_out_the_timeout_when_nothing_comes() -> None:
    port = SimPort(OneFrameSim(), timeout=0.2)
    started = time.monotonic()
    assert port.read(10) == b""
    assert 0.19 <= time.monotonic() - started < 1.0
    port.timeout = 0
    started = time.monotonic()
    assert port.read(10) == b""
    assert time.monotonic() - started < 0.05


def test_read_returns_as_soon_as_anything_is_there() -> None:
    port = SimPort(OneFrameSim(b"V=1\r\n", delay=0.05), timeout=5.0, max_chunk=100)
    started = time.monotonic()
    assert port.read(100) == b"V=1\r\n"  # fewer than asked for: returned at once, not after 5 s
    assert time.monotonic() - started < 0.5


def test_output_comes_in_seeded_random_chunks() -> None:
    def chunks(seed: int) -> list[bytes]:
        return _read_all(SimPort(OneFrameSim(FRAME), timeout=1.0, seed=seed, max_chunk=16), len(FRAME))

    first = chunks(3)
    assert b"".join(first) == FRAME
    assert len(first) > len(FRAME) // 16
    assert all(1 <= len(chunk) <= 16 for chunk in first)
    assert len({len(chunk) for chunk in first}) > 1
    assert chunks(3) == first  # the same seed replays the same cuts
    assert chunks(4) != first


def test_read_never_returns_more_than_asked_and_in_waiting_counts_the_rest() -> None:
    port = SimPort(OneFrameSim(FRAME), timeout=1.0, max_chunk=64)
    assert port.in_waiting == len(FRAME)
    got = port.read(3)
    assert len(got) == 3
    assert port.in_waiting == len(FRAME) - 3
    port.reset_input_buffer()
    assert port.in_waiting == 0


def test_a_write_wakes_a_blocked_read_with_the_answer() -> None:
    sim = OneFrameSim()
    port = SimPort(sim, timeout=5.0)
    answer: list[tuple[bytes, float]] = []
    reading = threading.Thread(target=lambda: answer.append((port.read(1), time.monotonic())))
    reading.start()
    # The read's first step ran under the port's lock, and write() needs that lock, so once `stepped` is
    # set the write below lands while the read sleeps: the device is quiet for 60 s after that step.
    assert sim.stepped.wait(2.0)
    written_at = time.monotonic()
    assert port.write(b"ENQ") == 3
    reading.join(timeout=2)
    [(data, read_at)] = answer
    assert data == b"\x06"
    assert read_at - written_at < 0.05
    assert sim.received == b"ENQ"


def test_a_blocked_read_sleeps_instead_of_stepping_in_a_loop() -> None:
    sim = OneFrameSim()
    port = SimPort(sim, timeout=0.3)
    assert port.read(1) == b""
    assert sim.steps <= 2  # the first step, then nothing is due for 60 s


def test_close_unblocks_a_pending_read() -> None:
    sim = OneFrameSim()
    port = SimPort(sim, timeout=10.0)
    outcome: list[BaseException] = []
    done = threading.Event()

    def read() -> None:
        try:
            port.read(1)
        except PortError as exc:
            outcome.append(exc)
        done.set()

    threading.Thread(target=read, daemon=True).start()
    assert sim.stepped.wait(2.0)  # in read(), and close() below waits for it to sleep (see above)
    started = time.monotonic()
    port.close()
    assert done.wait(1.0)
    assert time.monotonic() - started < 0.2
    assert "closed" in str(outcome[0])
    with pytest.raises(PortError, match="closed"):
        port.read(1)
    with pytest.raises(PortError, match="closed"):
        port.write(b"x")
    port.close()  # twice is fine


def test_cancel_read_returns_nothing_at_once() -> None:
    port = SimPort(OneFrameSim(), timeout=10.0)
    done = threading.Event()
    got: list[bytes] = []

    def read() -> None:
        got.append(port.read(1))
        done.set()

    threading.Thread(target=read, daemon=True).start()
    port.cancel_read()
    assert done.wait(1.0)
    assert got == [b""]


def test_a_failing_simulator_is_a_port_error() -> None:
    class Broken(DeviceSimulator):
        def step(self, now: float, received: bytes) -> tuple[bytes, float]:
            raise RuntimeError("flat battery")

    port = SimPort(Broken(), timeout=0.1, name="sim://bp")
    with pytest.raises(PortError, match=r"sim://bp: the simulator failed: RuntimeError\('flat battery'\)"):
        port.read(1)
