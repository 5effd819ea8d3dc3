"""What the header shows on every screen: site, user, station, whether the API answers, printer, devices."""

from __future__ import annotations

import enum

import msgspec


class Connection(enum.StrEnum):
    UNKNOWN = "unknown"  # not asked yet: the first request goes out when the login is submitted
    ONLINE = "online"
    OFFLINE = "offline"


class DeviceLight(msgspec.Struct, frozen=True, kw_only=True):
    """One of the station's devices as the header shows it (from flows.devices.DeviceStatus)."""

    device_id: str
    kind: str  # blood_pressure | height_weight | … (onestop.config DeviceConfig.kind)
    connected: bool


class DeskStatus(msgspec.Struct, frozen=True, kw_only=True):
    site: str
    station: str
    user: str | None = None
    role: str | None = None  # flows.model.Role of the logged-in staff
    connection: Connection = Connection.UNKNOWN
    printer: str | None = None  # the printer's state (api: hardware.printer.errors.PrinterState), once asked
    printer_offered: int = 0  # tickets waiting for staff to reprint
    devices: tuple[DeviceLight, ...] | None = None  # the station's devices; None until first asked
    # The last poll got no answer from the API: printer and device states are the last known, maybe old.
    stale: bool = False
