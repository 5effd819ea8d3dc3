"""Device readings and device health as the API shows them, and how long an unclaimed reading waits.

A reading is one result a device sent. It is claimed by at most one visit: automatically when the desk has
told the API which visit is at the device's station, or by the nurse picking it from the station's list.
An unclaimed reading stays listed for its station for UNCLAIMED_WINDOW and is kept for good afterwards
(nothing a device measured is lost), but it can no longer be claimed: after half an hour nobody can say
whose arm was in the cuff.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

import msgspec
from msgspec import Struct

UNCLAIMED_WINDOW: Final = dt.timedelta(minutes=30)


class DeviceReading(Struct, frozen=True, kw_only=True):
    """One result of one device, in the codes and units of flows.measurements."""

    id: int
    device_id: str
    station: str
    values: dict[str, float]
    extra: dict[str, float] = msgspec.field(default_factory=dict)
    error: str | None = None  # the device reported a failed measurement: shown, never claimable
    subject: str | None = None  # the patient id keyed on the device, if any
    raw: str  # the raw frame, hex (for the IT person; the bytes are stored as they came)
    measured_at: dt.datetime  # when the API received it
    device_time: str | None = None  # the device's own clock as it sent it
    stable: bool = True
    visit_id: int | None = None  # claimed by
    claimed_at: dt.datetime | None = None


def claim_refusal(reading: DeviceReading, now: dt.datetime) -> str | None:
    """Why the reading cannot become a visit's observations now, or None when it can."""
    if reading.visit_id is not None:
        return f"reading {reading.id} is already claimed by visit {reading.visit_id}"
    if reading.error is not None or not reading.values:
        return f"reading {reading.id} is a failed measurement ({reading.error}): measure again"
    if not reading.stable:
        return f"reading {reading.id} was not settled yet: wait for the device's final value"
    if reading.measured_at < now - UNCLAIMED_WINDOW:
        minutes = int(UNCLAIMED_WINDOW.total_seconds() // 60)
        return f"reading {reading.id} was measured more than {minutes} minutes ago: measure again"
    return None


class DeviceStatus(Struct, frozen=True, kw_only=True):
    """A configured device and how its reader is doing."""

    device_id: str
    kind: str
    protocol: str
    url: str
    station: str
    connected: bool
    since: dt.datetime | None = None  # connected or disconnected since
    last_seen: dt.datetime | None = None  # the last byte from the device
    readings: int = 0  # since the API started
    rejected: int = 0  # frames that were not valid (logged with their bytes)
    errors: int = 0  # failures to open or read the port
    reconnects: int = 0
    last_error: str | None = None


class StationVisit(Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """`PUT /api/v1/stations/{station}/visit`: the visit now at the station (None: nobody)."""

    visit_id: int | None


class StationState(Struct, frozen=True, kw_only=True):
    station: str
    visit_id: int | None
    devices: list[str]


class ClaimRequest(Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """`POST /api/v1/visits/{id}/readings`: the readings (from the station's list) that are this visit's."""

    reading_ids: list[int]


class ReadingEvent(Struct, frozen=True, kw_only=True, tag_field="event", tag=True):
    """Base of what a reading stream sends (`event:` of the server-sent event is the tag)."""


class NewReading(ReadingEvent, frozen=True, kw_only=True, tag="reading"):
    reading: DeviceReading


class ReadingClaimed(ReadingEvent, frozen=True, kw_only=True, tag="claimed"):
    reading_id: int
    visit_id: int
    station: str


class DeviceChanged(ReadingEvent, frozen=True, kw_only=True, tag="device"):
    device: DeviceStatus


AnyReadingEvent = NewReading | ReadingClaimed | DeviceChanged  # what a reading stream's data decodes to
