"""Triage to a ticket, the ticket's life, call-next order and gap-free numbers, over HTTP on both engines."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import httpx

from flows.model import Role
from tests.api.helpers import Api, advance, audit_rows, error
from tests.api.queueing import add_team, bulk_visits_at_triage, issue, to_triage


def test_unsigned_resident_gets_a_general_practice_number_and_the_visit_moves_on(api: Api) -> None:
    visit = to_triage(api, 1)
    answer = api.nurse.post("/api/v1/tickets", json={"visit_id": visit["id"]})
    assert answer.status_code == 201, answer.text
    issued = answer.json()
    ticket = issued["ticket"]
    assert ticket["label"] == "A001"
    assert ticket["queue_id"] == "gp"
    assert ticket["status"] == "waiting"
    assert ticket["priority"] == 0
    assert ticket["room"] == "全科诊室"
    assert issued["print_job_id"] is not None
    assert not issued["reprint"]
    after = api.nurse.get(f"/api/v1/visits/{visit['id']}").json()
    assert after["step"] == "diagnosis"  # the triage move committed with the ticket
    assert after["events"][-1]["move"] == "triage"
    rows = audit_rows(api, entity="resident", entity_id=visit["resident_id"])
    assert any(r["action"] == "ticket.issue" and "A001" in r["detail"] for r in rows)


def test_asking_again_reprints_the_same_ticket(api: Api) -> None:
    visit = to_triage(api, 2)
    first = issue(api, visit["id"])
    again = api.nurse.post("/api/v1/tickets", json={"visit_id": visit["id"]})
    assert again.status_code == 200
    body = again.json()
    assert body["reprint"]
    assert body["ticket"]["id"] == first["ticket"]["id"]
    assert body["ticket"]["label"] == "A001"
    assert body["print_job_id"] != first["print_job_id"]
    job = api.nurse.get(f"/api/v1/print-jobs/{body['print_job_id']}").json()
    assert job["kind"] == "reprint"
    assert job["label"] == "A001"
    listed = api.nurse.get("/api/v1/tickets").json()
    assert [t["label"] for t in listed] == ["A001"]  # never a second number


def test_signed_residents_go_to_their_team_first_and_emergencies_to_the_top(api: Api) -> None:
    team = add_team(api)
    plain = to_triage(api, 3)
    signed_a = to_triage(api, 4, team_id=team.id)
    signed_b = to_triage(api, 5, team_id=team.id)
    issue(api, plain["id"])
    a = issue(api, signed_a["id"])["ticket"]
    assert a["queue_id"] == f"team-{team.id}"
    assert a["label"] == "B001"
    assert a["room"] == "3号诊室"
    assert a["priority"] == 10
    # b's blood pressure is an emergency (HTN-2025 紧急转诊): its ticket goes to the top, marked.
    entry = api.nurse.post(
        f"/api/v1/visits/{signed_b['id']}/entries", json={"measurements": {"sbp": 190, "dbp": 100}}
    )
    assert entry.status_code in (200, 201), entry.text
    b = issue(api, signed_b["id"])["ticket"]
    assert b["emergency"]
    assert b["priority"] == 100
    assert b["ahead_at_issue"] == 0
    still = api.nurse.get(f"/api/v1/visits/{signed_b['id']}").json()
    assert still["step"] == "triage"  # the emergency gate holds the visit; the doctor sees them first
    called = api.doctor.post(f"/api/v1/queues/team-{team.id}/call-next")
    assert called.status_code == 200
    assert called.json()["label"] == b["label"]
    assert api.doctor.post(f"/api/v1/queues/team-{team.id}/call-next").json()["label"] == a["label"]
    nobody = api.doctor.post(f"/api/v1/queues/team-{team.id}/call-next")
    assert "nobody is waiting" in error(nobody, 404)["message"]


def test_call_order_within_a_queue_is_priority_then_arrival(api: Api) -> None:
    visits = [to_triage(api, 10 + i) for i in range(3)]
    labels = [issue(api, v["id"])["ticket"]["label"] for v in visits[:2]]
    urgent = issue(api, visits[2]["id"], priority=50, reason="孕妇")["ticket"]
    assert urgent["priority_reason"] == "孕妇"
    assert urgent["ahead_at_issue"] == 0
    order = [api.doctor.post("/api/v1/queues/gp/call-next").json()["label"] for _ in range(3)]
    assert order == [urgent["label"], *labels]


def test_ahead_counts_the_people_before_the_new_ticket(api: Api) -> None:
    visits = [to_triage(api, 20 + i) for i in range(3)]
    aheads = [issue(api, v["id"])["ticket"]["ahead_at_issue"] for v in visits]
    assert aheads == [0, 1, 2]


def test_override_needs_a_reason_and_a_known_queue(api: Api) -> None:
    visit = to_triage(api, 30)
    body = error(
        api.nurse.post("/api/v1/tickets", json={"visit_id": visit["id"], "queue_id": "pharmacy"}), 422
    )
    assert body["field"] == "reason"
    body = error(
        api.nurse.post("/api/v1/tickets", json={"visit_id": visit["id"], "queue_id": "xray", "reason": "x"}),
        404,
    )
    assert "pharmacy" in body["message"]
    body = error(api.nurse.post("/api/v1/tickets", json={"visit_id": visit["id"], "bogus": 1}), 422)
    assert body["field"] == "bogus"
    nothing = api.nurse.get("/api/v1/tickets").json()
    assert nothing == []  # refused requests wrote nothing


def test_a_visit_before_the_signing_check_needs_a_chosen_queue(api: Api) -> None:
    from tests.api.helpers import register

    resident = register(api.nurse, 31)
    visit = api.nurse.post("/api/v1/visits", json={"resident_id": resident["id"]}).json()
    body = error(api.nurse.post("/api/v1/tickets", json={"visit_id": visit["id"]}), 409)
    assert "signing check" in body["message"]
    chosen = issue(api, visit["id"], queue_id="screening", reason="先做筛查")["ticket"]
    assert chosen["label"] == "S001"
    assert api.nurse.get(f"/api/v1/visits/{visit['id']}").json()["step"] == "intake"


def test_the_whole_life_of_a_ticket_and_a_transfer(api: Api) -> None:
    visit = to_triage(api, 40)
    ticket = issue(api, visit["id"])["ticket"]

    def move(move: str, **extra: Any) -> dict[str, Any]:
        answer = api.doctor.post(f"/api/v1/tickets/{ticket['id']}/moves", json={"move": move, **extra})
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        return body

    assert move("call")["ticket"]["status"] == "called"
    assert move("skip")["ticket"]["status"] == "skipped"
    assert move("recall")["ticket"]["calls"] == 2
    assert move("start")["ticket"]["status"] == "in_service"
    refused = api.doctor.post(f"/api/v1/tickets/{ticket['id']}/moves", json={"move": "call"})
    assert "in_service" in error(refused, 409)["message"]  # move_not_allowed
    moved = move("transfer", queue_id="pharmacy", reason="取药")
    assert moved["ticket"]["status"] == "transferred"
    target = moved["transferred_to"]
    assert target["label"] == "P001"
    assert target["status"] == "waiting"
    assert moved["ticket"]["transferred_to"] == target["id"]
    jobs = api.nurse.get("/api/v1/print-jobs").json()
    assert any(j["ticket_id"] == target["id"] for j in jobs)  # the new number is printed


def test_stale_expected_status_is_409(api: Api) -> None:
    visit = to_triage(api, 41)
    ticket = issue(api, visit["id"])["ticket"]
    api.doctor.post(f"/api/v1/tickets/{ticket['id']}/moves", json={"move": "call"})
    stale = api.nurse.post(
        f"/api/v1/tickets/{ticket['id']}/moves", json={"move": "skip", "expected_status": "waiting"}
    )
    assert error(stale, 409)["field"] == "expected_status"


def test_cancelling_the_visit_takes_its_ticket_out_of_the_queue(api: Api) -> None:
    visit = to_triage(api, 42)
    ticket = issue(api, visit["id"])["ticket"]
    moved = api.nurse.post(f"/api/v1/visits/{visit['id']}/events", json={"move": "cancel", "reason": "离开"})
    assert moved.status_code == 200, moved.text
    assert api.nurse.get(f"/api/v1/tickets/{ticket['id']}").json()["status"] == "cancelled"
    assert error(api.doctor.post("/api/v1/queues/gp/call-next"), 404)


def test_numbers_restart_at_local_midnight(api: Api) -> None:
    first = issue(api, to_triage(api, 43)["id"])["ticket"]
    assert first["label"] == "A001"
    now = api.server.clock()
    midnight = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time(0, 1), tzinfo=now.tzinfo)
    advance(api, midnight - now)
    second = issue(api, to_triage(api, 44)["id"])["ticket"]
    assert second["label"] == "A001"
    assert second["queue_date"] == midnight.date().isoformat()


def test_queues_list_counts_today(api: Api) -> None:
    for seq in (50, 51):
        issue(api, to_triage(api, seq)["id"])
    api.doctor.post("/api/v1/queues/gp/call-next")
    queues = {q["queue"]["id"]: q for q in api.nurse.get("/api/v1/queues").json()}
    assert set(queues) >= {"gp", "screening", "pharmacy"}
    assert queues["gp"]["waiting"] == 1
    assert queues["gp"]["called"] == 1
    assert queues["gp"]["last_called"] == "A001"


def test_tickets_need_a_clinical_role(api: Api) -> None:
    assert api.anon.get("/api/v1/queues").status_code == 401
    assert api.admin.post("/api/v1/tickets", json={"visit_id": 1}).status_code == 403


def test_twenty_terminals_issue_fifty_tickets_each_without_duplicate_or_gap(api: Api) -> None:
    """Issue §Tests: 20 clients × 50 tickets into one queue, through the API: numbers 1…1000 exactly."""
    clients, per_client = 20, 50
    server = api.server
    now = server.clock()
    visit_ids = server.run(
        bulk_visits_at_triage(
            clients * per_client, opened_by=api.staff[Role.NURSE].id, now=now, day=now.date()
        ),
        timeout=120,
    )
    token = api.nurse.headers["Authorization"]
    failures: list[str] = []
    labels: list[str] = []
    lock = threading.Lock()

    def terminal(ids: list[int]) -> None:
        with httpx.Client(base_url=api.base_url, headers={"Authorization": token}, timeout=60) as client:
            for visit_id in ids:
                answer = client.post("/api/v1/tickets", json={"visit_id": visit_id})
                with lock:
                    if answer.status_code != 201:
                        failures.append(answer.text)
                    else:
                        labels.append(answer.json()["ticket"]["label"])

    threads = [
        threading.Thread(target=terminal, args=(visit_ids[i * per_client : (i + 1) * per_client],))
        for i in range(clients)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert failures == []
    numbers = sorted(int(label[1:]) for label in labels)
    assert numbers == list(range(1, clients * per_client + 1))
    tickets = api.nurse.get("/api/v1/tickets", params={"queue_id": "gp"}).json()
    assert len(tickets) == clients * per_client
    jobs = server.run(_ticket_jobs())
    assert len(jobs) == clients * per_client  # every ticket queued exactly one print job
    assert len(set(jobs)) == clients * per_client


async def _ticket_jobs() -> list[int]:
    from db.tables import PrintJob

    rows = await PrintJob.select(PrintJob.ticket).where(PrintJob.kind == "ticket")
    return [r["ticket"] for r in rows]


def test_preview_tells_what_issuing_will_do_and_saves_nothing(api: Api) -> None:
    team = add_team(api)
    first = to_triage(api, 11, team_id=team.id)
    issue(api, first["id"])
    visit = to_triage(api, 12, team_id=team.id)
    answer = api.nurse.post("/api/v1/tickets/preview", json={"visit_id": visit["id"]})
    assert answer.status_code == 200, answer.text
    preview = answer.json()
    assert preview["queue"]["id"] == f"team-{team.id}"
    assert preview["queue"]["room"] == "3号诊室"
    assert preview["priority"] == 10
    assert preview["why"].startswith("signed")
    assert preview["ahead"] == 1
    assert preview["existing"] is None
    assert api.nurse.get("/api/v1/tickets", params={"visit_id": visit["id"]}).json() == []
    assert api.nurse.get(f"/api/v1/visits/{visit['id']}").json()["step"] == "triage"
    # An override previewed: general practice by hand, with its reason; without a reason it is refused.
    chosen = api.nurse.post(
        "/api/v1/tickets/preview", json={"visit_id": visit["id"], "queue_id": "gp", "reason": "家庭医生外出"}
    ).json()
    assert chosen["queue"]["id"] == "gp"
    assert chosen["override_reason"] == "家庭医生外出"
    refused = api.nurse.post("/api/v1/tickets/preview", json={"visit_id": visit["id"], "queue_id": "gp"})
    assert error(refused, 422)["field"] == "reason"
    assert (
        error(api.nurse.post("/api/v1/tickets/preview", json={"visit_id": 99999}), 404)["field"] == "visit_id"
    )
    rows = audit_rows(api, entity="resident", entity_id=visit["resident_id"])
    assert any(r["action"] == "ticket.preview" for r in rows)


def test_tickets_filter_by_visit(api: Api) -> None:
    a = to_triage(api, 13)
    b = to_triage(api, 14)
    ta = issue(api, a["id"])["ticket"]
    issue(api, b["id"])
    listed = api.nurse.get("/api/v1/tickets", params={"visit_id": a["id"]}).json()
    assert [t["id"] for t in listed] == [ta["id"]]


def test_a_visit_referred_as_an_emergency_gets_an_emergency_ticket(api: Api) -> None:
    visit = to_triage(api, 15)
    moved = api.nurse.post(
        f"/api/v1/visits/{visit['id']}/events",
        json={"move": "refer_emergency", "reason": "血压 190/120，头痛"},
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["step"] == "referral"
    ticket = issue(api, visit["id"])["ticket"]
    assert ticket["emergency"]
    assert ticket["priority"] == 100
    assert api.nurse.get(f"/api/v1/visits/{visit['id']}").json()["step"] == "referral"
