"""Omron HBP-9030 format 5 (DEVICES.md §2 [U]): a corpus of lines, streams, the simulator, fuzzing."""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hardware.devices.base import FrameError, Measurement, Rejected, plausible
from hardware.devices.omron import FRAME_LEN, OmronHbp9030, OmronSimulator, encode_reading, parse_frame
from tests.hardware.devices.corpus import feed_everywhere, kinds, readings, rejected, run_simulator

GOOD = b"2024,05,01,09,30,P000123             ,0,128,082,072,0\r\n"  # DEVICES.md §2
FAILED = b"2024,05,01,09,31,                    ,2,   ,   ,   ,0\r\n"  # DEVICES.md §2
WHEN = dt.datetime(2024, 5, 1, 9, 30)


def line(
    *,
    ident: str = " " * 20,
    error: str = "0",
    sys: str = "128",
    dia: str = "082",
    pr: str = "072",
    move: str = "0",
) -> bytes:
    return f"2024,05,01,09,30,{ident},{error},{sys},{dia},{pr},{move}".encode()


def test_samples_of_devices_md() -> None:
    assert parse_frame(GOOD) == Measurement(
        values={"sbp": 128, "dbp": 82, "pulse": 72},
        raw=GOOD[:-2],
        device_time=WHEN,
        subject="P000123",
        extra={"movement": 0.0},
    )
    failed = parse_frame(FAILED)
    assert failed.values == {}
    assert failed.error is not None
    assert "error code 2" in failed.error
    assert failed.subject is None
    assert failed.device_time == dt.datetime(2024, 5, 1, 9, 31)


@pytest.mark.parametrize(
    ("frame", "values", "error"),
    [
        pytest.param(
            line(sys="260", dia="215", pr="220"),
            {"sbp": 260, "dbp": 215, "pulse": 220},
            None,
            id="upper limits",
        ),
        pytest.param(
            line(sys="060", dia="030", pr="030"), {"sbp": 60, "dbp": 30, "pulse": 30}, None, id="lower limits"
        ),
        pytest.param(
            line(pr="035"),
            {"sbp": 128, "dbp": 82, "pulse": 35},
            None,
            id="PR 35: below the monitor's 40 but kept",
        ),
        pytest.param(
            line(error="0", sys="   ", dia="   ", pr="   "), {}, "no values", id="blank vitals, error 0"
        ),
        pytest.param(line(error="5"), {}, "error code 5", id="error code with vitals: still a failure"),
        pytest.param(line(move="1"), {"sbp": 128, "dbp": 82, "pulse": 72}, None, id="body movement flagged"),
        pytest.param(line() + b"\r\n", {"sbp": 128, "dbp": 82, "pulse": 72}, None, id="with CR LF"),
    ],
)
def test_good_frames(frame: bytes, values: dict[str, float], error: str | None) -> None:
    reading = parse_frame(frame)
    assert reading.values == values
    assert (reading.error is None) == (error is None)
    if error is not None:
        assert reading.error is not None
        assert error in reading.error


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        pytest.param(line()[:-2], "11 comma-separated fields", id="a field missing"),
        pytest.param(line() + b",0", "11 comma-separated fields", id="a field too many"),
        pytest.param(line(dia=" 82"), "DIA should be digits", id="space-padded vital"),
        pytest.param(line(dia="82"), "DIA should be 3 characters", id="short vital"),
        pytest.param(line(ident="P1"), "ID should be 20 characters", id="ID not padded"),
        pytest.param(line(sys="12a"), "SYS should be digits", id="letter in SYS"),
        pytest.param(line(error="E"), "error should be digits", id="letter in error"),
        pytest.param(line(pr="   "), "all given or all blank", id="PR blank only"),
        pytest.param(line(move="2"), "movement flag", id="movement 2"),
        pytest.param(line().replace(b"2024,05", b"2024,13"), "not a valid date", id="month 13"),
        pytest.param(line(sys="080", dia="082"), "higher than diastolic", id="SBP below DBP"),
        pytest.param(line(sys="300"), "outside the plausible", id="SBP 300"),
        pytest.param(line(pr="025"), "outside the plausible", id="pulse 25"),
        pytest.param(line(ident="张三".ljust(18)), "ASCII", id="non-ASCII"),
        pytest.param(b"", "11 comma-separated fields", id="empty"),
    ],
)
def test_bad_frames(frame: bytes, message: str) -> None:
    with pytest.raises(FrameError, match=message) as caught:
        parse_frame(frame)
    assert caught.value.raw == frame.removesuffix(b"\r\n")


def test_encode_reading_gives_the_samples() -> None:
    assert encode_reading(when=WHEN, subject="P000123", sbp=128, dbp=82, pulse=72) == GOOD
    failed = encode_reading(when=WHEN.replace(minute=31), sbp=None, dbp=None, pulse=None, error=2)
    assert failed == FAILED
    assert len(GOOD) == FRAME_LEN + 2
    with pytest.raises(ValueError, match="20 ASCII"):
        encode_reading(when=WHEN, subject="X" * 21, sbp=1, dbp=1, pulse=1)


