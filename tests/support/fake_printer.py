"""A fake ESC/POS network printer for tests: a real TCP server on loopback that records bytes and answers DLE EOT.

    with FakePrinter() as printer:
        transport = open_transport(printer.url, timeout_s=0.5)
        printer.set_mode("paper_out")
        assert transport.status().state is PrinterState.PAPER_OUT

Answers (one byte per `10 04 n`, in real time, wherever the query sits in the stream — DEVICES.md §1): every
byte has the fixed bits of the ESC/POS reference (bit 1 and bit 4 set, bits 0 and 7 clear: base 0x12, as in
the Epson TM-U220 and Bixolon SRP-350 manuals' DLE EOT tables); a fault sets the offline bit 0x08 of n=1 as
a real printer does when it stops. n=4 values match python-escpos 3.1's own masks (escpos/constants.py:
RT_MASK_PAPER 0x12, RT_MASK_LOWPAPER 0x1E, RT_MASK_NOPAPER 0x72).

    mode        n=1   n=2   n=3   n=4
    ok          12    12    12    12
    near_end    12    12    12    1E    still online: near end is a warning
    paper_out   1A    32    12    72    offline, stopped by paper end
    cover_open  1A    16    12    12
    offline     1A    12    12    12    offline with no cause named
    error       1A    52    1A    12    n=2 error bit; n=3 autocutter error
    garbled     00    00    00    00    not a status byte (fixed bits broken)

Other modes: "no_answer" records but never answers; "refuse" closes the listening socket (and every open
connection, like switching the printer off) so connections are refused — leaving it listens again on the
same port; "close_mid_job" resets the connection after K more non-status bytes (`close_after`), then goes
back to "ok" when `once` is true.
"""

from __future__ import annotations

import collections.abc
import queue
import re
import selectors
import socket
import struct
import threading
from typing import Literal, Self

Mode = Literal[
    "ok",
    "near_end",
    "paper_out",
    "cover_open",
    "offline",
    "error",
    "garbled",
    "no_answer",
    "refuse",
    "close_mid_job",
]

ANSWERS: dict[str, tuple[int, int, int, int]] = {
    "ok": (0x12, 0x12, 0x12, 0x12),
    "near_end": (0x12, 0x12, 0x12, 0x1E),
    "paper_out": (0x1A, 0x32, 0x12, 0x72),
    "cover_open": (0x1A, 0x16, 0x12, 0x12),
    "offline": (0x1A, 0x12, 0x12, 0x12),
    "error": (0x1A, 0x52, 0x1A, 0x12),
    "garbled": (0x00, 0x00, 0x00, 0x00),
    "close_mid_job": (0x12, 0x12, 0x12, 0x12),
}

QUERY = re.compile(rb"\x10\x04([\x01-\x04])")


def answer_for(mode: str, n: int) -> int | None:
    """The byte a printer in `mode` answers to DLE EOT n, or None if it stays silent."""
    answers = ANSWERS.get(mode)
    return None if answers is None else answers[n - 1]


def strip_queries(data: bytes) -> bytes:
    """`data` without its DLE EOT queries (a query inside raster data would be stripped too, as a real printer
    would have taken it for one)."""
    return QUERY.sub(b"", data)


class _Conn:
    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.record = bytearray()
        self.tail = b""  # the last bytes of the previous chunk that may start a query split across chunks


