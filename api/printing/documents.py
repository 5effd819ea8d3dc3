"""Print a document (health education, a referral summary) on the site's ticket printer.

The job is queued (kind `document`, no ticket, the content stored with it) and audited in one transaction;
the worker is woken after the commit, so it never looks for a job that is not there yet. The worker renders
it with hardware/printer/document.py and retries it like a ticket (api/printing/worker.py).
"""

from __future__ import annotations

import asyncio
import datetime as dt

from litestar.datastructures import State

from api.context import context_of
from db import print_jobs
from db.audit import record_audit
from db.engine import write_transaction
from db.print_documents import queue_document
from flows.errors import InvalidInput
from flows.printing import DocumentContent
from flows.printing import PrintJob as PrintJobStruct
from hardware.printer.document import render_document

MAX_LINES = 400  # a long leaflet is about 120 lines on 58 mm paper; more is a mistake, not a document


async def print_document(
    state: State,
    content: DocumentContent,
    *,
    actor_id: int,
    now: dt.datetime,
    resident_id: int | None = None,
    detail: str | None = None,
) -> PrintJobStruct:
    """Queue `content` for the printer and wake the worker. Call it outside another transaction (it commits
    its own). With `resident_id` the print is audited under the resident (`document.print`), else under the
    job. Raises InvalidInput (422) for an empty title or an oversized document."""
    if not content.title.strip():
        raise InvalidInput("a document needs a title", field="title")
    if len(content.lines) > MAX_LINES:
        raise InvalidInput(
            f"a document holds at most {MAX_LINES} lines, got {len(content.lines)}", field="lines"
        )
    ctx = context_of(state)
    try:  # a page the worker could not render would fail at every retry: refuse it now instead
        await asyncio.to_thread(render_document, content, paper_mm=ctx.settings.printer.paper_mm)
    except ValueError as exc:
        raise InvalidInput(f"the document cannot be printed: {exc}", field="lines") from exc
    async with write_transaction(ctx.db):
        job_id = await queue_document(content, requested_by=actor_id, now=now)
        entity, entity_id = ("resident", resident_id) if resident_id is not None else ("print_job", job_id)
        note = f"print_job={job_id} title={content.title}" + (f" {detail}" if detail else "")
        await record_audit(
            ctx.db,
            actor_id=actor_id,
            action="document.print",
            entity=entity,
            entity_id=entity_id,
            detail=note,
            now=now,
        )
    ctx.printer.wake()
    return await print_jobs.get_job(job_id)
