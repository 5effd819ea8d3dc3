"""The ticket's own status page (/q/{token}) is retired: the ticket's QR code now carries a patient access
token (/p/{token}, flows.access), of which only the hash is stored. Its plain-text token column goes in the
next migration; SQLite refuses to drop an indexed column, so the unique index goes first."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-23T18:39:59:000000"
VERSION = "1.38.0"
DESCRIPTION = "drop the ticket token index"


async def drop_index():
    engine = engine_finder()
    await engine.run_ddl("DROP INDEX IF EXISTS queue_ticket_token")


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="onestop", description=DESCRIPTION)
    manager.add_raw(drop_index)
    return manager