class FakePrinter:
    """The server runs one selector loop in a background thread; the test thread changes it only through
    `set_mode`, which waits until the loop has applied the change."""

    def __init__(self, *, rcvbuf: int = 4096) -> None:
        self._lock = threading.Condition()
        self._mode: Mode = "ok"
        self._close_after = 0
        self._once = True
        self._counted = 0
        self._received = bytearray()
        self._records: list[bytearray] = []
        self._rcvbuf = rcvbuf  # small, so a big job cannot vanish into kernel buffers before a mid-job reset
        self._listener: socket.socket | None = self._listen(0)
        self.port: int = self._listener.getsockname()[1]
        self.url = f"tcp://127.0.0.1:{self.port}"
        self._selector = selectors.DefaultSelector()
        self._wake_r, self._wake_w = socket.socketpair()
        self._commands: queue.SimpleQueue[tuple[collections.abc.Callable[[], None], threading.Event]] = (
            queue.SimpleQueue()
        )
        self._conns: dict[socket.socket, _Conn] = {}
        self._stopping = False
        self._failure: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=f"fake-printer-{self.port}", daemon=True)

    # --- test-facing API --------------------------------------------------------------------------------

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stopping = True
        self._wake_w.send(b"x")
        self._thread.join(timeout=5)
        for conn in list(self._conns.values()):
            conn.sock.close()
        if self._listener is not None:
            self._listener.close()
        self._selector.close()
        self._wake_r.close()
        self._wake_w.close()
        if self._thread.is_alive():
            raise RuntimeError("fake printer thread did not stop")
        if self._failure is not None:
            raise RuntimeError("fake printer loop failed") from self._failure

    @property
    def mode(self) -> Mode:
        with self._lock:
            return self._mode

    def set_mode(self, mode: Mode, *, close_after: int = 0, once: bool = True) -> None:
        """Switch mode; returns once the loop has applied it (e.g. "refuse": the port is closed)."""
        if mode not in (*ANSWERS, "no_answer", "refuse"):
            raise ValueError(f"unknown fake printer mode {mode!r}")

        def apply() -> None:
            with self._lock:
                self._mode = mode
                self._close_after = close_after
                self._once = once
                self._counted = 0
            if mode == "refuse":
                self._power_off()
            elif self._listener is None:
                self._listener = self._listen(self.port)
                self._selector.register(self._listener, selectors.EVENT_READ, "listen")

        done = threading.Event()
        self._commands.put((apply, done))
        self._wake_w.send(b"x")
        if not done.wait(timeout=5):
            raise RuntimeError(f"fake printer did not switch to {mode!r}")

    @property
    def received(self) -> bytes:
        """Every byte received, from every connection, status queries included."""
        with self._lock:
            return bytes(self._received)

    @property
    def connections(self) -> list[bytes]:
        """The bytes received on each connection, in the order the connections were accepted."""
        with self._lock:
            return [bytes(r) for r in self._records]

    def data_without_queries(self) -> bytes:
        """Every byte received with the DLE EOT queries taken out: the jobs as a printer would print them."""
        return strip_queries(self.received)

    def wait_for_data(self, length: int, *, timeout_s: float = 2.0) -> bytes:
        """`data_without_queries()` once it holds at least `length` bytes (the loop may lag a send)."""
        with self._lock:
            if not self._lock.wait_for(
                lambda: len(strip_queries(bytes(self._received))) >= length, timeout_s
            ):
                got = len(strip_queries(bytes(self._received)))
                raise TimeoutError(f"fake printer got {got} bytes without queries, expected {length}")
            return strip_queries(bytes(self._received))

    # --- the loop ---------------------------------------------------------------------------------------

    def _listen(self, port: int) -> socket.socket:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # listen again on the same port at once
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, self._rcvbuf)  # inherited by accepted sockets
        sock.bind(("127.0.0.1", port))
        sock.listen(8)
        sock.setblocking(False)
        return sock

    def _run(self) -> None:
        try:
            self._selector.register(self._wake_r, selectors.EVENT_READ, "wake")
            if self._listener is not None:
                self._selector.register(self._listener, selectors.EVENT_READ, "listen")
            while not self._stopping:
                for key, _ in self._selector.select(timeout=1.0):
                    if key.data == "wake":
                        self._wake_r.recv(1024)
                        self._run_commands()
                    elif key.data == "listen":
                        self._accept()
                    elif key.data.sock in self._conns:  # not dropped earlier in this round
                        self._serve(key.data)
        except BaseException as exc:  # surfaced by __exit__ so a broken fake fails the test
            self._failure = exc
            for _, done in self._drain_commands():
                done.set()

    def _drain_commands(self) -> list[tuple[collections.abc.Callable[[], None], threading.Event]]:
        items = []
        while True:
            try:
                items.append(self._commands.get_nowait())
            except queue.Empty:
                return items

    def _run_commands(self) -> None:
        for command, done in self._drain_commands():
            command()
            done.set()

    def _accept(self) -> None:
        assert self._listener is not None
        try:
            sock, _ = self._listener.accept()
        except BlockingIOError:
            return
        sock.setblocking(True)
        sock.settimeout(1.0)
        conn = _Conn(sock)
        with self._lock:
            self._records.append(conn.record)
        self._conns[sock] = conn
        self._selector.register(sock, selectors.EVENT_READ, conn)

    def _drop(self, conn: _Conn, *, reset: bool) -> None:
        self._selector.unregister(conn.sock)
        del self._conns[conn.sock]
        if reset:  # SO_LINGER 0: close with RST, as a printer that dies mid-job; the sender sees it at once
            conn.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        conn.sock.close()

    def _power_off(self) -> None:
        if self._listener is not None:
            self._selector.unregister(self._listener)
            self._listener.close()
            self._listener = None
        for conn in list(self._conns.values()):
            self._drop(conn, reset=True)

    def _serve(self, conn: _Conn) -> None:
        try:
            data = conn.sock.recv(65536)
        except OSError:
            data = b""
        if not data:
            self._drop(conn, reset=False)
            return
        with self._lock:
            mode = self._mode
            scan = conn.tail + data
            queries = [int(m[1][0]) for m in QUERY.finditer(scan) if m.end() > len(conn.tail)]
            cut: int | None = None
            if mode == "close_mid_job":
                payload = max(0, len(data) - 3 * len(queries))
                if self._counted + payload >= self._close_after:
                    cut = max(0, self._close_after - self._counted)
                    data = data[:cut]
                self._counted += payload
            self._received += data
            conn.record += data
            conn.tail = scan[-2:]
            self._lock.notify_all()
            if cut is not None:
                if self._once:
                    self._mode = "ok"
                self._counted = 0
        if cut is not None:
            self._drop(conn, reset=True)
            return
        answers = bytes(a for n in queries if (a := answer_for(mode, n)) is not None)
        if answers:
            conn.sock.sendall(answers)
