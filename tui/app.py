"""The onestop terminal: declares modes, screens and app-wide bindings; the screens live in tui/screens/."""

from __future__ import annotations

import json
import resource
import time
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar
from urllib.parse import urlsplit

import msgspec
from textual import work
from textual.app import App
from textual.binding import BindingsMap
from textual.reactive import var
from textual.screen import Screen

from flows.model import SessionToken
from tui import i18n
from tui.client import ApiClient, Health, PrinterReport
from tui.keys import bindings
from tui.screens.login import LoginScreen
from tui.state import Connection, DeskStatus

if TYPE_CHECKING:
    from collections.abc import Callable

    from textual.timer import Timer

_DESK = "desk"
PRINTER_POLL_S = 15.0  # the header's printer state: paper near end shows before the next ticket fails
_LOGIN = "login"


def _desk_screen() -> Screen[None]:
    """The first screen after login, imported only then (start-up loads the login screen alone)."""
    from tui.screens.search import SearchScreen

    return SearchScreen()


class OnestopApp(App[None]):
    """One terminal at a desk: log in, then the desk mode (find a resident, open the summary)."""

    CSS_PATH = "app.tcss"
    TITLE = "onestop"
    ENABLE_COMMAND_PALETTE = False  # keyboard-first desk: every action has its own key in the footer
    DEFAULT_MODE = _LOGIN
    MODES: ClassVar[dict[str, str | Callable[[], Screen[None]]]] = {
        _LOGIN: LoginScreen,
        _DESK: _desk_screen,
    }
    KEYS: ClassVar[tuple[str, ...]] = ("app.quit",)
    # Screens gain `-wide` past 110 columns and lay out side by side; 80×24 is the floor they are built for.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]  # noqa: RUF012 (Textual declares the type)

    status: var[DeskStatus] = var(DeskStatus(site="", station=""))

    def __init__(
        self,
        *,
        server: str,
        lang: str = i18n.DEFAULT_LANGUAGE,
        station: str,
        username: str | None = None,
        password: str | None = None,
        exit_when_ready: Path | None = None,
    ) -> None:
        # The language must be active before any binding, label or screen is built.
        self.language_warning = i18n.activate(lang)
        super().__init__()
        own = bindings(*self.KEYS)
        keys = {b.key for b in own}
        inherited = [b for key, b in self._bindings if key not in keys]
        self._bindings = BindingsMap([*inherited, *own])
        self.server = server
        self.station = station
        self.username = username
        # Only `onestop demo` passes a password (in-process, never via argv or the environment): its
        # one-off demo password, so the demo opens ready to log in with Enter.
        self.password = password
        self.client = ApiClient(server)
        self.session: SessionToken | None = None
        self._exit_when_ready = exit_when_ready
        self._printer_timer: Timer | None = None
        self.set_reactive(OnestopApp.status, DeskStatus(site=_host(server), station=station))

    def on_ready(self) -> None:
        """Start-up probe: the first frame of the login screen is on the terminal."""
        self.log.system(f"onestop: login screen ready {time.time():.3f}")
        if self.language_warning:
            self.notify(self.language_warning, severity="warning", timeout=15)
        if self._exit_when_ready is not None:
            # bench/bench_tui_start.py reads this: when the screen was ready and the RSS at that moment.
            rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            probe = {"ready_at": time.time(), "maxrss_kb": rss_kb}
            self._exit_when_ready.write_text(json.dumps(probe), encoding="utf-8")
            self.exit()

    def on_unmount(self) -> None:
        self.client.close()

    # --- session and connection state (screens call these; they only change state and modes) -------

    def note_connection(self, connection: Connection) -> None:
        self.status = msgspec.structs.replace(self.status, connection=connection)

    def start_session(self, health: Health, session: SessionToken) -> None:
        self.session = session
        self.status = msgspec.structs.replace(
            self.status,
            site=health.site or self.status.site,
            user=session.staff.display_name,
            connection=Connection.ONLINE,
        )
        self.switch_mode(_DESK)
        self._watch_printer()

    # --- the ticket printer: asked every PRINTER_POLL_S while someone is logged in -----------------------

    def _watch_printer(self) -> None:
        if self._printer_timer is None:
            self._printer_timer = self.set_interval(PRINTER_POLL_S, self.poll_printer)
        self.poll_printer()

    @work(thread=True, exit_on_error=False, exclusive=True, group="printer")
    def poll_printer(self) -> None:
        try:
            report = self.client.printer()
        except Exception:  # the connection indicator already tells of an API outage; never interrupt the desk
            return
        self.call_from_thread(self.note_printer, report)

    def note_printer(self, report: PrinterReport) -> None:
        self.status = msgspec.structs.replace(
            self.status, printer=report.state, printer_offered=report.offered
        )

    def end_session(self, reason: str) -> None:
        """Back to the login screen (expired token); the desk mode starts afresh at the next login."""
        if self._printer_timer is not None:
            self._printer_timer.stop()
            self._printer_timer = None
        self.session = None
        self.client.token = None
        self.status = msgspec.structs.replace(self.status, user=None)
        self.switch_mode(_LOGIN)
        self.remove_mode(_DESK)
        self.add_mode(_DESK, _desk_screen)
        screen = self.screen
        if isinstance(screen, LoginScreen):
            screen.show_message(reason)


def _host(server: str) -> str:
    """Until the API names its site, the header shows which server this terminal talks to."""
    parts = urlsplit(server)
    return parts.netloc or server


def run(
    server: str, lang: str, station: str, username: str | None = None, password: str | None = None
) -> None:
    """Entry of `onestop tui`: runs until the user quits. Raises i18n.LanguageError for an unknown lang."""
    OnestopApp(server=server, lang=lang, station=station, username=username, password=password).run()
