"""The host's end of the virtual board's data channel, shaped like a ``serial.Serial``.

Reading waits in *simulated* time: while no byte has arrived, the board is stepped, so host
code written for a real port drives the firmware deterministically. While the host program
reads, its driver takes whatever the device sends; when it stops reading, the driver's buffer
(the pipe's capacity) fills and the device's writes block, as with a real port.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_POLL = 0.002  # simulated seconds per wait step while reading: the host's time resolution


class SimSerial:
    def __init__(self, pipe: Any, step: Callable[[float], None], timeout: float = 2.0) -> None:
        self._pipe = pipe
        self._step = step
        self.timeout = timeout
        self.port = "virtual"
        self._received = bytearray()  # taken from the driver while the program reads
        pipe.host_open = True

    @property
    def is_open(self) -> bool:
        return bool(self._pipe.host_open)

    @property
    def in_waiting(self) -> int:
        return len(self._received) + len(self._pipe.to_host)

    def _wait(self) -> None:
        """One poll step of a program blocked in read: the board runs, the driver is emptied."""
        self._step(_POLL)
        self._received += self._pipe.to_host
        self._pipe.to_host.clear()

    def write(self, data: bytes) -> int:
        if not self.is_open:
            raise OSError("port is closed")
        self._pipe.to_device += data
        return len(data)

    def read(self, size: int = 1) -> bytes:
        self._received += self._pipe.to_host
        self._pipe.to_host.clear()
        waited = 0.0
        while len(self._received) < size and waited < self.timeout:
            self._wait()
            waited += _POLL
        chunk = bytes(self._received[:size])
        del self._received[:size]
        return chunk

    def read_until(self, expected: bytes = b"\n", size: int | None = None) -> bytes:
        self._received += self._pipe.to_host
        self._pipe.to_host.clear()
        waited = 0.0
        while expected not in self._received and waited < self.timeout:
            if size is not None and len(self._received) >= size:
                break
            self._wait()
            waited += _POLL
        buffer = self._received
        end = buffer.find(expected)
        end = len(buffer) if end < 0 else end + len(expected)
        if size is not None:
            end = min(end, size)
        chunk = bytes(buffer[:end])
        del buffer[:end]
        return chunk

    def reset_input_buffer(self) -> None:
        self._received.clear()
        self._pipe.to_host.clear()

    def flush(self) -> None:
        pass

    def close(self) -> None:
        """Hang up: the device sees the port closed, bytes in flight are dropped, except what
        is still in the device's own FIFO: the next program to open the port gets that first."""
        # A pipe with no FIFO of its own to model (the rp2040 emulator's) keeps nothing.
        unsent = self._pipe.unsent() if hasattr(self._pipe, "unsent") else 0
        del self._pipe.to_host[: len(self._pipe.to_host) - unsent]
        self._pipe.host_open = False
        self._pipe.to_device.clear()
        self._received.clear()

    def __enter__(self) -> SimSerial:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
