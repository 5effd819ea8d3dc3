"""`/api/v1/printer` and `/api/v1/print-jobs`: the printer's state, a test page, the jobs and reprints.

Reprint is the only way a ticket is printed again: the worker never replays an expired or uncertain job
by itself (flows.printing), so staff decide, looking at the resident in front of them.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import msgspec
from litestar import Controller, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter

from api import auth
from api.audit import Auditor
from api.context import context_of
from api.errors import error_responses
from api.printing.worker import PrinterReport
from db import print_jobs
from db.engine import Database, write_transaction
from flows.model import Staff
from flows.printing import OFFERED, JobStatus, PrintJob

JobStatusFilter = Annotated[
    list[JobStatus] | None, QueryParameter(name="status", description="only jobs in these states")
]
Limit = Annotated[int, QueryParameter(ge=1, le=500, description="at most this many jobs, newest first")]


class PrinterController(Controller):
    path = "/api/v1"
    tags = ("printer",)
    guards = (auth.require(auth.CLINICAL_ROLES | auth.AUDIT_ROLES),)
    security = ({"BearerToken": []},)

    @get("/printer", operation_id="getPrinter", summary="The printer's state, asked now (DLE EOT)")
    async def status(self, *, state: State) -> PrinterReport:
        ctx = context_of(state)
        report = await ctx.printer.check()
        return msgspec.structs.replace(
            report,
            queued=await print_jobs.count_jobs((JobStatus.QUEUED, JobStatus.SENDING)),
            offered=await print_jobs.count_jobs(sorted(OFFERED)),
        )

    @post(
        "/printer/test",
        operation_id="printTestPage",
        summary="Queue a test page",
        status_code=201,
        responses=error_responses(401, 403),
    )
    async def test_page(
        self,
        *,
        state: State,
        db: NamedDependency[Database],
        staff: NamedDependency[Staff],
        now: NamedDependency[dt.datetime],
        auditor: NamedDependency[Auditor],
    ) -> PrintJob:
        async with write_transaction(db):
            job_id = await print_jobs.queue_job(None, kind="test", requested_by=staff.id, now=now)
            await auditor.record("print.test", entity="print_job", entity_id=job_id)
        context_of(state).printer.wake()
        return await print_jobs.get_job(job_id)

    @get(
        "/print-jobs",
        operation_id="listPrintJobs",
        summary="Print jobs, newest first (status=expired&status=uncertain: the ones offered for reprint)",
        responses=error_responses(401, 403, 422),
    )
    async def jobs(self, *, status: JobStatusFilter = None, limit: Limit = 100) -> list[PrintJob]:
        return await print_jobs.list_jobs(statuses=status or (), limit=limit)

    @get(
        "/print-jobs/offered",
        operation_id="listOfferedPrintJobs",
        summary="Jobs that did not print for sure: staff decide whether to print them again",
        responses=error_responses(401, 403),
    )
    async def offered(self) -> list[PrintJob]:
        return await print_jobs.list_jobs(statuses=sorted(OFFERED), limit=200)

    @get(
        "/print-jobs/{job_id:int}",
        operation_id="getPrintJob",
        summary="One print job",
        responses=error_responses(401, 403, 404),
    )
    async def job(self, *, job_id: FromPath[int]) -> PrintJob:
        return await print_jobs.get_job(job_id)

    @post(
        "/print-jobs/{job_id:int}/reprint",
        operation_id="reprintJob",
        summary="Print a job again, as staff asked (a new job marked 补打)",
        status_code=201,
        responses=error_responses(401, 403, 404, 409),
    )
    async def reprint(
        self,
        *,
        state: State,
        job_id: FromPath[int],
        db: NamedDependency[Database],
        staff: NamedDependency[Staff],
        now: NamedDependency[dt.datetime],
        auditor: NamedDependency[Auditor],
    ) -> PrintJob:
        job = await auditor.atomic(
            lambda: print_jobs.reprint(db, job_id, requested_by=staff.id, now=now),
            lambda new: auditor.record(
                "print.reprint", entity="print_job", entity_id=new.id, detail=f"of={job_id}"
            ),
        )
        context_of(state).printer.wake()
        return job
