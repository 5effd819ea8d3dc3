"""Printer transports: the Transport protocol, the printer URL grammar, and `open_transport`.

    tcp://HOST[:PORT]                         raw TCP, port 9100 by default            → tcp.TcpTransport
    serial://PATH[?baudrate=9600&rtscts=1…]   pyserial port (PATH may be a pyserial URL such as loop://)
    usb://VID:PID                             hex ids, e.g. usb://0416:5011 (needs pyusb + libusb)
    file://PATH                               append to a file or a device such as /dev/usb/lp0
    preview://DIR                             DIR/<time>-<n>.bin and .png, for the demo and for people

For file:, preview: and serial: everything after `//` is the path, so `preview://var/tickets` is the relative
directory var/tickets (the configuration's default) and `file:///dev/usb/lp0` the absolute device path.

Every transport is blocking with `timeout_s` bounding each wait; the API's print worker calls them through
`asyncio.to_thread`. Transports connect lazily and reconnect on the call after a failure.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qsl, urlsplit

import msgspec

from hardware.printer.status import PrinterStatus

SCHEMES = ("tcp", "serial", "usb", "file", "preview")
DEFAULT_TCP_PORT = 9100  # the raw "JetDirect" port every ESC/POS network printer listens on


class Transport(Protocol):
    """Sends ESC/POS bytes to a printer and asks its status. Blocking; never waits longer than its timeout
    for any one step."""

    url: str  # for logs (printer URLs carry no secrets)

    def status(self) -> PrinterStatus:
        """The printer's state now. Never raises for a printer fault: REFUSED, NO_ANSWER, DISCONNECTED and
        UNKNOWN are states of the returned status, with the technical cause in `reason`."""
        ...

    def send(self, data: bytes) -> None:
        """Send one job, all of it or raise PrinterError (REFUSED, DISCONNECTED, NO_ANSWER). Never retried
        inside: a retry could print a ticket twice. Call `status()` first: it also revalidates a kept link."""
        ...

    def close(self) -> None:
        """Release the connection or port; a later call opens it again."""
        ...


class TcpTarget(msgspec.Struct, frozen=True, kw_only=True, tag="tcp"):
    host: str
    port: int = DEFAULT_TCP_PORT


class SerialTarget(msgspec.Struct, frozen=True, kw_only=True, tag="serial"):
    port: str  # a device path or a pyserial URL
    baudrate: int = 9600
    rtscts: bool = False
    dsrdtr: bool = False
    xonxoff: bool = False


class UsbTarget(msgspec.Struct, frozen=True, kw_only=True, tag="usb"):
    vid: int
    pid: int


class FileTarget(msgspec.Struct, frozen=True, kw_only=True, tag="file"):
    path: str


class PreviewTarget(msgspec.Struct, frozen=True, kw_only=True, tag="preview"):
    directory: str


Target = TcpTarget | SerialTarget | UsbTarget | FileTarget | PreviewTarget

_SERIAL_FLAGS = ("rtscts", "dsrdtr", "xonxoff")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
_USB_ID = re.compile(r"([0-9A-Fa-f]{4}):([0-9A-Fa-f]{4})")


def _bad(url: str, what: str) -> ValueError:
    return ValueError(f"printer URL {url!r}: {what}")


def parse_url(url: str) -> Target:
    """The printer a URL names. Raises ValueError naming the URL and what is wrong with it."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise _bad(url, f"expected SCHEME://…, where SCHEME is one of {', '.join(SCHEMES)}")
    scheme = scheme.lower()
    if scheme == "tcp":
        return _parse_tcp(url)
    if scheme == "serial":
        return _parse_serial(url, rest)
    if scheme == "usb":
        match = _USB_ID.fullmatch(rest.rstrip("/"))
        if not match:
            raise _bad(url, "expected usb://VID:PID with 4 hex digits each, e.g. usb://0416:5011")
        return UsbTarget(vid=int(match[1], 16), pid=int(match[2], 16))
    if scheme == "file":
        if not rest:
            raise _bad(url, "missing path, e.g. file:///dev/usb/lp0")
        return FileTarget(path=rest)
    if scheme == "preview":
        if not rest:
            raise _bad(url, "missing directory, e.g. preview://var/tickets")
        return PreviewTarget(directory=rest)
    raise _bad(url, f"unknown scheme {scheme!r}; expected one of {', '.join(SCHEMES)}")


