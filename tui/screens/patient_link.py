"""F8 on a resident's summary: issue, show and revoke the QR links the resident opens with a phone."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.message import Message
from textual.widgets import ContentSwitcher, DataTable, Footer, Label

from flows.model import ResidentSummary, Visit
from flows.visit import is_open
from tui.client import AccessTokenView, IssuedToken
from tui.errors import describe
from tui.i18n import N_, _
from tui.screens.base import DeskScreen
from tui.widgets.qr import QrCode
from tui.widgets.status_bar import StatusBar

SCOPE = {"record": N_("Health record"), "visit": N_("This visit")}
STATUS = {"active": N_("Active"), "expired": N_("Expired"), "revoked": N_("Revoked")}

_LIST = "link-list"
_QR = "link-qr"


class LinksLoaded(Message):
    def __init__(self, tokens: list[AccessTokenView]) -> None:
        super().__init__()
        self.tokens = tokens


class LinkIssued(Message):
    """A new link and the list as it stands after it (the previous link of its kind now revoked)."""

    def __init__(self, issued: IssuedToken, tokens: list[AccessTokenView]) -> None:
        super().__init__()
        self.issued = issued
        self.tokens = tokens


class LinkRevoked(Message):
    def __init__(self, tokens: list[AccessTokenView]) -> None:
        super().__init__()
        self.tokens = tokens


def open_visit(visits: tuple[Visit, ...], today: dt.date) -> Visit | None:
    """Today's open visit, if any. A day either side is accepted: the visit's date is the site's, and a
    desk PC's clock near midnight may name the neighbouring day."""
    near = [v for v in visits if is_open(v) and abs((v.visit_date - today).days) <= 1]
    return max(near, key=lambda v: (v.visit_date, v.opened_at), default=None)


def when(at: dt.datetime | None) -> str:
    return at.astimezone().strftime("%Y-%m-%d %H:%M") if at is not None else "—"


def word(table: dict[str, str], value: str) -> str:
    return _(table[value]) if value in table else value


