"""What the patient's own page (/p/{token}) may show, gathered by db.patient_record and drawn by api.patient.

These structs are the page's whole vocabulary: nothing else of the record reaches it. They hold no ID number,
no phone or address, no other resident and no staff member (a team is its name, room and phone; an observation its own
value, unit, time and source), so a bug
in the page cannot show what was never handed to it. The name is masked (张*丰): the resident knows their
own name, and a phone left on a table shows no more than the ticket does.
"""

from __future__ import annotations

import datetime as dt

import msgspec

from flows.access import AccessScope
from flows.model import Condition, FamilyDoctorTeam, Observation, Sex, Step
from flows.queue import TicketStatusView
from flows.rules.htn_form import SaltIntake
from flows.rules.plans import ManagementPlan


class Struct(msgspec.Struct, frozen=True, kw_only=True):
    pass


class Point(Struct, frozen=True, kw_only=True):
    day: dt.date  # local date of the measurement
    value: float


class Medicine(Struct, frozen=True, kw_only=True):
    drug: str
    dose: str
    frequency: str
    long_term: bool = False
    end_date: dt.date | None = None


class PatientRecord(Struct, frozen=True, kw_only=True):
    """One resident's page, as of `today`. A visit-scope token fills only the visit part."""

    scope: AccessScope
    today: dt.date
    masked_name: str
    sex: Sex
    age: int
    # today's visit (both scopes)
    visit_step: Step | None = None
    queue: tuple[TicketStatusView, ...] = ()  # its tickets, with the people ahead now
    visit_values: tuple[Observation, ...] = ()  # measured in today's visit
    emergency: bool = False  # today's visit has an open emergency: go to the doctor at once
    # the record (scope "record" only)
    conditions: tuple[Condition, ...] = ()
    latest: tuple[Observation, ...] = ()
    series: dict[str, tuple[Point, ...]] = msgspec.field(
        default_factory=dict
    )  # sbp dbp fpg weight, last year
    medicines: tuple[Medicine, ...] = ()
    next_followup: dt.date | None = None
    team: FamilyDoctorTeam | None = None
    contract_end: dt.date | None = None
    plan: ManagementPlan | None = None  # the merged plan: targets and advice follow the doctor's edits
    smoker: bool | None = None  # a current smoker; None: never asked
    salt_intake: SaltIntake | None = None  # 轻/中/重 as the record's lifestyle has it; None: never asked
