"""Synthetic follow-ups: every record replays through the real classifier; late, phoned, home, lost, open bookings."""

from __future__ import annotations

import collections
import datetime as dt
import zoneinfo

import pytest

from flows.model import Condition
from flows.rules import diabetes, followup, hypertension
from flows.rules.base import age_on
from flows.rules.followup import FollowupClass, FollowupInput
from flows.synthetic import Batch, SyntheticFollowUp, SyntheticVisit, TownshipSpec, generate, summarise

TODAY = dt.date(2025, 3, 3)
SPEC = TownshipSpec(residents=3000, seed=11, today=TODAY, batch_residents=1000)
TZ = zoneinfo.ZoneInfo(SPEC.timezone)

Chain = list[SyntheticFollowUp]


@pytest.fixture(scope="module")
def batches() -> list[Batch]:
    return list(generate(SPEC))


@pytest.fixture(scope="module")
def chains(batches: list[Batch]) -> dict[tuple[int, Condition], Chain]:
    """Rows of each (resident, condition) in the order they were made (bookings chain one to the next)."""
    out: dict[tuple[int, Condition], Chain] = collections.defaultdict(list)
    for f in (f for b in batches for f in b.follow_ups):
        out[(f.resident_id, f.condition)].append(f)
    return out


@pytest.fixture(scope="module")
def done(batches: list[Batch]) -> list[SyntheticFollowUp]:
    return [f for b in batches for f in b.follow_ups if f.done_at is not None]


def _day(f: SyntheticFollowUp) -> dt.date:
    assert f.done_at is not None
    return f.done_at.astimezone(TZ).date()


def test_every_record_replays_through_the_real_classifier_with_the_previous_class_chained(
    batches: list[Batch], chains: dict[tuple[int, Condition], Chain]
) -> None:
    born = {r.id: r.birth_date for b in batches for r in b.residents}
    replayed = 0
    for (rid, condition), rows in chains.items():
        assert condition in (Condition.HYPERTENSION, Condition.DIABETES)
        *records, booking = rows
        assert booking.done_at is None  # exactly one open booking per chain, the last row
        previous: FollowupClass | None = None
        due = rows[0].due_date
        booked = rows[0].created_at
        for f in records:
            assert f.done_at is not None
            assert (f.due_date, f.created_at) == (due, booked)  # booked when the one before was done
            assert f.done_at > f.created_at
            if f.mode == "phone":  # measures nothing, not classified; asks the patient in within 2 weeks
                assert (f.sbp, f.dbp, f.fpg, f.result, f.visit_id) == (None, None, None, None, None)
                due = _day(f) + dt.timedelta(days=followup.SHORT_INTERVAL_DAYS)
            else:  # the values it was judged on: BP for hypertension, FPG for diabetes
                htn = condition is Condition.HYPERTENSION
                assert (f.sbp is not None, f.dbp is not None, f.fpg is not None) == (htn, htn, not htn)
                day = _day(f)
                # Replayed with flows.rules itself (not the generator's `assess`): the programme threshold at
                # the age on the day, then BPHS-2017's classification with the previous class chained.
                if htn:
                    assert f.sbp is not None
                    assert f.dbp is not None
                    controlled = hypertension.is_controlled(f.sbp, f.dbp, age_on(born[rid], day))
                else:
                    assert f.fpg is not None
                    controlled = diabetes.is_fpg_controlled(f.fpg)
                expected = followup.classify(FollowupInput(controlled=controlled, previous=previous), day)
                assert f.result == expected
                previous, due = expected.cls, expected.next_date
                replayed += 1
            booked = f.done_at
        assert (booking.due_date, booking.created_at) == (due, booked)
    assert replayed > 5000


def test_clinic_follow_ups_are_done_in_a_visit_with_the_same_values(
    batches: list[Batch], done: list[SyntheticFollowUp]
) -> None:
    visits: dict[int, SyntheticVisit] = {v.id: v for b in batches for v in b.visits}
    visit_days = {(v.resident_id, v.visit_date) for v in visits.values()}
    for f in done:
        if f.mode == "clinic":
            assert f.visit_id is not None
            v = visits[f.visit_id]
            values = {o.code: o.value for o in v.observations}
            assert (v.resident_id, v.visit_date, f.done_at) == (f.resident_id, _day(f), v.closed_at)
            if f.condition is Condition.HYPERTENSION:
                assert (values["sbp"], values["dbp"]) == (f.sbp, f.dbp)
            else:
                assert values["fpg"] == f.fpg
            if f.result is not None and f.result.referral:
                assert v.referral_direction in ("up", "emergency")
        else:  # at home or by phone: no clinic visit that day
            assert f.visit_id is None
            assert (f.resident_id, _day(f)) not in visit_days or f.mode == "phone"


def test_shares_of_modes_classes_and_late_visits_are_realistic(done: list[SyntheticFollowUp]) -> None:
    modes = collections.Counter(f.mode for f in done)
    assert 0.02 <= modes["phone"] / len(done) <= 0.10
    assert 0.04 <= modes["home"] / len(done) <= 0.12
    classes = collections.Counter(f.result.cls for f in done if f.result)
    assert set(classes) == {FollowupClass.CONTROLLED, FollowupClass.UNCONTROLLED}  # no drug data: no others
    assert 0.15 <= classes[FollowupClass.UNCONTROLLED] / classes.total() <= 0.45
    assert any(f.result and f.result.referral for f in done)  # two uncontrolled in a row
    late = [f for f in done if f.mode != "phone" and (_day(f) - f.due_date).days > 30]
    assert 0.03 <= len(late) / len(done) <= 0.25
    early_or_on_time = [f for f in done if (_day(f) - f.due_date).days <= 3]
    assert len(early_or_on_time) / len(done) > 0.5


def test_open_bookings_some_overdue_and_lost_patients_long_overdue(
    batches: list[Batch], chains: dict[tuple[int, Condition], Chain]
) -> None:
    bookings = [rows[-1] for rows in chains.values()]
    overdue = [(TODAY - b.due_date).days for b in bookings if b.due_date < TODAY]
    assert 0.05 <= len(overdue) / len(bookings) <= 0.40
    assert sum(days > 365 for days in overdue) > 10  # lost to follow-up: a year and more
    assert sum(days <= 60 for days in overdue) > 10  # just late
    township = summarise(SPEC, batches)
    assert township.follow_ups == sum(len(rows) for rows in chains.values())
    assert township.open_bookings == len(bookings)
    assert township.overdue_bookings == len(overdue)


def test_follow_ups_fall_in_the_window_one_visit_a_day_and_only_for_managed_conditions(
    batches: list[Batch], done: list[SyntheticFollowUp]
) -> None:
    conditions = {r.id: r.conditions for b in batches for r in b.residents}
    diagnosed = {(d.resident_id, d.condition): d.diagnosed_on for b in batches for d in b.diagnoses}
    for f in done:
        assert f.condition in conditions[f.resident_id]
        assert diagnosed[(f.resident_id, f.condition)] < _day(f) < TODAY
        assert TODAY - dt.timedelta(days=3 * 366) <= _day(f)
        assert f.staff_id is not None
