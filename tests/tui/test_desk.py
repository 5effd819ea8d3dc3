"""Pilot tests of the desk against the real API on loopback: log in, find a resident, open the summary."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
from textual.message import Message
from textual.widgets import Label

from tests.tui.helpers import (
    DeskApi,
    log_in,
    screen_name,
    screen_text,
    settle,
    shot,
    table_rows,
    type_text,
    until,
)
from tui.app import OnestopApp


def _app(desk: DeskApi, lang: str = "zh_CN") -> OnestopApp:
    return OnestopApp(server=desk.base_url, lang=lang, station="front-desk-1")


def _title(app: OnestopApp) -> str:
    return str(app.screen.query_one("#summary-title", Label).render())


def _login_error(app: OnestopApp) -> str:
    return str(app.screen.query_one("#login-error", Label).render())


async def test_wrong_password_is_shown_in_place_then_the_right_one_reaches_search(
    desk_api: DeskApi, artifacts: Path
) -> None:
    app = _app(desk_api)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        first = screen_text(app)
        assert "登录" in first
        assert "用户名" in first
        assert "密码" in first
        assert desk_api.base_url in first, "the login screen names the server it talks to"
        assert "工位 front-desk-1" in first, "the header shows the station"
        assert "未登录" in first, "the header shows that nobody is logged in"
        shot(app, artifacts, "login")

        await log_in(pilot, desk_api.username, "not the password")
        assert screen_name(app) == "LoginScreen"
        assert _login_error(app) == "用户名或密码错误。"
        assert "用户名或密码错误" in screen_text(app)
        assert "服务器已连接" in screen_text(app), "a 401 still proves the API is there"
        shot(app, artifacts, "login-wrong-password")

        await pilot.press(*["backspace"] * len("not the password"))
        await type_text(pilot, desk_api.password)
        await pilot.press("enter")
        await until(pilot, lambda: screen_name(app) == "SearchScreen", "the search screen after login")
        text = screen_text(app)
        assert "查找居民" in text
        assert desk_api.display_name in text
        assert "工位 front-desk-1" in text
        assert "服务器已连接" in text


@pytest.mark.parametrize(
    ("typed", "expected", "matched_on"),
    [
        pytest.param("张三丰", "张三丰", "姓名", id="full name"),
        pytest.param("zsf", "张三丰", "拼音", id="pinyin initials"),
        pytest.param("2468", "李秀英", "手机后4位", id="phone last 4"),
        pytest.param("13955552468", "李秀英", "手机号", id="whole phone"),
    ],
)
async def test_typing_finds_the_resident(
    desk_api: DeskApi, typed: str, expected: str, matched_on: str
) -> None:
    seen: list[Message] = []
    app = _app(desk_api)
    async with app.run_test(size=(80, 24), message_hook=seen.append) as pilot:
        await log_in(pilot, desk_api.username, desk_api.password)
        await type_text(pilot, typed)
        await until(pilot, lambda: bool(table_rows(app)), f"results for {typed!r}")
        results = [m for m in seen if type(m).__name__ == "SearchResults"]
        assert results, "the search worker posted no SearchResults message"
        queries = [getattr(m, "query", None) for m in results]
        # Debounced: the shown answer is for the whole text; a burst of keys is not one request per key.
        assert queries[-1] == typed, queries
        assert len(queries) < len(typed), queries
        rows = table_rows(app)
        assert rows[0][0] == expected, rows
        assert rows[0][6] == matched_on, rows
        person = desk_api.residents[expected]
        assert rows[0][3] == person.id_number[:6] + "********" + person.id_number[-4:], (
            "masked ID in the list"
        )
        assert person.id_number not in screen_text(app)


async def test_search_by_id_record_number_and_nothing_found(desk_api: DeskApi, artifacts: Path) -> None:
    person = desk_api.residents["张三丰"]
    app = _app(desk_api)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, desk_api.username, desk_api.password)
        await type_text(pilot, person.record_number)
        await until(pilot, lambda: bool(table_rows(app)), "results for the record number")
        assert [r[0] for r in table_rows(app)] == ["张三丰"]
        shot(app, artifacts, "search")

        await pilot.press("escape")  # clears the query and the list
        await until(pilot, lambda: not table_rows(app), "the list to clear")
        await type_text(pilot, "zzzz")
        await until(pilot, lambda: "没有找到" in screen_text(app), "the no-match notice")
        assert table_rows(app) == []


async def test_enter_opens_the_summary_with_a_masked_id_and_esc_returns(
    desk_api: DeskApi, artifacts: Path
) -> None:
    person = desk_api.residents["张三丰"]
    app = _app(desk_api)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, desk_api.username, desk_api.password)
        await type_text(pilot, "张")  # a name prefix: both 张 of the household
        await until(pilot, lambda: len(table_rows(app)) >= 2, "both 张 residents")
        names = [r[0] for r in table_rows(app)]
        await pilot.press("down", "down")  # into the list, then to the second row
        await pilot.press("enter")
        second = names[1]
        await until(pilot, lambda: screen_name(app) == "SummaryScreen", "the summary screen")
        await until(pilot, lambda: _title(app).startswith(second), f"the summary of {second}")
        await pilot.press("escape")
        await settle(pilot)
        assert screen_name(app) == "SearchScreen"

        await pilot.press("slash")  # back to the query field, which kept its text
        await pilot.press("backspace")
        await type_text(pilot, "zsf")
        await until(pilot, lambda: [r[0] for r in table_rows(app)] == ["张三丰"], "the single hit zsf")
        await pilot.press("enter")  # from the query field: opens the highlighted (top) resident
        await until(pilot, lambda: "高血压" in screen_text(app), "the summary of 张三丰")
        text = screen_text(app)
        svg = shot(app, artifacts, "summary")
        masked = person.id_number[:6] + "********" + person.id_number[-4:]
        assert masked in text
        assert person.id_number not in text, "the full ID number is on screen"
        assert person.id_number not in svg, "the full ID number is in the screenshot"
        assert "138****5678" in text
        assert "13812345678" not in text
        assert person.record_number in text
        for expected in (
            "居民信息",
            "家庭医生签约",
            "已签约",
            "慢病情况",
            "高血压",
            "最近测量",
            "今日就诊停在“接诊”：按回车继续。",  # the visit the fixture opened, resumable with Enter
        ):
            assert expected in text, expected
        await pilot.press("end")  # the rest of the record is below the fold at 80×24
        await settle(pilot)
        lower = screen_text(app)
        for expected in ("家庭成员", "李秀英", "张小明", "近期就诊", "接诊"):
            assert expected in lower, expected
        for expected in ("收缩压", "152 mmHg"):
            assert expected in text + lower, expected
        assert desk_api.team_name in text + lower

        await pilot.press("escape")
        await settle(pilot)
        assert screen_name(app) == "SearchScreen"
        assert app.screen.query_one("#query").has_focus


async def test_a_scanned_id_number_and_enter_open_the_record_at_once(desk_api: DeskApi) -> None:
    person = desk_api.residents["李秀英"]
    app = _app(desk_api)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, desk_api.username, desk_api.password)
        await type_text(pilot, person.id_number)
        await pilot.press("enter")  # a barcode scanner types faster than the debounce
        await until(pilot, lambda: screen_name(app) == "SummaryScreen", "the summary after a scan")
        await until(pilot, lambda: _title(app).startswith("李秀英"), "the summary of 李秀英")
        assert person.id_number not in screen_text(app)


async def test_english_labels_with_lang_en(desk_api: DeskApi, artifacts: Path) -> None:
    app = _app(desk_api, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "Log in" in text
        assert "User name" in text
        assert "Station front-desk-1" in text
        assert "登录" not in text
        assert "用户名" not in text
        await log_in(pilot, desk_api.username, "wrong")
        assert _login_error(app) == "Wrong user name or password."
        app.screen.query_one("#password").value = ""  # type: ignore[attr-defined]
        await type_text(pilot, desk_api.password)
        await pilot.press("enter")
        await until(pilot, lambda: screen_name(app) == "SearchScreen", "the search screen")
        await type_text(pilot, "zsf")
        await until(pilot, lambda: bool(table_rows(app)), "results")
        text = screen_text(app)
        assert "Find resident" in text
        assert "Name" in text
        assert "ID number" in text
        assert table_rows(app)[0][1] == "male"
        shot(app, artifacts, "search-en")
        await pilot.press("enter")
        await until(pilot, lambda: "hypertension" in screen_text(app), "the English summary")
        assert "Family doctor contract" in screen_text(app)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("zh_CN", "无法连接服务器 {url}"), ("en", "Cannot reach the API at {url}")],
)
async def test_api_down_is_a_clear_message_on_the_login_screen(
    dead_url: str, lang: str, expected: str, artifacts: Path
) -> None:
    app = OnestopApp(server=dead_url, lang=lang, station="front-desk-1", username="nurse1")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_text(pilot, "whatever")  # the user name is filled in; the cursor waits in the password
        await pilot.press("enter")
        await settle(pilot)
        assert screen_name(app) == "LoginScreen"
        assert _login_error(app).startswith(expected.format(url=dead_url)), _login_error(app)
        unreachable = "服务器无法连接" if lang == "zh_CN" else "API unreachable"
        assert unreachable in screen_text(app)
        if lang == "zh_CN":
            shot(app, artifacts, "login-api-down")


async def test_an_ended_session_sends_the_desk_back_to_login(desk_api: DeskApi) -> None:
    app = _app(desk_api)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, desk_api.username, desk_api.password)
        assert screen_name(app) == "SearchScreen"
        token = app.client.token
        assert token is not None
        # Revoked elsewhere (another terminal logging the account out, or an administrator).
        revoked = await asyncio.to_thread(
            httpx.delete, f"{desk_api.base_url}/api/v1/session", headers={"Authorization": f"Bearer {token}"}
        )
        assert revoked.status_code == 204, revoked.text
        await type_text(pilot, "zsf")
        await until(pilot, lambda: screen_name(app) == "LoginScreen", "the login screen")
        assert "登录已失效" in _login_error(app)
        assert "未登录" in screen_text(app)


async def test_a_wide_terminal_shows_the_whole_summary_in_two_columns(
    desk_api: DeskApi, artifacts: Path
) -> None:
    app = _app(desk_api)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot, desk_api.username, desk_api.password)
        await type_text(pilot, "zsf")
        await until(pilot, lambda: bool(table_rows(app)), "results")
        await pilot.press("enter")
        await until(pilot, lambda: "高血压" in screen_text(app), "the summary")
        text = screen_text(app)
        shot(app, artifacts, "summary-120x40")
        assert app.screen.has_class("-wide")
        for expected in ("居民信息", "家庭医生签约", "最近测量", "家庭成员", "近期就诊", "李秀英"):
            assert expected in text, f"{expected} needs no scrolling at 120×40"
        resident_line = next(line for line in text.splitlines() if "居民信息" in line)
        assert "家庭医生签约" in resident_line, "sections side by side"
