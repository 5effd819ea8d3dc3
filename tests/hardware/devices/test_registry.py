"""The protocol registry: every configured protocol name has a protocol and a simulator; sim:// parameters
and line settings are checked and named when wrong."""

from __future__ import annotations

import pytest

from hardware.devices import registry
from hardware.devices.base import DeviceError, DeviceProtocol, DeviceSimulator, LineSettings
from onestop.config import DEVICE_PROTOCOLS


def test_the_configuration_knows_exactly_the_registered_protocols() -> None:
    assert set(registry.PROTOCOLS) == DEVICE_PROTOCOLS


@pytest.mark.parametrize("name", sorted(registry.PROTOCOLS))
def test_each_protocol_has_a_named_protocol_and_a_simulator(name: str) -> None:
    protocol = registry.protocol_for(name)
    assert isinstance(protocol, DeviceProtocol)
    assert protocol.name == name
    sim = registry.simulator_for(name, "sim://?seed=3&interval=5&errors=0.1&garbage=0")
    assert isinstance(sim, DeviceSimulator)


def test_scale_line_takes_its_pattern() -> None:
    assert registry.protocol_for("scale-line", pattern="w-h").feed(b"W:065.5 H:170.5\r\n", 0.0)
    with pytest.raises(DeviceError, match="weight"):
        registry.protocol_for("scale-line", pattern=r"(?P<mass>\d+)")


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("sim://?speed=3", "unknown simulator parameter 'speed'"),
        ("sim://?seed=x", "bad value 'x' for 'seed'"),
        ("sim://?errors=2", "bad value '2' for 'errors'"),
        ("loop://", "not a simulator URL"),
    ],
)
def test_bad_simulator_urls_are_named(url: str, says: str) -> None:
    with pytest.raises(DeviceError, match=says):
        registry.simulator_for("omron-hbp9030", url)


def test_unknown_protocol_is_named() -> None:
    with pytest.raises(DeviceError, match="unknown device protocol 'nonin'"):
        registry.protocol_for("nonin")


def test_line_settings_default_to_the_protocols_and_take_a_devices_own() -> None:
    assert registry.line_for("cms50") == LineSettings(baudrate=19200, bytesize=8, parity="O", stopbits=1)
    # A Tanita WB-110S talks 2400 7E1 (DEVICES.md §2).
    assert registry.line_for("tanita", baudrate=2400, framing="7E1") == LineSettings(
        baudrate=2400, bytesize=7, parity="E", stopbits=1
    )
    with pytest.raises(DeviceError, match="bad framing"):
        registry.line_for("tanita", framing="8")
