"""Document print jobs (flows.printing.DocumentContent): queued with their content, read back to render.

A document has no ticket: what it says is the job's `content` (JSON), fixed when it is queued, so every attempt
and every reprint prints the same page.
"""

from __future__ import annotations

import datetime as dt

import msgspec

from db.print_jobs import queue_job, save_payload
from db.tables import PrintJob
from flows.printing import DocumentContent, JobKind


async def queue_document(content: DocumentContent, *, requested_by: int | None, now: dt.datetime) -> int:
    """Queue a document (inside the caller's transaction); rendering waits for the worker."""
    job_id = await queue_job(None, kind=JobKind.DOCUMENT.value, requested_by=requested_by, now=now)
    # The payload stays empty until the worker renders it (db.print_jobs: empty = not rendered yet).
    await save_payload(job_id, b"", msgspec.json.encode(content).decode(), now=now)
    return job_id


async def document_of(job_id: int) -> DocumentContent | None:
    """The document a job prints; None when the job holds no document (a ticket, a test page)."""
    rows = await PrintJob.select(PrintJob.content).where(PrintJob.id == job_id)
    text = rows[0]["content"] if rows else None
    if not text:
        return None
    try:
        return msgspec.json.decode(text, type=DocumentContent)
    except msgspec.ValidationError:
        return None  # a ticket's content (TicketContent) is not a document
