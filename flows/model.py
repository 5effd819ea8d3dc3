"""Domain values shared by every layer; they are also the JSON shapes of the API.

All structs are frozen and keyword-only: a value is built whole and never mutated in place.
"""

from __future__ import annotations

import datetime as dt
import enum

import msgspec


class Sex(enum.StrEnum):
    MALE = "male"
    FEMALE = "female"


class Role(enum.StrEnum):
    NURSE = "nurse"
    DOCTOR = "doctor"
    ADMIN = "admin"


class Struct(msgspec.Struct, frozen=True, kw_only=True):
    """Base for domain values. msgspec applies kw_only per class and mypy does not see inherited
    frozen, so every subclass states `frozen=True, kw_only=True` itself."""


# --- staff -----------------------------------------------------------------------------------------


class Staff(Struct, frozen=True, kw_only=True):
    id: int
    username: str
    display_name: str
    role: Role
    team_id: int | None = None
    active: bool = True


class FamilyDoctorTeam(Struct, frozen=True, kw_only=True):
    id: int
    name: str
    room: str
    phone: str | None = None  # how the team's patients reach it (the patient page)


class SessionToken(Struct, frozen=True, kw_only=True):
    """What `POST /api/v1/session` returns: a bearer token and when it stops working."""

    token: str
    expires_at: dt.datetime
    staff: Staff


class Credentials(Struct, frozen=True, kw_only=True):
    username: str
    password: str


# --- residents and households ------------------------------------------------------------------------


class Household(Struct, frozen=True, kw_only=True):
    id: int
    address: str
    head_resident_id: int | None = None
    member_ids: tuple[int, ...] = ()


class NewHousehold(Struct, frozen=True, kw_only=True):
    address: str


class Resident(Struct, frozen=True, kw_only=True):
    """A resident and their health record (居民健康档案)."""

    id: int
    id_number: str  # GB 11643, 18 characters, upper-case X
    name: str
    sex: Sex  # derived from the ID number
    birth_date: dt.date  # derived from the ID number
    record_number: str  # BPHS-2017 17-digit health-record number
    created_at: dt.datetime
    updated_at: dt.datetime
    phone: str | None = None
    address: str | None = None
    household_id: int | None = None


class NewResident(Struct, frozen=True, kw_only=True):
    """What the front desk types to register a resident; sex and birth date come from the ID number."""

    id_number: str
    name: str
    phone: str | None = None
    address: str | None = None
    household_id: int | None = None
    # 3-digit village / residents' committee code of the record number (BPHS-2017: 001–099 居委会,
    # 101–199 村委会, 901–999 other). The site's default applies when absent.
    village_code: str | None = None


class ResidentUpdate(Struct, frozen=True, kw_only=True):
    """A partial update; `None` leaves a field as it is. The ID number cannot change (re-register)."""

    name: str | None = None
    phone: str | None = None
    address: str | None = None
    household_id: int | None = None


class ResidentHit(Struct, frozen=True, kw_only=True):
    """One search result: the ID number is masked, the score explains the ranking."""

    id: int
    name: str
    sex: Sex
    birth_date: dt.date
    id_number_masked: str
    record_number: str
    phone_masked: str | None
    matched_on: str  # id_number | record_number | phone | phone_last4 | name | initials
    score: int


# --- visits ------------------------------------------------------------------------------------------


class Step(enum.StrEnum):
    """The steps of the one-stop flow (GUIDE-2025 附图) plus the side branches and the two ends."""

    INTAKE = "intake"
    SCREENING = "screening"
    RECORD_UPDATE = "record_update"
    SIGNING_CHECK = "signing_check"
    TRIAGE = "triage"
    DIAGNOSIS = "diagnosis"
    GRADED_INTERVENTION = "graded_intervention"
    FOLLOWUP_BOOKING = "followup_booking"
    HEALTH_EDUCATION = "health_education"
    REFERRAL = "referral"
    DONE = "done"
    CANCELLED = "cancelled"


