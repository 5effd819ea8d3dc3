"""Register a new resident (F10 form) against the real API: field checks next to the field, nothing stored
while a field is wrong, sex and birth date from the ID number, a duplicate ID offers the existing record."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Any

import httpx
import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Label

from flows.identity import make_id_number
from flows.model import Sex
from tests.support.server import bearer, login
from tests.tui.helpers import DeskApi, log_in, screen_name, screen_text, settle, shot, type_text, until
from tui.app import OnestopApp
from tui.client import ApiClientError
from tui.labels import age
from tui.screens import register_fields as check
from tui.screens.register import RegisterScreen

TODAY = dt.date(2025, 6, 1)
NEW_ID = make_id_number("320923", dt.date(1975, 3, 2), 44, Sex.FEMALE)


def _app(desk: DeskApi, lang: str = "zh_CN") -> OnestopApp:
    return OnestopApp(server=desk.base_url, lang=lang, station="front-desk-1")


async def _open_form(pilot: Pilot[Any], desk: DeskApi, **kwargs: str) -> list[int | None]:
    """Log in, then open the form as intake does; the list receives what the form dismisses with."""
    results: list[int | None] = []
    await log_in(pilot, desk.username, desk.password)
    await pilot.app.push_screen(RegisterScreen(**kwargs), results.append)
    await settle(pilot)
    return results


def _note(app: OnestopApp, field: str) -> str:
    return str(app.screen.query_one(f"#{field}-note", Label).render())


def _message(app: OnestopApp) -> str:
    return str(app.screen.query_one("#register-message", Label).render())


def _focused(app: OnestopApp) -> str | None:
    return app.focused.id if app.focused is not None else None


def _api(desk: DeskApi) -> httpx.Client:
    token = login(desk.base_url, desk.username, desk.password)
    return httpx.Client(base_url=desk.base_url, headers=bearer(token), timeout=10)


def _found(desk: DeskApi, query: str) -> list[dict[str, Any]]:
    with _api(desk) as api:
        answer = api.get("/api/v1/residents", params={"q": query})
        assert answer.status_code == 200, answer.text
        hits: list[dict[str, Any]] = answer.json()
        return hits


# --- the field rules, one case per clause ---------------------------------------------------------------

GOOD_ID = make_id_number("320923", dt.date(1960, 5, 17), 12, Sex.MALE)
BAD_CHECK = GOOD_ID[:17] + ("0" if GOOD_ID[17] != "0" else "1")


@pytest.mark.parametrize(
    ("typed", "complete", "says"),
    [
        pytest.param("", False, None, id="empty while typing: nothing yet"),
        pytest.param("", True, "Enter the ID number", id="empty on leaving: required"),
        pytest.param("32092", False, None, id="unfinished while typing: nothing yet"),
        pytest.param("32092", True, "has 5 characters", id="GB 11643: 18 characters, on leaving"),
        pytest.param("3209A", False, "Digits only", id="GB 11643: 17 digits, at once"),
        pytest.param("3209231960051X", False, "Digits only", id="GB 11643: X only as the 18th"),
        pytest.param(GOOD_ID + "1", False, "has 19 characters", id="too long, at once"),
        pytest.param("3209231960131", False, None, id="13 digits: no date yet"),
        pytest.param("3209231960131712", False, "does not exist", id="GB 11643: birth date 1960-13-17"),
        pytest.param("32092319601317", True, "does not exist", id="birth date on leaving"),
        pytest.param("3209232030010112", False, "in the future", id="birth date after today"),
        pytest.param(BAD_CHECK, False, "a digit is mistyped", id="GB 11643: check character"),
        pytest.param(GOOD_ID, False, None, id="valid"),
        pytest.param(GOOD_ID.lower() + " ", True, None, id="lower-case x and spaces accepted"),
        pytest.param(GOOD_ID[:6] + GOOD_ID[8:17], True, None, id="legacy 15 digits (the API upgrades it)"),
    ],
)
def test_id_number_rules(typed: str, complete: bool, says: str | None) -> None:
    error = check.id_number_error(typed, today=TODAY, complete=complete)
    assert (error is None) == (says is None), error
    if says is not None:
        assert error is not None
        assert says in error


def test_the_id_number_says_sex_and_birth_date() -> None:
    parsed = check.parsed_id_number(NEW_ID, today=TODAY)
    assert parsed is not None
    assert (parsed.sex, parsed.birth_date) == (Sex.FEMALE, dt.date(1975, 3, 2))


@pytest.mark.parametrize(
    ("typed", "complete", "says"),
    [
        pytest.param("", True, "Enter the name", id="required"),
        pytest.param("张", False, None, id="one character while typing"),
        pytest.param("张", True, "at least 2", id="2 characters at least, on leaving"),
        pytest.param("张3", False, "Chinese characters or letters", id="no digits, at once"),
        pytest.param("王" * 31, False, "at most 30", id="30 characters at most"),
        pytest.param("阿依古丽·买买提", True, None, id="a minority name with the middle dot"),
        pytest.param("Anna  Smith", True, None, id="letters and spaces"),
    ],
)
def test_name_rules(typed: str, complete: bool, says: str | None) -> None:
    error = check.name_error(typed, complete=complete)
    assert (error is None) == (says is None), error
    if says is not None:
        assert error is not None
        assert says in error


@pytest.mark.parametrize(
    ("typed", "complete", "ok"),
    [
        pytest.param("", True, True, id="optional"),
        pytest.param("139 1234 5678", True, True, id="mobile with spaces"),
        pytest.param("+86 139-1234-5678", True, True, id="mobile with +86"),
        pytest.param("0523-86123456", True, True, id="landline with area code"),
        pytest.param("86123456", True, True, id="local landline"),
        pytest.param("1391234", False, True, id="unfinished mobile while typing"),
        pytest.param("1391234", True, False, id="unfinished mobile on leaving"),
        pytest.param("139123456789", False, False, id="12-digit mobile, at once"),
        pytest.param("12012345678", True, False, id="not a mobile prefix"),
        pytest.param("139x", False, False, id="letters, at once"),
    ],
)
def test_phone_rules(typed: str, complete: bool, ok: bool) -> None:
    assert (check.phone_error(typed, complete=complete) is None) == ok


def test_phone_is_sent_as_digits() -> None:
    assert check.clean_phone("+86 139-1234-5678") == "13912345678"
    assert check.clean_phone("0523-86123456") == "052386123456"
    assert check.clean_phone("  ") is None


# --- the form against the API -----------------------------------------------------------------------------


async def test_a_wrong_check_character_is_shown_next_to_the_id_and_nothing_is_stored(
    desk_api: DeskApi, artifacts: Path
) -> None:
    bad = NEW_ID[:17] + ("0" if NEW_ID[17] != "0" else "1")
    app = _app(desk_api)
    async with app.run_test(size=(80, 24)) as pilot:
        results = await _open_form(pilot, desk_api)
        assert screen_name(app) == "RegisterScreen"
        assert _focused(app) == "id-number"
        await type_text(pilot, bad)
        await settle(pilot)
        assert "校验码错误" in _note(app, "id-number"), "the checksum error shows as it is typed"
        assert f"应为 {NEW_ID[17]}" in _note(app, "id-number")
        await pilot.press("enter")  # the scanner's Enter: the form stays at the wrong field
        assert _focused(app) == "id-number"
        await pilot.press("tab")
        await type_text(pilot, "张")
        await pilot.press("tab")  # leaving the name judges it whole
        await type_text(pilot, "12x")
        await settle(pilot)
        assert "至少 2 个字" in _note(app, "name")
        assert "只能包含数字" in _note(app, "phone"), "a letter in the phone is wrong at once"
        await pilot.press("f10")
        await settle(pilot)
        assert screen_name(app) == "RegisterScreen"
        assert results == []
        assert "尚未登记" in _message(app)
        assert _focused(app) == "id-number", "F10 goes to the first wrong field"
        text = screen_text(app)
        assert "校验码错误" in text
        assert "姓名至少 2 个字" in text
        shot(app, artifacts, "register-errors")
        assert await asyncio.to_thread(_found, desk_api, bad) == []
        assert await asyncio.to_thread(_found, desk_api, NEW_ID) == []


async def test_a_valid_registration_is_stored_and_the_form_dismisses_with_its_id(
    desk_api: DeskApi, artifacts: Path
) -> None:
    household_head = desk_api.residents["张三丰"]
    app = _app(desk_api)
    async with app.run_test(size=(80, 24)) as pilot:
        results = await _open_form(pilot, desk_api)
        await type_text(pilot, NEW_ID)
        await pilot.press("enter")  # typed or scanned: Enter goes on to the name
        await settle(pilot)
        expected_age = age(dt.date(1975, 3, 2), dt.date.today())
        assert _note(app, "id-number") == f"女 · 1975-03-02 · {expected_age}岁"
        assert _focused(app) == "name"
        await type_text(pilot, "王丽娟")
        await pilot.press("enter")
        await type_text(pilot, "139 1234 5678")
        await pilot.press("enter")
        await type_text(pilot, "示范镇东村3组12号")
        await pilot.press("enter")
        assert _focused(app) == "household"
        await type_text(pilot, "zsf")
        await until(pilot, lambda: "张三丰" in screen_text(app), "the household search's hit")
        await pilot.press("down", "enter")  # into the list, choose the highlighted resident
        await until(pilot, lambda: "加入住址为" in _note(app, "household"), "the chosen household")
        assert "示范镇东村3组12号" in _note(app, "household")
        shot(app, artifacts, "register-filled")
        await pilot.press("enter")  # Enter on the last field registers
        await until(pilot, lambda: bool(results), "the form to close with the new id")
        new_id = results[0]
        assert isinstance(new_id, int)
        assert screen_name(app) == "SearchScreen"
    with _api(desk_api) as api:
        stored = api.get(f"/api/v1/residents/{new_id}").json()
        head = api.get(f"/api/v1/residents/{household_head.id}").json()
    assert stored["id_number"] == NEW_ID
    assert (stored["name"], stored["sex"], stored["birth_date"]) == ("王丽娟", "female", "1975-03-02")
    assert stored["phone"] == "13912345678"
    assert stored["address"] == "示范镇东村3组12号"
    assert stored["household_id"] == head["household_id"] is not None


async def test_a_registered_id_number_offers_the_existing_resident(desk_api: DeskApi) -> None:
    person = desk_api.residents["李秀英"]
    app = _app(desk_api)
    async with app.run_test(size=(80, 24)) as pilot:
        results = await _open_form(pilot, desk_api, id_number=person.id_number)  # prefilled by intake
        await until(pilot, lambda: "已登记" in _note(app, "id-number"), "the duplicate found while typing")
        assert "李秀英" in _note(app, "id-number")
        assert "F2" in screen_text(app)
        await pilot.press("f10")
        await settle(pilot)
        assert results == [], "a known duplicate is not sent"
        await pilot.press("f2")
        await settle(pilot)
        assert results == [person.id]


async def test_the_apis_409_is_shown_at_the_id_and_offers_that_resident(desk_api: DeskApi) -> None:
    """Another desk registers the same person between the form's check and its F10."""
    app = _app(desk_api)
    async with app.run_test(size=(80, 24)) as pilot:
        results = await _open_form(pilot, desk_api)
        await type_text(pilot, NEW_ID)
        await pilot.press("enter")
        await type_text(pilot, "王丽娟")
        await settle(pilot)
        assert "已登记" not in _note(app, "id-number")
        with _api(desk_api) as api:
            other = api.post("/api/v1/residents", json={"id_number": NEW_ID, "name": "王丽娟"})
        assert other.status_code == 201, other.text
        await pilot.press("f10")
        await until(pilot, lambda: "已登记" in _note(app, "id-number"), "the 409 at the ID number")
        assert other.json()["record_number"] in _note(app, "id-number")
        assert "未登记" in _message(app)
        await pilot.press("f2")
        await settle(pilot)
        assert results == [other.json()["id"]]
    assert len(await asyncio.to_thread(_found, desk_api, NEW_ID)) == 1


