"""Health education (健康教育, GUIDE-2025: a resident without a chronic condition): the items for the visit's
findings and the record's advice, each with its clauses, shown to the doctor and printed for the resident on
the ticket printer (F5 or p); F10 closes the visit (`finish_education`) and the doctor is back at the queue.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Label, Static

from flows.model import Move
from flows.printing import PrintJob
from flows.rules.education import EducationItem, VisitEducation
from tui.errors import describe
from tui.i18n import _, language
from tui.screens.doctor import DoctorScreen

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from tui.flow import VisitContext


class EducationLoaded(Message):
    def __init__(self, education: VisitEducation) -> None:
        super().__init__()
        self.education = education


class EducationPrinted(Message):
    def __init__(self, job: PrintJob) -> None:
        super().__init__()
        self.job = job


def item_text(item: EducationItem, *, english: bool) -> Text:
    """One item: its title (urgent ones marked), its lines, and the clauses behind it."""
    out = Text()
    title = item.title_en if english else item.title
    out.append(("‼ " if item.urgent else "") + title + "\n", style="bold red" if item.urgent else "bold")
    for line in item.lines_en if english else item.lines:
        out.append(f"· {line}\n")
    out.append(_("basis: {clauses}").format(clauses=", ".join(item.clauses)), style="dim")
    return out


class EducationScreen(DoctorScreen):
    CSS_PATH = "education.tcss"
    KEYS: ClassVar[tuple[str, ...]] = (
        *DoctorScreen.DOCTOR_KEYS,
        "diagnosis.education_print",
        "diagnosis.education_print_p",
    )

    def __init__(self, ctx: VisitContext) -> None:
        super().__init__(ctx)
        self.education: VisitEducation | None = None
        self.printing = False
        self.printed: PrintJob | None = None

    def compose_step(self) -> ComposeResult:
        with VerticalScroll(id="edu-body") as body:
            body.border_title = _("Health education")
            yield Static(_("Reading the findings…"), id="edu-items", markup=False)
        yield Label("", id="edu-info", markup=False)

    def on_mount(self) -> None:
        self._load()

    @work(thread=True, exit_on_error=False, exclusive=True, group="education-load")
    def _load(self) -> None:
        from tui.endpoints.diagnosis import education

        self.post_message(EducationLoaded(education(self.desk.client, self.ctx.visit.id)))

    @work(thread=True, exit_on_error=False, group="education-print")
    def _print(self) -> None:
        from tui.endpoints.diagnosis import print_education

        self.post_message(EducationPrinted(print_education(self.desk.client, self.ctx.visit.id)))

    def on_education_loaded(self, message: EducationLoaded) -> None:
        self.education = message.education
        english = language() == "en"
        body = Text()
        for i, item in enumerate(self.education.items):
            if i:
                body.append("\n\n")
            body.append_text(item_text(item, english=english))
        self.query_one("#edu-items", Static).update(body if self.education.items else _("Nothing to teach."))
        self.query_one("#edu-body", VerticalScroll).border_title = _("Health education: {n} topics").format(
            n=len(self.education.items)
        )
        self._info(_("F5 prints it for the resident; F10 closes the visit."))

    def on_education_printed(self, message: EducationPrinted) -> None:
        self.printing = False
        self.printed = message.job
        self._info(_("Sent to the printer (job {id}).").format(id=message.job.id))

    def show_error(self, error: BaseException) -> None:
        self.printing = False
        self._info(describe(error), error=True)

    def action_print_education(self) -> None:
        if self.education is None or self.printing:
            return
        self.printing = True
        self._info(_("Printing…"))
        self._print()

    def action_next_step(self) -> None:
        if self.education is None or self.printing:
            return
        self.advance(Move.FINISH_EDUCATION)

    def _info(self, text: str, *, error: bool = False) -> None:
        info = self.query_one("#edu-info", Label)
        info.update(text)
        info.set_class(error, "-error")
