"""`/api/v1/visits/{id}/education`: the health education (健康教育) of a visit, and printing it for the resident.

The content is computed, not stored: the visit's screening findings and the record's advice (db/education.py,
flows.rules.education), each item with its clauses. Printing queues a document job on the site's printer
(api/printing/documents.py); the job is audited under the resident.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from litestar import Controller, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import FromPath

from api import auth
from api.audit import Auditor
from api.errors import error_responses
from api.printing.documents import print_document
from db.education import visit_education
from db.engine import Database
from flows.model import Staff
from flows.printing import PrintJob
from flows.rules.education import VisitEducation, education_document
from flows.rules.settings import RulesSettings
from onestop.config import Settings


class EducationController(Controller):
    path = "/api/v1/visits/{visit_id:int}/education"
    tags = ("education",)
    guards = (auth.require(auth.CLINICAL_ROLES),)
    security = ({"BearerToken": []},)

    @get(
        "/",
        operation_id="getEducation",
        summary="The visit's health education: an item per finding and advice topic, each with its clauses",
        responses=error_responses(401, 403, 404),
    )
    async def education(
        self,
        *,
        visit_id: FromPath[int],
        db: NamedDependency[Database],
        zone: NamedDependency[zoneinfo.ZoneInfo],
        rules: NamedDependency[RulesSettings],
        auditor: NamedDependency[Auditor],
    ) -> VisitEducation:
        found = await visit_education(db, visit_id, rules=rules, tz=zone)
        await auditor.resident(found.resident_id, "education.read", detail=f"visit={visit_id}")
        return found

    @post(
        "/print",
        operation_id="printEducation",
        summary="Print the visit's health education on the site's printer (a document job)",
        status_code=201,
        responses=error_responses(401, 403, 404, 422),
    )
    async def print_education(
        self,
        *,
        state: State,
        visit_id: FromPath[int],
        db: NamedDependency[Database],
        staff: NamedDependency[Staff],
        now: NamedDependency[dt.datetime],
        zone: NamedDependency[zoneinfo.ZoneInfo],
        rules: NamedDependency[RulesSettings],
        settings: NamedDependency[Settings],
    ) -> PrintJob:
        found = await visit_education(db, visit_id, rules=rules, tz=zone)
        content = education_document(
            found.items,
            site_name=settings.site.name,
            doctor=staff.display_name,
            day=now.astimezone(zone).date(),
        )
        # print_document queues and audits under the resident in one transaction, then wakes the worker.
        return await print_document(
            state,
            content,
            actor_id=staff.id,
            now=now,
            resident_id=found.resident_id,
            detail=f"visit={visit_id}",
        )
