"""`smartkey deploy` onto a directory that looks like a CIRCUITPY drive, and the virtual board
booting from exactly what it wrote."""

import hashlib
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import real_cp
from board_helpers import T0, message_frame, panel, pin_frame, set_up
from smartkey import deploy
from smartkey._cli import main
from smartkey.sim import VirtualBoard

NO_PROFILE = "no_such_board"  # a board id no profile will ever name (a real one may get one)
BOOT_OUT = (
    "Adafruit CircuitPython {version} on 2024-11-20; Raspberry Pi Pico with rp2040\n"
    "Board ID:raspberry_pi_pico\n"
    "UID:E6614C311B6B8A2F\n"
    "boot.py output:\n"
)
NEW_TOKEN = (
    "NEW TOKEN",
    (
        "No secure element: a copy of the flash is guessed offline. Use 10+ digits.",
        "A/C: change digit",
        "B: add, hold B: done",
    ),
)
PIN = "314159"


def fresh_drive(path, version="9.2.1"):
    """What a newly flashed board shows: boot_out.txt, the stock code.py, an empty
    settings.toml and an empty lib/."""
    drive = path / "CIRCUITPY"
    (drive / "lib").mkdir(parents=True)
    (drive / "boot_out.txt").write_text(BOOT_OUT.format(version=version))
    (drive / "code.py").write_text('print("Hello World!")\n')
    (drive / "settings.toml").write_text("")
    return drive


@pytest.fixture
def drive(tmp_path):
    return fresh_drive(tmp_path)


def run(drive, *options, source=True):
    """``smartkey deploy`` on ``drive``; as sources unless ``source=False``: the virtual board
    runs those, and the .mpy tests below need CircuitPython's mpy-cross."""
    flags = ["--source"] if source else []
    result = CliRunner().invoke(main, ["deploy", "--drive", str(drive), *flags, *options])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def deployed(drive, *options, source=True):
    """The command's output with rich's line wrapping undone (words joined by one space)."""
    result = run(drive, *options, source=source)
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())


def snapshot(drive):
    return {p.relative_to(drive): p.read_bytes() for p in sorted(drive.rglob("*")) if p.is_file()}


def host_sources(name):
    spec = importlib.util.find_spec(name)
    if spec.submodule_search_locations:
        package = Path(spec.origin).parent
        return {
            Path(name, p.relative_to(package)): p.read_bytes()
            for p in package.rglob("*.py")
            if "__pycache__" not in p.parts
        }
    return {Path(name + ".py"): Path(spec.origin).read_bytes()}


# -- the deployed drive boots ----------------------------------------------------------------------
def test_the_virtual_board_boots_a_new_token_from_the_deployed_drive(drive):
    deployed(drive)
    with VirtualBoard(drive, utc=T0) as board:
        board.step(1.0)
        assert panel(board) == message_frame(board, *NEW_TOKEN)
        assert Path(board.modules["smartkey_fw.app"].__file__).parent == drive / "smartkey_fw"
        drivers = {name: m for name, m in board.modules.items() if name.startswith("adafruit_")}
        assert {"adafruit_ssd1306", "adafruit_ds3231", "adafruit_framebuf"} <= set(drivers)
        for module in drivers.values():
            assert (drive / "lib") in Path(module.__file__).parents, module.__file__


def test_lib_holds_the_host_drivers_sources_and_nothing_compiled(drive):
    deployed(drive)
    lib = drive / "lib"
    on_drive = {p.relative_to(lib): p.read_bytes() for p in lib.rglob("*") if p.is_file()}
    expected = {}
    for name in deploy.DEVICE_LIBRARIES:
        expected.update(host_sources(name))
    assert on_drive == expected


