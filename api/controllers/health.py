"""`GET /api/v1/health`: is the API up and which database does it use (no login; launchers poll it)."""

from __future__ import annotations

import importlib.metadata

from litestar import Controller, get
from litestar.di import NamedDependency

from api.bodies import Health
from db.engine import Database
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
        return Health(status="ok", database=db.kind, version=VERSION, site=settings.site.name)
