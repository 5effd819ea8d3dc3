"""Log in: user name, password and the server they go to; the API's refusal is shown in place, in words.

A terminal started without `--station` then asks which station it is at (tui/screens/station.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Footer, Input, Label

from flows.model import SessionToken
from tui.client import ApiClientError, Health
from tui.errors import describe
from tui.i18n import _
from tui.screens.base import DeskScreen
from tui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from flows.devices import DeviceStatus


class LoggedIn(Message):
    """The API accepted the credentials; `devices` when the station is to be chosen (None: not asked)."""

    def __init__(self, health: Health, session: SessionToken, devices: list[DeviceStatus] | None) -> None:
        super().__init__()
        self.health = health
        self.session = session
        self.devices = devices


class LoginScreen(DeskScreen):
    CSS_PATH = "login.tcss"
    KEYS: ClassVar[tuple[str, ...]] = ("app.quit",)
    NEEDS_SESSION: ClassVar[bool] = False

    def compose(self) -> ComposeResult:
        yield StatusBar()
        with Vertical(id="login-box"):
            yield Label(_("Log in"), id="login-title")
            yield Label(_("Server: {url}").format(url=self.desk.server), id="login-server", markup=False)
            yield Label(_("User name"), classes="field")
            yield Input(value=self.desk.username or "", placeholder=_("user name"), id="username")
            yield Label(_("Password"), classes="field")
            yield Input(
                value=self.desk.password or "", password=True, placeholder=_("password"), id="password"
            )
            yield Label("", id="login-error", markup=False)
            yield Label(_("Press Enter to log in."), id="login-hint")
        yield Footer()

    def on_mount(self) -> None:
        self._busy = False
        # A terminal configured for one nurse starts with the cursor where she types next.
        self.query_one("#password" if self.desk.username else "#username", Input).focus()

    @on(Input.Submitted, "#username")
    def _username_entered(self) -> None:
        if self.query_one("#username", Input).value.strip():
            self.query_one("#password", Input).focus()
        else:
            self.show_message(_("Enter your user name."))

    @on(Input.Submitted, "#password")
    def submit(self) -> None:
        if self._busy:
            return
        username = self.query_one("#username", Input).value.strip()
        password = self.query_one("#password", Input).value
        if not username:
            self.show_message(_("Enter your user name."))
            self.query_one("#username", Input).focus()
            return
        if not password:
            self.show_message(_("Enter your password."))
            return
        self._busy = True
        self.show_message("")
        self.query_one("#login-hint", Label).update(_("Logging in…"))
        self._login(username, password)

    @work(thread=True, exit_on_error=False, exclusive=True, group="login")
    def _login(self, username: str, password: str) -> None:
        client = self.desk.client
        health = client.health()
        session = client.login(username, password)
        devices = None
        if self.desk.choose_station:
            try:
                devices = client.devices()
            except ApiClientError:  # no list of stations: this terminal's default station, as if given
                devices = None
        self.post_message(LoggedIn(health, session, devices))

    def on_logged_in(self, message: LoggedIn) -> None:
        from tui.screens.station import StationScreen, station_choices

        self._idle()
        self.query_one("#password", Input).value = ""
        desk = self.desk
        choices = station_choices(message.devices, desk.station) if message.devices is not None else []
        if len(choices) < 2:
            desk.start_session(message.health, message.session, devices=message.devices)
            return
        desk.note_login(message.health, message.session)

        def chosen(station: str | None) -> None:
            if station is None:
                desk.end_session(_("Log in again to choose the station."))
            else:
                desk.start_session(message.health, message.session, station=station, devices=message.devices)

        self.app.push_screen(StationScreen(choices, current=desk.station), chosen)

    def show_error(self, error: BaseException) -> None:
        self._idle()
        if isinstance(error, ApiClientError) and error.code == "unauthorized":
            self.show_message(_("Wrong user name or password."))
        else:
            self.show_message(describe(error))
        self.query_one("#password", Input).focus()

    def show_message(self, text: str) -> None:
        """Errors and notices appear under the fields, where the nurse is looking."""
        label = self.query_one("#login-error", Label)
        label.update(text)
        label.display = bool(text)

    def _idle(self) -> None:
        self._busy = False
        self.query_one("#login-hint", Label).update(_("Press Enter to log in."))
