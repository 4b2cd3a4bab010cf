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
    """The device end of one CDC channel; ``pipe`` holds both directions' buffers."""

    def __init__(self, pipe: Any) -> None:
        self._pipe = pipe
        self.timeout: float | None = 1.0
        self.write_timeout: float | None = None

    @property
    def connected(self) -> bool:
        return self._pipe.host_open

    @property
    def in_waiting(self) -> int:
        return len(self._pipe.to_device)

    @property
    def out_waiting(self) -> int:
        return 0

    def read(self, size: int = 1) -> bytes:
        waited = 0.0
        while len(self._pipe.to_device) < size and (self.timeout is None or waited < self.timeout):
            _hw.scheduler.sleep(0.001)  # the device blocks here, as on CircuitPython
            waited += 0.001
        return self._pipe.take_for_device(size)

    def readinto(self, buf: Any) -> int:
        chunk = self.read(len(buf))
        buf[: len(chunk)] = chunk
        return len(chunk)

    def readline(self, size: int = -1) -> bytes:
        line = bytearray()
        while size < 0 or len(line) < size:
            byte = self.read(1)
            if not byte:
                break
            line += byte
            if byte == b"\n":
                break
        return bytes(line)

    def write(self, buf: Any) -> int:
        return self._pipe.put_for_host(bytes(buf))

    def flush(self) -> None:
        pass

    def reset_input_buffer(self) -> None:
        self._pipe.to_device.clear()

    def reset_output_buffer(self) -> None:
        pass


def enable(*, console: bool = True, data: bool = False) -> bool:
    _hw.require_boot()
    _hw.cdc_request = (console, data)
    return True


def disable() -> bool:
    return enable(console=False, data=False)


def _install(namespace: dict[str, Any]) -> None:
    """Called by the loader for code.py: the channels boot.py asked for."""
    want_console, want_data = _hw.cdc_request
    namespace["console"] = Serial(_hw.console_pipe) if want_console else None
    namespace["data"] = Serial(_hw.data_pipe) if want_data else None
