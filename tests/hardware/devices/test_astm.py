"""The ASTM host protocol: the sample message, rejections, time-outs, the simulator, and fuzzing."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hardware.devices.astm import Astm, AstmSimulator
from hardware.devices.astm_link import RECEIVE_TIMEOUT_S
from hardware.devices.astm_records import encode_message
from hardware.devices.base import Event, LineSettings, Measurement, Rejected, Reply
from tests.hardware.devices.astm_support import SAMPLE_FRAMES, SAMPLE_RECORDS, SESSION, converse

ACK, NAK, ENQ, EOT = b"\x06", b"\x15", b"\x05", b"\x04"
SAMPLE_MEASUREMENT = Measurement(
    values={"hba1c": 7.2},
    raw=SESSION,
    device_time=dt.datetime(2024, 5, 1, 9, 35),
    subject="P000123",
    extra={"hba1c_ifcc": 55.0},
)


def results(events: list[Event]) -> list[Event]:
    return [e for e in events if not isinstance(e, Reply)]


def replies(events: list[Event]) -> bytes:
    return b"".join(e.data for e in events if isinstance(e, Reply))


def session(records: list[str]) -> bytes:
    return ENQ + b"".join(encode_message(records)) + EOT


def test_name_and_line() -> None:
    assert Astm.name == "astm"
    assert Astm.line == LineSettings(baudrate=9600, bytesize=8, parity="N", stopbits=1)


def test_the_sample_message_becomes_one_measurement() -> None:
    events = Astm().feed(SESSION, 0.0)
    assert replies(events) == ACK * 7
    assert results(events) == [SAMPLE_MEASUREMENT]


def test_byte_by_byte_gives_the_same() -> None:
    host, events = Astm(), []
    for i, byte in enumerate(SESSION):
        events += host.feed(bytes([byte]), i * 0.01)
    assert results(events) == [SAMPLE_MEASUREMENT]


def test_one_measurement_per_patient() -> None:
    records = [
        "H|\\^&",
        "P|1||A1",
        "R|1|^^^GLU|6.1|mmol/L||||F||||20240501080000",
        "R|2|^^^TC|200|mg/dL||||F||||20240501080500",
        "P|2||B2",
        "R|1|^^^FPG|5.2|mmol/L||||F",
        "P|3||C3",
        "O|1|S3||^^^GLU",  # ordered, no result yet: no event for this patient
        "L|1|N",
    ]
    raw = session(records)
    assert results(Astm().feed(raw, 0.0)) == [
        Measurement(
            values={"random_glucose": 6.1, "tc": 5.17},
            raw=raw,
            device_time=dt.datetime(2024, 5, 1, 8, 5),
            subject="A1",
        ),
        Measurement(values={"fpg": 5.2}, raw=raw, subject="B2"),
    ]


def rejected(records: list[str]) -> str:
    raw = session(records)
    [event] = results(Astm().feed(raw, 0.0))
    assert isinstance(event, Rejected)
    assert event.raw == raw
    return event.reason


def test_a_glucose_that_looks_like_mg_dl_without_a_unit_is_rejected() -> None:
    reason = rejected(["H|\\^&", "P|1||A", "R|1|^^^GLU|126|||||F", "L|1"])
    assert "random glucose 126" in reason


def test_an_implausible_hba1c_is_rejected() -> None:
    assert "HbA1c" in rejected(["H|\\^&", "P|1||A", "R|1|^^^HbA1c^NGSP|72|%||||F", "L|1"])


def test_only_preliminary_results_are_rejected_naming_them() -> None:
    assert "HbA1c: status P" in rejected(["H|\\^&", "P|1||A", "R|1|^^^HbA1c|7.2|%||||P", "L|1"])


def test_quality_control_is_not_a_patient() -> None:
    assert "processing id 'Q'" in rejected(["H|\\^&||||||||||Q", "R|1|^^^HbA1c|7.2|%||||F", "L|1"])


def test_a_message_without_its_terminator_is_rejected() -> None:
    assert "L terminator" in rejected(SAMPLE_RECORDS[:-1])


def test_a_message_with_no_results_is_silent() -> None:
    assert results(Astm().feed(session(["H|\\^&", "L|1|N"]), 0.0)) == []


def test_two_messages_in_one_session() -> None:
    raw = session(SAMPLE_RECORDS + SAMPLE_RECORDS)
    events = results(Astm().feed(raw, 0.0))
    assert [e.subject for e in events if isinstance(e, Measurement)] == ["P000123", "P000123"]


def test_a_silent_instrument_is_dropped_after_30_s_and_the_next_message_taken() -> None:
    host = Astm()
    partial = ENQ + b"".join(SAMPLE_FRAMES[:3])
    assert replies(host.feed(partial, 10.0)) == ACK * 4
    assert host.tick(10.0 + RECEIVE_TIMEOUT_S - 0.1) == []
    [event] = host.tick(10.0 + RECEIVE_TIMEOUT_S)
    assert isinstance(event, Rejected)
    assert event.raw == partial
    assert "30 s" in event.reason
    assert results(host.feed(SESSION, 50.0)) == [SAMPLE_MEASUREMENT]


def test_an_overlong_session_is_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("hardware.devices.astm_link.MAX_MESSAGE_BYTES", 100)
    [event] = results(Astm().feed(SESSION, 0.0))
    assert isinstance(event, Rejected)
    assert "longer than 100 bytes" in event.reason
    assert event.raw == SESSION[:100]


def test_reset_drops_a_half_received_session() -> None:
    host = Astm()
    host.feed(ENQ + b"".join(SAMPLE_FRAMES[:3]), 0.0)
    host.reset()
    assert host.feed(b"".join(SAMPLE_FRAMES[3:]) + EOT, 1.0) == []
    assert results(host.feed(SESSION, 2.0)) == [SAMPLE_MEASUREMENT]


# -- with the simulator ---------------------------------------------------------------------------------


def test_the_simulator_sends_plausible_hba1c_the_host_records() -> None:
    sim = AstmSimulator(seed=3, interval_s=30.0, error_rate=0.5, garbage_rate=0.5)
    events, _ = converse(Astm(), sim, until=400.0)
    measurements = [e for e in events if isinstance(e, Measurement)]
    assert len(sim.sent) >= 10
    assert [(m.subject, m.values["hba1c"]) for m in measurements] == sim.sent
    assert all(4.5 <= m.values["hba1c"] <= 12.0 and "hba1c_ifcc" in m.extra for m in measurements)
    assert NAK in replies(events)  # corrupted frames were refused, and their retransmissions accepted
    assert not [e for e in events if isinstance(e, Rejected)]


def test_every_message_with_a_corrupted_frame_still_arrives() -> None:
    sim = AstmSimulator(seed=5, interval_s=20.0, error_rate=1.0, garbage_rate=1.0)
    events, _ = converse(Astm(), sim, until=200.0)
    measurements = [e for e in events if isinstance(e, Measurement)]
    assert [(m.subject, m.values["hba1c"]) for m in measurements] == sim.sent
    assert len(sim.sent) >= 8
    assert not [e for e in events if isinstance(e, Rejected)]
    assert replies(events).count(NAK) == len(sim.sent)  # one corrupted frame a message, sent again
    assert sim.aborted == 0


def test_the_simulator_is_deterministic_for_a_seed() -> None:
    def transcript(seed: int) -> list[tuple[float, bytes]]:
        return converse(Astm(), AstmSimulator(seed=seed, error_rate=0.3, garbage_rate=0.3), until=200.0)[1]

    assert transcript(7) == transcript(7)
    assert transcript(7) != transcript(8)


def test_six_naks_make_the_simulator_abort_and_nothing_is_recorded() -> None:
    def bad_cable(data: bytes) -> bytes:  # every frame arrives with a wrong checksum
        return data[:-4] + b"ZZ\r\n" if data.startswith(b"\x02") else data

    sim = AstmSimulator(seed=1, interval_s=60.0, error_rate=0.0, garbage_rate=0.0)
    events, written = converse(Astm(), sim, until=5.0, line=bad_cable)
    assert replies(events) == ACK + NAK * 6
    assert written[-1][1] == EOT
    assert sim.aborted == 1
    assert sim.sent == []
    assert not [e for e in events if isinstance(e, Measurement)]


def test_a_host_that_never_answers_gets_eot_after_15_s() -> None:
    sim = AstmSimulator(seed=2, interval_s=100.0, error_rate=0.0, garbage_rate=0.0)
    _, written = converse(Astm(), sim, until=20.0, host_answers=False)
    assert written == [(0.0, ENQ), (15.0, EOT)]
    assert sim.aborted == 1


# -- never raises ---------------------------------------------------------------------------------------

_BYTES = st.one_of(
    st.binary(max_size=60),
    st.sampled_from([ENQ, EOT, ACK, NAK, b"\x02", b"\x03", b"\x17", b"\r\n", *SAMPLE_FRAMES]),
)


@given(st.lists(st.tuples(_BYTES, st.floats(0, 40)), max_size=12))
@settings(max_examples=300, deadline=None)
def test_feed_and_tick_never_raise(chunks: list[tuple[bytes, float]]) -> None:
    host, now = Astm(), 0.0
    host.feed(ENQ, now)
    for data, step in chunks:
        now += step
        for event in host.feed(data, now) + host.tick(now):
            assert isinstance(event, Measurement | Rejected | Reply)


@given(st.binary(max_size=400), st.lists(st.integers(0, 400), max_size=6))
@settings(max_examples=300, deadline=None)
def test_a_mutated_session_never_raises(noise: bytes, cuts: list[int]) -> None:
    data = bytearray(SESSION)
    for i, cut in enumerate(sorted(cuts)):  # splice noise into the sample at the cut points
        at = min(cut, len(data))
        data[at:at] = noise[i * 8 : i * 8 + 8]
    host = Astm()
    for start in range(0, len(data), 37):
        host.feed(bytes(data[start : start + 37]), start / 10)
    host.tick(1000.0)
