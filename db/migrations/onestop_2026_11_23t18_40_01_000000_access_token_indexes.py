"""Indexes for patient access tokens (see the first index migration's notes).

- access_token_purpose: issuing revokes the resident's live token of the same purpose, and staff list a
  resident's tokens; both look up by (resident, purpose).
(The page's lookup by hash is the unique index of token_hash.)
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-23T18:40:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "access token indexes"

STATEMENTS = [
    "CREATE INDEX access_token_purpose ON access_token (resident, purpose)",
]


async def create_indexes():
    engine = engine_finder()
    for sql in STATEMENTS:
        await engine.run_ddl(sql)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="onestop", description=DESCRIPTION)
    manager.add_raw(create_indexes)
    return manager
