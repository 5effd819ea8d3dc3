"""The doctor's worklists against the real API: `w` from the doctor's queue, each list (1–5) shows the rows made
in the database, a call outcome and a referral result recorded by keys are read back over the API."""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable

from db import tables
from tests.support import worklist_rows as rows
from tests.tui.doctor_support import api_client
from tests.tui.helpers import DeskApi, log_in, screen_name, screen_text, shot, type_text, until
from tui.app import OnestopApp
from tui.i18n import _
from tui.screens.worklists import WorklistScreen

D = dt.timedelta


async def _team_id(name: str) -> int:
    found = await tables.FamilyDoctorTeam.select(tables.FamilyDoctorTeam.id).where(
        tables.FamilyDoctorTeam.name == name
    )
    return int(found[0]["id"])


def _village(desk: DeskApi) -> dict[str, int]:
    """The team's worklists: each of the five lists gets a row (the rows the API cannot back-date). The site's
    clock is pinned at 10:00 of its day first, so a run near midnight keeps one "today"."""
    server = desk.server
    now = server.clock()
    server.clock.advance(dt.datetime.combine(now.date(), dt.time(10), now.tzinfo) - now)
    today = now.date()
    team = server.run(_team_id(desk.team_name))
    zhang, li, ming = (desk.residents[n].id for n in ("张三丰", "李秀英", "张小明"))
    rows.contract(server, li, team, today - D(355), today + D(10))  # ends in 10 days
    rows.contract(server, ming, team, today - D(30), today + D(335))
    rows.done_follow_up(server, zhang, today - D(100), sbp=185, dbp=112)
    rows.done_follow_up(server, li, today - D(100), sbp=135, dbp=85)
    return {
        "zhang": rows.booking(server, zhang, today - D(40)),  # high risk: 40 days, BP ≥180/110
        "li": rows.booking(server, li, today - D(60)),  # more days, routine
        "due": rows.booking(server, ming, today),
        "drug": rows.prescription(server, zhang, "苯磺酸氨氯地平片", today - D(80), today + D(3)),
        "referral": rows.referral(server, zhang, "up", today - D(5)),
    }