def test_the_board_runs_the_deployed_copy_and_a_redeploy_keeps_the_edit_as_bak(drive):
    deployed(drive)
    flows = drive / "smartkey_fw" / "ui" / "pin_flows.py"
    edited = flows.read_text().replace('"NEW TOKEN"', '"DEPLOYED"')
    flows.write_text(edited)
    with VirtualBoard(drive, utc=T0) as board:
        board.step(1.0)
        assert panel(board) == message_frame(board, "DEPLOYED", NEW_TOKEN[1])
    output = deployed(drive)
    assert "pin_flows.py.bak" in output and "changed since deployed" in output
    assert (drive / "smartkey_fw" / "ui" / "pin_flows.py.bak").read_text() == edited
    assert (
        flows.read_bytes() == (deploy.SOURCE / "smartkey_fw" / "ui" / "pin_flows.py").read_bytes()
    )


# -- refusals --------------------------------------------------------------------------------------
def test_a_directory_without_boot_out_txt_is_refused_and_left_alone(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    result = run(tmp_path)
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"Error: {tmp_path} is not a CircuitPython drive: it has no boot_out.txt"
    ]
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_a_missing_drive_is_refused(tmp_path):
    result = run(tmp_path / "nowhere")
    assert result.exit_code == 1 and "is not a directory" in result.output


@pytest.mark.parametrize("version", ["8.2.10", "7.3.3", "11.0.0-alpha.1"])
def test_an_unsupported_circuitpython_is_refused(tmp_path, version):
    drive = fresh_drive(tmp_path, version)
    before = snapshot(drive)
    result = run(drive)
    assert result.exit_code == 1
    assert f"runs CircuitPython {version}; smartkey needs 9.x or 10.x" in result.output
    assert snapshot(drive) == before


def test_circuitpython_10_is_accepted(tmp_path):
    drive = fresh_drive(tmp_path, "10.0.3")
    assert "CircuitPython 10.0.3" in deployed(drive)


# -- the user's files ------------------------------------------------------------------------------
def test_files_the_user_put_on_the_drive_survive_two_deploys(drive):
    mine = {
        "notes.txt": b"my notes",
        "lib/my_driver.py": b"X = 1\n",
        "smartkey_fw/my_patch.py": b"# mine\n",
    }
    for name, data in mine.items():
        (drive / name).parent.mkdir(parents=True, exist_ok=True)
        (drive / name).write_bytes(data)
    deployed(drive)
    deployed(drive)
    for name, data in mine.items():
        assert (drive / name).read_bytes() == data


def test_a_user_file_with_a_firmware_name_is_kept_as_bak(drive):
    (drive / "code.py").write_text("import my_project\n")
    output = deployed(drive)
    assert "code.py → code.py.bak (not written by deploy)" in output
    assert (drive / "code.py.bak").read_text() == "import my_project\n"
    # An earlier backup is never overwritten either.
    (drive / "code.py").write_text("import my_other_project\n")
    deployed(drive)
    assert (drive / "code.py.bak").read_text() == "import my_project\n"
    assert (drive / "code.py.bak2").read_text() == "import my_other_project\n"


def test_the_stock_code_py_is_replaced_without_a_backup(drive):
    deployed(drive)
    assert not (drive / "code.py.bak").exists()
    assert (drive / "code.py").read_bytes() == (deploy.SOURCE / "code.py").read_bytes()


def test_settings_are_written_once_then_never_touched(drive):
    deployed(drive)
    settings = drive / "settings.toml"
    assert settings.read_bytes() == (deploy.SOURCE / "settings.toml").read_bytes()
    settings.write_text('SMARTKEY_PROFILE = "feather32"\n')
    assert "settings.toml (yours)" in deployed(drive)
    assert settings.read_text() == 'SMARTKEY_PROFILE = "feather32"\n'


def test_the_vault_survives_a_redeploy_byte_for_byte(drive):
    deployed(drive)
    with VirtualBoard(drive, utc=T0) as board:
        set_up(board, PIN)
    vault = {p.name: p.read_bytes() for p in drive.glob("vault.*")}
    assert "vault.bin" in vault
    deployed(drive)
    assert {p.name: p.read_bytes() for p in drive.glob("vault.*")} == vault
    with VirtualBoard(drive, utc=T0) as board:
        board.step(0.5)
        assert panel(board) == pin_frame(board, "10 tries left")