async def test_a_resident_without_household_gets_one_with_the_new_resident(desk_api: DeskApi) -> None:
    alone_id = make_id_number("320923", dt.date(1950, 2, 2), 55, Sex.MALE)
    with _api(desk_api) as api:
        alone = api.post("/api/v1/residents", json={"id_number": alone_id, "name": "赵独居"}).json()
    app = _app(desk_api)
    async with app.run_test(size=(80, 24)) as pilot:
        results = await _open_form(pilot, desk_api)
        await type_text(pilot, NEW_ID)
        await pilot.press("enter")
        await type_text(pilot, "钱老伴")
        await pilot.press("enter", "enter", "enter")  # no phone, no address yet
        await type_text(pilot, "赵独居")
        await until(pilot, lambda: "赵独居" in screen_text(app) and "↓" in _note(app, "household"), "hit")
        await pilot.press("down")
        assert _focused(app) == "household-hits"
        await pilot.press("escape")  # Esc in the list goes back to the search, not out of the form
        assert screen_name(app) == "RegisterScreen"
        assert _focused(app) == "household"
        await pilot.press("enter")  # Enter in the search field takes the first hit
        await until(pilot, lambda: "新建家庭" in _note(app, "household"), "no household yet")
        await pilot.press("enter")
        await settle(pilot)
        assert "请填写住址" in _note(app, "address"), "a new household needs an address"
        assert _focused(app) == "address"
        await type_text(pilot, "示范镇西村1组2号")
        await pilot.press("f10")
        await until(pilot, lambda: bool(results), "the registration")
    with _api(desk_api) as api:
        new = api.get(f"/api/v1/residents/{results[0]}").json()
        old = api.get(f"/api/v1/residents/{alone['id']}").json()
        household = api.get(f"/api/v1/households/{new['household_id']}").json()
    assert new["household_id"] == old["household_id"] is not None
    assert household["address"] == "示范镇西村1组2号"
    assert household["head_resident_id"] == alone["id"]


