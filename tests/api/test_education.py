"""Health education over HTTP, on both databases: an item per finding with its clauses, the record's advice,
printing it as a document job that the preview printer renders, reprinting it, refusals.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from flows.rules.base import CLAUSES
from hardware.printer.decode import Cut, decode, text_of
from tests.api.helpers import Api, audit_rows, error, id_number
from tests.support.server import LiveServer

RECORD = {"lifestyle": {"smoking": "current", "cigarettes_per_day": 10, "salt": "heavy"}}
COPD_SQ = {
    "pack_years": 20,
    "bmi": 27.0,
    "cough_without_cold": True,
    "breathlessness": "walking_normally",
    "biomass_fuel": False,
    "family_history": False,
}


def _ok(answer: Any, status: int = 200) -> Any:
    assert answer.status_code == status, answer.text
    return answer.json()


def _visit(api: Api, seq: int, *, year: int = 1960, **measurements: float) -> tuple[int, int]:
    """A resident (male) with today's visit and its measurements; (resident id, visit id)."""
    body = {"id_number": id_number(seq, year=year), "name": f"宣教{seq}"}
    resident = _ok(api.nurse.post("/api/v1/residents", json=body), 201)["id"]
    visit = _ok(api.nurse.post("/api/v1/visits", json={"resident_id": resident}), 201)["id"]
    if measurements:
        _ok(api.nurse.post(f"/api/v1/visits/{visit}/entries", json={"measurements": measurements}), 201)
    return resident, visit


def _items(api: Api, visit_id: int) -> dict[str, dict[str, Any]]:
    body = _ok(api.doctor.get(f"/api/v1/visits/{visit_id}/education"))
    assert body["visit_id"] == visit_id
    assert body["title"] == "健康教育处方"
    return {item["code"]: item for item in body["items"]}


def test_each_finding_has_its_item_with_clauses(api: Api) -> None:
    resident, visit = _visit(api, 1, sbp=132, dbp=86, fpg=6.3, tc=5.6, weight=80.0, height=170.0, waist=95.0)
    _ok(api.nurse.put(f"/api/v1/residents/{resident}/health-record", json=RECORD))
    _ok(api.nurse.post(f"/api/v1/visits/{visit}/questionnaires/copd_sq", json={"answers": COPD_SQ}), 201)
    items = _items(api, visit)
    expected = {
        # HTN-2020 §血压水平分类 high-normal, BPHS-2017 §筛查 high-risk group: BP every 6 months
        "htn.grade.high_normal": ("血压正常高值", {"HTN.grade.high_normal", "HTN.high_risk"}, "每6个月"),
        # DM-2022 IFG 6.1–<7.0; BPHS-2017 a high-risk resident's FPG every year
        "dm.prediabetes.ifg": ("糖尿病前期（空腹血糖受损）", {"DM.prediabetes.ifg"}, "6.1–7.0"),
        # LIPID-2023: TC 5.2–<6.2 borderline high; screening interval
        "lipid.borderline_high": ("血脂边缘升高", {"LIPID.tc", "LIPID.screening"}, "每年查一次血脂"),
        # COPD-2024 COPD-SQ ≥16: spirometry
        "copd.sq.high_risk": ("慢阻肺高危", {"COPD.sq.high_risk"}, "肺功能检查"),
        # the record's advice: a smoker told to quit, heavy salt, BMI 27.7 overweight, waist 95 central
        "advice.smoking": ("吸烟", {"PLAN.smoking"}, ""),
        "advice.salt": ("吃盐", {"PLAN.salt"}, ""),
        "advice.weight": ("体重", {"WEIGHT.bmi"}, "27.7"),
    }
    for code, (title, clauses, words) in expected.items():
        assert code in items, (code, sorted(items))
        item = items[code]
        assert item["title"] == title
        assert clauses <= set(item["clauses"]), (code, item["clauses"])
        assert words in "".join(item["lines"]), (code, item["lines"])
        assert len(item["lines_en"]) == len(item["lines"]) > 0
    for item in items.values():
        assert item["clauses"], item["code"]
        assert all(c in CLAUSES for c in item["clauses"]), item["clauses"]
    # the high-normal item already says "every 6 months": the plain high-risk item is not repeated
    assert "htn.high_risk" not in items
    rows = audit_rows(api, entity="resident", entity_id=resident)
    assert ("education.read", f"visit={visit}") in [(r["action"], r["detail"]) for r in rows]


