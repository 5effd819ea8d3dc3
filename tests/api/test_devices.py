"""Devices through the API on SQLite and PostgreSQL: a BP monitor on a pseudo-terminal, its readings saved
with their raw frames, streamed, claimed by the visit at the station (or by hand), never lost, and the
device's health; all over HTTP on loopback."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from onestop.config import BoardConfig, DatabaseConfig, DeviceConfig, PrinterConfig, Settings
from tests.api.helpers import Api, advance, audit_rows, error, id_number
from tests.support.pty_device import PtyDevice
from tests.support.sse import SseClient

STATION = "screening-1"


def bp_frame(sbp: int, dbp: int, pulse: int, *, error_code: int = 0, subject: str = "") -> bytes:
    """An Omron HBP-9030 "format 5" line (DEVICES.md §2)."""
    vitals = "   ,   ,   " if error_code else f"{sbp:03d},{dbp:03d},{pulse:03d}"
    return f"2024,05,01,09,30,{subject:<20},{error_code},{vitals},0\r\n".encode("ascii")


@pytest.fixture
def bp(tmp_path: Path) -> Iterator[PtyDevice]:
    device = PtyDevice(tmp_path, "usb-Omron_HBP-9030-if00-port0")
    try:
        yield device
    finally:
        device.close()


@pytest.fixture
def api_settings(db_config: DatabaseConfig, tmp_path: Path, bp: PtyDevice) -> Settings:
    return Settings(
        database=db_config,
        printer=PrinterConfig(url=f"preview://{tmp_path / 'tickets'}"),
        board=BoardConfig(speech="off"),
        devices=[
            DeviceConfig(
                id="bp-1", kind="blood_pressure", protocol="omron-hbp9030", url=bp.url, station=STATION
            ),
            # A port that is not there: the API still starts, and says so for this device.
            DeviceConfig(
                id="scale-9",
                kind="height_weight",
                protocol="scale-line",
                url=str(tmp_path / "no-such-port"),
                station="screening-2",
            ),
        ],
    )


@pytest.fixture
def stream(api: Api) -> Iterator[SseClient]:
    s = SseClient(
        api.base_url,
        f"/api/v1/readings/events?station={STATION}",
        authorization=api.nurse.headers["authorization"],
    )
    try:
        yield s
    finally:
        s.close()


def _visit(api: Api, seq: int) -> dict[str, Any]:
    person = api.nurse.post("/api/v1/residents", json={"id_number": id_number(seq), "name": f"测量{seq}"})
    assert person.status_code == 201, person.text
    visit = api.nurse.post("/api/v1/visits", json={"resident_id": person.json()["id"]})
    assert visit.status_code == 201, visit.text
    data: dict[str, Any] = visit.json()
    return data


def _wait_connected(api: Api, device_id: str = "bp-1") -> dict[str, Any]:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        status: dict[str, Any] = api.nurse.get(f"/api/v1/devices/{device_id}").json()
        if status["connected"]:
            return status
        time.sleep(0.05)
    raise AssertionError(f"{device_id} did not connect: {status}")


def test_a_reading_is_saved_with_its_raw_frame_and_streamed_to_the_station(
    api: Api, bp: PtyDevice, stream: SseClient
) -> None:
    _wait_connected(api)
    frame = bp_frame(128, 82, 72, subject="P000123")
    bp.send(frame[:7], frame[7:30], frame[30:], gap=0.02)  # cut across reads, as USB adapters do
    data = stream.next("reading")["reading"]
    assert data["values"] == {"sbp": 128.0, "dbp": 82.0, "pulse": 72.0}
    assert frame.startswith(bytes.fromhex(data["raw"]).rstrip())  # the bytes as sent (line end aside)
    assert (data["device_id"], data["station"], data["stable"], data["subject"]) == (
        "bp-1",
        STATION,
        True,
        "P000123",
    )
    assert data["visit_id"] is None
    listed = api.nurse.get("/api/v1/readings", params={"station": STATION}).json()
    assert [r["id"] for r in listed] == [data["id"]]
    assert api.nurse.get("/api/v1/readings", params={"station": "screening-2"}).json() == []
    assert api.nurse.get(f"/api/v1/readings/{data['id']}").json() == data
    assert api.nurse.get("/api/v1/devices/bp-1/readings").json() == [data]


def test_the_visit_at_the_station_claims_the_next_reading_as_device_observations(
    api: Api, bp: PtyDevice, stream: SseClient
) -> None:
    _wait_connected(api)
    visit = _visit(api, 1)
    put = api.nurse.put(f"/api/v1/stations/{STATION}/visit", json={"visit_id": visit["id"]})
    assert put.status_code == 200, put.text
    assert put.json() == {"station": STATION, "visit_id": visit["id"], "devices": ["bp-1"]}
    bp.send(bp_frame(136, 86, 70))
    reading = stream.next("reading")["reading"]
    claimed = stream.next("claimed")
    assert claimed == {
        "event": "claimed",
        "reading_id": reading["id"],
        "visit_id": visit["id"],
        "station": STATION,
    }
    mine = api.nurse.get(f"/api/v1/visits/{visit['id']}/readings").json()
    assert [(r["id"], r["visit_id"]) for r in mine] == [(reading["id"], visit["id"])]
    # Claimed readings leave the station's list; the observations carry the device as their source.
    assert api.nurse.get("/api/v1/readings", params={"station": STATION}).json() == []
    summary = api.nurse.get(f"/api/v1/residents/{visit['resident_id']}/summary").json()
    latest = {o["code"]: o for o in summary["latest"]}
    assert latest["sbp"]["value"] == 136.0
    assert (latest["sbp"]["source"], latest["sbp"]["device_id"]) == ("device", "bp-1")
    assert audit_rows(api, action="visit.reading_claimed")
    # Nobody at the station: the next reading waits in the list.
    assert (
        api.nurse.put(f"/api/v1/stations/{STATION}/visit", json={"visit_id": None}).json()["visit_id"] is None
    )
    bp.send(bp_frame(120, 80, 66))
    waiting = stream.next("reading")["reading"]
    assert [r["id"] for r in api.nurse.get("/api/v1/readings", params={"station": STATION}).json()] == [
        waiting["id"]
    ]


def test_a_station_forgotten_for_15_minutes_claims_nothing_more(
    api: Api, bp: PtyDevice, stream: SseClient
) -> None:
    _wait_connected(api)
    visit = _visit(api, 7)
    api.nurse.put(f"/api/v1/stations/{STATION}/visit", json={"visit_id": visit["id"]})
    advance(api, dt.timedelta(minutes=16))
    assert api.nurse.get(f"/api/v1/stations/{STATION}").json()["visit_id"] is None
    bp.send(bp_frame(124, 80, 70))
    reading = stream.next("reading")["reading"]
    time.sleep(0.2)
    assert api.nurse.get(f"/api/v1/readings/{reading['id']}").json()["visit_id"] is None
    assert api.nurse.get(f"/api/v1/visits/{visit['id']}/readings").json() == []


def test_an_unclaimed_reading_is_claimed_by_hand_once_and_only_for_30_minutes(
    api: Api, bp: PtyDevice, stream: SseClient
) -> None:
    _wait_connected(api)
    first, second = _visit(api, 2), _visit(api, 3)
    bp.send(bp_frame(150, 95, 80))
    reading = stream.next("reading")["reading"]
    claim = api.nurse.post(f"/api/v1/visits/{first['id']}/readings", json={"reading_ids": [reading["id"]]})
    assert claim.status_code == 201, claim.text
    [entry] = claim.json()
    assert {o["code"]: (o["value"], o["source"]) for o in entry["observations"]} == {
        "sbp": (150.0, "device"),
        "dbp": (95.0, "device"),
        "pulse": (80.0, "device"),
    }
    assert stream.next("claimed")["visit_id"] == first["id"]
    again = api.nurse.post(f"/api/v1/visits/{second['id']}/readings", json={"reading_ids": [reading["id"]]})
    assert "already claimed by visit" in error(again, 409)["message"]
    assert error(
        api.nurse.post(f"/api/v1/visits/{second['id']}/readings", json={"reading_ids": [999999]}), 404
    )
    # Listed for 30 minutes; after that it is kept but can no longer be claimed (whose arm was it?).
    bp.send(bp_frame(118, 76, 64))
    old = stream.next("reading")["reading"]
    advance(api, dt.timedelta(minutes=31))
    assert api.nurse.get("/api/v1/readings", params={"station": STATION}).json() == []
    late = api.nurse.post(f"/api/v1/visits/{second['id']}/readings", json={"reading_ids": [old["id"]]})
    assert "more than 30 minutes ago" in error(late, 409)["message"]
    assert api.nurse.get(f"/api/v1/readings/{old['id']}").json()["visit_id"] is None


def test_a_failed_measurement_is_listed_but_never_claimed(api: Api, bp: PtyDevice, stream: SseClient) -> None:
    _wait_connected(api)
    visit = _visit(api, 4)
    bp.send(bp_frame(0, 0, 0, error_code=2))
    reading = stream.next("reading")["reading"]
    assert reading["values"] == {}
    assert reading["error"]
    refused = api.nurse.post(f"/api/v1/visits/{visit['id']}/readings", json={"reading_ids": [reading["id"]]})
    assert "failed measurement" in error(refused, 409)["message"]


def test_an_emergency_bp_from_the_device_raises_the_visits_emergency(
    api: Api, bp: PtyDevice, stream: SseClient
) -> None:
    _wait_connected(api)
    visit = _visit(api, 5)
    api.nurse.put(f"/api/v1/stations/{STATION}/visit", json={"visit_id": visit["id"]})
    bp.send(bp_frame(192, 124, 96))
    stream.next("claimed")
    flags = api.nurse.get(f"/api/v1/visits/{visit['id']}/emergencies").json()
    assert [f["status"] for f in flags] == ["open"]


def test_a_corrupt_frame_is_counted_and_logged_never_a_reading(
    api: Api, bp: PtyDevice, stream: SseClient
) -> None:
    _wait_connected(api)
    bp.send(b"2024,05,01,09,30,P1                  ,0,128,0X2,072,0\r\n")
    changed = stream.next("device", lambda d: d["device"]["rejected"] == 1)
    assert changed["device"]["device_id"] == "bp-1"
    bp.send(bp_frame(122, 78, 60))
    assert stream.next("reading")["reading"]["values"]["sbp"] == 122.0
    assert len(api.nurse.get("/api/v1/devices/bp-1/readings").json()) == 1


def test_device_health_for_staff_and_for_the_command_line(api: Api) -> None:
    _wait_connected(api)
    devices = {d["device_id"]: d for d in api.nurse.get("/api/v1/devices").json()}
    assert devices["bp-1"]["connected"] is True
    assert devices["scale-9"]["connected"] is False
    assert "no-such-port" in devices["scale-9"]["last_error"]
    assert error(api.anon.get("/api/v1/devices"), 401)
    public = api.anon.get("/api/v1/health/devices")
    assert public.status_code == 200
    assert {d["device_id"] for d in public.json()} == {"bp-1", "scale-9"}
    assert error(api.nurse.get("/api/v1/devices/nope"), 404)


def test_unplug_and_replug_keeps_the_reader_and_loses_nothing_after(
    api: Api, bp: PtyDevice, stream: SseClient
) -> None:
    _wait_connected(api)
    bp.unplug()
    stream.next("device", lambda d: not d["device"]["connected"])
    bp.plug()
    stream.next("device", lambda d: d["device"]["connected"])
    bp.send(bp_frame(140, 90, 75))
    assert stream.next("reading")["reading"]["values"]["sbp"] == 140.0
    status = api.nurse.get("/api/v1/devices/bp-1").json()
    assert status["reconnects"] >= 1
    assert status["readings"] >= 1


def test_a_typed_value_cannot_pass_for_a_device_reading(api: Api) -> None:
    visit = _visit(api, 6)
    for body in (
        {"measurements": {"sbp": 130, "dbp": 80}, "source": "device"},
        {"measurements": {"sbp": 130, "dbp": 80}, "device_id": "bp-1"},
    ):
        refused = api.nurse.post(f"/api/v1/visits/{visit['id']}/entries", json=body)
        assert "claiming their reading" in error(refused, 422)["message"]
    typed = api.nurse.post(
        f"/api/v1/visits/{visit['id']}/entries", json={"measurements": {"sbp": 130, "dbp": 80}}
    )
    assert {o["source"] for o in typed.json()["observations"]} == {"manual"}


def test_putting_a_closed_or_unknown_visit_at_a_station_is_refused(api: Api) -> None:
    refused = api.nurse.put(f"/api/v1/stations/{STATION}/visit", json={"visit_id": 424242})
    assert error(refused, 404)["field"] == "visit_id"
    visit = _visit(api, 8)
    left = api.nurse.post(f"/api/v1/visits/{visit['id']}/events", json={"move": "cancel", "reason": "离开"})
    assert left.status_code == 200, left.text
    closed = api.nurse.put(f"/api/v1/stations/{STATION}/visit", json={"visit_id": visit["id"]})
    assert "is closed" in error(closed, 409)["message"]
    assert api.nurse.get(f"/api/v1/stations/{STATION}").json()["visit_id"] is None
