"""Time-ordered ids (UUIDv7 text, like ``core.ids.new_id``) made quickly from a seeded generator.

Millions of rows make ``os.urandom`` and ``uuid.UUID`` a noticeable share of the seed. This uses
RFC 9562's counter method: a block of ids shares the clock reading and random bits, and the last 48
bits count up from a random start, so ids grow in the order they are made and every batch lands at the
end of the primary-key indexes.
"""

from __future__ import annotations

import random
import time

BLOCK = 1 << 16


class IdMaker:
    def __init__(self, rng: random.Random) -> None:
        self._bits = rng.getrandbits
        self._millis = 0
        self._prefix = ""
        self._next = self._stop = 0

    def __call__(self) -> str:
        if self._next >= self._stop:
            self._renew()
        self._next += 1
        return f"{self._prefix}{self._next:012x}"

    def _renew(self) -> None:
        self._millis = max(self._millis + 1, time.time_ns() // 1_000_000)
        clock = f"{self._millis:012x}"
        variant = 0x8000 | self._bits(14)  # RFC 4122 variant, then random bits
        self._prefix = f"{clock[:8]}-{clock[8:]}-7{self._bits(12):03x}-{variant:04x}-"
        self._next = self._bits(47)
        self._stop = self._next + BLOCK
