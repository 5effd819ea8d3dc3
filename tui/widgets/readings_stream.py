"""The station's reading stream as Textual messages, and the station line above the form.

A device still settling (an oximeter streaming, a scale swaying) can send previews faster than the screen
redraws; as in toolong, a preview is replaced by the next event of the same device still in the queue
(`can_replace`), so the form shows the newest value and never falls behind.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.message import Message
from textual.widgets import Label

from flows.devices import DeviceReading, DeviceStatus, NewReading, ReadingEvent
from tui.i18n import _


class ReadingStreamed(Message):
    """One event of the station's stream (a reading, a claim, a device's state)."""

    def __init__(self, event: ReadingEvent) -> None:
        super().__init__()
        self.event = event

    def can_replace(self, message: Message) -> bool:
        """A pending reading of the same device supersedes this one when this one is only a preview."""
        if not isinstance(message, ReadingStreamed):
            return False
        mine, theirs = self.event, message.event
        return (
            isinstance(mine, NewReading)
            and isinstance(theirs, NewReading)
            and not mine.reading.stable
            and mine.reading.device_id == theirs.reading.device_id
        )


class StreamResync(Message):
    """The stream fell behind and dropped events: read the visit and the station again."""


def station_line(station: str, devices: Iterable[DeviceStatus], waiting: int, failed: str | None) -> str:
    """`工位 screening-1：bp-1 ● 已连接 · scale-1 ✕ 未连接 · 2 条读数未进入本次就诊（F7）`."""
    parts = [
        f"{d.device_id} " + ("● " + _("connected") if d.connected else "✕ " + _("not connected"))
        for d in devices
    ]
    if not parts:
        parts.append(_("no devices configured"))
    if waiting:
        parts.append(_("{n} readings waiting (F7 takes them)").format(n=waiting))
    if failed:
        parts.append(failed)
    return _("Station {station}: {devices}").format(station=station, devices=" · ".join(parts))


class StationLine(Label):
    """The station's devices and readings in one line: connected or not, the last failed measurement, and the
    settled readings no visit took (measured before the visit came to the station: F7 takes them)."""

    def __init__(self, station: str) -> None:
        super().__init__(station_line(station, (), 0, None), id="station-line", markup=False)
        self.station = station
        self.devices: dict[str, DeviceStatus] = {}
        self.waiting: dict[int, DeviceReading] = {}
        self.failed: str | None = None
        self._claimed: set[int] = set()  # claims seen on the stream: they may overtake the station's list

    def loaded(self, devices: list[DeviceStatus], waiting: list[DeviceReading]) -> None:
        self.devices = {d.device_id: d for d in devices}
        self.waiting = {
            r.id: r for r in waiting if r.error is None and r.stable and r.id not in self._claimed
        }
        self._show()

    def reading(self, r: DeviceReading) -> None:
        if r.error is not None:
            self.failed = _("{device} failed ({error}): measure again").format(
                device=r.device_id, error=r.error
            )
        else:
            self.failed = None
            if r.stable and r.visit_id is None:
                self.waiting[r.id] = r
        self._show()

    def claimed(self, reading_id: int) -> None:
        self._claimed.add(reading_id)
        self.waiting.pop(reading_id, None)
        self._show()

    def device(self, device: DeviceStatus) -> None:
        self.devices[device.device_id] = device
        self._show()

    def newest_waiting(self) -> list[int]:
        """One reading per device, its newest: the resident who is in front of it now."""
        newest: dict[str, DeviceReading] = {}
        for r in sorted(self.waiting.values(), key=lambda r: r.measured_at):
            newest[r.device_id] = r
        return [r.id for r in newest.values()]

    def _show(self) -> None:
        self.update(station_line(self.station, self.devices.values(), len(self.waiting), self.failed))
        self.screen.refresh_bindings()  # F7 is offered while readings wait
