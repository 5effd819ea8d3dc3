"""Family-doctor contracts (CLINICAL_RULES.md §9): term, one team at a time, renewal, packages, key populations."""

from __future__ import annotations

import datetime as dt

import pytest

from flows.errors import Conflict
from flows.model import Condition, Contract, ContractStatus
from flows.rules import contracts as ct
from flows.rules.base import CLAUSES, Confidence, RuleError

C = Condition
K = ct.KeyPopulation
S = ContractStatus
D = dt.date
JAN_1 = D(2026, 1, 1)
DEC_31 = D(2026, 12, 31)


def contract(
    id: int = 1,
    *,
    resident_id: int = 7,
    team_id: int = 1,
    start: dt.date = JAN_1,
    end: dt.date = DEC_31,
    status: ContractStatus = S.ACTIVE,
) -> Contract:
    return Contract(
        id=id,
        resident_id=resident_id,
        team_id=team_id,
        package="basic",
        start_date=start,
        end_date=end,
        status=status,
    )


def test_only_the_renewal_window_is_unconfirmed() -> None:
    confirmed = [ct.CL_ONE_TEAM, ct.CL_TERM, ct.CL_RENEWAL, ct.CL_PACKAGES, ct.CL_KEY_POPULATIONS]
    assert {CLAUSES[c].confidence for c in confirmed} == {Confidence.V}
    assert CLAUSES[ct.CL_RENEWAL_WINDOW].confidence is Confidence.U


# --- key populations -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "conditions", "flags", "expected"),
    [
        pytest.param(64, (), {}, (), id="CONTRACT.key_populations: age 64 alone is not key"),
        pytest.param(65, (), {}, (K.AGED_65_OR_OVER,), id="CONTRACT.key_populations: age 65 is key"),
        pytest.param(6, (), {}, (K.CHILD_0_TO_6,), id="CONTRACT.key_populations: child aged 6 is key"),
        pytest.param(7, (), {}, (), id="CONTRACT.key_populations: child aged 7 is not key"),
        pytest.param(0, (), {}, (K.CHILD_0_TO_6,), id="CONTRACT.key_populations: newborn is key"),
        pytest.param(
            50, (C.HYPERTENSION,), {}, (K.HYPERTENSION,), id="CONTRACT.key_populations: hypertension"
        ),
        pytest.param(50, (C.DIABETES,), {}, (K.DIABETES,), id="CONTRACT.key_populations: diabetes"),
        pytest.param(50, (C.COPD,), {}, (K.COPD,), id="CONTRACT.key_populations: COPD"),
        pytest.param(
            50, (C.OBESITY, C.DYSLIPIDAEMIA), {}, (), id="CONTRACT.key_populations: obesity, lipids are not"
        ),
        pytest.param(30, (), {"pregnant": True}, (K.PREGNANT,), id="CONTRACT.key_populations: pregnant"),
        pytest.param(40, (), {"disabled": True}, (K.DISABLED,), id="CONTRACT.key_populations: disabled"),
        pytest.param(
            40,
            (),
            {"poor_household": True},
            (K.POOR_HOUSEHOLD,),
            id="CONTRACT.key_populations: poor household",
        ),
        pytest.param(
            70,
            (C.COPD, C.HYPERTENSION, C.DIABETES),
            {"disabled": True, "poor_household": True},
            (K.AGED_65_OR_OVER, K.HYPERTENSION, K.DIABETES, K.COPD, K.DISABLED, K.POOR_HOUSEHOLD),
            id="CONTRACT.key_populations: every reason at once, in a stable order",
        ),
    ],
)
def test_key_population_reasons(
    age: int,
    conditions: tuple[Condition, ...],
    flags: dict[str, bool],
    expected: tuple[ct.KeyPopulation, ...],
) -> None:
    assert ct.key_population_reasons(age, conditions, **flags) == expected


@pytest.mark.parametrize("age", [pytest.param(-1, id="age -1"), pytest.param(131, id="age 131")])
def test_key_population_refuses_impossible_age(age: int) -> None:
    with pytest.raises(RuleError) as err:
        ct.key_population_reasons(age, ())
    assert err.value.field == "age"


def test_every_key_population_and_package_has_zh_and_en_labels() -> None:
    for member in (*ct.KeyPopulation, *ct.Package):
        zh, en = ct.LABELS[member]
        assert zh
        assert en


# --- term --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end"),
    [
        pytest.param(D(2026, 1, 1), D(2026, 12, 31), id="CONTRACT.term: 1 Jan → 31 Dec"),
        pytest.param(D(2026, 3, 15), D(2027, 3, 14), id="CONTRACT.term: 15 Mar → 14 Mar next year"),
        pytest.param(D(2024, 2, 29), D(2025, 2, 28), id="CONTRACT.term: 29 Feb → 28 Feb (anniversary 1 Mar)"),
        pytest.param(D(2027, 3, 1), D(2028, 2, 29), id="CONTRACT.term: over a leap day → 29 Feb"),
    ],
)
def test_default_end_date(start: dt.date, end: dt.date) -> None:
    assert ct.default_end_date(start) == end
    ct.check_term(start, end)