def firmware_copy(tmp_path, extra):
    """A source tree like the repository's, with ``extra`` {path: text} added."""
    source = tmp_path / "source"
    for name in (*deploy.FIRMWARE_FILES, deploy.SETTINGS):
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        (source / name).write_bytes((deploy.SOURCE / name).read_bytes())
    for path, target in deploy.firmware_files().items():
        (source / path).parent.mkdir(parents=True, exist_ok=True)
        (source / path).write_bytes(target.read_bytes())
    for path, text in extra.items():
        (source / path).parent.mkdir(parents=True, exist_ok=True)
        (source / path).write_text(text)
    return source


def test_a_file_deploy_wrote_and_no_longer_ships_is_removed(tmp_path, drive):
    old = {"smartkey_fw/retired.py": "OLD = 1\n", "smartkey_fw/gone/__init__.py": ""}
    old["smartkey_fw/edited.py"] = "EDITED = 0\n"
    deploy.install_firmware(drive, firmware_copy(tmp_path, old))
    (drive / "smartkey_fw" / "edited.py").write_text("EDITED = 1  # the user's change\n")
    output = deployed(drive)
    assert not (drive / "smartkey_fw" / "retired.py").exists()
    assert not (drive / "smartkey_fw" / "gone").exists()  # emptied, so removed
    assert (drive / "smartkey_fw" / "edited.py").read_text() == "EDITED = 1  # the user's change\n"
    assert "smartkey_fw/retired.py" in output and "edited.py (changed since deployed)" in output
    manifest = json.loads((drive / deploy.MANIFEST).read_text())["files"]
    assert "smartkey_fw/edited.py" not in manifest and "smartkey_fw/retired.py" not in manifest
    assert set(manifest) == set(deploy.firmware_files()) | set(deploy.library_files())


def test_the_manifest_records_every_file_deploy_wrote_with_its_hash(drive):
    deployed(drive)
    manifest = json.loads((drive / deploy.MANIFEST).read_text())["files"]
    for path, digest in manifest.items():
        assert hashlib.sha256((drive / path).read_bytes()).hexdigest() == digest
    assert "settings.toml" not in manifest and "boot_out.txt" not in manifest


def test_an_up_to_date_drive_is_not_written_at_all(drive):
    # Every write to CIRCUITPY restarts a running CircuitPython.
    deployed(drive)
    before = {p: p.stat().st_mtime_ns for p in drive.rglob("*")}
    assert "unchanged" in deployed(drive)
    assert {p: p.stat().st_mtime_ns for p in drive.rglob("*")} == before


def test_a_manifest_never_reaches_outside_the_drive(tmp_path, drive):
    outside = tmp_path / "precious.txt"
    outside.write_text("not the drive's")
    deployed(drive)
    manifest_path = drive / deploy.MANIFEST
    manifest = json.loads(manifest_path.read_text())
    digest = hashlib.sha256(outside.read_bytes()).hexdigest()
    manifest["files"]["smartkey_fw/../../precious.txt"] = digest
    manifest["files"][str(outside)] = digest
    manifest_path.write_text(json.dumps(manifest))
    deployed(drive)
    assert outside.read_text() == "not the drive's"


def test_an_unreadable_manifest_makes_every_file_the_users(drive):
    deployed(drive)
    (drive / deploy.MANIFEST).write_text("{not json")
    (drive / "boot.py").write_text("# edited\n")
    output = deployed(drive)
    assert "is unreadable" in output and "boot.py → boot.py.bak" in output
    assert json.loads((drive / deploy.MANIFEST).read_text())["format"] == 1


# -- dry run ---------------------------------------------------------------------------------------
def test_a_dry_run_changes_nothing(tmp_path, drive):
    before = snapshot(drive)
    output = deployed(drive, "--dry-run")
    assert "Dry run: nothing was changed." in output and "add" in output
    assert snapshot(drive) == before
    deploy.install_firmware(drive, firmware_copy(tmp_path, {"smartkey_fw/retired.py": ""}))
    (drive / "boot.py").write_text("# the user's boot.py\n")
    before = snapshot(drive)
    output = deployed(drive, "--dry-run")
    assert "boot.py → boot.py.bak" in output and "smartkey_fw/retired.py" in output
    assert snapshot(drive) == before


