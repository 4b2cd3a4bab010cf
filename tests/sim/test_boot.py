"""boot.py runs before code.py on the virtual board, and the USB settings it makes hold."""

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
        hashlib = importer("hashlib")
        with pytest.raises(ValueError):
            hashlib.new("sha256")  # an RP2040 hashes SHA-1 only
        importer("smartkey_fw.otp")
        assert board.modules["smartkey_fw.otp"].backend("sha256") == "python"
