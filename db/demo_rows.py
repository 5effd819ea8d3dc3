"""Synthetic township values (flows.synthetic) → row tuples of the real tables, for db/demo_load.py.

Columns follow db/tables.py; timestamps are UTC like every Timestamptz (for SQLite as the text Piccolo's
adapter writes, `str(datetime)` in UTC, so the stores read loaded rows exactly like their own).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any, NamedTuple

import msgspec

from db.pinyin import name_initials
from flows.model import Move, ObservationSource, Role, Step
from flows.synthetic import Batch, Layout
from flows.synthetic.history import DOCTOR_STEPS
from flows.visit import TRANSITIONS

_json = msgspec.json.encode
NO_LOGIN = "!demo-no-login"  # not a key-derivation hash: no password matches it (no default passwords)


class TableSpec(NamedTuple):
    columns: tuple[str, ...]
    sqlite: str  # the INSERT for executemany


def _spec(table: str, columns: str, conflict: str = "") -> TableSpec:
    names = tuple(c.strip() for c in columns.split(","))
    marks = ", ".join("?" for _ in names)
    quoted = ", ".join(f'"{c}"' for c in names)
    return TableSpec(names, f"INSERT INTO {table} ({quoted}) VALUES ({marks}){conflict}")


# Insertion order is foreign-key order.
TABLES: dict[str, TableSpec] = {
    "family_doctor_team": _spec("family_doctor_team", "id, name, room, phone"),
    "staff": _spec("staff", "id, username, display_name, role, password_hash, team, active, created_at"),
    "household": _spec("household", "id, address, head_resident_id, created_at"),
    "resident": _spec(
        "resident",
        "id, id_number, record_number, village_code, name, name_initials, sex, birth_date, phone, phone_last4, "
        "address, household, created_at, updated_at",
    ),
    "contract": _spec(
        "contract", "id, resident, team, package, start_date, end_date, status, signed_by, created_at"
    ),
    "diagnosis": _spec(
        "diagnosis", "id, resident, condition, icd10, basis, status, diagnosed_at, diagnosed_by"
    ),
    "visit": _spec(
        "visit",
        "id, resident, visit_date, step, opened_at, opened_by, closed_at, queue_kind, team, "
        "referral_direction, updated_at",
    ),
    "visit_event": _spec("visit_event", "visit, seq, move, from_step, to_step, actor, at, reason"),
    "observation": _spec(
        "observation", "resident, visit, code, value, unit, source, observed_at, recorded_by"
    ),
    "follow_up": _spec(
        "follow_up",
        "resident, condition, follow_up_class, due_date, mode, done_at, visit, staff, created_at, sbp, dbp, fpg, "
        "referral, assessment",
    ),
    "counter": _spec(
        "counter",
        "name, value",
        ' ON CONFLICT ("name") DO UPDATE SET "value" = max("value", excluded."value")',
    ),
}
Rows = dict[str, list[tuple[Any, ...]]]

# (step, move) → (move, from, to as text, to, done by the doctor?)
_EDGES: dict[tuple[Step, Move], tuple[str, str, str, Step, bool]] = {
    (frm, move): (move.value, frm.value, to.value, to, frm in DOCTOR_STEPS)
    for (frm, move), to in TRANSITIONS.items()
}


class Ids:
    """Where the generator's ids land in the database: offsets past existing rows, teams and staff mapped."""

    def __init__(
        self,
        offsets: Mapping[str, int],
        teams: dict[int, int],
        staff: dict[int, int],
        new_teams: set[int],
        new_staff: set[int],
    ):
        self.offsets = dict(offsets)
        self.teams, self.staff = teams, staff
        self.new_teams, self.new_staff = new_teams, new_staff
        self.record_max: dict[str, int] = {}  # 12-digit prefix → last sequence written
        self.doctor: dict[int, int] = {}  # generator team id → database staff id of its doctor

    @classmethod
    def make(
        cls,
        plan: Layout,
        maxima: Mapping[str, int],
        team_ids: Mapping[str, int],
        staff_ids: Mapping[str, int],
    ) -> Ids:
        """`team_ids` / `staff_ids`: existing rows by name / username, reused instead of inserted."""
        teams, new_teams = _place(
            ((t.id, t.name) for t in plan.teams), team_ids, maxima["family_doctor_team"]
        )
        staff, new_staff = _place(((s.id, s.username) for s in plan.staff), staff_ids, maxima["staff"])
        ids = cls(maxima, teams, staff, new_teams, new_staff)
        ids.doctor = {s.team_id: staff[s.id] for s in plan.staff if s.team_id and s.role is Role.DOCTOR}
        return ids


def _place(
    named: Iterable[tuple[int, str]], existing: Mapping[str, int], last_id: int
) -> tuple[dict[int, int], set[int]]:
    """Generator id → database id: the existing row of that name, else a new id after `last_id`; and the new."""
    ids: dict[int, int] = {}
    new: set[int] = set()
    for gen_id, name in named:
        if name in existing:
            ids[gen_id] = existing[name]
        else:
            last_id += 1
            ids[gen_id] = last_id
            new.add(gen_id)
    return ids, new


def _identity(value: Any) -> Any:
    return value


def _date_text(value: dt.date) -> str:
    return value.isoformat()


