"""flows.queue: every allowed and refused ticket move, triage and its override, queue resolution, call order."""

from __future__ import annotations

import datetime as dt
import itertools

import msgspec
import pytest

from flows.errors import Conflict, InvalidInput, MoveNotAllowed, NotFound
from flows.model import QueueKind, Step, Visit
from flows.printing import JobStatus, is_expired, retry_delay
from flows.queue import (
    CANCELLABLE,
    OVERRIDE_MAX,
    TICKET_TRANSITIONS,
    Priority,
    QueueDef,
    QueueSpec,
    ServiceKind,
    Ticket,
    TicketMove,
    TicketMoveRequest,
    TicketStatus,
    TriageRequest,
    allowed_ticket_moves,
    call_phrase,
    label,
    move_ticket,
    resolve_queues,
    triage,
)

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
GP = QueueDef(id="gp", prefix="A", name="全科门诊", kind=ServiceKind.GENERAL_PRACTICE, room="全科诊室")
PHARMACY = QueueDef(id="pharmacy", prefix="P", name="药房", kind=ServiceKind.PHARMACY, room="药房")
TEAM1 = QueueDef(id="team-1", prefix="B", name="第一团队", kind=ServiceKind.TEAM, room="3号诊室", team_id=1)
QUEUES = [GP, PHARMACY, TEAM1]


def ticket(status: TicketStatus = TicketStatus.WAITING, **changes: object) -> Ticket:
    base = Ticket(
        id=1,
        visit_id=1,
        resident_id=1,
        queue_id="gp",
        queue_date=NOW.date(),
        number=1,
        label="A001",
        priority=0,
        emergency=False,
        status=status,
        room="全科诊室",
        issued_at=NOW,
        issued_by=1,
        order_at=NOW,
    )
    return msgspec.structs.replace(base, **changes)


def visit(kind: QueueKind | None, team_id: int | None = None, step: Step = Step.TRIAGE) -> Visit:
    return Visit(
        id=7,
        resident_id=3,
        visit_date=NOW.date(),
        step=step,
        opened_at=NOW,
        opened_by=1,
        queue_kind=kind,
        team_id=team_id,
    )


# --- the ticket's life -----------------------------------------------------------------------------------

ALL_PAIRS = list(itertools.product(TicketStatus, TicketMove))


@pytest.mark.parametrize(
    ("status", "move"), [p for p in ALL_PAIRS if p in TICKET_TRANSITIONS], ids=lambda v: str(v.value)
)
def test_every_allowed_move_lands_where_the_table_says(status: TicketStatus, move: TicketMove) -> None:
    later = NOW + dt.timedelta(minutes=5)
    moved = move_ticket(
        ticket(status, calls=1),
        TicketMoveRequest(move=move, reason="离开", queue_id="pharmacy"),
        now=later,
    )
    assert moved.status is TICKET_TRANSITIONS[(status, move)]
    if move in (TicketMove.CALL, TicketMove.RECALL):
        assert moved.called_at == later
        assert moved.calls == 2
    if move is TicketMove.REQUEUE:
        assert moved.order_at == later  # behind those who waited meanwhile


@pytest.mark.parametrize(
    ("status", "move"), [p for p in ALL_PAIRS if p not in TICKET_TRANSITIONS], ids=lambda v: str(v.value)
)
def test_every_other_move_is_refused_naming_the_allowed_ones(status: TicketStatus, move: TicketMove) -> None:
    with pytest.raises(MoveNotAllowed) as err:
        move_ticket(ticket(status), TicketMoveRequest(move=move, reason="x", queue_id="pharmacy"), now=NOW)
    assert status.value in err.value.message
    for allowed in allowed_ticket_moves(status):
        assert allowed.value in err.value.message


def test_the_life_of_a_ticket_waiting_to_done() -> None:
    t = ticket()
    for move, status in [
        (TicketMove.CALL, TicketStatus.CALLED),
        (TicketMove.SKIP, TicketStatus.SKIPPED),
        (TicketMove.RECALL, TicketStatus.RECALLED),
        (TicketMove.START, TicketStatus.IN_SERVICE),
        (TicketMove.FINISH, TicketStatus.DONE),
    ]:
        t = move_ticket(t, TicketMoveRequest(move=move), now=NOW)
        assert t.status is status
    assert t.calls == 2
    assert t.finished_at == NOW


