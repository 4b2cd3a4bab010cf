"""Fake of CircuitPython's ``os`` on the virtual board's CIRCUITPY drive (a host directory).

Paths are the device's ("/vault.bin"); writes fail with EROFS unless boot.py remounted the drive
writable for code, as on the device. ``getenv`` reads settings.toml as the board's release does;
``rename`` onto a file removes that file first, not atomically, as CircuitPython's FAT does.
There is no ``os.replace`` on CircuitPython, so there is none here.
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
    """A settings.toml value. Up to 10.1 (``shared-module/os/getenv.c``) a quoted value is a
    str and a bare one is parsed as an integer in any base Python allows (``60``, ``0x3C``),
    raising ValueError when it is not one (``GP13``). From 10.2 every value is the str as
    written (``supervisor.get_setting()`` gives typed values there)."""
    found = _hw.settings().get(key)
    if found is None:
        return default
    quoted, text = found
    if _hw.version >= (10, 2, 0):
        return text if quoted else text.rstrip(" \t\r")
    if quoted:
        return text
    try:
        return int(text, 0)
    except ValueError:
        raise ValueError(f"invalid syntax for integer with base 0: '{text}'") from None


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
    """``extmod/vfs_fat.c``: FAT refuses to rename onto an existing name, so CircuitPython
    removes a file there first and renames after: two steps, so a power cut between them
    leaves the old name only. Onto a directory it fails with EISDIR."""
    _hw.check_writable()
    source, target = _hw.host_path(old), _hw.host_path(new)
    fs = _hw.filesystem
    if not fs.exists(source):
        raise OSError(errno.ENOENT, "No such file/directory")
    if fs.exists(target) and target != source:
        if fs.isdir(target):
            raise OSError(errno.EISDIR, "Is a directory")
        fs.remove(target)
    fs.rename(source, target)


def mkdir(path: str) -> None:
    _hw.check_writable()
    _host_os.mkdir(_hw.host_path(path))


def rmdir(path: str) -> None:
    _hw.check_writable()
    _host_os.rmdir(_hw.host_path(path))


def utime(path: str, times: tuple[int, int]) -> None:
    _hw.check_writable()
    _host_os.utime(_hw.host_path(path), (times[0], times[1]))


def sync() -> None:
    _hw.filesystem.sync()


def urandom(n: int) -> bytes:
    return _hw.random_bytes(n)


def uname() -> Any:
    release = ".".join(str(part) for part in _hw.version)
    return _uname("rp2040", "rp2040", release, release + " on 2025-01-01", _hw.machine_name)


def chdir(path: str) -> None:
    if path not in ("/", ""):
        raise OSError(errno.ENOENT, "No such file/directory")
