"""Drug treatment: the site's essential medicines list, a resident's prescriptions, shortage records (缺药登记).

Prescribing and stopping are the doctor's; the list and the shortage records are shared with the nurses (the
pharmacy desk records and resolves shortages). Every read or write of a resident's prescriptions is audited.
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo

import msgspec
from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from api import auth
from api.audit import Auditor
from api.errors import error_responses
from db import prescribing, prescriptions, shortages
from db.engine import Database
from db.residents import get_resident
from flows import prescriptions as rx
from flows.errors import InvalidInput
from flows.medicines import EssentialMedicine, MedicineItem, find_medicine, list_items, load_medicines
from flows.model import Role, Staff
from flows.rules.settings import RulesSettings
from onestop.config import Settings

DOCTORS = frozenset({Role.DOCTOR})


class PrescriptionRequest(rx.PrescriptionRequest, frozen=True, kw_only=True, forbid_unknown_fields=True):
    pass


class StopRequest(rx.StopRequest, frozen=True, kw_only=True, forbid_unknown_fields=True):
    pass


class ShortageRequest(rx.ShortageRequest, frozen=True, kw_only=True, forbid_unknown_fields=True):
    pass


@functools.lru_cache(maxsize=4096)
def _initials(name: str) -> str:
    """Pinyin initials of a drug name (氨氯地平片 → aldpp); pypinyin is loaded on the first list only."""
    from pypinyin import Style, lazy_pinyin

    letters = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore")).lower()
    return "".join(ch for ch in letters if "a" <= ch <= "z")


def site_medicines(settings: Settings) -> tuple[EssentialMedicine, ...]:
    """The configured `[[medicines]]`, or the default list when none are configured."""
    return load_medicines(msgspec.to_builtins(settings.medicines))


class MedicineController(Controller):
    path = "/api/v1/medicines"
    tags = ("prescriptions",)
    guards = (auth.require(auth.CLINICAL_ROLES),)
    security = ({"BearerToken": []},)

    @get(
        operation_id="listMedicines",
        summary="The site's essential medicines list: dose and frequency choices, classes, initials, stock",
        responses=error_responses(401, 403),
    )
    async def medicines(self, *, settings: NamedDependency[Settings]) -> list[MedicineItem]:
        listed = site_medicines(settings)
        return list_items(
            listed,
            out_of_stock=await shortages.out_of_stock(),
            initials={m.drug: _initials(m.drug) for m in listed},
        )


class ResidentPrescriptionController(Controller):
    path = "/api/v1/residents/{resident_id:int}/prescriptions"
    tags = ("prescriptions",)
    guards = (auth.require(auth.CLINICAL_ROLES),)
    security = ({"BearerToken": []},)

    @get(
        operation_id="listPrescriptions",
        summary="The resident's running prescriptions (with days left) and those ended in the last 90 days",
        responses=error_responses(401, 403, 404),
    )
    async def listing(
        self,
        *,
        resident_id: FromPath[int],
        db: NamedDependency[Database],
        today: NamedDependency[dt.date],
        rules: NamedDependency[RulesSettings],
        auditor: NamedDependency[Auditor],
    ) -> rx.ResidentPrescriptions:
        await get_resident(db, resident_id)
        found = await prescribing.list_prescriptions(resident_id, today=today, settings=rules.multimorbidity)
        await auditor.resident(resident_id, "prescription.list")
        return found

    @post(
        operation_id="prescribe",
        summary="A doctor prescribes a drug of the list (long-term: confirmed, controlled, at most 84 days); "
        "out of stock: flagged and a shortage record made with it",
        status_code=201,
        guards=[auth.require(DOCTORS)],
        responses=error_responses(401, 403, 404, 422),
    )
    async def prescribe(
        self,
        *,
        resident_id: FromPath[int],
        data: JSONBody[PrescriptionRequest],
        db: NamedDependency[Database],
        staff: NamedDependency[Staff],
        now: NamedDependency[dt.datetime],
        zone: NamedDependency[zoneinfo.ZoneInfo],
        settings: NamedDependency[Settings],
        rules: NamedDependency[RulesSettings],
        auditor: NamedDependency[Auditor],
    ) -> rx.Prescribed:
        medicines = site_medicines(settings)
        return await auditor.atomic(
            lambda: prescribing.prescribe(
                db,
                resident_id,
                data,
                medicines,
                actor_id=staff.id,
                now=now,
                tz=zone,
                settings=rules.multimorbidity,
            ),
            lambda done: auditor.resident(
                resident_id,
                "prescription.create",
                detail=(
                    f"prescription={done.prescription.id} long_term={'yes' if done.prescription.long_term else 'no'}"
                    f" shortage={'yes' if done.shortage else 'no'}"
                ),
            ),
        )


class PrescriptionController(Controller):
    path = "/api/v1/prescriptions"
    tags = ("prescriptions",)
    guards = (auth.require(DOCTORS),)
    security = ({"BearerToken": []},)

    @post(
        "/{prescription_id:int}/stop",
        operation_id="stopPrescription",
        summary="A doctor stops a running prescription today, with the reason",
        status_code=200,
        responses=error_responses(401, 403, 404, 409, 422),
    )
    async def stop(
        self,
        *,
        prescription_id: FromPath[int],
        data: JSONBody[StopRequest],
        db: NamedDependency[Database],
        today: NamedDependency[dt.date],
        auditor: NamedDependency[Auditor],
    ) -> rx.PrescriptionRecord:
        return await auditor.atomic(
            lambda: prescriptions.stop_prescription(db, prescription_id, data.reason, today=today),
            lambda stopped: auditor.resident(
                stopped.resident_id, "prescription.stop", detail=f"prescription={stopped.id}"
            ),
        )


class ShortageController(Controller):
    path = "/api/v1/shortages"
    tags = ("prescriptions",)
    guards = (auth.require(auth.CLINICAL_ROLES),)
    security = ({"BearerToken": []},)

    @get(
        operation_id="listShortages",
        summary="The open shortage records, oldest first",
        responses=error_responses(401, 403),
    )
    async def listing(self) -> list[rx.ShortageRecord]:
        return await shortages.open_shortages()

    @post(
        operation_id="recordShortage",
        summary="Record that a drug of the list is out of stock (for a resident, when one needed it)",
        status_code=201,
        responses=error_responses(401, 403, 404, 422),
    )
    async def record(
        self,
        *,
        data: JSONBody[ShortageRequest],
        db: NamedDependency[Database],
        staff: NamedDependency[Staff],
        now: NamedDependency[dt.datetime],
        settings: NamedDependency[Settings],
        auditor: NamedDependency[Auditor],
    ) -> rx.ShortageRecord:
        if find_medicine(site_medicines(settings), data.drug) is None:
            raise InvalidInput(f"{data.drug!r} is not on this site's essential medicines list", field="drug")

        async def audit(saved: rx.ShortageRecord) -> None:
            if saved.resident_id is not None:
                await auditor.resident(saved.resident_id, "shortage.record", detail=f"shortage={saved.id}")
            else:
                await auditor.record("shortage.record", entity="drug_shortage", entity_id=saved.id)

        return await auditor.atomic(
            lambda: shortages.record_shortage(
                db,
                data.drug,
                resident_id=data.resident_id,
                visit_id=data.visit_id,
                prescription_id=None,
                note=data.note,
                actor_id=staff.id,
                now=now,
            ),
            audit,
        )

    @post(
        "/{shortage_id:int}/resolve",
        operation_id="resolveShortage",
        summary="The drug is back in stock: close the shortage record",
        status_code=200,
        responses=error_responses(401, 403, 404, 409),
    )
    async def resolve(
        self,
        *,
        shortage_id: FromPath[int],
        db: NamedDependency[Database],
        staff: NamedDependency[Staff],
        now: NamedDependency[dt.datetime],
        auditor: NamedDependency[Auditor],
    ) -> rx.ShortageRecord:
        return await auditor.atomic(
            lambda: shortages.resolve_shortage(db, shortage_id, actor_id=staff.id, now=now),
            lambda done: auditor.record("shortage.resolve", entity="drug_shortage", entity_id=done.id),
        )
