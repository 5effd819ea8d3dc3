"""Indexes for device readings (see the first index migration's notes).

- reading_station_time: the desk lists its station's recent unclaimed readings (last 30 minutes) by time;
- reading_device_time: a device's newest readings (health, `onestop devices list`), by time.
(reading.visit, for a visit's claimed readings, is the column's own index.)
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-23T15:22:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "reading indexes"

STATEMENTS = [
    "CREATE INDEX reading_station_time ON reading (station, measured_at)",
    "CREATE INDEX reading_device_time ON reading (device, measured_at)",
]


async def create_indexes():
    engine = engine_finder()
    for sql in STATEMENTS:
        await engine.run_ddl(sql)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="onestop", description=DESCRIPTION)
    manager.add_raw(create_indexes)
    return manager
