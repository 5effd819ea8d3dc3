"""Piccolo tables for the data outline of DESIGN.md; only db/ sees these rows (stores return flows structs).

Conventions:
- every timestamp is `Timestamptz` (stored in UTC, returned aware);
- closed sets (steps, roles, statuses) are short varchars holding the flows enum values;
- foreign keys are NOT NULL unless marked null=True (Piccolo's default is nullable); clinical rows
  reference the resident with ON DELETE RESTRICT: a health record must never vanish as a side effect;
- composite, partial and multi-column unique indexes are raw SQL in the index migration
  (db/migrations/onestop_…_indexes.py): Piccolo cannot declare them, and it adds unique constraints with
  ALTER TABLE ADD CONSTRAINT, which SQLite does not have;
- Piccolo adds the `id` primary key itself; the `id: Serial` annotations only tell mypy it is there.
"""

from __future__ import annotations

from piccolo.columns import (
    JSON,
    BigInt,
    Boolean,
    Bytea,
    Date,
    DoublePrecision,
    ForeignKey,
    Integer,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.table import Table

KEEP = OnDelete.restrict  # clinical and audit links: refuse to delete what they point at
UNLINK = OnDelete.set_null  # optional links: deleting the target just clears the link


# --- staff --------------------------------------------------------------------------------------------


class FamilyDoctorTeam(Table, tablename="family_doctor_team"):
    """A family doctor team (家庭医生团队) and the consulting room its queue is called to."""

    id: Serial

    name = Varchar(length=100, unique=True)
    room = Varchar(length=50)
    phone = Varchar(length=32, null=True, default=None)  # how the team's patients reach it (patient page)


class Staff(Table, tablename="staff"):
    """A nurse, doctor or administrator; the password hash comes from the API's key-derivation function."""

    id: Serial

    username = Varchar(length=64, unique=True)
    display_name = Varchar(length=100)
    role = Varchar(length=16)  # flows.model.Role
    password_hash = Text()
    team = ForeignKey(references=FamilyDoctorTeam, null=True, on_delete=UNLINK)
    active = Boolean(default=True)
    created_at = Timestamptz()


class StaffSession(Table, tablename="staff_session"):
    """A bearer token of a logged-in staff member; only the token's hash is stored."""

    id: Serial

    token_hash = Varchar(length=128, unique=True)
    staff = ForeignKey(references=Staff, on_delete=OnDelete.cascade, index=True, null=False)
    created_at = Timestamptz()
    expires_at = Timestamptz()
    revoked_at = Timestamptz(null=True, default=None)


# --- residents and households --------------------------------------------------------------------------


class Household(Table, tablename="household"):
    """A household (家庭): its members are the residents that point at it."""

    id: Serial

    address = Text()
    # Plain integer, not a foreign key: household ↔ resident would be a cycle, which PostgreSQL cannot
    # create table by table. The store checks that the head is a member.
    head_resident_id = Integer(null=True, default=None)
    created_at = Timestamptz()


class Resident(Table, tablename="resident"):
    """A resident and their health record (居民健康档案); search columns are precomputed and indexed."""

    id: Serial

    id_number = Varchar(length=18, unique=True)  # GB 11643, normalised (upper-case X, 18 characters)
    record_number = Varchar(length=17, unique=True)  # BPHS-2017 county+township+village+sequence
    village_code = Varchar(length=3)
    name = Varchar(length=64, index=True)
    name_initials = Varchar(length=32, index=True)  # pinyin initials, lower-case ascii (张三 → zs)
    sex = Varchar(length=8)  # flows.model.Sex
    birth_date = Date()
    phone = Varchar(length=20, null=True, default=None, index=True)
    phone_last4 = Varchar(length=4, null=True, default=None, index=True)
    address = Text(null=True, default=None)
    household = ForeignKey(references=Household, null=True, on_delete=UNLINK, index=True)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class Contract(Table, tablename="contract"):
    """Family-doctor signing (家庭医生签约): team, service package, period and status."""

    id: Serial

    resident = ForeignKey(
        references=Resident, on_delete=KEEP, null=False
    )  # (resident, status) index: index migration
    team = ForeignKey(references=FamilyDoctorTeam, on_delete=KEEP, index=True, null=False)
    package = Varchar(length=32)  # basic | personalised
    start_date = Date()
    end_date = Date(index=True)  # the worklist of contracts expiring reads by end date
    status = Varchar(length=16)  # flows.model.ContractStatus
    signed_by = ForeignKey(references=Staff, null=True, on_delete=UNLINK)
    created_at = Timestamptz()


# --- visits, queues and tickets -------------------------------------------------------------------------


class Visit(Table, tablename="visit"):
    """One pass through the one-stop flow; `step` is where it stands, the events are its history."""

    id: Serial

    resident = ForeignKey(references=Resident, on_delete=KEEP, null=False)  # + (resident, visit_date) index
    visit_date = Date(index=True)  # local date in the site's time zone
    step = Varchar(length=32)  # flows.model.Step
    opened_at = Timestamptz()
    opened_by = ForeignKey(references=Staff, on_delete=KEEP, null=False)
    closed_at = Timestamptz(null=True, default=None)
    queue_kind = Varchar(length=32, null=True, default=None)  # flows.model.QueueKind
    team = ForeignKey(references=FamilyDoctorTeam, null=True, on_delete=UNLINK)
    referral_direction = Varchar(length=16, null=True, default=None)
    updated_at = Timestamptz()


class VisitEvent(Table, tablename="visit_event"):
    """A saved transition of a visit: the move, from and to which step, who and when, and why."""

    id: Serial

    visit = ForeignKey(references=Visit, on_delete=OnDelete.cascade, null=False)
    seq = Integer()
    move = Varchar(length=32)  # flows.model.Move
    from_step = Varchar(length=32)
    to_step = Varchar(length=32)
    actor = ForeignKey(references=Staff, on_delete=KEEP, null=False)
    at = Timestamptz()
    reason = Text(null=True, default=None)


class QueueTicket(Table, tablename="queue_ticket"):
    """A queue number (排队号) of a visit: per queue and local day, called to a room (flows.queue).

    Unique (queue, queue_date, number) and (resident, queue, queue_date) are raw SQL in the queue migration:
    the first makes a duplicate number impossible even if the counter were bypassed, the second makes
    "asking again" find the same ticket (a lost ticket is reprinted, never re-issued)."""

    id: Serial

    visit = ForeignKey(references=Visit, on_delete=KEEP, index=True, null=False)
    resident = ForeignKey(references=Resident, on_delete=KEEP, null=False)
    queue = Varchar(length=64)  # flows.queue.QueueDef.id
    queue_date = Date()
    number = Integer()
    prefix = Varchar(length=8)  # kept on the ticket: a later change of configuration never renumbers it
    priority = Integer(default=0)  # higher is called first (flows.queue.Priority)
    emergency = Boolean(default=False)
    priority_reason = Text(null=True, default=None)  # staff override of triage: why
    status = Varchar(length=16)  # flows.queue.TicketStatus
    room = Varchar(length=50, null=True, default=None)
    created_at = Timestamptz()  # issued
    issued_by = ForeignKey(references=Staff, on_delete=KEEP, null=True, default=None)
    order_at = Timestamptz(null=True, default=None)  # arrival for the call order (re-queue resets it)
    called_at = Timestamptz(null=True, default=None)
    calls = Integer(default=0)
    started_at = Timestamptz(null=True, default=None)
    finished_at = Timestamptz(null=True, default=None)
    transferred_to = Integer(null=True, default=None)  # the ticket id in the other queue
    ahead_at_issue = Integer(default=0)
    updated_at = Timestamptz(null=True, default=None)


class PrintJob(Table, tablename="print_job"):
    """A job for a printer, kept until printed so a jam or a restart loses nothing (api/printing).

    `content` is what the ticket says, fixed when the job is queued (people ahead, time); `payload` is the
    rendered bytes, stored at the first attempt so every retry sends exactly the same bytes. Rendering is
    left to the worker so that issuing a ticket (the desk's wait) never pays for ESC/POS and QR work."""

    id: Serial

    ticket = ForeignKey(references=QueueTicket, null=True, on_delete=UNLINK)
    printer = Varchar(length=32, default="default")
    kind = Varchar(length=32)  # ticket | reprint | test
    content = Text(null=True, default=None)  # JSON of hardware.printer.ticket.TicketContent
    payload = Bytea()  # empty until the first attempt renders it
    status = Varchar(length=16, index=True)  # flows.printing.JobStatus
    attempts = Integer(default=0)
    last_error = Text(null=True, default=None)
    printer_state = Varchar(length=32, null=True, default=None)  # hardware.printer.errors.PrinterState
    requested_by = ForeignKey(references=Staff, on_delete=KEEP, null=True, default=None)
    reprint_of = Integer(null=True, default=None)
    next_attempt_at = Timestamptz(null=True, default=None)
    printed_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz()
    updated_at = Timestamptz()


# --- devices and measurements ---------------------------------------------------------------------------


class Device(Table, tablename="device"):
    """A measuring device of the configuration (`[[devices]]`), identified by its configured id."""

    id: Serial

    device_id = Varchar(length=64, unique=True)
    kind = Varchar(length=32)
    protocol = Varchar(length=64)
    url = Text()
    station = Varchar(length=64)
    last_seen_at = Timestamptz(null=True, default=None)


class Reading(Table, tablename="reading"):
    """One result a device sent (one frame, or one ASTM message per patient), with the raw bytes it came in.

    Kept whether or not a visit claims it, so nothing a device measured is ever lost; a claimed reading
    becomes observations of that visit (each pointing back here). `result` holds measurement codes in the
    units of flows.measurements; it is empty for an error reading (the device said the measurement failed),
    which is shown to the nurse but can never be claimed.
    """

    id: Serial

    device = ForeignKey(references=Device, on_delete=KEEP, index=True, null=False)
    station = Varchar(length=64)  # the device's station when it measured (devices can be moved)
    result = JSON()  # {"sbp": 128, "dbp": 82, "pulse": 72}
    extra = JSON()  # values with no measurement code (impedance, visceral fat rating…), for display
    error = Text(null=True, default=None)  # the device's own report of a failed measurement
    subject = Varchar(length=64, null=True, default=None)  # the patient id keyed on the device, if any
    raw_frame = Bytea()
    measured_at = Timestamptz()  # when the API received it: devices' own clocks are rarely set
    device_time = Varchar(length=32, null=True, default=None)  # the device's clock as sent (ISO, no zone)
    stable = Boolean(default=True)
    visit = ForeignKey(references=Visit, null=True, on_delete=UNLINK, index=True)  # claimed by
    claimed_at = Timestamptz(null=True, default=None)
    claimed_by = ForeignKey(references=Staff, null=True, on_delete=UNLINK)


# --- the clinical record --------------------------------------------------------------------------------


class Observation(Table, tablename="observation"):
    """Every measured or entered value with its source; (resident, code, observed_at) in the index migration."""

    id: Serial

    resident = ForeignKey(references=Resident, on_delete=KEEP, null=False)
    visit = ForeignKey(references=Visit, null=True, on_delete=UNLINK, index=True)
    code = Varchar(length=32)
    value = DoublePrecision()
    unit = Varchar(length=16)
    source = Varchar(length=16)  # flows.model.ObservationSource
    device_id = Varchar(length=64, null=True, default=None)  # the configured device id, if any
    reading = ForeignKey(references=Reading, null=True, on_delete=UNLINK)
    observed_at = Timestamptz()
    recorded_by = ForeignKey(references=Staff, null=True, on_delete=UNLINK)


class QuestionnaireAnswer(Table, tablename="questionnaire_answer"):
    """A filled questionnaire (e.g. CAT for COPD, TCM constitution) with its answers and score."""

    id: Serial

    resident = ForeignKey(references=Resident, on_delete=KEEP, null=False)
    visit = ForeignKey(references=Visit, null=True, on_delete=UNLINK)
    questionnaire = Varchar(length=64)
    answers = JSON()
    score = DoublePrecision(null=True, default=None)
    result = Varchar(length=64, null=True, default=None)
    answered_at = Timestamptz()
    recorded_by = ForeignKey(references=Staff, null=True, on_delete=UNLINK)


class Diagnosis(Table, tablename="diagnosis"):
    """A chronic condition of a resident: ICD-10 code, basis, and whether it is confirmed."""

    id: Serial

    resident = ForeignKey(references=Resident, on_delete=KEEP, null=False)
    visit = ForeignKey(references=Visit, null=True, on_delete=UNLINK)
    condition = Varchar(length=32)  # flows.model.Condition
    icd10 = Varchar(length=16)
    basis = Text(null=True, default=None)
    status = Varchar(length=16)  # confirmed | suspected | ruled_out
    diagnosed_at = Timestamptz()
    diagnosed_by = ForeignKey(references=Staff, null=True, on_delete=UNLINK)


class ManagementPlan(Table, tablename="management_plan"):
    """Graded management (分类分级管理) of one condition: class, targets, lifestyle advice."""

    id: Serial

    resident = ForeignKey(references=Resident, on_delete=KEEP, null=False)
    visit = ForeignKey(references=Visit, null=True, on_delete=UNLINK)
    condition = Varchar(length=32)
    management_class = Varchar(length=32)
    targets = JSON()  # the whole plan (flows.rules.plans): lifestyle goals, self-monitoring, review flags
    lifestyle_advice = Text(null=True, default=None)
    active = Boolean(default=True)
    created_at = Timestamptz()
    created_by = ForeignKey(references=Staff, null=True, on_delete=UNLINK)


class Prescription(Table, tablename="prescription"):
    """One drug of a plan: dose, frequency, long-term (长期处方) and shortage (缺药登记) flags."""

    id: Serial

    resident = ForeignKey(references=Resident, on_delete=KEEP, index=True, null=False)
    plan = ForeignKey(references=ManagementPlan, null=True, on_delete=UNLINK, index=True)
    visit = ForeignKey(references=Visit, null=True, on_delete=UNLINK)
    drug = Varchar(length=100)
    dose = Varchar(length=50)
    frequency = Varchar(length=50)
    long_term = Boolean(default=False)
    shortage = Boolean(default=False)
    start_date = Date()
    end_date = Date(null=True, default=None, index=True)  # long-term prescriptions expiring: a worklist
    prescribed_by = ForeignKey(references=Staff, null=True, on_delete=UNLINK)
    created_at = Timestamptz()
    # stopped before its end date: why (end_date is then the day it stopped)
    stop_reason = Text(null=True, default=None)


class DrugShortage(Table, tablename="drug_shortage"):
    """A shortage record (缺药登记): a drug of the essential medicines list a resident needed was out of stock.

    The pharmacy reads the open ones to restock and to tell the residents waiting; `resolved_at` closes one."""

    id: Serial

    drug = Varchar(length=100, index=True)
    resident = ForeignKey(references=Resident, on_delete=KEEP, null=True, index=True)
    visit = ForeignKey(references=Visit, null=True, on_delete=UNLINK)
    prescription = ForeignKey(references=Prescription, null=True, on_delete=UNLINK)
    note = Text(null=True, default=None)
    recorded_at = Timestamptz()
    recorded_by = ForeignKey(references=Staff, null=True, on_delete=UNLINK)
    resolved_at = Timestamptz(null=True, default=None)
    resolved_by = ForeignKey(references=Staff, null=True, on_delete=UNLINK)


class FollowUp(Table, tablename="follow_up"):
    """A follow-up (随访) of one condition: booked with a due date, then done with its class.

    A row is born as a booking (`done_at` NULL, `due_date` the date the rules computed) and becomes the
    follow-up record when it is done: the class (此次随访分类), whether referral was advised, and the values
    it was judged on. The values live on the row, as on the national form, so "the BP of this follow-up" is
    exactly that: a follow-up done without a BP keeps NULL and never borrows an older reading (the
    indicator defect CLINICAL_RULES.md §10 warns of). Doing a follow-up books the next one as a new row.
    """

    id: Serial

    resident = ForeignKey(references=Resident, on_delete=KEEP, null=False)
    condition = Varchar(length=32)
    follow_up_class = Varchar(length=32, null=True, default=None)  # flows.rules.followup.FollowupClass
    due_date = Date(index=True)
    mode = Varchar(length=16)  # clinic | home | phone | online (clinic and home are face to face)
    done_at = Timestamptz(null=True, default=None)
    result = Text(null=True, default=None)
    visit = ForeignKey(references=Visit, null=True, on_delete=UNLINK)
    staff = ForeignKey(references=Staff, null=True, on_delete=UNLINK)
    created_at = Timestamptz()
    sbp = Integer(null=True, default=None)  # mmHg, measured at this follow-up
    dbp = Integer(null=True, default=None)
    fpg = DoublePrecision(null=True, default=None)  # mmol/L, measured at this follow-up
    referral = Boolean(default=False)  # referral advised by the classification
    assessment = JSON(null=True, default=None)  # the rules' answer: clauses, target, reasons
    override_reason = Text(null=True, default=None)  # the doctor changed class or date: why
    call_outcome = Varchar(
        length=32, null=True, default=None
    )  # overdue worklist: agreed | call_later | removed
    call_note = Text(null=True, default=None)
    call_again_on = Date(null=True, default=None)  # call_later: when to call again (hidden until then)
    called_at = Timestamptz(null=True, default=None)  # the last call's outcome: when and by whom
    called_by = ForeignKey(references=Staff, null=True, on_delete=UNLINK)
    form = JSON(null=True, default=None)  # the national follow-up form's other fields (flows.followup_form)


class EmergencyFlag(Table, tablename="emergency_flag"):
    """An emergency (紧急转诊) found in a visit, and how it was resolved.

    Raised whenever a value or a symptom that meets the emergency lists enters the visit; while it is open the
    visit can only be referred as an emergency (or cancelled), unless a doctor overrides it with a reason.
    """

    id: Serial

    visit = ForeignKey(references=Visit, on_delete=KEEP, index=True, null=False)
    resident = ForeignKey(references=Resident, on_delete=KEEP, index=True, null=False)
    findings = JSON()  # the emergency findings: codes, values, clauses
    detected_at = Timestamptz()
    status = Varchar(length=16)  # open | referred | overridden
    resolved_at = Timestamptz(null=True, default=None)
    resolved_by = ForeignKey(references=Staff, null=True, on_delete=UNLINK)
    reason = Text(null=True, default=None)  # a doctor's override must say why


class Symptom(Table, tablename="symptom"):
    """A symptom recorded in a visit (the codes of flows.rules.emergency and the follow-up forms)."""

    id: Serial

    resident = ForeignKey(references=Resident, on_delete=KEEP, null=False)
    visit = ForeignKey(references=Visit, null=True, on_delete=UNLINK, index=True)
    code = Varchar(length=48)
    recorded_at = Timestamptz()
    recorded_by = ForeignKey(references=Staff, null=True, on_delete=UNLINK)


class Referral(Table, tablename="referral"):
    """A referral (转诊) up, down or emergency: reasons, destination and what came of it."""

    id: Serial

    resident = ForeignKey(references=Resident, on_delete=KEEP, null=False)
    visit = ForeignKey(references=Visit, null=True, on_delete=UNLINK)
    direction = Varchar(length=16)  # up | down | emergency | received
    urgency = Varchar(length=16)
    reasons = Text()
    destination = Varchar(length=200)
    status = Varchar(length=16, index=True)  # open | accepted | completed | cancelled
    department = Varchar(length=100, null=True, default=None)  # up: the lead hospital's department
    summary = Text(null=True, default=None)  # the referral summary (转诊单): findings, drugs, plan
    result = Text(null=True, default=None)
    created_at = Timestamptz()
    created_by = ForeignKey(references=Staff, null=True, on_delete=UNLINK)
    closed_at = Timestamptz(null=True, default=None)
    # the result as the national form has it: 到位 (true) / 不到位 (false)
    arrived = Boolean(null=True, default=None)
    result_by = ForeignKey(references=Staff, null=True, on_delete=UNLINK)


class Appointment(Table, tablename="appointment"):
    """A booking (预约挂号) or an announced incoming referral, at a time, for a team."""

    id: Serial

    resident = ForeignKey(references=Resident, on_delete=KEEP, null=False)
    team = ForeignKey(references=FamilyDoctorTeam, null=True, on_delete=UNLINK)
    purpose = Varchar(length=32)  # booking | follow_up | incoming_referral
    scheduled_for = Timestamptz(index=True)
    status = Varchar(length=16)  # booked | arrived | cancelled | missed
    visit = ForeignKey(references=Visit, null=True, on_delete=UNLINK)
    created_at = Timestamptz()


class AccessToken(Table, tablename="access_token"):
    """A patient's QR-code token (flows.access): only its hash, what it may show, for what purpose, until when,
    whether it was revoked, and when it was last used; (resident, purpose) in the index migration."""

    id: Serial

    resident = ForeignKey(references=Resident, on_delete=KEEP, index=True, null=False)
    token_hash = Varchar(length=128, unique=True)
    scope = Varchar(length=32)  # flows.access.AccessScope
    purpose = Varchar(length=64, default="record")  # record | visit:<id> | ticket:<id>
    visit = ForeignKey(references=Visit, null=True, on_delete=UNLINK)
    expires_at = Timestamptz()
    revoked_at = Timestamptz(null=True, default=None)
    revoked_by = ForeignKey(references=Staff, null=True, on_delete=UNLINK)
    created_at = Timestamptz()
    created_by = ForeignKey(references=Staff, null=True, on_delete=UNLINK)
    last_used_at = Timestamptz(null=True, default=None)
    uses = Integer(default=0)


# --- the health record's history (flows.record) and family alerts (flows.rules.family) ------------------
#
# A list entry (past history, family history, allergy, outside medicine) is never overwritten: a save that
# drops it marks it removed (who, when), and an unchanged entry keeps who recorded it first. The lifestyle
# is a log: each change is a new row and the newest is current. So the record can say what it held on any
# day, and who told it so.


class PastHistory(Table, tablename="past_history"):
    """既往史: a disease with its date of diagnosis, or a surgery, trauma or transfusion."""

    id: Serial

    resident = ForeignKey(references=Resident, on_delete=KEEP, index=True, null=False)
    kind = Varchar(length=16)  # disease | flows.record.PastEventKind
    condition = Varchar(length=32, null=True, default=None)  # flows.record.HistoryCondition (diseases)
    name = Text(null=True, default=None)  # the operation, injury or transfusion reason; a disease's note
    occurred_on = Date(null=True, default=None)  # diagnosed on, for a disease
    visit = ForeignKey(references=Visit, null=True, on_delete=UNLINK)
    recorded_at = Timestamptz()
    recorded_by = ForeignKey(references=Staff, null=True, on_delete=UNLINK)
    removed_at = Timestamptz(null=True, default=None)
    removed_by = ForeignKey(references=Staff, null=True, on_delete=UNLINK)


class FamilyAlert(Table, tablename="family_alert"):
    """家属健康提示: a household member (`relative`) alerted to a risk because of a relative's (`source`)
    condition; unique (relative, source, code) in the index migration, so an alert is raised once."""

    id: Serial

    relative = ForeignKey(references=Resident, on_delete=KEEP, null=False)  # + (relative, status) index
    source = ForeignKey(references=Resident, on_delete=KEEP, index=True, null=False)
    visit = ForeignKey(references=Visit, null=True, on_delete=UNLINK)  # the visit that found it
    code = Varchar(length=32)  # flows.rules.family.AlertCode
    condition = Varchar(length=32)  # flows.record.HistoryCondition of the source
    relation = Varchar(length=16)  # the source is the relative's … (flows.record.Relation)
    clauses = JSON()  # clause ids, the first the FAMILY.* one
    text = Text()  # the rule's plain-English summary when raised
    alert_values = JSON()  # the values behind it (LDL-C)
    status = Varchar(length=16)  # open | acknowledged | done
    created_at = Timestamptz()
    created_by = ForeignKey(references=Staff, null=True, on_delete=UNLINK)
    status_at = Timestamptz(null=True, default=None)
    status_by = ForeignKey(references=Staff, null=True, on_delete=UNLINK)


class FamilyHistory(Table, tablename="family_history"):
    """家族史: a relative's condition; `relative` links the relative's own record when it is in the register,
    `alert` the family alert that added the entry (the desk did not type it)."""

    id: Serial

    resident = ForeignKey(references=Resident, on_delete=KEEP, index=True, null=False)
    relation = Varchar(length=16)  # flows.record.Relation
    condition = Varchar(length=32)  # flows.record.HistoryCondition
    note = Text(null=True, default=None)
    relative = ForeignKey(references=Resident, null=True, on_delete=UNLINK)
    alert = ForeignKey(references=FamilyAlert, null=True, on_delete=UNLINK)
    visit = ForeignKey(references=Visit, null=True, on_delete=UNLINK)
    recorded_at = Timestamptz()
    recorded_by = ForeignKey(references=Staff, null=True, on_delete=UNLINK)
    removed_at = Timestamptz(null=True, default=None)
    removed_by = ForeignKey(references=Staff, null=True, on_delete=UNLINK)


class Allergy(Table, tablename="allergy"):
    """An allergy (药物过敏史 and food or other): the substance and the reaction it caused."""

    id: Serial

    resident = ForeignKey(references=Resident, on_delete=KEEP, index=True, null=False)
    kind = Varchar(length=16)  # flows.record.AllergyKind
    substance = Varchar(length=100)
    reaction = Text(null=True, default=None)
    visit = ForeignKey(references=Visit, null=True, on_delete=UNLINK)
    recorded_at = Timestamptz()
    recorded_by = ForeignKey(references=Staff, null=True, on_delete=UNLINK)
    removed_at = Timestamptz(null=True, default=None)
    removed_by = ForeignKey(references=Staff, null=True, on_delete=UNLINK)


class OutsideMedicine(Table, tablename="outside_medicine"):
    """A medicine taken that this site did not prescribe (this site's are in `prescription`)."""

    id: Serial

    resident = ForeignKey(references=Resident, on_delete=KEEP, index=True, null=False)
    name = Varchar(length=100)
    dose = Varchar(length=100, null=True, default=None)
    frequency = Varchar(length=100, null=True, default=None)
    source = Varchar(length=100, null=True, default=None)  # from where: a hospital, a pharmacy
    visit = ForeignKey(references=Visit, null=True, on_delete=UNLINK)
    recorded_at = Timestamptz()
    recorded_by = ForeignKey(references=Staff, null=True, on_delete=UNLINK)
    removed_at = Timestamptz(null=True, default=None)
    removed_by = ForeignKey(references=Staff, null=True, on_delete=UNLINK)


class Lifestyle(Table, tablename="lifestyle"):
    """Smoking, drinking, exercise, salt and diet as told at one time; (resident, recorded_at) index."""

    id: Serial

    resident = ForeignKey(references=Resident, on_delete=KEEP, null=False)
    smoking = Varchar(length=16, null=True, default=None)  # flows.record.SmokingStatus
    cigarettes_per_day = Integer(null=True, default=None)
    alcohol = Varchar(length=16, null=True, default=None)  # flows.record.AlcoholFrequency
    baijiu_liang_per_day = DoublePrecision(null=True, default=None)
    exercise = Varchar(length=16, null=True, default=None)  # flows.record.ExerciseFrequency
    exercise_minutes = Integer(null=True, default=None)
    salt = Varchar(length=16, null=True, default=None)  # flows.rules.htn_form.SaltIntake
    diet = JSON()  # flows.record.DietHabit values
    visit = ForeignKey(references=Visit, null=True, on_delete=UNLINK)
    recorded_at = Timestamptz()
    recorded_by = ForeignKey(references=Staff, null=True, on_delete=UNLINK)


class ResidentRelation(Table, tablename="resident_relation"):
    """Kinship between two members of a household: `relative` is `resident`'s `relation`.

    Stored per pair, both ways (the desk sets one, the store writes its inverse): the household register's
    "relation to the head" cannot say whether two of the head's relatives are kin (a daughter-in-law and a
    grandchild), and the family alerts need exactly that. Unique (resident, relative) in the index migration.
    A pair that is no longer related is deleted: the audit log keeps that it was changed."""

    id: Serial

    resident = ForeignKey(references=Resident, on_delete=KEEP, null=False)
    relative = ForeignKey(references=Resident, on_delete=KEEP, index=True, null=False)
    relation = Varchar(length=16)  # flows.record.Relation
    recorded_at = Timestamptz()
    recorded_by = ForeignKey(references=Staff, null=True, on_delete=UNLINK)


# --- audit and bookkeeping ------------------------------------------------------------------------------


class AuditEvent(Table, tablename="audit_event"):
    """Who read or wrote what, when, from where; (entity, entity_id) in the index migration."""

    id: Serial

    at = Timestamptz(index=True)
    # Plain integer: a failed login has no staff row, and the log must outlive staff accounts.
    actor_id = Integer(null=True, default=None, index=True)
    action = Varchar(length=32)
    entity = Varchar(length=32)
    entity_id = BigInt(null=True, default=None)
    detail = Text(null=True, default=None)
    address = Varchar(length=64, null=True, default=None)


class Counter(Table, tablename="counter"):
    """Gap-free sequences (e.g. record numbers per prefix), bumped inside the writing transaction."""

    id: Serial

    name = Varchar(length=64, unique=True)
    value = BigInt(default=0)


ALL_TABLES: tuple[type[Table], ...] = (
    FamilyDoctorTeam,
    Staff,
    StaffSession,
    Household,
    Resident,
    Contract,
    Visit,
    VisitEvent,
    QueueTicket,
    PrintJob,
    Device,
    Reading,
    Observation,
    QuestionnaireAnswer,
    Diagnosis,
    ManagementPlan,
    Prescription,
    DrugShortage,
    FollowUp,
    EmergencyFlag,
    Symptom,
    Referral,
    Appointment,
    AccessToken,
    PastHistory,
    FamilyAlert,
    FamilyHistory,
    Allergy,
    OutsideMedicine,
    Lifestyle,
    ResidentRelation,
    AuditEvent,
    Counter,
)
