"""The signing check (家庭医生签约核验): confirm a contract in force, renew, sign with a team, or decline.

A signed resident goes on with one key (F10) to the own team's queue; an unsigned one is offered signing with
the key-population reasons (CLINICAL_RULES.md §9), and F10 asks rather than decides: sign, or decline with a
reason, which sends the resident to general practice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import events, work
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from flows.clinical import SigningStatus
from flows.model import Contract, FamilyDoctorTeam, Move
from flows.rules.contracts import Package
from tui import labels
from tui.errors import describe
from tui.i18n import N_, _
from tui.screens.signing_words import (
    DECLINE_REASONS,
    Standing,
    contract_rows,
    key,
    prompt,
    standing,
    team_line,
)
from tui.screens.visit import VisitScreen

if TYPE_CHECKING:
    import datetime as dt

    from textual.app import ComposeResult

    from tui.flow import VisitContext


class SigningLoaded(Message):
    def __init__(self, status: SigningStatus, teams: list[FamilyDoctorTeam]) -> None:
        super().__init__()
        self.status = status
        self.teams = teams


class ContractSaved(Message):
    """A contract signed or renewed; `move` takes the visit on with its team."""

    def __init__(self, contract: Contract, move: Move) -> None:
        super().__init__()
        self.contract = contract
        self.move = move


class SigningScreen(VisitScreen):
    CSS_PATH = "signing.tcss"
    KEYS: ClassVar[tuple[str, ...]] = (
        *VisitScreen.VISIT_KEYS,
        "signing.renew",
        "signing.sign",
        "signing.decline",
        "signing.package",
        "signing.confirm",
    )

    def __init__(self, ctx: VisitContext) -> None:
        super().__init__(ctx)
        self.status: SigningStatus | None = None
        self.teams: list[FamilyDoctorTeam] = []
        self.choosing = False  # the team list is open
        self.asking = False  # F10 on a resident without a contract in force: sign or decline?
        self.package = Package.BASIC
        self.writing = False  # a sign, renewal or move is on its way: one at a time, reload after a refusal

    @property
    def today(self) -> dt.date:
        return self.ctx.visit.visit_date

    def compose_step(self) -> ComposeResult:
        with Horizontal(id="signing-body"):
            with Vertical(id="signing-status") as box:
                box.border_title = _("Family doctor contract")
                for row, name in (
                    ("standing", N_("Status")),
                    ("team", N_("Team")),
                    ("package", N_("Package")),
                    ("term", N_("Term")),
                    ("renewal", N_("Renewal")),
                    ("reasons", N_("Key populations")),
                ):
                    with Horizontal(classes="signing-row"):
                        yield Label(_(name), classes="signing-name", id=f"name-{row}", markup=False)
                        yield Label("", classes="signing-value", id=f"value-{row}", markup=False)
            with Vertical(id="signing-choose") as choose:
                choose.border_title = _("Choose a family doctor team")
                yield OptionList(id="signing-teams")
                yield Label("", id="signing-chosen", markup=False)
                yield Label("", id="signing-package", markup=False)
        yield Label(_("Reading the contract…"), id="signing-prompt", markup=False)
        yield Label("", id="signing-info", markup=False)

    def on_mount(self) -> None:
        self._load()

    # --- workers: blocking calls, answers as messages -------------------------------------------------

    @work(thread=True, exit_on_error=False, exclusive=True, group="signing-load")
    def _load(self) -> None:
        from tui.endpoints.contracts import list_teams, signing_status

        client = self.desk.client
        self.post_message(
            SigningLoaded(signing_status(client, self.ctx.visit.resident_id), list_teams(client))
        )

    @work(thread=True, exit_on_error=False, group="signing-write")
    def _sign(self, team_id: int, package: Package) -> None:
        from tui.endpoints.contracts import sign_contract

        contract = sign_contract(self.desk.client, self.ctx.visit.resident_id, team_id, package.value)
        self.post_message(ContractSaved(contract, Move.ACCEPT_SIGNING))

    @work(thread=True, exit_on_error=False, group="signing-write")
    def _renew(self, contract_id: int) -> None:
        from tui.endpoints.contracts import renew_contract

        self.post_message(ContractSaved(renew_contract(self.desk.client, contract_id), Move.CONFIRM_CONTRACT))

    def on_signing_loaded(self, message: SigningLoaded) -> None:
        self.status, self.teams = message.status, message.teams
        options = [Option(f"{i}  {team_line(t)}", id=str(t.id)) for i, t in enumerate(self.teams, start=1)]
        self.query_one("#signing-teams", OptionList).set_options(options)
        self._show()

    def on_contract_saved(self, message: ContractSaved) -> None:
        contract = message.contract
        self._info(
            _("Contract with {team}: {start} to {end}.").format(
                team=self._team_name(contract.team_id), start=contract.start_date, end=contract.end_date
            )
        )
        self._go(message.move, team_id=contract.team_id)

    def show_error(self, error: BaseException) -> None:
        self._info(describe(error), error=True)
        if self.writing:
            # A refusal may mean another desk signed meanwhile: show the contract as it now stands.
            self.writing = False
            self._close_choice()
            self._load()

    # --- keys -----------------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        now = self._standing()
        if action in {"toggle_package", "confirm_sign"}:
            return self.choosing
        if action in {"sign", "decline"}:
            return not self.choosing and now in (Standing.EXPIRED, Standing.UNSIGNED)
        if action == "renew":
            due = self.status is not None and self.status.renewal_due
            return not self.choosing and (now is Standing.EXPIRED or (now is Standing.IN_FORCE and due))
        return True

    def action_next_step(self) -> None:
        now = self._standing()
        if now is None or self.writing or self.moving:
            return
        if self.choosing:
            self.action_confirm_sign()
        elif now in (Standing.IN_FORCE, Standing.PENDING) and self.status and self.status.contract:
            self._go(Move.CONFIRM_CONTRACT, team_id=self.status.contract.team_id)
        else:
            self.asking = True  # never decide for the resident: ask
            self._show()

    def action_renew(self) -> None:
        contract = self.status.contract if self.status else None
        if contract is None or self.writing or self.moving:
            return
        self.writing = True
        self._info(_("Renewing the contract…"))
        self._renew(contract.id)

    def action_sign(self) -> None:
        if not self.teams:
            self._info(_("No family doctor team is set up: ask the administrator to add one."), error=True)
            return
        self.choosing, self.asking = True, False
        self.set_class(True, "-choosing")
        teams = self.query_one("#signing-teams", OptionList)
        teams.highlighted = 0
        teams.focus()
        self._show()

    def action_toggle_package(self) -> None:
        self.package = Package.PERSONALISED if self.package is Package.BASIC else Package.BASIC
        self._show()

    def action_confirm_sign(self) -> None:
        index = self.query_one("#signing-teams", OptionList).highlighted
        if not self.choosing or index is None or self.writing or self.moving:
            return
        team = self.teams[index]
        self.writing = True
        self._info(_("Signing with {team}…").format(team=team.name))
        self._sign(team.id, self.package)

    def action_decline(self) -> None:
        from tui.screens.reason import ReasonDialog

        def decline(reason: str | None) -> None:
            if reason:
                self._go(Move.DECLINE_SIGNING, reason=reason)

        self.app.push_screen(
            ReasonDialog(
                _("Decline signing"),
                _("Why does the resident not sign now? The visit goes on to general practice."),
                choices=tuple(_(r) for r in DECLINE_REASONS),
            ),
            decline,
        )

    def action_leave(self) -> None:
        if self.choosing:
            self._close_choice()
            self._show()
        else:
            super().action_leave()

    def on_option_list_option_highlighted(self, _event: OptionList.OptionHighlighted) -> None:
        self._show()

    def on_key(self, event: events.Key) -> None:
        """Digits pick a team in the list (1 is the first), as on the reason dialog."""
        char = event.character
        if self.choosing and char is not None and char.isdigit() and 1 <= int(char) <= len(self.teams):
            self.query_one("#signing-teams", OptionList).highlighted = int(char) - 1
            event.stop()
            event.prevent_default()

    # --- helpers --------------------------------------------------------------------------------------

    def _go(self, move: Move, *, reason: str | None = None, team_id: int | None = None) -> None:
        self.writing = True
        self.advance(move, reason=reason, team_id=team_id)

    def _close_choice(self) -> None:
        self.choosing = False
        self.set_class(False, "-choosing")
        self.refresh_bindings()

    def _standing(self) -> Standing | None:
        return standing(self.status, self.today) if self.status is not None else None

    def _team_name(self, team_id: int) -> str:
        team = next((t for t in self.teams if t.id == team_id), None)
        return team.name if team is not None else _("team {id}").format(id=team_id)

    def _info(self, text: str, *, error: bool = False) -> None:
        info = self.query_one("#signing-info", Label)
        info.update(text)
        info.set_class(error, "-error")

    def _set(self, row: str, text: str) -> None:
        self.query_one(f"#value-{row}", Label).update(text)

    def _show(self) -> None:
        """Every line from the state: the contract's rows, the package being chosen, what to do next."""
        now = self._standing()
        if self.status is None or now is None:
            return
        rows = contract_rows(self.status, now, self.teams, self.today)
        for row, text in rows.items():
            self._set(row, text)
        word = self.query_one("#value-standing", Label)
        for state in Standing:
            word.set_class(state is now, f"-{state.name.lower()}")
        reasons_name = (
            N_("Reasons to sign") if now in (Standing.UNSIGNED, Standing.EXPIRED) else N_("Key populations")
        )
        self.query_one("#name-reasons", Label).update(_(reasons_name))
        package = labels.word(labels.PACKAGE, self.package.value)
        self.query_one("#signing-package", Label).update(
            _("Package: {package} ({key} switches)").format(package=package, key=key("signing.package"))
        )
        index = self.query_one("#signing-teams", OptionList).highlighted
        chosen = self.teams[index].name if index is not None and index < len(self.teams) else "—"
        self.query_one("#signing-chosen", Label).update(_("Team: {team}").format(team=chosen))
        line = self.query_one("#signing-prompt", Label)
        line.update(
            prompt(now, choosing=self.choosing, asking=self.asking, renewal_due=self.status.renewal_due)
        )
        line.set_class(self.asking, "-ask")
        self.refresh_bindings()
