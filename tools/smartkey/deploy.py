"""Putting the firmware onto a CIRCUITPY drive: a real board's, or the virtual board's directory.

A deploy copies ``boot.py``, ``code.py`` and ``smartkey_fw/`` from the source tree, an example
``settings.toml`` when the drive has none, and (unless circup installs them) the device libraries
named in ``lib/requirements.txt``, as the pure-Python sources installed on this computer — the
same pinned driver versions the tests and the virtual board run.

The drive also holds the user's files: the vault the firmware wrote, their settings, anything
else. So a deploy keeps a manifest (``.smartkey-deploy.json``) of every file it wrote, with its
SHA-256, and on the next deploy removes only those of its own files that it no longer ships and
nobody changed. It overwrites only the paths it owns by name, and first renames a file there
that it did not write (or that was changed since) to ``NAME.bak``. Everything is decided by
:func:`plan_deploy` before anything is written, so a dry run shows exactly what would happen.

The firmware package, and the device libraries copied from this computer, go on as ``.mpy``
files compiled by CircuitPython's own ``mpy-cross`` for the board's major version (boot.py and
code.py stay sources: CircuitPython runs only those as sources). A board then loads bytecode
instead of compiling every module at import, which costs far less RAM. The compiler is found
by :func:`find_mpy_cross`; a ``.py`` beside a ``.mpy`` of the same name would be imported
instead of it, so a deploy never leaves one.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
import os
import re
import shutil
import string
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from smartkey import __version__, profiles

# The source tree the firmware is installed from (tools/smartkey/deploy.py -> repository).
SOURCE = Path(__file__).resolve().parents[2]
FIRMWARE_FILES = ("boot.py", "code.py")
FIRMWARE_PACKAGE = "smartkey_fw"
SETTINGS = "settings.toml"
REQUIREMENTS = SOURCE / "lib" / "requirements.txt"
DEVICE_LIBRARIES = tuple(
    line.strip()
    for line in REQUIREMENTS.read_text().splitlines()
    if line.strip() and not line.startswith("#")
)
MANIFEST = ".smartkey-deploy.json"
MPY_CROSS_ENV = "SMARTKEY_MPY_CROSS"
MPY_CROSS_SOURCES = (
    "CircuitPython's releases (adafruit-circuitpython.s3.amazonaws.com/index.html?prefix=bin/"
    "mpy-cross/) or built from the CircuitPython repository (make -C mpy-cross)"
)
DRIVE_LABEL = "CIRCUITPY"
SUPPORTED_MAJORS = (9, 10)

# What each part of a deploy manages: a manifest entry outside the scope of the current install
# is neither removed nor forgotten (the virtual board reinstalls only the firmware).
FIRMWARE_SCOPE = (*FIRMWARE_FILES, FIRMWARE_PACKAGE + "/")
LIBRARY_SCOPE = ("lib/",)

# A fresh CircuitPython filesystem has this code.py; replacing it loses nothing.
_STOCK_FILES = {"code.py": b'print("Hello World!")'}
_BOOT_LINE = re.compile(
    r"Adafruit CircuitPython (?P<version>\S+) on \S+; (?P<board>.+?) with (?P<chip>\S+)"
)


class DeployError(Exception):
    """Why a deploy cannot go ahead, in one line."""


# -- the drive -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class BootInfo:
    """What a CircuitPython drive's boot_out.txt says about the board."""

    version: str  # "9.2.1", "10.0.0-beta.2"
    major: int
    board: str  # "Raspberry Pi Pico"
    chip: str  # "rp2040"
    board_id: str | None  # "raspberry_pi_pico"; boot_out.txt has it since CircuitPython 7


def parse_boot_out(text: str) -> BootInfo:
    """Parse boot_out.txt; ``ValueError`` if it does not say which CircuitPython runs."""
    match = _BOOT_LINE.search(text)
    major = re.match(r"\d+", match["version"]) if match else None
    if not match or not major:
        first = text.splitlines()[0] if text.strip() else ""
        raise ValueError(f"boot_out.txt does not name a CircuitPython version: {first!r}")
    board_id = re.search(r"^Board ID:\s*(\S+)", text, re.MULTILINE)
    return BootInfo(
        version=match["version"],
        major=int(major[0]),
        board=match["board"],
        chip=match["chip"],
        board_id=board_id[1] if board_id else None,
    )