@pytest.mark.parametrize("move", [TicketMove.CANCEL, TicketMove.TRANSFER])
def test_cancel_and_transfer_need_a_reason(move: TicketMove) -> None:
    with pytest.raises(InvalidInput) as err:
        move_ticket(ticket(), TicketMoveRequest(move=move, reason="  ", queue_id="pharmacy"), now=NOW)
    assert err.value.field == "reason"


def test_transfer_needs_the_target_queue() -> None:
    with pytest.raises(InvalidInput) as err:
        move_ticket(ticket(), TicketMoveRequest(move=TicketMove.TRANSFER, reason="取药"), now=NOW)
    assert err.value.field == "queue_id"


def test_a_stale_expected_status_is_a_conflict() -> None:
    with pytest.raises(Conflict) as err:
        move_ticket(
            ticket(TicketStatus.CALLED),
            TicketMoveRequest(move=TicketMove.START, expected_status=TicketStatus.WAITING),
            now=NOW,
        )
    assert "another terminal" in err.value.message


def test_naive_now_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        move_ticket(ticket(), TicketMoveRequest(move=TicketMove.CALL), now=NOW.replace(tzinfo=None))


# --- call order -------------------------------------------------------------------------------------------


def test_cancel_leaves_exactly_the_statuses_the_table_allows() -> None:
    assert {
        TicketStatus.WAITING,
        TicketStatus.CALLED,
        TicketStatus.RECALLED,
        TicketStatus.SKIPPED,
    } == CANCELLABLE


def test_labels_keep_three_digits_and_never_truncate() -> None:
    assert label("A", 1) == "A001"
    assert label("B", 999) == "B999"
    assert label("AB", 1000) == "AB1000"


def test_the_call_phrase_names_number_and_room() -> None:
    assert call_phrase("A001", "3号诊室") == "请 A001 号到 3号诊室 就诊"


# --- triage (GUIDE-2025 附图 优先分诊) ----------------------------------------------------------------------


def test_signed_resident_goes_to_own_team_with_priority() -> None:
    decision = triage(visit(QueueKind.OWN_TEAM, team_id=1), QUEUES, emergency_open=False)
    assert decision.queue is TEAM1
    assert decision.priority == Priority.SIGNED
    assert not decision.emergency


def test_unsigned_resident_goes_to_general_practice() -> None:
    decision = triage(visit(QueueKind.GENERAL_PRACTICE), QUEUES, emergency_open=False)
    assert decision.queue is GP
    assert decision.priority == Priority.NORMAL


@pytest.mark.parametrize(
    ("kind", "team", "queue"),
    [(QueueKind.OWN_TEAM, 1, TEAM1), (QueueKind.GENERAL_PRACTICE, None, GP), (None, None, GP)],
)
def test_an_open_emergency_goes_to_the_top_with_a_mark(
    kind: QueueKind | None, team: int | None, queue: QueueDef
) -> None:
    decision = triage(visit(kind, team_id=team, step=Step.SCREENING), QUEUES, emergency_open=True)
    assert decision.queue is queue
    assert decision.priority == Priority.EMERGENCY
    assert decision.emergency


def test_a_visit_referred_as_an_emergency_still_sees_the_doctor_first() -> None:
    """BPHS-2017 紧急转诊 "first aid, refer at once": after refer_emergency the flag is closed as referred and the
    visit's queue kind is emergency; its ticket is still an emergency one (the doctor gives the first aid)."""
    referred = visit(QueueKind.EMERGENCY, step=Step.REFERRAL)
    decision = triage(referred, QUEUES, emergency_open=False)
    assert decision.queue is GP
    assert decision.priority == Priority.EMERGENCY
    assert decision.emergency


def test_before_the_signing_check_triage_refuses_without_a_chosen_queue() -> None:
    with pytest.raises(Conflict, match="signing check"):
        triage(visit(None, step=Step.SCREENING), QUEUES, emergency_open=False)
    chosen = triage(
        visit(None, step=Step.SCREENING),
        QUEUES,
        emergency_open=False,
        request=TriageRequest(visit_id=7, queue_id="pharmacy", reason="只取药"),
    )
    assert chosen.queue is PHARMACY
    assert chosen.override_reason == "只取药"


