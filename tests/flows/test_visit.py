"""The visit state machine: every allowed transition, every refused one, and the branch rules."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flows.errors import Conflict, InvalidInput, MoveNotAllowed
from flows.model import Move, MoveRequest, QueueKind, Step, Visit
from flows.visit import FINAL_STEPS, REASON_REQUIRED, TRANSITIONS, advance, allowed_moves, is_open

NOW = dt.datetime(2026, 11, 23, 9, 30, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
NURSE, DOCTOR = 7, 8


def visit_at(step: Step) -> Visit:
    return Visit(id=1, resident_id=42, visit_date=NOW.date(), step=step, opened_at=NOW, opened_by=NURSE)


def request(move: Move) -> MoveRequest:
    reason = "resident asked" if move in REASON_REQUIRED else None
    team = 3 if move in (Move.CONFIRM_CONTRACT, Move.ACCEPT_SIGNING) else None
    return MoveRequest(move=move, reason=reason, team_id=team)


@pytest.mark.parametrize(
    ("step", "move", "target"),
    [pytest.param(s, m, t, id=f"{s.value} --{m.value}--> {t.value}") for (s, m), t in TRANSITIONS.items()],
)
def test_every_allowed_transition(step: Step, move: Move, target: Step) -> None:
    after = advance(visit_at(step), request(move), actor_id=DOCTOR, now=NOW)
    assert after.step is target
    (event,) = after.events
    assert (event.from_step, event.to_step, event.move, event.actor_id, event.at) == (
        step,
        target,
        move,
        DOCTOR,
        NOW,
    )
    assert (after.closed_at is not None) == (target in FINAL_STEPS)


REFUSED = [(s, m) for s in Step for m in Move if (s, m) not in TRANSITIONS]


@pytest.mark.parametrize(
    ("step", "move"), [pytest.param(s, m, id=f"{s.value} x {m.value}") for s, m in REFUSED]
)
def test_every_refused_transition_names_the_step_and_the_move(step: Step, move: Move) -> None:
    with pytest.raises(MoveNotAllowed) as caught:
        advance(visit_at(step), request(move), actor_id=NURSE, now=NOW)
    assert step.value in caught.value.message
    assert move.value in caught.value.message
    assert caught.value.details == {"step": step.value, "move": move.value}


def test_the_main_path_runs_from_intake_to_done_and_keeps_every_event() -> None:
    visit = visit_at(Step.INTAKE)
    path = [
        Move.START_SCREENING,
        Move.FINISH_SCREENING,
        Move.FINISH_RECORD_UPDATE,
        Move.CONFIRM_CONTRACT,
        Move.TRIAGE,
        Move.DIAGNOSE,
        Move.SET_PLAN,
        Move.BOOK_FOLLOWUP,
    ]
    for move in path:
        visit = advance(visit, request(move), actor_id=NURSE, now=NOW)
    assert visit.step is Step.DONE
    assert [e.move for e in visit.events] == path
    assert [e.seq for e in visit.events] == list(range(1, len(path) + 1))
    assert not is_open(visit)


def test_signed_resident_gets_priority_in_own_team_queue() -> None:
    after = advance(
        visit_at(Step.SIGNING_CHECK),
        MoveRequest(move=Move.CONFIRM_CONTRACT, team_id=3),
        actor_id=NURSE,
        now=NOW,
    )
    assert (after.queue_kind, after.team_id) == (QueueKind.OWN_TEAM, 3)


def test_signing_needs_the_team() -> None:
    with pytest.raises(InvalidInput, match="team"):
        advance(visit_at(Step.SIGNING_CHECK), MoveRequest(move=Move.ACCEPT_SIGNING), actor_id=NURSE, now=NOW)


def test_declined_signing_needs_a_reason_and_goes_to_general_practice() -> None:
    with pytest.raises(InvalidInput, match="reason"):
        advance(
            visit_at(Step.SIGNING_CHECK),
            MoveRequest(move=Move.DECLINE_SIGNING, reason="  "),
            actor_id=1,
            now=NOW,
        )
    after = advance(
        visit_at(Step.SIGNING_CHECK),
        MoveRequest(move=Move.DECLINE_SIGNING, reason="已在他处签约"),
        actor_id=NURSE,
        now=NOW,
    )
    assert after.queue_kind is QueueKind.GENERAL_PRACTICE
    assert after.events[-1].reason == "已在他处签约"


def test_not_chronic_goes_through_health_education_to_done() -> None:
    visit = advance(visit_at(Step.DIAGNOSIS), request(Move.NOT_CHRONIC), actor_id=DOCTOR, now=NOW)
    assert visit.step is Step.HEALTH_EDUCATION
    assert advance(visit, request(Move.FINISH_EDUCATION), actor_id=DOCTOR, now=NOW).step is Step.DONE


@pytest.mark.parametrize(
    ("step", "move", "direction"),
    [
        (Step.DIAGNOSIS, Move.REFER_UP, "up"),
        (Step.SCREENING, Move.REFER_EMERGENCY, "emergency"),
        (Step.FOLLOWUP_BOOKING, Move.REFER_DOWN, "down"),
        # BPHS-2017: a follow-up classed "refer" (two consecutive uncontrolled) refers up from the follow-up
        (Step.FOLLOWUP_BOOKING, Move.REFER_UP, "up"),
    ],
)
def test_referral_records_its_direction(step: Step, move: Move, direction: str) -> None:
    after = advance(visit_at(step), request(move), actor_id=DOCTOR, now=NOW)
    assert (after.step, after.referral_direction) == (Step.REFERRAL, direction)


def test_an_emergency_can_be_referred_from_every_clinical_step() -> None:
    for step in Step:
        if step in FINAL_STEPS or step in (Step.REFERRAL, Step.HEALTH_EDUCATION):
            continue
        assert Move.REFER_EMERGENCY in allowed_moves(step), step


def test_a_stale_expected_step_is_a_conflict() -> None:
    stale = MoveRequest(move=Move.FINISH_SCREENING, expected_step=Step.SCREENING)
    with pytest.raises(Conflict, match="another terminal"):
        advance(visit_at(Step.RECORD_UPDATE), stale, actor_id=NURSE, now=NOW)


def test_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        advance(
            visit_at(Step.INTAKE), request(Move.START_SCREENING), actor_id=1, now=NOW.replace(tzinfo=None)
        )


def test_final_steps_allow_nothing() -> None:
    assert allowed_moves(Step.DONE) == ()
    assert allowed_moves(Step.CANCELLED) == ()


@given(st.lists(st.sampled_from(list(Move)), max_size=30))
def test_any_sequence_of_moves_keeps_the_history_consistent(moves: list[Move]) -> None:
    visit = visit_at(Step.INTAKE)
    for move in moves:
        try:
            visit = advance(visit, request(move), actor_id=NURSE, now=NOW)
        except MoveNotAllowed:
            continue
    steps = [Step.INTAKE] + [e.to_step for e in visit.events]
    assert steps[-1] is visit.step
    for event, before in zip(visit.events, steps, strict=False):
        assert event.from_step is before
        assert TRANSITIONS[(event.from_step, event.move)] is event.to_step
