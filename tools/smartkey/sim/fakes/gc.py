"""Fake of ``gc`` with CircuitPython's ``mem_free``/``mem_alloc`` (a Pico W's heap at boot)."""

_HEAP = 126 * 1024
_enabled = True


def collect() -> None:
    pass


def enable() -> None:
    global _enabled
    _enabled = True


def disable() -> None:
    global _enabled
    _enabled = False


def isenabled() -> bool:
    return _enabled


def mem_free() -> int:
    return _HEAP


def mem_alloc() -> int:
    return 0
