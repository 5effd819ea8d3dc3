"""The patient page in a real headless Chromium on a 360×740 phone: what a resident sees, that nothing is
refused by the page's own Content-Security-Policy, that nothing runs off the side, and a screenshot of it
(test-artifacts/patient-*.png). One engine: the HTTP tests cover both."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from selenium import webdriver

from tests.api.helpers import Api, register
from tests.api.queueing import issue, to_triage
from tests.support.browser import ARTIFACTS, chromium, viewport
from tests.support.patient_data import TEAM_PHONE, seed_record

pytestmark = pytest.mark.parametrize("db_kind", ["sqlite"])
WIDTH, HEIGHT = 360, 740


@pytest.fixture(scope="module")
def phone() -> Iterator[webdriver.Chrome]:
    with chromium(window=f"{WIDTH},{HEIGHT}") as driver:
        viewport(driver, WIDTH, HEIGHT, mobile=True, scale=2)
        yield driver


def _link(api: Api, resident_id: int, **extra: Any) -> str:
    answer = api.nurse.post(
        "/api/v1/access-tokens", json={"resident_id": resident_id, "scope": "record", **extra}
    )
    assert answer.status_code == 201, answer.text
    return str(answer.json()["url"]).replace("http://127.0.0.1:8750", api.base_url)


def _visible_text(driver: webdriver.Chrome) -> str:
    text: str = driver.execute_script("return document.body.innerText")
    return text


def _problems(driver: webdriver.Chrome, *, status: int = 200) -> list[str]:
    """Console errors (a style or image the CSP refused shows up here) and anything wider than the phone.
    A page served with an error status logs that status itself; `status` says which one is expected."""
    logs: list[dict[str, Any]] = driver.get_log("browser")  # type: ignore[no-untyped-call]
    expected = f"responded with a status of {status}"
    errors = [str(e["message"]) for e in logs if e["level"] == "SEVERE" and expected not in str(e["message"])]
    wide: list[str] = driver.execute_script(
        f"return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > {WIDTH} + 0.5)"
        ".map(e => e.tagName + '.' + e.className)"
    )
    overflow = driver.execute_script("return document.documentElement.scrollWidth") > WIDTH
    return errors + wide + (["page scrolls sideways"] if overflow else [])


def _screenshot(driver: webdriver.Chrome, name: str) -> None:
    """The first screen as the phone shows it, and the whole page."""
    import base64

    ARTIFACTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / f"{name}-{WIDTH}x{HEIGHT}.png"))
    full = driver.execute_cdp_cmd("Page.captureScreenshot", {"captureBeyondViewport": True, "format": "png"})
    (ARTIFACTS / f"{name}-full.png").write_bytes(base64.b64decode(full["data"]))


def test_a_resident_reads_their_record_on_a_360_pixel_phone(phone: webdriver.Chrome, api: Api) -> None:
    resident = register(api.nurse, 1, name="王小明")
    api.server.run(seed_record(resident["id"], now=api.server.clock()))
    phone.get(_link(api, resident["id"]))
    shown = _visible_text(phone)
    for expected in (
        "我的健康档案",
        "王*明",
        "我的慢病",
        "高血压",
        "2型糖尿病",
        "最近测量",
        "血压",
        "我的用药",
        "氨氯地平片",
        "下次随访",
        "第一家庭医生团队",
        TEAM_PHONE,
        "English",
    ):
        assert expected in shown, expected
    assert "王小明" not in shown
    # The stylesheet ran (its hash matches the CSP): sections are white cards on a grey page.
    background = phone.execute_script(
        "return getComputedStyle(document.querySelector('section')).backgroundColor"
    )
    assert background == "rgb(255, 255, 255)"
    charts = phone.execute_script(
        "return [...document.querySelectorAll('#trends svg')].map(s => s.getBoundingClientRect())"
        ".map(r => [Math.round(r.width), Math.round(r.height)])"
    )
    assert len(charts) == 3
    assert all(0 < w <= WIDTH and h > 50 for w, h in charts), charts
    assert _problems(phone) == []
    _screenshot(phone, "patient-record")
    # The language switch is a plain link: no script needed.
    phone.find_element("link text", "English").click()
    english = _visible_text(phone)
    for expected in ("My health record", "Hypertension", "My medicines", "Next follow-up", "中文"):
        assert expected in english, expected
    assert _problems(phone) == []
    _screenshot(phone, "patient-record-en")


def test_a_ticket_link_shows_the_place_in_the_queue(phone: webdriver.Chrome, api: Api) -> None:
    visit = to_triage(api, 2, name="张三丰")
    label = issue(api, visit["id"])["ticket"]["label"]
    phone.get(_link(api, visit["resident_id"], scope="visit", visit_id=visit["id"]))
    shown = _visible_text(phone)
    for expected in ("今日就诊", "张*丰", label, "等候中", "下一位就是您"):
        assert expected in shown, expected
    size = phone.execute_script(
        "return parseFloat(getComputedStyle(document.querySelector('.num')).fontSize)"
    )
    assert size >= 32  # the number reads at arm's length
    assert _problems(phone) == []
    _screenshot(phone, "patient-visit")


def test_a_dead_link_says_whom_to_ask(phone: webdriver.Chrome, api: Api) -> None:
    phone.get(f"{api.base_url}/p/{'Z' * 22}")
    shown = _visible_text(phone)
    assert "链接无效" in shown
    assert "服务台" in shown
    assert _problems(phone, status=404) == []
    _screenshot(phone, "patient-invalid")
