"""Fake of CircuitPython's ``os`` on the virtual board's CIRCUITPY drive (a host directory).

Paths are the device's ("/vault.bin"); writes fail with EROFS unless boot.py remounted the drive
writable for code, as on the device. ``getenv`` reads settings.toml like CircuitPython: quoted
strings and decimal integers.
"""

from __future__ import annotations

import errno
import os as _host_os
from collections import namedtuple
from typing import Any

_hw: Any = None

sep = "/"
_uname = namedtuple("_uname", "sysname nodename release version machine")


def getenv(key: str, default: Any = None) -> Any:
    return _hw.settings().get(key, default)


def getcwd() -> str:
    return "/"


def listdir(path: str = "/") -> list[str]:
    return sorted(_host_os.listdir(_hw.host_path(path)))


def stat(path: str) -> tuple[int, ...]:
    st = _host_os.stat(_hw.host_path(path))
    kind = 0x4000 if _host_os.path.isdir(_hw.host_path(path)) else 0x8000
    return (kind, 0, 0, 0, 0, 0, st.st_size, int(st.st_mtime), int(st.st_mtime), int(st.st_mtime))


def statvfs(path: str) -> tuple[int, ...]:
    block = 512
    used = sum(
        _host_os.path.getsize(_host_os.path.join(root, name))
        for root, _dirs, files in _host_os.walk(_hw.host_path("/"))
        for name in files
    )
    total = _hw.drive_size // block
    free = max(0, total - (used + block - 1) // block)
    return (block, block, total, free, free, 0, 0, 0, 0, 255)


def remove(path: str) -> None:
    _hw.check_writable()
    _hw.filesystem.remove(_hw.host_path(path))


def rename(old: str, new: str) -> None:
    _hw.check_writable()
    _hw.filesystem.rename(_hw.host_path(old), _hw.host_path(new))


def mkdir(path: str) -> None:
    _hw.check_writable()
    _host_os.mkdir(_hw.host_path(path))


def rmdir(path: str) -> None:
    _hw.check_writable()
    _host_os.rmdir(_hw.host_path(path))


def sync() -> None:
    _hw.filesystem.sync()


def urandom(n: int) -> bytes:
    return _hw.random_bytes(n)


def uname() -> Any:
    return _uname("rp2040", "rp2040", "9.2.0", "9.2.0 on 2024-10-28", _hw.machine_name)


def chdir(path: str) -> None:
    if path not in ("/", ""):
        raise OSError(errno.ENOENT, "No such file/directory")
