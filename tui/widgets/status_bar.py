"""The header line on every screen: site │ user │ station │ API connection state │ ticket printer."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label

from tui.i18n import N_, _
from tui.state import Connection, DeskStatus

_CONNECTION = {
    Connection.UNKNOWN: "○",
    Connection.ONLINE: "●",
    Connection.OFFLINE: "✕",
}


# The printer states the API reports (hardware.printer.errors.PrinterState), in the desk's words.
_PRINTER = {
    "ready": N_("printer ready"),
    "paper_near_end": N_("paper near end"),
    "paper_out": N_("printer out of paper"),
    "cover_open": N_("printer cover open"),
    "offline": N_("printer offline"),
    "error": N_("printer error"),
    "no_answer": N_("printer does not answer"),
    "refused": N_("printer unreachable"),
    "disconnected": N_("printer connection lost"),
    "unknown": N_("preview printer"),
}
_PRINTER_OK = frozenset({"ready", "unknown"})


class StatusBar(Horizontal):
    """Follows the app's `status` reactive, so every screen shows the same, current state."""

    def compose(self) -> ComposeResult:
        # markup=False: site and user names come from the API and may contain brackets.
        yield Label(id="status-site", markup=False)
        yield Label(id="status-user", markup=False)
        yield Label(id="status-station", markup=False)
        yield Label(id="status-connection", markup=False)
        yield Label(id="status-printer", markup=False)

    def on_mount(self) -> None:
        self.watch(self.app, "status", self._show)

    def _show(self, status: DeskStatus) -> None:
        self.query_one("#status-site", Label).update(status.site)
        self.query_one("#status-user", Label).update(status.user or _("not logged in"))
        self.query_one("#status-station", Label).update(_("Station {station}").format(station=status.station))
        words = {
            Connection.UNKNOWN: _("API not checked"),
            Connection.ONLINE: _("API connected"),
            Connection.OFFLINE: _("API unreachable"),
        }
        conn = self.query_one("#status-connection", Label)
        conn.update(f"{_CONNECTION[status.connection]} {words[status.connection]}")
        for state in Connection:
            conn.set_class(state is status.connection, f"-{state.value}")
        printer = self.query_one("#status-printer", Label)
        said = _(_PRINTER.get(status.printer, status.printer)) if status.printer else ""
        if status.printer_offered:
            said += " " + _("{count} to reprint").format(count=status.printer_offered)
        printer.update(said)
        printer.set_class(status.printer is not None and status.printer not in _PRINTER_OK, "-warning")
