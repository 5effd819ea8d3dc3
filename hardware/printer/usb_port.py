"""`usb://VID:PID`: a USB printer driven through pyusb and libusb, with DLE EOT status on its IN endpoint.

pyusb is optional (not a dependency): without it, or without the libusb-1.0 library, the transport reports
REFUSED with a message saying what to install. On Linux, `file:///dev/usb/lp0` (the kernel's usblp driver)
needs neither. Used directly rather than python-escpos's `Usb` printer because that one's
`open(raise_not_found=False)` ends in a bare AssertionError on the next write (DEVICES.md §1).
Not exercised against a real device in the tests: only the missing-library and missing-device paths are.
"""

from __future__ import annotations

import contextlib
import errno
import importlib
from typing import Any

from hardware.printer.errors import PrinterError, PrinterState
from hardware.printer.stream import StreamTransport

_INSTALL_HINT = (
    "install pyusb (pip install pyusb) and libusb-1.0 (apt install libusb-1.0-0), or use file:///dev/usb/lp0"
)
_PERMISSION_HINT = "add a udev rule giving the service user access to the device, or use file:///dev/usb/lp0"


class UsbTransport(StreamTransport):
    """The first interface's bulk OUT endpoint for jobs and bulk IN endpoint (if any) for status answers."""

    def __init__(self, url: str, *, vid: int, pid: int, timeout_s: float) -> None:
        super().__init__(url, timeout_s=timeout_s)
        self.vid = vid
        self.pid = pid
        self._device: Any = None  # usb.core.Device (pyusb is untyped and optional)
        self._out: Any = None
        self._in: Any = None
        self._pending = b""

    @property
    def _id(self) -> str:
        return f"{self.vid:04x}:{self.pid:04x}"

    def _connect(self) -> None:
        try:
            core = importlib.import_module("usb.core")
            util = importlib.import_module("usb.util")
        except ImportError as exc:
            raise PrinterError(
                f"{self.url}: pyusb is not installed; {_INSTALL_HINT}", state=PrinterState.REFUSED
            ) from exc
        try:
            device = core.find(idVendor=self.vid, idProduct=self.pid)
        except core.NoBackendError as exc:
            raise PrinterError(
                f"{self.url}: libusb-1.0 is not installed; {_INSTALL_HINT}", state=PrinterState.REFUSED
            ) from exc
        if device is None:
            raise PrinterError(
                f"{self.url}: no USB device {self._id} is plugged in (printer unplugged or switched off?)",
                state=PrinterState.REFUSED,
            )
        try:
            try:
                if device.is_kernel_driver_active(0):
                    device.detach_kernel_driver(0)  # usblp holds the interface; we talk to it ourselves
            except NotImplementedError:
                pass  # platforms without kernel drivers to detach
            try:
                device.set_configuration()
            except core.USBError as exc:
                if exc.errno != errno.EBUSY:  # EBUSY: already configured, which is what we want
                    raise
            interface = device.get_active_configuration()[(0, 0)]

            def direction(want: int) -> Any:
                return util.find_descriptor(
                    interface, custom_match=lambda ep: util.endpoint_direction(ep.bEndpointAddress) == want
                )

            self._out = direction(util.ENDPOINT_OUT)
            self._in = direction(util.ENDPOINT_IN)  # None: a printer with no way to answer status
        except core.USBError as exc:
            util.dispose_resources(device)
            if exc.errno in (errno.EACCES, errno.EPERM):
                raise PrinterError(
                    f"{self.url}: permission denied for USB device {self._id}; {_PERMISSION_HINT}",
                    state=PrinterState.REFUSED,
                ) from exc
            raise PrinterError(
                f"{self.url}: cannot open USB device {self._id} ({exc})", state=PrinterState.REFUSED
            ) from exc
        if self._out is None:
            util.dispose_resources(device)
            raise PrinterError(
                f"{self.url}: USB device {self._id} has no OUT endpoint", state=PrinterState.REFUSED
            )
        self._device = device
        self._pending = b""

    def _disconnect(self) -> None:
        device, self._device, self._out, self._in = self._device, None, None, None
        if device is not None:
            with contextlib.suppress(Exception):  # the device may be gone already: nothing left to release
                importlib.import_module("usb.util").dispose_resources(device)

    def _error(self, exc: Exception, what: str) -> PrinterError:
        """A failed transfer on an open device: a timeout is a stall, anything else (ENODEV, EIO, EPIPE)
        means the printer went away or reset."""
        if isinstance(exc, importlib.import_module("usb.core").USBTimeoutError):
            return PrinterError(
                f"{self.url}: {what}: no progress within {self.timeout_s:g} s", state=PrinterState.NO_ANSWER
            )
        return PrinterError(f"{self.url}: {what} ({exc})", state=PrinterState.DISCONNECTED)

    def _write(self, data: bytes) -> None:
        if self._out is None:
            raise PrinterError(f"{self.url}: not connected", state=PrinterState.DISCONNECTED)
        core = importlib.import_module("usb.core")
        done = 0
        try:
            while done < len(data):  # timeout per transfer: a stall, not the length of the job
                done += int(self._out.write(data[done : done + 4096], timeout=int(self.timeout_s * 1000)))
        except core.USBError as exc:
            raise self._error(exc, f"write failed after {done} of {len(data)} bytes") from exc

    def _read_byte(self) -> int | None:
        if not self._pending:
            if self._in is None:
                return None
            core = importlib.import_module("usb.core")
            try:
                self._pending = bytes(
                    self._in.read(self._in.wMaxPacketSize, timeout=int(self.timeout_s * 1000))
                )
            except core.USBTimeoutError:
                return None
            except core.USBError as exc:
                raise self._error(exc, "read failed") from exc
            if not self._pending:
                return None
        byte, self._pending = self._pending[0], self._pending[1:]
        return byte

    def _drain(self) -> None:
        self._pending = b""
        if self._in is None:
            return
        core = importlib.import_module("usb.core")
        for _ in range(64):  # bounded: a device that never stops talking is not a printer
            try:
                if not self._in.read(self._in.wMaxPacketSize, timeout=1):
                    return
            except core.USBTimeoutError:
                return
            except core.USBError as exc:
                raise self._error(exc, "read failed") from exc
