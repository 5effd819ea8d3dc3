"""The signing check against the real API on loopback: confirm with F10, sign with keys, decline, renew.

Each test brings a visit to the signing check through the API (as the earlier steps' screens would), pushes
the screen after logging in, presses keys, then reads back what the API holds. The screen under test is the
real one; after a move it keeps the visit instead of opening the triage screen (another part of the desk).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest
from textual.pilot import Pilot

from db import tables
from db.staff import create_team
from flows.clinical import SigningStatus
from flows.model import Contract, ContractStatus, FamilyDoctorTeam, ResidentSummary, Visit
from flows.rules.contracts import default_end_date
from tests.support.server import bearer, login
from tests.tui.helpers import DeskApi, log_in, screen_text, settle, shot, until
from tui import i18n
from tui.app import OnestopApp
from tui.flow import VisitContext
from tui.screens import signing
from tui.screens.signing import SigningScreen
from tui.screens.signing_words import Standing, contract_rows, standing


class SigningUnderTest(SigningScreen):
    CSS_PATH = str(Path(signing.__file__).with_name("signing.tcss"))  # a relative path would be the test's
    moved_to: VisitContext | None = None

    def after_move(self, ctx: VisitContext) -> None:
        self.moved_to = ctx


@pytest.fixture
def http(desk_api: DeskApi) -> Iterator[httpx.Client]:
    """Another terminal of the same nurse: the test's own view of the API."""
    token = login(desk_api.base_url, desk_api.username, desk_api.password)
    with httpx.Client(base_url=desk_api.base_url, headers=bearer(token), timeout=10) as client:
        yield client


def _ok(answer: httpx.Response) -> Any:
    assert answer.status_code in {200, 201}, answer.text
    return answer.json()


def _at_signing(http: httpx.Client, resident_id: int) -> VisitContext:
    """Today's visit of the resident moved to the signing check, and the resident's summary."""
    found = _ok(http.get("/api/v1/visits", params={"resident_id": resident_id, "open": "true"}))
    visit = found[0] if found else _ok(http.post("/api/v1/visits", json={"resident_id": resident_id}))
    for move, step in (
        ("start_screening", "intake"),
        ("finish_screening", "screening"),
        ("finish_record_update", "record_update"),
    ):
        body = {"move": move, "expected_step": step}
        visit = _ok(http.post(f"/api/v1/visits/{visit['id']}/events", json=body))
    summary = http.get(f"/api/v1/residents/{resident_id}/summary")
    return VisitContext(
        visit=msgspec.convert(visit, Visit),
        summary=msgspec.json.decode(summary.content, type=ResidentSummary),
    )


def _teams(http: httpx.Client) -> dict[str, int]:
    return {t["name"]: t["id"] for t in _ok(http.get("/api/v1/teams"))}


def _second_team(desk: DeskApi) -> None:
    server = desk.server
    server.run(create_team(server.database, name="第二家庭医生团队", room="全科诊室5"))


def _visit(http: httpx.Client, visit_id: int) -> dict[str, Any]:
    found: dict[str, Any] = _ok(http.get(f"/api/v1/visits/{visit_id}"))
    return found


def _contracts(http: httpx.Client, resident_id: int) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = _ok(http.get("/api/v1/contracts", params={"resident_id": resident_id}))
    return found


async def _open(pilot: Pilot[Any], app: OnestopApp, desk: DeskApi, ctx: VisitContext) -> SigningUnderTest:
    await log_in(pilot, desk.username, desk.password)
    screen = SigningUnderTest(ctx)
    await app.push_screen(screen)
    await until(pilot, lambda: screen.status is not None, "the signing status")
    return screen


def _app(desk: DeskApi, lang: str = "zh_CN") -> OnestopApp:
    return OnestopApp(server=desk.base_url, lang=lang, station="front-desk-1")


async def test_a_signed_resident_is_confirmed_with_one_key(
    desk_api: DeskApi, http: httpx.Client, artifacts: Path
) -> None:
    ctx = _at_signing(http, desk_api.residents["张三丰"].id)
    team_id = _teams(http)[desk_api.team_name]
    app = _app(desk_api)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot, app, desk_api, ctx)
        text = screen_text(app)
        for words in ("家庭医生签约", "签约中", desk_api.team_name, "全科诊室2", "基础服务包"):
            assert words in text, words
        assert "2025-01-01 至 2035-12-31，剩余" in text
        assert "未到续约期" in text
        assert "65岁及以上老年人、高血压" in text, "the key populations the resident belongs to"
        assert "F10 确认签约" in text
        shot(app, artifacts, "signing-signed-80x24")

        await pilot.press("f10")  # the one key of a signed returning resident
        await until(pilot, lambda: screen.moved_to is not None, "the move to triage")
    visit = _visit(http, ctx.visit.id)
    assert (visit["step"], visit["queue_kind"], visit["team_id"]) == ("triage", "own_team", team_id)
    assert visit["events"][-1]["move"] == "confirm_contract"


