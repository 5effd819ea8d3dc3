"""Indexes for queue tickets and print jobs (see the first index migration's notes).

(queue_ticket_number, unique per queue, day and number, is in the first index migration.)
- queue_ticket_resident: one ticket per resident per queue per day: asking again finds it (a reprint);
- queue_ticket_call: call-next reads the waiting tickets of one queue and day in call order;
- queue_ticket_board: the board reads the day's called tickets;
- queue_ticket_token: the ticket's status page finds it by its public token;
- print_job_due: the worker reads its printer's queued jobs by next attempt.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-23T12:13:49:000000"
VERSION = "1.38.0"
DESCRIPTION = "queue ticket and print job indexes"

STATEMENTS = [
    "CREATE UNIQUE INDEX queue_ticket_resident ON queue_ticket (resident, queue, queue_date)",
    "CREATE INDEX queue_ticket_call ON queue_ticket (queue, queue_date, status, priority, order_at)",
    "CREATE INDEX queue_ticket_board ON queue_ticket (queue_date, status)",
    "CREATE UNIQUE INDEX queue_ticket_token ON queue_ticket (public_token)",
    "CREATE INDEX print_job_due ON print_job (printer, status, next_attempt_at)",
    "CREATE INDEX print_job_ticket ON print_job (ticket)",
]


async def create_indexes():
    engine = engine_finder()
    for sql in STATEMENTS:
        await engine.run_ddl(sql)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="onestop", description=DESCRIPTION)
    manager.add_raw(create_indexes)
    return manager