def _table(app: OnestopApp) -> list[str]:
    table = app.screen.query_one("#worklist", DataTable)
    return [" ".join(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]


def _shows(app: OnestopApp, text: str) -> bool:
    return any(text in row for row in _table(app))


def _column(app: OnestopApp, index: int) -> list[str]:
    table = app.screen.query_one("#worklist", DataTable)
    return [str(table.get_row_at(i)[index]) for i in range(table.row_count)]


async def _open(pilot: Pilot[Any], app: OnestopApp, desk: DeskApi) -> None:
    await log_in(pilot, desk.username, desk.password)
    await until(pilot, lambda: screen_name(app) == "DoctorQueueScreen", "the doctor's queue")
    await pilot.press("w")
    await until(pilot, lambda: screen_name(app) == "WorklistScreen", "the worklists")
    screen = app.screen
    assert isinstance(screen, WorklistScreen)
    await until(pilot, lambda: bool(screen.pages), "the lists loaded")


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_each_list_shows_its_rows(doctor_api: DeskApi, artifacts: Path, size: tuple[int, int]) -> None:
    _village(doctor_api)
    app = OnestopApp(server=doctor_api.base_url, lang="zh_CN", station="doctor-1")
    async with app.run_test(size=size) as pilot:
        await _open(pilot, app, doctor_api)
        text = screen_text(app)
        tabs = [f"{i} {_(t)}({n})" for i, t, n in ((1, "Today", 1), (2, "Overdue", 2), (3, "Contracts", 1))]
        assert all(tab in text for tab in tabs), text  # every tab with its count
        assert _column(app, 1) == ["张三丰", "李秀英"]  # high risk first, then days
        assert _("! high") in _table(app)[0]
        assert _("routine") in _table(app)[1]
        shot(app, artifacts, f"doctor-worklists-overdue-{size[0]}x{size[1]}")
        await pilot.press("3")
        await until(pilot, lambda: any("李秀英" in r for r in _table(app)), "the contracts list")
        assert "10" in _table(app)[0]
        shot(app, artifacts, f"doctor-worklists-contracts-{size[0]}x{size[1]}")
        for key, shown in (("1", "张小明"), ("4", "氨氯地平"), ("5", "县人民医院")):
            await pilot.press(key)
            await until(pilot, functools.partial(_shows, app, shown), f"list {key} showing {shown}")
        await pilot.press("escape")
        await until(pilot, lambda: screen_name(app) == "DoctorQueueScreen", "back to the queue")


async def test_call_outcomes_are_recorded_by_keys(doctor_api: DeskApi) -> None:
    ids = _village(doctor_api)
    today = doctor_api.server.clock().date()
    app = OnestopApp(server=doctor_api.base_url, lang="en", station="doctor-1")
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot, app, doctor_api)
        # Call later on the high-risk row (the first): the day asked, a week ahead by default.
        await pilot.press("l")
        await until(pilot, lambda: screen_name(app) == "DayDialog", "the day asked")
        await pilot.press("enter")
        await until(pilot, lambda: _column(app, 1) == ["李秀英"], "the row hidden")
        assert "call later" in screen_text(app)
        # Remove the other with a reason picked by its number (2: moved away).
        await pilot.press("x")
        await until(pilot, lambda: screen_name(app) == "ReasonDialog", "the reason asked")
        await type_text(pilot, "2")
        await pilot.press("enter")
        await until(pilot, lambda: not _table(app), "the list emptied")
    with api_client(doctor_api) as api:
        later = api.get("/api/v1/worklists/overdue").json()
        assert later["total"] == 0
    stored = {k: rows.follow_up_row(doctor_api.server, ids[k]) for k in ("zhang", "li")}
    assert (stored["zhang"]["call_outcome"], stored["zhang"]["call_again_on"]) == ("call_later", today + D(7))
    assert (stored["li"]["call_outcome"], stored["li"]["call_note"]) == ("removed", "moved_away")


async def test_agreed_and_a_referral_result_by_keys(doctor_api: DeskApi) -> None:
    ids = _village(doctor_api)
    on = doctor_api.server.clock().date() + D(2)
    app = OnestopApp(server=doctor_api.base_url, lang="en", station="doctor-1")
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot, app, doctor_api)
        await pilot.press("a")
        await until(pilot, lambda: screen_name(app) == "DayDialog", "the day asked")
        await type_text(pilot, on.isoformat())
        await pilot.press("enter")
        await until(pilot, lambda: "agreed" in _table(app)[0], "marked agreed, still listed")
        await pilot.press("5")
        await until(pilot, lambda: len(_table(app)) == 1, "the referral awaiting")
        await pilot.press("e")
        await until(pilot, lambda: screen_name(app) == "ResultDialog", "the result asked")
        await pilot.press("enter")  # the first choice: arrived
        await pilot.press("tab")
        await type_text(pilot, "admitted")
        await pilot.press("enter")
        await until(pilot, lambda: screen_name(app) == "WorklistScreen", "the dialog closed")
        await until(pilot, lambda: not _table(app), "the referral answered, off the list")
    with api_client(doctor_api) as api:
        entry = api.get("/api/v1/worklists/overdue").json()["items"][0]
        assert (entry["call"]["outcome"], entry["call"]["call_again_on"]) == ("agreed", on.isoformat())
        awaiting = api.get("/api/v1/worklists/referrals-awaiting").json()
        assert awaiting["total"] == 0
    assert rows.follow_up_row(doctor_api.server, ids["zhang"])["call_outcome"] == "agreed"
    referral = rows.referral_row(doctor_api.server, ids["referral"])
    assert (referral["arrived"], referral["result"], referral["status"]) == (True, "admitted", "completed")
