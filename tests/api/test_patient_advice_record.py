"""The patient page's advice reads the health record's lifestyle, on SQLite and PostgreSQL: a current smoker
is told to quit and heavy salt to cut down; the newer of the record and the 8+2 screen says whether someone
smokes; a former smoker is not told to quit; without a lifestyle nothing changes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.api.helpers import Api, advance, register

PUBLIC = "http://127.0.0.1:8750"  # the default api.public_url
TEXTS = {  # what the page says (zh, en), by flows.rules._advice_data's keys
    "smoking.quit": ("请下决心戒烟", "Decide to quit"),  # the record says smoker
    "smoking.unknown": ("如果吸烟，请戒烟", "if you do, quit"),  # nobody asked
    "salt": ("每天吃盐不超过", "g of salt a day"),  # every adult
    "salt.heavy": ("您口味偏咸", "Your food is salty"),
    "salt.light": ("您吃得清淡", "Your food is not salty"),
    "diet": ("吃饭要注意", "When you eat"),
}
SMOKING = {"smoking.quit", "smoking.unknown"}


def _page(api: Api, resident_id: int, lang: str = "zh") -> str:
    """The resident's record page, through a link issued now (a new link revokes the old one)."""
    issued = api.nurse.post("/api/v1/access-tokens", json={"resident_id": resident_id, "scope": "record"})
    assert issued.status_code == 201, issued.text
    answer = api.anon.get(str(issued.json()["url"]).removeprefix(PUBLIC), params={"lang": lang})
    assert answer.status_code == 200, answer.text
    return answer.text


def _lifestyle(api: Api, resident_id: int, **lifestyle: Any) -> None:
    saved = api.nurse.put(f"/api/v1/residents/{resident_id}/health-record", json={"lifestyle": lifestyle})
    assert saved.status_code == 200, saved.text


def _screen(api: Api, resident_id: int, *, smoking: bool) -> None:
    """An 8+2 stroke screen in a new visit of the resident's: every factor no but smoking as given."""
    visit = api.nurse.post("/api/v1/visits", json={"resident_id": resident_id})
    assert visit.status_code == 201, visit.text
    no = dict.fromkeys(
        (
            "hypertension",
            "af_or_valvular",
            "dyslipidaemia_or_lipids_unknown",
            "diabetes",
            "little_exercise",
            "family_history_stroke",
            "history_stroke",
            "history_tia",
            "bmi_26_or_more",  # no BMI measured in the visit
        ),
        False,
    )
    answer = api.nurse.post(
        f"/api/v1/visits/{visit.json()['id']}/questionnaires/stroke_8_2",
        json={"answers": {**no, "smoking": smoking}},
    )
    assert answer.status_code == 201, answer.text


def _said(page: str, lang: str = "zh") -> set[str]:
    return {key for key, text in TEXTS.items() if text[lang != "zh"] in page}


def test_a_current_smoker_with_salty_food_on_the_record_is_told_to_quit_and_cut_salt(api: Api) -> None:
    person = register(api.nurse, 1)
    assert _said(_page(api, person["id"])) == {"smoking.unknown", "salt", "diet"}

    _lifestyle(api, person["id"], smoking="current", cigarettes_per_day=15, salt="heavy")
    for lang in ("zh", "en"):
        page = _page(api, person["id"], lang)
        assert _said(page, lang) == {"smoking.quit", "salt", "salt.heavy", "diet"}, lang
        # what needs changing comes first (advice._ATTENTION): quitting, then salt, then the routine (food)
        at = [page.index(TEXTS[key][lang != "zh"]) for key in ("smoking.quit", "salt.heavy", "diet")]
        assert at == sorted(at), lang
    # a light eater is told to keep it up, and nothing is said of heavy salt
    _lifestyle(api, person["id"], smoking="current", cigarettes_per_day=15, salt="light")
    assert _said(_page(api, person["id"])) == {"smoking.quit", "salt", "salt.light", "diet"}


def test_the_record_saying_never_smoked_overrides_an_older_screen_that_said_smoker(api: Api) -> None:
    person = register(api.nurse, 2)
    _screen(api, person["id"], smoking=True)
    assert "smoking.quit" in _said(_page(api, person["id"]))  # the screen alone: a smoker

    advance(api, dt.timedelta(days=30))
    _lifestyle(api, person["id"], smoking="never", salt="moderate")
    # known not to smoke: neither told to quit nor "if you smoke"; moderate salt gets the plain salt advice
    assert _said(_page(api, person["id"])) == {"salt", "diet"}


def test_a_former_smoker_is_not_told_to_quit(api: Api) -> None:
    person = register(api.nurse, 3)
    _lifestyle(api, person["id"], smoking="former")
    assert not _said(_page(api, person["id"])) & SMOKING


def test_the_newer_of_the_record_and_the_screen_says_whether_one_smokes(api: Api) -> None:
    person = register(api.nurse, 4)
    _lifestyle(api, person["id"], smoking="current", cigarettes_per_day=5)
    assert "smoking.quit" in _said(_page(api, person["id"]))

    advance(api, dt.timedelta(days=60))
    _screen(api, person["id"], smoking=False)  # stopped since the record was taken
    assert not _said(_page(api, person["id"])) & SMOKING

    advance(api, dt.timedelta(days=60))
    _lifestyle(api, person["id"], smoking="current", cigarettes_per_day=5, salt="heavy")  # started again
    assert "smoking.quit" in _said(_page(api, person["id"]))

    other = register(api.nurse, 5)
    _lifestyle(api, other["id"], smoking="never")
    advance(api, dt.timedelta(days=1))
    _screen(api, other["id"], smoking=True)  # took it up since
    assert "smoking.quit" in _said(_page(api, other["id"]))


def test_a_record_without_a_smoking_answer_falls_back_to_the_screen(api: Api) -> None:
    person = register(api.nurse, 6)
    _screen(api, person["id"], smoking=True)
    advance(api, dt.timedelta(days=30))
    _lifestyle(api, person["id"], salt="light")  # asked about salt only: the older screen still tells
    assert _said(_page(api, person["id"])) == {"smoking.quit", "salt", "salt.light", "diet"}
