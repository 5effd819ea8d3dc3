"""Bookings (预约挂号) and incoming referrals (接收转诊): the values of today's arrivals lists at intake.

An appointment is a resident expected at a time; arriving opens (or takes) the resident's visit of the day
and links it. An incoming referral is a referral received from the lead hospital (下转) or a village clinic
(上转); with a time it comes with an appointment of purpose `incoming_referral`.
"""

from __future__ import annotations

import datetime as dt
import enum

import msgspec

from flows.model import Condition, Sex, Step, Visit


class Struct(msgspec.Struct, frozen=True, kw_only=True):
    """As in flows.model: every subclass states frozen and kw_only itself."""


class AppointmentPurpose(enum.StrEnum):
    BOOKING = "booking"  # 预约挂号
    FOLLOW_UP = "follow_up"  # a follow-up due today, come to the clinic
    INCOMING_REFERRAL = "incoming_referral"  # 接收转诊: announced by the referring side


class AppointmentStatus(enum.StrEnum):
    BOOKED = "booked"
    ARRIVED = "arrived"
    CANCELLED = "cancelled"
    MISSED = "missed"  # booked for a day that has passed without arriving


class ReferralDirection(enum.StrEnum):
    UP = "up"
    DOWN = "down"
    EMERGENCY = "emergency"
    RECEIVED = "received"  # referred to this centre by another facility


class ReferralUrgency(enum.StrEnum):
    ROUTINE = "routine"
    URGENT = "urgent"
    EMERGENCY = "emergency"


class ReferralStatus(enum.StrEnum):
    OPEN = "open"  # announced, the resident has not come yet
    ACCEPTED = "accepted"  # the resident arrived: the referral's visit is open
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class Appointment(Struct, frozen=True, kw_only=True):
    id: int
    resident_id: int
    purpose: AppointmentPurpose
    status: AppointmentStatus
    scheduled_for: dt.datetime
    team_id: int | None = None
    visit_id: int | None = None
    created_at: dt.datetime


class NewAppointment(Struct, frozen=True, kw_only=True):
    """A booking for a resident at a time (aware), optionally with a family doctor team."""

    resident_id: int
    scheduled_for: dt.datetime
    team_id: int | None = None
    purpose: AppointmentPurpose = AppointmentPurpose.BOOKING  # incoming referrals: POST /referrals


class CancelAppointment(Struct, frozen=True, kw_only=True):
    reason: str


class Referral(Struct, frozen=True, kw_only=True):
    """A referral; `origin` is where a received one came from, `destination` where an outgoing one goes."""

    id: int
    resident_id: int
    direction: ReferralDirection
    urgency: ReferralUrgency
    reasons: str
    status: ReferralStatus
    created_at: dt.datetime
    origin: str | None = None
    destination: str | None = None
    visit_id: int | None = None
    created_by: int | None = None
    closed_at: dt.datetime | None = None
    result: str | None = None
    appointment_id: int | None = None  # a received referral announced for a time
    scheduled_for: dt.datetime | None = None
    department: str | None = None  # up: the lead hospital's department
    summary: str | None = None  # the referral summary (转诊单) sent with the resident
    arrived: bool | None = None  # the result: 到位 (true) / 不到位 (false), None until recorded
    result_by: int | None = None


class NewReferral(Struct, frozen=True, kw_only=True):
    """A referral received from another facility; with `scheduled_for` it is also an appointment."""

    resident_id: int
    origin: str  # e.g. 县人民医院心内科, 王庄村卫生室
    reasons: str
    urgency: ReferralUrgency = ReferralUrgency.ROUTINE
    direction: ReferralDirection = ReferralDirection.RECEIVED
    scheduled_for: dt.datetime | None = None
    team_id: int | None = None


class ReferralNote(Struct, frozen=True, kw_only=True):
    """The referral behind an incoming-referral appointment, as the arrivals list shows it."""

    id: int
    origin: str
    reasons: str
    urgency: ReferralUrgency
    status: ReferralStatus


class AppointmentItem(Struct, frozen=True, kw_only=True):
    """One row of a day's arrivals list: who is expected, when, for which team, and where they stand.

    `id` is None for a follow-up due that day that has no appointment yet (the follow-up bookings of
    db/followups have a date, not a time): arriving it books and arrives an appointment at once.
    """

    id: int | None
    purpose: AppointmentPurpose
    status: AppointmentStatus
    scheduled_for: dt.datetime | None
    resident_id: int
    name: str
    sex: Sex
    birth_date: dt.date
    age: int  # completed years on the list's date
    id_number_masked: str
    team_id: int | None = None
    team_name: str | None = None
    visit_id: int | None = None
    visit_step: Step | None = None  # where the arrived resident's visit stands now
    referral: ReferralNote | None = None
    follow_up_conditions: tuple[Condition, ...] = ()


class ArrivalResult(Struct, frozen=True, kw_only=True):
    """What arriving answers: the appointment as it is now and the visit it opened or took."""

    appointment: Appointment
    visit: Visit
    opened: bool  # False: the resident's open visit of the day was taken, or the arrival was repeated


def shown_status(status: AppointmentStatus, scheduled_day: dt.date, today: dt.date) -> AppointmentStatus:
    """A booking of a day gone by that nobody arrived is missed; nothing writes that, the list says it."""
    if status is AppointmentStatus.BOOKED and scheduled_day < today:
        return AppointmentStatus.MISSED
    return status
