"""scale-line (DEVICES.md §2 [U]): presets, custom patterns, units, repeats, streams, simulator, fuzzing."""

from __future__ import annotations

import contextlib
import itertools
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hardware.devices.base import DeviceError, FrameError, Measurement, Rejected, plausible
from hardware.devices.scale_line import (
    PRESETS,
    InvalidPattern,
    ScaleLine,
    ScaleLineSimulator,
    compile_pattern,
    encode_line,
    parse_line,
)
from tests.hardware.devices.corpus import feed_everywhere, kinds, readings, rejected, run_simulator

ST_GS = compile_pattern("st-gs")
W_H = compile_pattern("w-h")
CHINESE = "体重:(?P<weight>[\\d.]+)(?P<unit>斤|公斤) 身高:(?P<height>[\\d.]+)"


@pytest.mark.parametrize(
    ("line", "pattern", "values", "stable"),
    [
        pytest.param(b"ST,GS,+  065.50kg", "st-gs", {"weight": 65.5}, True, id="DEVICES.md stable gross"),
        pytest.param(b"US,GS,+  060.00kg", "st-gs", {"weight": 60.0}, False, id="unstable: a live value"),
        pytest.param(b"ST,NT,+  065.50kg", "st-gs", {"weight": 65.5}, True, id="net"),
        pytest.param(b"ST,GS,+65500g", "st-gs", {"weight": 65.5}, True, id="grams"),
        pytest.param(b"ST,GS,+  143.30lb", "st-gs", {"weight": 65.0}, True, id="pounds"),
        pytest.param(b"ST,GS,+  065.50", "st-gs", {"weight": 65.5}, True, id="no unit: kg"),
        pytest.param(b"\x02ST,GS,+  065.50kg\x03", "st-gs", {"weight": 65.5}, True, id="STX ETX trimmed"),
        pytest.param(
            b"W:065.5 H:170.5", "w-h", {"weight": 65.5, "height": 170.5}, True, id="DEVICES.md station"
        ),
        pytest.param(
            "体重:131.0斤 身高:170".encode("gb18030"),
            CHINESE,
            {"weight": 65.5, "height": 170},
            True,
            id="custom GB18030 jin",
        ),
        pytest.param(
            "体重:65.5公斤 身高:170".encode("gb18030"),
            CHINESE,
            {"weight": 65.5, "height": 170},
            True,
            id="custom gongjin",
        ),
        pytest.param(
            b"S US 70.2 jin",
            r"S (?P<status>\w+) (?P<weight>[\d.]+) (?P<unit>\w+)",
            {"weight": 35.1},
            False,
            id="custom status",
        ),
    ],
)
def test_good_lines(line: bytes, pattern: str, values: dict[str, float], stable: bool) -> None:
    reading = parse_line(line, compile_pattern(pattern))
    assert reading == Measurement(values=values, raw=line, stable=stable)


@pytest.mark.parametrize(
    "line",
    [
        pytest.param(b"ST,GS,+  000.00kg", id="zero"),
        pytest.param(b"US,GS,-  000.05kg", id="zero drift below"),
        pytest.param(b"ST,GS,+  001.90kg", id="under the 2 kg floor"),
    ],
)
def test_empty_platform_is_not_a_reading(line: bytes) -> None:
    assert parse_line(line, ST_GS) is None


def test_overload_is_an_error_reading() -> None:
    reading = parse_line(b"OL,GS,+  ------kg", ST_GS)
    assert reading is not None
    assert reading.values == {}
    assert reading.error is not None
    assert "overload" in reading.error


@pytest.mark.parametrize(
    ("line", "pattern", "message"),
    [
        pytest.param(b"XX,GS,+  065.50kg", ST_GS, "does not match", id="unknown status"),
        pytest.param(b"ST,GS,+  0X5.50kg", ST_GS, "weight should be a number", id="letter in weight"),
        pytest.param(b"ST,GS,+  065.50oz", ST_GS, "weight should be a number", id="unknown unit"),
        pytest.param(b"ST,GS,+  350.00kg", ST_GS, "outside the plausible", id="350 kg"),
        pytest.param(b"ST,GS,-  050.00kg", ST_GS, "outside the plausible", id="negative"),
        pytest.param(b"W:065.5 H:001.7", W_H, "outside the plausible", id="height in metres"),
        pytest.param(b"W:065.5", W_H, "does not match", id="height missing"),
        pytest.param(b"\xff\xfe", ST_GS, "not GB18030", id="undecodable"),
        pytest.param(
            b"N 70 oz",
            re.compile(r"N (?P<weight>\d+) (?P<unit>\w+)"),
            "unit should be one of",
            id="custom unit oz",
        ),
        pytest.param(
            b"N XX 70",
            re.compile(r"N (?P<status>\w+) (?P<weight>\d+)"),
            "status should be ST, US or OL",
            id="custom status XX",
        ),
    ],
)
def test_bad_lines(line: bytes, pattern: re.Pattern[str], message: str) -> None:
    with pytest.raises(FrameError, match=message):
        parse_line(line, pattern)


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        pytest.param("W:(?P<weight>[\\d.]+", "nor a valid regular expression: missing ", id="syntax error"),
        pytest.param("W:([\\d.]+)", "no named group", id="no weight group"),
        pytest.param("W:(?P<wieght>[\\d.]+)", "no named group", id="typo"),
        pytest.param("W:(?P<weight>[\\d.]+) (?P<bmi>[\\d.]+)", "unknown group", id="unknown group"),
        pytest.param("st_gs", "not a preset", id="misspelt preset"),
    ],
)
def test_invalid_patterns_fail_at_construction(pattern: str, message: str) -> None:
    with pytest.raises(InvalidPattern, match=message):
        ScaleLine(pattern=pattern)
    assert issubclass(InvalidPattern, DeviceError)