@pytest.mark.parametrize(
    ("stream", "expected"),
    [
        pytest.param(GOOD + FAILED, ["stable", "error"], id="glued"),
        pytest.param(
            GOOD + b"\x00\xff junk\r\n" + FAILED, ["stable", "rejected", "error"], id="garbage line between"
        ),
        pytest.param(b"#@!" + GOOD, ["rejected", "stable"], id="garbage glued before a frame: tail resync"),
        pytest.param(b"\r\n\r\n  \r\n" + GOOD, ["stable"], id="blank lines skipped"),
        pytest.param(GOOD[:30] + b"\r\n" + GOOD, ["rejected", "stable"], id="frame cut short by a line end"),
        pytest.param(
            b"x" * 300 + b"\r\n" + GOOD, ["rejected", "stable"], id="over-long line capped and dropped"
        ),
        pytest.param(
            GOOD.replace(b"\r\n", b"\r") + GOOD.replace(b"\r\n", b"\n"),
            ["stable", "stable"],
            id="CR or LF alone",
        ),
        pytest.param(line(sys="300") + b"\r\n" + GOOD, ["rejected", "stable"], id="implausible then good"),
    ],
)
def test_streams(stream: bytes, expected: list[str]) -> None:
    assert kinds(feed_everywhere(OmronHbp9030, stream)) == expected


def test_over_long_line_keeps_a_bounded_raw() -> None:
    events = OmronHbp9030().feed(b"x" * 10_000, 0.0) + OmronHbp9030().feed(b"\r\n", 0.0)
    assert [len(e.raw) for e in rejected(events)] == [OmronHbp9030.MAX_LINE]


def test_reset_drops_a_partial_frame() -> None:
    protocol = OmronHbp9030()
    protocol.feed(GOOD[:20], 0.0)
    protocol.reset()
    assert readings(protocol.feed(GOOD, 0.0)) == [parse_frame(GOOD)]


@pytest.mark.parametrize("seed", range(12))
def test_simulator_output_parses(seed: int) -> None:
    simulator = OmronSimulator(seed=seed, interval_s=10.0, error_rate=0.1, garbage_rate=0.1)
    events = run_simulator(simulator, OmronHbp9030(), until=3000.0)
    good = [r for r in readings(events) if r.error is None]
    assert all(plausible(r.values, r.raw) == r.values for r in good)
    assert all(r.device_time is not None for r in readings(events))
    assert len(readings(events)) + len(rejected(events)) >= 280  # ~300 frames, a corrupt one is one Rejected


def test_simulator_rates_and_determinism() -> None:
    events = [
        run_simulator(OmronSimulator(seed=seed, interval_s=1.0), OmronHbp9030(), 1000.0) for seed in range(8)
    ]
    flat = [e for run in events for e in run]
    frames = len(readings(flat))  # ~8000; a corrupted frame (1 % of them) gives a Rejected instead
    errors = len([r for r in readings(flat) if r.error])
    assert 0.04 < errors / frames < 0.06  # error_rate 0.05
    assert 0.015 < len(rejected(flat)) / frames < 0.025  # garbage_rate 0.02: one Rejected each
    sbp = sorted(r.values["sbp"] for r in readings(flat) if not r.error)
    assert sbp[0] >= 100
    assert sbp[-1] <= 200
    assert 0.25 < sum(v >= 140 for v in sbp) / len(sbp) < 0.5
    again = run_simulator(OmronSimulator(seed=0, interval_s=1.0), OmronHbp9030(), 1000.0)
    assert again == events[0] != events[1]


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=400), cuts=st.lists(st.integers(0, 400), max_size=6))
def test_feed_never_raises(data: bytes, cuts: list[int]) -> None:
    protocol = OmronHbp9030()
    bounds = [0, *sorted(cuts), len(data)]
    for start, end in itertools.pairwise(bounds):
        for event in protocol.feed(data[start:end], 0.0):
            assert isinstance(event, Measurement | Rejected)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.binary(max_size=80), st.builds(lambda b: GOOD[: len(b)] + b, st.binary(max_size=60))))
def test_parse_raises_only_frame_error(frame: bytes) -> None:
    with contextlib.suppress(FrameError):
        parse_frame(frame)


@settings(max_examples=300, deadline=None)
@given(garbage=st.binary(max_size=150), end=st.sampled_from([b"\r\n", b"\n", b"\r", b""]))
def test_good_frame_after_garbage_is_recovered(garbage: bytes, end: bytes) -> None:
    events = OmronHbp9030().feed(garbage + end + GOOD, 0.0)
    assert events[-1] == parse_frame(GOOD)