def test_nothing_found_still_gets_the_general_advice(api: Api) -> None:
    _resident, visit = _visit(api, 2, year=1990, sbp=112, dbp=72)  # under 55: age is no risk factor
    items = _items(api, visit)
    assert not [c for c in items if not c.startswith("advice.")], "no finding item for a normal visit"
    assert {"advice.salt", "advice.diet", "advice.exercise"} <= set(items)


def _preview_jobs(server: LiveServer, count: int, timeout_s: float = 10.0) -> list[bytes]:
    folder = Path(server.settings.printer.url.removeprefix("preview://"))
    deadline = time.monotonic() + timeout_s
    while True:
        jobs = sorted(folder.glob("*.bin")) if folder.exists() else []
        if len(jobs) >= count:
            assert len(list(folder.glob("*.png"))) >= count, "the preview draws every job"
            return [p.read_bytes() for p in jobs]
        if time.monotonic() > deadline:
            raise AssertionError(f"{len(jobs)} of {count} jobs reached the preview printer")
        time.sleep(0.05)


def _printed(api: Api, job_id: int) -> dict[str, Any]:
    deadline = time.monotonic() + 10
    while True:
        job: dict[str, Any] = _ok(api.doctor.get(f"/api/v1/print-jobs/{job_id}"))
        if job["status"] == "printed" or time.monotonic() > deadline:
            return job
        time.sleep(0.05)


def test_printing_queues_a_document_the_preview_printer_renders(api: Api) -> None:
    resident, visit = _visit(api, 3, sbp=134, dbp=84, fpg=6.4)
    job = _ok(api.doctor.post(f"/api/v1/visits/{visit}/education/print"), 201)
    assert (job["kind"], job["ticket_id"]) == ("document", None)
    assert _printed(api, job["id"])["status"] == "printed"
    (data,) = _preview_jobs(api.server, 1)
    tokens = decode(data)
    assert isinstance(tokens[-1], Cut)
    lines = text_of(tokens)
    assert lines[0] == "健康教育处方"
    assert "【血压正常高值】" in lines
    assert "【糖尿病前期（空腹血糖受损）】" in lines
    assert lines[-1].startswith(api.server.settings.site.name)
    assert "doctor one" in lines[-1], "the footer names the doctor"
    assert not any("HTN." in line for line in lines), (
        "clause ids stay on the screen, off the resident's paper"
    )
    rows = audit_rows(api, entity="resident", entity_id=resident)
    assert any(r["action"] == "document.print" and f"print_job={job['id']}" in r["detail"] for r in rows)

    # A reprint (staff asked again) prints the same page, marked as a new job.
    again = _ok(api.nurse.post(f"/api/v1/print-jobs/{job['id']}/reprint"), 201)
    assert _printed(api, again["id"])["status"] == "printed"
    second = _preview_jobs(api.server, 2)[1]
    assert text_of(decode(second)) == lines


@pytest.mark.parametrize("role", ["nurse", "doctor"])
def test_clinical_roles_may_read_and_print(api: Api, role: str) -> None:
    _resident, visit = _visit(api, 4 if role == "nurse" else 5, sbp=120, dbp=80)
    client = getattr(api, role)
    _ok(client.get(f"/api/v1/visits/{visit}/education"))
    _ok(client.post(f"/api/v1/visits/{visit}/education/print"), 201)


def test_refusals(api: Api) -> None:
    _resident, visit = _visit(api, 6)
    error(api.anon.get(f"/api/v1/visits/{visit}/education"), 401)
    error(api.anon.post(f"/api/v1/visits/{visit}/education/print"), 401)
    error(api.doctor.get("/api/v1/visits/999999/education"), 404)
    error(api.doctor.post("/api/v1/visits/999999/education/print"), 404)
    assert _ok(api.doctor.get("/api/v1/print-jobs")) == [], "a refused print queues nothing"
