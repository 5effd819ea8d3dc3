"""`file://PATH` and `preview://DIR`: printers without a status channel (status UNKNOWN, or REFUSED).

`file:///dev/usb/lp0` writes to the kernel's USB printer device (usblp), or appends to any file. The device is
opened non-blocking and each write waits at most `timeout_s` for room, so a printer that stops taking data
(paper out on a usblp device) ends the job with NO_ANSWER instead of hanging the worker. A path under /dev is
never created: a missing device means the printer is unplugged or off (REFUSED), and creating a plain file
there would swallow tickets silently.

`preview://DIR` keeps each job as DIR/<YYYYmmdd-HHMMSS>-<nnn>.bin and its pictures as …-<k>.png, rendered by
`hardware.printer.preview.render_pngs` (DEVICES.md §1: a preview for people to look at, and the demo's printer).
"""

from __future__ import annotations

import datetime as dt
import errno
import itertools
import logging
import os
import select
from pathlib import Path

from hardware.printer.errors import PrinterError, PrinterState
from hardware.printer.status import PrinterStatus, failed

log = logging.getLogger(__name__)

_REFUSED_ERRNOS = {
    errno.ENOENT,
    errno.EACCES,
    errno.EPERM,
    errno.EISDIR,
    errno.ENOTDIR,
    errno.EBUSY,
    errno.ENXIO,
}


def _is_device_path(path: Path) -> bool:
    return Path(os.path.abspath(path)).parts[:2] == ("/", "dev")


class FileTransport:
    """Appends each job to a file or writes it to a device file; opened per job, so nothing to reconnect."""

    def __init__(self, url: str, *, path: Path, timeout_s: float) -> None:
        self.url = url
        self.path = path
        self.timeout_s = timeout_s

    def status(self) -> PrinterStatus:
        problem = self._problem()
        if problem:
            return failed(PrinterState.REFUSED, problem)
        return failed(PrinterState.UNKNOWN, f"{self.url}: a file has no status channel")

    def _problem(self) -> str | None:
        if self.path.is_dir():
            return f"{self.url}: {self.path} is a directory"
        if self.path.exists():
            return (
                None if os.access(self.path, os.W_OK) else f"{self.url}: no permission to write {self.path}"
            )
        if _is_device_path(self.path):
            return f"{self.url}: device {self.path} is missing (printer unplugged or switched off?)"
        parent = self.path.parent
        if not parent.is_dir():
            return f"{self.url}: directory {parent} does not exist"
        return None if os.access(parent, os.W_OK) else f"{self.url}: no permission to create {self.path}"

    def send(self, data: bytes) -> None:
        flags = os.O_WRONLY | os.O_APPEND | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
        if not _is_device_path(self.path):
            flags |= os.O_CREAT
        try:
            fd = os.open(self.path, flags, 0o644)
        except OSError as exc:
            state = PrinterState.REFUSED if exc.errno in _REFUSED_ERRNOS else PrinterState.DISCONNECTED
            raise PrinterError(f"{self.url}: cannot open {self.path} ({exc.strerror})", state=state) from exc
        try:
            self._write_all(fd, data)
        finally:
            os.close(fd)

    def _write_all(self, fd: int, data: bytes) -> None:
        poller = select.poll()
        poller.register(fd, select.POLLOUT)
        view = memoryview(data)
        while view:
            try:
                view = view[os.write(fd, view) :]
                continue
            except BlockingIOError:
                pass
            except OSError as exc:  # EIO / ENODEV: the USB printer went away mid-job
                done = len(data) - len(view)
                raise PrinterError(
                    f"{self.url}: write failed after {done} of {len(data)} bytes ({exc.strerror})",
                    state=PrinterState.DISCONNECTED,
                ) from exc
            events = poller.poll(self.timeout_s * 1000)
            if not events:
                done = len(data) - len(view)
                raise PrinterError(
                    f"{self.url}: printer took nothing for {self.timeout_s:g} s ({done} of {len(data)} bytes)",
                    state=PrinterState.NO_ANSWER,
                )
            if events[0][1] & (select.POLLERR | select.POLLHUP | select.POLLNVAL):
                raise PrinterError(
                    f"{self.url}: the device went away mid-job", state=PrinterState.DISCONNECTED
                )

    def close(self) -> None:
        """Nothing is kept open between jobs."""


class PreviewTransport:
    """Writes each job and its PNG preview into a directory (created on the first job)."""

    def __init__(self, url: str, *, directory: Path, paper_mm: int) -> None:
        self.url = url
        self.directory = directory
        self.paper_mm = paper_mm
        self._counter = itertools.count(1)

    def status(self) -> PrinterStatus:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            return failed(
                PrinterState.REFUSED, f"{self.url}: cannot create {self.directory} ({exc.strerror})"
            )
        if not os.access(self.directory, os.W_OK):
            return failed(PrinterState.REFUSED, f"{self.url}: no permission to write in {self.directory}")
        return failed(PrinterState.UNKNOWN, f"{self.url}: a preview printer has no status channel")

    def send(self, data: bytes) -> None:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            stem = self._write_job(data)
        except OSError as exc:
            raise PrinterError(
                f"{self.url}: cannot write in {self.directory} ({exc.strerror})", state=PrinterState.REFUSED
            ) from exc
        # The .bin is the job; the pictures are for people. A renderer failure is logged, not raised: the job
        # itself was "printed", and raising would make the worker retry it.
        try:
            from hardware.printer.preview import render_pngs

            pngs = render_pngs(data, paper_mm=self.paper_mm)
        except Exception:
            log.exception("%s: no preview for %s.bin", self.url, stem)
            return
        for k, png in enumerate(pngs, 1):
            (self.directory / f"{stem}-{k}.png").write_bytes(png)

    def _write_job(self, data: bytes) -> str:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        while True:
            stem = f"{stamp}-{next(self._counter):03d}"
            try:
                with (self.directory / f"{stem}.bin").open("xb") as f:  # never overwrite an earlier job
                    f.write(data)
            except FileExistsError:
                continue  # another process, or an earlier run in the same second
            return stem

    def close(self) -> None:
        """Nothing is kept open between jobs."""
