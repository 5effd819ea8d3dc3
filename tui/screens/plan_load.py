"""What the plan screen reads (in its worker): the summary, each confirmed condition's default plan, today's
class from today's values, the prescriptions and the medicines list."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flows.medicines import MedicineItem
from flows.model import Condition, ResidentSummary, Visit
from flows.prescriptions import ResidentPrescriptions
from flows.rules.multimorbidity import DiseaseAssessment, DiseaseFollowup
from flows.rules.plans import ManagementPlan
from tui import labels
from tui.client import ApiClientError
from tui.errors import describe

if TYPE_CHECKING:
    from tui.client import ApiClient

Loaded = tuple[
    ResidentSummary,
    dict[Condition, ManagementPlan | str],
    dict[Condition, DiseaseAssessment],
    ResidentPrescriptions,
    list[MedicineItem],
]


def load_plan(client: ApiClient, visit: Visit) -> Loaded:
    from tui.endpoints import plans as api

    summary = client.resident_summary(visit.resident_id)  # the diagnosis step may have confirmed more
    found: dict[Condition, ManagementPlan | str] = {}
    for condition in summary.conditions:
        try:
            found[condition] = api.default_plan(client, visit.resident_id, condition)
        except ApiClientError as refused:  # e.g. no height on record: shown in the condition's line
            if refused.status != 422:
                raise
            found[condition] = describe(refused)
    drugs = api.prescriptions(client, visit.resident_id)
    return summary, found, today_classes(client, summary, visit, found, drugs), drugs, api.medicines(client)


def today_classes(
    client: ApiClient,
    summary: ResidentSummary,
    visit: Visit,
    plans: dict[Condition, ManagementPlan | str],
    drugs: ResidentPrescriptions,
) -> dict[Condition, DiseaseAssessment]:
    """Classify hypertension and diabetes on the values measured in this visit (nothing saved); a condition
    without today's value has no class today (an older reading is never reused)."""
    from tui.endpoints.plans import ClassifyBody, classify

    values = {o.code: o.value for o in summary.latest if o.visit_id == visit.id}
    items: list[DiseaseFollowup] = []
    for condition, plan in plans.items():
        previous = plan.conditions[0].cls if isinstance(plan, ManagementPlan) else None
        if condition is Condition.HYPERTENSION and "sbp" in values and "dbp" in values:
            sbp, dbp = round(values["sbp"]), round(values["dbp"])
            items.append(DiseaseFollowup(condition=condition, sbp=sbp, dbp=dbp, previous=previous))
        elif condition is Condition.DIABETES and "fpg" in values:
            items.append(DiseaseFollowup(condition=condition, fpg=values["fpg"], previous=previous))
    if not items:
        return {}
    body = ClassifyBody(
        items=tuple(items),
        age=labels.age(summary.resident.birth_date, visit.visit_date),
        today=visit.visit_date,
        drug_count=min(drugs.drug_count, 50),
    )
    try:
        result = classify(client, body)
    except ApiClientError as refused:
        if refused.status != 422:
            raise
        return {}
    return {d.condition: d for d in result.diseases}
