"""The station's measuring devices: whether each is connected, and their readings arriving live."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

import msgspec
from textual import work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import DataTable, Footer, Label

from flows.devices import (
    AnyReadingEvent,
    DeviceChanged,
    DeviceReading,
    DeviceStatus,
    NewReading,
    ReadingClaimed,
    ReadingEvent,
)
from tui import labels
from tui.i18n import N_, _
from tui.screens.base import DeskScreen
from tui.widgets.status_bar import StatusBar

KIND = {
    "blood_pressure": N_("BP monitor"),
    "height_weight": N_("height/weight scale"),
    "body_composition": N_("body composition"),
    "glucose": N_("glucose meter"),
    "hba1c": N_("HbA1c analyser"),
    "spo2": N_("pulse oximeter"),
    "peak_flow": N_("peak flow meter"),
}


class DevicesLoaded(Message):
    def __init__(self, devices: list[DeviceStatus], readings: list[DeviceReading]) -> None:
        super().__init__()
        self.devices = devices
        self.readings = readings


class ReadingStreamed(Message):
    """One event of the station's stream (a reading, a claim, a device's state)."""

    def __init__(self, event: ReadingEvent) -> None:
        super().__init__()
        self.event = event


def reading_text(r: DeviceReading) -> str:
    """`128/82 mmHg  pulse 72`: BP as the desk writes it, other values by name."""
    if r.error:
        return _("failed: {error}").format(error=r.error)
    values = dict(r.values)
    parts = []
    if "sbp" in values and "dbp" in values:
        parts.append(f"{labels.fmt_value(values.pop('sbp'))}/{labels.fmt_value(values.pop('dbp'))} mmHg")
    parts += [f"{labels.word(labels.OBSERVATION, k)} {labels.fmt_value(v)}" for k, v in values.items()]
    return "  ".join(parts)


def reading_state(r: DeviceReading) -> str:
    if r.error:
        return _("failed measurement")
    if not r.stable:
        return _("settling")
    if r.visit_id is not None:
        return _("in visit {visit}").format(visit=r.visit_id)
    return _("waiting to be claimed")


class DevicesScreen(DeskScreen):
    CSS_PATH = "devices.tcss"
    KEYS: ClassVar[tuple[str, ...]] = ("devices.back", "app.quit")

    def __init__(self) -> None:
        super().__init__()
        self._devices: dict[str, DeviceStatus] = {}
        self._readings: dict[int, DeviceReading] = {}

    def compose(self) -> ComposeResult:
        yield StatusBar()
        yield Label(_("Devices at station {station}").format(station=self.desk.station), id="devices-title")
        yield DataTable(id="device-table", cursor_type="row", zebra_stripes=True)
        yield Label(_("Readings of the last 30 minutes, newest first"), classes="devices-caption")
        yield DataTable(id="reading-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        devices = self.query_one("#device-table", DataTable)
        devices.add_columns(_("Device"), _("Kind"), _("State"), _("Last seen"), _("Readings"), _("Rejected"))
        readings = self.query_one("#reading-table", DataTable)
        readings.add_columns(_("Time"), _("Device"), _("Values"), _("State"))
        readings.focus()
        self._load()
        self._follow()

    @work(thread=True, exit_on_error=False, exclusive=True, group="devices-load")
    def _load(self) -> None:
        station = self.desk.station
        devices = [d for d in self.desk.client.devices() if d.station == station]
        self.post_message(DevicesLoaded(devices, self.desk.client.station_readings(station)))

    @work(thread=True, exit_on_error=False, exclusive=True, group="devices-stream")
    def _follow(self) -> None:
        from textual.worker import get_current_worker

        worker = get_current_worker()
        for event, data in self.desk.client.reading_events(
            self.desk.station, stop=lambda: worker.is_cancelled
        ):
            if event == "resync":
                self._load()
            elif event in {"reading", "claimed", "device"}:
                self.post_message(ReadingStreamed(msgspec.json.decode(data, type=AnyReadingEvent)))

    def on_devices_loaded(self, message: DevicesLoaded) -> None:
        self._devices = {d.device_id: d for d in message.devices}
        self._readings = {r.id: r for r in message.readings}
        self._show_devices()
        self._show_readings()

    def on_reading_streamed(self, message: ReadingStreamed) -> None:
        match message.event:
            case NewReading(reading=r):
                self._readings[r.id] = r
                self._show_readings()
            case ReadingClaimed(reading_id=rid, visit_id=vid) if rid in self._readings:
                self._readings[rid] = msgspec.structs.replace(self._readings[rid], visit_id=vid)
                self._show_readings()
            case DeviceChanged(device=d):
                self._devices[d.device_id] = d
                self._show_devices()

    def _show_devices(self) -> None:
        table = self.query_one("#device-table", DataTable)
        table.clear()
        for d in self._devices.values():
            state = _("connected") if d.connected else _("not connected")
            if not d.connected and d.last_error:
                state += f" ({d.last_error})"
            seen = d.last_seen.astimezone().strftime("%H:%M:%S") if d.last_seen else "—"
            kind = _(KIND[d.kind]) if d.kind in KIND else d.kind
            table.add_row(d.device_id, kind, state, seen, str(d.readings), str(d.rejected), key=d.device_id)

    def _show_readings(self) -> None:
        table = self.query_one("#reading-table", DataTable)
        table.clear()
        newest = sorted(self._readings.values(), key=lambda r: r.measured_at, reverse=True)
        horizon = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=30)
        for r in newest:
            if r.measured_at < horizon:
                continue
            at = r.measured_at.astimezone().strftime("%H:%M:%S")
            table.add_row(at, r.device_id, reading_text(r), reading_state(r), key=str(r.id))

    def action_back(self) -> None:
        self.workers.cancel_group(self, "devices-stream")
        self.dismiss()
