"""Fake of ``microcontroller``: the chip's unique id, its 4 KB nvm, reset."""

from __future__ import annotations

from typing import Any

_hw: Any = None


class RunMode:
    NORMAL = "NORMAL"
    SAFE_MODE = "SAFE_MODE"
    BOOTLOADER = "BOOTLOADER"
    UF2 = "UF2"


class Processor:
    frequency = 125_000_000
    temperature = 25.0
    voltage = 3.3

    @property
    def uid(self) -> bytearray:
        return bytearray(_hw.uid)


class Pin:
    pass


cpu = Processor()
cpus = (cpu, Processor())


def __getattr__(name: str) -> Any:
    if name == "nvm":
        return _hw.nvm
    raise AttributeError(name)


def on_next_reset(run_mode: str) -> None:
    _hw.next_run_mode = run_mode


def reset() -> None:
    _hw.request_reset()


def delay_us(delay: int) -> None:
    _hw.scheduler.sleep(delay / 1e6)


def disable_interrupts() -> None:
    pass


def enable_interrupts() -> None:
    pass
