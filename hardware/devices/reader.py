"""`DeviceReader`: one daemon thread per device that keeps its port open, feeds the protocol and reports.

Devices push each record once, whoever listens, and never retransmit (DEVICES.md §2), so the reader's job
is to be listening: open the port, read with a short timeout, feed every byte to the protocol as soon as it
arrives, answer `Reply` events at once, and when the port dies (an unplugged adapter, a closed pty) close
it, report, back off and reopen by URL, so a replugged adapter behind a /dev/serial/by-id link is picked up.
Nothing that goes wrong inside the loop may end the thread: it is logged, counted in `health()`, retried.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import threading
import time
from collections.abc import Callable, Sequence
from datetime import datetime

import msgspec

from hardware.devices.base import (
    DeviceProtocol,
    DeviceSimulator,
    Event,
    LineSettings,
    Measurement,
    Rejected,
    Reply,
)
from hardware.devices.port import PORT_ERRORS, Port, PortError, open_port

log = logging.getLogger("onestop.devices")

READ_TIMEOUT = 0.25  # bounds how late stop() and protocol.tick() can be; data never waits for it
TICK_EVERY = 0.25  # the protocol asks for at least every 0.5 s
# A device that streams (an oximeter's 60 packets a second) is read in batches: after a burst that came
# within STREAM_GAP_S of the one before, the reader waits BATCH_S before reading again. That halves the
# wake-ups of a 60 Hz stream (its CPU on an old PC) and costs at most BATCH_S of latency, far inside the
# 100 ms a desk notices; the first frame of a device that sends now and then is never held back, nor is
# the next frame of a conversation we just answered (ASTM waits for our ACK).
STREAM_GAP_S = 0.1
BATCH_S = 0.05
_DRAIN_LIMIT = 64  # reads per burst, so a 60 Hz oximeter that never goes quiet still gets its ticks
_EMPTY_READS_LIMIT = 3  # reads returning nothing at once, in a row: the device is gone (see _serve)
_STABLE_SESSION = 5.0  # a connection that lasted this long (or delivered bytes) resets the backoff


class Status(msgspec.Struct, frozen=True, kw_only=True):
    """Sent on every connect and disconnect; `detail` says which port or why it was lost."""

    connected: bool
    detail: str


ReaderEvent = Measurement | Rejected | Status


class DeviceHealth(msgspec.Struct, frozen=True, kw_only=True):
    """A snapshot of one reader; `since` is when `connected` last changed, `last_seen` the last byte."""

    device_id: str
    url: str
    connected: bool
    since: datetime | None
    last_seen: datetime | None
    readings: int
    rejected: int
    errors: int  # open and read failures, and exceptions raised by the protocol or on_event
    reconnects: int
    last_error: str | None


class DeviceReader:
    """Reads one device on its own daemon thread; `on_event` is called from that thread."""

    def __init__(
        self,
        *,
        device_id: str,
        url: str,
        protocol: DeviceProtocol,
        line: LineSettings,
        on_event: Callable[[str, ReaderEvent], None],
        simulator: Callable[[], DeviceSimulator] | None,
        wall_clock: Callable[[], datetime],
        backoff: Sequence[float] = (0.5, 1, 2, 4, 8, 10),
    ) -> None:
        if not backoff:
            raise ValueError("backoff needs at least one delay")
        self.device_id = device_id
        self.url = url
        self._protocol = protocol
        self._line = line
        self._on_event = on_event
        self._simulator = simulator
        self._wall_clock = wall_clock
        self._backoff = tuple(backoff)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"device-{device_id}", daemon=True)
        self._lock = threading.Lock()  # guards everything below, read by health() and stop()
        self._port: Port | None = None
        self._connected = False
        self._since: datetime | None = None
        self._last_seen: datetime | None = None
        self._readings = self._rejected = self._errors = self._connects = 0
        self._last_error: str | None = None
        self._got_bytes = False  # in the current session; only the reader thread touches it
        self._replied = False  # the current burst made us answer the device (reader thread only)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        """Stop the thread and close the port; prompt even while a read or a backoff wait is pending."""
        self._stop.set()
        with self._lock:
            port = self._port
        # Only the reader thread closes its port (closing an fd under a blocked select is a race); a
        # pending read is cut short with cancel_read where the port has it (pyserial posix, SimPort),
        # and otherwise ends within READ_TIMEOUT.
        cancel = getattr(port, "cancel_read", None)
        if callable(cancel):
            with contextlib.suppress(Exception):
                cancel()
        if self._thread.is_alive():
            self._thread.join(timeout)
        if self._thread.is_alive():
            log.warning("%s: reader did not stop within %.1f s", self.device_id, timeout)

    def is_alive(self) -> bool:
        return self._thread.is_alive()

    def health(self) -> DeviceHealth:
        with self._lock:
            return DeviceHealth(
                device_id=self.device_id,
                url=self.url,
                connected=self._connected,
                since=self._since,
                last_seen=self._last_seen,
                readings=self._readings,
                rejected=self._rejected,
                errors=self._errors,
                reconnects=max(0, self._connects - 1),
                last_error=self._last_error,
            )

    def _run(self) -> None:
        failures = 0
        while not self._stop.is_set():
            try:
                worked = self._session()
            except Exception as exc:  # a bug here must cost a retry, not the device
                log.exception("%s: reader failed", self.device_id)
                self._fail(f"reader failed: {exc!r}")
                worked = False
            failures = 0 if worked else failures + 1
            # After a good connection and after the first failure: the shortest wait; then longer ones.
            self._stop.wait(self._backoff[min(max(failures - 1, 0), len(self._backoff) - 1)])

    def _session(self) -> bool:
        """Open, serve until stopped or lost, close. True if the connection was good for a while."""
        try:
            port = open_port(self.url, self._line, timeout=READ_TIMEOUT, simulator=self._simulator)
        except PortError as exc:
            self._fail(str(exc))
            return False
        with self._lock:
            self._port = port
        started = time.monotonic()
        self._got_bytes = False
        detail = "stopped"
        try:
            self._protocol.reset()
            self._set_connected(True, f"connected: {self.url}")
            self._serve(port)
        except PORT_ERRORS as exc:
            detail = f"lost: {exc}"
            self._fail(str(exc) if isinstance(exc, PortError) else f"{self.url}: {exc}")
        finally:
            with self._lock:
                self._port = None
                was_connected = self._connected
            with contextlib.suppress(Exception):  # the device may be gone already
                port.close()
            if was_connected:
                self._set_connected(False, detail)
        return self._got_bytes or time.monotonic() - started >= _STABLE_SESSION

    def _serve(self, port: Port) -> None:
        """Read until stopped; raises what a lost port raises."""
        last_tick = time.monotonic()
        burst_at = 0.0  # when the last burst of bytes was handled
        quick_empty = 0
        while not self._stop.is_set():
            asked = time.monotonic()
            # Ask for what is waiting (or one byte): read(n) only returns early once n bytes are there,
            # so asking for more would hold a complete frame back for the whole timeout.
            data = port.read(port.in_waiting or 1)
            if data:
                quick_empty = 0
                self._replied = False
                self._handle(port, data)
                for _ in range(_DRAIN_LIMIT):
                    waiting = port.in_waiting
                    if not waiting or self._stop.is_set() or not (data := port.read(waiting)):
                        break
                    self._handle(port, data)
                burst_at, last_burst = time.monotonic(), burst_at
                if burst_at - last_burst < STREAM_GAP_S and not self._replied:
                    self._stop.wait(BATCH_S)
            elif not self._stop.is_set() and time.monotonic() - asked < READ_TIMEOUT / 4:
                # pyserial raises on a vanished tty, but a port that returns b"" at once instead of
                # waiting out its timeout (some drivers after a hang-up) would spin forever: treat as lost.
                quick_empty += 1
                if quick_empty >= _EMPTY_READS_LIMIT:
                    raise PortError(f"{self.url}: reads return nothing without waiting: device gone")
            else:
                quick_empty = 0
            now = time.monotonic()
            if now - last_tick >= TICK_EVERY:
                last_tick = now
                self._dispatch(port, self._guarded(functools.partial(self._protocol.tick, now), "tick", b""))

    def _handle(self, port: Port, data: bytes) -> None:
        now = time.monotonic()
        seen = self._wall_clock()
        self._got_bytes = True
        with self._lock:
            self._last_seen = seen
        self._dispatch(port, self._guarded(functools.partial(self._protocol.feed, data, now), "feed", data))

    def _guarded(self, call: Callable[[], list[Event]], what: str, data: bytes) -> list[Event]:
        """The protocol promises never to raise; if it does anyway, its state is suspect: reset it."""
        try:
            return call()
        except Exception as exc:
            log.exception("%s: protocol %s raised on %s", self.device_id, what, data.hex(" ") or "-")
            self._fail(f"protocol {what} raised: {exc!r}")
            with contextlib.suppress(Exception):
                self._protocol.reset()
            return []

    def _dispatch(self, port: Port, events: list[Event]) -> None:
        # Answers first: an ASTM instrument waits for our ACK before the next frame.
        for event in events:
            if isinstance(event, Reply):
                port.write(event.data)
                self._replied = True
        for event in events:
            if isinstance(event, Measurement):
                with self._lock:
                    self._readings += 1
                self._emit(event)
            elif isinstance(event, Rejected):
                with self._lock:
                    self._rejected += 1
                log.warning("%s: rejected (%s): %s", self.device_id, event.reason, event.raw.hex(" "))
                self._emit(event)

    def _emit(self, event: ReaderEvent) -> None:
        try:
            self._on_event(self.device_id, event)
        except Exception as exc:
            log.exception("%s: on_event raised", self.device_id)
            self._fail(f"on_event raised: {exc!r}")

    def _set_connected(self, connected: bool, detail: str) -> None:
        now = self._wall_clock()
        with self._lock:
            self._connected = connected
            self._since = now
            self._connects += connected
        log.info("%s: %s", self.device_id, detail)
        self._emit(Status(connected=connected, detail=detail))

    def _fail(self, message: str) -> None:
        with self._lock:
            repeated = message == self._last_error
            self._errors += 1
            self._last_error = message
        # An adapter left unplugged all day fails every 10 s: say so once, then quietly.
        log.log(logging.DEBUG if repeated else logging.WARNING, "%s: %s", self.device_id, message)
