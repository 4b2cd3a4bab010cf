"""boot.py runs before code.py on the virtual board, and the USB settings it makes hold."""

import hashlib as _hashlib

import pytest

from smartkey.sim import VirtualBoard

T0 = 1_700_000_000


def test_normal_mode_hides_the_drive_and_lets_the_firmware_write(tmp_path):
    with VirtualBoard(tmp_path / "drive", utc=T0) as board:
        board.step(0.5)
        state = board.state
        assert not state.usb_drive_visible and state.code_writable
        cdc = board.fake("usb_cdc")
        assert cdc.console is None and cdc.data is not None  # the REPL is off
        usb_hid = board.fake("usb_hid")
        assert [(d.usage_page, d.usage) for d in usb_hid.devices] == [(0x01, 0x06)]


def test_holding_a_at_reset_gives_maintenance_mode(tmp_path):
    with VirtualBoard(tmp_path / "drive", utc=T0) as board:
        board.power_cycle(hold=("A",))
        board.step(0.5)
        state = board.state
        assert state.usb_drive_visible and not state.code_writable
        assert board.fake("usb_cdc").console is not None


def test_the_firmware_cannot_write_while_the_host_owns_the_drive(tmp_path):
    with VirtualBoard(tmp_path / "drive", utc=T0) as board:
        board.power_cycle(hold=("A",))
        board.step(0.5)
        with pytest.raises(OSError, match="Read-only"):
            board.state.open("/x.txt", "w")
        storage = board.fake("storage")
        with pytest.raises(RuntimeError, match="visible via USB"):
            storage.remount("/", readonly=False)


def test_usb_settings_cannot_change_after_boot(tmp_path):
    with VirtualBoard(tmp_path / "drive", utc=T0) as board:
        board.step(0.5)
        with pytest.raises(RuntimeError, match="Cannot change USB devices now"):
            board.fake("usb_cdc").enable(console=True, data=True)


def test_the_host_reaches_the_firmware_through_the_data_channel(tmp_path):
    with VirtualBoard(tmp_path / "drive", utc=T0) as board:
        board.step(0.5)
        host = board.connect()
        host.write(b"ping\n")
        device = board.fake("usb_cdc").data
        assert device.connected and device.in_waiting == 5
        device.write(b"pong\n")
        assert host.read_until(b"\n") == b"pong\n"
        host.close()
        assert not device.connected


def test_a_board_keeps_its_drive_and_clock_across_power_cycles(tmp_path):
    with VirtualBoard(tmp_path / "drive", utc=T0) as board:
        board.step(5.0)
        board.power_cycle()
        board.step(1.0)
        assert board.rtc.now() == pytest.approx(T0 + 6.0, abs=0.01)
        assert board.fake("time").monotonic() == pytest.approx(1.0, abs=0.05)


def test_the_firmware_sees_circuitpython_not_cpython(tmp_path):
    """Modules CircuitPython lacks are missing on the virtual board too."""
    with VirtualBoard(tmp_path / "drive", utc=T0) as board:
        board.step(0.1)
        app = board.modules["smartkey_fw.app"]
        importer = app.__builtins__["__import__"]
        for missing in ("typing", "dataclasses", "hmac", "base64", "enum"):
            with pytest.raises(ImportError):
                importer(missing)
        assert not hasattr(importer("os"), "replace")


@pytest.mark.parametrize(
    ("release", "native"),
    [("9.2.9", ["sha1"]), ("10.0.3", ["sha1"]), ("10.1.4", ["sha1", "sha256"])],
)
def test_the_firmware_uses_the_hashes_its_circuitpython_has(tmp_path, release, native):
    """An RP2040's hashlib has SHA-1, and SHA-256 from 10.1, never SHA-512: the firmware runs
    those natively and its pure-Python hashes for the rest, with the same codes either way."""
    with VirtualBoard(tmp_path / "drive", utc=T0, circuitpython=release) as board:
        board.step(0.1)
        hashlib = board.modules["smartkey_fw.app"].__builtins__["__import__"]("hashlib")
        for algorithm in ("sha1", "sha256", "sha512"):
            if algorithm in native:
                assert (
                    hashlib.new(algorithm, b"abc").digest()
                    == getattr(_hashlib, algorithm)(b"abc").digest()
                )
            else:
                with pytest.raises(ValueError, match="Unsupported hash algorithm"):
                    hashlib.new(algorithm)
        otp = board.modules["smartkey_fw.otp"]
        paths = {a: otp.backend(a) for a in ("sha1", "sha256", "sha512")}
        assert paths == {a: "native" if a in native else "python" for a in paths}
        key = b"12345678901234567890123456789012"
        assert otp.totp(key, 59, digits=8, algorithm="sha256") == "46119246"  # RFC 6238


def test_the_shipped_boot_py_brings_up_a_keyboard_beside_the_data_channel(tmp_path):
    with VirtualBoard(tmp_path / "drive", utc=T0) as board:
        board.step(0.5)
        assert board.safe_mode is None
        assert "smartkey_fw.app" in board.modules  # code.py runs
        assert board.fake("usb_cdc").data is not None
        assert [(d.usage_page, d.usage) for d in board.fake("usb_hid").devices] == [(1, 6)]


@pytest.mark.console_errors("safe mode says why on the console")
@pytest.mark.console_errors("a boot keyboard beside CDC resets into safe mode")
def test_a_boot_keyboard_beside_cdc_sends_the_board_to_safe_mode(tmp_path):
    """CircuitPython wants a boot device at USB interface 0, which CDC takes first: it resets
    into safe mode, where neither boot.py's USB setup nor code.py runs."""
    board = VirtualBoard(tmp_path / "drive", utc=T0)
    boot = board.drive / "boot.py"
    boot.write_text(boot.read_text().replace("boot_device=0", "boot_device=1"))
    with board:
        board.step(0.5)
        assert board.safe_mode == "Boot device must be first (interface #0)."
        assert "You are in safe mode because:" in board.console
        assert "smartkey_fw.app" not in board.modules  # code.py never ran
        assert board.state.usb_drive_visible  # the default USB: drive and console
        assert not board.oled.is_on and board.oled.commands == 0  # nothing drove the display