def check_drive(drive: Path) -> BootInfo:
    """The board behind ``drive``, if it is a CircuitPython drive smartkey supports."""
    if not drive.is_dir():
        raise DeployError(f"{drive} is not a directory")
    boot_out = drive / "boot_out.txt"
    if not boot_out.is_file():
        raise DeployError(f"{drive} is not a CircuitPython drive: it has no boot_out.txt")
    try:
        info = parse_boot_out(boot_out.read_text(errors="replace"))
    except ValueError as error:
        raise DeployError(f"{drive}: {error}") from None
    if info.major not in SUPPORTED_MAJORS:
        where = "circuitpython.org/board/" + (info.board_id or "")
        raise DeployError(
            f"{drive} runs CircuitPython {info.version}; smartkey needs 9.x or 10.x "
            f"(flash a UF2 from {where})"
        )
    return info


def known_board_ids(source: Path = SOURCE) -> set[str]:
    """The board ids the firmware picks a profile for, from its own table."""
    return profiles.board_ids(source / FIRMWARE_PACKAGE)


def mount_points(mounts: str) -> list[Path]:
    """The mount points listed in a /proc/mounts text (octal escapes such as ``\\040`` decoded)."""
    points = []
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) >= 2:
            points.append(Path(re.sub(r"\\([0-7]{3})", lambda m: chr(int(m[1], 8)), fields[1])))
    return points


def _windows_drives() -> list[Path]:
    import ctypes

    found = []
    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    for letter in string.ascii_uppercase:
        root = f"{letter}:\\"
        label = ctypes.create_unicode_buffer(261)
        named = kernel32.GetVolumeInformationW(root, label, 261, None, None, None, None, 0)
        if named and label.value.upper() == DRIVE_LABEL:
            found.append(Path(root))
    return found


def find_drives(mounts: str | None = None) -> list[Path]:
    """Mounted CircuitPython drives named CIRCUITPY (those with a boot_out.txt).

    ``mounts`` is a /proc/mounts text; by default the system's, where there is one. The
    usual automount places are tried too, for systems without it.
    """
    if mounts is None and Path("/proc/mounts").is_file():
        mounts = Path("/proc/mounts").read_text(errors="replace")
    # Linux desktops and macOS add a number when two volumes have the same name.
    named = re.compile(re.escape(DRIVE_LABEL) + r"( ?\d+)?")
    candidates = [path for path in mount_points(mounts or "") if named.fullmatch(path.name)]
    user = os.environ.get("USER") or os.environ.get("LOGNAME") or ""
    for base in (Path("/media", user), Path("/media"), Path("/run/media", user), Path("/Volumes")):
        try:
            candidates += sorted(p for p in base.iterdir() if named.fullmatch(p.name))
        except OSError:  # not there, or not ours to read
            continue
    if sys.platform == "win32":
        candidates += _windows_drives()
    found: dict[Path, None] = {}
    for path in candidates:
        if (path / "boot_out.txt").is_file():
            found.setdefault(path.resolve())
    return list(found)


def find_drive() -> Path:
    """The one mounted CIRCUITPY drive, or a ``DeployError`` that says what to do."""
    drives = find_drives()
    if not drives:
        raise DeployError(
            "no CIRCUITPY drive found: plug the board in (a smartkey token: hold A while you "
            "reset it, to show its drive), or name the drive with --drive"
        )
    if len(drives) > 1:
        names = ", ".join(str(d) for d in drives)
        raise DeployError(f"more than one CIRCUITPY drive ({names}): choose one with --drive")
    return drives[0]


# -- what a deploy ships -------------------------------------------------------------------------
def _sources(root: Path) -> Iterable[Path]:
    """The .py files of a package directory, without byte-code caches."""
    return sorted(p for p in root.rglob("*.py") if "__pycache__" not in p.parts)


def firmware_files(source: Path = SOURCE) -> dict[str, Path]:
    """{path on the drive: source file} for boot.py, code.py and the firmware package."""
    files = {name: source / name for name in FIRMWARE_FILES}
    package = source / FIRMWARE_PACKAGE
    for path in _sources(package):
        files[path.relative_to(source).as_posix()] = path
    return files


def library_files(names: Iterable[str] = DEVICE_LIBRARIES) -> dict[str, Path]:
    """{path on the drive: source file} for the device libraries installed on this computer."""
    files = {}
    for name in names:
        spec = importlib.util.find_spec(name)
        if spec is None:
            raise DeployError(
                f"{name} is not installed on this computer: pip install --no-deps "
                "-r requirements/drivers.txt, or deploy --online (circup)"
            )
        if spec.submodule_search_locations:
            package = Path(next(iter(spec.submodule_search_locations)))
            for path in _sources(package):
                files[f"lib/{name}/{path.relative_to(package).as_posix()}"] = path
        elif spec.origin and spec.origin.endswith(".py"):
            files[f"lib/{name}.py"] = Path(spec.origin)
        else:
            raise DeployError(f"{name} on this computer is not pure Python ({spec.origin})")
    return files


