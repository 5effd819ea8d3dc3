"""ASTM E1381 (CLSI LIS1-A) low-level link: ENQ/ACK/EOT sessions of checksummed frames, either role. [V]

Frames (astm_frames): `STX FN text CR ETX C1 C2 CR LF`, or `… text ETB C1 C2 CR LF` for a record that goes
on in the next frame; FN '1'…'7','0','1'…; C1 C2 the byte sum of FN … ETX/ETB mod 256 in hex.

A session: the sender sends ENQ; the receiver answers ACK (NAK = busy: the sender retries after 10 s);
each frame is ACKed, or NAKed and sent again (the sixth refusal of one frame aborts); a repeat of the
frame last accepted is ACKed and ignored (its ACK was lost); the sender ends with EOT, also when it gives
up. Both send ENQ (contention): the instrument wins; the host goes back to neutral, takes the instrument's
session and waits 20 s before its own ENQ; the instrument re-sends ENQ after 1 s. Time-outs: a sender
waits 15 s for a reply to ENQ or a frame, then ends with EOT; a receiver waits 30 s for the next frame or
EOT, then drops the unfinished message. (E1381 as summarised in DEVICES.md and vendor host manuals.)

`AstmLink` is a pure state machine: bytes and a monotonic `now` in, `LinkEvent`s out; no clock, no port,
no threads, no exceptions. Its transitions are data (`TRANSITIONS`, h11-style): an input absent from a
state's rows is ignored, which is how line noise and stray replies are survived.
"""

from __future__ import annotations

import enum
import math
from collections import deque
from collections.abc import Callable, Sequence
from typing import Final

import msgspec

from hardware.devices.astm_frames import ACK, ENQ, EOT, NAK, FrameScanner, parse_frame
from hardware.devices.base import FrameError

MAX_REFUSALS: Final = 6  # E1381: a frame not accepted six times aborts the message
ACK_TIMEOUT_S: Final = 15.0  # sender: reply to ENQ or to a frame
RECEIVE_TIMEOUT_S: Final = 30.0  # receiver: next frame or EOT
BUSY_RETRY_S: Final = 10.0  # sender: after a NAK to its ENQ
HOST_CONTENTION_WAIT_S: Final = 20.0  # the host yields to the instrument, then waits this long
INSTRUMENT_CONTENTION_WAIT_S: Final = 1.0
MAX_MESSAGE_BYTES: Final = 1 << 20


class Role(enum.Enum):
    HOST = "host"  # the computer system: loses contention
    INSTRUMENT = "instrument"  # wins contention


class State(enum.Enum):
    NEUTRAL = "neutral"
    AWAIT_ENQ_REPLY = "await_enq_reply"  # sender: ENQ sent
    AWAIT_FRAME_REPLY = "await_frame_reply"  # sender: a frame sent
    RECEIVING = "receiving"  # receiver: between or inside frames


class Input(enum.Enum):
    SEND_DUE = "send_due"  # a message is queued and its not-before time has come
    ENQ = "enq"
    ACK = "ack"
    NAK = "nak"
    EOT = "eot"
    OTHER = "other"  # any other byte outside a receiving session
    FRAME = "frame"  # STX … LF scanned while receiving (good or bad)
    TIMEOUT = "timeout"


