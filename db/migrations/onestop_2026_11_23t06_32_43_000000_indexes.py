"""Indexes Piccolo cannot declare: composite lookups, the partial unique index, prefix-search indexes.

Written by hand (raw SQL, run inside the migration's transaction). Multi-column unique rules live here
too: Piccolo adds those with ALTER TABLE ADD CONSTRAINT, which SQLite does not have. Notes:
- visit_one_open_per_day: one OPEN visit per resident per local day (db/visits.py open_visit), enforced by
  the database as well as the check, so two terminals cannot both open one.
- resident_*_prefix (PostgreSQL only): prefix search is a range `col > 'ab' AND col < 'ac'` (db/search.py);
  it holds exactly the prefixed strings only in byte order, so PostgreSQL gets COLLATE "C" indexes (which
  also serve LIKE 'ab%'). SQLite compares bytes already and uses the plain column indexes.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-23T06:32:43:000000"
VERSION = "1.38.0"
DESCRIPTION = "composite, partial and prefix-search indexes"

BOTH = [
    "CREATE UNIQUE INDEX visit_one_open_per_day ON visit (resident, visit_date) WHERE closed_at IS NULL",
    "CREATE INDEX visit_resident_date ON visit (resident, visit_date)",
    # Two terminals appending the same step number is exactly the race the visit guard refuses.
    "CREATE UNIQUE INDEX visit_event_visit_seq ON visit_event (visit, seq)",
    "CREATE UNIQUE INDEX queue_ticket_number ON queue_ticket (queue, queue_date, number)",
    "CREATE INDEX observation_resident_code_at ON observation (resident, code, observed_at)",
    "CREATE INDEX audit_event_entity ON audit_event (entity, entity_id)",
    "CREATE INDEX contract_resident_status ON contract (resident, status)",
    "CREATE INDEX diagnosis_resident_status ON diagnosis (resident, status)",
    "CREATE INDEX questionnaire_answer_resident ON questionnaire_answer (resident, questionnaire, answered_at)",
    "CREATE INDEX management_plan_resident ON management_plan (resident, condition)",
    "CREATE INDEX follow_up_resident_due ON follow_up (resident, due_date)",
    "CREATE INDEX referral_resident_created ON referral (resident, created_at)",
    "CREATE INDEX appointment_resident_time ON appointment (resident, scheduled_for)",
]

POSTGRES_ONLY = [
    'CREATE INDEX resident_name_prefix ON resident (name COLLATE "C")',
    'CREATE INDEX resident_initials_prefix ON resident (name_initials COLLATE "C")',
]


async def create_indexes():
    engine = engine_finder()
    statements = BOTH + (POSTGRES_ONLY if engine.engine_type == "postgres" else [])
    for sql in statements:
        await engine.run_ddl(sql)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="onestop", description=DESCRIPTION)
    manager.add_raw(create_indexes)
    return manager