def library_versions(names: Iterable[str] = DEVICE_LIBRARIES) -> dict[str, str | None]:
    """{import name: installed distribution version} (None when no distribution says)."""
    distributions = importlib.metadata.packages_distributions()
    versions: dict[str, str | None] = {}
    for name in names:
        versions[name] = None
        for dist in distributions.get(name, ()):
            versions[name] = importlib.metadata.version(dist)
    return versions


# -- compiling to .mpy ---------------------------------------------------------------------------
def mpy_cross_version(path: Path) -> str:
    """What ``path --version`` says, e.g. "CircuitPython 10.1.4 on 2025-…; mpy-cross emitting
    mpy v6.3"; ``DeployError`` if it does not run."""
    try:
        result = subprocess.run(
            [str(path), "--version"], capture_output=True, text=True, timeout=60, check=False
        )
    except OSError as error:
        raise DeployError(f"mpy-cross at {path} does not run: {error.strerror}") from None
    return (result.stdout + result.stderr).strip()


def find_mpy_cross(path: Path | None, major: int) -> Path:
    """CircuitPython's mpy-cross for boards of ``major`` version: ``path`` if given, else
    $SMARTKEY_MPY_CROSS, else ``mpy-cross`` on PATH. ``DeployError`` (one line, saying where to
    get the right one) when there is none or it is not CircuitPython's ``major``.x compiler,
    whose .mpy files are the only ones such a board loads."""
    given = path or os.environ.get(MPY_CROSS_ENV) or shutil.which("mpy-cross")
    if not given:
        raise DeployError(
            f"deploy compiles the firmware with CircuitPython {major}.x's mpy-cross, and none "
            f"was found: get it from {MPY_CROSS_SOURCES}, then name it with --mpy-cross PATH "
            f"or {MPY_CROSS_ENV}; or deploy the sources with --source"
        )
    found = Path(given)
    if not found.is_file():
        raise DeployError(f"mpy-cross at {found} does not exist (--mpy-cross or {MPY_CROSS_ENV})")
    version = mpy_cross_version(found)
    match = re.search(r"CircuitPython (\d+)\.(\S+)", version)
    if match is None:
        said = version.splitlines()[0] if version else "nothing"
        raise DeployError(
            f"{found} is not CircuitPython's mpy-cross (its --version says {said!r}); a "
            f"board runs only .mpy files from CircuitPython {major}.x's own: get it from "
            f"{MPY_CROSS_SOURCES}, or deploy the sources with --source"
        )
    if int(match[1]) != major:
        raise DeployError(
            f"{found} is CircuitPython {match[1]}.{match[2]}'s mpy-cross and the board runs "
            f"CircuitPython {major}.x, which does not load its .mpy files: use mpy-cross "
            f"{major}.x, from {MPY_CROSS_SOURCES}; or deploy the sources with --source"
        )
    return found


