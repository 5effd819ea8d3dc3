"""The onestop terminal: declares modes, screens and app-wide bindings; the screens live in tui/screens/."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import resource
import time
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar
from urllib.parse import urlsplit

import msgspec
from textual import work
from textual.app import App, SystemCommand
from textual.binding import BindingsMap
from textual.reactive import var
from textual.screen import Screen

from flows.model import SessionToken
from tui import i18n
from tui.client import ApiClient, ApiUnreachable, Health, PrinterReport
from tui.i18n import _
from tui.keys import bindings
from tui.screens.login import LoginScreen
from tui.state import Connection, DeskStatus, DeviceLight

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from textual.timer import Timer

    from flows.devices import DeviceStatus

_DESK = "desk"
# The header's printer and device states: paper near end shows before the next ticket fails, and an
# unplugged device before the nurse waits for its reading.
PRINTER_POLL_S = 15.0
_LOGIN = "login"


def _desk_screen() -> Screen[None]:
    """The first screen after login, imported only then (start-up loads the login screen alone)."""
    from tui.screens.search import SearchScreen

    return SearchScreen()


def _doctor_screen() -> Screen[None]:
    """A doctor's first screen: their queue (call the next patient), imported only when a doctor logs in."""
    from tui.screens.doctor_queue import DoctorQueueScreen

    return DoctorQueueScreen()