def layout_rows(plan: Layout, ids: Ids, joined: dt.datetime, *, text: bool) -> Rows:
    """Teams and their staff; staff are inactive with no password: they only sign the history.

    `joined` must be UTC, like every datetime handed to these builders (SQLite stores the text as is).
    """
    ts = str if text else _identity
    staff = [s for s in plan.staff if s.id in ids.new_staff]
    return {
        "family_doctor_team": [
            (ids.teams[t.id], t.name, t.room, t.phone) for t in plan.teams if t.id in ids.new_teams
        ],
        "staff": [
            (
                ids.staff[s.id],
                s.username,
                s.display_name,
                s.role.value,
                NO_LOGIN,
                _team(ids, s.team_id),
                False,
                ts(joined),
            )
            for s in staff
        ],
    }


def _team(ids: Ids, team_id: int | None) -> int | None:
    return ids.teams[team_id] if team_id is not None else None


def batch_rows(batch: Batch, ids: Ids, *, text: bool) -> Rows:
    """Row tuples per table. The batch's datetimes are UTC already, so text is one `str()` each."""
    ts: Callable[[dt.datetime], Any] = str if text else _identity
    day: Callable[[dt.date], Any] = _date_text if text else _identity
    off = ids.offsets
    hh, res, con, dia, vis = (off[t] for t in ("household", "resident", "contract", "diagnosis", "visit"))
    teams, staff, doctor = ids.teams, ids.staff, ids.doctor
    created = {r.id: ts(r.created_at) for r in batch.residents}
    team_of = {r.id: r.team_id for r in batch.residents}
    for r in batch.residents:
        prefix, seq = r.record_number[:12], int(r.record_number[12:])
        if seq > ids.record_max.get(prefix, 0):
            ids.record_max[prefix] = seq
    rows: Rows = {
        "household": [
            (h.id + hh, h.address, h.head_resident_id + res, created[h.head_resident_id])
            for h in batch.households
        ],
        "resident": [
            (
                r.id + res,
                r.id_number,
                r.record_number,
                r.village_code,
                r.name,
                name_initials(r.name),
                r.sex.value,
                day(r.birth_date),
                r.phone,
                r.phone[-4:] if r.phone else None,
                r.address,
                r.household_id + hh,
                created[r.id],
                created[r.id],
            )
            for r in batch.residents
        ],
        "contract": [
            (
                c.id + con,
                c.resident_id + res,
                teams[c.team_id],
                c.package,
                day(c.start_date),
                day(c.end_date),
                c.status.value,
                doctor[c.team_id],
                ts(c.signed_at),
            )
            for c in batch.contracts
        ],
        "diagnosis": [
            (
                d.id + dia,
                d.resident_id + res,
                d.condition.value,
                d.icd10,
                d.basis,
                "confirmed",
                ts(d.diagnosed_at),
                doctor[team_of[d.resident_id]],
            )
            for d in batch.diagnoses
        ],
    }
    visits: list[tuple[Any, ...]] = []
    events: list[tuple[Any, ...]] = []
    observations: list[tuple[Any, ...]] = []
    done, manual = Step.DONE.value, ObservationSource.MANUAL.value
    for v in batch.visits:
        vid, rid, nurse, doc = v.id + vis, v.resident_id + res, staff[v.nurse_id], staff[v.doctor_id]
        step = dt.timedelta(minutes=v.minutes_per_step)
        at = v.opened_at
        closed = ts(v.closed_at)
        visits.append(
            (
                vid,
                rid,
                day(v.visit_date),
                done,
                ts(at),
                nurse,
                closed,
                v.queue_kind.value if v.queue_kind else None,
                _team(ids, v.team_id),
                v.referral_direction,
                closed,
            )
        )
        # The moves replay flows.visit.TRANSITIONS (as flows.synthetic.visit_events does; inlined with the
        # enum values looked up once, because this loop runs millions of times).
        measured = ts(at + step)  # measured at screening, the step after intake
        frm = Step.INTAKE
        for seq, (move, reason) in enumerate(v.moves, start=1):
            move_text, frm_text, to_text, to, by_doctor = _EDGES[(frm, move)]
            at += step
            events.append(
                (vid, seq, move_text, frm_text, to_text, doc if by_doctor else nurse, ts(at), reason)
            )
            frm = to
        observations.extend(
            (rid, vid, o.code, o.value, o.unit, manual, measured, nurse) for o in v.observations
        )
    rows["visit"] = visits
    rows["visit_event"] = events
    rows["observation"] = observations
    rows["follow_up"] = [
        (
            f.resident_id + res,
            f.condition.value,
            f.result.cls.value if f.result else None,
            day(f.due_date),
            f.mode,
            ts(f.done_at) if f.done_at else None,
            f.visit_id + vis if f.visit_id else None,
            staff[f.staff_id] if f.staff_id else None,
            ts(f.created_at),
            f.sbp,
            f.dbp,
            f.fpg,
            f.result.referral if f.result else False,
            _json(f.result).decode() if f.result else None,  # the classifier's answer, as the form keeps it
        )
        for f in batch.follow_ups
    ]
    return rows


def counter_rows(ids: Ids) -> Rows:
    return {
        "counter": [(f"record_number:{prefix}", value) for prefix, value in sorted(ids.record_max.items())]
    }
