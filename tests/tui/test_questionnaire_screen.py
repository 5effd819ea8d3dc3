"""The screening's questionnaires as keyboard forms (stroke 8+2, TCM 33, COPD-SQ), scored and saved by the API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from db.tables import QuestionnaireAnswer
from onestop.config import BoardConfig, DatabaseConfig, PrinterConfig, Settings
from tests.tui.helpers import DeskApi, screen_name, screen_text, shot, type_text
from tests.tui.test_emergency_screen import FAILING_MONITOR
from tests.tui.test_screening_screen import Api, live, open_screening
from tui.app import OnestopApp
from tui.screens.questionnaire import QuestionnaireScreen
from tui.widgets.readings_form import ReadingsForm


@pytest.fixture
def desk_settings(db_config: DatabaseConfig, tmp_path: Path) -> Settings:
    return Settings(
        database=db_config,
        printer=PrinterConfig(url=f"preview://{tmp_path / 'tickets'}"),
        board=BoardConfig(speech="off"),
        devices=[FAILING_MONITOR],
    )


def _app(desk: DeskApi, lang: str = "zh_CN") -> OnestopApp:
    return OnestopApp(server=desk.base_url, lang=lang, station=FAILING_MONITOR.station)


def _stored(desk: DeskApi, visit_id: int) -> list[dict[str, Any]]:
    async def rows() -> list[dict[str, Any]]:
        query = QuestionnaireAnswer.select().where(QuestionnaireAnswer.visit == visit_id)
        return list(await query.order_by(QuestionnaireAnswer.id))

    return desk.server.run(rows())


async def _open(pilot: Pilot[Any], app: OnestopApp, position: int) -> QuestionnaireScreen:
    """F4, then the questionnaire at `position` in the list (0: COPD-SQ, 1: CDRS, 2: stroke, 3: TCM)."""
    await pilot.press("f4")
    await pilot.press("home", *["down"] * position, "enter")
    await live(pilot, lambda: isinstance(app.screen, QuestionnaireScreen), "the questionnaire")
    screen = app.screen
    assert isinstance(screen, QuestionnaireScreen)
    return screen


async def test_stroke_8_2_by_digits_with_backspace_is_scored_and_saved(desk_api: DeskApi) -> None:
    api = Api(desk_api)
    person = desk_api.residents["张三丰"]  # 66: the 8+2 screen is for 40 and over
    ctx = api.screening_context(person.id)
    app = _app(desk_api)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screening(pilot, app, desk_api, ctx)
        form = await _open(pilot, app, 2)
        text = screen_text(app)
        assert "脑卒中高危人群筛查（8+2）" in text
        assert "第 1/10 题" in text
        assert "1  是" in text
        assert "2  否" in text

        await pilot.press("2")  # hypertension: no … then Backspace, and yes after all
        await live(pilot, lambda: form.index == 1, "the second question")
        await pilot.press("backspace")
        await live(pilot, lambda: form.index == 0, "back to the first")
        assert "▶ 2  否" in screen_text(app), "the earlier answer is shown"
        # hypertension, AF, smoking, lipids unknown, diabetes, little exercise, BMI ≥26, family, stroke, TIA
        await pilot.press("1", "2", "1", "1", "2", "1", "2", "2", "2", "2")
        await live(pilot, lambda: "已全部作答" in screen_text(app), "the end of the form")
        assert "1211212222" in screen_text(app).replace(" ", ""), "the answers in the progress strip"
        await pilot.press("f10")
        await live(pilot, lambda: form.result is not None, "the score")
        text = screen_text(app)
        assert "得分 4" in text
        assert "脑卒中风险：高危" in text
        await pilot.press("enter")
        await live(pilot, lambda: screen_name(app) == "ScreeningScreen", "back on the form")
        await live(
            pilot, lambda: "✓ 4 分" in screen_text(app) or "✓" in screen_text(app), "the list says done"
        )

        await pilot.press("f5")
        await live(
            pilot, lambda: "脑卒中风险：高危" in screen_text(app), "the questionnaire among the findings"
        )
        assert "4 项危险因素" in screen_text(app)

    rows = _stored(desk_api, ctx.visit.id)
    assert [(r["questionnaire"], r["score"], r["result"]) for r in rows] == [("stroke_8_2", 4.0, "high")]
    answers = rows[0]["answers"]
    assert '"hypertension":true' in answers.replace(" ", "")
    assert '"history_tia":false' in answers.replace(" ", "")


async def test_tcm_33_is_quick_and_takes_its_waist_item_from_the_visit(
    desk_api: DeskApi, artifacts: Path
) -> None:
    api = Api(desk_api)
    person = desk_api.residents["张三丰"]  # 66: the TCM assessment is for 65 and over
    ctx = api.screening_context(person.id)
    app = _app(desk_api)
    async with app.run_test(size=(80, 24)) as pilot:
        screening = await open_screening(pilot, app, desk_api, ctx)
        screening.query_one(ReadingsForm).focus_code("waist")
        await pilot.pause()
        await type_text(pilot, "96")  # 96 cm: item 28's answer 4 on the form's own bands
        await pilot.press("enter")
        await live(pilot, lambda: screening.values.values().get("waist") == 96, "the waist saved")

        form = await _open(pilot, app, 3)
        await pilot.press(*["3"] * 10)
        await live(pilot, lambda: form.index == 10, "question 11")
        shot(app, artifacts, "questionnaire-tcm-80x24")
        text = screen_text(app)
        assert "第 11/33 题" in text
        assert "已答 11/33" in text, "ten typed, item 28 already answered from the waist"
        await pilot.press(*["3"] * 22)  # items 11–27 and 29–33: item 28 is skipped
        await live(pilot, lambda: "已全部作答" in screen_text(app), "the end of the form")
        await pilot.press("enter")
        await live(pilot, lambda: form.result is not None, "the result")
        assert "中医体质" in screen_text(app)
        await pilot.press("escape")
        await live(pilot, lambda: screen_name(app) == "ScreeningScreen", "back on the form")

    rows = _stored(desk_api, ctx.visit.id)
    assert [r["questionnaire"] for r in rows] == ["tcm_33"]
    assert '"q28":4' in rows[0]["answers"].replace(" ", "")
    assert '"q27":3' in rows[0]["answers"].replace(" ", "")


async def test_copd_sq_number_questions_in_english(desk_api: DeskApi) -> None:
    api = Api(desk_api)
    person = desk_api.residents["张三丰"]
    ctx = api.screening_context(person.id)
    app = _app(desk_api, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screening(pilot, app, desk_api, ctx)
        form = await _open(pilot, app, 0)
        assert "COPD screening questionnaire (COPD-SQ)" in screen_text(app)
        await type_text(pilot, "999")
        await pilot.press("enter")
        await live(pilot, lambda: "Between 0 and" in screen_text(app), "the range in words")
        assert form.index == 0
        await pilot.press("ctrl+u")
        await type_text(pilot, "30")  # pack-years
        await pilot.press("enter")
        await live(pilot, lambda: form.index == 1, "the BMI question")
        await type_text(pilot, "21.5")
        await pilot.press("enter")
        await pilot.press("1", "3", "1", "2")  # cough, breathless walking, biomass fuel, no family history
        await live(pilot, lambda: "All answered" in screen_text(app), "the end of the form")
        await pilot.press("f10")
        await live(pilot, lambda: form.result is not None, "the score")
        text = screen_text(app)
        assert "Score " in text
        assert "COPD questionnaire: high risk" in text
        assert "Spirometry (lung function test)" in text
    rows = _stored(desk_api, ctx.visit.id)
    assert [r["questionnaire"] for r in rows] == ["copd_sq"]
    assert rows[0]["result"] == "high_risk"
    assert rows[0]["score"] is not None
