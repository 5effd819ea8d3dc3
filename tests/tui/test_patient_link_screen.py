"""F8 on a resident's summary: issue a patient link, show its QR at 80×24, reissue, revoke — real API on loopback."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
from textual.pilot import Pilot
from textual.widgets import DataTable, Label

from tests.support.server import bearer, login
from tests.tui.helpers import DeskApi, log_in, screen_name, screen_text, settle, shot, type_text, until
from tui.app import OnestopApp
from tui.screens.patient_link import PatientLinkScreen
from tui.widgets.qr import QrCode, half_blocks


def _app(desk: DeskApi, lang: str = "zh_CN") -> OnestopApp:
    return OnestopApp(server=desk.base_url, lang=lang, station="front-desk-1")


def _links(app: OnestopApp) -> list[list[str]]:
    table = app.screen.query_one("#link-table", DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def _label(app: OnestopApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Label).render())


def _link_screen(app: OnestopApp) -> PatientLinkScreen:
    screen = app.screen
    assert isinstance(screen, PatientLinkScreen), type(screen).__name__
    return screen


def _qr_shown(app: OnestopApp) -> bool:
    return isinstance(app.screen, PatientLinkScreen) and app.screen.issued is not None


async def _open_links(pilot: Pilot[Any], app: OnestopApp, desk: DeskApi, name: str) -> None:
    """Log in, scan the resident's ID number into the search, open the summary, press F8."""
    await log_in(pilot, desk.username, desk.password)
    await type_text(pilot, desk.residents[name].id_number)
    await pilot.press("enter")
    await until(pilot, lambda: screen_name(app) == "SummaryScreen", "the summary")
    await until(pilot, lambda: _label(app, "#summary-title").startswith(name), f"the summary of {name}")
    await pilot.press("f8")
    await until(pilot, lambda: screen_name(app) == "PatientLinkScreen", "the patient-link screen")


def _revoke_elsewhere(desk: DeskApi, token_id: int) -> None:
    """Another terminal, its own session: revokes the link behind this screen's back."""
    token = login(desk.base_url, desk.username, desk.password)
    url = f"{desk.base_url}/api/v1/access-tokens/{token_id}/revoke"
    answer = httpx.post(url, headers=bearer(token), json={}, timeout=10)
    assert answer.status_code == 200, answer.text


def _assert_qr_on_screen(app: OnestopApp, text: str) -> None:
    """Every line of the code is on the terminal, whole, inside 80×24 with the address and footer below."""
    issued = _link_screen(app).issued
    assert issued is not None
    drawn = half_blocks(issued.qr)
    assert len(drawn) <= 19, "a version 3–4 code at a LAN address"
    lines = text.splitlines()
    for row in drawn:
        if row.strip():
            assert any(row in line for line in lines), f"QR line missing from the screen: {row!r}"
    assert any(c in text for c in "▀▄█")
    qr = app.screen.query_one("#qr", QrCode)
    assert qr.region.y >= 2, "below the header and the title"
    assert qr.region.bottom + 2 <= 24, "the address and the footer still fit below"
    assert qr.region.x == (80 - qr.region.width) // 2, "centred"
    url = _label(app, "#link-url")
    assert "/p/" in url
    assert url in text


