"""Tanita records (DEVICES.md §2 [V]): checksum, keys, units, streams with stray bytes, simulator, fuzzing."""

from __future__ import annotations

import contextlib
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hardware.devices.base import FrameError, Measurement, Rejected, plausible
from hardware.devices.tanita import Tanita, TanitaSimulator, checksum, encode_record, parse_record
from tests.hardware.devices.corpus import feed_everywhere, kinds, readings, rejected, run_simulator

SAMPLE = (  # DEVICES.md §2, an SC-240
    b'{0,16,~0,1,~1,1,~2,1,MO,"SC-240",SN,"00000002",Bt,0,GE,1,AG,30,Hm,170,Pt,0.0,Wk,82.7,FW,18.6,fW,15.4,'
    b"MW,67.3,mW,64.0,sW,19,bW,3.3,wW,48.0,ww,58.0,MI,28.6,Sw,63.6,OV,30.0,IF,6,rb,8255,rB,1973,rJ,12,rA,28,"
    b"ZF,369.4,CS,FD\r\n"
)
SAMPLE_PAIRS = [tuple(p.split(",")) for p in ['MO,"SC-240"', 'SN,"00000002"', "Bt,0", "GE,1", "AG,30", "Hm,170", "Pt,0.0", "Wk,82.7", "FW,18.6", "fW,15.4", "MW,67.3", "mW,64.0", "sW,19", "bW,3.3", "wW,48.0", "ww,58.0", "MI,28.6", "Sw,63.6", "OV,30.0", "IF,6", "rb,8255", "rB,1973", "rJ,12", "rA,28", "ZF,369.4"]]  # fmt: skip


def record(*pairs: tuple[str, str]) -> bytes:
    return encode_record(pairs)


def signed(body: bytes) -> bytes:
    """Any bytes as a record with a correct checksum, for records encode_record refuses to build."""
    body = b"{0,16,~0,1,~1,1,~2,1," + body + b","
    return body + b"CS,%02X\r\n" % checksum(body)


def test_sample_of_devices_md() -> None:
    reading = parse_record(SAMPLE)
    assert reading.values == {"weight": 82.7, "height": 170, "bmi": 28.6, "body_fat": 18.6}
    assert reading.extra == {
        "fat_mass_kg": 15.4,
        "fat_free_mass_kg": 67.3,
        "muscle_mass_kg": 64.0,
        "bone_mass_kg": 3.3,
        "water_mass_kg": 48.0,
        "water_percent": 58.0,
        "visceral_fat_rating": 6,
        "bmr_kcal": 1973,
        "metabolic_age": 28,
        "impedance_ohm": 369.4,
        "age": 30,
        "sex": 1,
        "tare_kg": 0.0,
    }
    assert reading.stable
    assert reading.error is None
    assert reading.subject is None
    assert reading.raw == SAMPLE[:-2]


def test_checksum_and_encoder_reproduce_the_sample() -> None:
    assert checksum(SAMPLE[: SAMPLE.index(b",CS,") + 1]) == 0xFD
    assert encode_record([(k, v) for k, v in SAMPLE_PAIRS]) == SAMPLE


@pytest.mark.parametrize(
    ("frame", "values", "subject"),
    [
        pytest.param(record(("Wp", "182.3")), {"weight": 82.69}, None, id="Wp only: lb converted to kg"),
        pytest.param(record(("Wk", "82.7"), ("Wp", "182.3")), {"weight": 82.7}, None, id="Wk wins over Wp"),
        pytest.param(
            record(("ID", '"P000123"'), ("Wk", "60.0")), {"weight": 60}, "P000123", id="ID is the subject"
        ),
        pytest.param(record(("ID", '"    "'), ("Wk", "60.0")), {"weight": 60}, None, id="blank ID"),
        pytest.param(record(("Wk", "60.0"), ("XY", '"?"')), {"weight": 60}, None, id="unknown key ignored"),
        pytest.param(
            encode_record([("Wk", "60.0")], control="{0,16,~0,2,~1,1,~2,1,~3,0"),
            {"weight": 60},
            None,
            id="other control data",
        ),
        pytest.param(record(("Wk", "60.0")).replace(b"\r\n", b"\n"), {"weight": 60}, None, id="LF alone"),
    ],
)
def test_good_records(frame: bytes, values: dict[str, float], subject: str | None) -> None:
    reading = parse_record(frame)
    assert reading.values == values
    assert reading.subject == subject


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        pytest.param(
            SAMPLE.replace(b"Wk,82.7", b"Wk,82.8"),
            "checksum mismatch: the record says CS,FD, its bytes sum to FE",
            id="changed digit",
        ),
        pytest.param(SAMPLE.replace(b"CS,FD", b"CS,FE"), "checksum mismatch", id="changed checksum"),
        pytest.param(SAMPLE.replace(b"CS,FD", b"CS,fd"), "upper-case hex", id="lower-case checksum"),
        pytest.param(SAMPLE.replace(b",CS,FD", b""), "ends with ',CS,'", id="no checksum"),
        pytest.param(SAMPLE[1:], "starts with '{'", id="no brace"),
        pytest.param(signed(b"Wk,60.0,FW"), "odd number", id="unpaired key"),
        pytest.param(record(("Wk", "60.0"), ("Wk", "61.0")), "appears twice", id="duplicate key"),
        pytest.param(record(("Hm", "170")), "carries the weight", id="no weight"),
        pytest.param(record(("Wk", "6O.0")), "Wk should be a number", id="letter O for zero"),
        pytest.param(record(("Wk", "nan")), "Wk should be a number", id="nan"),
        pytest.param(record(("Wk", "60.0"), ("ZF", "")), "ZF should be a number", id="blank extra"),
        pytest.param(record(("Wk", "350.0")), "outside the plausible", id="350 kg"),
        pytest.param(record(("Wk", "60.0"), ("Hm", "1.70")), "outside the plausible", id="height in metres"),
        pytest.param(record(("Wk", "60.0"), ("FW", "90.0")), "outside the plausible", id="body fat 90 %"),
        pytest.param(signed(b'MO,"\xe9",Wk,60.0'), "ASCII", id="non-ASCII"),
    ],
)
def test_bad_records(frame: bytes, message: str) -> None:
    with pytest.raises(FrameError, match=message):
        parse_record(frame)


