"""Boot modes on the real interpreter: normal mode hides the drive and the console, A held at
reset shows both (and the firmware cannot write), a watchdog reset restarts the chip; the .mpy
deployment boots and shows codes."""

import pyotp
from rp2040_helpers import shows_code, type_pin, wait_title

from board_helpers import DEMO_PIN, T0, panel, pin_frame
from real_cp import require
from smartkey.rp2040 import EmulatedBoard
from smartkey.rp2040 import board as emulated


def test_maintenance_mode_shows_the_drive_and_the_console(tmp_path, builds):
    with EmulatedBoard(tmp_path / "drive", builds, utc=T0) as board:
        board.wait_until(lambda: board.interfaces, 20)
        assert board.interfaces == ["data", "hid"]
        board.power_cycle(hold=("A",))
        assert board.interfaces == ["console", "data", "drive", "hid"]
        # A new token cannot be set up without a writable flash; the console says why not.
        wait_title(board, "NO VAULT", 40)
        listing = board.repl("import os; print(sorted(os.listdir('/')))")
        for name in ("boot.py", "boot_out.txt", "code.py", "lib", "settings.toml", "smartkey_fw"):
            assert f"'{name}'" in listing, listing
        assert board.repl("import storage; print(storage.getmount('/').readonly)") == "True\n"
        # FatFs keeps lower-case 8.3 names as flags that pyfatfs does not read.
        boot_out = board.files()["/BOOT_OUT.TXT"].decode()
        assert boot_out.startswith("Adafruit CircuitPython 10.1.4 on ")
        assert "Raspberry Pi Pico with rp2040" in boot_out
        # microcontroller.reset(): the watchdog restarts the chip; A is no longer held.
        board.send_console("import microcontroller; microcontroller.reset()\r")
        board.wait_until(lambda: board.resets == 1, 10)
        board.wait_until(lambda: board.interfaces == ["data", "hid"], 20)
        wait_title(board, "NEW TOKEN", 40)


def test_the_mpy_deployment_boots_and_shows_a_code(tmp_path, builds):
    require(emulated.MPY_CROSS)
    settings = {"SMARTKEY_DEMO": 1}
    with EmulatedBoard(tmp_path / "drive", builds, utc=T0, mpy=True, settings=settings) as board:
        assert (board.drive / "smartkey_fw" / "app.mpy").is_file()
        assert not (board.drive / "smartkey_fw" / "app.py").exists()
        entry = pin_frame(board, "demo PIN " + DEMO_PIN)
        board.wait_until(lambda: panel(board) == entry, 60)
        type_pin(board, DEMO_PIN)
        alice = pyotp.TOTP("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")  # RFC 6238's SHA-1 seed
        board.wait_until(lambda: shows_code(board, alice), 60)
