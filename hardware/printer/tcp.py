"""`tcp://HOST:PORT`: a network printer on its raw port (9100), with short timeouts everywhere.

python-escpos's `Network` printer waits 60 s by default and raises a bare TimeoutError (DEVICES.md §1); here
every wait is `timeout_s` and every failure is a PrinterError with the state the desk needs.
"""

from __future__ import annotations

import socket

from hardware.printer.errors import PrinterError, PrinterState
from hardware.printer.stream import LinkClosed, StreamTransport

_DRAIN_LIMIT = 1 << 20  # a device that streams without end is not a printer: stop draining after 1 MiB


class TcpTransport(StreamTransport):
    """A raw TCP connection kept open between calls (see StreamTransport for when it is dropped)."""

    def __init__(self, url: str, *, host: str, port: int, timeout_s: float) -> None:
        super().__init__(url, timeout_s=timeout_s)
        self.host = host
        self.port = port
        self._sock: socket.socket | None = None

    def _connect(self) -> None:
        try:
            sock = socket.create_connection((self.host, self.port), timeout=self.timeout_s)
        except ConnectionRefusedError as exc:
            raise PrinterError(
                f"{self.url}: connection refused ({exc.strerror})", state=PrinterState.REFUSED
            ) from exc
        except TimeoutError as exc:
            # Nothing answered the SYN: a switched-off printer on the LAN. It is not connected, so REFUSED
            # (can't reach it), not NO_ANSWER (connected but silent).
            raise PrinterError(
                f"{self.url}: no connection within {self.timeout_s:g} s", state=PrinterState.REFUSED
            ) from exc
        except OSError as exc:  # unknown host, no route, network down
            raise PrinterError(f"{self.url}: cannot connect ({exc})", state=PrinterState.REFUSED) from exc
        # Small status queries must leave at once, not wait for Nagle's coalescing.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._sock = sock

    def _disconnect(self) -> None:
        sock, self._sock = self._sock, None
        if sock is not None:
            sock.close()

    def _socket(self) -> socket.socket:
        if self._sock is None:
            raise PrinterError(f"{self.url}: not connected", state=PrinterState.DISCONNECTED)
        return self._sock

    def _write(self, data: bytes) -> None:
        sock = self._socket()
        sock.settimeout(self.timeout_s)
        view = memoryview(data)
        try:
            # send() in a loop rather than sendall(): since Python 3.5 sendall's timeout bounds the whole job,
            # while a printer may take longer than timeout_s to swallow a big raster job at print speed.
            # Here timeout_s bounds a stall: the printer accepting nothing at all for that long.
            while view:
                sent = sock.send(view)
                view = view[sent:]
        except TimeoutError as exc:
            done = len(data) - len(view)
            raise PrinterError(
                f"{self.url}: printer took nothing for {self.timeout_s:g} s ({done} of {len(data)} bytes sent)",
                state=PrinterState.NO_ANSWER,
            ) from exc
        except OSError as exc:  # BrokenPipeError, ConnectionResetError, ConnectionAbortedError, …
            done = len(data) - len(view)
            raise PrinterError(
                f"{self.url}: connection lost mid-job after {done} of {len(data)} bytes ({exc})",
                state=PrinterState.DISCONNECTED,
            ) from exc

    def _read_byte(self) -> int | None:
        sock = self._socket()
        sock.settimeout(self.timeout_s)
        try:
            got = sock.recv(1)
        except TimeoutError:
            return None
        except OSError as exc:
            raise PrinterError(
                f"{self.url}: connection lost ({exc})", state=PrinterState.DISCONNECTED
            ) from exc
        if not got:
            raise PrinterError(
                f"{self.url}: the printer closed the connection", state=PrinterState.DISCONNECTED
            )
        return got[0]

    def _drain(self) -> None:
        sock = self._socket()
        sock.setblocking(False)
        drained = 0
        try:
            while drained < _DRAIN_LIMIT:
                got = sock.recv(4096)
                if not got:  # EOF: the printer closed the connection while we were idle
                    raise LinkClosed(f"{self.url}: the printer closed the connection")
                drained += len(got)
        except BlockingIOError:
            pass
        except OSError as exc:
            raise PrinterError(
                f"{self.url}: connection lost ({exc})", state=PrinterState.DISCONNECTED
            ) from exc
        finally:
            sock.settimeout(self.timeout_s)