@pytest.mark.parametrize(
    ("start", "end", "ok"),
    [
        pytest.param(D(2026, 1, 1), D(2026, 12, 30), False, id="CONTRACT.term: 364 days is refused"),
        pytest.param(D(2026, 1, 1), D(2026, 12, 31), True, id="CONTRACT.term: 365 days is accepted"),
        pytest.param(D(2026, 1, 1), D(2027, 12, 31), True, id="CONTRACT.term: two years is accepted"),
        pytest.param(
            D(2027, 3, 1), D(2028, 2, 28), False, id="CONTRACT.term: 365 days over a leap day is refused"
        ),
        pytest.param(D(2026, 6, 1), D(2026, 5, 31), False, id="CONTRACT.term: end before start is refused"),
    ],
)
def test_term_is_at_least_one_year(start: dt.date, end: dt.date, ok: bool) -> None:
    if ok:
        ct.check_term(start, end)
        ct.check_new_contract([], resident_id=7, team_id=1, start=start, end=end)
        return
    with pytest.raises(RuleError) as err:
        ct.check_new_contract([], resident_id=7, team_id=1, start=start, end=end)
    assert err.value.field == "end"


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        pytest.param("basic", True, id="CONTRACT.packages: basic"),
        pytest.param("personalised", True, id="CONTRACT.packages: personalised"),
        pytest.param("premium", False, id="CONTRACT.packages: unknown package is refused"),
    ],
)
def test_package(value: str, ok: bool) -> None:
    kwargs = {"resident_id": 7, "team_id": 1, "start": D(2026, 1, 1), "end": D(2026, 12, 31)}
    if ok:
        assert ct.check_package(value) == value
        ct.check_new_contract([], package=value, **kwargs)  # type: ignore[arg-type]
        return
    with pytest.raises(RuleError) as err:
        ct.check_new_contract([], package=value, **kwargs)  # type: ignore[arg-type]
    assert err.value.field == "package"


# --- one team at a time ----------------------------------------------------------------------------------


CURRENT = contract(1, team_id=1, start=D(2026, 1, 1), end=D(2026, 12, 31))


@pytest.mark.parametrize(
    ("existing", "team_id", "start", "end", "field"),
    [
        pytest.param(
            [CURRENT],
            1,
            D(2027, 1, 1),
            D(2027, 12, 31),
            None,
            id="CONTRACT.renewal: same team the day after the end is fine",
        ),
        pytest.param(
            [CURRENT],
            1,
            D(2026, 12, 31),
            D(2027, 12, 30),
            "start",
            id="CONTRACT.renewal: same team starting on the last day overlaps → refused",
        ),
        pytest.param(
            [CURRENT],
            2,
            D(2027, 1, 1),
            D(2027, 12, 31),
            None,
            id="CONTRACT.renewal: another team after the end is a change of team, fine",
        ),
        pytest.param(
            [CURRENT],
            2,
            D(2026, 6, 1),
            D(2027, 5, 31),
            "team_id",
            id="CONTRACT.one_team: another team while one is active → refused",
        ),
        pytest.param(
            [contract(1, team_id=1, status=S.TERMINATED)],
            2,
            D(2026, 6, 1),
            D(2027, 5, 31),
            None,
            id="CONTRACT.one_team: another team after the old one is terminated is fine",
        ),
        pytest.param(
            [contract(1, team_id=1, start=D(2025, 1, 1), end=D(2025, 12, 31), status=S.EXPIRED)],
            2,
            D(2026, 1, 1),
            D(2026, 12, 31),
            None,
            id="CONTRACT.one_team: an expired contract does not block",
        ),
        pytest.param(
            [contract(1, team_id=1, start=D(2027, 1, 1), end=D(2027, 12, 31))],
            2,
            D(2026, 6, 1),
            D(2027, 5, 31),
            "team_id",
            id="CONTRACT.one_team: overlapping a signed future renewal with another team → refused",
        ),
        pytest.param(
            [contract(1, resident_id=8, team_id=1)],
            2,
            D(2026, 6, 1),
            D(2027, 5, 31),
            None,
            id="CONTRACT.one_team: another resident's contract does not count",
        ),
    ],
)
def test_check_new_contract(
    existing: list[Contract], team_id: int, start: dt.date, end: dt.date, field: str | None
) -> None:
    if field is None:
        ct.check_new_contract(existing, resident_id=7, team_id=team_id, start=start, end=end)
        return
    with pytest.raises(Conflict) as err:
        ct.check_new_contract(existing, resident_id=7, team_id=team_id, start=start, end=end)
    assert err.value.field == field
    assert err.value.details["contract_id"] == 1
    assert all(c in CLAUSES for c in err.value.details["clauses"])  # type: ignore[attr-defined]


