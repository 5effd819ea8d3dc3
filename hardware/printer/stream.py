"""The logic shared by the byte-stream transports (tcp, serial, usb): lazy connect, DLE EOT status, send.

A subclass supplies five primitives that map its own exceptions to PrinterError; this class decides when to
connect, when to drop a link and what a failure means for the desk:

- connect lazily, keep the link between calls, and drop it after any failure, so the next call reconnects
  (a printer switched off and on again works without restarting anything);
- before every call, empty the input: a status-answering printer may have answered a stray `10 04 n` found
  inside earlier raster data (DEVICES.md §1), and that byte must not be taken for the next answer;
- status asks DLE EOT 1, 2, 4 one at a time and waits at most `timeout_s` for each answer, stopping at the
  first silence (never the 60 s of python-escpos's `is_online()`); it never raises for a printer fault;
- send is all-or-error and never retried here: a retry could print a ticket twice. All-or-error as far as
  the OS can tell: a small job fits in the socket buffer whole, so a printer that dies just after is caught
  by the next status(), which reports DISCONNECTED ("the last job may not have printed") once when the link
  died (reset, not an orderly close) between a job and the first status answer after it.
"""

from __future__ import annotations

import abc
import threading

from hardware.printer.errors import PrinterError, PrinterState
from hardware.printer.status import DLE_EOT, QUERIES, PrinterStatus, failed, interpret


class LinkClosed(PrinterError):
    """The printer closed the link in an orderly way (TCP FIN). Linux and most stacks reset instead (RST)
    when they close with data still unread, so an orderly close means the printer read all we sent."""

    def __init__(self, message: str) -> None:
        super().__init__(message, state=PrinterState.DISCONNECTED)


class StreamTransport(abc.ABC):
    """A transport over a bidirectional byte stream. Blocking; one call at a time (a lock keeps a status
    query out of the middle of a job when the print worker and the idle check share the transport)."""

    url: str

    def __init__(self, url: str, *, timeout_s: float) -> None:
        self.url = url
        self.timeout_s = timeout_s
        self._linked = False
        self._unconfirmed = False  # a job was sent on this link and no status answer has come after it
        self._lost: str | None = None  # why the last job may be lost, for the next status() to report once
        self._lock = threading.Lock()

    # --- primitives -------------------------------------------------------------------------------------

    @abc.abstractmethod
    def _connect(self) -> None:
        """Open the link. Raises PrinterError(REFUSED): refused, unreachable (a connect timeout too: nothing is
        connected yet, so it is not NO_ANSWER), absent, busy or not permitted."""

    @abc.abstractmethod
    def _disconnect(self) -> None:
        """Close the link; never raises."""

    @abc.abstractmethod
    def _write(self, data: bytes) -> None:
        """Send every byte. Raises PrinterError: DISCONNECTED, or NO_ANSWER if the printer accepts nothing
        for `timeout_s`."""

    @abc.abstractmethod
    def _read_byte(self) -> int | None:
        """One byte, or None if none comes within `timeout_s`. Raises PrinterError(DISCONNECTED) when the
        link is closed."""

    @abc.abstractmethod
    def _drain(self) -> None:
        """Discard whatever input is waiting, without waiting. Raises PrinterError(DISCONNECTED) when the
        printer has closed the link."""

    # --- the Transport protocol -------------------------------------------------------------------------

    def status(self) -> PrinterStatus:
        with self._lock:
            reused = self._linked
            try:
                self._ready()
                if self._lost is None:
                    return self._query()
            except PrinterError as exc:
                unconfirmed = self._unconfirmed
                self._drop()
                retry = reused and exc.state is PrinterState.DISCONNECTED and not unconfirmed
                if self._lost is None and not retry:
                    return failed(exc.state, self._after_job(exc.message, unconfirmed=unconfirmed))
            if self._lost is not None:  # reported once; the printer itself may well be fine by now
                lost, self._lost = self._lost, None
                return failed(PrinterState.DISCONNECTED, lost)
            # A kept link died while idle (the printer was switched off and on and answered our query with a
            # reset). Asking again on a fresh link has no side effect, unlike resending a job.
            try:
                self._ready()
                return self._query()
            except PrinterError as exc:
                self._drop()
                return failed(exc.state, exc.message)

    def send(self, data: bytes) -> None:
        with self._lock:
            try:
                self._ready()
                self._write(data)
            except PrinterError:
                self._drop()
                raise
            # The OS took the bytes, which is not the printer having them: a few-KiB ticket fits in the
            # socket buffer whole. The next status() confirms it (its answers come after the job's bytes).
            self._unconfirmed = True

    def close(self) -> None:
        with self._lock:
            self._drop()

    # --- internals --------------------------------------------------------------------------------------

    def _ready(self) -> None:
        """Connect, or check that the kept link is still open, and leave its input empty."""
        if self._linked:
            try:
                self._drain()
                return
            except PrinterError as exc:
                # Closed by the printer while idle (power cycle, idle timeout). Nothing of this call has been
                # sent yet, so reconnecting now is safe even for a job. But if the last job has not been
                # confirmed by a status answer, it may have died with the link: keep that for status().
                # An orderly close (LinkClosed) means the printer read everything first: not a loss.
                if self._unconfirmed and not isinstance(exc, LinkClosed):
                    self._lost = self._after_job(exc.message, unconfirmed=True)
                self._drop()
        self._connect()
        self._linked = True
        self._drain()

    @staticmethod
    def _after_job(message: str, *, unconfirmed: bool) -> str:
        return f"{message}; the last job may not have printed" if unconfirmed else message

    def _query(self) -> PrinterStatus:
        """Ask DLE EOT 1, 2, 4 on a ready link."""
        answers: list[int] = []
        for n in QUERIES:
            self._drain()  # a late answer to an earlier query must not shift the answers
            self._write(DLE_EOT + bytes([n]))
            answer = self._read_byte()
            if answer is None:
                # A link with a silent printer may be half dead: drop it so the next call starts afresh.
                self._drop()
                return failed(
                    PrinterState.NO_ANSWER,
                    f"{self.url}: no answer to DLE EOT {n} within {self.timeout_s:g} s",
                    answers=tuple(answers),
                )
            answers.append(answer)
        self._unconfirmed = False  # an answer came after the last job's bytes: the printer has them all
        status = interpret(*answers)
        if status.state is PrinterState.NO_ANSWER:  # garbled: whatever is on the link, start afresh
            self._drop()
        return status

    def _drop(self) -> None:
        self._unconfirmed = False
        if self._linked:
            self._linked = False
            self._disconnect()
