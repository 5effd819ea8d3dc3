"""The read-only summary of one resident's record: identity, household, signing, conditions, values, visits."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Footer, Label, Static

from flows.identity import mask_id_number, mask_phone
from flows.model import ResidentSummary
from tui import labels
from tui.errors import describe
from tui.i18n import _
from tui.screens.starting import VisitStarter
from tui.widgets.status_bar import StatusBar


class SummaryLoaded(Message):
    def __init__(self, summary: ResidentSummary) -> None:
        super().__init__()
        self.summary = summary


class SummaryScreen(VisitStarter):
    CSS_PATH = "summary.tcss"
    KEYS: ClassVar[tuple[str, ...]] = ("intake.start", "summary.back", "summary.patient_link", "app.quit")

    def __init__(self, resident_id: int) -> None:
        super().__init__()
        self.resident_id = resident_id
        self.summary: ResidentSummary | None = None  # once loaded: the patient-link screen starts from it

    def compose(self) -> ComposeResult:
        yield StatusBar()
        yield Label(_("Loading the record…"), id="summary-title", markup=False)
        yield Label("", id="summary-visit", markup=False)
        yield VerticalScroll(id="summary")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#summary", VerticalScroll).focus()
        self._load(self.resident_id)

    @work(thread=True, exit_on_error=False, exclusive=True, group="summary")
    def _load(self, resident_id: int) -> None:
        self.post_message(SummaryLoaded(self.desk.client.resident_summary(resident_id)))

    def on_summary_loaded(self, message: SummaryLoaded) -> None:
        s = message.summary
        r = s.resident
        self.summary = s
        self.refresh_bindings()
        # The full ID number arrives (the API serves the record) but is never put on the screen.
        self.query_one("#summary-title", Label).update(f"{r.name}  {mask_id_number(r.id_number)}")
        today = self.desk.today()
        self.query_one("#summary-visit", Label).update(_visit_hint(s, today))
        sections = [
            (_("Resident"), _identity(s, today)),
            (_("Family doctor contract"), _contract(s)),
            (_("Chronic conditions"), _conditions(s)),
            (_("Latest values"), _latest(s)),
            (_("Household"), _household(s, today)),
            (_("Recent visits"), _visits(s)),
        ]
        box = self.query_one("#summary", VerticalScroll)
        for title, text in sections:
            section = Static(text, markup=False, classes="section")
            section.border_title = title
            box.mount(section)

    def show_error(self, error: BaseException) -> None:
        title = self.query_one("#summary-title", Label)
        title.update(describe(error))
        title.add_class("-error")

    def action_back(self) -> None:
        self.dismiss()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("patient_link", "start_visit") and self.summary is None:
            return None  # shown, greyed, until the record has loaded
        return True

    def action_start_visit(self) -> None:
        if self.summary is not None:
            self.start_visit_for(self.resident_id, summary=self.summary)

    def action_patient_link(self) -> None:
        from tui.screens.patient_link import PatientLinkScreen  # not on the desk's start path

        if self.summary is not None:
            self.app.push_screen(PatientLinkScreen(self.summary))


def _visit_hint(s: ResidentSummary, today: dt.date) -> str:
    """What Enter does here: continue today's open visit at its step, or start one."""
    open_today = [v for v in s.recent_visits if v.visit_date == today and v.closed_at is None]
    if open_today:
        step = labels.word(labels.STEP, open_today[0].step)
        return _("Today's visit is at {step}: press Enter to continue it.").format(step=step)
    return _("Press Enter to start today's visit.")


def _identity(s: ResidentSummary, today: dt.date) -> str:
    r = s.resident
    return labels.pairs(
        [
            (_("Name"), r.name),
            (_("Sex"), labels.word(labels.SEX, r.sex)),
            (
                _("Age"),
                _("{age} (born {date})").format(age=labels.age(r.birth_date, today), date=r.birth_date),
            ),
            (_("ID number"), mask_id_number(r.id_number)),
            (_("Record number"), r.record_number),
            (_("Phone"), mask_phone(r.phone) or _("none")),
            (_("Address"), r.address or _("none")),
        ]
    )


def _contract(s: ResidentSummary) -> str:
    c = s.contract
    if c is None:
        return _("Not signed")
    rows = [
        (_("Status"), labels.word(labels.CONTRACT_STATUS, c.status)),
        (_("Package"), labels.word(labels.PACKAGE, c.package)),
        (_("Period"), f"{c.start_date} – {c.end_date}"),
    ]
    if s.team is not None:
        rows.append((_("Family doctor team"), s.team.name))
        rows.append((_("Room"), s.team.room))
    return labels.pairs(rows)


def _conditions(s: ResidentSummary) -> str:
    if not s.conditions:
        return _("None recorded")
    return _(", ").join(labels.word(labels.CONDITION, c) for c in s.conditions)


def _latest(s: ResidentSummary) -> str:
    if not s.latest:
        return _("None recorded")
    return labels.pairs(
        [
            (
                labels.word(labels.OBSERVATION, o.code),
                f"{labels.fmt_value(o.value)} {o.unit}  ({o.observed_at:%Y-%m-%d})",
            )
            for o in s.latest
        ]
    )


def _household(s: ResidentSummary, today: dt.date) -> str:
    if s.household is None:
        return _("No household recorded")
    lines = [s.household.address]
    others = [m for m in s.household_members if m.id != s.resident.id]
    for m in others:
        sex = labels.word(labels.SEX, m.sex)
        age = labels.age(m.birth_date, today)
        lines.append(f"{m.name}  {sex}  {age}  {m.id_number_masked}")
    if not others:
        lines.append(_("No other members"))
    return "\n".join(lines)


def _visits(s: ResidentSummary) -> str:
    if not s.recent_visits:
        return _("No visits yet")
    lines = []
    for v in s.recent_visits:
        line = f"{v.visit_date}  {labels.word(labels.STEP, v.step)}"
        if v.queue_kind is not None:
            line += f"  {labels.word(labels.QUEUE_KIND, v.queue_kind)}"
        lines.append(line)
    return "\n".join(lines)