def test_a_closed_visit_gets_no_ticket() -> None:
    closed = msgspec.structs.replace(visit(QueueKind.GENERAL_PRACTICE), step=Step.DONE, closed_at=NOW)
    with pytest.raises(Conflict, match="closed"):
        triage(closed, QUEUES, emergency_open=False)


def test_a_team_without_a_queue_is_a_clear_conflict() -> None:
    with pytest.raises(Conflict, match="team 9 has no queue"):
        triage(visit(QueueKind.OWN_TEAM, team_id=9), QUEUES, emergency_open=False)


def test_override_needs_a_reason_and_stays_below_emergency() -> None:
    v = visit(QueueKind.GENERAL_PRACTICE)
    with pytest.raises(InvalidInput) as err:
        triage(v, QUEUES, emergency_open=False, request=TriageRequest(visit_id=7, priority=50))
    assert err.value.field == "reason"
    with pytest.raises(InvalidInput) as err:
        triage(
            v,
            QUEUES,
            emergency_open=False,
            request=TriageRequest(visit_id=7, priority=OVERRIDE_MAX + 1, reason="x"),
        )
    assert err.value.field == "priority"
    raised = triage(
        v, QUEUES, emergency_open=False, request=TriageRequest(visit_id=7, priority=50, reason="孕妇")
    )
    assert raised.priority == 50
    assert raised.override_reason == "孕妇"
    # An emergency keeps the top whatever the hand-set priority says.
    kept = triage(v, QUEUES, emergency_open=True, request=TriageRequest(visit_id=7, priority=5, reason="x"))
    assert kept.priority == Priority.EMERGENCY


def test_override_to_an_unknown_queue_names_the_known_ones() -> None:
    with pytest.raises(NotFound) as err:
        triage(
            visit(QueueKind.GENERAL_PRACTICE),
            QUEUES,
            emergency_open=False,
            request=TriageRequest(visit_id=7, queue_id="xray", reason="x"),
        )
    assert "gp" in err.value.message
    assert "pharmacy" in err.value.message


# --- queues of a site -----------------------------------------------------------------------------------

SPECS = [
    QueueSpec(id="gp", prefix="A", name="全科门诊", kind=ServiceKind.GENERAL_PRACTICE, room="全科诊室"),
    QueueSpec(
        id="team-east", prefix="E", name="东区团队", kind=ServiceKind.TEAM, room="5号诊室", team_name="东区"
    ),
]


def test_teams_without_a_configured_queue_get_one_with_a_free_letter() -> None:
    queues = resolve_queues(SPECS, [(2, "西区", "6号诊室"), (1, "东区", "5号诊室"), (3, "北区", "7号诊室")])
    by_id = {q.id: q for q in queues}
    assert by_id["team-east"].team_id == 1
    assert by_id["team-2"].prefix == "B"  # first free letter, in team-id order
    assert by_id["team-3"].prefix == "C"
    assert by_id["team-2"].room == "6号诊室"
    assert "team-1" not in by_id  # the configured queue serves team 1


def test_a_configured_team_that_does_not_exist_is_named() -> None:
    with pytest.raises(InvalidInput, match="东区"):
        resolve_queues(SPECS, [(2, "西区", "6号诊室")])


def test_two_queues_may_not_share_a_prefix() -> None:
    clash = [*SPECS, QueueSpec(id="x", prefix="A", name="x", kind=ServiceKind.OTHER, room="x")]
    with pytest.raises(InvalidInput, match="prefix 'A'"):
        resolve_queues(clash, [(1, "东区", "5号诊室")])


# --- print jobs -----------------------------------------------------------------------------------------


def test_retry_delay_backs_off_and_caps() -> None:
    assert [retry_delay(n) for n in range(8)] == [0.0, 0.5, 1.0, 2.0, 4.0, 8.0, 10.0, 10.0]


def test_a_job_expires_after_the_configured_time() -> None:
    assert not is_expired(NOW, NOW + dt.timedelta(seconds=120), 120)
    assert is_expired(NOW, NOW + dt.timedelta(seconds=121), 120)
    assert JobStatus("expired") is JobStatus.EXPIRED
