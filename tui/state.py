"""What the header shows on every screen: site, user, station, whether the API answers, the printer."""

from __future__ import annotations

import enum

import msgspec


class Connection(enum.StrEnum):
    UNKNOWN = "unknown"  # not asked yet: the first request goes out when the login is submitted
    ONLINE = "online"
    OFFLINE = "offline"


class DeskStatus(msgspec.Struct, frozen=True, kw_only=True):
    site: str
    station: str
    user: str | None = None
    connection: Connection = Connection.UNKNOWN
    printer: str | None = None  # the printer's state (api: hardware.printer.errors.PrinterState), once asked
    printer_offered: int = 0  # tickets waiting for staff to reprint