def test_household_signs_with_one_team() -> None:
    spouse = contract(3, resident_id=8, team_id=1)
    with pytest.raises(Conflict, match="household member 8") as err:
        ct.check_new_contract(
            [spouse],
            resident_id=7,
            team_id=2,
            start=D(2026, 6, 1),
            end=D(2027, 5, 31),
            household_member_ids=(8,),
        )
    assert err.value.field == "team_id"
    assert ct.CL_ONE_TEAM in err.value.details["clauses"]  # type: ignore[operator]


# --- status and renewal ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("c", "today", "status", "in_force"),
    [
        pytest.param(CURRENT, D(2026, 12, 31), S.ACTIVE, True, id="status: active on the last day"),
        pytest.param(CURRENT, D(2027, 1, 1), S.EXPIRED, False, id="status: expired the day after"),
        pytest.param(CURRENT, D(2025, 12, 31), S.ACTIVE, False, id="status: signed, not started yet"),
        pytest.param(
            contract(1, status=S.TERMINATED),
            D(2026, 6, 1),
            S.TERMINATED,
            False,
            id="status: terminated stands",
        ),
        pytest.param(
            contract(1, status=S.EXPIRED), D(2026, 6, 1), S.ACTIVE, True, id="status: the end date decides"
        ),
    ],
)
def test_contract_status_on(c: Contract, today: dt.date, status: ContractStatus, in_force: bool) -> None:
    assert ct.contract_status_on(c, today) is status
    assert ct.in_force_on(c, today) is in_force


def test_renewal_dates_follow_without_gap() -> None:
    start, end = ct.renewal_dates(CURRENT)
    assert (start, end) == (D(2027, 1, 1), D(2027, 12, 31))
    ct.check_new_contract([CURRENT], resident_id=7, team_id=1, start=start, end=end)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        pytest.param(
            D(2026, 6, 1), (D(2027, 1, 1), D(2027, 12, 31)), id="CONTRACT.renewal: in force → the next term"
        ),
        pytest.param(
            D(2026, 12, 31), (D(2027, 1, 1), D(2027, 12, 31)), id="CONTRACT.renewal: on the last day → next"
        ),
        pytest.param(
            D(2027, 1, 1), (D(2027, 1, 1), D(2027, 12, 31)), id="CONTRACT.renewal: the day after → no gap"
        ),
        pytest.param(
            D(2027, 3, 15),
            (D(2027, 3, 15), D(2028, 3, 14)),
            id="CONTRACT.renewal: lapsed → a year from today",
        ),
        pytest.param(
            D(2028, 2, 29), (D(2028, 2, 29), D(2029, 2, 28)), id="CONTRACT.term: lapsed, renewed on 29 Feb"
        ),
    ],
)
def test_renewal_term(today: dt.date, expected: tuple[dt.date, dt.date]) -> None:
    assert ct.renewal_term(CURRENT, today) == expected
    start, end = expected
    ct.check_term(start, end)
    ct.check_new_contract([CURRENT], resident_id=7, team_id=1, start=start, end=end)


def test_a_terminated_contract_is_not_renewed() -> None:
    with pytest.raises(Conflict) as refused:
        ct.renewal_term(contract(1, status=S.TERMINATED), D(2026, 6, 1))
    assert refused.value.field == "contract_id"


@pytest.mark.parametrize(
    ("today", "window", "due"),
    [
        pytest.param(D(2026, 12, 1), None, True, id="CONTRACT.renewal_window: 30 days before the end → due"),
        pytest.param(D(2026, 11, 30), None, False, id="CONTRACT.renewal_window: 31 days before → not yet"),
        pytest.param(D(2026, 12, 31), None, True, id="CONTRACT.renewal_window: on the last day → due"),
        pytest.param(D(2027, 1, 1), None, False, id="CONTRACT.renewal_window: after the end → expired"),
        pytest.param(D(2026, 11, 1), 60, True, id="CONTRACT.renewal_window: a 60-day window is honoured"),
    ],
)
def test_renewal_due(today: dt.date, window: int | None, due: bool) -> None:
    assert ct.renewal_due(CURRENT, today, window) is due


def test_renewal_window_is_a_setting() -> None:
    s = ct.ContractSettings(renewal_window_days=45)
    assert ct.renewal_due(CURRENT, D(2026, 11, 16), settings=s)
    assert not ct.renewal_due(CURRENT, D(2026, 11, 16))


def test_renewal_window_refuses_negative() -> None:
    with pytest.raises(RuleError) as err:
        ct.renewal_due(CURRENT, D(2026, 12, 1), -1)
    assert err.value.field == "window_days"


def test_expiring_worklist_drops_renewed_and_terminated() -> None:
    renewed = contract(2, resident_id=8, end=D(2026, 12, 20))
    successor = contract(3, resident_id=8, start=D(2026, 12, 21), end=D(2027, 12, 20))
    terminated = contract(4, resident_id=9, status=S.TERMINATED)
    later = contract(5, resident_id=10, end=D(2026, 12, 10))
    got = ct.expiring_contracts([CURRENT, renewed, successor, terminated, later], D(2026, 12, 5))
    assert [c.id for c in got] == [5, 1]