def compile_firmware(files: Mapping[str, Path], mpy_cross: Path, into: Path) -> dict[str, Path]:
    """``files`` with the modules of the firmware package and of lib/ compiled to .mpy in
    ``into``: {drive path: file}. boot.py and code.py stay sources; CircuitPython runs only
    those as sources."""
    compiled: dict[str, Path] = {}
    for path, source in files.items():
        if not path.endswith(".py") or not path.startswith((FIRMWARE_PACKAGE + "/", "lib/")):
            compiled[path] = source
            continue
        target = into / PurePosixPath(path).with_suffix(".mpy")
        target.parent.mkdir(parents=True, exist_ok=True)
        # -s: tracebacks on the board name the file as it is in the repository.
        result = subprocess.run(
            [str(mpy_cross), "-o", str(target), "-s", path, str(source)],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0 or not target.is_file():
            said = (result.stderr or result.stdout).strip().splitlines() or ["no output"]
            raise DeployError(f"mpy-cross could not compile {path}: {said[-1]}")
        compiled[str(PurePosixPath(path).with_suffix(".mpy"))] = target
    return compiled


def _twins(drive: Path, ships: Mapping[str, Path]) -> dict[str, str]:
    """{path of a .py on the drive: the .mpy it would shadow} for the .mpy files shipped:
    CircuitPython imports a module's .py before its .mpy in the same folder."""
    twins = {}
    for path in ships:
        if path.endswith(".mpy"):
            twin = path[: -len(".mpy")] + ".py"
            if twin not in ships and (drive / twin).is_file():
                twins[twin] = path
    return twins


# -- the plan ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Action:
    """One change to one file: add, update, unchanged, backup (to ``target``), remove or keep."""

    kind: str
    path: str
    target: str = ""
    reason: str = ""


@dataclass
class Plan:
    """Everything one deploy will do to a drive, decided before anything is written."""

    drive: Path
    actions: list[Action]
    writes: dict[str, bytes]
    manifest: dict[str, str]
    notes: list[str] = field(default_factory=list)

    def of(self, kind: str) -> list[Action]:
        return [action for action in self.actions if action.kind == kind]

    @property
    def changes(self) -> bool:
        return any(action.kind != "unchanged" and action.kind != "keep" for action in self.actions)

    def bytes_needed(self) -> int:
        """Roughly how much free space applying the plan takes (FAT rounds files up to sectors)."""
        backed_up = {action.path for action in self.of("backup")}
        needed = 0
        for path, data in self.writes.items():
            replaced = self.drive / path
            old = replaced.stat().st_size if replaced.is_file() and path not in backed_up else 0
            needed += len(data) - old + 512
        return needed - sum((self.drive / a.path).stat().st_size for a in self.of("remove"))

    def apply(self) -> None:
        """Back up, write, remove, then record the manifest, in that order: the manifest only
        ever lists files that were completely written."""
        free = shutil.disk_usage(self.drive).free
        if self.bytes_needed() > free:
            raise DeployError(
                f"{self.drive} has {free // 1024} KB free; this deploy needs about "
                f"{self.bytes_needed() // 1024} KB: make room and deploy again"
            )
        for action in self.of("backup"):
            (self.drive / action.path).rename(self.drive / action.target)
        for path, data in self.writes.items():
            target = self.drive / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        for action in self.of("remove"):
            target = self.drive / action.path
            target.unlink()
            _prune(target.parent, self.drive)
        _write_manifest(self.drive, self.manifest)


def _prune(directory: Path, drive: Path) -> None:
    """Remove directories a removal left empty, up to (not including) the drive and lib/."""
    while directory not in (drive, drive / "lib") and drive in directory.parents:
        if any(directory.iterdir()):
            return
        directory.rmdir()
        directory = directory.parent


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _file_digest(path: Path) -> str | None:
    if path.is_dir():
        raise DeployError(f"{path} is a directory where smartkey ships a file")
    return _digest(path.read_bytes()) if path.is_file() else None


def read_manifest(drive: Path) -> tuple[dict[str, str], list[str]]:
    """{path: sha256} of the files an earlier deploy wrote, and any note about the manifest."""
    path = drive / MANIFEST
    if not path.exists():
        return {}, []
    try:
        data = json.loads(path.read_text())
        files = data["files"] if data.get("format") == 1 else None
        if isinstance(files, dict) and all(isinstance(v, str) for v in files.values()):
            # The drive is not trusted: an entry never reaches outside it.
            return {k: v for k, v in files.items() if _inside(k)}, []
    except (ValueError, KeyError, AttributeError, OSError):
        pass
    return {}, [f"{MANIFEST} is unreadable: every file is treated as the user's"]


def _write_manifest(drive: Path, files: Mapping[str, str]) -> None:
    data = {
        "format": 1,
        "written_by": f"smartkey {__version__}",
        "files": dict(sorted(files.items())),
    }
    text = json.dumps(data, indent=1) + "\n"
    path = drive / MANIFEST
    # An unchanged drive is not written at all: each write restarts a running CircuitPython.
    if not path.is_file() or path.read_text() != text:
        path.write_text(text)


def _inside(path: str) -> bool:
    parts = PurePosixPath(path).parts
    return bool(parts) and parts[0] != "/" and ".." not in parts and not set(path) & set(":\\")


def _in_scope(path: str, scope: tuple[str, ...]) -> bool:
    return any(path == part or (part.endswith("/") and path.startswith(part)) for part in scope)


def _is_stock(path: str, data: bytes) -> bool:
    return _STOCK_FILES.get(path) == data.strip()


def _backup_name(drive: Path, path: str) -> str:
    name, number = path + ".bak", 1
    while (drive / name).exists():
        number += 1
        name = f"{path}.bak{number}"
    return name


def make_plan(
    drive: Path,
    ships: Mapping[str, Path],
    scope: tuple[str, ...],
    create_only: Mapping[str, Path] | None = None,
) -> Plan:
    """Compare what the drive holds with what to ship; nothing is written.

    ``ships`` are the files deploy owns by name within ``scope``; ``create_only`` files are
    written only where the drive has none (or an empty one) and are the user's from then on,
    so they are not in the manifest.
    """
    old, notes = read_manifest(drive)
    manifest = {path: digest for path, digest in old.items() if not _in_scope(path, scope)}
    actions: list[Action] = []
    writes: dict[str, bytes] = {}
    for path, source in sorted(ships.items()):
        data = source.read_bytes()
        digest, current = _digest(data), _file_digest(drive / path)
        manifest[path] = digest
        if current == digest:
            actions.append(Action("unchanged", path))
            continue
        if current is not None and current != old.get(path):
            existing = (drive / path).read_bytes()
            if not _is_stock(path, existing):
                why = "changed since deployed" if path in old else "not written by deploy"
                actions.append(Action("backup", path, _backup_name(drive, path), why))
        actions.append(Action("add" if current is None else "update", path))
        writes[path] = data
    for path, source in sorted((create_only or {}).items()):
        target = drive / path
        if target.is_file() and target.read_bytes().strip():
            actions.append(Action("keep", path, reason="yours"))
        else:
            actions.append(Action("add" if not target.exists() else "update", path))
            writes[path] = source.read_bytes()
    for path, digest in sorted(old.items()):
        if path in ships or not _in_scope(path, scope):
            continue
        current = _file_digest(drive / path)
        if current == digest:
            actions.append(Action("remove", path))
        elif current is not None:
            actions.append(Action("keep", path, reason="changed since deployed"))
    removed = {action.path for action in actions if action.kind == "remove"}
    for twin, compiled in sorted(_twins(drive, ships).items()):
        if twin not in removed:
            # Not ours to delete (the user's, or changed since), but it cannot stay there.
            actions = [a for a in actions if a.path != twin]
            why = f"would be imported instead of {PurePosixPath(compiled).name}"
            actions.append(Action("backup", twin, _backup_name(drive, twin), why))
    return Plan(drive, actions, writes, manifest, notes)


def plan_deploy(
    drive: Path,
    *,
    source: Path = SOURCE,
    libraries: bool = True,
    info: BootInfo | None = None,
    mpy_cross: Path | None = None,
) -> Plan:
    """The plan for ``smartkey deploy``: firmware, example settings, and the device libraries
    copied from this computer (``libraries=False``: lib/ is circup's, and the libraries an
    earlier deploy copied are removed, so circup's compiled ones are the ones imported).

    ``mpy_cross``: CircuitPython's compiler (see :func:`find_mpy_cross`) to ship the firmware
    package and those libraries as .mpy (each module then costs the board no compiling RAM at
    import); None ships their sources."""
    with tempfile.TemporaryDirectory(prefix="smartkey-mpy-") as staging:
        ships = firmware_files(source)
        if libraries:
            ships.update(library_files())
        if mpy_cross is not None:
            ships = compile_firmware(ships, mpy_cross, Path(staging))
        plan = make_plan(
            drive, ships, FIRMWARE_SCOPE + LIBRARY_SCOPE, {SETTINGS: source / SETTINGS}
        )
    if (drive / "code.txt").exists():
        plan.notes.append("code.txt on the drive runs instead of code.py: rename or remove it")
    if info is not None and info.board_id not in known_board_ids(source):
        plan.notes.append(
            f"no smartkey profile for board {info.board_id or info.board}: the pico profile "
            "is used; set SMARTKEY_PROFILE and the pins in settings.toml"
        )
    return plan


def install_firmware(drive: Path, source: Path = SOURCE, mpy_cross: Path | None = None) -> Plan:
    """Copy boot.py, code.py and smartkey_fw/ onto ``drive`` (settings.toml only if missing);
    files the firmware wrote there (its vault, settings) are left alone. ``mpy_cross``: ship
    the package compiled to .mpy by it (an emulated board's drive); None: as sources (the
    virtual board runs those)."""
    drive.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="smartkey-mpy-") as staging:
        ships = firmware_files(source)
        if mpy_cross is not None:
            ships = compile_firmware(ships, mpy_cross, Path(staging))
        plan = make_plan(drive, ships, FIRMWARE_SCOPE, {SETTINGS: source / SETTINGS})
    plan.apply()
    (drive / "lib").mkdir(exist_ok=True)
    return plan


def circup_command(drive: Path) -> list[str]:
    """The circup command line that installs the device libraries; ``DeployError`` without it."""
    circup = shutil.which("circup")
    if circup is None:
        raise DeployError(
            "--online needs circup, which smartkey does not install: pip install circup "
            "(or pipx install circup), or deploy without --online to copy this computer's drivers"
        )
    return [circup, "--path", str(drive), "install", "-r", str(REQUIREMENTS)]
