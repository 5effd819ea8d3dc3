"""Devices and their readings: the configured devices' rows, every reading kept with its raw bytes, the
station's list of unclaimed readings, and claiming readings into a visit.

Claiming goes through db.observations.record_entry, the one door for values into a visit, so a device's
value gets the same plausibility and emergency checks as a typed one; the guarded UPDATE (visit IS NULL)
makes two desks claiming the same reading agree on one winner.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import msgspec

from db import convert
from db.engine import Database, write_transaction
from db.observations import record_entry
from db.tables import Device, Reading
from flows.clinical import VisitEntry, VisitEntryResult
from flows.devices import UNCLAIMED_WINDOW, DeviceReading, claim_refusal
from flows.errors import Conflict, InvalidInput, NotFound
from flows.model import ObservationSource
from flows.rules.settings import DEFAULT_RULES, RulesSettings

_COLUMNS = (
    "r.id, d.device_id, r.station, r.result, r.extra, r.error, r.subject, r.raw_frame, r.measured_at, "
    "r.device_time, r.stable, r.visit, r.claimed_at"
)


class DeviceRow(msgspec.Struct, frozen=True, kw_only=True):
    device_id: str
    kind: str
    protocol: str
    url: str
    station: str


class NewReading(msgspec.Struct, frozen=True, kw_only=True):
    """A result as the reader delivered it (hardware.devices.base.Measurement, minus what db need not know)."""

    values: dict[str, float]
    raw: bytes
    stable: bool = True
    error: str | None = None
    subject: str | None = None
    device_time: dt.datetime | None = None
    extra: dict[str, float] = msgspec.field(default_factory=dict)


class Claimed(msgspec.Struct, frozen=True, kw_only=True):
    reading: DeviceReading  # as it was before the claim (visit_id still None)
    entry: VisitEntryResult


async def sync_devices(db: Database, devices: Sequence[DeviceRow]) -> dict[str, int]:
    """Make the device table hold the configured devices (a device moved to another station or port is
    updated; one no longer configured keeps its row, for its old readings). Returns device id → row id."""
    async with write_transaction(db):
        rows = await Device.select(Device.id, Device.device_id)
        known = {r["device_id"]: int(r["id"]) for r in rows}
        for dev in devices:
            fields: dict[Any, Any] = {
                Device.kind: dev.kind,
                Device.protocol: dev.protocol,
                Device.url: dev.url,
                Device.station: dev.station,
            }
            if dev.device_id in known:
                await Device.update(fields).where(Device.id == known[dev.device_id])
            else:
                inserted = await Device.insert(Device({Device.device_id: dev.device_id, **fields}))
                known[dev.device_id] = int(inserted[0]["id"])
    return {dev.device_id: known[dev.device_id] for dev in devices}


async def save_reading(
    db: Database, device_pk: int, station: str, reading: NewReading, *, now: dt.datetime
) -> DeviceReading:
    at = convert.utc(now)
    async with write_transaction(db):
        inserted = await Reading.insert(
            Reading(
                device=device_pk,
                station=station,
                result=msgspec.json.encode(reading.values).decode(),
                extra=msgspec.json.encode(reading.extra).decode(),
                error=reading.error,
                subject=reading.subject,
                raw_frame=reading.raw,
                measured_at=at,
                device_time=reading.device_time.isoformat() if reading.device_time else None,
                stable=reading.stable,
            )
        )
        await Device.update({Device.last_seen_at: at}).where(Device.id == device_pk)
    return await get_reading(int(inserted[0]["id"]))


async def get_reading(reading_id: int) -> DeviceReading:
    rows = await Reading.raw(
        f"SELECT {_COLUMNS} FROM reading r JOIN device d ON d.id = r.device WHERE r.id = {{}}", reading_id
    )
    if not rows:
        raise NotFound(f"no reading with id {reading_id}", field="reading_ids", details={"id": reading_id})
    return _reading(rows[0])


async def station_readings(
    station: str, *, now: dt.datetime, include_claimed: bool = False, limit: int = 50
) -> list[DeviceReading]:
    """The station's readings of the last UNCLAIMED_WINDOW, newest first (unclaimed only, by default)."""
    since = convert.utc(now - UNCLAIMED_WINDOW)
    claimed = "" if include_claimed else " AND r.visit IS NULL"
    rows = await Reading.raw(
        f"SELECT {_COLUMNS} FROM reading r JOIN device d ON d.id = r.device "
        f"WHERE r.station = {{}} AND r.measured_at >= {{}}{claimed} ORDER BY r.measured_at DESC, r.id DESC "
        f"LIMIT {int(limit)}",
        station,
        since,
    )
    return [_reading(r) for r in rows]


