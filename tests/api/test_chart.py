"""The doctor's chart over HTTP, on both databases: every block against what the record holds, an empty record,
the refusals, and the audit row.

The history (older values, follow-ups, prescriptions, a family alert, a contract about to end) is written to the
database as the other parts would leave it; today's values, the allergy and the diagnosis go through the API.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from db import tables
from flows.model import Role
from tests.api.helpers import Api, audit_rows, error, register
from tests.support.server import LiveServer

DAY = dt.timedelta(days=1)
RECORD = {
    "allergies": [{"kind": "drug", "substance": "青霉素", "reaction": "皮疹"}],
    "medicines": [{"name": "阿司匹林", "dose": "100 mg", "frequency": "每日一次", "source": "县医院"}],
}
DRUGS = ("氨氯地平", "二甲双胍", "阿托伐他汀", "缬沙坦")


def _chart(api: Api, resident_id: int) -> dict[str, Any]:
    answer = api.doctor.get(f"/api/v1/residents/{resident_id}/chart")
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


async def _history(server: LiveServer, resident_id: int, relative_id: int, staff_id: int) -> None:
    """What earlier visits and the other parts left: three earlier SBPs (two on one day), a done follow-up
    and an overdue booking, four prescriptions (one long-term ending in 10 days), a contract ending in 20
    days, and an open family alert about the resident."""
    now = server.clock()
    today = now.date()
    team = await tables.FamilyDoctorTeam.insert(tables.FamilyDoctorTeam(name="第二团队", room="全科3"))
    sbp = ((90, 150.0), (60, 142.0), (30, 138.0), (30, 136.0))  # (days ago, mmHg); the last two share a day
    for days, value in sbp:
        await tables.Observation.insert(
            tables.Observation(
                resident=resident_id,
                code="sbp",
                value=value,
                unit="mmHg",
                source="manual",
                observed_at=now - days * DAY,
            )
        )
    await tables.FollowUp.insert(
        tables.FollowUp(
            resident=resident_id,
            condition="hypertension",
            follow_up_class="controlled",
            due_date=today - 100 * DAY,
            mode="clinic",
            done_at=now - 100 * DAY,
            created_at=now - 190 * DAY,
        ),
        tables.FollowUp(
            resident=resident_id,
            condition="hypertension",
            follow_up_class="uncontrolled",
            due_date=today - 30 * DAY,
            mode="clinic",
            done_at=now - 30 * DAY,
            created_at=now - 100 * DAY,
        ),
        tables.FollowUp(
            resident=resident_id,
            condition="hypertension",
            due_date=today - 16 * DAY,
            mode="clinic",
            created_at=now - 30 * DAY,
        ),
    )
    for i, drug in enumerate(DRUGS):
        await tables.Prescription.insert(
            tables.Prescription(
                resident=resident_id,
                drug=drug,
                dose="1片",
                frequency="每日一次",
                long_term=i == 0,
                start_date=today - 60 * DAY,
                end_date=today + 10 * DAY if i == 0 else None,
                created_at=now,
            )
        )
    await tables.Prescription.insert(  # ended yesterday: not running
        tables.Prescription(
            resident=resident_id,
            drug="硝苯地平",
            dose="1片",
            frequency="每日一次",
            start_date=today - 60 * DAY,
            end_date=today - DAY,
            created_at=now,
        )
    )
    await tables.Contract.insert(
        tables.Contract(
            resident=resident_id,
            team=team[0]["id"],
            package="basic",
            start_date=today - 345 * DAY,
            end_date=today + 20 * DAY,
            status="active",
            created_at=now,
        )
    )
    await tables.FamilyAlert.insert(
        tables.FamilyAlert(
            relative=resident_id,
            source=relative_id,
            code="family.htn",
            condition="hypertension",
            relation="father",
            clauses='["FAMILY.htn"]',
            text="father has hypertension: high-risk group",
            alert_values="{}",
            status="open",
            created_at=now,
            created_by=staff_id,
        )
    )


def test_every_block_of_a_full_record(api: Api) -> None:
    person = register(api.nurse, 80, phone="13812345678")
    father = register(api.nurse, 81)
    rid = person["id"]
    api.server.run(_history(api.server, rid, father["id"], api.staff[Role.NURSE].id))
    assert api.nurse.put(f"/api/v1/residents/{rid}/health-record", json=RECORD).status_code == 200
    confirmed = api.doctor.post(
        f"/api/v1/residents/{rid}/diagnoses",
        json={"condition": "hypertension", "decision": "confirm", "basis": "上级医院已确诊"},
    )
    assert confirmed.status_code == 201, confirmed.text
    visit = api.nurse.post("/api/v1/visits", json={"resident_id": rid}).json()
    entry = api.nurse.post(
        f"/api/v1/visits/{visit['id']}/entries",
        json={"measurements": {"sbp": 185, "dbp": 96, "height": 170.0, "weight": 72.5}},
    )
    assert entry.status_code == 201, entry.text  # SBP ≥180: an open emergency flag
    plan = api.doctor.post(f"/api/v1/residents/{rid}/plans", json={"condition": "hypertension"})
    assert plan.status_code == 201, plan.text

    chart = _chart(api, rid)
    today = dt.date.fromisoformat(chart["today"])
    assert chart["name"] == person["name"]
    assert chart["sex"] == "male"
    assert chart["age"] >= 60
    assert chart["phone"] == "13812345678"
    assert "id_number" not in chart
    assert chart["id_number_masked"].endswith(person["id_number"][-4:])
    assert chart["id_number_masked"] != person["id_number"]

    [condition] = chart["conditions"]
    assert condition["condition"] == "hypertension"
    assert condition["icd10"] == "I10"
    assert condition["status"] == "confirmed"
    assert condition["diagnosed_on"] == str(today)
    assert condition["follow_up_class"] == "uncontrolled"  # the latest done follow-up, not the older one
    assert condition["last_followup"] == str(today - 30 * DAY)
    assert condition["next_due"] == str(today - 16 * DAY)
    assert condition["overdue"] is True

    measures = {m["code"]: m for m in chart["measures"]}
    assert list(measures) == ["sbp", "dbp", "weight", "bmi"]  # the chart's order; height is not charted
    sbp = measures["sbp"]
    assert sbp["value"] == 185
    assert sbp["unit"] == "mmHg"
    assert sbp["source"] == "manual"
    assert sbp["observed_on"] == str(today)  # the site's date, not UTC's
    assert sbp["flag"] == "high"
    assert sbp["limit"] == "≥150"  # aged ≥65: the BPHS-2017 indicator threshold
    assert sbp["clauses"] == ["HTN.control.programme", "HTN.control.programme.65"]
    # One point a day, the day's last value, oldest first.
    assert [p["value"] for p in sbp["series"]] == [150, 142, 136, 185]
    assert [p["flag"] for p in sbp["series"]] == ["high", None, None, "high"]
    assert measures["dbp"]["flag"] == "high"
    assert measures["weight"]["flag"] is None
    assert measures["bmi"]["value"] == 25.1
    assert measures["bmi"]["flag"] == "high"

    [saved_plan] = chart["plans"]
    assert saved_plan["condition"] == "hypertension"
    assert saved_plan["management_class"] == "uncontrolled"
    assert saved_plan["next_followup_days"] == 14

    medicines = chart["medicines"]
    assert [m["drug"] for m in medicines] == [DRUGS[0], *sorted(DRUGS[1:]), "阿司匹林"]
    assert medicines[0]["long_term"] is True
    assert medicines[0]["days_left"] == 10
    assert medicines[1]["days_left"] is None
    assert medicines[-1]["outside"] is True
    assert medicines[-1]["source"] == "县医院"
    assert chart["allergies"] == RECORD["allergies"]

    contract = chart["contract"]
    assert contract["team"] == "第二团队"
    assert contract["in_force"] is True
    assert contract["renewal_due"] is True
    assert contract["days_left"] == 20

    [visit_row] = chart["visits"]
    assert visit_row["id"] == visit["id"]
    assert visit_row["step"] == "intake"
    assert visit_row["closed"] is False

    kinds = [a["kind"] for a in chart["alerts"]]
    assert kinds == ["emergency", "allergy", "overdue", "family", "polypharmacy", "contract"]
    alerts = {a["kind"]: a for a in chart["alerts"]}
    assert alerts["emergency"]["level"] == "danger"
    assert alerts["emergency"]["findings"]
    assert alerts["overdue"]["count"] == 16
    assert (
        alerts["polypharmacy"]["count"] == 5
    )  # four prescriptions and the medicine from the county hospital
    assert alerts["polypharmacy"]["clauses"] == ["MM.polypharmacy"]
    assert alerts["family"]["family"]["source_name"] == father["name"]
    assert alerts["contract"]["count"] == 20

    rows = audit_rows(api, entity="resident", entity_id=rid)
    read = [r for r in rows if r["action"] == "chart.read"]
    assert len(read) == 1
    assert read[0]["actor_id"] == api.staff[Role.DOCTOR].id
    assert read[0]["detail"] == "conditions=1 measures=4 alerts=6"
    assert "青霉素" not in str(read)


def test_an_empty_record_has_empty_blocks(api: Api) -> None:
    person = register(api.nurse, 82)
    chart = api.nurse.get(f"/api/v1/residents/{person['id']}/chart")  # the nurse may read it too
    assert chart.status_code == 200, chart.text
    body = chart.json()
    for block in ("alerts", "conditions", "measures", "plans", "medicines", "allergies", "visits"):
        assert body[block] == [], block
    assert body["contract"] is None
    assert body["phone"] is None


def test_refusals(api: Api) -> None:
    error(api.doctor.get("/api/v1/residents/999999/chart"), 404)
    error(api.anon.get("/api/v1/residents/1/chart"), 401)
    error(api.admin.get("/api/v1/residents/1/chart"), 403)
