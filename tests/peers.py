"""What the tests' stand-ins for other systems share: started and stopped by hand (a test that takes one
down for a while), or by a with-block around the test."""

from __future__ import annotations

from typing import Self


class Peer:
    """A server on loopback with ``start`` and ``stop``; ``with Peer() as peer`` does both."""

    def start(self) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
