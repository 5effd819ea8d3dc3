"""The essential medicines list and the prescribing rules, one case per clause (flows.rules.prescribing)."""

from __future__ import annotations

from typing import Any

import pytest

from flows.errors import InvalidInput
from flows.medicines import DEFAULT_MEDICINES, FREQUENCIES, list_items, load_medicines, matches
from flows.model import Condition
from flows.rules.base import CLAUSES, Confidence
from flows.rules.drugs import DrugClass
from flows.rules.multimorbidity import MultimorbiditySettings
from flows.rules.prescribing import (
    CL_LONG_TERM_ELIGIBLE,
    CL_LONG_TERM_MAX,
    CL_ON_LIST,
    CL_REGULAR_MAX,
    LONG_TERM_MAX_DAYS,
    REGULAR_MAX_DAYS,
    Checked,
    Standing,
    check_prescription,
    check_reason,
    pharmacist_review,
)
from onestop.config import _CONDITIONS, ConfigError, load_settings

H = Condition.HYPERTENSION
CONTROLLED = {H: Standing(condition=H, confirmed=True, controlled=True)}
UNCONTROLLED = {
    H: Standing(condition=H, confirmed=True, controlled=False, why="latest follow-up: uncontrolled")
}


def _rx(standing: dict[Condition, Standing] | None = None, **given: Any) -> Checked:
    fields: dict[str, Any] = {
        "drug": "氨氯地平片",
        "dose": "5mg",
        "frequency": "qd",
        "days": 28,
        "long_term": False,
    }
    fields.update(given)
    return check_prescription(
        DEFAULT_MEDICINES, standing=CONTROLLED if standing is None else standing, **fields
    )


def _refused(field: str, standing: dict[Condition, Standing] | None = None, **given: Any) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        _rx(standing, **given)
    assert caught.value.field == field, caught.value.message
    return caught.value


# --- the list ------------------------------------------------------------------------------------------


def test_the_default_list_covers_the_five_conditions_drugs_with_choices() -> None:
    names = {m.drug for m in DEFAULT_MEDICINES}
    assert len(names) == len(DEFAULT_MEDICINES), "names are unique"
    for wanted in (
        "卡托普利片",
        "缬沙坦胶囊",
        "氨氯地平片",
        "二甲双胍片",
        "阿卡波糖片",
        "辛伐他汀片",
        "噻托溴铵粉吸入剂",
    ):
        assert wanted in names
    for m in DEFAULT_MEDICINES:
        assert m.doses, m.drug
        assert m.frequencies, m.drug
        assert m.conditions, m.drug
        assert set(m.frequencies) <= set(FREQUENCIES), m.drug
    assert {c for m in DEFAULT_MEDICINES for c in m.conditions} >= {
        Condition.HYPERTENSION,
        Condition.DIABETES,
        Condition.DYSLIPIDAEMIA,
        Condition.COPD,
    }


def test_classes_come_from_the_generic_name_and_initials_and_stock_are_given() -> None:
    items = {
        i.medicine.drug: i
        for i in list_items(DEFAULT_MEDICINES, out_of_stock={"缬沙坦胶囊"}, initials={"氨氯地平片": "aldpp"})
    }
    assert items["氨氯地平片"].classes == (DrugClass.CCB.value,)
    assert items["缬沙坦胶囊"].classes == (DrugClass.ARB.value,)
    assert items["沙丁胺醇气雾剂"].classes == ()
    assert items["缬沙坦胶囊"].in_stock is False
    assert items["氨氯地平片"].in_stock is True
    assert matches(items["氨氯地平片"], "ald")
    assert matches(items["氨氯地平片"], "地平")
    assert not matches(items["氨氯地平片"], "xst")


def test_a_configured_list_replaces_the_default() -> None:
    one = {
        "drug": "培哚普利片",
        "generic": "培哚普利",
        "form": "片剂",
        "strength": "4mg",
        "doses": ["4mg"],
        "frequencies": ["qd"],
        "conditions": ["hypertension"],
    }
    assert load_medicines([]) == DEFAULT_MEDICINES
    assert [m.drug for m in load_medicines([one])] == ["培哚普利片"]
    with pytest.raises(InvalidInput):
        load_medicines([one, one])
    with pytest.raises(InvalidInput):
        load_medicines([{**one, "conditions": ["gout"]}])


