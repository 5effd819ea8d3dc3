"""`GET /api/v1/health`: is the API up and which database does it use (no login; launchers poll it); and
`GET /api/v1/health/devices`: the device readers' state, for `onestop devices list`."""

from __future__ import annotations

import importlib.metadata

from litestar import Controller, get
from litestar.di import NamedDependency

from api.bodies import Health
from api.devices.manager import DeviceManager
from db.engine import Database
from flows.devices import DeviceStatus
from onestop.config import Settings


def _version() -> str:
    try:
        return importlib.metadata.version("onestop")
    except importlib.metadata.PackageNotFoundError:  # running from a source tree that is not installed
        return "0+unknown"


VERSION = _version()


class HealthController(Controller):
    path = "/api/v1/health"
    tags = ("health",)

    @get("/", operation_id="getHealth", summary="Liveness and database kind")
    async def health(self, db: NamedDependency[Database], settings: NamedDependency[Settings]) -> Health:
        return Health(
            status="ok",
            database=db.kind,
            version=VERSION,
            site=settings.site.name,
            timezone=settings.site.timezone,
        )

    @get(
        "/devices",
        operation_id="getDeviceHealth",
        summary="Each configured device's reader: connected, last seen, counts (no login; no patient data)",
    )
    async def devices(self, devices: NamedDependency[DeviceManager]) -> list[DeviceStatus]:
        # For `onestop devices list` on the API's machine, which has no staff token: device states and
        # counts only, never a reading.
        return devices.statuses()
