"""The Litestar application factory: controllers, dependencies, error mapping, OpenAPI, database lifespan."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

from litestar import Litestar
from litestar.datastructures import State
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme

from api.board import ROUTES as BOARD_ROUTES
from api.context import DEPENDENCIES, ApiContext, Clock, context_of, site_clock
from api.controllers.access_tokens import AccessTokenController
from api.controllers.appointments import AppointmentController
from api.controllers.audit import AuditController
from api.controllers.care import CareController
from api.controllers.chart import ChartController
from api.controllers.contracts import ContractController, TeamController
from api.controllers.devices import (
    DeviceController,
    ReadingController,
    StationController,
    VisitReadingController,
)
from api.controllers.doctor_queue import DoctorQueueController
from api.controllers.education import EducationController
from api.controllers.entries import EntryController
from api.controllers.followups import FollowupFormController
from api.controllers.health import VERSION, HealthController
from api.controllers.health_record import HealthRecordController
from api.controllers.households import HouseholdController
from api.controllers.indicator_series import IndicatorSeriesController
from api.controllers.indicators import IndicatorController
from api.controllers.prescriptions import (
    MedicineController,
    PrescriptionController,
    ResidentPrescriptionController,
    ShortageController,
)
from api.controllers.printer import PrinterController
from api.controllers.queues import QueueController
from api.controllers.referrals import ReferralController
from api.controllers.residents import ResidentController
from api.controllers.rules import RulesController
from api.controllers.screening import ScreeningController
from api.controllers.session import SessionController
from api.controllers.visit_referrals import VisitReferralController
from api.controllers.visits import VisitController
from api.controllers.worklists import WorklistController
from api.errors import document_validation_as_422, exception_handlers
from api.patient.controller import ROUTES as PATIENT_ROUTES
from db.engine import Database, close, connect, pending_migrations
from db.engine import migrate as run_migrations
from db.errors import StoreError
from onestop.config import Settings

log = logging.getLogger("onestop.api")


class SchemaNotReady(StoreError):
    """The database has no onestop schema: `onestop db migrate` has not run against it."""

    code = "schema_not_ready"


def create_app(settings: Settings, *, clock: Clock | None = None, migrate: bool = False) -> Litestar:
    """Build the API. Nothing is opened here: the lifespan connects the database when the server starts.

    `clock` replaces the site clock (tests pin or shift time). `migrate=True` applies pending migrations at
    start-up (the test server and throwaway databases); by default the API does NOT migrate: on a shared
    PostgreSQL a schema change is the operator's step (`onestop db migrate`, after a backup), and an API
    that silently migrated would race another site's API doing the same. Instead it refuses to start, with
    a message saying which command to run, when the schema is missing.
    """
    context = ApiContext(settings=settings, clock=clock or site_clock(settings.site.timezone))

    @contextlib.asynccontextmanager
    async def database(app: Litestar) -> AsyncIterator[None]:
        ctx = context_of(app.state)
        # PostgreSQL: one asyncpg pool per API process, bound to the server's event loop. SQLite: aiosqlite
        # opens a connection per query, and WAL lets those readers run beside the one writer.
        db = await connect(ctx.settings.database, pool=ctx.settings.database.url.startswith("postgres"))
        try:
            if migrate:
                applied = await run_migrations(db)
                if applied:
                    log.info("applied migrations: %s", ", ".join(applied))
            else:
                await _check_schema(db)
            ctx.database = db
            # The print worker resumes the jobs a stopped API left queued (and marks the one it was
            # sending as uncertain: it may have printed). It needs the schema, so it starts here.
            await ctx.printer.start(db)
            # The readers start after the schema check: their readings are saved from the first byte.
            await ctx.devices.start(db, ctx.rules)
            try:
                yield
            finally:
                await ctx.devices.stop()
                await ctx.printer.stop()
                await ctx.calls.aclose()
        finally:
            ctx.database = None
            await close(db)

    openapi = OpenAPIConfig(
        title="onestop API",
        version=VERSION,
        description="One-stop chronic disease management centre: residents, households, visits, audit.",
        path="/schema",
        components=Components(
            security_schemes={
                "BearerToken": SecurityScheme(
                    type="http", scheme="bearer", description="token from POST /api/v1/session"
                )
            }
        ),
    )
    app = Litestar(
        route_handlers=[
            HealthController,
            SessionController,
            ResidentController,
            HouseholdController,
            VisitController,
            EntryController,
            ScreeningController,
            CareController,
            ChartController,
            EducationController,
            FollowupFormController,
            HealthRecordController,
            ContractController,
            TeamController,
            RulesController,
            IndicatorController,
            IndicatorSeriesController,
            QueueController,
            DoctorQueueController,
            PrinterController,
            DeviceController,
            ReadingController,
            StationController,
            VisitReadingController,
            AuditController,
            AccessTokenController,
            AppointmentController,
            ReferralController,
            VisitReferralController,
            MedicineController,
            ResidentPrescriptionController,
            PrescriptionController,
            ShortageController,
            WorklistController,
            *BOARD_ROUTES,
            *PATIENT_ROUTES,
        ],
        dependencies=DEPENDENCIES,
        exception_handlers=exception_handlers(),
        lifespan=[database],
        state=State({"onestop": context}),
        openapi_config=openapi,
        debug=False,
    )
    # Built now (~30 ms) rather than on the first /schema request, so the error documentation can be fixed.
    document_validation_as_422(app.openapi_schema)
    return app


async def preflight(settings: Settings) -> None:
    """Open, probe and close the database once, so `onestop serve` can refuse with one clear line
    (unreachable, not migrated) instead of a lifespan traceback. Raises StoreError."""
    db = await connect(settings.database)
    try:
        await _check_schema(db)
    finally:
        await close(db)


async def _check_schema(db: Database) -> None:
    # A database never migrated, or one migration behind the code, would fail on the first request that
    # touches a new column; refuse to start instead, naming what is missing.
    try:
        pending = await pending_migrations(db)
    except StoreError:
        raise
    except Exception as exc:
        raise SchemaNotReady(
            f"cannot read the migration state of the {db.kind} database at {_where(db)}: {exc}"
        ) from exc
    if pending:
        raise SchemaNotReady(
            f"the {db.kind} database at {_where(db)} lacks {len(pending)} migration(s) "
            f"({', '.join(pending)}); run `onestop db migrate` first"
        )


def _where(db: Database) -> str:
    return str(db.path) if db.path is not None else db.url.split("@")[-1]