# -- circup ----------------------------------------------------------------------------------------
@pytest.mark.skipif(sys.platform == "win32", reason="a shell script stands in for circup")
def test_online_runs_circup_and_drops_the_sources_deploy_copied(tmp_path, drive, monkeypatch):
    deployed(drive)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "circup-args"
    circup = bin_dir / "circup"
    circup.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > "{log}"\n')
    circup.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir) + os.pathsep + os.environ["PATH"])
    deployed(drive, "--online")
    assert log.read_text().split() == [
        "--path",
        str(drive),
        "install",
        "-r",
        str(deploy.SOURCE / "lib" / "requirements.txt"),
    ]
    # circup's compiled libraries must be the ones imported: CircuitPython prefers a .py.
    assert not any((drive / "lib").rglob("*.py"))
    assert (drive / "smartkey_fw" / "app.py").exists()


def test_online_without_circup_says_how_to_get_it(tmp_path, drive, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    before = snapshot(drive)
    result = run(drive, "--online")
    assert result.exit_code == 1 and "pip install circup" in result.output
    assert snapshot(drive) == before


# -- finding the drive -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (BOOT_OUT.format(version="9.2.1"), ("9.2.1", 9, "Raspberry Pi Pico", "raspberry_pi_pico")),
        (
            "Adafruit CircuitPython 10.0.0-beta.2 on 2025-06-30; Raspberry Pi Pico W with rp2040\n"
            "Board ID:raspberry_pi_pico_w\n",
            ("10.0.0-beta.2", 10, "Raspberry Pi Pico W", "raspberry_pi_pico_w"),
        ),
        (
            "Adafruit CircuitPython 6.3.0 on 2021-06-01; Adafruit Feather RP2040 with rp2040\n",
            ("6.3.0", 6, "Adafruit Feather RP2040", None),
        ),
    ],
)
def test_boot_out_txt_names_the_version_and_board(text, expected):
    info = deploy.parse_boot_out(text)
    assert (info.version, info.major, info.board, info.board_id) == expected


def test_a_boot_out_txt_without_a_version_is_refused(tmp_path):
    (tmp_path / "boot_out.txt").write_text("something else\n")
    with pytest.raises(deploy.DeployError, match="does not name a CircuitPython version"):
        deploy.check_drive(tmp_path)


def test_an_unknown_board_gets_a_note_about_settings(tmp_path):
    drive = fresh_drive(tmp_path)
    text = BOOT_OUT.format(version="9.2.1").replace("raspberry_pi_pico", NO_PROFILE)
    (drive / "boot_out.txt").write_text(text)
    assert f"no smartkey profile for board {NO_PROFILE}" in deployed(drive, "--dry-run")


def test_mounted_circuitpy_drives_are_found_in_proc_mounts(tmp_path):
    first = fresh_drive(tmp_path / "media")
    second = tmp_path / "with space" / "CIRCUITPY1"
    second.mkdir(parents=True)
    (second / "boot_out.txt").write_text(BOOT_OUT.format(version="10.0.3"))
    unmounted_name = tmp_path / "CIRCUITPY"  # no boot_out.txt: not a CircuitPython drive
    unmounted_name.mkdir()
    escaped = str(second).replace(" ", "\\040")
    mounts = (
        "proc /proc proc rw,nosuid 0 0\n"
        f"/dev/sdb1 {first} vfat rw,relatime 0 0\n"
        f"/dev/sdc1 {escaped} vfat rw,relatime 0 0\n"
        f"/dev/sdd1 {unmounted_name} vfat rw 0 0\n"
        f"/dev/sda2 {tmp_path} ext4 rw 0 0\n"
    )
    assert deploy.mount_points(mounts)[2] == second
    found = deploy.find_drives(mounts)
    assert first.resolve() in found and second.resolve() in found
    assert unmounted_name.resolve() not in found