def test_the_configuration_checks_medicines_and_knows_the_conditions(tmp_path: Any) -> None:
    assert {c.value for c in Condition} == _CONDITIONS
    path = tmp_path / "site.toml"
    path.write_text(
        '[[medicines]]\ndrug = "培哚普利片"\ngeneric = "培哚普利"\nform = "片剂"\nstrength = "4mg"\n'
        'doses = ["4mg"]\nfrequencies = ["qd"]\nconditions = ["hypertension"]\n',
        encoding="utf-8",
    )
    assert load_settings(path, env={}).medicines[0].drug == "培哚普利片"
    path.write_text(
        path.read_text(encoding="utf-8").replace('["hypertension"]', '["gout"]'), encoding="utf-8"
    )
    with pytest.raises(ConfigError, match=r"medicines\[0\]\.conditions"):
        load_settings(path, env={})


# --- RX.essential_list, RX.dose_frequency ------------------------------------------------------------


def test_rx_essential_list_a_drug_off_the_list_is_refused() -> None:
    refused = _refused("drug", drug="某某降压片")
    assert refused.details == {"drug": "某某降压片"}
    assert CL_ON_LIST in _rx().clauses


@pytest.mark.parametrize(
    ("field", "value"),
    [("dose", ""), ("dose", "   "), ("dose", "5" * 51), ("frequency", ""), ("frequency", "x" * 51)],
    ids=["empty dose", "blank dose", "dose too long", "empty frequency", "frequency too long"],
)
def test_rx_dose_frequency_typed_values_are_bounded(field: str, value: str) -> None:
    given: dict[str, Any] = {field: value}
    _refused(field, None, **given)


def test_rx_dose_frequency_a_typed_value_is_kept_trimmed() -> None:
    checked = _rx(dose=" 7.5mg ", frequency="每日1次")
    assert (checked.dose, checked.frequency) == ("7.5mg", "每日1次")


# --- RX.regular_max_days, RX.long_term_max_days -------------------------------------------------------


def test_rx_regular_max_days_an_ordinary_prescription_covers_at_most_4_weeks() -> None:
    assert _rx(days=REGULAR_MAX_DAYS).clauses[-1] == CL_REGULAR_MAX
    _refused("days", days=REGULAR_MAX_DAYS + 1)
    _refused("days", days=0)


def test_rx_long_term_max_days_84_is_allowed_85_refused() -> None:
    assert LONG_TERM_MAX_DAYS == 84
    checked = _rx(days=84, long_term=True)
    assert checked.long_term
    assert checked.days == 84
    assert CL_LONG_TERM_MAX in checked.clauses
    assert CLAUSES[CL_LONG_TERM_MAX].confidence is Confidence.V2
    refused = _refused("days", days=85, long_term=True)
    assert refused.details == {"max": 84}


# --- RX.long_term_eligible, RX.controlled -----------------------------------------------------------


def test_rx_long_term_eligible_needs_a_confirmed_diagnosis() -> None:
    refused = _refused("long_term", {}, long_term=True)
    assert "confirmed diagnosis of hypertension" in refused.message
    assert _rx({}, long_term=False).treats == (), "an ordinary prescription needs no confirmed diagnosis"


def test_rx_long_term_eligible_needs_the_condition_controlled() -> None:
    refused = _refused("long_term", UNCONTROLLED, long_term=True)
    assert "latest follow-up: uncontrolled" in refused.message
    checked = _rx(CONTROLLED, long_term=True, days=56)
    assert checked.treats == (H,)
    assert CL_LONG_TERM_ELIGIBLE in checked.clauses


def test_rx_long_term_another_conditions_standing_does_not_count() -> None:
    dm = Condition.DIABETES
    only_diabetes = {dm: Standing(condition=dm, confirmed=True, controlled=True)}
    _refused("long_term", only_diabetes, long_term=True)


# --- stop reason, 多重用药 -----------------------------------------------------------------------------


def test_a_stop_needs_a_reason() -> None:
    assert check_reason(" 咳嗽 ") == "咳嗽"
    with pytest.raises(InvalidInput):
        check_reason("  ")


@pytest.mark.parametrize(
    ("count", "flag"), [(4, False), (5, True), (7, True)], ids=["4 drugs", "5 drugs", "7 drugs"]
)
def test_mm_polypharmacy_five_running_drugs_ask_for_a_pharmacist(count: int, flag: bool) -> None:
    assert pharmacist_review(count) is flag
    assert pharmacist_review(4, MultimorbiditySettings(polypharmacy_drugs=4)) is True