class OnestopApp(App[None]):
    """One terminal at a desk: log in, then the desk mode (find a resident, open the summary)."""

    CSS_PATH = "app.tcss"
    TITLE = "onestop"
    # ctrl+p: the palette finds every action of the screen in front by name (tui/commands.py); the footer
    # keeps the keys a step needs.
    ENABLE_COMMAND_PALETTE = True
    DEFAULT_MODE = _LOGIN
    MODES: ClassVar[dict[str, str | Callable[[], Screen[None]]]] = {
        _LOGIN: LoginScreen,
        _DESK: _desk_screen,
    }
    KEYS: ClassVar[tuple[str, ...]] = ("app.quit", "app.palette")
    # Screens gain `-wide` past 110 columns and lay out side by side; 80×24 is the floor they are built for.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]  # noqa: RUF012 (Textual declares the type)

    status: var[DeskStatus] = var(DeskStatus(site="", station=""))

    def __init__(
        self,
        *,
        server: str,
        lang: str = i18n.DEFAULT_LANGUAGE,
        station: str,
        choose_station: bool = False,
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
        # `station` was not given on the command line: after login the nurse picks one of the stations the
        # API knows (tui/screens/station.py; skipped when there is only one), once per run of the terminal.
        self.choose_station = choose_station
        self.username = username
        # Only `onestop demo` passes a password (in-process, never via argv or the environment): its
        # one-off demo password, so the demo opens ready to log in with Enter.
        self.password = password
        self.client = ApiClient(server)
        self.site_timezone: str | None = None  # from the API's health answer at login
        self.session: SessionToken | None = None
        self._exit_when_ready = exit_when_ready
        self._printer_timer: Timer | None = None
        self.set_reactive(OnestopApp.status, DeskStatus(site=_host(server), station=station))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        from tui.commands import desk_commands  # when the palette opens, not at start-up

        yield from desk_commands(self, screen)

    def log_out(self) -> None:
        """From the palette: revoke this terminal's token at the API, then back to the login screen."""
        self._revoke_session()

    @work(thread=True, exit_on_error=False, exclusive=True, group="logout")
    def _revoke_session(self) -> None:
        # An API outage: the token expires by itself; the terminal logs out anyway.
        with contextlib.suppress(Exception):
            self.client.logout()
        self.call_from_thread(self.end_session, _("Logged out."))

    @property
    def doctor(self) -> bool:
        """A doctor is logged in: the desk is the doctor's (queue, consultation), not the front desk."""
        return self.session is not None and self.session.staff.role.value == "doctor"

    def today(self) -> dt.date:
        """The site's date: visits, queues and ages follow the site's midnight, whatever this PC's clock zone."""
        if self.site_timezone:
            import zoneinfo

            try:
                return dt.datetime.now(zoneinfo.ZoneInfo(self.site_timezone)).date()
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                pass  # a zone this PC does not know: its own date is the best guess left
        return dt.date.today()

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
        # No answer: the printer and device states shown are no longer known. An answer again: ask at once
        # rather than show them as unknown until the next poll.
        stale = self.status.stale or connection is Connection.OFFLINE
        self.status = msgspec.structs.replace(self.status, connection=connection, stale=stale)
        if connection is Connection.ONLINE and stale and self.session is not None:
            self.poll_status()

    def note_login(self, health: Health, session: SessionToken) -> None:
        """The header names who logged in (also while the station is still being chosen)."""
        self.session = session
        self.site_timezone = health.timezone
        self.status = msgspec.structs.replace(
            self.status,
            site=health.site or self.status.site,
            station=self.station,
            user=session.staff.display_name,
            role=session.staff.role.value,
            connection=Connection.ONLINE,
        )

    def start_session(
        self,
        health: Health,
        session: SessionToken,
        *,
        station: str | None = None,
        devices: list[DeviceStatus] | None = None,
    ) -> None:
        """Logged in (and the station chosen, if it was asked): the desk mode starts.

        `station` is the nurse's choice, kept for the rest of this run; `devices` the API's list the login
        already fetched, shown in the header at once."""
        if station is not None:
            self.station = station
            self.choose_station = False  # remembered: a new login (expired session) does not ask again
        self.note_login(health, session)
        if devices is not None:
            self.note_devices(devices)
        if self.doctor:
            # The desk mode is the doctor's queue instead of intake (end_session puts intake back).
            self.remove_mode(_DESK)
            self.add_mode(_DESK, _doctor_screen)
        self.switch_mode(_DESK)
        self._start_polling()

    # --- printer and devices: asked every PRINTER_POLL_S while someone is logged in -------------------

    def _start_polling(self) -> None:
        if self._printer_timer is None:
            self._printer_timer = self.set_interval(PRINTER_POLL_S, self.poll_status)
        self.poll_status()

    def poll_status(self) -> None:
        self.poll_printer()
        self.poll_devices()

    @work(thread=True, exit_on_error=False, exclusive=True, group="printer")
    def poll_printer(self) -> None:
        try:
            report = self.client.printer()
        except ApiUnreachable:
            self.call_from_thread(self.note_unreachable)
            return
        except Exception:  # a refusal is not the header's business; never interrupt the desk
            return
        self.call_from_thread(self.note_printer, report)

    @work(thread=True, exit_on_error=False, exclusive=True, group="device-states")
    def poll_devices(self) -> None:
        try:
            devices = self.client.devices()
        except ApiUnreachable:
            self.call_from_thread(self.note_unreachable)
            return
        except Exception:
            return
        self.call_from_thread(self.note_devices, devices)

    def note_printer(self, report: PrinterReport) -> None:
        self.status = msgspec.structs.replace(
            self.status,
            printer=report.state,
            printer_offered=report.offered,
            connection=Connection.ONLINE,
            stale=False,
        )

    def note_devices(self, devices: list[DeviceStatus]) -> None:
        """The API's device list: the header keeps this station's devices."""
        mine = tuple(
            DeviceLight(device_id=d.device_id, kind=d.kind, connected=d.connected)
            for d in devices
            if d.station == self.station
        )
        self.status = msgspec.structs.replace(
            self.status, devices=mine, connection=Connection.ONLINE, stale=False
        )

    def note_unreachable(self) -> None:
        """A poll got no answer: the header says so, and that its printer and device states may be old."""
        self.status = msgspec.structs.replace(self.status, connection=Connection.OFFLINE, stale=True)

    def end_session(self, reason: str) -> None:
        """Back to the login screen (expired token); the desk mode starts afresh at the next login."""
        if self._printer_timer is not None:
            self._printer_timer.stop()
            self._printer_timer = None
        self.session = None
        self.client.token = None
        # Nobody asks the API while logged out: no printer or device states that nobody keeps up to date.
        self.status = msgspec.structs.replace(self.status, user=None, role=None, printer=None, devices=None)
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
    server: str,
    lang: str,
    station: str,
    username: str | None = None,
    password: str | None = None,
    *,
    choose_station: bool = False,
) -> None:
    """Entry of `onestop tui`: runs until the user quits. Raises i18n.LanguageError for an unknown lang.

    `choose_station`: `station` is only the default; the nurse picks the station after login."""
    OnestopApp(
        server=server,
        lang=lang,
        station=station,
        choose_station=choose_station,
        username=username,
        password=password,
    ).run()
