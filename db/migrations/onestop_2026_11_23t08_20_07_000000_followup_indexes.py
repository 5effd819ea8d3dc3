"""Indexes for the follow-up records, emergency flags and symptoms (see the first index migration's notes).

- follow_up_condition_done: the indicators read one condition's follow-ups done in a period;
- follow_up_resident_condition_done: the classifier reads the previous follow-up's class of one condition;
- follow_up_open_due: the overdue worklist reads the bookings not yet done, by due date;
- emergency_flag_visit_open: one open emergency per visit at most is what the visit guard reads.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-23T08:20:07:000000"
VERSION = "1.38.0"
DESCRIPTION = "follow-up, emergency flag and symptom indexes"

STATEMENTS = [
    "CREATE INDEX follow_up_condition_done ON follow_up (condition, done_at)",
    "CREATE INDEX follow_up_resident_condition_done ON follow_up (resident, condition, done_at)",
    "CREATE INDEX follow_up_open_due ON follow_up (condition, due_date) WHERE done_at IS NULL",
    "CREATE INDEX emergency_flag_visit_status ON emergency_flag (visit, status)",
    "CREATE INDEX diagnosis_condition_status ON diagnosis (condition, status)",
]


async def create_indexes():
    engine = engine_finder()
    for sql in STATEMENTS:
        await engine.run_ddl(sql)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="onestop", description=DESCRIPTION)
    manager.add_raw(create_indexes)
    return manager