def _parse_tcp(url: str) -> TcpTarget:
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        raise _bad(url, "bad port: expected a number 1–65535, e.g. tcp://192.168.1.50:9100") from None
    if not parts.hostname:
        raise _bad(url, "missing host, e.g. tcp://192.168.1.50:9100")
    if port == 0:
        raise _bad(url, "bad port: expected a number 1–65535")
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username is not None:
        raise _bad(url, "expected only tcp://HOST:PORT (no user, path or query)")
    return TcpTarget(host=parts.hostname, port=port or DEFAULT_TCP_PORT)


def _parse_serial(url: str, rest: str) -> SerialTarget:
    port, _, query = rest.partition("?")
    if not port:
        raise _bad(url, "missing device path, e.g. serial:///dev/ttyUSB0?baudrate=9600")
    baudrate = 9600
    flags = dict.fromkeys(_SERIAL_FLAGS, False)
    try:
        pairs = parse_qsl(query, keep_blank_values=True, strict_parsing=bool(query))
    except ValueError:
        raise _bad(url, "malformed query; expected ?baudrate=9600&rtscts=1") from None
    for key, value in pairs:
        if key == "baudrate":
            if not value.isdigit() or int(value) <= 0:
                raise _bad(url, f"bad baudrate {value!r}: expected a positive number such as 9600")
            baudrate = int(value)
        elif key in flags:
            if value.lower() not in _TRUE | _FALSE:
                raise _bad(url, f"bad {key} {value!r}: expected 1 or 0")
            flags[key] = value.lower() in _TRUE
        else:
            raise _bad(url, f"unknown option {key!r}; expected baudrate, {', '.join(_SERIAL_FLAGS)}")
    return SerialTarget(
        port=port, baudrate=baudrate, rtscts=flags["rtscts"], dsrdtr=flags["dsrdtr"], xonxoff=flags["xonxoff"]
    )


def open_transport(url: str, *, timeout_s: float = 2.0, paper_mm: int = 80) -> Transport:
    """The transport for a printer URL (see the module docstring). Opens nothing yet: the first call
    connects. `paper_mm` is used by preview:// only. Raises ValueError for a malformed URL."""
    if not timeout_s > 0:
        raise ValueError(f"timeout_s must be more than 0, got {timeout_s}")
    target = parse_url(url)
    # Each transport module is imported on demand: pyserial is not needed to print over TCP.
    if isinstance(target, TcpTarget):
        from hardware.printer.tcp import TcpTransport

        return TcpTransport(url, host=target.host, port=target.port, timeout_s=timeout_s)
    if isinstance(target, SerialTarget):
        from hardware.printer.serial_port import SerialTransport

        return SerialTransport(
            url,
            port=target.port,
            baudrate=target.baudrate,
            rtscts=target.rtscts,
            dsrdtr=target.dsrdtr,
            xonxoff=target.xonxoff,
            timeout_s=timeout_s,
        )
    if isinstance(target, UsbTarget):
        from hardware.printer.usb_port import UsbTransport

        return UsbTransport(url, vid=target.vid, pid=target.pid, timeout_s=timeout_s)
    from hardware.printer.local import FileTransport, PreviewTransport

    if isinstance(target, FileTarget):
        return FileTransport(url, path=Path(target.path), timeout_s=timeout_s)
    return PreviewTransport(url, directory=Path(target.directory), paper_mm=paper_mm)