SHORT = record(("Wk", "60.0"))


@pytest.mark.parametrize(
    ("stream", "expected"),
    [
        pytest.param(SAMPLE + SHORT, ["stable", "stable"], id="glued"),
        pytest.param(SAMPLE + b"\x00" + SHORT, ["stable", "stable"], id="stray byte after a record ignored"),
        pytest.param(
            SAMPLE + b"\xfe" + SAMPLE + b"\xfe", ["stable", "stable"], id="stray byte after each record"
        ),
        pytest.param(SAMPLE + b"\r\n\r\n" + SHORT, ["stable", "stable"], id="blank line ends ignored"),
        pytest.param(b"noise\r\n" + SHORT, ["rejected", "stable"], id="garbage line before a record"),
        pytest.param(b"noise!" + SHORT, ["rejected", "stable"], id="garbage glued before a record"),
        pytest.param(SAMPLE[:100] + SHORT, ["rejected", "stable"], id="record cut short by a new one"),
        pytest.param(
            SAMPLE.replace(b"CS,FD", b"CS,00") + SHORT, ["rejected", "stable"], id="bad checksum then good"
        ),
        pytest.param(
            b"{" + b"9" * 5000 + b"\r\n" + SHORT, ["rejected", "rejected", "stable"], id="over-long record"
        ),
    ],
)
def test_streams(stream: bytes, expected: list[str]) -> None:
    assert kinds(feed_everywhere(Tanita, stream)) == expected


def test_garbage_is_bounded_and_reported_once_per_run() -> None:
    protocol = Tanita()
    events = protocol.feed(b"z" * 100_000, 0.0) + protocol.feed(b"\r\n" + SHORT, 0.0)
    assert [len(e.raw) for e in rejected(events)] == [Tanita.KEEP_GARBAGE]
    assert "100002 bytes" in rejected(events)[0].reason
    assert readings(events) == [parse_record(SHORT)]


def test_reset_drops_a_partial_record() -> None:
    protocol = Tanita()
    protocol.feed(SAMPLE[:50], 0.0)
    protocol.reset()
    assert protocol.feed(SHORT, 0.0) == [parse_record(SHORT)]


@pytest.mark.parametrize("seed", range(10))
def test_simulator_output_parses(seed: int) -> None:
    events = run_simulator(
        TanitaSimulator(seed=seed, interval_s=5.0, garbage_rate=0.1), Tanita(), until=1500.0
    )
    assert len(readings(events)) > 200
    assert all(plausible(r.values, r.raw) == r.values for r in readings(events))
    assert all(
        set(r.values) in ({"weight", "height"}, {"weight", "height", "bmi", "body_fat"})
        for r in readings(events)
    )


def test_simulator_rates_and_determinism() -> None:
    runs = [run_simulator(TanitaSimulator(seed=seed, interval_s=1.0), Tanita(), 1000.0) for seed in range(6)]
    flat = [e for run in runs for e in run]
    records = len(readings(flat))  # ~6000; a corrupted checksum (1 %) is a Rejected instead
    weight_only = len([r for r in readings(flat) if "body_fat" not in r.values])
    assert 0.04 < weight_only / records < 0.06  # error_rate 0.05: no impedance
    assert 0.015 < len(rejected(flat)) / records < 0.025  # garbage_rate 0.02
    assert run_simulator(TanitaSimulator(seed=0, interval_s=1.0), Tanita(), 1000.0) == runs[0] != runs[1]


@settings(max_examples=300, deadline=None)
@given(
    data=st.binary(max_size=600) | st.builds(bytes.__add__, st.binary(max_size=40), st.just(SAMPLE)),
    cuts=st.lists(st.integers(0, 600), max_size=6),
)
def test_feed_never_raises(data: bytes, cuts: list[int]) -> None:
    protocol = Tanita()
    bounds = [0, *sorted(cuts), len(data)]
    for start, end in itertools.pairwise(bounds):
        for event in protocol.feed(data[start:end], 0.0):
            assert isinstance(event, Measurement | Rejected)


@settings(max_examples=300, deadline=None)
@given(
    st.binary(max_size=300)
    | st.builds(lambda n, b: SAMPLE[:n] + b + SAMPLE[n:], st.integers(0, len(SAMPLE)), st.binary(max_size=4))
)
def test_parse_raises_only_frame_error(frame: bytes) -> None:
    with contextlib.suppress(FrameError):
        parse_record(frame)


@settings(max_examples=300, deadline=None)
@given(garbage=st.binary(max_size=300))
def test_good_record_after_garbage_is_recovered(garbage: bytes) -> None:
    """The `{` is the sync: no line end is needed after the garbage."""
    events = Tanita().feed(garbage + SAMPLE, 0.0)
    assert events[-1] == parse_record(SAMPLE)
