"""Fake of ``usb_cdc``: the console and data serial channels as byte pipes to the host.

``enable()`` works only in boot.py; the channels it asked for exist from code.py on (the USB
device is re-enumerated between the two), as on the device.
"""

from __future__ import annotations

from typing import Any

_hw: Any = None

console: Any = None
data: Any = None


class Serial:
    """The device end of one CDC channel; ``pipe`` holds both directions' buffers.

    As ``shared-module/usb_cdc/Serial.c``: ``timeout`` and ``write_timeout`` start as None
    (wait for ever); a read waits up to ``timeout`` for ``size`` bytes, a write up to
    ``write_timeout`` for room and returns how many bytes it wrote, which is fewer than asked
    when a host with its port open stops reading.
    """

    def __init__(self, pipe: Any) -> None:
        self._pipe = pipe
        self.timeout: float | None = None
        self.write_timeout: float | None = None

    @property
    def connected(self) -> bool:
        return self._pipe.host_open

    @property
    def in_waiting(self) -> int:
        return len(self._pipe.to_device)

    @property
    def out_waiting(self) -> int:
        return self._pipe.unsent()

    def _wait(self, limit: float | None, done: Any) -> None:
        """Sleep in 1 ms steps until ``done()`` or ``limit`` seconds have passed."""
        waited = 0.0
        while not done() and (limit is None or waited < limit):
            _hw.scheduler.sleep(0.001)  # the device blocks here, as on CircuitPython
            waited += 0.001

    def read(self, size: int = -1) -> bytes:
        if size < 0:
            # As many as possible until the timeout; None would wait for ever.
            self._wait(self.timeout, lambda: False)
            return self._pipe.take_for_device(len(self._pipe.to_device))
        if self.timeout != 0:
            self._wait(self.timeout, lambda: len(self._pipe.to_device) >= size)
        return self._pipe.take_for_device(size)

    def readinto(self, buf: Any) -> int:
        chunk = self.read(len(buf))
        buf[: len(chunk)] = chunk
        return len(chunk)

    def readline(self, size: int = -1) -> bytes | None:
        line = bytearray()
        while size < 0 or len(line) < size:
            byte = self.read(1)
            if not byte:
                break
            line += byte
            if byte == b"\n":
                break
        return bytes(line)

    def readlines(self) -> list[bytes | None]:
        lines: list[bytes | None] = []
        while True:
            line = self.readline()
            if not line:
                return lines
            lines.append(line)

    def write(self, buf: Any) -> int:
        data = bytes(memoryview(buf))
        written = self._pipe.put_for_host(data)
        if written < len(data) and self.write_timeout != 0:

            def more() -> bool:
                nonlocal written
                written += self._pipe.put_for_host(data[written:])
                return written >= len(data)

            self._wait(self.write_timeout, more)
        return written

    def flush(self) -> None:
        pass

    def reset_input_buffer(self) -> None:
        self._pipe.to_device.clear()

    def reset_output_buffer(self) -> None:
        # Only what is still in the device's FIFO can be taken back.
        unsent = self._pipe.unsent()
        if unsent:
            del self._pipe.to_host[-unsent:]


def enable(*, console: bool = True, data: bool = False) -> None:
    _hw.require_boot()
    _hw.cdc_request = (bool(console), bool(data))


def disable() -> None:
    enable(console=False, data=False)


def _install(namespace: dict[str, Any]) -> None:
    """Called by the loader for code.py: the channels boot.py asked for."""
    want_console, want_data = _hw.cdc_request
    namespace["console"] = Serial(_hw.console_pipe) if want_console else None
    namespace["data"] = Serial(_hw.data_pipe) if want_data else None
