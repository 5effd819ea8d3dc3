"""What `onestop demo` runs: every protocol's simulator behind a `sim://` URL, read by the API's device
manager, feeding saved readings (with raw frames) for the station."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from onestop.config import BoardConfig, DatabaseConfig, DeviceConfig, PrinterConfig, Settings
from onestop.launcher import DEMO_DEVICES
from tests.api.helpers import Api

STATION = "front-desk-1"


@pytest.fixture
def api_settings(db_config: DatabaseConfig, tmp_path: Path) -> Settings:
    import tomllib

    devices = tomllib.loads(DEMO_DEVICES.format(station=STATION))["devices"]
    fast = []
    for d in devices:
        # The demo's devices, measuring far more often than a desk would so the test sees each of them.
        url = d["url"].split("&interval=")[0] + (
            "&interval=0.3" if d["protocol"] != "cms50" else "&interval=16"
        )
        fast.append(DeviceConfig(**{**d, "url": url + "&errors=0"}))
    return Settings(
        database=db_config,
        printer=PrinterConfig(url=f"preview://{tmp_path / 'tickets'}"),
        board=BoardConfig(speech="off"),
        devices=fast,
    )


EXPECTED = {
    "bp-1": {"sbp", "dbp", "pulse"},
    "scale-1": {"weight", "height"},
    "body-1": {"weight"},
    "hba1c-1": {"hba1c"},
    "spo2-1": {"spo2", "pulse"},
}


def test_every_simulated_device_feeds_stable_readings(api: Api) -> None:
    seen: dict[str, dict[str, Any]] = {}
    deadline = time.monotonic() + 25
    while set(seen) != set(EXPECTED) and time.monotonic() < deadline:
        for device_id in set(EXPECTED) - set(seen):
            readings = api.nurse.get(f"/api/v1/devices/{device_id}/readings").json()
            stable = [r for r in readings if r["stable"] and not r["error"]]
            if stable:
                seen[device_id] = stable[0]
        time.sleep(0.2)
    missing = set(EXPECTED) - set(seen)
    assert not missing, {m: api.nurse.get(f"/api/v1/devices/{m}").json() for m in missing}
    for device_id, reading in seen.items():
        assert EXPECTED[device_id] <= set(reading["values"]), (device_id, reading["values"])
        assert reading["raw"], device_id
        assert reading["station"] == STATION
    listed = api.nurse.get("/api/v1/readings", params={"station": STATION}).json()
    assert {r["device_id"] for r in listed} >= set(EXPECTED)
    health = {d["device_id"]: d for d in api.nurse.get("/api/v1/devices").json()}
    assert all(h["connected"] for h in health.values()), health
