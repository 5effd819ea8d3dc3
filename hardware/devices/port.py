"""Opening a device's port from its URL: a serial device path, any pyserial URL, or `sim://` for a simulator.

Device paths are opened with `exclusive=True` (pyserial's flock, DEVICES.md §2) so a second reader of the
same adapter fails loudly instead of stealing half the bytes; the input buffer is flushed after opening
because devices push records whoever listens, and bytes from before we listened belong to nobody.
"""

from __future__ import annotations

import contextlib
import urllib.parse
from collections.abc import Callable
from typing import Protocol

import serial

from hardware.devices.base import DeviceError, DeviceSimulator, LineSettings
from hardware.serial_ports import SERIAL_ERRORS, open_cause


class Port(Protocol):
    """The subset of pyserial's `Serial` the device readers use; `SimPort` implements it too."""

    @property
    def timeout(self) -> float | None: ...

    @timeout.setter
    def timeout(self, value: float | None) -> None: ...

    @property
    def in_waiting(self) -> int: ...

    def read(self, size: int = 1, /) -> bytes: ...

    def write(self, data: bytes, /) -> int | None: ...

    def reset_input_buffer(self) -> None: ...

    def close(self) -> None: ...


class PortError(DeviceError):
    """A port that cannot be opened or was lost; the message names the URL and the cause."""


_PARITY = {"N": serial.PARITY_NONE, "E": serial.PARITY_EVEN, "O": serial.PARITY_ODD}

# What a port that dies under us raises (the reader closes and reopens on any of these).
PORT_ERRORS: tuple[type[Exception], ...] = (*SERIAL_ERRORS, PortError)


def _is_url(url: str) -> bool:
    return "://" in url


def open_port(
    url: str,
    line: LineSettings,
    *,
    timeout: float,
    simulator: Callable[[], DeviceSimulator] | None = None,
) -> Port:
    """Open `url` with `line` applied and its input flushed; `PortError` says why it could not be opened."""
    if url.lower().startswith("sim://"):
        return _open_sim(url, timeout=timeout, simulator=simulator)
    parity = _PARITY.get(line.parity.upper())
    if parity is None:
        raise PortError(f"{url}: bad line settings: parity {line.parity!r}, expected N, E or O")
    try:
        port = serial.serial_for_url(
            url,
            baudrate=line.baudrate,
            bytesize=line.bytesize,
            parity=parity,
            stopbits=line.stopbits,
            timeout=timeout,
            # Only a real device has a file to lock; URL handlers ignore the flag anyway.
            exclusive=not _is_url(url),
        )
    except ValueError as exc:
        # serial_for_url raises ValueError for an unknown scheme and for settings the port cannot do.
        kind = "bad URL" if _is_url(url) and "URL" in str(exc) else "bad line settings"
        raise PortError(f"{url}: {kind}: {exc}") from exc
    except serial.SerialException as exc:
        raise PortError(f"{url}: cannot open: {open_cause(exc)}") from exc
    except OSError as exc:  # URL handlers (socket://, rfc2217://) can let a bare OSError through
        raise PortError(f"{url}: cannot open: {exc}") from exc
    try:
        port.reset_input_buffer()
    except PORT_ERRORS as exc:
        with contextlib.suppress(*PORT_ERRORS):
            port.close()
        raise PortError(f"{url}: opened but lost at once: {exc}") from exc
    return port


def _open_sim(url: str, *, timeout: float, simulator: Callable[[], DeviceSimulator] | None) -> Port:
    from hardware.devices.simport import SimPort  # here, not at the top: simport imports PortError

    if simulator is None:
        raise PortError(f"{url}: a sim:// URL needs a simulator, and this device has none")
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    try:
        seed = int(query.get("seed", ["0"])[0])
    except ValueError as exc:
        raise PortError(f"{url}: bad URL: seed must be an integer") from exc
    try:
        device = simulator()
    except Exception as exc:
        raise PortError(f"{url}: the simulator failed to start: {exc!r}") from exc
    return SimPort(device, timeout=timeout, seed=seed, name=url)
