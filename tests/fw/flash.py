"""A flash filesystem that can lose power at any write, flush, sync, rename or remove.

The firmware's ``os`` and ``open`` are replaced by this in-memory filesystem. Writes are
volatile until the file is closed or ``os.sync()`` runs; when the power is cut, each volatile
write survives only in part (a random prefix), as a torn write on a real flash would.
"""

from __future__ import annotations

import errno
import hashlib
import random
import types

import micropython

from smartkey.sim import loader
from smartkey.sim.fakes import aesio as aesio_fake


class PowerCut(BaseException):
    pass


class Flash:
    def __init__(self, seed: int = 0) -> None:
        self.files: dict[str, bytearray] = {}
        self.volatile: list[tuple[str, int, bytes]] = []  # (path, offset, data) not yet durable
        self.ops = 0
        self.cut_at: int | None = None
        self.rng = random.Random(seed)
        self.dead = False
        self.unlinked: list[bytes] = []  # what each removed file left on the flash (FAT keeps it)

    # -- power -----------------------------------------------------------------------------
    def _op(self) -> None:
        if self.dead:
            raise PowerCut
        self.ops += 1
        if self.cut_at is not None and self.ops >= self.cut_at:
            self.cut()
            raise PowerCut

    def cut(self) -> None:
        """Lose power: a random prefix of the volatile writes reaches the flash."""
        keep = self.rng.randint(0, sum(len(d) for _, _, d in self.volatile))
        for path, offset, data in self.volatile:
            part = data[:keep]
            keep -= len(part)
            if part and path in self.files:
                self._apply(path, offset, part)
        self.volatile.clear()
        self.dead = True

    def reboot(self) -> None:
        self.dead = False
        self.cut_at = None

    def _apply(self, path: str, offset: int, data: bytes) -> None:
        content = self.files[path]
        if len(content) < offset:
            content.extend(bytes(offset - len(content)))
        content[offset : offset + len(data)] = data

    def _view(self, path: str) -> bytearray:
        """The file as the firmware reads it now (durable content plus volatile writes)."""
        if not any(p == path for p, _, _ in self.volatile):
            return self.files[path]  # no copy: a memory test must see the firmware's use only
        content = bytearray(self.files[path])
        for p, offset, data in self.volatile:
            if p == path:
                if len(content) < offset:
                    content.extend(bytes(offset - len(content)))
                content[offset : offset + len(data)] = data
        return content

    def sync(self) -> None:
        self._op()
        for path, offset, data in self.volatile:
            if path in self.files:
                self._apply(path, offset, data)
        self.volatile.clear()

    # -- os --------------------------------------------------------------------------------
    def stat(self, path: str) -> tuple:
        if path not in self.files:
            raise OSError(errno.ENOENT, "No such file/directory")
        return (0x8000, 0, 0, 0, 0, 0, len(self._view(path)), 0, 0, 0)

    def remove(self, path: str) -> None:
        self._op()
        if path not in self.files:
            raise OSError(errno.ENOENT, "No such file/directory")
        self.unlinked.append(bytes(self.files[path]))
        del self.files[path]
        self.volatile = [v for v in self.volatile if v[0] != path]

    def rename(self, old: str, new: str) -> None:
        self._op()
        if old not in self.files:
            raise OSError(errno.ENOENT, "No such file/directory")
        if new in self.files:
            raise OSError(errno.EEXIST, "File exists")  # FAT does not rename over a file
        self.files[new] = self.files.pop(old)
        self.volatile = [(new if p == old else p, o, d) for p, o, d in self.volatile]

    def listdir(self, path: str = "/") -> list[str]:
        return sorted(name.rsplit("/", 1)[-1] for name in self.files)

    def urandom(self, n: int) -> bytes:
        return bytes(self.rng.getrandbits(8) for _ in range(n))

    def os_module(self) -> types.ModuleType:
        module = types.ModuleType("os")
        for name in ("stat", "remove", "rename", "listdir", "urandom", "sync"):
            setattr(module, name, getattr(self, name))
        return module

    def open(self, path: str, mode: str = "r") -> FlashFile:
        if self.dead:
            raise PowerCut
        if "w" in mode:
            self._op()
            self.files[path] = bytearray()  # truncation is immediate: the worst case
            self.volatile = [v for v in self.volatile if v[0] != path]
        elif path not in self.files:
            raise OSError(errno.ENOENT, "No such file/directory")
        return FlashFile(self, path, writable="w" in mode or "+" in mode)


class FlashFile:
    def __init__(self, flash: Flash, path: str, writable: bool) -> None:
        self.flash = flash
        self.path = path
        self.writable = writable
        self.position = 0

    def read(self, size: int = -1) -> bytes:
        content = self.flash._view(self.path)
        end = len(content) if size < 0 else self.position + size
        data = bytes(content[self.position : end])
        self.position += len(data)
        return data

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def seek(self, offset: int, whence: int = 0) -> int:
        self.position = offset
        return offset

    def write(self, data) -> int:
        if not self.writable:
            raise OSError(errno.EBADF, "not open for writing")
        self.flash._op()
        self.flash.volatile.append((self.path, self.position, bytes(data)))
        self.position += len(data)
        return len(data)

    def flush(self) -> None:
        self.flash._op()

    def close(self) -> None:
        # Closing a file on CircuitPython's FAT writes its data out, like a sync of one file.
        if self.writable and not self.flash.dead:
            mine = [v for v in self.flash.volatile if v[0] == self.path]
            self.flash.volatile = [v for v in self.flash.volatile if v[0] != self.path]
            for path, offset, data in mine:
                self.flash._apply(path, offset, data)

    def __enter__(self) -> FlashFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def load_vault(flash: Flash, root, *, aes: bool = True, iterations: int | None = None):
    """The firmware's vault module on ``flash``, in a namespace of its own."""
    # The host's hashlib stands in for the chip's: these tests are about the vault, not SHA-1.
    fakes = {"os": flash.os_module(), "micropython": micropython, "hashlib": hashlib}
    if aes:
        fakes["aesio"] = aesio_fake
    importer = loader.FirmwareImporter([root], fakes, {}, {"open": flash.open})
    vault = importer.load("smartkey_fw.vault")
    if iterations is not None:
        vault.ITERATIONS = iterations  # real keys cost 1 s; these tests make thousands
    return vault, importer.load("smartkey_fw.account")
