"""When a device reading may become a visit's observations (flows/devices.py claim_refusal)."""

from __future__ import annotations

import datetime as dt

import msgspec
import pytest

from flows.devices import UNCLAIMED_WINDOW, DeviceReading, claim_refusal

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
FRESH = DeviceReading(
    id=7,
    device_id="bp-1",
    station="s1",
    values={"sbp": 128.0, "dbp": 82.0},
    raw="",
    measured_at=NOW - dt.timedelta(minutes=1),
)


@pytest.mark.parametrize(
    ("changes", "says"),
    [
        pytest.param({}, None, id="fresh, settled, unclaimed: claimable"),
        pytest.param({"visit_id": 3}, "already claimed by visit 3", id="claimed once only"),
        pytest.param({"values": {}, "error": "E2 cuff"}, "failed measurement (E2 cuff)", id="device error"),
        pytest.param({"stable": False}, "not settled", id="still settling"),
        pytest.param(
            {"measured_at": NOW - UNCLAIMED_WINDOW - dt.timedelta(seconds=1)},
            "more than 30 minutes ago",
            id="past the 30-minute window",
        ),
        pytest.param(
            {"measured_at": NOW - UNCLAIMED_WINDOW}, None, id="exactly at the window: still claimable"
        ),
    ],
)
def test_claim_refusal(changes: dict[str, object], says: str | None) -> None:
    refusal = claim_refusal(msgspec.structs.replace(FRESH, **changes), NOW)
    if says is None:
        assert refusal is None
    else:
        assert refusal is not None
        assert says in refusal
