"""The shared rule machinery: plausibility checks and the clause registry."""

from __future__ import annotations

import datetime as dt

import pytest

from flows.rules.base import CLAUSES, Confidence, RuleError, Source, age_on, check_range, clause


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
