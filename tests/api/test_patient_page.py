"""Patient links and the patient page over HTTP, on SQLite and PostgreSQL: the token's life (issue, use,
replace, revoke, expire), one refusal page for every dead link, headers, throttling, audit, and tries to
reach another resident's data through every path and parameter."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from db.convert import utc
from db.tables import AccessToken, AuditEvent, Observation
from flows.access import token_hash
from flows.model import Role
from tests.api.helpers import Api, error, id_number, register
from tests.api.queueing import issue, to_triage
from tests.support.patient_data import TEAM_PHONE, seed_record

PUBLIC = "http://127.0.0.1:8750"  # the default api.public_url
MAX_PAGE_BYTES = 30 * 1024


def _issue(api: Api, resident_id: int, **extra: Any) -> dict[str, Any]:
    answer = api.nurse.post(
        "/api/v1/access-tokens", json={"resident_id": resident_id, "scope": "record", **extra}
    )
    assert answer.status_code == 201, answer.text
    body: dict[str, Any] = answer.json()
    return body


def _path(issued: dict[str, Any]) -> str:
    return str(issued["url"]).removeprefix(PUBLIC)


def _tokens(api: Api, resident_id: int) -> list[dict[str, Any]]:
    answer = api.nurse.get("/api/v1/access-tokens", params={"resident_id": resident_id})
    assert answer.status_code == 200, answer.text
    items: list[dict[str, Any]] = answer.json()["items"]
    return items


def _seeded(api: Api, seq: int = 1, **fields: Any) -> dict[str, Any]:
    resident = register(api.nurse, seq, phone="13912345678", address="幸福村3组18号", **fields)
    api.server.run(seed_record(resident["id"], now=api.server.clock()))
    return resident


# --- the token's life -----------------------------------------------------------------------------


def test_a_record_link_is_128_bits_shown_once_and_stored_only_as_a_hash(api: Api) -> None:
    resident = register(api.nurse, 1)
    issued = _issue(api, resident["id"])
    secret = issued["secret"]
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}", secret)  # 16 random bytes
    assert issued["url"] == f"{PUBLIC}/p/{secret}"
    assert issued["token"]["scope"] == "record"
    assert issued["token"]["status"] == "active"
    assert set(issued["qr"][0]) <= {"0", "1"}
    assert len(issued["qr"]) == len(issued["qr"][0]) >= 21
    # 30 days by default for a record card
    created = dt.datetime.fromisoformat(issued["token"]["created_at"])
    expires = dt.datetime.fromisoformat(issued["token"]["expires_at"])
    assert expires - created == dt.timedelta(days=30)

    async def stored() -> list[dict[str, Any]]:
        return await AccessToken.select()

    [row] = api.server.run(stored())
    assert row["token_hash"] == token_hash(secret)
    assert secret not in repr(row)
    # The secret is nowhere else either: not in the listing, not in the audit log.
    listed = api.nurse.get("/api/v1/access-tokens", params={"resident_id": resident["id"]}).text
    assert secret not in listed

    async def audit() -> list[dict[str, Any]]:
        return await AuditEvent.select()

    assert secret not in repr(api.server.run(audit()))


def test_the_page_opens_counts_its_use_and_audits_it_with_the_address(api: Api) -> None:
    resident = register(api.nurse, 1)
    issued = _issue(api, resident["id"])
    assert api.anon.get(_path(issued)).status_code == 200
    assert api.anon.get(_path(issued)).status_code == 200
    [token] = _tokens(api, resident["id"])
    assert token["uses"] == 2
    assert token["last_used_at"] is not None

    async def uses() -> list[dict[str, Any]]:
        return await AuditEvent.select().where(AuditEvent.action == "token.use")

    rows = api.server.run(uses())
    assert len(rows) == 2
    assert {(r["entity"], r["entity_id"], r["address"]) for r in rows} == {
        ("resident", resident["id"], "127.0.0.1")
    }
    assert all(f"access_token={token['id']}" in r["detail"] for r in rows)


def test_a_new_link_for_the_same_purpose_revokes_the_old_one(api: Api) -> None:
    resident = register(api.nurse, 1)
    first = _issue(api, resident["id"])
    second = _issue(api, resident["id"])
    assert api.anon.get(_path(first)).status_code == 404
    assert api.anon.get(_path(second)).status_code == 200
    newest, oldest = _tokens(api, resident["id"])
    assert (newest["id"], newest["status"]) == (second["token"]["id"], "active")
    assert (oldest["id"], oldest["status"]) == (first["token"]["id"], "revoked")
    assert oldest["revoked_by"] == api.staff[Role.NURSE].id  # the nurse who issued the new one


def test_a_visit_link_and_a_record_link_live_side_by_side(api: Api) -> None:
    visit = to_triage(api, 1)
    record = _issue(api, visit["resident_id"])
    link = _issue(api, visit["resident_id"], scope="visit", visit_id=visit["id"])
    assert api.anon.get(_path(record)).status_code == 200
    assert api.anon.get(_path(link)).status_code == 200
    # a visit link ends with the day
    expires = dt.datetime.fromisoformat(link["token"]["expires_at"]).astimezone(api.server.clock.zone)
    assert (expires.hour, expires.minute) == (0, 0)
    assert expires.date() == api.server.clock().date() + dt.timedelta(days=1)


def test_staff_revoke_a_link_at_once_and_only_once(api: Api) -> None:
    resident = register(api.nurse, 1)
    issued = _issue(api, resident["id"])
    token_id = issued["token"]["id"]
    answer = api.admin.post(f"/api/v1/access-tokens/{token_id}/revoke", json={"reason": "卡片丢失"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "revoked"
    assert api.anon.get(_path(issued)).status_code == 404
    error(api.nurse.post(f"/api/v1/access-tokens/{token_id}/revoke"), 409)
    error(api.nurse.post("/api/v1/access-tokens/999999/revoke"), 404)


def test_a_link_stops_at_its_expiry(api: Api) -> None:
    resident = register(api.nurse, 1)
    soon = (api.server.clock() + dt.timedelta(hours=1)).isoformat()
    issued = _issue(api, resident["id"], expires_at=soon)
    assert api.anon.get(_path(issued)).status_code == 200
    api.server.clock.advance(dt.timedelta(hours=1, seconds=1))
    assert api.anon.get(_path(issued)).status_code == 404
    [token] = _tokens(api, resident["id"])
    assert token["status"] == "expired"


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"resident_id": 999999, "scope": "record"}, 404, "resident_id"),
        ({"scope": "visit"}, 422, "visit_id"),
        ({"scope": "visit", "visit_id": 999999}, 404, "visit_id"),
        ({"scope": "record", "visit_id": 1}, 422, "visit_id"),
        ({"scope": "record", "expires_at": "2020-01-01T00:00:00+08:00"}, 422, "expires_at"),
        ({"scope": "record", "expires_at": "2099-01-01T00:00:00+08:00"}, 422, "expires_at"),
        ({"scope": "record", "expires_at": "2099-01-01T00:00:00"}, 422, "expires_at"),
        ({"scope": "everything"}, 400, None),
    ],
)
def test_issuing_refuses_bad_requests_and_names_the_field(
    api: Api, body: dict[str, Any], status: int, field: str | None
) -> None:
    resident = register(api.nurse, 1)
    answer = api.nurse.post("/api/v1/access-tokens", json={"resident_id": resident["id"], **body})
    if status == 400:  # a value outside the enum: Litestar's own validation answer
        assert answer.status_code in (400, 422), answer.text
        return
    assert error(answer, status)["field"] == field


def test_only_staff_issue_list_and_revoke_and_only_clinicians_issue(api: Api) -> None:
    resident = register(api.nurse, 1)
    body = {"resident_id": resident["id"], "scope": "record"}
    assert api.anon.post("/api/v1/access-tokens", json=body).status_code == 401
    assert api.anon.get("/api/v1/access-tokens", params={"resident_id": resident["id"]}).status_code == 401
    assert api.admin.post("/api/v1/access-tokens", json=body).status_code == 403
    assert api.doctor.post("/api/v1/access-tokens", json=body).status_code == 201
    assert api.admin.get("/api/v1/access-tokens", params={"resident_id": resident["id"]}).status_code == 200


# --- one refusal for every dead link ----------------------------------------------------------------


def _comparable(answer: httpx.Response) -> tuple[int, str, dict[str, str]]:
    headers = {k: v for k, v in answer.headers.items() if k not in ("date", "content-length")}
    return answer.status_code, answer.text, headers


def test_unknown_malformed_expired_and_revoked_links_get_the_same_page(api: Api) -> None:
    resident = register(api.nurse, 1)
    revoked = _issue(api, resident["id"])
    api.nurse.post(f"/api/v1/access-tokens/{revoked['token']['id']}/revoke")
    soon = (api.server.clock() + dt.timedelta(minutes=5)).isoformat()
    expired = _issue(api, resident["id"], scope="record", expires_at=soon)
    api.server.clock.advance(dt.timedelta(minutes=6))
    paths = [
        _path(revoked),
        _path(expired),
        "/p/" + "A" * 22,  # well formed, never issued
        "/p/short",
        "/p/" + "x" * 500,
        "/p/%3Cscript%3E",
    ]
    answers = [_comparable(api.anon.get(p)) for p in paths]
    assert all(a == answers[0] for a in answers), [a[0] for a in answers]
    status, text, headers = answers[0]
    assert status == 404
    assert headers["content-type"].startswith("text/html")
    assert "此链接无效或已过期" in text
    assert "服务台" in text
    assert "<script" not in text.lower()
    english = api.anon.get(paths[2], params={"lang": "en"})
    assert "not valid" in english.text


def test_the_page_headers_forbid_script_framing_caching_and_referrers(api: Api) -> None:
    resident = register(api.nurse, 1)
    for path in (_path(_issue(api, resident["id"])), "/p/" + "B" * 22):
        headers = api.anon.get(path).headers
        csp = headers["content-security-policy"]
        assert "default-src 'none'" in csp
        assert "script-src" not in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "no-referrer"
        assert headers["cache-control"] == "no-store"
        assert headers["x-content-type-options"] == "nosniff"


def test_an_address_that_keeps_guessing_is_throttled_and_others_are_not(api: Api) -> None:
    resident = register(api.nurse, 1)
    issued = _issue(api, resident["id"])
    for n in range(20):
        assert api.anon.get(f"/p/{'C' * 21}{n % 10}").status_code == 404
    blocked = api.anon.get(_path(issued))  # even a valid link: the guesser learns nothing more
    assert blocked.status_code == 429
    assert int(blocked.headers["retry-after"]) > 0
    assert "尝试次数过多" in blocked.text
    # another phone on the clinic's Wi-Fi is not affected
    other = httpx.Client(
        base_url=api.base_url, transport=httpx.HTTPTransport(local_address="127.0.0.2"), timeout=10
    )
    with other:
        assert other.get(_path(issued)).status_code == 200
    api.server.clock.advance(dt.timedelta(minutes=16))
    assert api.anon.get(_path(issued)).status_code == 200

    async def refused() -> list[dict[str, Any]]:
        return await AuditEvent.select().where(AuditEvent.action == "token.refused")

    rows = api.server.run(refused())
    assert len(rows) == 20
    assert {r["detail"] for r in rows} == {"unknown"}
    assert {r["address"] for r in rows} == {"127.0.0.1"}


# --- nobody else's data -------------------------------------------------------------------------------


def test_no_path_or_parameter_reaches_another_resident(api: Api) -> None:
    mine = _seeded(api, 1, name="王小明")
    other = _seeded(api, 2, name="李大红")
    other_visit = api.nurse.post("/api/v1/visits", json={"resident_id": other["id"]}).json()
    issued = _issue(api, mine["id"])
    path = _path(issued)
    secret = issued["secret"]
    base = api.anon.get(path).text
    assert "王*明" in base
    tries = [
        (path, {"resident_id": other["id"]}),
        (path, {"resident": other["id"]}),
        (path, {"id": other["id"]}),
        (path, {"visit_id": other_visit["id"]}),
        (path, {"token": secret, "resident_id": other["id"]}),
        (path, {"lang": f"en&resident_id={other['id']}"}),
        (f"{path}/", {}),
        (f"{path}/../{other['id']}", {}),
        (f"{path}%2F..%2F{other['id']}", {}),
        (f"{path}/qr.svg", {"resident_id": other["id"]}),
        (f"/p/{other['id']}", {}),
        (f"/p/{other['record_number']}", {}),
        (f"/p/{id_number(2)}", {}),
        (f"/api/v1/residents/{other['id']}", {"token": secret}),
        (f"/api/v1/residents/{other['id']}/summary", {}),
        (f"/api/v1/access-tokens?resident_id={other['id']}", {}),
    ]
    for target, params in tries:
        answer = api.anon.get(target, params=params)
        text = answer.text
        for secret_of_other in ("李大红", "李*红", other["record_number"], id_number(2)):
            assert secret_of_other not in text, (target, params)
        assert answer.status_code in (200, 401, 404), (target, params, answer.status_code)
    # my own page shows nothing of mine that must stay off it either
    for private in (id_number(1), mine["record_number"], "13912345678", "幸福村"):
        assert private not in base
    # and staff data never: no staff names or usernames
    for staff in api.staff.values():
        assert staff.display_name not in base
        assert staff.username not in base


def test_a_visit_link_cannot_be_made_for_another_residents_visit(api: Api) -> None:
    mine = register(api.nurse, 1)
    other = to_triage(api, 2)
    answer = api.nurse.post(
        "/api/v1/access-tokens", json={"resident_id": mine["id"], "scope": "visit", "visit_id": other["id"]}
    )
    assert error(answer, 404)["field"] == "visit_id"


def test_a_visit_link_shows_the_visit_and_not_the_record(api: Api) -> None:
    visit = to_triage(api, 1, name="张三丰")
    api.server.run(seed_record(visit["resident_id"], now=api.server.clock()))
    ticket = issue(api, visit["id"])["ticket"]
    link = _issue(api, visit["resident_id"], scope="visit", visit_id=visit["id"])
    page = api.anon.get(_path(link)).text
    assert ticket["label"] in page
    assert "等候中" in page
    assert 'http-equiv="refresh"' in page  # a waiting visit refreshes itself
    assert "自动刷新" in page
    record = api.anon.get(_path(_issue(api, visit["resident_id"]))).text
    assert ticket["label"] in record  # the record page shows today's queue too, but is read at leisure:
    assert 'http-equiv="refresh"' not in record
    assert "自动刷新" not in record
    assert "张*丰" in page
    for record_only in ("我的慢病", "我的用药", "氨氯地平", "高血压", TEAM_PHONE):
        assert record_only not in page
    assert api.doctor.post("/api/v1/queues/gp/call-next").status_code == 200
    called = api.anon.get(_path(link)).text
    assert "请到诊室" in called


# --- the page's content -------------------------------------------------------------------------------


def test_the_record_page_shows_the_record_within_30_kb_in_both_languages(api: Api) -> None:
    resident = _seeded(api, 1, name="王小明")
    issued = _issue(api, resident["id"])
    zh = api.anon.get(_path(issued))
    en = api.anon.get(_path(issued), params={"lang": "en"})
    for answer in (zh, en):
        assert answer.status_code == 200
        assert len(answer.content) <= MAX_PAGE_BYTES, len(answer.content)
        assert "<script" not in answer.text.lower()
        assert "style=" not in answer.text
        assert re.search(r"(src|href)=\"https?://", answer.text) is None  # no external resource
    page = zh.text
    for expected in (
        "我的健康档案",
        "高血压",
        "2型糖尿病",
        "氨氯地平片",
        "长期处方",
        "下次随访",
        "第一家庭医生团队",
        TEAM_PHONE,
        "3号诊室",
    ):
        assert expected in page, expected
    assert page.count("<svg") >= 3  # BP, glucose and weight trends
    assert 'lang="zh-CN"' in page
    english = en.text
    for expected in ("My health record", "Hypertension", "Type 2 diabetes", "My medicines", "Next follow-up"):
        assert expected in english, expected
    assert 'lang="en"' in english
    assert 'href="?lang=zh"' in english


def test_the_qr_code_of_a_record_link_downloads_as_svg(api: Api) -> None:
    resident = register(api.nurse, 1)
    issued = _issue(api, resident["id"])
    answer = api.anon.get(f"{_path(issued)}/qr.svg")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("image/svg+xml")
    assert "attachment" in answer.headers["content-disposition"]
    assert "<svg" in answer.text
    assert "<script" not in answer.text
    assert api.anon.get("/p/" + "D" * 22 + "/qr.svg").status_code == 404


def _wait(what: str, check: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 10
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_a_printed_ticket_carries_a_visit_link_and_a_reprint_kills_the_lost_one(api: Api) -> None:
    visit = to_triage(api, 1)
    job_id = issue(api, visit["id"])["print_job_id"]

    def ticket_links() -> list[dict[str, Any]]:
        return [t for t in _tokens(api, visit["resident_id"]) if t["purpose"].startswith("ticket:")]

    _wait("the ticket's link", lambda: len(ticket_links()) == 1)
    [first] = ticket_links()
    assert (first["scope"], first["status"], first["visit_id"]) == ("visit", "active", visit["id"])
    _wait("printed", lambda: api.nurse.get(f"/api/v1/print-jobs/{job_id}").json()["status"] == "printed")
    assert api.nurse.post(f"/api/v1/print-jobs/{job_id}/reprint").status_code in (200, 201)
    _wait("the reprint's link", lambda: len(ticket_links()) == 2)
    second, old = ticket_links()
    assert (second["status"], old["id"], old["status"]) == ("active", first["id"], "revoked")


def test_a_childs_card_and_an_implausible_stored_value_still_open_the_page(api: Api) -> None:
    child = register(api.nurse, 1, id_number=id_number(1, year=2016))
    assert api.anon.get(_path(_issue(api, child["id"]))).status_code == 200
    adult = register(api.nurse, 2)

    async def odd_value() -> None:
        await Observation.insert(
            Observation(
                resident=adult["id"],
                code="waist",
                value=900.0,
                unit="cm",
                source="manual",
                observed_at=utc(api.server.clock()),
            )
        )

    api.server.run(odd_value())
    answer = api.anon.get(_path(_issue(api, adult["id"])))
    assert answer.status_code == 200
    assert "我的健康档案" in answer.text


def test_the_demo_printers_ticket_carries_a_qr_that_opens_the_visit_page(api: Api) -> None:
    """The demo's preview printer (the default of these tests): read the QR off the stored job's bytes, as a
    phone reads it off the paper, and open it."""
    from hardware.printer.decode import Qr, decode

    directory = Path(api.server.settings.printer.url.removeprefix("preview://"))
    visit = to_triage(api, 1, name="张三丰")
    label = issue(api, visit["id"])["ticket"]["label"]
    _wait("the preview", lambda: any(directory.glob("*.bin")))
    [job] = directory.glob("*.bin")
    [qr] = [t for t in decode(job.read_bytes()) if isinstance(t, Qr)]
    assert re.fullmatch(rf"{re.escape(PUBLIC)}/p/[A-Za-z0-9_-]{{22}}", qr.payload)
    page = api.anon.get(qr.payload.removeprefix(PUBLIC))
    assert page.status_code == 200
    assert label in page.text
    assert "张*丰" in page.text


@pytest.mark.parametrize("db_kind", ["sqlite"])
def test_a_busy_database_gets_a_reload_page_and_no_unaudited_view(api: Api) -> None:
    import sqlite3

    resident = register(api.nurse, 1)
    path = _path(_issue(api, resident["id"]))
    holder = sqlite3.connect(
        api.server.settings.database.url.removeprefix("sqlite:///"), isolation_level=None
    )
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock past the busy timeout
    try:
        answer = api.anon.get(path, timeout=30)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert answer.status_code == 503
    assert answer.headers["retry-after"] == "5"
    assert "系统正忙" in answer.text
    assert "我的健康档案" not in answer.text
    [token] = _tokens(api, resident["id"])
    assert token["uses"] == 0
    assert api.anon.get(path).status_code == 200