# -- .mpy: CircuitPython's own compiler ------------------------------------------------------------
@pytest.fixture
def mpy_cross():
    """CircuitPython 10.1.4's mpy-cross, from the real-CircuitPython builds (tests/real_cp.py)."""
    return real_cp.require(real_cp.MPY_CROSS) / real_cp.MPY_CROSS


@pytest.fixture
def drive10(tmp_path):
    return fresh_drive(tmp_path, version="10.1.4")


def fake_mpy_cross(tmp_path, said):
    """A program that answers --version like another compiler does."""
    program = tmp_path / "bin" / "mpy-cross"
    program.parent.mkdir(parents=True, exist_ok=True)
    program.write_text(f"#!/bin/sh\necho '{said}'\n")
    program.chmod(0o755)
    return program


def test_the_firmware_is_compiled_to_mpy_that_circuitpython_10_loads(tmp_path, drive10, mpy_cross):
    output = deployed(drive10, "--mpy-cross", str(mpy_cross), source=False)
    assert "as .mpy, compiled by CircuitPython 10.1.4's mpy-cross" in output
    package = drive10 / "smartkey_fw"
    root = deploy.SOURCE / "smartkey_fw"
    sources = {p.relative_to(root) for p in deploy.firmware_files().values() if root in p.parents}
    assert {p.relative_to(package) for p in package.rglob("*") if p.is_file()} == {
        s.with_suffix(".mpy") for s in sources
    }
    for compiled in package.rglob("*.mpy"):
        # 'C' and mpy version 6: CircuitPython's format, which 10.x loads (MicroPython writes 'M').
        assert compiled.read_bytes()[:2] == b"C\x06", compiled
    # boot.py and code.py stay sources: CircuitPython runs only those as sources.
    assert (drive10 / "code.py").read_bytes() == (deploy.SOURCE / "code.py").read_bytes()
    assert not list(drive10.glob("*.mpy"))
    manifest = json.loads((drive10 / deploy.MANIFEST).read_text())["files"]
    assert "smartkey_fw/otp.mpy" in manifest and "smartkey_fw/otp.py" not in manifest
    # The drivers copied from this computer are compiled too: a source costs the board RAM to
    # compile at every start.
    libraries = {p.relative_to(drive10).as_posix() for p in (drive10 / "lib").rglob("*.*")}
    assert "lib/adafruit_ssd1306.mpy" in libraries and "lib/adafruit_hid/keyboard.mpy" in libraries
    assert not {path for path in libraries if path.endswith(".py")}
    for compiled in (drive10 / "lib").rglob("*.mpy"):
        assert compiled.read_bytes()[:2] == b"C\x06", compiled


