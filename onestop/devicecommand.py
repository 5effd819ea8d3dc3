"""`onestop devices list`: what is attached and whether it answers.

While the API runs, it owns the serial ports (a port is opened exclusively), so the list comes from the
API's own readers (`GET /api/v1/health/devices`: no login, no patient data). When the API is not running,
the command opens each configured port itself and listens for a few seconds: an IT person checking a
newly plugged device sees "opened", the bytes that came and whether they made valid frames.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import msgspec

from onestop.config import DeviceConfig, Settings

_HEAD = f"{'device':<12} {'kind':<16} {'protocol':<14} {'station':<14} state"


def devices_list(
    settings: Settings, *, server: str | None = None, listen_s: float = 3.0
) -> tuple[bool, list[str]]:
    """(all devices fine, report lines). Never raises for a device fault: the lines say what is wrong."""
    if not settings.devices:
        return True, ["no devices configured (add [[devices]] tables to the configuration file)"]
    base = server or f"http://{settings.api.host}:{settings.api.port}"
    statuses = _from_api(base)
    if statuses is not None:
        return _report_api(base, statuses)
    lines = [f"the API is not answering at {base}: opening the devices here, listening {listen_s:g} s"]
    ok = True
    for config in settings.devices:
        fine, line = _probe(config, listen_s)
        ok = ok and fine
        lines.append(line)
    return ok, lines


def _from_api(base: str) -> list[dict[str, Any]] | None:
    import httpx

    try:
        answer = httpx.get(f"{base}/api/v1/health/devices", timeout=2.0)
    except httpx.HTTPError:
        return None
    if answer.status_code != 200:
        return None
    return msgspec.json.decode(answer.content, type=list[dict[str, Any]])


def _report_api(base: str, statuses: list[dict[str, Any]]) -> tuple[bool, list[str]]:
    lines = [f"devices of the API at {base}:", _HEAD]
    ok = True
    for s in statuses:
        ok = ok and bool(s["connected"])
        state = "connected" if s["connected"] else "NOT connected"
        seen = f", last seen {_ago(str(s['last_seen']))}" if s.get("last_seen") else ", nothing received yet"
        counts = (
            f"; readings {s['readings']}, rejected {s['rejected']}, errors {s['errors']}, "
            f"reconnects {s['reconnects']}"
        )
        error = f"; last error: {s['last_error']}" if s.get("last_error") else ""
        lines.append(
            f"{s['device_id']:<12} {s['kind']:<16} {s['protocol']:<14} {s['station']:<14} "
            f"{state}{seen}{counts}{error}  [{s['url']}]"
        )
    return ok, lines


def _ago(stamp: str) -> str:
    seen = dt.datetime.fromisoformat(stamp)
    seconds = (dt.datetime.now(dt.UTC) - seen).total_seconds()
    return f"{seconds:.0f} s ago" if seconds < 120 else f"{seconds / 60:.0f} min ago"


def _probe(config: DeviceConfig, listen_s: float) -> tuple[bool, str]:
    """Run the API's own reader on the device for `listen_s` seconds (same port opening, framing, replies)."""
    import threading

    from hardware.devices import registry
    from hardware.devices.base import DeviceError, Measurement, Rejected
    from hardware.devices.reader import DeviceReader, ReaderEvent, Status

    head = f"{config.id:<12} {config.kind:<16} {config.protocol:<14} {config.station:<14} "
    try:
        parts = registry.device_parts(
            config.protocol,
            config.url,
            pattern=config.pattern,
            baudrate=config.baudrate,
            framing=config.framing,
        )
    except DeviceError as exc:
        return False, f"{head}NOT opened: {exc}"
    opened = threading.Event()
    counts = {"readings": 0, "rejected": 0}

    def on_event(_device_id: str, event: ReaderEvent) -> None:
        if isinstance(event, Status) and event.connected:
            opened.set()
        elif isinstance(event, Measurement):
            counts["readings"] += 1
        elif isinstance(event, Rejected):
            counts["rejected"] += 1

    reader = DeviceReader(
        device_id=config.id,
        url=config.url,
        protocol=parts.protocol,
        line=parts.line,
        on_event=on_event,
        simulator=parts.simulator,
        wall_clock=lambda: dt.datetime.now(dt.UTC),
    )
    reader.start()
    time.sleep(listen_s)
    reader.stop()
    health = reader.health()
    if not opened.is_set():
        return False, f"{head}NOT opened: {health.last_error}"
    line = parts.line
    heard = (
        f"{counts['readings']} readings, {counts['rejected']} rejected frames"
        if health.last_seen is not None
        else "silent (devices send only after a measurement: take one now and run again)"
    )
    lost = f"; lost {health.reconnects} time(s): {health.last_error}" if health.reconnects else ""
    settings = f"{line.baudrate} {line.bytesize}{line.parity}{line.stopbits:g}"
    return True, f"{head}opened [{config.url} {settings}]; {heard}{lost}"
