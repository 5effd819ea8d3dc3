"""The simulated Contec CMS50D+ (cms50.py): a continuous 60 Hz stream of finger-in sessions for `sim://`."""

from __future__ import annotations

import math
import random
from typing import ClassVar

from hardware.devices.base import DeviceSimulator
from hardware.devices.cms50 import encode_packet


class Cms50Simulator(DeviceSimulator):
    """A continuous 60 Hz stream: finger out, then a finger-in session (1–3 s of "searching", then values
    jittering by ±1 % / ±2 /min once a second) each ~interval_s. `error_rate` sessions are a probe error
    throughout; `garbage_rate` is the chance per second of a burst of 1–4 noise bytes before a packet (too
    short to look like a packet, as on a real line the noise is rarely five bytes long)."""

    RATE: ClassVar[float] = 60.0

    def __init__(
        self, *, seed: int = 0, interval_s: float = 30.0, error_rate: float = 0.05, garbage_rate: float = 0.02
    ) -> None:
        self.interval_s, self.error_rate, self.garbage_rate = interval_s, error_rate, garbage_rate
        self._rng = random.Random(seed)
        self._start: float | None = None
        self._count = 0  # packets sent
        self._finger_in = self._finger_out = self._searching_until = self._next_change = 0.0
        self._probe_error = False
        self._base = self._values = (97, 75)

    def step(self, now: float, received: bytes) -> tuple[bytes, float]:
        if self._start is None:
            self._start = now
            self._plan(now)
        out = bytearray()
        while (at := self._start + self._count / self.RATE) <= now:
            out += self._packet(at)
            self._count += 1
        return bytes(out), self._start + self._count / self.RATE

    def _plan(self, at: float) -> None:
        rng = self._rng
        self._finger_in = at + rng.uniform(0.15, 0.35) * self.interval_s
        self._finger_out = self._finger_in + rng.uniform(0.5, 0.75) * self.interval_s
        self._searching_until = self._next_change = self._finger_in + rng.uniform(1.0, 3.0)
        self._probe_error = rng.random() < self.error_rate
        self._base = (
            round(min(max(rng.gauss(96.5, 1.5), 88), 99)),
            round(min(max(rng.gauss(76, 11), 50), 125)),
        )

    def _packet(self, at: float) -> bytes:
        rng = self._rng
        if at >= self._finger_out:
            self._plan(at)
        noise = (
            bytes(rng.randrange(256) for _ in range(rng.randint(1, 4)))
            if rng.random() < self.garbage_rate / self.RATE
            else b""
        )
        if at < self._finger_in:
            return noise + encode_packet(spo2=127, pulse=255, pleth=0, signal=0, bar=0, finger_out=True)
        if self._probe_error or at < self._searching_until:
            return noise + encode_packet(
                spo2=127, pulse=255, pleth=0, signal=0, bar=0, probe_error=self._probe_error
            )
        if at >= self._next_change:  # the device updates its numbers about once a second
            self._values = (self._base[0] + rng.choice((-1, 0, 0, 0, 1)), self._base[1] + rng.randint(-2, 2))
            self._next_change = at + 1.0
        spo2, pulse = self._values
        pleth = round(64 + 50 * math.sin(2 * math.pi * pulse / 60 * at))
        return noise + encode_packet(
            spo2=min(spo2, 100), pulse=pulse, pleth=pleth, signal=rng.randint(6, 9), bar=rng.randint(3, 8)
        )
