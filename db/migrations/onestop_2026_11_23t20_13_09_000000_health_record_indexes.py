"""Indexes for the health record's history and family alerts (see the first index migration's notes).

- resident_relation_pair (unique): one kinship per ordered pair; the store replaces, never duplicates.
- family_alert_once (unique): an alert is raised once per relative, source and code, even if two desks
  confirm the same proposal at once.
- family_alert_relative_status: a resident's alerts from relatives, open ones first (the desk's banner).
- lifestyle_resident_at: the newest lifestyle of a resident.
(The list tables' resident columns are indexed by the table migration.)
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-23T20:13:09:000000"
VERSION = "1.38.0"
DESCRIPTION = "health record and family alert indexes"

STATEMENTS = [
    "CREATE UNIQUE INDEX resident_relation_pair ON resident_relation (resident, relative)",
    "CREATE UNIQUE INDEX family_alert_once ON family_alert (relative, source, code)",
    "CREATE INDEX family_alert_relative_status ON family_alert (relative, status)",
    "CREATE INDEX lifestyle_resident_at ON lifestyle (resident, recorded_at)",
]


async def create_indexes():
    engine = engine_finder()
    for sql in STATEMENTS:
        await engine.run_ddl(sql)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="onestop", description=DESCRIPTION)
    manager.add_raw(create_indexes)
    return manager
