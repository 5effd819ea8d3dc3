"""CMS50D+ live stream (DEVICES.md §2 [U]): packets, framing, coalescing to steady readings, simulator, fuzzing."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hardware.devices.base import Event, FrameError, Measurement, Rejected
from hardware.devices.cms50 import Cms50, Packet, PacketFramer, decode_packet, encode_packet
from hardware.devices.cms50_sim import Cms50Simulator
from tests.hardware.devices.corpus import readings, rejected, run_simulator

HZ = 60
SAMPLE_72 = bytes.fromhex("88 40 05 48 62")  # DEVICES.md §2: PR 72, SpO2 98
SAMPLE_130 = bytes.fromhex("88 40 45 02 61")  # DEVICES.md §2: PR 130, SpO2 97
Timed = list[tuple[float, bytes]]


def packets(
    seconds: float,
    start: float = 0.0,
    *,
    spo2: int = 98,
    pulse: int = 72,
    finger_out: bool = False,
    probe_error: bool = False,
) -> Timed:
    """`seconds` of 60 Hz packets from `start`."""
    packet = encode_packet(spo2=spo2, pulse=pulse, finger_out=finger_out, probe_error=probe_error)
    return [(start + k / HZ, packet) for k in range(round(seconds * HZ))]


def run(timed: Iterable[tuple[float, bytes]], protocol: Cms50 | None = None) -> list[tuple[float, Event]]:
    protocol = protocol or Cms50()
    return [(at, event) for at, data in timed for event in protocol.feed(data, at)]


def stable(events: list[tuple[float, Event]]) -> list[tuple[float, dict[str, float]]]:
    return [(round(at, 2), e.values) for at, e in events if isinstance(e, Measurement) and e.stable]


def previews(events: list[tuple[float, Event]]) -> list[float]:
    return [at for at, e in events if isinstance(e, Measurement) and not e.stable]


@pytest.mark.parametrize(
    ("raw", "pulse", "spo2"),
    [
        pytest.param(SAMPLE_72, 72, 98, id="PR 72 SpO2 98"),
        pytest.param(SAMPLE_130, 130, 97, id="PR 130: bit 7 in b2 bit 6"),
    ],
)
def test_samples_of_devices_md(raw: bytes, pulse: int, spo2: int) -> None:
    assert decode_packet(raw) == Packet(
        signal=8, finger_out=False, pleth=0x40, bar=5, probe_error=False, pulse_rate=pulse, spo2=spo2
    )
    assert encode_packet(spo2=spo2, pulse=pulse) == raw


def test_flags() -> None:
    packet = decode_packet(encode_packet(spo2=127, pulse=255, signal=0, finger_out=True, probe_error=True))
    assert (packet.finger_out, packet.probe_error, packet.pulse_rate, packet.spo2) == (True, True, 255, 127)
    with pytest.raises(ValueError, match="field ranges"):
        encode_packet(spo2=128, pulse=72)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        pytest.param(SAMPLE_72[:4], "5 bytes, got 4", id="short"),
        pytest.param(SAMPLE_72 + b"\x01", "5 bytes, got 6", id="long"),
        pytest.param(b"\x08" + SAMPLE_72[1:], "bit 7 set in byte 0 only", id="no sync"),
        pytest.param(
            SAMPLE_72[:3] + b"\xc8" + SAMPLE_72[4:], "bit 7 set in byte 0 only", id="sync in byte 3"
        ),
    ],
)
def test_bad_packets(raw: bytes, message: str) -> None:
    with pytest.raises(FrameError, match=message):
        decode_packet(raw)


@pytest.mark.parametrize(
    ("stream", "expected"),
    [
        pytest.param(SAMPLE_72 + SAMPLE_130, [SAMPLE_72, SAMPLE_130], id="glued"),
        pytest.param(SAMPLE_72[2:] + SAMPLE_72, [SAMPLE_72], id="opened mid-packet: tail ignored"),
        pytest.param(SAMPLE_72 + b"\x01\x02" + SAMPLE_130, [SAMPLE_72, 2, SAMPLE_130], id="garbage between"),
        pytest.param(
            SAMPLE_72 + SAMPLE_130[:3] + SAMPLE_72, [SAMPLE_72, 3, SAMPLE_72], id="packet cut short"
        ),
        pytest.param(
            SAMPLE_72 + b"\xff" * 70 + SAMPLE_72,
            [SAMPLE_72, 64, 6, SAMPLE_72],
            id="long garbage in 64-byte reports",
        ),
    ],
)
def test_framing_at_every_split(stream: bytes, expected: list[bytes | int]) -> None:
    def frame(chunks: Iterable[bytes]) -> list[bytes | int]:
        framer = PacketFramer()
        return [
            len(item.raw) if isinstance(item, Rejected) else item
            for chunk in chunks
            for item in framer.feed(chunk)
        ]

    assert frame([stream]) == expected
    for at in range(1, len(stream)):
        assert frame([stream[:at], stream[at:]]) == expected, f"split at {at}"


def test_steady_values_give_one_reading_after_previews() -> None:
    events = run(packets(10))
    assert stable(events) == [(4.0, {"spo2": 98, "pulse": 72})]
    assert previews(events) == [0, 1, 2, 3]  # one a second, none once reported
    reading = next(e for _, e in events if isinstance(e, Measurement) and e.stable)
    assert len(reading.raw) == 61 * 5
    assert reading.raw.endswith(SAMPLE_72)


def test_jitter_within_tolerance_is_steady_and_the_median_is_reported() -> None:
    jitter = [(0, 0), (1, 3), (-1, -2), (0, 5), (0, -5), (1, 0)]
    timed = [
        (k / HZ, encode_packet(spo2=97 + ds, pulse=80 + dp))
        for k in range(8 * HZ)
        for ds, dp in [jitter[k // HZ % 6]]
    ]
    assert stable(run(timed)) == [(4.0, {"spo2": 97, "pulse": 80})]


@pytest.mark.parametrize(
    ("timed", "readings_at"),
    [
        pytest.param(
            packets(6) + packets(2, 6, finger_out=True) + packets(6, 8),
            [4.0, 12.0],
            id="finger out and in: new reading",
        ),
        pytest.param(
            packets(6) + packets(6, 6, spo2=93), [4.0, 10.0], id="values move persistently: new reading"
        ),
        pytest.param(
            packets(6) + packets(1, 6, spo2=93) + packets(6, 7), [4.0], id="a one-second blip: no new reading"
        ),
        pytest.param(
            packets(3) + packets(0.5, 3, spo2=127, pulse=255) + packets(5, 3.5),
            [7.5],
            id="searching restarts the window",
        ),
        pytest.param(packets(3) + packets(5, 3, pulse=84), [7.0], id="pulse jump restarts the window"),
        pytest.param(packets(8, probe_error=True), [], id="probe error: nothing"),
        pytest.param(packets(8, finger_out=True), [], id="finger out: nothing"),
        pytest.param(packets(8, spo2=0, pulse=0), [], id="zero values: nothing"),
        pytest.param(packets(3) + packets(5, 4.5), [8.5], id="1.5 s of silence: the window is dropped"),
        pytest.param(packets(6) + packets(5, 7.5), [4.0, 11.5], id="silence ends the session: a new reading"),
    ],
)
def test_coalescing(timed: Timed, readings_at: list[float]) -> None:
    assert [at for at, _ in stable(run(timed))] == readings_at


def test_silence_seen_by_tick() -> None:
    protocol = Cms50()
    run(packets(3), protocol)
    assert protocol.tick(4.5) == []
    assert stable(run(packets(2, 4.5), protocol)) == []  # only 2 s since the silence


def test_implausible_values_are_rejected_once_per_run() -> None:
    events = run(packets(3, spo2=40) + packets(5, 3) + packets(1, 8, pulse=240))
    assert [(round(at, 2), "SpO2" in e.reason) for at, e in events if isinstance(e, Rejected)] == [
        (0.0, True),
        (8.0, False),
    ]
    assert stable(events) == [(7.0, {"spo2": 98, "pulse": 72})]


def test_chunk_boundaries_inside_packets_change_nothing() -> None:
    whole = run(packets(6))
    split = run((at, half) for at, packet in packets(6) for half in (packet[:2], packet[2:]))
    assert split == whole


@pytest.mark.parametrize("seed", range(3))
def test_simulator_output(seed: int) -> None:
    events = run_simulator(
        Cms50Simulator(seed=seed, interval_s=20.0, error_rate=0.2, garbage_rate=0.5), Cms50(), until=400.0
    )
    steady = [r for r in readings(events) if r.stable]
    assert 10 <= len(steady) <= 25  # ~20 sessions, a fifth of them probe errors
    assert all(85 <= r.values["spo2"] <= 100 and 45 <= r.values["pulse"] <= 130 for r in steady)
    assert all(len(r.raw) <= 61 * 5 for r in readings(events))
    assert 100 <= len(rejected(events)) <= 300  # ~200 garbage bursts, one Rejected each


def test_simulator_determinism() -> None:
    def stream(seed: int) -> bytes:
        simulator, now, out = Cms50Simulator(seed=seed), 5.0, b""
        while now < 65:
            data, now = simulator.step(now, b"")
            out += data
        return out

    assert 60 * HZ * 5 <= len(stream(0)) < 60 * HZ * 5 + 100  # 60 s of packets, a few noise bytes
    assert stream(0) == stream(0) != stream(1)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 2), st.binary(max_size=40)), max_size=30))
def test_feed_never_raises(chunks: list[tuple[float, bytes]]) -> None:
    protocol, now = Cms50(), 0.0
    for gap, data in chunks:
        now += gap
        for event in protocol.feed(data, now) + protocol.tick(now):
            assert isinstance(event, Measurement | Rejected)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=8))
def test_decode_raises_only_frame_error(raw: bytes) -> None:
    with contextlib.suppress(FrameError):
        decode_packet(raw)


@settings(max_examples=300, deadline=None)
@given(garbage=st.binary(max_size=100))
def test_steady_stream_after_garbage_is_recovered(garbage: bytes) -> None:
    events = run([(0.0, garbage), *packets(6)])
    assert stable(events) == [(4.0, {"spo2": 98, "pulse": 72})]
