"""The one-stop visit as a state machine whose transitions are a table of data (GUIDE-2025 附图).

```
intake ─► screening ─► record_update ─► signing_check ─► triage ─► diagnosis ─► graded_intervention ─► followup_booking ─► done
                                          │ confirm_contract (signed): own team, priority
                                          │ accept_signing: own (new) team, priority
                                          │ decline_signing + reason: general practice
diagnosis ── not_chronic ─► health_education ─► done
diagnosis ── refer_up ─► referral ─► done                 (beyond the facility's capacity)
screening…followup_booking ── refer_emergency ─► referral ─► done   (emergency: refer at once)
graded_intervention / followup_booking ── refer_down ─► referral ─► done   (stable: hand down to village clinic)
followup_booking ── refer_up ─► referral ─► done      (the follow-up's class advises referral: BPHS-2017)
any open step ── cancel + reason ─► cancelled
```

An emergency found in the visit (a value or a symptom on the 紧急转诊 lists, flows.rules.emergency) gates the
table: while it is open the only moves are refer_emergency and cancel, until a doctor overrides it with a
reason. The gate is an argument here because whether an emergency is open is stored beside the visit.

`advance` is pure: it takes the visit, the request, who and when, and returns the next visit with the event
appended, or raises `MoveNotAllowed` naming the step and the move.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

import msgspec

from flows.errors import Conflict, EmergencyPending, InvalidInput, MoveNotAllowed
from flows.model import Move, MoveRequest, QueueKind, Step, StepEvent, Visit

S, M = Step, Move

# (from step, move) → to step. The whole flow is this table; nothing else decides a transition.
TRANSITIONS: Final[dict[tuple[Step, Move], Step]] = {
    (S.INTAKE, M.START_SCREENING): S.SCREENING,
    (S.SCREENING, M.FINISH_SCREENING): S.RECORD_UPDATE,
    (S.RECORD_UPDATE, M.FINISH_RECORD_UPDATE): S.SIGNING_CHECK,
    (S.SIGNING_CHECK, M.CONFIRM_CONTRACT): S.TRIAGE,
    (S.SIGNING_CHECK, M.ACCEPT_SIGNING): S.TRIAGE,
    (S.SIGNING_CHECK, M.DECLINE_SIGNING): S.TRIAGE,
    (S.TRIAGE, M.TRIAGE): S.DIAGNOSIS,
    (S.DIAGNOSIS, M.DIAGNOSE): S.GRADED_INTERVENTION,
    (S.DIAGNOSIS, M.NOT_CHRONIC): S.HEALTH_EDUCATION,
    (S.HEALTH_EDUCATION, M.FINISH_EDUCATION): S.DONE,
    (S.DIAGNOSIS, M.REFER_UP): S.REFERRAL,
    (S.GRADED_INTERVENTION, M.SET_PLAN): S.FOLLOWUP_BOOKING,
    (S.GRADED_INTERVENTION, M.REFER_UP): S.REFERRAL,
    (S.FOLLOWUP_BOOKING, M.BOOK_FOLLOWUP): S.DONE,
    # BPHS-2017 此次随访分类: two consecutive uncontrolled visits, a persisting adverse reaction or a new or worse
    # complication → "recommend referral". The class is only known once the follow-up is recorded, so the
    # referral up must be possible from the follow-up step too (the follow-up keeps referral=true).
    (S.FOLLOWUP_BOOKING, M.REFER_UP): S.REFERRAL,
    (S.GRADED_INTERVENTION, M.REFER_DOWN): S.REFERRAL,
    (S.FOLLOWUP_BOOKING, M.REFER_DOWN): S.REFERRAL,
    (S.REFERRAL, M.FINISH_REFERRAL): S.DONE,
}

# An emergency can surface wherever a value or a symptom enters the visit (HTN-2025/DM-2022 紧急转诊).
EMERGENCY_FROM: Final = (
    S.INTAKE,
    S.SCREENING,
    S.RECORD_UPDATE,
    S.SIGNING_CHECK,
    S.TRIAGE,
    S.DIAGNOSIS,
    S.GRADED_INTERVENTION,
    S.FOLLOWUP_BOOKING,
)
for _step in EMERGENCY_FROM:
    TRANSITIONS[(_step, M.REFER_EMERGENCY)] = S.REFERRAL

FINAL_STEPS: Final = frozenset({S.DONE, S.CANCELLED})
for _step in Step:
    if _step not in FINAL_STEPS:
        TRANSITIONS[(_step, M.CANCEL)] = S.CANCELLED

# Moves that must say why (audit and the national forms ask for the reason).
REASON_REQUIRED: Final = frozenset({M.DECLINE_SIGNING, M.CANCEL, M.REFER_UP, M.REFER_EMERGENCY})

_REFERRAL_DIRECTION: Final = {M.REFER_UP: "up", M.REFER_DOWN: "down", M.REFER_EMERGENCY: "emergency"}


# What an open emergency still allows: refer at once, or record that the resident left (with a reason).
EMERGENCY_EXITS: Final = frozenset({M.REFER_EMERGENCY, M.CANCEL})


def allowed_moves(step: Step, *, emergency_open: bool = False) -> tuple[Move, ...]:
    """The moves the table allows from a step, in table order (the TUI offers exactly these)."""
    return tuple(
        move for (frm, move) in TRANSITIONS if frm is step and (not emergency_open or move in EMERGENCY_EXITS)
    )


def advance(
    visit: Visit, request: MoveRequest, *, actor_id: int, now: dt.datetime, emergency_open: bool = False
) -> Visit:
    """Apply one move. Raises MoveNotAllowed, Conflict (stale expected step), EmergencyPending (an open
    emergency and a move other than refer_emergency/cancel) or InvalidInput (no reason)."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if request.expected_step is not None and request.expected_step is not visit.step:
        raise Conflict(
            f"visit {visit.id} is at step {visit.step.value}, not {request.expected_step.value}: "
            "another terminal moved it; reload and try again",
            field="expected_step",
            details={"step": visit.step.value},
        )
    target = TRANSITIONS.get((visit.step, request.move))
    if target is None:
        allowed = ", ".join(m.value for m in allowed_moves(visit.step)) or "none"
        raise MoveNotAllowed(
            f"move {request.move.value} is not allowed at step {visit.step.value} (allowed: {allowed})",
            field="move",
            details={"step": visit.step.value, "move": request.move.value},
        )
    if emergency_open and request.move not in EMERGENCY_EXITS:
        raise EmergencyPending(
            f"visit {visit.id} has an open emergency: refer it as an emergency (refer_emergency), or a "
            f"doctor overrides the emergency with a reason before {request.move.value}",
            field="move",
            details={"step": visit.step.value, "move": request.move.value},
        )
    reason = (request.reason or "").strip() or None
    if request.move in REASON_REQUIRED and reason is None:
        raise InvalidInput(f"move {request.move.value} needs a reason", field="reason")

    changes: dict[str, object] = {"step": target}
    if request.move in (M.CONFIRM_CONTRACT, M.ACCEPT_SIGNING):
        if request.team_id is None:
            raise InvalidInput(
                f"move {request.move.value} needs the family doctor team (team_id)", field="team_id"
            )
        changes.update(queue_kind=QueueKind.OWN_TEAM, team_id=request.team_id)
    elif request.move is M.DECLINE_SIGNING:
        changes.update(queue_kind=QueueKind.GENERAL_PRACTICE, team_id=None)
    if request.move in _REFERRAL_DIRECTION:
        changes["referral_direction"] = _REFERRAL_DIRECTION[request.move]
        if request.move is M.REFER_EMERGENCY:
            changes["queue_kind"] = QueueKind.EMERGENCY
    if target in FINAL_STEPS:
        changes["closed_at"] = now

    event = StepEvent(
        seq=len(visit.events) + 1,
        move=request.move,
        from_step=visit.step,
        to_step=target,
        actor_id=actor_id,
        at=now,
        reason=reason,
    )
    changes["events"] = (*visit.events, event)
    return msgspec.structs.replace(visit, **changes)


def is_open(visit: Visit) -> bool:
    return visit.step not in FINAL_STEPS
