"""`/api/v1/devices`, `/readings`, `/stations` and a visit's `/readings`: the devices' health, their
readings (listed, streamed), which visit is at a station, and claiming readings into a visit.

A desk puts the visit it is screening at its station (`PUT /stations/{station}/visit`): the station's
devices' next settled readings become that visit's observations at once. A reading that arrives with
nobody at the station stays in the station's list (`GET /readings?station=`) for 30 minutes, for the nurse
to claim (`POST /visits/{id}/readings`). Readings and claims stream as server-sent events.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Annotated, Final

import msgspec
from litestar import Controller, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.response import ServerSentEvent, ServerSentEventMessage

from api import auth
from api.audit import Auditor
from api.devices.manager import DeviceManager
from api.errors import error_responses
from db import readings as store
from db.engine import Database
from db.visits import open_visit_of, visit_row
from flows.clinical import VisitEntryResult
from flows.devices import (
    ClaimRequest,
    DeviceChanged,
    DeviceReading,
    DeviceStatus,
    NewReading,
    ReadingClaimed,
    StationState,
    StationVisit,
)
from flows.errors import NotFound
from flows.model import Staff
from flows.rules.settings import RulesSettings

KEEPALIVE_S: Final = 15.0
RETRY_MS: Final = 2000
STAFF = auth.CLINICAL_ROLES | auth.AUDIT_ROLES


class DeviceController(Controller):
    path = "/api/v1/devices"
    tags = ("devices",)
    guards = (auth.require(STAFF),)
    security = ({"BearerToken": []},)

    @get("/", operation_id="listDevices", summary="The configured devices and how their readers are doing")
    async def listing(self, devices: NamedDependency[DeviceManager]) -> list[DeviceStatus]:
        return devices.statuses()

    @get("/{device_id:str}", operation_id="getDevice", responses=error_responses(401, 403, 404))
    async def one(self, device_id: FromPath[str], devices: NamedDependency[DeviceManager]) -> DeviceStatus:
        if device_id not in devices.configs:
            raise NotFound(f"no device {device_id!r} is configured", field="device_id")
        return devices.status(device_id)

    @get(
        "/{device_id:str}/readings",
        operation_id="listDeviceReadings",
        summary="The device's newest readings, claimed or not (checking a device)",
        responses=error_responses(401, 403, 404),
    )
    async def readings(
        self,
        device_id: FromPath[str],
        devices: NamedDependency[DeviceManager],
        limit: Annotated[int, QueryParameter(ge=1, le=200)] = 20,
    ) -> list[DeviceReading]:
        if device_id not in devices.configs:
            raise NotFound(f"no device {device_id!r} is configured", field="device_id")
        return await store.device_readings(device_id, limit=limit)


class ReadingController(Controller):
    path = "/api/v1/readings"
    tags = ("devices",)
    guards = (auth.require(auth.CLINICAL_ROLES),)
    security = ({"BearerToken": []},)

    @get(
        "/",
        operation_id="listReadings",
        summary="A station's readings of the last 30 minutes, newest first (unclaimed only by default)",
    )
    async def listing(
        self,
        station: Annotated[str, QueryParameter(min_length=1, max_length=64)],
        now: NamedDependency[dt.datetime],
        claimed: FromQuery[bool] = False,
    ) -> list[DeviceReading]:
        return await store.station_readings(station, now=now, include_claimed=claimed)

    @get(
        "/events",
        operation_id="streamReadings",
        summary="Server-sent events: `reading`, `claimed` and `device` events (JSON), for one station or all",
    )
    async def events(
        self, devices: NamedDependency[DeviceManager], station: FromQuery[str | None] = None
    ) -> ServerSentEvent:
        return ServerSentEvent(_events(devices, station))

    @get("/{reading_id:int}", operation_id="getReading", responses=error_responses(401, 403, 404))
    async def one(self, reading_id: FromPath[int]) -> DeviceReading:
        return await store.get_reading(reading_id)


async def _events(devices: DeviceManager, station: str | None) -> AsyncIterator[ServerSentEventMessage]:
    ids = set(devices.station_devices(station)) if station else None
    async with devices.hub.subscribe() as feed:
        yield ServerSentEventMessage(data=None, comment="subscribed", retry=RETRY_MS)
        dropped = 0
        while True:
            event = await feed.next(KEEPALIVE_S)
            if event is None:
                yield ServerSentEventMessage(data=None, comment="ping")
                continue
            if feed.dropped != dropped:  # fell behind: tell the desk to re-read its list
                dropped = feed.dropped
                yield ServerSentEventMessage(event="resync", data="")
            if station is not None:
                match event:
                    case NewReading(reading=r) if r.station != station:
                        continue
                    case ReadingClaimed(station=s) if s != station:
                        continue
                    case DeviceChanged(device=d) if ids is not None and d.device_id not in ids:
                        continue
            tag = type(event).__struct_config__.tag
            yield ServerSentEventMessage(event=str(tag), data=msgspec.json.encode(event).decode())


class StationController(Controller):
    path = "/api/v1/stations/{station:str}"
    tags = ("devices",)
    guards = (auth.require(auth.CLINICAL_ROLES),)
    security = ({"BearerToken": []},)

    @get("/", operation_id="getStation", summary="The visit at the station and the station's devices")
    async def one(self, station: FromPath[str], devices: NamedDependency[DeviceManager]) -> StationState:
        return StationState(
            station=station, visit_id=devices.visit_at(station), devices=devices.station_devices(station)
        )

    @put(
        "/visit",
        operation_id="putStationVisit",
        summary="The visit now at the station: its devices' next readings are claimed for it",
        responses=error_responses(401, 403, 404, 409, 422),
    )
    async def put_visit(
        self,
        station: FromPath[str],
        data: JSONBody[StationVisit],
        devices: NamedDependency[DeviceManager],
        staff: NamedDependency[Staff],
        auditor: NamedDependency[Auditor],
    ) -> StationState:
        if len(station) > 64:
            raise NotFound("no such station (names are at most 64 characters)", field="station")
        if data.visit_id is not None:
            visit = await open_visit_of(data.visit_id)
            await auditor.resident(
                visit.resident_id, "station.visit", detail=f"station={station} visit={visit.id}"
            )
        devices.put_visit(station, data.visit_id, staff)
        return StationState(
            station=station, visit_id=devices.visit_at(station), devices=devices.station_devices(station)
        )


class VisitReadingController(Controller):
    path = "/api/v1/visits/{visit_id:int}/readings"
    tags = ("devices",)
    guards = (auth.require(auth.CLINICAL_ROLES),)
    security = ({"BearerToken": []},)

    @get("/", operation_id="listVisitReadings", responses=error_responses(401, 403, 404))
    async def listing(
        self, visit_id: FromPath[int], auditor: NamedDependency[Auditor]
    ) -> list[DeviceReading]:
        visit = await visit_row(visit_id)
        await auditor.resident(visit.resident_id, "visit.read", detail=f"visit={visit_id} readings")
        return await store.visit_readings(visit_id)

    @post(
        "/",
        operation_id="claimReadings",
        summary="The station's readings become the visit's observations (source: device)",
        status_code=201,
        responses=error_responses(401, 403, 404, 409, 422),
    )
    async def claim(
        self,
        *,
        visit_id: FromPath[int],
        data: JSONBody[ClaimRequest],
        db: NamedDependency[Database],
        staff: NamedDependency[Staff],
        now: NamedDependency[dt.datetime],
        rules: NamedDependency[RulesSettings],
        auditor: NamedDependency[Auditor],
        devices: NamedDependency[DeviceManager],
    ) -> list[VisitEntryResult]:
        claimed = await auditor.atomic(
            lambda: store.claim(db, visit_id, data.reading_ids, actor_id=staff.id, now=now, rules=rules),
            lambda saved: auditor.resident(
                saved[0].entry.resident_id,
                "visit.reading_claimed",
                detail=f"visit={visit_id} readings={','.join(str(i) for i in data.reading_ids)}",
            ),
        )
        for c in claimed:
            devices.hub.publish(
                ReadingClaimed(reading_id=c.reading.id, visit_id=visit_id, station=c.reading.station)
            )
        return [c.entry for c in claimed]