class LinkSend(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    """Bytes to write to the line now."""

    data: bytes


class LinkMessage(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    """A session received to its EOT: the record texts (ETB pieces joined, CR removed) and every byte read."""

    records: tuple[bytes, ...]
    raw: bytes


class LinkDiscard(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    """A session that ended unfinished (sender aborted, went silent): what had been accepted, never a result."""

    records: tuple[bytes, ...]
    raw: bytes
    reason: str


class LinkSent(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    frames: int


class LinkAbort(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    reason: str


LinkEvent = LinkSend | LinkMessage | LinkDiscard | LinkSent | LinkAbort


_CONTROL: Final = {ENQ: Input.ENQ, ACK: Input.ACK, NAK: Input.NAK, EOT: Input.EOT}


class AstmLink:
    """One end of an E1381 link in either role: `send` queues messages, `receive`/`tick` drive it."""

    def __init__(self, role: Role) -> None:
        self.role = role
        self.reset()

    def reset(self) -> None:
        """Neutral, nothing queued, nothing half-received (the port was reopened)."""
        self._state = State.NEUTRAL
        self._deadline: float | None = None
        self._out: list[LinkEvent] = []
        # sender
        self._queue: deque[tuple[bytes, ...]] = deque()
        self._current: tuple[bytes, ...] | None = None
        self._not_before = -math.inf
        self._index = 0
        self._refusals = 0
        # receiver
        self._expect = 1
        self._last: int | None = None
        self._records: list[bytes] = []
        self._partial = bytearray()  # ETB pieces of the record in progress
        self._raw = bytearray()
        self._frames_seen = 0
        self._refused = False  # the last frame was NAKed: an EOT now means the sender gave up
        self._scanner = FrameScanner()

    @property
    def state(self) -> State:
        return self._state

    @property
    def idle(self) -> bool:
        """Neutral with nothing queued or being sent."""
        return self._state is State.NEUTRAL and self._current is None and not self._queue

    def next_deadline(self) -> float | None:
        """When `tick` next has something to do (a time-out, a queued ENQ); None if nothing is pending."""
        times = [] if self._deadline is None else [self._deadline]
        if self._state is State.NEUTRAL and (self._current is not None or self._queue):
            times.append(self._not_before)
        return min(times) if times else None

    def send(self, frames: Sequence[bytes], now: float) -> list[LinkEvent]:
        """Queue one message (its frames, `build_frames`); the ENQ goes out as soon as the line allows."""
        self._queue.append(tuple(frames))
        return self.tick(now)

    def receive(self, data: bytes, now: float) -> list[LinkEvent]:
        self._expire(now)
        for byte in data:
            if self._state is State.RECEIVING:
                if len(self._raw) <= MAX_MESSAGE_BYTES:
                    self._raw.append(byte)
                self._scan(byte, now)
            else:
                self._fire(_CONTROL.get(byte, Input.OTHER), now)
        self._start_due(now)
        return self._take()

    def tick(self, now: float) -> list[LinkEvent]:
        self._expire(now)
        self._start_due(now)
        return self._take()

    # -- machinery ---------------------------------------------------------------------------------------

    def _take(self) -> list[LinkEvent]:
        out, self._out = self._out, []
        return out

    def _expire(self, now: float) -> None:
        if self._deadline is not None and now >= self._deadline:
            self._fire(Input.TIMEOUT, now)

    def _start_due(self, now: float) -> None:
        pending = self._current is not None or self._queue
        if self._state is State.NEUTRAL and pending and now >= self._not_before:
            self._fire(Input.SEND_DUE, now)

    def _fire(self, event: Input, now: float, frame: bytes = b"") -> None:
        row = TRANSITIONS.get((self._state, event))
        if row is None:
            return  # not meaningful in this state: noise or a stray reply, ignored
        handler, allowed = row
        new = handler(self, now, frame)
        assert new in allowed, f"{self._state} --{event}--> {new} is not in the table"
        self._state = new

    def _emit(self, data: bytes) -> None:
        self._out.append(LinkSend(data=data))

    def _scan(self, byte: int, now: float) -> None:
        got = self._scanner.push(byte)
        if got == bytes([EOT]):
            self._fire(Input.EOT, now)
        elif got is not None:
            self._fire(Input.FRAME, now, got)

    # -- sender handlers ---------------------------------------------------------------------------------

    def _enquire(self, now: float, _: bytes) -> State:
        if self._current is None:
            self._current = self._queue.popleft()
        self._emit(bytes([ENQ]))
        self._deadline = now + ACK_TIMEOUT_S
        return State.AWAIT_ENQ_REPLY

    def _busy(self, now: float, _: bytes) -> State:
        # E1381: any reply but ACK (or ENQ) to an ENQ means "not now"; the message stays current.
        self._not_before, self._deadline = now + BUSY_RETRY_S, None
        return State.NEUTRAL

    def _contention(self, now: float, _: bytes) -> State:
        wait = HOST_CONTENTION_WAIT_S if self.role is Role.HOST else INSTRUMENT_CONTENTION_WAIT_S
        self._not_before, self._deadline = now + wait, None
        return State.NEUTRAL  # the host answers the instrument's next ENQ from neutral

    def _next_frame(self, now: float, _: bytes) -> State:
        assert self._current is not None
        if self._state is State.AWAIT_FRAME_REPLY:
            self._index += 1  # an EOT reply is E1381's receiver interrupt: an ACK we may ignore
        else:
            self._index = 0
        self._refusals = 0
        if self._index >= len(self._current):
            self._emit(bytes([EOT]))
            self._out.append(LinkSent(frames=len(self._current)))
            self._current, self._deadline = None, None
            return State.NEUTRAL
        self._emit(self._current[self._index])
        self._deadline = now + ACK_TIMEOUT_S
        return State.AWAIT_FRAME_REPLY

    def _resend(self, now: float, _: bytes) -> State:
        # E1381: NAK or any character but ACK/EOT is a NAK condition.
        assert self._current is not None
        self._refusals += 1
        if self._refusals >= MAX_REFUSALS:
            return self._give_up(f"frame {self._index + 1} refused {MAX_REFUSALS} times")
        self._emit(self._current[self._index])
        self._deadline = now + ACK_TIMEOUT_S
        return State.AWAIT_FRAME_REPLY

    def _timed_out(self, now: float, _: bytes) -> State:
        what = "ENQ" if self._state is State.AWAIT_ENQ_REPLY else f"frame {self._index + 1}"
        return self._give_up(f"no reply to {what} in {ACK_TIMEOUT_S:g} s")

    def _give_up(self, reason: str) -> State:
        self._emit(bytes([EOT]))
        self._out.append(LinkAbort(reason=reason))
        self._current, self._deadline = None, None
        return State.NEUTRAL

    # -- receiver handlers -------------------------------------------------------------------------------

    def _accept(self, now: float, _: bytes) -> State:
        self._emit(bytes([ACK]))
        self._expect, self._last, self._refused, self._frames_seen = 1, None, False, 0
        self._records, self._partial, self._raw = [], bytearray(), bytearray([ENQ])
        self._scanner.reset()
        self._deadline = now + RECEIVE_TIMEOUT_S
        return State.RECEIVING

    def _frame_in(self, now: float, frame: bytes) -> State:
        self._frames_seen += 1
        self._deadline = now + RECEIVE_TIMEOUT_S
        try:
            number, text, final = parse_frame(frame)
        except FrameError:
            number, text, final = -1, b"", False
        if number == self._expect:
            self._expect, self._last = (number + 1) % 8, number
            if len(self._raw) <= MAX_MESSAGE_BYTES:  # past it the session is discarded at EOT anyway
                self._partial += text
            if final:
                self._records += [r for r in bytes(self._partial).split(b"\r") if r]
                self._partial = bytearray()
        elif number < 0 or number != self._last:  # E1381: a repeat of the last frame is ACKed and ignored
            self._refused = True
            self._emit(bytes([NAK]))
            return State.RECEIVING
        self._refused = False
        self._emit(bytes([ACK]))
        return State.RECEIVING

    def _end(self, now: float, _: bytes) -> State:
        if self._refused:
            return self._discard("the sender ended the session after a refused frame (gave up)")
        if self._partial:
            return self._discard("the session ended inside a record (ETB frame without its end)")
        if len(self._raw) > MAX_MESSAGE_BYTES:
            return self._discard(f"message longer than {MAX_MESSAGE_BYTES} bytes")
        if self._records:
            self._out.append(LinkMessage(records=tuple(self._records), raw=bytes(self._raw)))
        self._deadline = None
        return State.NEUTRAL

    def _silent(self, now: float, _: bytes) -> State:
        return self._discard(f"no frame or EOT for {RECEIVE_TIMEOUT_S:g} s")

    def _discard(self, reason: str) -> State:
        if self._frames_seen:
            records, raw = tuple(self._records), bytes(self._raw[:MAX_MESSAGE_BYTES])
            self._out.append(LinkDiscard(records=records, raw=raw, reason=reason))
        self._deadline = None
        return State.NEUTRAL


_Handler = Callable[[AstmLink, float, bytes], State]
_N, _E, _F, _R = State.NEUTRAL, State.AWAIT_ENQ_REPLY, State.AWAIT_FRAME_REPLY, State.RECEIVING

# (state, input) → (handler, the states it may lead to). Pairs not listed are ignored in that state.
TRANSITIONS: Final[dict[tuple[State, Input], tuple[_Handler, frozenset[State]]]] = {
    (_N, Input.SEND_DUE): (AstmLink._enquire, frozenset({_E})),
    (_N, Input.ENQ): (AstmLink._accept, frozenset({_R})),
    (_E, Input.ACK): (AstmLink._next_frame, frozenset({_F, _N})),
    (_E, Input.NAK): (AstmLink._busy, frozenset({_N})),
    (_E, Input.EOT): (AstmLink._busy, frozenset({_N})),
    (_E, Input.OTHER): (AstmLink._busy, frozenset({_N})),
    (_E, Input.ENQ): (AstmLink._contention, frozenset({_N})),
    (_E, Input.TIMEOUT): (AstmLink._timed_out, frozenset({_N})),
    (_F, Input.ACK): (AstmLink._next_frame, frozenset({_F, _N})),
    (_F, Input.EOT): (AstmLink._next_frame, frozenset({_F, _N})),
    (_F, Input.NAK): (AstmLink._resend, frozenset({_F, _N})),
    (_F, Input.ENQ): (AstmLink._resend, frozenset({_F, _N})),
    (_F, Input.OTHER): (AstmLink._resend, frozenset({_F, _N})),
    (_F, Input.TIMEOUT): (AstmLink._timed_out, frozenset({_N})),
    (_R, Input.FRAME): (AstmLink._frame_in, frozenset({_R})),
    (_R, Input.EOT): (AstmLink._end, frozenset({_N})),
    (_R, Input.TIMEOUT): (AstmLink._silent, frozenset({_N})),
}
