"""E1381 frames and link: checksum vectors, a corpus of split/glued/noisy sessions, two links back to back."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from hardware.devices.astm_frames import build_frame, build_frames, checksum, parse_frame
from hardware.devices.astm_link import (
    ACK_TIMEOUT_S,
    HOST_CONTENTION_WAIT_S,
    RECEIVE_TIMEOUT_S,
    TRANSITIONS,
    AstmLink,
    Input,
    LinkAbort,
    LinkDiscard,
    LinkMessage,
    LinkSend,
    LinkSent,
    Role,
    State,
)
from hardware.devices.base import FrameError
from tests.hardware.devices.astm_support import SAMPLE_FRAMES, SAMPLE_RECORDS, SESSION, Pair

RECORDS = [r.encode() for r in SAMPLE_RECORDS]
ACK, NAK, ENQ, EOT = b"\x06", b"\x15", b"\x05", b"\x04"


def sends(events: Sequence[object]) -> bytes:
    return b"".join(e.data for e in events if isinstance(e, LinkSend))


def receive_all(chunks: list[bytes]) -> tuple[list[object], bytes]:
    link, events = AstmLink(Role.HOST), []
    for chunk in chunks:
        events += link.receive(chunk, 0.0)
    return [e for e in events if not isinstance(e, LinkSend)], sends(events)


# -- frames ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("frame", "number", "text"),
    [
        pytest.param(b"\x021A|B|C|D\r\x03BF\r\n", 1, b"A|B|C|D\r", id="DEVICES.md vector 1A|B|C|D"),
        pytest.param(b"\x020H\r\x0388\r\n", 0, b"H\r", id="DEVICES.md vector FN 0"),
    ],
)
def test_checksum_vectors(frame: bytes, number: int, text: bytes) -> None:
    assert parse_frame(frame) == (number, text, True)
    assert build_frame(number, text, final=True) == frame


def test_the_sample_message_encodes_to_the_documented_frames() -> None:
    assert build_frames(RECORDS) == SAMPLE_FRAMES
    assert [parse_frame(f)[1] for f in SAMPLE_FRAMES] == [r + b"\r" for r in RECORDS]


def test_lower_case_checksum_carries_the_same_sum() -> None:
    assert parse_frame(b"\x020H\r\x0388\r\n".replace(b"88", b"88".lower())) == (0, b"H\r", True)
    assert checksum(b"1A|B|C|D\r\x03") == b"BF"


@pytest.mark.parametrize(
    "frame",
    [
        pytest.param(b"\x021A|B|C|D\r\x03BE\r\n", id="checksum off by one"),
        pytest.param(b"\x021A|B|C|D\r\x03BF\n", id="no CR before LF"),
        pytest.param(b"\x021A|B|C|D\r\x03BF\r\r", id="no LF"),
        pytest.param(b"\x028H\r\x0390\r\n", id="frame number 8"),
        pytest.param(b"\x021A\x05B\r\x03" + checksum(b"1A\x05B\r\x03") + b"\r\n", id="ENQ inside text"),
        pytest.param(b"\x021\x03\r\n", id="too short"),
        pytest.param(b"1A|B|C|D\r\x03BF\r\n", id="no STX"),
        pytest.param(b"\x021A|B|C|D\rXBF\r\n", id="no ETX or ETB"),
    ],
)
def test_bad_frames_are_refused(frame: bytes) -> None:
    with pytest.raises(FrameError):
        parse_frame(frame)


def test_records_may_not_hold_control_characters() -> None:
    with pytest.raises(ValueError, match="control character"):
        build_frames([b"R|1\r|2"])


def test_a_long_record_is_cut_into_etb_frames_of_240() -> None:
    record = b"C|1|" + b"x" * 596  # 600 characters + CR = 240 + 240 + 121
    frames = build_frames([b"H|\\^&", record, b"L|1"])
    assert [parse_frame(f)[0] for f in frames] == [1, 2, 3, 4, 5]
    assert [len(parse_frame(f)[1]) for f in frames[1:4]] == [240, 240, 121]
    assert [parse_frame(f)[2] for f in frames] == [True, False, False, True, True]


# -- the receiver on a corpus ---------------------------------------------------------------------------


def test_the_sample_session_at_once() -> None:
    events, replies = receive_all([SESSION])
    assert events == [LinkMessage(records=tuple(RECORDS), raw=SESSION)]
    assert replies == ACK * 7  # the ENQ and six frames


def test_split_at_every_byte_gives_the_same_message() -> None:
    for cut in range(1, len(SESSION)):
        events, replies = receive_all([SESSION[:cut], SESSION[cut:]])
        assert events == [LinkMessage(records=tuple(RECORDS), raw=SESSION)], cut
        assert replies == ACK * 7, cut
    events, replies = receive_all([bytes([b]) for b in SESSION])
    assert events == [LinkMessage(records=tuple(RECORDS), raw=SESSION)]


def test_noise_between_frames_is_ignored() -> None:
    noise = b"\x00\xffnoise~"
    session = ENQ + noise + noise.join(SAMPLE_FRAMES) + noise + EOT
    events, replies = receive_all([session])
    assert events == [LinkMessage(records=tuple(RECORDS), raw=session)]
    assert replies == ACK * 7


def test_noise_inside_a_frame_is_naked_and_the_retransmission_accepted() -> None:
    third = SAMPLE_FRAMES[2]
    garbled = third[:10] + b"#" + third[10:]
    session = ENQ + b"".join(SAMPLE_FRAMES[:2]) + garbled + b"".join(SAMPLE_FRAMES[2:]) + EOT
    events, replies = receive_all([session])
    assert events == [LinkMessage(records=tuple(RECORDS), raw=session)]
    assert replies == ACK * 3 + NAK + ACK * 4


def test_noise_inside_the_trailer_is_naked() -> None:
    third = SAMPLE_FRAMES[2]
    garbled = third[:-2] + b"x" + third[-2:]  # C1 C2 CR x LF: the fourth trailer byte is not LF
    session = ENQ + b"".join(SAMPLE_FRAMES[:2]) + garbled + b"".join(SAMPLE_FRAMES[2:]) + EOT
    events, replies = receive_all([session])
    assert events == [LinkMessage(records=tuple(RECORDS), raw=session)]
    assert replies == ACK * 3 + NAK + ACK * 4


def test_a_long_record_is_joined_from_its_etb_frames() -> None:
    record = b"C|1|" + b"x" * 596
    records = [b"H|\\^&", record, b"L|1"]
    events, replies = receive_all([ENQ + b"".join(build_frames(records)) + EOT])
    assert [e.records for e in events if isinstance(e, LinkMessage)] == [tuple(records)]
    assert replies == ACK * 6


def test_frame_numbers_wrap_from_7_to_0() -> None:
    records = [b"H|\\^&", *(f"C|{i}|comment".encode() for i in range(1, 10)), b"L|1"]
    frames = build_frames(records)
    assert [f[1:2] for f in frames] == [b"1", b"2", b"3", b"4", b"5", b"6", b"7", b"0", b"1", b"2", b"3"]
    events, replies = receive_all([ENQ + b"".join(frames) + EOT])
    assert [e.records for e in events if isinstance(e, LinkMessage)] == [tuple(records)]
    assert replies == ACK * 12


def test_a_repeat_of_the_last_frame_is_acked_and_ignored() -> None:
    frames = SAMPLE_FRAMES
    session = ENQ + b"".join(frames[:3]) + frames[2] + b"".join(frames[3:]) + EOT
    events, replies = receive_all([session])
    assert [e.records for e in events if isinstance(e, LinkMessage)] == [tuple(RECORDS)]
    assert replies == ACK * 8


def test_a_skipped_frame_number_is_naked() -> None:
    events, replies = receive_all([ENQ + SAMPLE_FRAMES[0] + SAMPLE_FRAMES[2]])
    assert replies == ACK + ACK + NAK
    assert events == []


def test_eot_after_a_refused_frame_discards_the_message() -> None:
    session = ENQ + b"".join(SAMPLE_FRAMES[:3]) + SAMPLE_FRAMES[4] + EOT
    events, _ = receive_all([session])
    [discard] = events
    assert isinstance(discard, LinkDiscard)
    assert (discard.records, discard.raw) == (tuple(RECORDS[:3]), session)
    assert "refused frame" in discard.reason


def test_eot_inside_an_etb_record_discards_the_message() -> None:
    frames = build_frames([b"H|\\^&", b"C|1|" + b"x" * 300])
    events, _ = receive_all([ENQ + b"".join(frames[:2]) + EOT])
    assert len(events) == 1
    assert isinstance(events[0], LinkDiscard)
    assert "inside a record" in events[0].reason


def test_bytes_outside_a_session_are_ignored() -> None:
    events, replies = receive_all([b"\x00junk" + SAMPLE_FRAMES[0] + ACK + NAK + EOT])
    assert (events, replies) == ([], b"")


def test_the_receiver_waits_30_s_for_the_next_frame() -> None:
    link = AstmLink(Role.HOST)
    link.receive(ENQ + b"".join(SAMPLE_FRAMES[:3]), 100.0)
    assert link.tick(100.0 + RECEIVE_TIMEOUT_S - 0.1) == []
    assert link.next_deadline() == 100.0 + RECEIVE_TIMEOUT_S
    [discard] = link.tick(100.0 + RECEIVE_TIMEOUT_S)
    assert isinstance(discard, LinkDiscard)
    assert discard.records == tuple(RECORDS[:3])
    assert link.state is State.NEUTRAL
    assert link.receive(SAMPLE_FRAMES[3] + EOT, 131.0) == []  # the rest of a dead session: noise
    events = link.receive(SESSION, 140.0)
    assert LinkMessage(records=tuple(RECORDS), raw=SESSION) in events


# -- the sender -----------------------------------------------------------------------------------------


def test_the_sender_gives_up_15_s_after_its_enq() -> None:
    link = AstmLink(Role.INSTRUMENT)
    assert link.send(SAMPLE_FRAMES, 5.0) == [LinkSend(data=ENQ)]
    assert link.tick(5.0 + ACK_TIMEOUT_S - 0.1) == []
    events = link.tick(5.0 + ACK_TIMEOUT_S)
    assert events[0] == LinkSend(data=EOT)
    assert isinstance(events[1], LinkAbort)
    assert link.idle


def test_the_sender_gives_up_15_s_after_a_frame() -> None:
    link = AstmLink(Role.INSTRUMENT)
    link.send(SAMPLE_FRAMES, 0.0)
    assert link.receive(ACK, 1.0) == [LinkSend(data=SAMPLE_FRAMES[0])]
    assert link.tick(15.9) == []
    assert link.tick(16.0)[0] == LinkSend(data=EOT)


def test_a_nak_to_the_enq_means_busy_retry_after_10_s() -> None:
    link = AstmLink(Role.INSTRUMENT)
    link.send(SAMPLE_FRAMES, 0.0)
    assert link.receive(NAK, 1.0) == []
    assert link.next_deadline() == 11.0
    assert link.tick(10.9) == []
    assert link.tick(11.0) == [LinkSend(data=ENQ)]
    assert link.receive(ACK, 11.5) == [LinkSend(data=SAMPLE_FRAMES[0])]


def test_eot_in_place_of_ack_is_an_interrupt_the_sender_may_ignore() -> None:
    link = AstmLink(Role.INSTRUMENT)
    link.send(SAMPLE_FRAMES, 0.0)
    link.receive(ACK, 0.0)
    assert link.receive(EOT, 0.0) == [LinkSend(data=SAMPLE_FRAMES[1])]


# -- two links back to back -----------------------------------------------------------------------------


def pair() -> Pair:
    return Pair(host=AstmLink(Role.HOST), instrument=AstmLink(Role.INSTRUMENT))


def test_a_clean_conversation() -> None:
    p = pair()
    p.send("instrument", RECORDS)
    assert p.of("host", LinkMessage) == [LinkMessage(records=tuple(RECORDS), raw=SESSION)]
    assert p.of("instrument", LinkSent) == [LinkSent(frames=6)]
    assert p.sent("h>i") == [ACK] * 7
    assert p.host.idle
    assert p.instrument.idle


def test_a_naked_frame_is_sent_again_and_accepted() -> None:
    p = pair()
    seen: list[bytes] = []

    def garble_first_third_frame(data: bytes) -> bytes:
        seen.append(data)
        return data[:-4] + b"00\r\n" if data == SAMPLE_FRAMES[2] and seen.count(data) == 1 else data

    p.to_host = garble_first_third_frame
    p.send("instrument", RECORDS)
    assert p.sent("h>i") == [ACK] * 3 + [NAK] + [ACK] * 4
    assert p.sent("i>h").count(SAMPLE_FRAMES[2]) == 2
    assert [e.records for e in p.of("host", LinkMessage)] == [tuple(RECORDS)]


def test_six_naks_abort_and_the_receiver_discards_the_partial_message() -> None:
    p = pair()
    p.to_host = lambda data: data[:-4] + b"00\r\n" if data == SAMPLE_FRAMES[3] else data
    p.send("instrument", RECORDS)
    assert p.sent("i>h").count(SAMPLE_FRAMES[3]) == 6
    assert p.sent("i>h")[-1] == EOT
    assert p.sent("h>i") == [ACK] * 4 + [NAK] * 6
    assert isinstance(p.of("instrument", LinkAbort)[0], LinkAbort)
    assert p.of("host", LinkMessage) == []
    [discard] = p.of("host", LinkDiscard)
    assert discard.records == tuple(RECORDS[:3])


def test_contention_the_instrument_wins_and_the_host_waits_20_s() -> None:
    p = pair()
    query = [b"H|\\^&", b"Q|1|^P000123||^^^HbA1c", b"L|1|N"]
    p.send_both(query, RECORDS)
    assert p.sent("h>i") == [ENQ]  # the host yields: it does not answer the contending ENQ
    assert p.host.state is State.NEUTRAL
    p.run(until=1.0)
    assert p.of("host", LinkMessage) == [LinkMessage(records=tuple(RECORDS), raw=SESSION)]
    host_enq_times = [t for t, d, data in p.wire if d == "h>i" and data == ENQ]
    assert host_enq_times == [0.0]  # nothing more before the 20 s are up
    p.run(until=HOST_CONTENTION_WAIT_S + 1)
    host_enq_times = [t for t, d, data in p.wire if d == "h>i" and data == ENQ]
    assert host_enq_times == [0.0, HOST_CONTENTION_WAIT_S]
    assert p.of("instrument", LinkMessage) == [
        LinkMessage(records=tuple(query), raw=ENQ + b"".join(build_frames(query)) + EOT)
    ]
    assert len(p.of("host", LinkSent)) == 1


def test_an_instrument_silent_mid_message_is_dropped_after_30_s_and_the_next_message_taken() -> None:
    p = pair()
    silent = False

    def line(data: bytes) -> bytes | None:
        nonlocal silent
        silent = silent or data == SAMPLE_FRAMES[3]
        return None if silent else data

    p.to_host = line
    p.send("instrument", RECORDS)  # frames 1-3 arrive, then nothing
    p.run(until=RECEIVE_TIMEOUT_S - 0.5)
    assert p.of("host", LinkDiscard) == []
    p.run(until=RECEIVE_TIMEOUT_S)
    [(when, _, discard)] = [e for e in p.events if e[1] == "host"]
    assert (when, type(discard)) == (RECEIVE_TIMEOUT_S, LinkDiscard)
    assert p.host.state is State.NEUTRAL
    p.to_host = lambda data: data
    p.send("instrument", RECORDS)
    assert p.of("host", LinkMessage) == [LinkMessage(records=tuple(RECORDS), raw=SESSION)]


def test_a_host_that_never_acks_gets_eot_after_15_s() -> None:
    p = pair()
    p.to_instrument = lambda data: None
    p.send("instrument", RECORDS)
    p.run(until=ACK_TIMEOUT_S)
    assert [(t, data) for t, d, data in p.wire if d == "i>h"] == [(0.0, ENQ), (ACK_TIMEOUT_S, EOT)]
    assert len(p.of("instrument", LinkAbort)) == 1
    assert p.host.state is State.NEUTRAL  # its ACK was lost, then EOT ended the empty session


def test_every_timeout_and_eot_row_leads_to_neutral() -> None:
    for (state, event), (_, allowed) in TRANSITIONS.items():
        if event is Input.TIMEOUT or (state is State.RECEIVING and event is Input.EOT):
            assert allowed == {State.NEUTRAL}, (state, event)
    assert {s for s, _ in TRANSITIONS} == set(State)
