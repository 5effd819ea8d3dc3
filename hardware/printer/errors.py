"""The printer's exception family and the states a printer can be in (DEVICES.md §1)."""

from __future__ import annotations

import enum


class PrinterState(enum.StrEnum):
    """What the desk is told about the printer. Each fault of DEVICES.md §1 is its own state, because each
    asks the nurse for a different action (load paper, close the cover, switch it on, check the cable)."""

    READY = "ready"
    PAPER_NEAR_END = "paper_near_end"  # still prints: warn, do not stop
    PAPER_OUT = "paper_out"
    COVER_OPEN = "cover_open"
    OFFLINE = "offline"  # DLE EOT 1 bit 3 with no cause the printer names
    ERROR = "error"  # DLE EOT 2 bit 6: cutter jam, head overheat (recoverable or not)
    NO_ANSWER = "no_answer"  # connected, but no status byte within the timeout
    REFUSED = "refused"  # connection refused / port missing / permission denied
    DISCONNECTED = "disconnected"  # the printer closed the connection in the middle of a job
    UNKNOWN = "unknown"  # a transport with no status channel (file://, preview://)

    @property
    def can_print(self) -> bool:
        """Whether a job may be sent now. UNKNOWN may: file and preview printers have no status to ask."""
        return self in (PrinterState.READY, PrinterState.PAPER_NEAR_END, PrinterState.UNKNOWN)


class PrinterError(Exception):
    """A job could not be sent, or a status could not be read. `state` says why, for the desk."""

    def __init__(self, message: str, *, state: PrinterState) -> None:
        super().__init__(message)
        self.message = message
        self.state = state
