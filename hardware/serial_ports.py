"""What the printer's serial transport and the device readers share about pyserial ports: the errors a
dying port raises, and the cause of a failed open in words an installer can act on."""

from __future__ import annotations

import errno

import serial


def _errors() -> tuple[type[Exception], ...]:
    # pyserial wraps most failures, but in_waiting lets the ioctl's OSError through and
    # reset_input_buffer a termios.error (EIO once the device is gone), which is not an OSError.
    try:
        import termios
    except ImportError:  # Windows
        return (serial.SerialException, OSError)
    return (serial.SerialException, OSError, termios.error)


SERIAL_ERRORS = _errors()

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


def open_cause(exc: serial.SerialException) -> str:
    """Why a port did not open: the actionable cause, else pyserial's own text."""
    cause = _CAUSES.get(exc.errno) if isinstance(exc.errno, int) else None
    return cause or str(exc)
