"""The synthetic township: deterministic, valid identities, national prevalences, a rural pyramid, sane history."""

from __future__ import annotations

import collections
import datetime as dt
import re

import msgspec
import pytest

from flows.errors import InvalidInput
from flows.identity import parse_id_number
from flows.model import Condition, ContractStatus, MoveRequest, QueueKind, Sex, Step, Visit
from flows.rules import hypertension
from flows.rules.base import age_on
from flows.rules.contracts import check_term, default_end_date
from flows.synthetic import (
    MAX_RESIDENTS,
    Batch,
    SyntheticFollowUp,
    SyntheticResident,
    Township,
    TownshipSpec,
    generate,
    layout,
    summarise,
    visit_events,
)
from flows.synthetic.names import SURNAMES
from flows.synthetic.township import BLOCK
from flows.visit import advance

TODAY = dt.date(2025, 3, 3)
SPEC = TownshipSpec(residents=5000, seed=20250303, today=TODAY, batch_residents=1000)


@pytest.fixture(scope="module")
def batches() -> list[Batch]:
    return list(generate(SPEC))


@pytest.fixture(scope="module")
def residents(batches: list[Batch]) -> list[SyntheticResident]:
    return [r for b in batches for r in b.residents]


@pytest.fixture(scope="module")
def township(batches: list[Batch]) -> Township:
    return summarise(SPEC, batches)


def _encoded(spec: TownshipSpec) -> bytes:
    return msgspec.msgpack.encode(list(generate(spec)))


# --- determinism -----------------------------------------------------------------------------------------


def test_same_seed_gives_identical_township() -> None:
    spec = TownshipSpec(residents=400, seed=7, today=TODAY, batch_residents=150)
    assert _encoded(spec) == _encoded(spec)
    assert layout(spec) == layout(spec)


def test_different_seed_gives_different_township() -> None:
    one = TownshipSpec(residents=400, seed=7, today=TODAY)
    assert _encoded(one) != _encoded(msgspec.structs.replace(one, seed=8))


def test_batch_size_does_not_change_who_lives_there_only_how_they_are_cut() -> None:
    whole = TownshipSpec(residents=1200, seed=3, today=TODAY, batch_residents=5000)
    cut = msgspec.structs.replace(whole, batch_residents=BLOCK)
    assert [len(b.residents) for b in generate(whole)] == [1200]
    assert [len(b.residents) for b in generate(cut)] == [BLOCK, BLOCK, 1200 - 2 * BLOCK]
    assert summarise(whole) == summarise(cut)
    assert [r for b in generate(whole) for r in b.residents] == [
        r for b in generate(cut) for r in b.residents
    ]


@pytest.mark.parametrize("residents", [0, -5, MAX_RESIDENTS + 1])
def test_refuses_an_empty_or_oversized_township(residents: int) -> None:
    with pytest.raises(InvalidInput, match=f"residents must be 1–1,000,000, got {residents}"):
        next(generate(TownshipSpec(residents=residents, seed=1, today=TODAY)))


# --- identities --------------------------------------------------------------------------------------------


def test_every_id_number_is_valid_in_the_county_unique_and_agrees_with_sex_and_birth(
    residents: list[SyntheticResident],
) -> None:
    assert len(residents) == SPEC.residents
    for r in residents:
        parsed = parse_id_number(r.id_number, today=TODAY)
        assert parsed.region_code == SPEC.region_code
        assert (parsed.sex, parsed.birth_date) == (r.sex, r.birth_date)
    assert len({r.id_number for r in residents}) == len(residents)


def test_record_numbers_are_gap_free_per_village_with_village_codes_101_up(
    residents: list[SyntheticResident],
) -> None:
    by_village: dict[str, list[int]] = collections.defaultdict(list)
    for r in residents:
        assert r.record_number[:9] == SPEC.region_code + SPEC.township_code
        assert r.record_number[9:12] == r.village_code
        assert 101 <= int(r.village_code) <= 199
        by_village[r.village_code].append(int(r.record_number[12:]))
    for sequences in by_village.values():
        assert sequences == list(range(1, len(sequences) + 1))


def test_taken_id_numbers_are_never_reissued_and_record_numbers_continue() -> None:
    spec = TownshipSpec(residents=200, seed=5, today=TODAY)
    first = [r for b in generate(spec) for r in b.residents]
    prefix = first[0].record_number[:12]
    again = [
        r
        for b in generate(spec, taken_id_numbers={r.id_number for r in first}, record_start={prefix: 500})
        for r in b.residents
    ]
    assert not {r.id_number for r in again} & {r.id_number for r in first}
    assert min(int(r.record_number[12:]) for r in again if r.record_number.startswith(prefix)) == 501


