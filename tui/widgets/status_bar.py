"""The header line on every screen: site │ user │ station │ API connection │ ticket printer │ devices.

One line at every width: when it is short of room the less urgent parts shorten first (see `header_parts`),
so a fault stays in view, in words, at 80 columns.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.events import Resize
from textual.widgets import Label

from tui import labels
from tui.i18n import N_, _
from tui.state import Connection, DeskStatus, DeviceLight

if TYPE_CHECKING:
    from tui.app import OnestopApp

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

ROLE = {"nurse": N_("nurse"), "doctor": N_("doctor"), "admin": N_("administrator")}

# Device kinds (onestop.config DeviceConfig.kind), short: the header names each device in a few cells.
KIND_SHORT = {
    "blood_pressure": N_("BP monitor"),
    "height_weight": N_("scale"),
    "body_composition": N_("body analyser"),
    "glucose": N_("glucose meter"),
    "hba1c": N_("HbA1c meter"),
    "spo2": N_("pulse oximeter"),
    "peak_flow": N_("peak flow meter"),
}
SITE_SHORT = 8  # cells of the site's name kept when the line is short of room
_LEVELS = 7  # 0 says everything; each next level shortens one more part (see `header_parts`)
_PAD = 2  # each label's padding, left and right


def _kind(light: DeviceLight) -> str:
    msgid = KIND_SHORT.get(light.kind)
    return _(msgid) if msgid else light.device_id


def device_word(light: DeviceLight, *, stale: bool) -> str:
    """`血压计●已连接`: the kind, a mark that is not only a colour, and the state in words."""
    if stale:
        mark, word = "?", _("state unknown")
    elif light.connected:
        mark, word = "●", _("connected")
    else:
        mark, word = "✕", _("not connected")
    return f"{_kind(light)}{mark}{word}"


def devices_text(status: DeskStatus, level: int) -> str:
    devices = status.devices
    if devices is None:
        return ""
    if not devices:
        return _("no devices") if level < 3 else ""
    if level == 0:
        return " ".join(device_word(d, stale=status.stale) for d in devices)
    if status.stale:
        return _("devices: state unknown")
    count = _("devices {ok}/{total} connected").format(
        ok=sum(d.connected for d in devices), total=len(devices)
    )
    faulty = [device_word(d, stale=False) for d in devices if not d.connected]
    if level >= 6 or not faulty:
        return count
    if level == 5:  # the faulty ones keep their words; the count goes without its own
        count = _("devices {ok}/{total}").format(ok=len(devices) - len(faulty), total=len(devices))
    return " ".join([count, *faulty])


def printer_text(status: DeskStatus) -> str:
    if status.printer is None:
        return ""
    if status.stale:
        return _("printer state unknown")
    said = _(_PRINTER.get(status.printer, status.printer))
    if status.printer_offered:
        said += " " + _("{count} to reprint").format(count=status.printer_offered)
    return said


def header_parts(status: DeskStatus, level: int) -> dict[str, str]:
    """The header's texts by label id at a level of shortening: 0 all of it; 1 the devices as a count and
    the faulty ones; 2 without the role; 3 the site shortened, "no devices" left out; 4 without the site;
    5 the count without words (the faulty devices keep theirs); 6 the count alone, in words."""
    words = {
        Connection.UNKNOWN: _("API not checked"),
        Connection.ONLINE: _("API connected"),
        Connection.OFFLINE: _("API unreachable"),
    }
    user = status.user or _("not logged in")
    if status.user and status.role and level < 2:
        user = _("{name} ({role})").format(name=status.user, role=_(ROLE.get(status.role, status.role)))
    site = status.site if level < 3 else (labels.clip(status.site, SITE_SHORT) if level < 4 else "")
    return {
        "status-site": site,
        "status-user": user,
        "status-station": _("Station {station}").format(station=status.station),
        "status-connection": f"{_CONNECTION[status.connection]} {words[status.connection]}",
        "status-printer": printer_text(status),
        "status-devices": devices_text(status, level),
    }


def fit_header(status: DeskStatus, width: int) -> dict[str, str]:
    """The least shortened header that fits `width` cells (the last level when none does)."""
    parts: dict[str, str] = {}
    for level in range(_LEVELS):
        parts = header_parts(status, level)
        if sum(cell_len(t) + _PAD for t in parts.values() if t) <= width:
            break
    return parts


class StatusBar(Horizontal):
    """Follows the app's `status` reactive, so every screen shows the same, current state."""

    # The rest of the header's style is in tui/app.tcss.
    DEFAULT_CSS = """
    #status-devices { color: $text-success; }
    #status-devices.-warning { color: $text-warning; text-style: bold; }
    StatusBar .-stale { color: $text-muted; text-style: italic; }
    """

    def compose(self) -> ComposeResult:
        # markup=False: site and user names come from the API and may contain brackets.
        for label_id in ("site", "user", "station", "connection", "printer", "devices"):
            yield Label(id=f"status-{label_id}", markup=False)

    def on_mount(self) -> None:
        self.watch(self.app, "status", self._show)

    def on_resize(self, event: Resize) -> None:
        self._show(cast("OnestopApp", self.app).status)

    def _show(self, status: DeskStatus) -> None:
        width = self.size.width or self.app.size.width
        for label_id, text in fit_header(status, width).items():
            label = self.query_one(f"#{label_id}", Label)
            label.update(text)
            label.display = bool(text)
        conn = self.query_one("#status-connection", Label)
        for state in Connection:
            conn.set_class(state is status.connection, f"-{state.value}")
        printer = self.query_one("#status-printer", Label)
        printer.set_class(status.printer is not None and status.printer not in _PRINTER_OK, "-warning")
        printer.set_class(status.stale, "-stale")
        devices = self.query_one("#status-devices", Label)
        faulty = any(not d.connected for d in status.devices or ())
        devices.set_class(faulty and not status.stale, "-warning")
        devices.set_class(status.stale, "-stale")
