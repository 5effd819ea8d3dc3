r"""ASTM E1381 (CLSI LIS1-A) frames: build them, cut them out of a stream, check them. [V]

Layout (DEVICES.md §2 `astm`; the checksum vectors `\x021A|B|C|D\r\x03BF\r\n` and `\x020H\r\x0388\r\n`
are in the tests):

    STX FN text CR ETX C1 C2 CR LF     end frame: its text ends a record (the CR belongs to the text)
    STX FN text ETB C1 C2 CR LF        intermediate frame: the record goes on in the next frame

FN runs '1'…'7','0','1'… from '1' in every session; the text is at most 240 characters, a longer record is
cut across ETB frames (every record starts a new frame); C1 C2 = the sum of the bytes FN … ETX/ETB mod 256
as two upper-case hex digits. Inside a frame only CR may appear among the control characters; outside
one, only STX (a frame starts) and EOT (the session ends) mean anything to a receiver, the rest is noise.
The session rules (ENQ, ACK/NAK, EOT, time-outs) are astm_link's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from hardware.devices.base import FrameError

STX, ETX, EOT, ENQ, ACK, LF, CR, NAK, ETB = 0x02, 0x03, 0x04, 0x05, 0x06, 0x0A, 0x0D, 0x15, 0x17

MAX_TEXT: Final = 240  # E1381: 247-character frames = 240 of text + 7 framing
MAX_FRAME_IN: Final = 1024  # longer frames violate E1381; kept short so noise cannot grow the buffer

# E1381 restricts these from frame text (STX ETX EOT ETB are framing, seen by the scanner itself).
_RESTRICTED: Final = frozenset({0x01, ENQ, ACK, LF, 0x10, 0x11, 0x12, 0x13, 0x14, NAK, 0x16})


def checksum(body: bytes) -> bytes:
    """E1381 checksum of FN … ETX/ETB: the byte sum mod 256 as two upper-case hex digits."""
    return b"%02X" % (sum(body) & 0xFF)


def build_frame(number: int, text: bytes, *, final: bool) -> bytes:
    body = bytes([0x30 + number % 8]) + text + bytes([ETX if final else ETB])
    return bytes([STX]) + body + checksum(body) + b"\r\n"


def build_frames(records: Sequence[bytes]) -> list[bytes]:
    """The frames of one session: every record starts a frame; past 240 characters it continues after ETB."""
    frames: list[bytes] = []
    for record in records:
        if any(b in _RESTRICTED or b in (STX, ETX, EOT, ETB, CR) for b in record):
            raise ValueError(f"record {record[:20]!r}… holds a control character E1381 forbids in text")
        data = record + b"\r"
        pieces = [data[i : i + MAX_TEXT] for i in range(0, len(data), MAX_TEXT)]
        for i, piece in enumerate(pieces):
            frames.append(build_frame(len(frames) + 1, piece, final=i == len(pieces) - 1))
    return frames


def parse_frame(frame: bytes) -> tuple[int, bytes, bool]:
    """(frame number, text, is end frame) of one frame from STX to LF; FrameError says what is wrong."""
    if len(frame) < 7 or frame[0] != STX or frame[-2:] != b"\r\n" or frame[-5] not in (ETX, ETB):
        raise FrameError(f"expected STX FN text ETX|ETB C1 C2 CR LF, got {frame[:12]!r}…", frame)
    body, sent = frame[1:-4], frame[-4:-2]
    # Upper case is what E1381 sends; lower-case hex carries the same sum, so refusing it would only make
    # such a sender retry one frame six times.
    if sent.upper() != checksum(body):
        raise FrameError(f"checksum {sent!r}, expected {checksum(body)!r}", frame)
    if not 0x30 <= body[0] <= 0x37:
        raise FrameError(f"frame number {body[:1]!r} is not 0-7", frame)
    text = body[1:-1]
    if any(b in _RESTRICTED for b in text):
        raise FrameError("control character inside frame text", frame)
    return body[0] - 0x30, text, body[-1] == ETX


class FrameScanner:
    """Cuts frames out of a receiving stream, byte by byte, whatever the chunking of the reads."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self._frame = bytearray()
        self._in_frame = False
        self._trailer = -1  # bytes after ETX/ETB, -1 while still in the text

    def push(self, byte: int) -> bytes | None:
        """A whole frame STX … LF (good or bad: parse_frame judges), b"\x04" for EOT, or None."""
        if byte == STX:  # inside a frame too: the frame before it was cut short
            self._frame[:] = bytes([STX])
            self._in_frame, self._trailer = True, -1
        elif byte == EOT:  # restricted, so never frame text: the sender ended (or gave up)
            self._in_frame = False
            return bytes([EOT])
        elif not self._in_frame:
            pass  # noise between frames
        elif self._trailer < 0:
            if byte in (ETX, ETB):
                self._trailer = 0
                self._frame.append(byte)
            elif len(self._frame) < MAX_FRAME_IN:  # an over-long frame is cut: parse_frame refuses it
                self._frame.append(byte)
        else:
            self._frame.append(byte)
            self._trailer += 1
            if self._trailer == 4:  # C1 C2 CR LF, whatever they are: parse_frame judges them
                self._in_frame = False
                return bytes(self._frame)
        return None
