"""The protocols by their configured name, their simulators for `sim://` URLs, and the line settings.

Each protocol module is imported only when a configured device uses it.

`sim://` URLs take optional query parameters: `sim://?seed=3&interval=20&errors=0.05&garbage=0.02`
(interval in seconds between measurements; errors and garbage are rates per measurement, except for the
cms50 oximeter, which streams: its interval is the cycle between finger-in sessions and its garbage rate
is per second of stream).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Final, NamedTuple
from urllib.parse import parse_qsl, urlsplit

from hardware.devices.base import DeviceError, DeviceProtocol, DeviceSimulator, LineSettings

# name → (module, protocol class, simulator "module:class" or a class of the same module)
PROTOCOLS: Final[dict[str, tuple[str, str, str]]] = {
    "omron-hbp9030": ("hardware.devices.omron", "OmronHbp9030", "OmronSimulator"),
    "tanita": ("hardware.devices.tanita", "Tanita", "TanitaSimulator"),
    "scale-line": ("hardware.devices.scale_line", "ScaleLine", "ScaleLineSimulator"),
    "astm": ("hardware.devices.astm", "Astm", "AstmSimulator"),
    "cms50": ("hardware.devices.cms50", "Cms50", "hardware.devices.cms50_sim:Cms50Simulator"),
}
_SIM_PARAMS: Final = {"seed": ("seed", int), "interval": ("interval_s", float)}
_SIM_RATES: Final = {"errors": "error_rate", "garbage": "garbage_rate"}


def _classes(name: str) -> tuple[type[DeviceProtocol], type[DeviceSimulator]]:
    try:
        module_name, protocol, simulator = PROTOCOLS[name]
    except KeyError:
        raise DeviceError(
            f"unknown device protocol {name!r} (known: {', '.join(sorted(PROTOCOLS))})"
        ) from None
    module = importlib.import_module(module_name)
    sim_module, _, sim_class = simulator.rpartition(":")
    return getattr(module, protocol), getattr(importlib.import_module(sim_module or module_name), sim_class)


def protocol_for(name: str, *, pattern: str | None = None) -> DeviceProtocol:
    """A fresh protocol instance; `pattern` only for scale-line (a preset name or a regular expression)."""
    cls = _classes(name)[0]
    if pattern is not None:
        return cls(pattern=pattern)  # type: ignore[call-arg]
    return cls()


def simulator_for(name: str, url: str, *, pattern: str | None = None) -> DeviceSimulator:
    """The simulator a `sim://` URL asks for, with the URL's parameters (DeviceError names a bad one)."""
    cls = _classes(name)[1]
    parts = urlsplit(url)
    if parts.scheme != "sim":
        raise DeviceError(f"not a simulator URL: {url!r} (expected sim://…)")
    kwargs: dict[str, object] = {}
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        try:
            if key in _SIM_PARAMS:
                arg, kind = _SIM_PARAMS[key]
                kwargs[arg] = kind(value)
            elif key in _SIM_RATES:
                rate = float(value)
                if not 0 <= rate <= 1:
                    raise ValueError("a rate between 0 and 1")
                kwargs[_SIM_RATES[key]] = rate
            else:
                known = ", ".join([*_SIM_PARAMS, *_SIM_RATES])
                raise DeviceError(f"{url}: unknown simulator parameter {key!r} (known: {known})")
        except ValueError as exc:
            raise DeviceError(f"{url}: bad value {value!r} for {key!r}: {exc}") from None
    if pattern is not None and name == "scale-line":
        kwargs["pattern"] = pattern
    return cls(**kwargs)


def line_for(name: str, *, baudrate: int | None = None, framing: str | None = None) -> LineSettings:
    """The protocol's line settings, with a device's own baud rate or framing ("7E1") over them."""
    line = _classes(name)[0].line
    bytesize, parity, stopbits = line.bytesize, line.parity, line.stopbits
    if framing is not None:
        if len(framing) < 3 or not framing[0].isdigit() or framing[1] not in "NEO":
            raise DeviceError(f"bad framing {framing!r}: expected data bits, parity, stop bits like 8N1")
        bytesize, parity, stopbits = int(framing[0]), framing[1], float(framing[2:])
    return LineSettings(
        baudrate=baudrate or line.baudrate, bytesize=bytesize, parity=parity, stopbits=stopbits
    )


class DeviceParts(NamedTuple):
    """What a reader needs for one configured device."""

    protocol: DeviceProtocol
    line: LineSettings
    simulator: Callable[[], DeviceSimulator] | None  # for sim:// URLs: a fresh simulator per connection


def device_parts(
    protocol: str,
    url: str,
    *,
    pattern: str | None = None,
    baudrate: int | None = None,
    framing: str | None = None,
) -> DeviceParts:
    """The protocol, line settings and (for `sim://`) simulator of a configured device. DeviceError names
    what is wrong (a bad pattern, framing or simulator parameter) before any port is opened."""
    parts_protocol = protocol_for(protocol, pattern=pattern)
    line = line_for(protocol, baudrate=baudrate, framing=framing)
    if not url.startswith("sim:"):
        return DeviceParts(parts_protocol, line, None)
    simulator_for(protocol, url, pattern=pattern)  # checked now, not at the first connection

    def simulator() -> DeviceSimulator:
        return simulator_for(protocol, url, pattern=pattern)

    return DeviceParts(parts_protocol, line, simulator)