def test_encode_line_gives_the_samples() -> None:
    assert encode_line(weight=65.5) == b"ST,GS,+  065.50kg\r\n"
    assert encode_line(weight=None, status="OL") == b"OL,GS,+  ------kg\r\n"
    assert encode_line(weight=65.5, height=170.5, pattern="w-h") == b"W:065.5 H:170.5\r\n"
    with pytest.raises(ValueError, match="no encoder"):
        encode_line(weight=1.0, pattern="custom")


ST = encode_line(weight=65.5)
US = encode_line(weight=60.0, status="US")
ZERO = encode_line(weight=0.0)


@pytest.mark.parametrize(
    ("stream", "expected"),
    [
        pytest.param(US + US + ST, ["live", "stable"], id="settling then stable: a repeat dropped"),
        pytest.param(ST + ST + ST, ["stable"], id="continuous mode repeats dropped"),
        pytest.param(ST + ZERO + ST, ["stable", "stable"], id="an empty platform ends the repeat"),
        pytest.param(encode_line(weight=None, status="OL") * 3, ["error"], id="overload reported once"),
        pytest.param(
            ST + b"\x00\xffjunk\r\n" + US, ["stable", "rejected", "live"], id="garbage line between"
        ),
        pytest.param(
            ST.replace(b"\r\n", b"\r") + US.replace(b"\r\n", b"\n"), ["stable", "live"], id="CR or LF alone"
        ),
        pytest.param(b"y" * 300 + b"\r\n" + ST, ["rejected", "stable"], id="over-long line capped"),
    ],
)
def test_streams(stream: bytes, expected: list[str]) -> None:
    assert kinds(feed_everywhere(ScaleLine, stream)) == expected


def test_repeats_are_dropped_only_within_repeat_s() -> None:
    protocol = ScaleLine()
    times = [0.0, 0.5, 1.0, 3.5, 3.6]  # the 3.5 line comes 2.5 s after the last identical one
    events = [e for t in times for e in protocol.feed(ST, t)]
    assert len(events) == 2


def test_w_h_preset_stream() -> None:
    events = feed_everywhere(
        lambda: ScaleLine(pattern="w-h"), encode_line(weight=65.5, height=170.5, pattern="w-h")
    )
    assert events == [Measurement(values={"weight": 65.5, "height": 170.5}, raw=b"W:065.5 H:170.5")]


@pytest.mark.parametrize(("pattern", "seed"), [(p, s) for p in PRESETS for s in range(6)])
def test_simulator_output_parses(pattern: str, seed: int) -> None:
    simulator = ScaleLineSimulator(pattern=pattern, seed=seed, interval_s=5.0, garbage_rate=0.1)
    events = run_simulator(simulator, ScaleLine(pattern=pattern), until=1000.0)
    stable = [r for r in readings(events) if r.stable and not r.error]
    assert len(stable) > 150
    assert all(plausible(r.values, r.raw) == r.values for r in readings(events) if not r.error)


def test_simulator_rates_and_determinism() -> None:
    runs = [
        run_simulator(ScaleLineSimulator(seed=seed, interval_s=3.0), ScaleLine(), 3000.0) for seed in range(6)
    ]
    flat = [e for run in runs for e in run]
    weighings = len([r for r in readings(flat) if r.stable])  # ~6000, each one stable reading or one overload
    assert 0.04 < len([r for r in readings(flat) if r.error]) / weighings < 0.06  # error_rate 0.05
    assert 0.015 < len(rejected(flat)) / weighings < 0.025  # garbage_rate 0.02
    assert (
        run_simulator(ScaleLineSimulator(seed=0, interval_s=3.0), ScaleLine(), 3000.0) == runs[0] != runs[1]
    )
    with pytest.raises(InvalidPattern, match="presets only"):
        ScaleLineSimulator(pattern=CHINESE)


@settings(max_examples=300, deadline=None)
@given(
    data=st.binary(max_size=400),
    cuts=st.lists(st.integers(0, 400), max_size=6),
    pattern=st.sampled_from(["st-gs", "w-h", CHINESE]),
)
def test_feed_never_raises(data: bytes, cuts: list[int], pattern: str) -> None:
    protocol = ScaleLine(pattern=pattern)
    bounds = [0, *sorted(cuts), len(data)]
    for start, end in itertools.pairwise(bounds):
        for event in protocol.feed(data[start:end], 0.0):
            assert isinstance(event, Measurement | Rejected)


@settings(max_examples=300, deadline=None)
@given(
    line=st.binary(max_size=40) | st.from_regex(PRESETS["st-gs"], fullmatch=True).map(str.encode),
    pattern=st.sampled_from([ST_GS, W_H, compile_pattern(CHINESE)]),
)
def test_parse_raises_only_frame_error(line: bytes, pattern: re.Pattern[str]) -> None:
    with contextlib.suppress(FrameError):
        parse_line(line, pattern)


@settings(max_examples=300, deadline=None)
@given(garbage=st.binary(max_size=300), end=st.sampled_from([b"\r\n", b"\r", b"\n"]))
def test_good_line_after_garbage_is_recovered(garbage: bytes, end: bytes) -> None:
    events = ScaleLine().feed(garbage + end + ST, 0.0)
    assert events[-1] == parse_line(ST.rstrip(), ST_GS)
