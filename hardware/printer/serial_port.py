"""`serial://PATH?baudrate=9600&rtscts=1`: a printer on a serial port or USB-serial adapter, via pyserial.

Opened with `exclusive=True` (DEVICES.md §2: one process per port). An unplugged adapter raises
SerialException on the next read or write: that becomes DISCONNECTED and the port is reopened on the next
call; a port that cannot be opened (absent, busy, no permission) is REFUSED.
"""

from __future__ import annotations

import contextlib

import serial

from hardware.printer.errors import PrinterError, PrinterState
from hardware.printer.stream import StreamTransport
from hardware.serial_ports import SERIAL_ERRORS, open_cause

# pyserial's write_timeout bounds a whole write() call. A job goes out in chunks small enough to leave the
# OS buffer in well under the timeout even at 2400 baud (240 bytes/s), so timeout_s bounds a stall (flow
# control holding us because of paper out or a full buffer), not the length of a ticket.
_CHUNK = 128
_DRAIN_LIMIT = 1 << 16


class SerialTransport(StreamTransport):
    """A pyserial port kept open between calls (see StreamTransport for when it is dropped)."""

    def __init__(
        self,
        url: str,
        *,
        port: str,
        baudrate: int,
        rtscts: bool,
        dsrdtr: bool,
        xonxoff: bool,
        timeout_s: float,
    ) -> None:
        super().__init__(url, timeout_s=timeout_s)
        self.port = port
        self.baudrate = baudrate
        self.rtscts = rtscts
        self.dsrdtr = dsrdtr
        self.xonxoff = xonxoff
        self._serial: serial.Serial | None = None

    def _connect(self) -> None:
        try:
            self._serial = serial.serial_for_url(
                self.port,
                baudrate=self.baudrate,
                rtscts=self.rtscts,
                dsrdtr=self.dsrdtr,
                xonxoff=self.xonxoff,
                timeout=self.timeout_s,
                write_timeout=self.timeout_s,
                exclusive=True,
            )
        except serial.SerialException as exc:
            raise PrinterError(
                f"{self.url}: cannot open the port: {open_cause(exc)}", state=PrinterState.REFUSED
            ) from exc
        except ValueError as exc:  # a baud rate the port cannot do
            raise PrinterError(
                f"{self.url}: cannot open the port: {exc}", state=PrinterState.REFUSED
            ) from exc

    def _disconnect(self) -> None:
        port, self._serial = self._serial, None
        if port is not None:
            with contextlib.suppress(*SERIAL_ERRORS):  # the device may be gone already
                port.close()

    def _port(self) -> serial.Serial:
        if self._serial is None:
            raise PrinterError(f"{self.url}: port not open", state=PrinterState.DISCONNECTED)
        return self._serial

    def _write(self, data: bytes) -> None:
        port = self._port()
        done = 0
        try:
            while done < len(data):
                chunk = data[done : done + _CHUNK]
                port.write(chunk)
                done += len(chunk)
        except serial.SerialTimeoutException as exc:
            raise PrinterError(
                f"{self.url}: printer took nothing for {self.timeout_s:g} s ({done} of {len(data)} bytes sent)",
                state=PrinterState.NO_ANSWER,
            ) from exc
        except SERIAL_ERRORS as exc:
            raise PrinterError(
                f"{self.url}: port lost mid-job after {done} of {len(data)} bytes ({exc})",
                state=PrinterState.DISCONNECTED,
            ) from exc

    def _read_byte(self) -> int | None:
        try:
            got = self._port().read(1)
        except SERIAL_ERRORS as exc:
            raise PrinterError(f"{self.url}: port lost ({exc})", state=PrinterState.DISCONNECTED) from exc
        return got[0] if got else None

    def _drain(self) -> None:
        port = self._port()
        try:
            port.reset_input_buffer()
            drained = 0
            while drained < _DRAIN_LIMIT and (waiting := port.in_waiting):
                drained += len(port.read(waiting))
        except SERIAL_ERRORS as exc:
            raise PrinterError(f"{self.url}: port lost ({exc})", state=PrinterState.DISCONNECTED) from exc