def test_the_compiled_firmware_imports_and_computes_on_circuitpython(drive10, mpy_cross):
    core = real_cp.unix_core()
    deployed(drive10, "--mpy-cross", str(mpy_cross), source=False)
    script = (
        "from smartkey_fw import otp, app, vault, qr\n"
        "print(otp.__file__, otp.totp(b'12345678901234567890', 59, 30, 8))\n"
    )
    # Only the drive on the import path: nothing can come from the repository's sources.
    result = subprocess.run(
        [str(core), "-c", script],
        capture_output=True,
        text=True,
        env={"MICROPYPATH": str(drive10)},
        cwd=drive10,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    imported, code = result.stdout.split()
    assert imported.endswith("smartkey_fw/otp.mpy") and code == "94287082"


def test_a_mpy_cross_for_another_major_version_is_refused(tmp_path, drive):
    other = fake_mpy_cross(
        tmp_path, "CircuitPython 10.1.4 on 2025-11-01; mpy-cross emitting mpy v6.3"
    )
    before = snapshot(drive)
    result = run(drive, "--mpy-cross", str(other), source=False)  # the drive runs 9.2.1
    assert result.exit_code == 1
    assert f"{other} is CircuitPython 10.1.4's mpy-cross and the board runs CircuitPython 9.x" in (
        " ".join(result.output.split())
    )
    assert "--source" in result.output
    assert snapshot(drive) == before


def test_micropythons_mpy_cross_is_refused(tmp_path, drive10, monkeypatch):
    other = fake_mpy_cross(
        tmp_path, "MicroPython v1.25.0 on 2025-04-15; mpy-cross emitting mpy v6.3"
    )
    monkeypatch.setenv("SMARTKEY_MPY_CROSS", str(other))
    result = run(drive10, source=False)
    assert result.exit_code == 1
    assert "is not CircuitPython's mpy-cross" in " ".join(result.output.split())


def test_without_mpy_cross_the_error_says_where_to_get_it(tmp_path, drive10, monkeypatch):
    monkeypatch.delenv("SMARTKEY_MPY_CROSS", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    before = snapshot(drive10)
    result = run(drive10, source=False)
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 or "Error:" in lines[0]
    said = " ".join(result.output.split())
    assert "CircuitPython 10.x's mpy-cross" in said and "CircuitPython's releases" in said
    assert "make -C mpy-cross" in said and "--source" in said
    assert snapshot(drive10) == before


def test_mpy_cross_is_found_on_path_and_through_the_variable(tmp_path, mpy_cross, monkeypatch):
    monkeypatch.delenv("SMARTKEY_MPY_CROSS", raising=False)
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "mpy-cross").symlink_to(mpy_cross)
    monkeypatch.setenv("PATH", str(tmp_path / "bin") + os.pathsep + os.environ["PATH"])
    assert deploy.find_mpy_cross(None, 10) == tmp_path / "bin" / "mpy-cross"
    monkeypatch.setenv("SMARTKEY_MPY_CROSS", str(mpy_cross))
    assert deploy.find_mpy_cross(None, 10) == mpy_cross


def test_source_deploys_without_any_mpy_cross(tmp_path, drive10, monkeypatch):
    monkeypatch.delenv("SMARTKEY_MPY_CROSS", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert "as .py sources (--source)" in deployed(drive10, "--dry-run")
    deployed(drive10)
    assert (drive10 / "smartkey_fw" / "otp.py").is_file()
    assert not list(drive10.rglob("*.mpy"))


def test_switching_between_mpy_and_sources_leaves_no_twin(drive10, mpy_cross):
    deployed(drive10)  # sources first
    output = deployed(drive10, "--mpy-cross", str(mpy_cross), source=False)
    # Its own .py files, unchanged, are removed: a .py is imported before a .mpy beside it.
    assert not list((drive10 / "smartkey_fw").rglob("*.py"))
    assert "remove" in output and "smartkey_fw/otp.py" in output
    deployed(drive10)  # and back: the .mpy files go
    assert not list((drive10 / "smartkey_fw").rglob("*.mpy"))
    assert (drive10 / "smartkey_fw" / "otp.py").is_file()


def test_a_py_twin_deploy_did_not_write_is_kept_as_bak(drive10, mpy_cross):
    deployed(drive10)
    (drive10 / "smartkey_fw" / "otp.py").write_text("# the user's edit\n")
    (drive10 / "smartkey_fw" / "extra.py").write_text("# the user's own module\n")
    output = deployed(drive10, "--mpy-cross", str(mpy_cross), source=False)
    assert "smartkey_fw/otp.py → smartkey_fw/otp.py.bak (would be imported instead of otp.mpy)" in (
        output
    )
    assert not (drive10 / "smartkey_fw" / "otp.py").exists()
    assert (drive10 / "smartkey_fw" / "otp.py.bak").read_text() == "# the user's edit\n"
    assert (drive10 / "smartkey_fw" / "extra.py").read_text() == "# the user's own module\n"
    # The next deploy finds nothing to do.
    assert "unchanged" in deployed(drive10, "--mpy-cross", str(mpy_cross), source=False)
    assert not (drive10 / "smartkey_fw" / "otp.py").exists()


def test_install_firmware_builds_a_compiled_drive_for_an_emulated_board(tmp_path, mpy_cross):
    drive = tmp_path / "image"
    deploy.install_firmware(drive, mpy_cross=mpy_cross)
    assert (drive / "smartkey_fw" / "app.mpy").is_file() and (drive / "code.py").is_file()
    assert not list((drive / "smartkey_fw").rglob("*.py"))