class PatientLinkScreen(DeskScreen):
    CSS_PATH = "patient_link.tcss"
    KEYS: ClassVar[tuple[str, ...]] = (
        "link.back",
        "link.record",
        "link.visit",
        "link.revoke",
        "link.yes",
        "link.no",
        "app.quit",
    )

    def __init__(self, summary: ResidentSummary) -> None:
        super().__init__()
        self.summary = summary
        visit = open_visit(summary.recent_visits, self.desk.today())
        self.visit_id = visit.id if visit is not None else None
        self.tokens: list[AccessTokenView] = []
        self.issued: IssuedToken | None = None  # shown as a QR until Escape
        self.confirming: AccessTokenView | None = None  # waiting for y/n
        self._busy = False  # one write at a time: a second `n` must not issue (and revoke) twice

    def compose(self) -> ComposeResult:
        yield StatusBar()
        yield Label(self._title(), id="link-title", markup=False)
        with ContentSwitcher(initial=_LIST, id="link-switcher"):
            with Vertical(id=_LIST):
                yield DataTable(id="link-table", cursor_type="row", zebra_stripes=True)
                yield Label(_("Loading the links…"), id="link-info", markup=False)
            with Vertical(id=_QR):
                with Center():
                    yield QrCode(id="qr")
                with Center():
                    yield Label(id="link-url", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#link-table", DataTable)
        table.add_columns(_("Scope"), _("Created"), _("Expires"), _("Status"), _("Uses"), _("Last used"))
        table.focus()
        self._load()

    # --- workers: each posts the list as the API has it afterwards ------------------------------------

    @work(thread=True, exit_on_error=False, exclusive=True, group="link-load")
    def _load(self) -> None:
        self.post_message(LinksLoaded(self.desk.client.access_tokens(self.summary.resident.id)))

    @work(thread=True, exit_on_error=False, group="link-write")
    def _issue(self, scope: str, visit_id: int | None) -> None:
        client = self.desk.client
        resident_id = self.summary.resident.id
        # No expiry sent: the site's policy applies ([access] record_days, 30 by default; a visit link ends
        # with the day), so every desk issues the same cards.
        issued = client.issue_access_token(resident_id, scope, visit_id=visit_id)
        self.post_message(LinkIssued(issued, client.access_tokens(resident_id)))

    @work(thread=True, exit_on_error=False, group="link-write")
    def _revoke(self, token_id: int) -> None:
        client = self.desk.client
        client.revoke_access_token(token_id)
        self.post_message(LinkRevoked(client.access_tokens(self.summary.resident.id)))

    # --- answers --------------------------------------------------------------------------------------

    def on_links_loaded(self, message: LinksLoaded) -> None:
        self._show_tokens(message.tokens)
        self._info(_("No links issued yet.") if not message.tokens else "")

    def on_link_issued(self, message: LinkIssued) -> None:
        self._busy = False
        self._show_tokens(message.tokens)
        self._info("")
        self.issued = message.issued
        self.query_one("#qr", QrCode).show(message.issued.qr)
        self.query_one("#link-url", Label).update(message.issued.url)
        self.query_one("#link-title", Label).update(self._title())
        self.query_one(ContentSwitcher).current = _QR
        self.refresh_bindings()

    def on_link_revoked(self, message: LinkRevoked) -> None:
        self._busy = False
        self._show_tokens(message.tokens)
        self._info(_("Link revoked."))

    def show_error(self, error: BaseException) -> None:
        self._busy = False
        self._to_list()
        self._info(describe(error), error=True)

    # --- keys -----------------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        confirming = self.confirming is not None
        if action in {"confirm_revoke", "cancel_revoke"}:
            return confirming
        if action in {"issue_record", "issue_visit", "revoke"} and confirming:
            return False
        if action == "issue_visit":
            return self.visit_id is not None
        if action == "revoke":
            return self.issued is None and bool(self.tokens)
        return True

    def action_issue_record(self) -> None:
        self._start_issue("record", None)

    def action_issue_visit(self) -> None:
        if self.visit_id is not None:
            self._start_issue("visit", self.visit_id)

    def _start_issue(self, scope: str, visit_id: int | None) -> None:
        if self._busy:
            return
        self._busy = True
        self._to_list()
        self._info(_("Issuing the link…"))
        self._issue(scope, visit_id)

    def action_revoke(self) -> None:
        table = self.query_one("#link-table", DataTable)
        if self._busy or not self.tokens:
            return
        token = self.tokens[min(table.cursor_row, len(self.tokens) - 1)]
        if token.status != "active":
            self._info(_("Only an active link can be revoked."), error=True)
            return
        self.confirming = token
        self._info(_("Revoke the link issued {created}?").format(created=when(token.created_at)))
        self.refresh_bindings()

    def action_confirm_revoke(self) -> None:
        token, self.confirming = self.confirming, None
        self.refresh_bindings()
        if token is None:
            return
        self._busy = True
        self._info(_("Revoking the link…"))
        self._revoke(token.id)

    def action_cancel_revoke(self) -> None:
        self.confirming = None
        self._info("")
        self.refresh_bindings()

    def action_back(self) -> None:
        if self.confirming is not None:
            self.action_cancel_revoke()
        elif self.issued is not None:
            self._to_list()
        else:
            self.dismiss()

    # --- display --------------------------------------------------------------------------------------

    def _title(self) -> str:
        name = self.summary.resident.name
        if self.issued is None:
            return _("Patient links of {name}").format(name=name)
        token = self.issued.token
        return _("{name}: scan with a phone ({scope}, valid until {expires})").format(
            name=name, scope=word(SCOPE, token.scope), expires=when(token.expires_at)
        )

    def _to_list(self) -> None:
        if self.issued is None:
            return
        self.issued = None
        self.query_one(ContentSwitcher).current = _LIST
        self.query_one("#link-title", Label).update(self._title())
        self.query_one("#link-table", DataTable).focus()
        self.refresh_bindings()

    def _show_tokens(self, tokens: list[AccessTokenView]) -> None:
        self.tokens = tokens
        table = self.query_one("#link-table", DataTable)
        table.clear()
        for t in tokens:
            table.add_row(
                word(SCOPE, t.scope),
                when(t.created_at),
                when(t.expires_at),
                word(STATUS, t.status),
                str(t.uses),
                when(t.last_used_at),
                key=str(t.id),
            )
        self.refresh_bindings()

    def _info(self, text: str, *, error: bool = False) -> None:
        info = self.query_one("#link-info", Label)
        info.update(text)
        info.set_class(error, "-error")
