"""What the app keeps in its state (settings, clock, database) and the dependencies that hand it out
(with each request's Auditor)."""

from __future__ import annotations

import datetime as dt
import time
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from litestar import Request
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide

from api.audit import Auditor
from api.board.announcer import CallAnnouncer
from api.devices.manager import DeviceManager
from api.printing.worker import PrintWorker
from api.throttle import GuessThrottle, LoginThrottle
from db.engine import Database
from db.queues import site_queues
from flows.model import Staff
from flows.queue import QueueDef, QueueSpec, ServiceKind
from flows.rules.settings import RulesSettings, load_rules
from onestop.config import Settings, SiteConfig

Clock = Callable[[], dt.datetime]
QUEUES_TTL_S = 5.0


def site_clock(timezone: str) -> Clock:
    """The real clock in the site's time zone (so "today" is the local date of the front desk)."""
    zone = zoneinfo.ZoneInfo(timezone)
    return lambda: dt.datetime.now(zone)


@dataclass
class ApiContext:
    settings: Settings
    clock: Clock
    database: Database | None = field(default=None)  # set by the lifespan, None outside it
    login_throttle: LoginThrottle = field(default_factory=LoginThrottle)
    page_throttle: GuessThrottle = field(default_factory=GuessThrottle)  # patient links tried per address
    rules: RulesSettings = field(init=False)
    zone: zoneinfo.ZoneInfo = field(init=False)
    queue_specs: list[QueueSpec] = field(init=False)
    calls: CallAnnouncer = field(init=False)  # numbers being called → the board (SSE) and the speaker
    printer: PrintWorker = field(init=False)
    devices: DeviceManager = field(init=False)  # one reader per configured device; readings → visits
    _queues: tuple[float, list[QueueDef]] | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        # Checked when the app is built, so a bad [rules] key stops start-up with its name (RuleError).
        self.rules = load_rules(self.settings.rules)
        self.zone = zoneinfo.ZoneInfo(self.settings.site.timezone)
        self.queue_specs = [
            QueueSpec(
                id=q.id, prefix=q.prefix, name=q.name, kind=ServiceKind(q.kind), room=q.room, team_name=q.team
            )
            for q in self.settings.queues
        ]
        self.calls = CallAnnouncer.from_config(self.settings.board)
        self.printer = PrintWorker(settings=self.settings, clock=self.clock, queues=self.queues)
        self.devices = DeviceManager(settings=self.settings, clock=self.clock)

    async def queues(self) -> list[QueueDef]:
        """The site's queues: the configured ones and one per family doctor team. Read again after
        QUEUES_TTL_S, so a team added by an administrator gets its queue without a restart, while the
        desk's rush of tickets does not re-read the teams for every one."""
        now = time.monotonic()
        if self._queues is None or now - self._queues[0] > QUEUES_TTL_S:
            self._queues = (now, await site_queues(self.queue_specs))
        return self._queues[1]

    @property
    def db(self) -> Database:
        if self.database is None:
            raise RuntimeError("the database is not connected (outside the app's lifespan)")
        return self.database


def context_of(state: State) -> ApiContext:
    ctx = state.get("onestop")
    if not isinstance(ctx, ApiContext):
        raise RuntimeError("app state has no ApiContext: build the app with api.app.create_app")
    return ctx


def provide_db(state: State) -> Database:
    return context_of(state).db


def provide_now(state: State) -> dt.datetime:
    return context_of(state).clock()


def provide_zone(state: State) -> zoneinfo.ZoneInfo:
    return context_of(state).zone


def provide_today(now: NamedDependency[dt.datetime], zone: NamedDependency[zoneinfo.ZoneInfo]) -> dt.date:
    """The site's local date of this request's `now` (the front desk's "today")."""
    return now.astimezone(zone).date()


def provide_login_throttle(state: State) -> LoginThrottle:
    return context_of(state).login_throttle


def provide_devices(state: State) -> DeviceManager:
    return context_of(state).devices


def provide_settings(state: State) -> Settings:
    return context_of(state).settings


def provide_rules(state: State) -> RulesSettings:
    return context_of(state).rules


def provide_site(state: State) -> SiteConfig:
    return context_of(state).settings.site


def provide_staff(request: Request[Any, Any, Any]) -> Staff:
    staff = request.state.get("staff")
    if not isinstance(staff, Staff):
        # Only reachable if a handler asks for `staff` without an auth guard: a wiring bug, not a 401.
        raise RuntimeError("no authenticated staff on this request: the handler lacks an auth guard")
    return staff


def client_address(request: Request[Any, Any, Any]) -> str | None:
    return request.client.host if request.client else None


def provide_auditor(
    request: Request[Any, Any, Any], db: NamedDependency[Database], now: NamedDependency[dt.datetime]
) -> Auditor:
    # The same `now` the handler gets (Litestar resolves each dependency once per request), so a record's
    # timestamps and its audit row agree. No staff before login: the actor is then None.
    staff = request.state.get("staff")
    return Auditor(
        db=db, actor=staff if isinstance(staff, Staff) else None, address=client_address(request), now=now
    )


DEPENDENCIES: dict[str, Provide] = {
    "auditor": Provide(provide_auditor, sync_to_thread=False),
    "db": Provide(provide_db, sync_to_thread=False),
    "devices": Provide(provide_devices, sync_to_thread=False),
    "now": Provide(provide_now, sync_to_thread=False),
    "settings": Provide(provide_settings, sync_to_thread=False),
    "login_throttle": Provide(provide_login_throttle, sync_to_thread=False),
    "rules": Provide(provide_rules, sync_to_thread=False),
    "today": Provide(provide_today, sync_to_thread=False),
    "zone": Provide(provide_zone, sync_to_thread=False),
    "site": Provide(provide_site, sync_to_thread=False),
    "staff": Provide(provide_staff, sync_to_thread=False),
}
