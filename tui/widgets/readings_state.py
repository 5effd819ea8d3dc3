"""What each field of the screening form shows, from what the visit holds and what the station streams (pure).

Two layers per code: the value saved in the visit (an observation: device, manual, self-check, home) and a
live overlay from the station's stream (a device still measuring, or a settled reading on its way into the
visit). A claim for this visit turns the overlay into the saved value; a claim by another visit drops it.
"""

from __future__ import annotations

from collections.abc import Iterable

import msgspec

from flows import measurements
from flows.devices import DeviceReading
from flows.model import Observation, ObservationSource
from tui.widgets.readings_fields import Source

_FROM_OBSERVATION = {
    ObservationSource.DEVICE: Source.DEVICE,
    ObservationSource.MANUAL: Source.MANUAL,
    ObservationSource.SELF_CHECK: Source.SELF_CHECK,
    ObservationSource.HOME: Source.HOME,
}


class Shown(msgspec.Struct, frozen=True, kw_only=True):
    value: float
    source: Source
    device_id: str | None = None


class VisitValues:
    """The form's values for one visit; `changed` codes are returned so the screen redraws only those."""

    def __init__(self, visit_id: int) -> None:
        self.visit_id = visit_id
        self.saved: dict[str, Shown] = {}
        self.live: dict[str, Shown] = {}
        self._pending: dict[int, DeviceReading] = {}  # settled readings of the station, not yet claimed

    def shown(self, code: str) -> Shown | None:
        return self.live.get(code) or self.saved.get(code)

    def values(self) -> dict[str, float]:
        """The visit's saved values (what the API judges), without the overlays."""
        return {code: s.value for code, s in self.saved.items()}

    def load(self, observations: Iterable[Observation], readings: Iterable[DeviceReading]) -> set[str]:
        """A resumed visit: its claimed readings, then its observations (newest per code wins)."""
        changed: set[str] = set()
        for r in readings:
            if r.visit_id == self.visit_id and r.error is None:
                changed |= self._save(measurements.with_bmi(r.values), Source.DEVICE, r.device_id)
        for o in sorted(observations, key=lambda o: (o.observed_at, o.id)):
            if o.visit_id == self.visit_id and o.code in measurements.MEASURES:
                self.saved[o.code] = Shown(
                    value=o.value, source=_FROM_OBSERVATION[o.source], device_id=o.device_id
                )
                changed.add(o.code)
        return changed

    def entered(self, observations: Iterable[Observation]) -> set[str]:
        """Values the API saved from an entry (typed) or a claim."""
        changed: set[str] = set()
        for o in observations:
            self.saved[o.code] = Shown(
                value=o.value, source=_FROM_OBSERVATION[o.source], device_id=o.device_id
            )
            self.live.pop(o.code, None)
            changed.add(o.code)
        return changed

    def reading(self, r: DeviceReading) -> set[str]:
        """A reading of the station arrived: a preview while unsettled, on its way in once settled."""
        if r.error is not None or not r.values:
            return set()
        if r.visit_id is not None:
            return (
                self._save(measurements.with_bmi(r.values), Source.DEVICE, r.device_id)
                if (r.visit_id == self.visit_id)
                else set()
            )
        source = Source.RECEIVED if r.stable else Source.PREVIEW
        if r.stable:
            self._pending[r.id] = r
        for code, value in r.values.items():
            self.live[code] = Shown(value=value, source=source, device_id=r.device_id)
        return set(r.values)

    def claimed(self, reading_id: int, visit_id: int) -> set[str]:
        """A reading was claimed: by this visit it is saved (with the BMI the API adds), else it is dropped."""
        r = self._pending.pop(reading_id, None)
        if r is None:
            return set()
        if visit_id == self.visit_id:
            return self._save(measurements.with_bmi(r.values), Source.DEVICE, r.device_id)
        return self._drop(r)

    def waiting(self, reading_id: int) -> set[str]:
        """No claim came for a settled reading: it waits at the station until the nurse takes it."""
        r = self._pending.get(reading_id)
        if r is None:
            return set()
        changed = set()
        for code, value in r.values.items():
            overlay = self.live.get(code)
            if overlay is not None and overlay.device_id == r.device_id and overlay.value == value:
                self.live[code] = Shown(value=value, source=Source.WAITING, device_id=r.device_id)
                changed.add(code)
        return changed

    def _save(self, values: dict[str, float], source: Source, device_id: str | None) -> set[str]:
        for code, value in values.items():
            if code in measurements.MEASURES:
                self.saved[code] = Shown(value=value, source=source, device_id=device_id)
                self.live.pop(code, None)
        return set(values)

    def _drop(self, r: DeviceReading) -> set[str]:
        for code in r.values:
            overlay = self.live.get(code)
            if overlay is not None and overlay.device_id == r.device_id:
                del self.live[code]
        return set(r.values)