async def test_an_api_refusal_with_a_field_is_shown_at_that_field(desk_api: DeskApi) -> None:
    app = _app(desk_api)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_form(pilot, desk_api)
        screen = app.screen
        assert isinstance(screen, RegisterScreen)
        screen.show_error(ApiClientError("invalid_input", "phone must be 7–15 digits", field="phone"))
        await settle(pilot)
        assert "phone must be 7–15 digits" in _note(app, "phone")
        assert _focused(app) == "phone"
        assert app.screen.query_one("#phone", Input).has_class("-invalid")


async def test_escape_registers_nothing_and_the_form_speaks_english(desk_api: DeskApi) -> None:
    app = _app(desk_api, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        results = await _open_form(pilot, desk_api)
        await type_text(pilot, NEW_ID[:10])
        await pilot.press("tab")
        await settle(pilot)
        text = screen_text(app)
        for expected in ("Register a new resident", "ID number", "Name", "Phone number", "Lives with"):
            assert expected in text, expected
        assert "has 10 characters; it needs 18" in _note(app, "id-number")
        assert "身份证" not in text
        await pilot.press("escape")
        await settle(pilot)
        assert results == [None]
        assert screen_name(app) == "SearchScreen"
    assert await asyncio.to_thread(_found, desk_api, NEW_ID) == []


async def test_the_form_uses_a_wide_terminal(desk_api: DeskApi, artifacts: Path) -> None:
    app = _app(desk_api)
    async with app.run_test(size=(120, 40)) as pilot:
        await _open_form(pilot, desk_api)
        await type_text(pilot, NEW_ID)
        await settle(pilot)
        assert app.screen.query_one("#address").outer_size.width == 56
        assert "女 · 1975-03-02" in screen_text(app)
        shot(app, artifacts, "register-120x40")


async def test_from_the_search_f2_registers_a_scanned_unknown_id_and_opens_the_new_record(
    desk_api: DeskApi,
) -> None:
    """The way in from intake: a scanned ID that finds nobody, F2, the name, F10."""
    app = _app(desk_api)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, desk_api.username, desk_api.password)
        await type_text(pilot, NEW_ID)
        await until(pilot, lambda: "没有找到" in screen_text(app), "nobody found")
        await pilot.press("f2")
        await until(pilot, lambda: screen_name(app) == "RegisterScreen", "the form")
        assert app.screen.query_one("#id-number", Input).value == NEW_ID
        assert _focused(app) == "name", "a prefilled valid ID number puts the cursor in the name"
        assert "女 · 1975-03-02" in _note(app, "id-number")
        await type_text(pilot, "王丽娟")
        await pilot.press("f10")
        await until(pilot, lambda: screen_name(app) == "SummaryScreen", "the new resident's summary")
        await until(pilot, lambda: "王丽娟" in screen_text(app), "the summary of 王丽娟")
    assert len(await asyncio.to_thread(_found, desk_api, NEW_ID)) == 1
