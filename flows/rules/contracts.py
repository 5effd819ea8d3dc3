"""Family-doctor contracts (家庭医生签约, CLINICAL_RULES.md §9 [V]): term, one team at a time, renewal, packages,
key populations.

A contract runs from its start date to its end date, both days included; by default it ends the day before the
first anniversary of its start (a start on 29 February has its anniversary on 1 March in common years). Shorter
terms are refused. Only a terminated contract frees the resident (or household) for another team before its end.

§9 names no document of its own; its clauses cite OPINION-2025, the seed guidance that ties chronic-disease care
to signing, until `base.Source` gains the signing guidance itself. The renewal window of the "contracts expiring"
worklist is [U] — a site can override it in `[rules.contracts]` of its configuration.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Collection, Sequence
from typing import Final

import msgspec

from flows.errors import Conflict
from flows.model import Condition, Contract, ContractStatus
from flows.rules.base import MAX_AGE, Confidence, RuleError, Source, add_months, check_int, clause, is_int_in

_SECTION = "家庭医生签约服务"

# §9 [V]: a contract lasts in principle at least one year
MIN_TERM_YEARS: Final = 1
# §9 [V]: key populations include residents aged ≥65 …
KEY_POPULATION_AGE: Final = 65
# §9 [V]: … and children aged 0–6
KEY_POPULATION_CHILD_MAX_AGE: Final = 6
MAX_RENEWAL_WINDOW_DAYS: Final = 365  # plausibility of the [U] window (ours): at most a whole term

CL_ONE_TEAM: Final = clause(
    "CONTRACT.one_team",
    Source.OPINION_2025,
    _SECTION,
    Confidence.V,
    "A resident or household signs with one family doctor team at a time.",
)
CL_TERM: Final = clause(
    "CONTRACT.term",
    Source.OPINION_2025,
    _SECTION,
    Confidence.V,
    "A contract lasts in principle at least one year.",
)
CL_RENEWAL: Final = clause(
    "CONTRACT.renewal",
    Source.OPINION_2025,
    _SECTION,
    Confidence.V,
    "At expiry the resident renews (续约) with the same team or changes team.",
)
CL_PACKAGES: Final = clause(
    "CONTRACT.packages",
    Source.OPINION_2025,
    _SECTION,
    Confidence.V,
    "Service packages are basic (基础性) or personalised (个性化).",
)
CL_KEY_POPULATIONS: Final = clause(
    "CONTRACT.key_populations",
    Source.OPINION_2025,
    _SECTION,
    Confidence.V,
    "Key populations prioritised for signing: aged ≥65, hypertension, diabetes, COPD, pregnant women, "
    "children 0–6, disabled people, poor households.",
)
CL_RENEWAL_WINDOW: Final = clause(
    "CONTRACT.renewal_window",
    Source.OPINION_2025,
    _SECTION,
    Confidence.U,
    "A contract is due for renewal from 30 days before its end date (our worklist default; overridable).",
)


class Package(enum.StrEnum):
    BASIC = "basic"  # 基础性服务包
    PERSONALISED = "personalised"  # 个性化服务包


class KeyPopulation(enum.StrEnum):
    AGED_65_OR_OVER = "aged_65_or_over"
    HYPERTENSION = "hypertension"
    DIABETES = "diabetes"
    COPD = "copd"
    PREGNANT = "pregnant"
    CHILD_0_TO_6 = "child_0_to_6"
    DISABLED = "disabled"
    POOR_HOUSEHOLD = "poor_household"


# (zh, en) labels shown to users.
LABELS: Final[dict[enum.StrEnum, tuple[str, str]]] = {
    Package.BASIC: ("基础性服务包", "basic package"),
    Package.PERSONALISED: ("个性化服务包", "personalised package"),
    KeyPopulation.AGED_65_OR_OVER: ("65岁及以上老年人", "aged 65 or over"),
    KeyPopulation.HYPERTENSION: ("高血压患者", "hypertension"),
    KeyPopulation.DIABETES: ("2型糖尿病患者", "type 2 diabetes"),
    KeyPopulation.COPD: ("慢阻肺病患者", "COPD"),
    KeyPopulation.PREGNANT: ("孕产妇", "pregnant woman"),
    KeyPopulation.CHILD_0_TO_6: ("0～6岁儿童", "child aged 0–6"),
    KeyPopulation.DISABLED: ("残疾人", "disabled"),
    KeyPopulation.POOR_HOUSEHOLD: ("贫困人口", "poor household"),
}

_CONDITION_KEY: Final = {
    Condition.HYPERTENSION: KeyPopulation.HYPERTENSION,
    Condition.DIABETES: KeyPopulation.DIABETES,
    Condition.COPD: KeyPopulation.COPD,
}


class ContractSettings(msgspec.Struct, frozen=True, kw_only=True):
    """[U] — a site can override it in `[rules.contracts]` of its configuration."""

    # Our worklist default, not from a document: list a contract for renewal this many days before its end.
    renewal_window_days: int = 30


def key_population_reasons(
    age: int,
    conditions: Collection[Condition],
    *,
    pregnant: bool = False,
    disabled: bool = False,
    poor_household: bool = False,
) -> tuple[KeyPopulation, ...]:
    """Why a resident is in a key population for signing (§9 [V]); empty when none applies."""
    check_int(age, "age", 0, MAX_AGE)
    found: list[KeyPopulation] = []
    if age >= KEY_POPULATION_AGE:
        found.append(KeyPopulation.AGED_65_OR_OVER)
    found.extend(key for condition, key in _CONDITION_KEY.items() if condition in conditions)
    if pregnant:
        found.append(KeyPopulation.PREGNANT)
    if age <= KEY_POPULATION_CHILD_MAX_AGE:
        found.append(KeyPopulation.CHILD_0_TO_6)
    if disabled:
        found.append(KeyPopulation.DISABLED)
    if poor_household:
        found.append(KeyPopulation.POOR_HOUSEHOLD)
    return tuple(found)


def check_package(value: str) -> Package:
    """The package named by `value`, or RuleError naming the field."""
    try:
        return Package(value)
    except ValueError:
        raise RuleError(
            f"package must be one of {[p.value for p in Package]}, got {value!r}", field="package"
        ) from None


def _anniversary(day: dt.date, years: int) -> dt.date:
    """Unlike `add_months`, which clamps 29 February to 28 February, the anniversary of a start on 29 February
    is 1 March in a common year, so a one-year contract ends on 28 February and keeps every day of its year."""
    moved = add_months(day, 12 * years)
    return moved if moved.day == day.day else moved + dt.timedelta(days=1)


def default_end_date(start: dt.date) -> dt.date:
    """The last day of a one-year contract: the day before the first anniversary of `start`."""
    return _anniversary(start, MIN_TERM_YEARS) - dt.timedelta(days=1)


def check_term(start: dt.date, end: dt.date) -> None:
    """Refuse an end before the start or a term shorter than one year (§9 [V])."""
    if end < start:
        raise RuleError(f"end {end} is before start {start}", field="end")
    shortest = default_end_date(start)
    if end < shortest:
        raise RuleError(
            f"a contract lasts at least one year: from {start} it ends on {shortest} or later, got {end}",
            field="end",
        )


def renewal_dates(contract: Contract) -> tuple[dt.date, dt.date]:
    """(start, end) of a one-year renewal that follows `contract` without a gap or an overlap."""
    start = contract.end_date + dt.timedelta(days=1)
    return start, default_end_date(start)


def renewal_term(contract: Contract, today: dt.date) -> tuple[dt.date, dt.date]:
    """(start, end) of renewing `contract` on `today` (§9 [V]: at expiry the resident renews).

    While the contract runs, or the day after it ended, the renewal follows it without a gap (`renewal_dates`).
    A contract that lapsed earlier is renewed from today: a term already over would cover nobody. A terminated
    contract is not renewed (Conflict): signing again is a new contract.
    """
    if contract.status is ContractStatus.TERMINATED:
        raise Conflict(
            f"contract {contract.id} was terminated; sign a new contract instead of renewing it",
            field="contract_id",
            details={"contract_id": contract.id, "clauses": [CL_RENEWAL]},
        )
    start, end = renewal_dates(contract)
    if start >= today:
        return start, end
    return today, default_end_date(today)


def contract_status_on(contract: Contract, today: dt.date) -> ContractStatus:
    """The status on `today`: a termination is a decision and stands; otherwise the end date decides.

    A signed renewal that has not started yet is ACTIVE (signed, not over); `in_force_on` tells it apart.
    """
    if contract.status is ContractStatus.TERMINATED:
        return ContractStatus.TERMINATED
    return ContractStatus.EXPIRED if today > contract.end_date else ContractStatus.ACTIVE


def in_force_on(contract: Contract, today: dt.date) -> bool:
    """Whether the contract covers `today` (not terminated, start ≤ today ≤ end)."""
    return (
        contract.status is not ContractStatus.TERMINATED and contract.start_date <= today <= contract.end_date
    )


def check_new_contract(
    existing: Sequence[Contract],
    *,
    resident_id: int,
    team_id: int,
    start: dt.date,
    end: dt.date,
    package: str | None = None,
    household_member_ids: Collection[int] = (),
) -> None:
    """Refuse a new contract that breaks §9: RuleError for a bad term or package, Conflict for a clash.

    `existing` may hold anyone's contracts; those of the resident count, and when signing as a household those
    of `household_member_ids` too. Terminated contracts never clash. A renewal with the same team is fine when
    it starts after the current contract ends; a contract with another team is refused while one overlaps it.
    """
    check_term(start, end)
    if package is not None:
        check_package(package)
    covered = {resident_id, *household_member_ids}
    for c in existing:
        if c.resident_id not in covered or c.status is ContractStatus.TERMINATED:
            continue
        if c.start_date > end or start > c.end_date:
            continue
        who = "the resident" if c.resident_id == resident_id else f"household member {c.resident_id}"
        details: dict[str, object] = {
            "contract_id": c.id,
            "resident_id": c.resident_id,
            "team_id": c.team_id,
            "start_date": c.start_date.isoformat(),
            "end_date": c.end_date.isoformat(),
            "clauses": [CL_ONE_TEAM, CL_RENEWAL],
        }
        if c.team_id != team_id:
            raise Conflict(
                f"{who} has contract {c.id} with team {c.team_id} until {c.end_date}: one team at a time; "
                f"terminate it first or start on {c.end_date + dt.timedelta(days=1)} or later",
                field="team_id",
                details=details,
            )
        raise Conflict(
            f"{who} already has contract {c.id} with this team from {c.start_date} to {c.end_date}; "
            f"a renewal starts on {c.end_date + dt.timedelta(days=1)} or later",
            field="start",
            details=details,
        )


def _window(window_days: int | None, settings: ContractSettings | None) -> int:
    days = (settings or ContractSettings()).renewal_window_days if window_days is None else window_days
    if not is_int_in(days, 0, MAX_RENEWAL_WINDOW_DAYS):
        raise RuleError(
            f"renewal window must be 0–{MAX_RENEWAL_WINDOW_DAYS} days, got {days!r}", field="window_days"
        )
    return days


def renewal_due(
    contract: Contract,
    today: dt.date,
    window_days: int | None = None,
    *,
    settings: ContractSettings | None = None,
) -> bool:
    """Whether a contract in force ends within the renewal window [U] (today ≤ end ≤ today + window)."""
    days = _window(window_days, settings)
    return in_force_on(contract, today) and (contract.end_date - today).days <= days


def expiring_contracts(
    contracts: Sequence[Contract],
    today: dt.date,
    window_days: int | None = None,
    *,
    settings: ContractSettings | None = None,
) -> tuple[Contract, ...]:
    """The "contracts expiring" worklist: due for renewal and not yet followed by a signed contract, by end date."""
    days = _window(window_days, settings)
    due = [c for c in contracts if renewal_due(c, today, days)]
    followed = {
        c.id
        for c in due
        for later in contracts
        if later.resident_id == c.resident_id
        and later.id != c.id
        and later.status is not ContractStatus.TERMINATED
        and later.start_date > c.end_date
    }
    return tuple(sorted((c for c in due if c.id not in followed), key=lambda c: (c.end_date, c.id)))
