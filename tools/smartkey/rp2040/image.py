"""The CIRCUITPY drive as CircuitPython 10's RP2040 port keeps it in flash: a FAT12 volume.

On a 2 MB Pico the firmware owns the first megabyte of flash (the last 4 KB of it are
``microcontroller.nvm``) and the filesystem the second: 2,048 blocks of 512 bytes at offset
0x100000, FAT12 without a partition table (``ports/raspberrypi``: ``CIRCUITPY_INTERNAL_FLASH_*``
and ``supervisor/internal_flash.c``). CircuitPython formats any volume it cannot mount, so a
test that finds its files after boot shows the geometry was accepted.

The files come from ``smartkey.deploy``, as ``smartkey deploy`` writes them (sources, or the
firmware package compiled by CircuitPython's own mpy-cross).
"""

from __future__ import annotations

from pathlib import Path

from pyfatfs.PyFat import PyFat
from pyfatfs.PyFatFS import PyFatFS

from smartkey.deploy import plan_deploy

FS_OFFSET = 0x100000
FS_BYTES = 0x100000
NVM_OFFSET = FS_OFFSET - 0x1000
LABEL = "CIRCUITPY"


def deploy_into(folder: Path, mpy_cross: Path | None = None) -> Path:
    """What ``smartkey deploy`` puts on a fresh drive (firmware, libraries, settings.toml);
    with ``mpy_cross``, the firmware package as CircuitPython's .mpy files, as it deploys."""
    folder.mkdir(parents=True, exist_ok=True)
    plan_deploy(folder, mpy_cross=mpy_cross).apply()
    return folder


def build_image(folder: Path, image: Path) -> Path:
    """A FAT12 volume of ``FS_BYTES`` holding ``folder``'s files."""
    with open(image, "wb") as f:
        f.truncate(FS_BYTES)
    fat = PyFat()
    fat.mkfs(str(image), PyFat.FAT_TYPE_FAT12, size=FS_BYTES, label=LABEL)
    fat.close()
    volume = PyFatFS(str(image))
    try:
        for path in sorted(folder.rglob("*")):
            name = "/" + path.relative_to(folder).as_posix()
            if path.is_dir():
                volume.makedir(name)
            else:
                volume.writebytes(name, path.read_bytes())
    finally:
        volume.close()
    return image


def read_files(image: Path) -> dict[str, bytes]:
    """{path: contents} of every file on a volume (a dump of the flash's filesystem area)."""
    volume = PyFatFS(str(image), read_only=True)
    try:
        return {path: volume.readbytes(path) for path in volume.walk.files("/")}
    finally:
        volume.close()
