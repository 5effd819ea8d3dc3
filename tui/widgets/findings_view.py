"""The screening's findings and next steps, each with its values and clauses, in a pane the keyboard can scroll."""

from __future__ import annotations

from collections.abc import Mapping

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Label, Static

from flows.clinical import ScreeningReport
from flows.rules.base import Clause, Finding, Severity
from tui.i18n import _
from tui.widgets import findings_words as words

_STYLE = {
    Severity.EMERGENCY: "bold white on red",
    Severity.WARNING: "bold yellow",
    Severity.ADVICE: "",
    Severity.INFO: "dim",
}
# Most urgent first: the nurse reads the top of the pane.
_ORDER = {Severity.EMERGENCY: 0, Severity.WARNING: 1, Severity.ADVICE: 2, Severity.INFO: 3}


def finding_text(finding: Finding, clauses: Mapping[str, Clause]) -> Text:
    """Three short lines: severity and title, the values in words, the clauses."""
    text = Text()
    text.append(words.severity_text(finding.severity), style=_STYLE[finding.severity])
    text.append(" " + words.title(finding), style="bold")
    values = words.values_text(finding)
    if values:
        text.append("\n  " + values)
    text.append("\n  " + words.clauses_text(finding.clauses, clauses), style="dim")
    return text


def report_text(report: ScreeningReport, clauses: Mapping[str, Clause]) -> Text:
    text = Text()
    if not report.findings:
        text.append(_("No findings yet: enter values or answer a questionnaire."), style="dim")
    for finding in sorted(report.findings, key=lambda f: _ORDER[f.severity]):
        text.append_text(finding_text(finding, clauses))
        text.append("\n")
    if report.next_steps:
        text.append("\n" + _("Next steps") + "\n", style="bold underline")
        for step in report.next_steps:
            due = _(" (due {date})").format(date=step.due.isoformat()) if step.due else ""
            text.append(f"→ {words.step_title(step)}{due}\n")
            text.append("  " + words.clauses_text(step.clauses, clauses) + "\n", style="dim")
    return text


class FindingsView(VerticalScroll, can_focus=True):
    """`show` a report, or `note` what stands in its way (refreshing, or the API's refusal in words)."""

    def __init__(self) -> None:
        super().__init__(id="findings-pane")
        self.report: ScreeningReport | None = None

    def compose(self) -> ComposeResult:
        yield Label(_("Findings"), id="findings-title")
        yield Label("", id="findings-state", markup=False)
        yield Static(
            Text(_("Findings appear here once the visit has values."), style="dim"), id="findings-body"
        )

    def show(self, report: ScreeningReport, clauses: Mapping[str, Clause], at: str) -> None:
        self.report = report
        self.query_one("#findings-state", Label).update(_("updated {time}").format(time=at))
        self.query_one("#findings-body", Static).update(report_text(report, clauses))

    def note(self, state: str) -> None:
        self.query_one("#findings-state", Label).update(state)