async def device_readings(device_id: str, *, limit: int = 20) -> list[DeviceReading]:
    """A device's newest readings, claimed or not (for the IT person checking a device)."""
    rows = await Reading.raw(
        f"SELECT {_COLUMNS} FROM reading r JOIN device d ON d.id = r.device WHERE d.device_id = {{}} "
        f"ORDER BY r.measured_at DESC, r.id DESC LIMIT {int(limit)}",
        device_id,
    )
    return [_reading(r) for r in rows]


async def visit_readings(visit_id: int) -> list[DeviceReading]:
    rows = await Reading.raw(
        f"SELECT {_COLUMNS} FROM reading r JOIN device d ON d.id = r.device WHERE r.visit = {{}} "
        "ORDER BY r.measured_at, r.id",
        visit_id,
    )
    return [_reading(r) for r in rows]


async def claim(
    db: Database,
    visit_id: int,
    reading_ids: Sequence[int],
    *,
    actor_id: int,
    now: dt.datetime,
    rules: RulesSettings = DEFAULT_RULES,
) -> list[Claimed]:
    """The readings become observations of the visit (source: device), all of them or none.

    Refused: an unknown id (NotFound); a reading already claimed, an error or unsettled reading, or one
    older than UNCLAIMED_WINDOW (Conflict, naming it); the visit closed (Conflict, from record_entry)."""
    ids = list(dict.fromkeys(reading_ids))
    if not ids:
        raise InvalidInput("give at least one reading id", field="reading_ids")
    results: list[Claimed] = []
    async with write_transaction(db):
        for reading_id in ids:
            reading = await get_reading(reading_id)
            refusal = claim_refusal(reading, now)
            if refusal is not None:
                raise Conflict(
                    refusal, field="reading_ids", details={"id": reading_id, "visit_id": reading.visit_id}
                )
            taken = await Reading.raw(
                "UPDATE reading SET visit = {}, claimed_at = {}, claimed_by = {} "
                "WHERE id = {} AND visit IS NULL RETURNING id",
                visit_id,
                convert.utc(now),
                actor_id,
                reading_id,
            )
            if not taken:  # another desk claimed it between our read and this write
                raise Conflict(f"reading {reading_id} was just claimed by another visit", field="reading_ids")
            entry = VisitEntry(
                measurements=dict(reading.values),
                source=ObservationSource.DEVICE,
                device_id=reading.device_id,
            )
            saved = await record_entry(
                db,
                visit_id,
                entry,
                actor_id=actor_id,
                now=now,
                rules=rules,
                reading_id=reading_id,
                observed_at=reading.measured_at,
            )
            results.append(Claimed(reading=reading, entry=saved))
    return results


def _reading(row: dict[str, Any]) -> DeviceReading:
    return DeviceReading(
        id=int(row["id"]),
        device_id=row["device_id"],
        station=row["station"],
        values=msgspec.json.decode(convert.json_bytes(row["result"]), type=dict[str, float]),
        extra=msgspec.json.decode(convert.json_bytes(row["extra"]), type=dict[str, float]),
        error=row["error"],
        subject=row["subject"],
        raw=bytes(row["raw_frame"] or b"").hex(" "),
        measured_at=convert.aware(row["measured_at"]),
        device_time=row["device_time"],
        stable=bool(row["stable"]),
        visit_id=row["visit"],
        claimed_at=convert.aware(row["claimed_at"]) if row["claimed_at"] is not None else None,
    )