def test_names_follow_surname_frequencies_and_phones_look_like_mobiles(
    residents: list[SyntheticResident],
) -> None:
    surnames = collections.Counter(r.name[0] for r in residents)
    top3 = {s for s, _ in surnames.most_common(3)}
    assert top3 == {"王", "李", "张"}  # 公安部 ranking: 王 7.25 %, 李 7.19 %, 张 6.83 %
    assert 0.05 < surnames["王"] / len(residents) < 0.10
    assert all(r.name[0] in SURNAMES and 2 <= len(r.name) <= 3 for r in residents)
    phones = [r.phone for r in residents if r.phone]
    assert len(phones) > 0.7 * len(residents)
    assert all(re.fullmatch(r"1[3-9][0-9]{9}", p) for p in phones)
    assert all(r.phone is None for r in residents if age_on(r.birth_date, TODAY) < 16)


# --- population ----------------------------------------------------------------------------------------------


def test_age_pyramid_is_that_of_a_rural_township(township: Township) -> None:
    # 七普 乡村: ≥60 23.81 %, ≥65 17.72 % (nationally 18.70 % and 13.50 %).
    assert 0.21 <= township.aged_60_plus / township.residents <= 0.27
    assert 0.155 <= township.aged_65_plus / township.residents <= 0.20
    assert 0.48 <= township.male / township.residents <= 0.54


def test_households_are_whole_sized_one_to_five_and_share_an_address(batches: list[Batch]) -> None:
    sizes = []
    for batch in batches:
        by_id = {r.id: r for r in batch.residents}
        members = [m for h in batch.households for m in h.member_ids]
        assert sorted(members) == sorted(by_id)  # everyone in exactly one household of this batch
        for h in batch.households:
            assert h.head_resident_id in h.member_ids
            assert {by_id[m].household_id for m in h.member_ids} == {h.id}
            assert {by_id[m].address for m in h.member_ids} == {h.address}
            assert {by_id[m].village_code for m in h.member_ids} == {h.village_code}
            assert age_on(by_id[h.head_resident_id].birth_date, TODAY) >= 18
            sizes.append(len(h.member_ids))
    assert 1 <= min(sizes) <= max(sizes) <= 5
    assert 2.3 <= sum(sizes) / len(sizes) <= 3.3  # 七普: 2.62 a household
    assert sum(1 for s in sizes if s >= 2) / len(sizes) > 0.75


# --- conditions ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("condition", "target", "tolerance"),
    [
        pytest.param(
            Condition.HYPERTENSION, 0.25, 0.03, id="hypertension ~25% of adults (CHS 2012-15, 报告2020)"
        ),
        pytest.param(Condition.DIABETES, 0.11, 0.02, id="diabetes ~11% of adults (报告2020 11.9%)"),
        pytest.param(Condition.DYSLIPIDAEMIA, 0.35, 0.03, id="dyslipidaemia ~35% of adults (报告2020 35.6%)"),
        pytest.param(Condition.OBESITY, 0.15, 0.025, id="obesity ~15% of adults (报告2020 16.4%)"),
        pytest.param(Condition.COPD, 0.13, 0.025, id="COPD ~13% of those >=40 (CPH, Lancet 2018)"),
    ],
)
def test_prevalence_matches_the_surveys(
    township: Township, condition: Condition, target: float, tolerance: float
) -> None:
    base = township.aged_40_plus if condition is Condition.COPD else township.adults
    assert abs(township.conditions[condition.value] / base - target) <= tolerance


def test_conditions_rise_with_age_and_spare_children(residents: list[SyntheticResident]) -> None:
    def share(lo: int, hi: int) -> float:
        group = [r for r in residents if lo <= age_on(r.birth_date, TODAY) < hi]
        return sum(Condition.HYPERTENSION in r.conditions for r in group) / len(group)

    assert share(18, 40) < share(40, 60) < share(60, 120)
    assert all(not r.conditions for r in residents if age_on(r.birth_date, TODAY) < 18)
    assert all(Condition.COPD not in r.conditions for r in residents if age_on(r.birth_date, TODAY) < 40)


# --- contracts -----------------------------------------------------------------------------------------------------


def test_most_key_populations_are_signed_and_few_others(township: Township) -> None:
    assert 0.68 <= township.key_population_signed / township.key_population <= 0.82
    others = township.residents - township.key_population
    assert 0.10 <= township.others_signed / others <= 0.20


def test_contracts_last_a_year_and_one_is_active_today(batches: list[Batch]) -> None:
    for batch in batches:
        active = collections.Counter(
            c.resident_id for c in batch.contracts if c.status is ContractStatus.ACTIVE
        )
        assert set(active.values()) <= {1}
        for c in batch.contracts:
            assert c.end_date == default_end_date(c.start_date)
            check_term(c.start_date, c.end_date)  # the app would accept it
            if c.status is ContractStatus.ACTIVE:
                assert c.start_date <= TODAY <= c.end_date


# --- history ----------------------------------------------------------------------------------------------------------


