"""The base of every desk screen: translated bindings, typed access to the app, worker errors in one place."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual.binding import BindingsMap
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from tui.client import ApiClientError, ApiUnreachable
from tui.errors import describe
from tui.keys import bindings
from tui.state import Connection

if TYPE_CHECKING:
    from tui.app import OnestopApp


class DeskScreen(Screen[None]):
    """Subclasses list their key ids in KEYS; workers that fail land in `show_error`."""

    KEYS: ClassVar[tuple[str, ...]] = ()
    NEEDS_SESSION: ClassVar[bool] = True  # an expired token on such a screen sends the user to log in

    def __init__(self, *, name: str | None = None, id: str | None = None) -> None:
        super().__init__(name=name, id=id)
        # Class-level BINDINGS would freeze their descriptions in whatever language was active at import;
        # building them per instance lets `lang` be chosen at run time (and differ between test apps).
        inherited = [binding for _key, binding in self._bindings]
        self._bindings = BindingsMap([*inherited, *bindings(*self.KEYS)])

    @property
    def desk(self) -> OnestopApp:
        return cast("OnestopApp", self.app)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Every HTTP call runs in a worker of this screen; this is where all their failures arrive."""
        worker: Worker[object] = event.worker
        if event.state is WorkerState.SUCCESS:
            self.desk.note_connection(Connection.ONLINE)
            return
        if event.state is not WorkerState.ERROR or worker.is_cancelled:
            return
        error = worker.error
        if isinstance(error, ApiUnreachable):
            self.desk.note_connection(Connection.OFFLINE)
        elif isinstance(error, ApiClientError):
            self.desk.note_connection(Connection.ONLINE)  # it answered, even if it said no
            if error.code == "unauthorized" and self.NEEDS_SESSION:
                self.desk.end_session(describe(error))
                return
        if error is not None:
            self.show_error(error)

    def show_error(self, error: BaseException) -> None:
        """Screens with a place for errors override this; the fallback is a notification."""
        self.notify(describe(error), severity="error", timeout=10)
