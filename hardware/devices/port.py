"""Opening a device's port from its URL: a serial device path, any pyserial URL, or `sim://` for a simulator.

Device paths are opened with `exclusive=True` (pyserial's flock, DEVICES.md §2) so a second reader of the
same adapter fails loudly instead of stealing half the bytes; the input buffer is flushed after opening
because devices push records whoever listens, and bytes from before we listened belong to nobody.
"""

from __future__ import annotations

import contextlib
import errno
import urllib.parse
from collections.abc import Callable
from typing import Protocol

import serial

from hardware.devices.base import DeviceError, DeviceSimulator, LineSettings


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

# pyserial puts the OSError's errno on the SerialException it raises from open(); these are the ones a
# nurse or an installer can act on.
_CAUSES = {
    errno.ENOENT: "no such device (unplugged, or a wrong path?)",
    errno.ENXIO: "no such device (unplugged?)",
    errno.ENODEV: "no such device (unplugged?)",
    errno.EACCES: "permission denied (is the user in the dialout group?)",
    errno.EPERM: "permission denied (is the user in the dialout group?)",
    errno.EBUSY: "busy: another program or reader has the port open",
    # flock(LOCK_EX | LOCK_NB) from exclusive=True fails with EWOULDBLOCK (== EAGAIN on Linux)
    errno.EAGAIN: "busy: another program or reader has the port open",
}


def _port_errors() -> tuple[type[Exception], ...]:
    try:
        import termios
    except ImportError:  # Windows
        return (serial.SerialException, OSError, PortError)
    return (serial.SerialException, OSError, PortError, termios.error)


# What a port that dies under us raises: pyserial wraps most failures, but in_waiting lets the ioctl's
# OSError through and reset_input_buffer a termios.error (EIO once the device is gone), not an OSError.
PORT_ERRORS = _port_errors()


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
        raise PortError(f"{url}: cannot open: {_cause(exc)}") from exc
    except OSError as exc:  # URL handlers (socket://, rfc2217://) can let a bare OSError through
        raise PortError(f"{url}: cannot open: {exc}") from exc
    try:
        port.reset_input_buffer()
    except PORT_ERRORS as exc:
        with contextlib.suppress(*PORT_ERRORS):
            port.close()
        raise PortError(f"{url}: opened but lost at once: {exc}") from exc
    return port


def _cause(exc: serial.SerialException) -> str:
    cause = _CAUSES.get(exc.errno) if isinstance(exc.errno, int) else None
    return cause or str(exc)  # pyserial's own text repeats the path, twice


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