async def test_issue_show_reissue_and_revoke_a_record_link(desk_api: DeskApi, artifacts: Path) -> None:
    app = _app(desk_api)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_links(pilot, app, desk_api, "张三丰")
        await until(pilot, lambda: "尚未签发任何链接" in screen_text(app), "the empty list")
        text = screen_text(app)
        assert "张三丰 的患者二维码" in text
        for word in ("范围", "签发时间", "有效期至", "状态", "使用次数", "最近使用"):
            assert word in text, word
        assert "档案二维码" in text
        assert "就诊二维码" in text, "today's open visit offers a visit link"

        # n: a record card; the QR fills the body, the address below it.
        await pilot.press("n")
        await until(pilot, lambda: _qr_shown(app), "the first QR")
        text = screen_text(app)
        _assert_qr_on_screen(app, text)
        for word in ("请用手机扫码", "健康档案", "有效期至"):
            assert word in text, word
        first_url = _label(app, "#link-url")
        shot(app, artifacts, "patient-link-qr-80x24")

        await pilot.press("escape")  # from the code back to the list
        await until(pilot, lambda: not _qr_shown(app), "the list again")
        assert [(r[0], r[3], r[4]) for r in _links(app)] == [("健康档案", "有效", "0")]
        assert first_url.rsplit("/", 1)[1] not in screen_text(app), "the list never shows a secret"

        # n again: a new card revokes the first on the server; the refreshed list says so.
        await pilot.press("n")
        await until(pilot, lambda: _qr_shown(app), "the second QR")
        second_url = _label(app, "#link-url")
        assert second_url != first_url
        _assert_qr_on_screen(app, screen_text(app))
        await pilot.press("escape")
        await until(pilot, lambda: not _qr_shown(app), "the list again")
        assert [(r[0], r[3]) for r in _links(app)] == [("健康档案", "有效"), ("健康档案", "已撤销")]
        shot(app, artifacts, "patient-link-list-80x24")

        # r, then n: nothing is revoked.
        await pilot.press("r")
        await settle(pilot)
        text = screen_text(app)
        assert "签发的链接？" in text
        assert "确定撤销" in text
        assert "取消" in text
        await pilot.press("n")
        await settle(pilot)
        assert "签发的链接？" not in screen_text(app)
        assert not _qr_shown(app), "n answered the question; it did not issue a card"
        assert [r[3] for r in _links(app)] == ["有效", "已撤销"]

        # r, then y: the second card is revoked too.
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("y")
        await until(pilot, lambda: "链接已撤销" in screen_text(app), "the revocation")
        assert [r[3] for r in _links(app)] == ["已撤销", "已撤销"]
        await pilot.press("r")
        await settle(pilot)
        assert "只能撤销有效的链接" in screen_text(app)

        # v: a link to today's visit.
        await pilot.press("v")
        await until(pilot, lambda: _qr_shown(app), "the visit QR")
        assert "本次就诊" in _label(app, "#link-title")
        _assert_qr_on_screen(app, screen_text(app))
        await pilot.press("escape")
        await until(pilot, lambda: not _qr_shown(app), "the list again")
        assert _links(app)[0][0] == "本次就诊"
        assert _links(app)[0][3] == "有效"

        await pilot.press("escape")
        await settle(pilot)
        assert screen_name(app) == "SummaryScreen"


async def test_a_refusal_of_the_api_is_shown_in_words(desk_api: DeskApi) -> None:
    """Another desk revoked the card meanwhile: the API answers 409 and the screen says why."""
    app = _app(desk_api)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_links(pilot, app, desk_api, "张三丰")
        await pilot.press("n")
        await until(pilot, lambda: _qr_shown(app), "the QR")
        await pilot.press("escape")
        await until(pilot, lambda: bool(_links(app)), "the list")
        token_id = _link_screen(app).tokens[0].id
        await asyncio.to_thread(_revoke_elsewhere, desk_api, token_id)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("y")
        await until(pilot, lambda: "与已有记录冲突" in _label(app, "#link-info"), "the refusal in words")
        assert "already revoked" in _label(app, "#link-info"), "the API's detail is kept"
        assert screen_name(app) == "PatientLinkScreen"


async def test_english_words_and_no_visit_link_without_an_open_visit(
    desk_api: DeskApi, artifacts: Path
) -> None:
    app = _app(desk_api, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_links(pilot, app, desk_api, "李秀英")  # registered, no visit today
        await until(pilot, lambda: "No links issued yet." in screen_text(app), "the empty list")
        text = screen_text(app)
        assert "Patient links of 李秀英" in text
        for word in ("Scope", "Created", "Expires", "Status", "Uses", "Last used", "Record QR", "Back"):
            assert word in text, word
        assert "Visit QR" not in text, "no open visit: no visit link offered"
        await pilot.press("v")
        await settle(pilot)
        assert not _qr_shown(app)

        await pilot.press("n")
        await until(pilot, lambda: _qr_shown(app), "the QR")
        text = screen_text(app)
        assert "李秀英: scan with a phone (Health record, valid until" in text
        _assert_qr_on_screen(app, text)
        shot(app, artifacts, "patient-link-qr-en-80x24")
        await pilot.press("escape")
        await until(pilot, lambda: not _qr_shown(app), "the list again")
        assert [(r[0], r[3]) for r in _links(app)] == [("Health record", "Active")]
        await pilot.press("r")
        await settle(pilot)
        assert "Revoke the link issued" in screen_text(app)
        await pilot.press("y")
        await until(pilot, lambda: "Link revoked." in screen_text(app), "the revocation")
        assert [r[3] for r in _links(app)] == ["Revoked"]
        assert not any("\u4e00" <= c <= "\u9fff" for c in _label(app, "#link-info")), "no Chinese words"
