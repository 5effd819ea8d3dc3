"""`SimPort`: a `Port` whose far end is a `DeviceSimulator`, for `sim://` URLs, demos and tests.

It behaves like pyserial where a reader can tell the difference: `read(n)` blocks up to `timeout` and
returns as soon as anything is there (at most n bytes), the device's output arrives in random-sized chunks
(seeded, so a failing test replays) because USB-serial adapters cut frames anywhere (DEVICES.md §2), and a
closed port raises. There is no thread: the simulator is stepped, under the port's lock, by whichever call
(read, in_waiting) finds it due or finds host bytes waiting for it. A blocked read sleeps on a Condition
until the simulator's next due time, a write, or close(): old PCs run the API, so no polling loops.
"""

from __future__ import annotations

import random
import threading
import time
from collections import deque

from hardware.devices.base import DeviceSimulator
from hardware.devices.port import PortError

# A simulator that asks to be stepped again "now" must not turn a blocked read into a busy loop.
_MIN_STEP = 0.001


class SimPort:
    """A simulated serial port (see the module docstring). Thread-safe: one reader, any writers."""

    def __init__(
        self,
        simulator: DeviceSimulator,
        *,
        timeout: float | None,
        seed: int = 0,
        max_chunk: int = 24,
        name: str = "sim://",
    ) -> None:
        self.name = name
        self._sim = simulator
        self._timeout = timeout
        self._rng = random.Random(seed)
        self._max_chunk = max(1, max_chunk)
        self._cond = threading.Condition()
        self._chunks: deque[bytes] = deque()
        self._buffered = 0
        self._from_host = bytearray()  # written by the host, not yet given to the simulator
        self._due = float("-inf")  # step at the first read: a device may speak as soon as we listen
        self._closed = False
        self._cancelled = False

    @property
    def timeout(self) -> float | None:
        return self._timeout

    @timeout.setter
    def timeout(self, value: float | None) -> None:
        with self._cond:
            self._timeout = value
            self._cond.notify_all()

    @property
    def in_waiting(self) -> int:
        with self._cond:
            self._check_open()
            self._pump()
            return self._buffered

    def read(self, size: int = 1, /) -> bytes:
        """Up to `size` bytes (one chunk at most); b"" after `timeout` or `cancel_read()`."""
        if size <= 0:
            return b""
        with self._cond:
            deadline = None if self._timeout is None else time.monotonic() + self._timeout
            while True:
                self._check_open()
                if self._cancelled:
                    self._cancelled = False
                    return b""
                self._pump()
                if self._chunks:
                    return self._take(size)
                now = time.monotonic()
                wait = self._due - now
                if deadline is not None:
                    if deadline <= now:
                        return b""
                    wait = min(wait, deadline - now)
                self._cond.wait(max(wait, 0.0))

    def write(self, data: bytes, /) -> int:
        with self._cond:
            self._check_open()
            self._from_host += data
            # Wake a blocked read: it steps the simulator at once, so a request/response device (ASTM
            # ENQ → ACK) sees the host's answer now, not at its next due time.
            self._cond.notify_all()
        return len(data)

    def reset_input_buffer(self) -> None:
        with self._cond:
            self._chunks.clear()
            self._buffered = 0

    def cancel_read(self) -> None:
        """Make a pending (or the next) read return b"" at once, like pyserial's posix `cancel_read`."""
        with self._cond:
            self._cancelled = True
            self._cond.notify_all()

    def close(self) -> None:
        """Close the port; a read blocked in another thread wakes and raises `PortError`."""
        with self._cond:
            self._closed = True
            self._chunks.clear()
            self._buffered = 0
            self._cond.notify_all()

    def _check_open(self) -> None:
        if self._closed:
            raise PortError(f"{self.name}: port closed")

    def _pump(self) -> None:
        """Step the simulator if it is due or the host has sent something (lock held)."""
        now = time.monotonic()
        if not self._from_host and now < self._due:
            return
        received, self._from_host = bytes(self._from_host), bytearray()
        try:
            out, due = self._sim.step(now, received)
        except Exception as exc:
            # To the reader a broken simulator is a broken device: it reconnects and a fresh one starts.
            raise PortError(f"{self.name}: the simulator failed: {exc!r}") from exc
        self._due = max(due, now + _MIN_STEP)
        while out:
            size = self._rng.randint(1, self._max_chunk)
            self._chunks.append(out[:size])
            self._buffered += min(size, len(out))
            out = out[size:]

    def _take(self, size: int) -> bytes:
        chunk = self._chunks.popleft()
        if len(chunk) > size:
            self._chunks.appendleft(chunk[size:])
            chunk = chunk[:size]
        self._buffered -= len(chunk)
        return chunk
