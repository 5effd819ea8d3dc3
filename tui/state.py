"""What the header shows on every screen: site, user, station and whether the API answers."""

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
