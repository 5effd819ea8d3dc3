"""serial:// over a real pseudo-terminal: the test plays the printer on the master side of the pty.

The transport opens the slave's /dev/pts/N path through pyserial exactly as it would open /dev/ttyUSB0;
closing the master is the closest thing to pulling the USB-serial adapter out.
"""

from __future__ import annotations

import os
import select
import threading
import time
import tty
from collections.abc import Iterator

import pytest

from hardware.printer.errors import PrinterError, PrinterState
from hardware.printer.transport import open_transport
from tests.support.fake_printer import QUERY, answer_for, strip_queries

S = PrinterState
TIMEOUT = 0.5


class PtyPrinter:
    """A printer on the master side of a pty: records bytes, answers DLE EOT per `mode`, and can be
    "unplugged" (master closed) after `unplug_after` bytes."""

    def __init__(self) -> None:
        self.master, self._slave = os.openpty()
        tty.setraw(self._slave)  # no echo or line editing before pyserial configures the port itself
        self.path = os.ttyname(self._slave)
        self.mode = "ok"
        self.unplug_after: int | None = None
        self._received = bytearray()
        self._lock = threading.Condition()
        self._stop = threading.Event()
        self._unplugged = threading.Event()
        self._thread = threading.Thread(target=self._run, name="pty-printer", daemon=True)

    def __enter__(self) -> PtyPrinter:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        assert not self._thread.is_alive()
        self.unplug()
        os.close(self._slave)

    @property
    def received(self) -> bytes:
        with self._lock:
            return bytes(self._received)

    def wait_for_data(self, length: int, timeout_s: float = 2.0) -> bytes:
        with self._lock:
            assert self._lock.wait_for(lambda: len(strip_queries(bytes(self._received))) >= length, timeout_s)
            return strip_queries(bytes(self._received))

    def wait_unplugged(self, timeout_s: float = 2.0) -> None:
        assert self._unplugged.wait(timeout_s)

    def unplug(self) -> None:
        if not self._unplugged.is_set():
            self._unplugged.set()
            os.close(self.master)

    def _run(self) -> None:
        tail = b""
        while not self._stop.is_set() and not self._unplugged.is_set():
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if not ready:
                continue
            try:
                data = os.read(self.master, 4096)
            except OSError:  # EIO: no process has the slave open right now
                time.sleep(0.01)
                continue
            with self._lock:
                if self.unplug_after is not None and len(self._received) + len(data) >= self.unplug_after:
                    self._received += data[: self.unplug_after - len(self._received)]
                    self._lock.notify_all()
                    self.unplug()
                    return
                self._received += data
                self._lock.notify_all()
            scan = tail + data
            answers = bytes(
                a
                for m in QUERY.finditer(scan)
                if m.end() > len(tail) and (a := answer_for(self.mode, m[1][0])) is not None
            )
            tail = scan[-2:]
            if answers:
                os.write(self.master, answers)


@pytest.fixture
def printer() -> Iterator[PtyPrinter]:
    with PtyPrinter() as p:
        yield p


@pytest.mark.parametrize(
    ("mode", "state"),
    [
        ("ok", S.READY),
        ("near_end", S.PAPER_NEAR_END),
        ("paper_out", S.PAPER_OUT),
        ("cover_open", S.COVER_OPEN),
    ],
)
def test_status(printer: PtyPrinter, mode: str, state: PrinterState) -> None:
    printer.mode = mode
    transport = open_transport(f"serial://{printer.path}?baudrate=9600", timeout_s=TIMEOUT)
    try:
        assert transport.status().state is state
    finally:
        transport.close()
    assert printer.received == b"\x10\x04\x01\x10\x04\x02\x10\x04\x04"


def test_a_silent_printer_is_no_answer_within_the_timeout(printer: PtyPrinter) -> None:
    printer.mode = "no_answer"
    transport = open_transport(f"serial://{printer.path}", timeout_s=TIMEOUT)
    started = time.monotonic()
    status = transport.status()
    assert time.monotonic() - started < 1.5
    assert status.state is S.NO_ANSWER
    printer.mode = "ok"
    assert transport.status().state is S.READY  # reopened
    transport.close()


def test_send_delivers_the_exact_bytes_and_keeps_the_port_open(printer: PtyPrinter) -> None:
    transport = open_transport(f"serial://{printer.path}?baudrate=115200&rtscts=0", timeout_s=TIMEOUT)
    job = b"\x1b@\x1c&" + "B012 慢病随访\n".encode("gbk") + bytes(range(0x20, 0x100)) + b"\x1dV\x01"
    assert transport.status().state is S.READY
    transport.send(job)
    transport.send(job)
    assert printer.wait_for_data(2 * len(job)) == job + job
    transport.close()


def test_the_port_is_opened_exclusively(printer: PtyPrinter) -> None:
    first = open_transport(f"serial://{printer.path}", timeout_s=TIMEOUT)
    second = open_transport(f"serial://{printer.path}", timeout_s=TIMEOUT)
    try:
        assert first.status().state is S.READY
        status = second.status()
        assert status.state is S.REFUSED
        assert "busy: another program" in status.reason  # flock refused: named as busy
    finally:
        first.close()
        second.close()


def test_an_absent_device_is_refused() -> None:
    transport = open_transport("serial:///dev/ttyUSB-onestop-absent?baudrate=9600", timeout_s=TIMEOUT)
    status = transport.status()
    assert status.state is S.REFUSED
    assert "/dev/ttyUSB-onestop-absent" in status.reason
    with pytest.raises(PrinterError) as caught:
        transport.send(b"\x1b@")
    assert caught.value.state is S.REFUSED


def test_unplugged_mid_job_is_an_error_not_a_hang(printer: PtyPrinter) -> None:
    printer.unplug_after = 1000
    transport = open_transport(f"serial://{printer.path}", timeout_s=TIMEOUT)
    started = time.monotonic()
    with pytest.raises(PrinterError) as caught:
        transport.send(b"y" * 200_000)
    assert time.monotonic() - started < 2 * TIMEOUT + 1
    assert caught.value.state is S.DISCONNECTED  # EIO on the next write
    assert "mid-job" in caught.value.message
    printer.wait_unplugged()
    status = transport.status()  # the adapter is gone: its device path with it
    assert status.state is S.REFUSED
    assert "no such device" in status.reason
    transport.close()


def test_unplugged_while_idle_is_noticed_by_status(printer: PtyPrinter) -> None:
    transport = open_transport(f"serial://{printer.path}", timeout_s=TIMEOUT)
    assert transport.status().state is S.READY
    printer.unplug()
    started = time.monotonic()
    status = transport.status()
    assert time.monotonic() - started < 2 * TIMEOUT + 1
    assert status.state is S.REFUSED  # the dead port is dropped and cannot be reopened
    transport.close()


def test_loop_url_echo_is_garbled_not_an_answer() -> None:
    # pyserial's loop:// sends every byte back: the "answer" to 10 04 01 is 0x10, which breaks the fixed
    # bits of a status byte, so it must not be read as a printer state.
    transport = open_transport("serial://loop://", timeout_s=TIMEOUT)
    status = transport.status()
    assert status.state is S.NO_ANSWER
    assert status.detail == "打印机应答无法识别"
    assert status.printer == 0x10
    transport.send(b"\x1b@")  # sending works: loop:// swallows it
    transport.close()