def test_every_visit_replays_through_the_state_machine_to_done(batches: list[Batch]) -> None:
    visits = [v for b in batches for v in b.visits]
    assert visits
    for v in visits:
        state = Visit(
            id=v.id,
            resident_id=v.resident_id,
            visit_date=v.visit_date,
            step=Step.INTAKE,
            opened_at=v.opened_at,
            opened_by=v.nurse_id,
        )
        for seq, move, _frm, to, actor, at, reason in visit_events(v):
            state = advance(
                state, MoveRequest(move=move, reason=reason, team_id=v.team_id), actor_id=actor, now=at
            )
            assert (state.step, state.events[-1].seq) == (to, seq)
        assert state.step is Step.DONE
        assert state.closed_at == v.closed_at
        assert (state.queue_kind, state.team_id, state.referral_direction) == (
            v.queue_kind,
            v.team_id,
            v.referral_direction,
        )


def test_visits_fall_in_the_three_years_before_today_one_a_day(batches: list[Batch]) -> None:
    seen: set[tuple[int, dt.date]] = set()
    for v in (v for b in batches for v in b.visits):
        assert TODAY - dt.timedelta(days=3 * 366) <= v.visit_date < TODAY
        assert (v.resident_id, v.visit_date) not in seen
        seen.add((v.resident_id, v.visit_date))
        assert v.opened_at.utcoffset() == dt.timedelta(0)


def test_managed_patients_come_about_four_times_a_year_with_their_measurements(batches: list[Batch]) -> None:
    conditions = {r.id: r.conditions for b in batches for r in b.residents}
    for v in (v for b in batches for v in b.visits):
        codes = {o.code for o in v.observations}
        assert {"sbp", "dbp", "pulse", "weight"} <= codes
        if Condition.DIABETES in conditions[v.resident_id]:
            assert "fpg" in codes
    # Patients managed the whole three years and still coming (diagnosed before the window, a follow-up done in
    # the last 5 months): ≥4 face-to-face follow-ups a year (BPHS-2017) plus 2-week rechecks. Recently
    # diagnosed and lost patients are left out: they were not managed all three years.
    window = TODAY - dt.timedelta(days=3 * 365)
    diagnosed = {(d.resident_id, d.condition): d.diagnosed_on for b in batches for d in b.diagnoses}
    done: dict[tuple[int, Condition], list[SyntheticFollowUp]] = collections.defaultdict(list)
    for f in (f for b in batches for f in b.follow_ups if f.done_at is not None):
        done[(f.resident_id, f.condition)].append(f)
    per_year = [
        sum(f.mode != "phone" for f in rows) / 3
        for key, rows in done.items()
        if diagnosed[key] < window
        and max(f.done_at for f in rows if f.done_at).date() >= TODAY - dt.timedelta(days=150)
    ]
    assert len(per_year) > 500
    assert 4 <= sum(per_year) / len(per_year) <= 7
    assert 0.75 <= sum(n >= 4 for n in per_year) / len(per_year) <= 0.97  # some come too seldom


def test_some_hypertensive_visits_are_uncontrolled_and_others_controlled(batches: list[Batch]) -> None:
    ages = {r.id: age_on(r.birth_date, TODAY) for b in batches for r in b.residents}
    htn = {r.id for b in batches for r in b.residents if Condition.HYPERTENSION in r.conditions}
    uncontrolled = total = 0
    for v in (v for b in batches for v in b.visits if v.resident_id in htn):
        values = {o.code: o.value for o in v.observations}
        total += 1
        # Judged by the programme threshold of flows.rules (<140/90, <150/90 from 65), not the generator's.
        uncontrolled += not hypertension.is_controlled(
            round(values["sbp"]), round(values["dbp"]), ages[v.resident_id]
        )
        assert 80 <= values["sbp"] <= 220
        assert 50 <= values["dbp"] <= 130
    assert 0.15 <= uncontrolled / total <= 0.5


def test_signed_visits_go_to_their_own_team(batches: list[Batch]) -> None:
    kinds = collections.Counter(v.queue_kind for b in batches for v in b.visits)
    assert kinds[QueueKind.OWN_TEAM] > kinds[QueueKind.GENERAL_PRACTICE] > 0
    assert 0 < kinds[QueueKind.EMERGENCY] < 0.03 * sum(kinds.values())


def test_summary_counts_what_was_generated(batches: list[Batch], township: Township) -> None:
    assert township.residents == sum(len(b.residents) for b in batches)
    assert township.households == sum(len(b.households) for b in batches)
    assert township.visits == sum(len(b.visits) for b in batches)
    assert township.visit_events == sum(len(v.moves) for b in batches for v in b.visits)
    assert township.diagnoses == sum(township.conditions.values())
    assert township.teams == len(layout(SPEC).teams)
    assert 4 <= township.teams <= 6
    assert summarise(msgspec.structs.replace(SPEC, residents=300)).residents == 300
    assert {r.sex for b in batches for r in b.residents} == {Sex.MALE, Sex.FEMALE}