class Move(enum.StrEnum):
    """Events that move a visit from one step to the next."""

    START_SCREENING = "start_screening"
    FINISH_SCREENING = "finish_screening"
    FINISH_RECORD_UPDATE = "finish_record_update"
    CONFIRM_CONTRACT = "confirm_contract"  # already signed: priority to own family doctor
    ACCEPT_SIGNING = "accept_signing"  # unsigned, signs now: priority to the new team
    DECLINE_SIGNING = "decline_signing"  # unsigned, declines (reason required): general practice
    TRIAGE = "triage"
    DIAGNOSE = "diagnose"  # chronic condition confirmed or already managed
    NOT_CHRONIC = "not_chronic"  # no chronic condition: health education
    FINISH_EDUCATION = "finish_education"
    SET_PLAN = "set_plan"
    BOOK_FOLLOWUP = "book_followup"
    REFER_UP = "refer_up"  # beyond the facility's capacity
    REFER_EMERGENCY = "refer_emergency"  # emergency: refer at once, from any clinical step
    REFER_DOWN = "refer_down"  # stable and managed: hand down to the village clinic
    FINISH_REFERRAL = "finish_referral"
    CANCEL = "cancel"  # the resident left; reason required


class QueueKind(enum.StrEnum):
    OWN_TEAM = "own_team"  # signed: priority to own family doctor's room
    GENERAL_PRACTICE = "general_practice"
    EMERGENCY = "emergency"


class StepEvent(Struct, frozen=True, kw_only=True):
    """One saved transition: who moved the visit, when, from where to where, and why."""

    seq: int
    move: Move
    from_step: Step
    to_step: Step
    actor_id: int
    at: dt.datetime
    reason: str | None = None


class Visit(Struct, frozen=True, kw_only=True):
    id: int
    resident_id: int
    visit_date: dt.date  # local date in the site's timezone: one open visit per resident per day
    step: Step
    opened_at: dt.datetime
    opened_by: int
    closed_at: dt.datetime | None = None
    queue_kind: QueueKind | None = None  # decided at the signing check
    team_id: int | None = None  # the family doctor team whose queue gets priority
    referral_direction: str | None = None  # up | down | emergency
    events: tuple[StepEvent, ...] = ()


class MoveRequest(Struct, frozen=True, kw_only=True):
    """A request to move a visit. `expected_step` guards against two terminals moving the same visit."""

    move: Move
    expected_step: Step | None = None
    reason: str | None = None
    team_id: int | None = None


class NewVisit(Struct, frozen=True, kw_only=True):
    resident_id: int


# --- audit -------------------------------------------------------------------------------------------


class AuditEvent(Struct, frozen=True, kw_only=True):
    id: int
    at: dt.datetime
    actor_id: int | None
    action: str  # read | create | update | search | move | login | login_failed …
    entity: str  # resident | household | visit | session …
    entity_id: int | None
    detail: str | None = None
    address: str | None = None


class ApiError(Struct, frozen=True, kw_only=True):
    """The JSON body of every error answer of the API."""

    code: str
    message: str
    field: str | None = None
    details: dict[str, object] = msgspec.field(default_factory=dict)


# --- record contents shown in the summary (later issues add to these) -----------------------------------


class ObservationSource(enum.StrEnum):
    DEVICE = "device"
    MANUAL = "manual"
    SELF_CHECK = "self_check"
    HOME = "home"


class Observation(Struct, frozen=True, kw_only=True):
    """One measured or entered value in the units of DESIGN.md (mmHg, mmol/L, kg, cm, %)."""

    id: int
    resident_id: int
    code: str  # sbp | dbp | pulse | weight | height | waist | bmi | fpg | hba1c | tc | ldl | hdl | tg | spo2 | fev1_fvc …
    value: float
    unit: str
    source: ObservationSource
    observed_at: dt.datetime
    visit_id: int | None = None
    device_id: str | None = None


class ContractStatus(enum.StrEnum):
    ACTIVE = "active"
    EXPIRED = "expired"
    TERMINATED = "terminated"


class Contract(Struct, frozen=True, kw_only=True):
    """Family-doctor signing (家庭医生签约): one team per resident at a time, normally ≥1 year."""

    id: int
    resident_id: int
    team_id: int
    package: str  # basic | personalised
    start_date: dt.date
    end_date: dt.date
    status: ContractStatus


class Condition(enum.StrEnum):
    HYPERTENSION = "hypertension"
    DIABETES = "diabetes"
    DYSLIPIDAEMIA = "dyslipidaemia"
    OBESITY = "obesity"
    COPD = "copd"


class ResidentSummary(Struct, frozen=True, kw_only=True):
    """The read-only summary the desk opens: the record, household, signing, conditions, latest values."""

    resident: Resident
    household: Household | None
    household_members: tuple[ResidentHit, ...]
    contract: Contract | None
    team: FamilyDoctorTeam | None
    conditions: tuple[Condition, ...]
    latest: tuple[Observation, ...]  # the newest observation of each code
    recent_visits: tuple[Visit, ...]
