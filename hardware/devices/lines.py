"""A line framer for the devices that end each record with CR, LF or CR LF (omron-hbp9030, scale-line)."""

from __future__ import annotations

import re

from hardware.devices.base import Rejected


class LineFramer:
    """CR, LF or CR LF terminated lines (omron's framer too); blank lines are skipped; a line longer than
    `max_len` is reported with its first `max_len` bytes and the rest of it dropped, so garbage without line
    ends stays bounded. The result depends on the bytes only, never on where the reads cut them."""

    def __init__(self, max_len: int) -> None:
        self.max_len = max_len
        self.reset()

    def reset(self) -> None:
        self._line = bytearray()
        self._skipping = False  # inside the tail of an over-long line

    def feed(self, data: bytes) -> list[bytes | Rejected]:
        out: list[bytes | Rejected] = []
        pieces = re.split(rb"[\r\n]", data)
        for index, piece in enumerate(pieces):
            ended = index < len(pieces) - 1
            if self._skipping:
                self._skipping = not ended
                continue
            self._line += piece
            if len(self._line) > self.max_len:
                reason = f"line longer than {self.max_len} bytes without CR or LF: not a device line"
                out.append(Rejected(raw=bytes(self._line[: self.max_len]), reason=reason))
                self._line.clear()
                self._skipping = not ended
            elif ended:
                if self._line.strip(b" \t\x00"):
                    out.append(bytes(self._line))
                self._line.clear()
        return out
