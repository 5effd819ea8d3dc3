"""The shared rule machinery: plausibility checks and the clause registry."""

from __future__ import annotations

import datetime as dt

import pytest

from flows.rules.base import (
    CLAUSES,
    Confidence,
    RuleError,
    Source,
    add_months,
    age_on,
    band,
    check_bool,
    check_int,
    check_not_after,
    check_range,
    clause,
    round_half_up,
)


@pytest.mark.parametrize("value", [60, 260, 60.0, 123.4])
def test_check_range_is_inclusive(value: float) -> None:
    check_range(value, "sbp", (60, 260), "mmHg")


@pytest.mark.parametrize("value", [59.9, 260.1, float("nan"), float("inf"), float("-inf")])
def test_check_range_refuses_outside_and_non_finite_naming_the_field(value: float) -> None:
    with pytest.raises(RuleError) as caught:
        check_range(value, "sbp", (60, 260), "mmHg")
    assert caught.value.field == "sbp"
    assert "mmHg" in caught.value.message


def test_a_clause_registered_twice_with_different_facts_is_refused() -> None:
    first = clause("TEST.base.clash", Source.BPHS_2017, "§x", Confidence.V, "a fact")
    try:
        assert clause("TEST.base.clash", Source.BPHS_2017, "§x", Confidence.V, "a fact") == first
        with pytest.raises(ValueError, match="registered twice"):
            clause("TEST.base.clash", Source.BPHS_2017, "§x", Confidence.U, "another fact")
    finally:
        del CLAUSES[first]


@pytest.mark.parametrize(
    ("birth", "day", "age"),
    [
        (dt.date(1960, 3, 2), dt.date(2025, 3, 1), 64),
        (dt.date(1960, 3, 2), dt.date(2025, 3, 2), 65),
        (dt.date(1960, 2, 29), dt.date(2025, 2, 28), 64),
        (dt.date(1960, 2, 29), dt.date(2025, 3, 1), 65),
    ],
)
def test_age_on_birthdays(birth: dt.date, day: dt.date, age: int) -> None:
    assert age_on(birth, day) == age


D = dt.date


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        pytest.param(D(2026, 8, 31), 6, D(2027, 2, 28), id="31 August + 6 months → 28 February"),
        pytest.param(D(2027, 8, 31), 6, D(2028, 2, 29), id="leap year → 29 February"),
        pytest.param(D(2026, 12, 15), 1, D(2027, 1, 15), id="across the year"),
        pytest.param(D(2026, 3, 10), 12, D(2027, 3, 10), id="twelve months"),
        pytest.param(D(2024, 2, 29), 12, D(2025, 2, 28), id="29 February + a year → 28 February"),
        pytest.param(D(2025, 5, 31), -3, D(2025, 2, 28), id="31 May − 3 months → 28 February"),
        pytest.param(D(2024, 5, 31), -3, D(2024, 2, 29), id="31 May − 3 months in a leap year → 29 February"),
        pytest.param(D(2025, 1, 15), -12, D(2024, 1, 15), id="back across the year"),
        pytest.param(D(2025, 3, 31), -1, D(2025, 2, 28), id="31 March − 1 month → 28 February"),
    ],
)
def test_add_months_clamps_to_the_end_of_the_month(day: dt.date, months: int, expected: dt.date) -> None:
    assert add_months(day, months) == expected


@pytest.mark.parametrize("value", [0, 4, 2])
def test_check_int_is_inclusive(value: int) -> None:
    assert check_int(value, "mmrc", 0, 4) == value


@pytest.mark.parametrize("value", [-1, 5, True, 2.0, "2", None])
def test_check_int_refuses_outside_bools_and_non_integers(value: object) -> None:
    with pytest.raises(RuleError) as caught:
        check_int(value, "mmrc", 0, 4)
    assert caught.value.field == "mmrc"


def test_check_bool_takes_only_a_bool() -> None:
    assert check_bool(False, "smoking") is False
    for value in (0, 1, "yes", None):
        with pytest.raises(RuleError) as caught:
            check_bool(value, "smoking")
        assert caught.value.field == "smoking"


def test_check_not_after_refuses_only_a_future_date() -> None:
    today = D(2026, 3, 10)
    check_not_after(today, today, "last_fpg")
    check_not_after(None, today, "last_fpg")
    with pytest.raises(RuleError) as caught:
        check_not_after(D(2026, 3, 11), today, "last_fpg")
    assert caught.value.field == "last_fpg"


@pytest.mark.parametrize(
    ("value", "index"),
    [(17.9, 0), (18.0, 1), (23.9, 1), (24.0, 2), (99.0, 3)],
)
def test_band_counts_the_lower_bounds_reached(value: float, index: int) -> None:
    assert band(value, (18.0, 24.0, 28.0)) == index


@pytest.mark.parametrize(("value", "whole"), [(138.5, 139), (139.5, 140), (139.49, 139), (-0.5, 0)])
def test_round_half_up(value: float, whole: int) -> None:
    assert round_half_up(value) == whole