async def test_an_unsigned_resident_is_asked_then_signed_with_keys(
    desk_api: DeskApi, http: httpx.Client, artifacts: Path
) -> None:
    _second_team(desk_api)
    resident = desk_api.residents["李秀英"]
    ctx = _at_signing(http, resident.id)
    team_id = _teams(http)["第二家庭医生团队"]
    app = _app(desk_api)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot, app, desk_api, ctx)
        text = screen_text(app)
        assert "未签约" in text
        assert "建议签约理由" in text
        assert "建议签约：S 选择团队签约，D 说明原因暂不签约" in text

        await pilot.press("f10")  # does not decide: it asks
        await settle(pilot)
        assert "请先选择：签约（S）或说明原因暂不签约（D）" in screen_text(app)
        assert _visit(http, ctx.visit.id)["step"] == "signing_check", "F10 moved nothing"

        await pilot.press("s")
        await settle(pilot)
        text = screen_text(app)
        assert "选择家庭医生团队" in text
        assert "1  第一家庭医生团队 · 全科诊室2" in text
        assert "2  第二家庭医生团队 · 全科诊室5" in text
        await pilot.press("escape")  # back to the contract, the visit still here
        await settle(pilot)
        assert not screen.choosing
        await pilot.press("s", "2", "p")
        await settle(pilot)
        assert "服务包：个性化服务包" in screen_text(app)
        shot(app, artifacts, "signing-choose-80x24")

        await pilot.press("enter")
        await until(pilot, lambda: screen.moved_to is not None, "the move to triage")
    [contract] = _contracts(http, resident.id)
    assert (contract["team_id"], contract["package"], contract["status"]) == (
        team_id,
        "personalised",
        "active",
    )
    today = dt.date.fromisoformat(contract["start_date"])
    assert contract["end_date"] == default_end_date(today).isoformat()
    visit = _visit(http, ctx.visit.id)
    assert (visit["step"], visit["queue_kind"], visit["team_id"]) == ("triage", "own_team", team_id)
    assert visit["events"][-1]["move"] == "accept_signing"


async def test_a_decline_with_a_reason_goes_to_general_practice(
    desk_api: DeskApi, http: httpx.Client, artifacts: Path
) -> None:
    resident = desk_api.residents["张小明"]
    ctx = _at_signing(http, resident.id)
    app = _app(desk_api)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot, app, desk_api, ctx)
        assert "不属于重点人群，也可自愿签约" in screen_text(app)
        await pilot.press("d")
        await settle(pilot)
        text = screen_text(app)
        for words in ("暂不签约", "暂不需要", "已在别处签约", "需与家人商量"):
            assert words in text, words
        shot(app, artifacts, "signing-decline-80x24")
        await pilot.press("3", "enter")
        await until(pilot, lambda: screen.moved_to is not None, "the move to triage")
    visit = _visit(http, ctx.visit.id)
    assert (visit["step"], visit["queue_kind"], visit["team_id"]) == ("triage", "general_practice", None)
    assert (visit["events"][-1]["move"], visit["events"][-1]["reason"]) == ("decline_signing", "需与家人商量")
    assert _contracts(http, resident.id) == []


async def _expired_contract(desk: DeskApi, resident_id: int, team_id: int) -> None:
    """A contract that ended two months ago (the API signs only from today on)."""
    await tables.Contract.insert(
        tables.Contract(
            resident=resident_id,
            team=team_id,
            package="basic",
            start_date=dt.date(2024, 9, 1),
            end_date=desk.server.clock().date() - dt.timedelta(days=60),
            status="active",
            created_at=dt.datetime(2024, 9, 1, tzinfo=dt.UTC),
        )
    )


async def test_an_expired_contract_is_renewed_and_confirmed(
    desk_api: DeskApi, http: httpx.Client, artifacts: Path
) -> None:
    resident = desk_api.residents["李秀英"]
    team_id = _teams(http)[desk_api.team_name]
    desk_api.server.run(_expired_contract(desk_api, resident.id, team_id))
    [old] = _contracts(http, resident.id)
    ctx = _at_signing(http, resident.id)
    app = _app(desk_api)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot, app, desk_api, ctx)
        text = screen_text(app)
        assert "已过期" in text
        assert "已过期 60 天" in text
        assert "R 续约" in text
        shot(app, artifacts, "signing-expired-80x24")
        await pilot.press("r")
        await until(pilot, lambda: screen.moved_to is not None, "the renewal and the move")
    new, previous = _contracts(http, resident.id)
    today = desk_api.server.clock().date()
    assert (new["start_date"], new["end_date"]) == (today.isoformat(), default_end_date(today).isoformat())
    assert (new["team_id"], new["status"]) == (team_id, "active")
    assert (previous["id"], previous["status"]) == (old["id"], "expired")
    visit = _visit(http, ctx.visit.id)
    assert (visit["step"], visit["queue_kind"], visit["team_id"]) == ("triage", "own_team", team_id)
    assert visit["events"][-1]["move"] == "confirm_contract"


