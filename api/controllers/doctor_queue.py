"""`/api/v1/queues/{queue_id}/patients`: the doctor's queue with names (the board's list has none, by design).

Staff only (doctors call from it, nurses answer "how long still?" at the desk). A list touches many residents:
it is audited as one list row, not one per resident, so every doctor's refresh every few seconds does not
queue behind SQLite's single writer once per patient.
"""

from __future__ import annotations

import datetime as dt

from litestar import Controller, get
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import FromPath

from api import auth
from api.audit import RESIDENT, Auditor
from api.context import context_of
from api.errors import error_responses
from db.doctor_queue import queue_patients
from flows.doctor_queue import QueuePatient
from flows.queue import find_queue


class DoctorQueueController(Controller):
    path = "/api/v1/queues"
    tags = ("queues",)
    guards = (auth.require(auth.CLINICAL_ROLES),)
    security = ({"BearerToken": []},)

    @get(
        "/{queue_id:str}/patients",
        operation_id="listQueuePatients",
        summary="Today's open tickets of a queue in call order, with name, sex, birth date, conditions "
        "and minutes waited",
        responses=error_responses(401, 403, 404),
    )
    async def patients(
        self,
        *,
        state: State,
        queue_id: FromPath[str],
        now: NamedDependency[dt.datetime],
        today: NamedDependency[dt.date],
        auditor: NamedDependency[Auditor],
    ) -> list[QueuePatient]:
        queue = find_queue(await context_of(state).queues(), queue_id)
        found = await queue_patients(queue.id, today, now=now)
        await auditor.record(
            "list", entity=RESIDENT, entity_id=None, detail=f"queue={queue.id} results={len(found)}"
        )
        return found
