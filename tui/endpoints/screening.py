"""Screening: the visit at the station, its readings, typed values, emergencies, questionnaires, findings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import msgspec

from flows.clinical import EmergencyFlag, ScreeningReport, VisitEntry, VisitEntryResult
from flows.devices import ClaimRequest, DeviceReading, StationState, StationVisit
from flows.model import ObservationSource
from flows.rules.base import Clause
from flows.rules.questionnaires import Questionnaire, QuestionnaireResult

if TYPE_CHECKING:
    from tui.client import ApiClient


class HistoryFlags(msgspec.Struct, frozen=True, kw_only=True):
    """The body of screenVisit: what the nurse knows of the history that the record does not hold yet."""

    family_history_hypertension: bool = False
    high_salt_diet: bool = False
    baijiu_ml_per_day: float = 0.0
    diabetes_symptoms: bool = False
    diabetes_high_risk: bool = False
    pregnant_or_lactating: bool = False


class Answers(msgspec.Struct, frozen=True, kw_only=True):
    answers: dict[str, object]


def put_station(client: ApiClient, station: str, visit_id: int | None) -> StationState:
    """The visit now at the station (None: nobody): its devices' next settled readings are claimed for it."""
    body = StationVisit(visit_id=visit_id)
    return client.call("PUT", f"/api/v1/stations/{station}/visit", StationState, body=body)


def visit_readings(client: ApiClient, visit_id: int) -> list[DeviceReading]:
    return client.call("GET", f"/api/v1/visits/{visit_id}/readings", list[DeviceReading])


def enter_values(
    client: ApiClient,
    visit_id: int,
    measurements: Mapping[str, float],
    *,
    symptoms: tuple[str, ...] = (),
    pregnant_or_lactating: bool = False,
) -> VisitEntryResult:
    """Typed values and ticked symptoms into the visit (source manual); 422 names `measurements.<code>`."""
    entry = VisitEntry(
        measurements=dict(measurements),
        symptoms=symptoms,
        source=ObservationSource.MANUAL,
        pregnant_or_lactating=pregnant_or_lactating,
    )
    return client.call("POST", f"/api/v1/visits/{visit_id}/entries", VisitEntryResult, body=entry)


def emergencies(client: ApiClient, visit_id: int) -> list[EmergencyFlag]:
    return client.call("GET", f"/api/v1/visits/{visit_id}/emergencies", list[EmergencyFlag])


def questionnaires(client: ApiClient) -> list[Questionnaire]:
    return client.call("GET", "/api/v1/rules/questionnaires", list[Questionnaire])


def clauses(client: ApiClient) -> list[Clause]:
    return client.call("GET", "/api/v1/rules/clauses", list[Clause])


def answer_questionnaire(
    client: ApiClient, visit_id: int, questionnaire_id: str, answers: Mapping[str, object]
) -> QuestionnaireResult:
    path = f"/api/v1/visits/{visit_id}/questionnaires/{questionnaire_id}"
    return client.call("POST", path, QuestionnaireResult, body=Answers(answers=dict(answers)))


def screen_visit(client: ApiClient, visit_id: int, flags: HistoryFlags) -> ScreeningReport:
    return client.call("POST", f"/api/v1/visits/{visit_id}/screening", ScreeningReport, body=flags)


def station_readings(client: ApiClient, station: str) -> list[DeviceReading]:
    """The station's readings of the last 30 minutes that no visit has taken yet, newest first."""
    params = {"station": station, "claimed": "false"}
    return client.call("GET", "/api/v1/readings", list[DeviceReading], params=params)


def claim_readings(client: ApiClient, visit_id: int, reading_ids: list[int]) -> list[VisitEntryResult]:
    """The station's waiting readings become the visit's observations (source device, all or none)."""
    body = ClaimRequest(reading_ids=reading_ids)
    return client.call("POST", f"/api/v1/visits/{visit_id}/readings", list[VisitEntryResult], body=body)


def station_state(client: ApiClient, station: str) -> StationState:
    return client.call("GET", f"/api/v1/stations/{station}", StationState)


def release_station(client: ApiClient, station: str, visit_id: int) -> None:
    """Nobody at the station any more, unless another desk has put its own visit there meanwhile."""
    if station_state(client, station).visit_id == visit_id:
        put_station(client, station, None)