async def test_english_and_a_refusal_shown_in_place(
    desk_api: DeskApi, http: httpx.Client, artifacts: Path
) -> None:
    """Another desk signs the resident while this one is choosing: the 409 is shown and the status reloads."""
    resident = desk_api.residents["李秀英"]
    ctx = _at_signing(http, resident.id)
    team_id = _teams(http)[desk_api.team_name]
    app = _app(desk_api, lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open(pilot, app, desk_api, ctx)
        text = screen_text(app)
        for words in ("Family doctor contract", "Not signed", "Reasons to sign", "Sign", "Decline"):
            assert words in text, words
        await pilot.press("s")
        await settle(pilot)
        assert "Choose a family doctor team" in screen_text(app)
        body = {"resident_id": resident.id, "team_id": team_id, "package": "basic"}
        await asyncio.to_thread(lambda: _ok(http.post("/api/v1/contracts", json=body)))
        await pilot.press("enter")
        await until(pilot, lambda: "In force" in screen_text(app), "the reloaded status")
        text = screen_text(app)
        assert "This clashes with a record that already exists." in text
        assert "F10 confirms the contract" in text
        words = " ".join(
            str(label.render()) for label in screen.query("#signing-body Label, #signing-prompt")
        )
        assert not any(
            "\u4e00" <= c <= "\u9fff" for c in words.replace(desk_api.team_name, "").replace("全科诊室2", "")
        )
        shot(app, artifacts, "signing-refused-en-120x40")
        assert screen.moved_to is None
        await pilot.press("f10")
        await until(pilot, lambda: screen.moved_to is not None, "the move to triage")
    assert _visit(http, ctx.visit.id)["queue_kind"] == "own_team"


def _status(start: dt.date | None, end: dt.date, *, in_force: bool, due: bool = False) -> SigningStatus:
    contract = None
    if start is not None:
        contract = Contract(
            id=1,
            resident_id=1,
            team_id=7,
            package="basic",
            start_date=start,
            end_date=end,
            status=ContractStatus.ACTIVE,
        )
    return SigningStatus(contract=contract, in_force=in_force, renewal_due=due, key_populations=())


DAY = dt.date(2026, 5, 1)


@pytest.mark.parametrize(
    ("status", "expected", "term", "renewal"),
    [
        pytest.param(
            _status(dt.date(2026, 1, 1), dt.date(2026, 12, 31), in_force=True),
            Standing.IN_FORCE,
            "2026-01-01 to 2026-12-31, 244 days left",
            "not due yet",
            id="in force",
        ),
        pytest.param(
            _status(dt.date(2025, 5, 2), DAY, in_force=True, due=True),
            Standing.IN_FORCE,
            "2025-05-02 to 2026-05-01, ends today",
            "due: renew by 2026-05-01",
            id="last day, renewal due",
        ),
        pytest.param(
            _status(dt.date(2026, 5, 11), dt.date(2027, 5, 10), in_force=False),
            Standing.PENDING,
            "2026-05-11 to 2027-05-10, starts in 10 days",
            "—",
            id="signed ahead",
        ),
        pytest.param(
            _status(dt.date(2025, 1, 1), dt.date(2025, 12, 31), in_force=False),
            Standing.EXPIRED,
            "2025-01-01 to 2025-12-31, ended 121 days ago",
            "renew, or sign with a team again",
            id="expired",
        ),
        pytest.param(_status(None, DAY, in_force=False), Standing.UNSIGNED, "—", "—", id="never signed"),
    ],
)
def test_the_contract_in_words(status: SigningStatus, expected: Standing, term: str, renewal: str) -> None:
    i18n.activate("en")
    try:
        now = standing(status, DAY)
        assert now is expected
        rows = contract_rows(status, now, [FamilyDoctorTeam(id=7, name="Team 7", room="Room 3")], DAY)
        assert (rows["term"], rows["renewal"]) == (term, renewal)
        assert rows["team"] == ("—" if status.contract is None else "Team 7 · Room 3")
        signed = now in (Standing.IN_FORCE, Standing.PENDING)
        assert rows["reasons"] == ("none" if signed else "none; anyone may sign")
    finally:
        i18n.activate(i18n.DEFAULT_LANGUAGE)
