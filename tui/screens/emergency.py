"""An emergency found in the visit (BPHS-2017 紧急转诊): a full red screen that cannot be missed or slipped past.

It names each finding with its values and clauses, says what to do (call 120, refer at once), and waits for
one of two deliberate keys: refer as an emergency now, or keep measuring (the alert then stays on the form
as a red banner until the visit is referred, cancelled, or a doctor overrides it). Enter and Escape do
nothing here, so a key meant for the form cannot dismiss it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar, Literal

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingsMap
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Footer, Label, Static

from flows.clinical import EmergencyFlag, EmergencyStatus
from flows.rules.base import Clause, Finding
from tui.i18n import _
from tui.keys import bindings
from tui.widgets import findings_words as words

Choice = Literal["refer", "measure"]


def reason_for(findings: tuple[Finding, ...]) -> str:
    """The referral's reason, prefilled from the findings: `紧急转诊：高血压急症…（收缩压 190 mmHg…）`."""
    parts = []
    for f in findings:
        values = words.values_text(f)
        parts.append(f"{words.title(f)} ({values})" if values else words.title(f))
    return _("Emergency referral: {findings}").format(findings="; ".join(parts))


class EmergencyScreen(ModalScreen[Choice]):
    CSS_PATH = "emergency.tcss"
    KEYS: ClassVar[tuple[str, ...]] = ("emergency.refer", "emergency.measure", "app.quit")

    def __init__(self, findings: tuple[Finding, ...], who: str, clauses: Mapping[str, Clause]) -> None:
        super().__init__()
        inherited = [binding for _key, binding in self._bindings]
        self._bindings = BindingsMap([*inherited, *bindings(*self.KEYS)])
        self.findings = findings
        self._who = who
        self._clauses = clauses

    def compose(self) -> ComposeResult:
        with Vertical(id="emergency-box"):
            yield Label("‼ " + _("EMERGENCY — REFER AT ONCE") + " ‼", id="emergency-title")
            yield Label(self._who, id="emergency-who", markup=False)
            with VerticalScroll(id="emergency-findings"):
                yield Static(self._findings_text(), id="emergency-body")
            yield Label(
                _(
                    "Call 120 or refer to the higher-level hospital now. Stay with the resident until handed over."
                ),
                id="emergency-guidance",
            )
            yield Label(
                _("R  refer as an emergency now (asks the reason)    M  keep measuring (e.g. BP again)"),
                id="emergency-keys",
            )
        yield Footer()

    def _findings_text(self) -> Text:
        text = Text()
        for f in self.findings:
            text.append("‼ " + words.title(f) + "\n", style="bold")
            values = words.values_text(f)
            if values:
                text.append("   " + values + "\n")
            text.append("   " + words.clauses_text(f.clauses, self._clauses) + "\n")
        return text

    def action_refer(self) -> None:
        self.dismiss("refer")

    def action_measure(self) -> None:
        self.dismiss("measure")


class EmergencyBanner(Label):
    """The red line above the form while the visit's emergency is open; it raises the emergency screen once
    per flag (again on F9 or when the API refuses a move), and asks the referral's reason.

    Posts `Refer(reason)` when the nurse refers with a reason, `Measure` when the nurse keeps measuring."""

    class Refer(Message):
        def __init__(self, reason: str) -> None:
            super().__init__()
            self.reason = reason

    class Measure(Message):
        pass

    def __init__(self) -> None:
        super().__init__("", id="emergency-banner", markup=False)
        self.flag: EmergencyFlag | None = None
        self._alerted: set[int] = set()

    def flags(
        self, flags: list[EmergencyFlag], *, who: str, clauses: Mapping[str, Clause], again: bool
    ) -> None:
        """The visit's flags as the API lists them: the newest open one is shown (or none: the banner goes)."""
        open_flags = [f for f in flags if f.status is EmergencyStatus.OPEN]
        if open_flags:
            self.alert(open_flags[-1], who=who, clauses=clauses, again=again)
        else:
            self.flag = None
            self._show()

    def alert(self, flag: EmergencyFlag, *, who: str, clauses: Mapping[str, Clause], again: bool) -> None:
        self.flag = flag
        self._show()
        if flag.id in self._alerted and not again:
            return
        self._alerted.add(flag.id)
        if not isinstance(self.app.screen, EmergencyScreen):
            screen = EmergencyScreen(flag.findings, who, clauses)
            self.app.push_screen(screen, lambda choice: self._chosen(choice, flag, who, clauses))

    def _show(self) -> None:
        self.display = self.flag is not None
        self.screen.refresh_bindings()  # F9 is offered while an emergency is open
        if self.flag is not None:
            named = "; ".join(words.title(f) for f in self.flag.findings)
            self.update(
                "‼ " + _("Open emergency: {findings} — F9 to act (refer or cancel)").format(findings=named)
            )

    def _chosen(
        self, choice: Choice | None, flag: EmergencyFlag, who: str, clauses: Mapping[str, Clause]
    ) -> None:
        if choice == "measure":
            self.post_message(self.Measure())
            return
        if choice != "refer":
            return
        from tui.screens.reason import ReasonDialog

        def refer(reason: str | None) -> None:
            if reason:
                self.post_message(self.Refer(reason))
            else:  # no reason given: nothing moved, and the emergency is still in front of the nurse
                self.alert(flag, who=who, clauses=clauses, again=True)

        dialog = ReasonDialog(
            _("Emergency referral"),
            _("Why is the visit referred as an emergency? (prefilled from the findings)"),
            value=reason_for(flag.findings),
        )
        self.app.push_screen(dialog, refer)
