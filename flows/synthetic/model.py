"""The values the synthetic township generator emits: plain frozen structs, streamed in batches.

Every datetime in them is aware and in UTC (what both databases store), made by `utc_at` from a local time.
"""

from __future__ import annotations

import datetime as dt

import msgspec

from flows.model import Condition, Contract, Move, QueueKind, Role, Sex
from flows.rules.followup import FollowupResult


def utc_at(day: dt.date, hour: int, minute: int, tz: dt.tzinfo) -> dt.datetime:
    """The local wall-clock time `minute` minutes after `hour`:00 on `day` (may run past the hour), in UTC."""
    return dt.datetime.combine(day, dt.time(hour + minute // 60, minute % 60), tz).astimezone(dt.UTC)


class TownshipSpec(msgspec.Struct, frozen=True, kw_only=True):
    """What to generate. Everything else follows from these values and the seed (no clock, no I/O)."""

    residents: int
    seed: int
    today: dt.date  # history ends the day before; ages are counted on this day
    region_code: str = "320923"  # 6-digit county code: ID numbers and record numbers
    township_code: str = "001"
    township_name: str = "示范镇"
    timezone: str = "Asia/Shanghai"
    history_years: int = 3
    batch_residents: int = 2000  # residents per batch: bounds the memory of a 100,000-resident run


class Village(msgspec.Struct, frozen=True, kw_only=True):
    code: str  # BPHS-2017 村委会 101–199
    name: str
    team_index: int  # 0-based index into Layout.teams: one team serves a group of neighbouring villages


class SyntheticTeam(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    name: str
    room: str
    phone: str  # the patient page shows it (made up: the site's area code, a fixed exchange)


class SyntheticStaff(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    username: str
    display_name: str
    role: Role
    team_id: int | None


class Layout(msgspec.Struct, frozen=True, kw_only=True):
    """The fixed frame of the township: villages, family-doctor teams and their staff."""

    villages: tuple[Village, ...]
    teams: tuple[SyntheticTeam, ...]
    staff: tuple[SyntheticStaff, ...]


class SyntheticHousehold(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    address: str
    village_code: str
    head_resident_id: int
    member_ids: tuple[int, ...]


class SyntheticResident(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    household_id: int
    id_number: str
    name: str
    sex: Sex
    birth_date: dt.date
    record_number: str
    village_code: str
    team_id: int  # the team serving the resident's village (signed or not)
    created_at: dt.datetime
    phone: str | None
    address: str
    conditions: tuple[Condition, ...] = ()


class SyntheticContract(Contract, frozen=True, kw_only=True):
    """One year of family-doctor signing, and when it was signed; renewals are further rows (§9)."""

    signed_at: dt.datetime


class SyntheticDiagnosis(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    resident_id: int
    condition: Condition
    icd10: str
    diagnosed_on: dt.date
    diagnosed_at: dt.datetime  # UTC; 10:00 local on diagnosed_on
    basis: str


class SyntheticObservation(msgspec.Struct, frozen=True, kw_only=True, array_like=True):
    code: str  # sbp | dbp | pulse | weight | height | bmi | waist | fpg | hba1c | tc | ldl | hdl | tg | spo2
    value: float
    unit: str


class SyntheticVisit(msgspec.Struct, frozen=True, kw_only=True):
    """A closed visit. Its events follow `moves` through flows.visit.TRANSITIONS (see `visit_events`)."""

    id: int
    resident_id: int
    visit_date: dt.date
    opened_at: dt.datetime  # aware, UTC; the local time is 08:00–11:30 on visit_date
    minutes_per_step: int
    nurse_id: int  # opens the visit and does the steps up to triage
    doctor_id: int  # does the clinical steps
    moves: tuple[tuple[Move, str | None], ...]  # (move, reason)
    queue_kind: QueueKind | None
    team_id: int | None
    referral_direction: str | None
    observations: tuple[SyntheticObservation, ...]

    @property
    def closed_at(self) -> dt.datetime:
        """When the last move was made: one `minutes_per_step` after the opening per move."""
        return self.opened_at + dt.timedelta(minutes=self.minutes_per_step * len(self.moves))


class SyntheticFollowUp(msgspec.Struct, frozen=True, kw_only=True):
    """A follow-up row (db FollowUp): a booking with its due date, and once done the record with its values.

    `result` is the real classifier's answer (flows.rules.followup.classify); a phone call measures nothing and
    is not classified (None). An open booking has no `done_at`.
    """

    resident_id: int
    condition: Condition
    due_date: dt.date
    created_at: dt.datetime  # UTC: when it was booked
    mode: str = "clinic"  # clinic | home | phone
    done_at: dt.datetime | None = None  # UTC
    visit_id: int | None = None  # the clinic visit it was done in
    staff_id: int | None = None  # generator staff id of the doctor who did it
    sbp: int | None = None
    dbp: int | None = None
    fpg: float | None = None
    result: FollowupResult | None = None


class Batch(msgspec.Struct, frozen=True, kw_only=True):
    """Whole households with everything that hangs off them; no row refers outside its batch or the Layout.

    Every datetime is aware and in UTC (what both databases store); dates are local to the site.
    """

    households: tuple[SyntheticHousehold, ...]
    residents: tuple[SyntheticResident, ...]
    contracts: tuple[SyntheticContract, ...]
    diagnoses: tuple[SyntheticDiagnosis, ...]
    visits: tuple[SyntheticVisit, ...]
    follow_ups: tuple[SyntheticFollowUp, ...] = ()

    @property
    def event_count(self) -> int:
        return sum(len(v.moves) for v in self.visits)

    @property
    def observation_count(self) -> int:
        return sum(len(v.observations) for v in self.visits)


class Township(msgspec.Struct, frozen=True, kw_only=True):
    """Counts of one generated township, for tests, the CLI's closing line and the loader's check."""

    residents: int = 0
    households: int = 0
    villages: int = 0
    teams: int = 0
    staff: int = 0
    male: int = 0
    adults: int = 0  # ≥18
    aged_40_plus: int = 0
    aged_60_plus: int = 0
    aged_65_plus: int = 0
    key_population: int = 0  # ≥65, hypertension, diabetes or COPD (CLINICAL_RULES.md §9)
    key_population_signed: int = 0  # with an active contract
    others_signed: int = 0
    contracts: int = 0  # every row, renewals included
    active_contracts: int = 0
    diagnoses: int = 0
    visits: int = 0
    visit_events: int = 0
    observations: int = 0
    follow_ups: int = 0  # every row: records done and open bookings
    open_bookings: int = 0
    overdue_bookings: int = 0  # open bookings due before today
    conditions: dict[str, int] = msgspec.field(default_factory=dict)  # Condition value → residents
