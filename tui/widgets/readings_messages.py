"""What the screening screen's workers post back: the visit loaded, values entered or refused, findings."""

from __future__ import annotations

from textual.message import Message

from flows.clinical import EmergencyFlag, ScreeningReport, VisitEntryResult
from flows.devices import DeviceReading, DeviceStatus
from flows.model import ResidentSummary
from flows.rules.base import Clause
from flows.rules.questionnaires import Questionnaire
from tui.client import ApiClientError


class Loaded(Message):
    """Everything the screen starts from (again after the stream fell behind)."""

    def __init__(
        self,
        *,
        summary: ResidentSummary,
        readings: list[DeviceReading],
        waiting: list[DeviceReading],
        devices: list[DeviceStatus],
        flags: list[EmergencyFlag],
        forms: list[Questionnaire],
        clauses: list[Clause],
    ) -> None:
        super().__init__()
        self.summary, self.readings, self.waiting, self.devices = summary, readings, waiting, devices
        self.flags, self.forms, self.clauses = flags, forms, clauses


class Entered(Message):
    """The API saved typed values, ticked signs or claimed readings (`codes`: the typed fields behind them)."""

    def __init__(self, results: list[VisitEntryResult], codes: list[str], symptoms: tuple[str, ...]) -> None:
        super().__init__()
        self.results, self.codes, self.symptoms = results, codes, symptoms


class EntryRefused(Message):
    def __init__(self, error: ApiClientError, codes: list[str], symptoms: tuple[str, ...]) -> None:
        super().__init__()
        self.error, self.codes, self.symptoms = error, codes, symptoms


class FlagsLoaded(Message):
    """The visit's emergencies; `again`: show the emergency screen even if this flag was shown before."""

    def __init__(self, flags: list[EmergencyFlag], *, again: bool) -> None:
        super().__init__()
        self.flags, self.again = flags, again


class FindingsReady(Message):
    def __init__(self, report: ScreeningReport | None, error: ApiClientError | None) -> None:
        super().__init__()
        self.report, self.error = report, error
