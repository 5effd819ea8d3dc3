"""The device manager, in the API's lifespan: one reader thread per configured device; every reading saved
with its device, station, raw frame, time and stable flag, streamed to the desks, and claimed by the visit
the desk has put at that station.

Threads to the event loop: a reader calls `_on_event` from its own thread; the event crosses with
`call_soon_threadsafe` into one queue, and one task saves and publishes in arrival order. A reading is
saved before it is published (so every streamed reading has an id to claim by) and retried while the
database is busy: a device sends once and never again (DEVICES.md §2), so giving up would lose it.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from api.audit import Auditor
from api.pubsub import Hub
from db import readings as store
from db.engine import Database
from db.errors import StoreError
from flows.devices import (
    DeviceChanged,
    DeviceReading,
    DeviceStatus,
    NewReading,
    ReadingClaimed,
    ReadingEvent,
    claim_refusal,
)
from flows.errors import FlowError
from flows.model import Staff
from flows.rules.settings import RulesSettings
from onestop.config import DeviceConfig, Settings

if TYPE_CHECKING:
    from hardware.devices.base import Measurement
    from hardware.devices.reader import DeviceReader, ReaderEvent

log = logging.getLogger("onestop.devices")
BOUND: Final = 256  # readings a desk's stream may fall behind by before it is told to re-read
# A visit stays at a station this long after the desk put it there or after its last claimed reading. A
# desk that forgets to clear its station must not pour the next resident's blood pressure into this
# visit; a visit that is still being measured renews its time with every reading.
STATION_HOLD: Final = dt.timedelta(minutes=15)
SAVE_RETRIES: Final = (0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0)  # then the reading is logged in full


@dataclass
class _Bound:
    visit_id: int
    staff: Staff
    until: dt.datetime  # the desk forgot to clear the station: no later reading goes into this visit


class DeviceManager:
    # A plain class, not a dataclass: Litestar inspects a dependency's dataclass fields, and these name
    # hardware types imported only when devices are configured.
    def __init__(self, *, settings: Settings, clock: Callable[[], dt.datetime]) -> None:
        self.settings = settings
        self.clock = clock
        self.configs: dict[str, DeviceConfig] = {d.id: d for d in settings.devices}
        self.hub: Hub[ReadingEvent] = Hub(BOUND)
        self._readers: dict[str, DeviceReader] = {}
        self._config_errors: dict[str, str] = {}
        self._pks: dict[str, int] = {}
        self._stations: dict[str, _Bound] = {}
        self._queue: asyncio.Queue[tuple[str, object]] | None = None
        self._task: asyncio.Task[None] | None = None
        self._db: Database | None = None
        self._rules: RulesSettings | None = None

    async def start(self, db: Database, rules: RulesSettings) -> None:
        if not self.settings.devices:
            return
        self._db, self._rules = db, rules
        self._pks = await store.sync_devices(
            db,
            [
                store.DeviceRow(
                    device_id=d.id, kind=d.kind, protocol=d.protocol, url=d.url, station=d.station
                )
                for d in self.settings.devices
            ],
        )
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[tuple[str, object]] = asyncio.Queue()
        self._queue = queue
        self._task = asyncio.create_task(self._consume(queue), name="device-manager")
        for config in self.settings.devices:
            try:
                reader = self._reader(config, loop, queue)
            except Exception as exc:  # a bad pattern or simulator parameter: the other devices still run
                log.error("device %s not started: %s", config.id, exc)
                self._config_errors[config.id] = str(exc)
                continue
            self._readers[config.id] = reader
            reader.start()

    def _reader(
        self, config: DeviceConfig, loop: asyncio.AbstractEventLoop, queue: asyncio.Queue[tuple[str, object]]
    ) -> DeviceReader:
        from hardware.devices import registry
        from hardware.devices.reader import DeviceReader

        parts = registry.device_parts(
            config.protocol,
            config.url,
            pattern=config.pattern,
            baudrate=config.baudrate,
            framing=config.framing,
        )

        def on_event(device_id: str, event: ReaderEvent) -> None:  # on the reader's thread
            loop.call_soon_threadsafe(queue.put_nowait, (device_id, event))

        return DeviceReader(
            device_id=config.id,
            url=config.url,
            protocol=parts.protocol,
            line=parts.line,
            on_event=on_event,
            simulator=parts.simulator,
            wall_clock=self.clock,
        )

    async def stop(self) -> None:
        readers, self._readers = list(self._readers.values()), {}
        await asyncio.gather(*(asyncio.to_thread(r.stop) for r in readers))
        if self._queue is not None and self._task is not None:
            # Save what the readers delivered before they stopped, then end the task.
            self._queue.put_nowait(("", None))
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(self._task, 15)
        self._task = self._queue = None

    # --- state the API reads -------------------------------------------------------------------------

    def statuses(self) -> list[DeviceStatus]:
        return [self.status(d.id) for d in self.settings.devices]

    def status(self, device_id: str) -> DeviceStatus:
        config = self.configs[device_id]
        base: dict[str, Any] = {
            "device_id": config.id,
            "kind": config.kind,
            "protocol": config.protocol,
            "url": config.url,
            "station": config.station,
        }
        reader = self._readers.get(device_id)
        if reader is None:
            error = self._config_errors.get(device_id, "not started (the API is not running its devices)")
            return DeviceStatus(**base, connected=False, last_error=error)
        health = reader.health()
        return DeviceStatus(
            **base,
            connected=health.connected,
            since=health.since,
            last_seen=health.last_seen,
            readings=health.readings,
            rejected=health.rejected,
            errors=health.errors,
            reconnects=health.reconnects,
            last_error=health.last_error,
        )

    def station_devices(self, station: str) -> list[str]:
        return [d.id for d in self.settings.devices if d.station == station]

    def visit_at(self, station: str) -> int | None:
        bound = self._bound(station)
        return bound.visit_id if bound else None

    def _bound(self, station: str) -> _Bound | None:
        bound = self._stations.get(station)
        if bound is not None and self.clock() > bound.until:
            self._stations.pop(station, None)
            return None
        return bound

    def put_visit(self, station: str, visit_id: int | None, staff: Staff) -> None:
        """The visit now at the station (None: nobody); its devices' next readings are claimed for it."""
        if visit_id is None:
            self._stations.pop(station, None)
        else:
            self._stations[station] = _Bound(
                visit_id=visit_id, staff=staff, until=self.clock() + STATION_HOLD
            )

    # --- the consumer task ---------------------------------------------------------------------------

    async def _consume(self, queue: asyncio.Queue[tuple[str, object]]) -> None:
        from hardware.devices.base import Measurement, Rejected
        from hardware.devices.reader import Status

        while True:
            device_id, event = await queue.get()
            if event is None:
                return
            try:
                if isinstance(event, Measurement):
                    await self._measured(device_id, event)
                elif isinstance(event, Status | Rejected):
                    self.hub.publish(DeviceChanged(device=self.status(device_id)))
            except Exception:  # never let one event stop the readings of the site
                log.exception("device %s: could not handle %r", device_id, event)

    async def _measured(self, device_id: str, m: Measurement) -> None:
        config = self.configs[device_id]
        new = store.NewReading(
            values=dict(m.values),
            raw=m.raw,
            stable=m.stable,
            error=m.error,
            subject=m.subject,
            device_time=m.device_time,
            extra=dict(m.extra),
        )
        reading = await self._save(device_id, config.station, new)
        if reading is None:
            return
        self.hub.publish(NewReading(reading=reading))
        bound = self._bound(config.station)
        if bound is not None and claim_refusal(reading, self.clock()) is None:
            await self._claim(reading, bound)

    async def _save(self, device_id: str, station: str, new: store.NewReading) -> DeviceReading | None:
        assert self._db is not None
        for delay in (*SAVE_RETRIES, None):
            try:
                return await store.save_reading(
                    self._db, self._pks[device_id], station, new, now=self.clock()
                )
            except StoreError as exc:
                if delay is None:
                    log.error(
                        "device %s: reading NOT saved (%s): values=%s error=%s raw=%s",
                        device_id,
                        exc,
                        new.values,
                        new.error,
                        new.raw.hex(" "),
                    )
                    return None
                log.warning("device %s: saving a reading failed (%s); again in %.2f s", device_id, exc, delay)
                await asyncio.sleep(delay)
        return None

    async def _claim(self, reading: DeviceReading, bound: _Bound) -> None:
        assert self._db is not None
        assert self._rules is not None
        db, rules, now = self._db, self._rules, self.clock()
        auditor = Auditor(db=db, actor=bound.staff, address=None, now=now)
        try:
            claimed = await auditor.atomic(
                lambda: store.claim(
                    db, bound.visit_id, [reading.id], actor_id=bound.staff.id, now=now, rules=rules
                ),
                lambda saved: auditor.resident(
                    saved[0].entry.resident_id,
                    "visit.reading_claimed",
                    detail=f"visit={bound.visit_id} reading={reading.id} station={reading.station} auto",
                ),
            )
        except (FlowError, StoreError) as exc:
            # The visit closed or moved on, or the database stayed busy: the reading stays listed for the
            # station, unclaimed, and the desk can claim it by hand.
            log.info("reading %s not claimed by visit %s: %s", reading.id, bound.visit_id, exc)
            if self._stations.get(reading.station) is bound:
                self._stations.pop(reading.station, None)
            return
        bound.until = self.clock() + STATION_HOLD
        if claimed:
            self.hub.publish(
                ReadingClaimed(reading_id=reading.id, visit_id=bound.visit_id, station=reading.station)
            )
