"""The waiting-room board in a real headless Chromium: it loads, follows calls live, never shows a name, and
fits a 1920×1080 and a 1280×720 television.

Needs Debian's chromium and chromium-driver (`./run test` installs them when it can). Without them the
tests skip, naming what is missing, except when CI=true, where they fail: no silent skips in CI.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from selenium import webdriver
from selenium.webdriver.support.ui import WebDriverWait

from api.context import context_of
from tests.api.helpers import Api, id_number
from tests.api.queueing import issue, to_triage
from tests.api.test_board import NAME, board_call
from tests.support.browser import ARTIFACTS, chromium, viewport
from tests.support.server import LiveServer

WAIT_S = 10

# The board is the same on both engines (the HTTP tests cover both): one browser run, on SQLite.
pytestmark = pytest.mark.parametrize("db_kind", ["sqlite"])


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    """One headless Chromium for the module (it takes a second or two to start)."""
    with chromium() as driver:
        yield driver


@pytest.fixture
def board(browser: webdriver.Chrome, api: Api) -> Iterator[webdriver.Chrome]:
    """The board open on this test's server, subscribed to its calls."""
    viewport(browser, 1280, 720)
    browser.get(f"{api.base_url}/board")
    _wait_subscribed(api.server)
    WebDriverWait(browser, WAIT_S).until(lambda d: d.find_element("id", "link-text").text == "已连接")
    try:
        yield browser
    finally:
        # Leave the page before the server stops: an open event stream would hold its shutdown up.
        browser.get("about:blank")


def _wait_subscribed(server: LiveServer) -> None:
    async def count() -> int:
        return context_of(server.app.state).calls.subscribers

    deadline = time.monotonic() + WAIT_S
    while server.run(count()) < 1:
        assert time.monotonic() < deadline, "the board did not open /board/events"
        time.sleep(0.05)


def _publish(server: LiveServer, **fields: Any) -> None:
    async def publish() -> None:
        context_of(server.app.state).calls.publish(board_call(**fields))

    server.run(publish())


_CARD = "return [...document.querySelectorAll('section.room')].find(s => s.dataset.room === arguments[0])"


def _shown(driver: webdriver.Chrome, room: str) -> str | None:
    """The big number of a room's card, or None when the room has no card."""
    text: str | None = driver.execute_script(f"{_CARD}?.querySelector('.label').textContent ?? null", room)
    return text


def _wait_shown(driver: webdriver.Chrome, room: str, label: str) -> None:
    WebDriverWait(driver, WAIT_S).until(lambda d: _shown(d, room) == label, f"{label} never shown for {room}")


def test_the_board_shows_a_published_call_in_its_room(board: webdriver.Chrome, api: Api) -> None:
    assert "暂无叫号" in board.find_element("id", "empty").text
    assert board.find_element("id", "time").text != "--:--:--"  # the clock runs (server time)
    _publish(api.server, label="A007", room="5号诊室", ticket_id=7, emergency=True)
    _wait_shown(board, "5号诊室", "A007")
    classes = board.execute_script(f"{_CARD}.className", "5号诊室")
    assert "fresh" in classes  # a new call flashes
    assert "urgent" in classes  # an emergency is marked
    _publish(api.server, label="A008", room="5号诊室", ticket_id=8)
    _wait_shown(board, "5号诊室", "A008")
    assert board.execute_script(f"{_CARD}.querySelector('.previous').textContent", "5号诊室") == "A007"
    # No script error, no refused resource (a CSP violation is logged here too).
    logs: list[dict[str, Any]] = board.get_log("browser")  # type: ignore[no-untyped-call]
    assert [e["message"] for e in logs if e["level"] == "SEVERE"] == []


def test_a_real_call_reaches_the_board_without_the_residents_name(board: webdriver.Chrome, api: Api) -> None:
    first = to_triage(api, 1, name=NAME)
    issue(api, first["id"])
    called = api.doctor.post("/api/v1/queues/gp/call-next")
    assert called.status_code == 200, called.text
    ticket = called.json()
    _wait_shown(board, ticket["room"], ticket["label"])
    board.refresh()  # a board switched on later reads the day's calls from /api/v1/board
    _wait_shown(board, ticket["room"], ticket["label"])
    assert NAME not in board.page_source
    assert id_number(1) not in board.page_source


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (1280, 720)])
def test_six_rooms_fit_the_screen(board: webdriver.Chrome, api: Api, width: int, height: int) -> None:
    viewport(board, width, height)
    rooms = ["1号诊室", "2号诊室", "3号诊室", "全科诊室", "筛查室", "药房"]
    for n, room in enumerate(rooms, start=1):
        for k in range(4):  # three smaller numbers under each
            _publish(api.server, label=f"A{n}{k:02d}", room=room, ticket_id=n * 10 + k)
    _wait_shown(board, "药房", "A603")
    overflow = board.execute_script(
        "const cut = e => e.scrollHeight > e.clientHeight + 1 || e.scrollWidth > e.clientWidth + 1;"
        "return [...document.querySelectorAll('section.room')].filter(cut).map(s => s.dataset.room)"
        "  .concat(cut(document.documentElement) ? ['page'] : [])"
    )
    ARTIFACTS.mkdir(exist_ok=True)
    board.save_screenshot(str(ARTIFACTS / f"board-{width}x{height}.png"))
    assert overflow == []
