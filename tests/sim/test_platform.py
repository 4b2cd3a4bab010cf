"""The firmware under CircuitPython's own rules: short USB writes, settings.toml as 9.x and 10.x
read it, I2C pins the chip refuses."""

import json

import pytest

from board_helpers import DEMO_PIN, T0, demo_board, message_frame, panel, pin_frame, unlock
from smartkey.device import Token
from smartkey.sim import VirtualBoard
from smartkey.sim.ssd1306 import SSD1306

NEW_TOKEN = (
    "NEW TOKEN",
    (
        "No secure element: a copy of the flash is guessed offline. Use 10+ digits.",
        "A/C: change digit",
        "B: add, hold B: done",
    ),
)


def request(port, request_id, op="info"):
    port.write(json.dumps({"v": 1, "id": request_id, "op": op}).encode() + b"\n")


def test_a_host_that_stops_reading_loses_one_reply_and_the_next_one_is_whole(tmp_path):
    """The device's write comes back short once the host's buffer is full; the reply is
    dropped within a second and the next one starts a line of its own."""
    with VirtualBoard(tmp_path / "drive", utc=T0) as board:
        board.step(0.5)
        port = board.connect(buffer=64)  # less than one `info` reply
        request(port, 99)
        board.step(1.2)  # the host reads nothing meanwhile
        board.press("B")  # the token's loop runs again: B leaves the welcome screen
        assert panel(board) == pin_frame(board, "6 to 12; 10+ advised", "New PIN")
        info = Token(port).info()  # skips the torn line, reads its own reply whole
        assert info["profile"] == "pico" and info["id"] == 1


def test_a_host_that_goes_away_mid_reply_gets_whole_replies_when_it_comes_back(tmp_path):
    with VirtualBoard(tmp_path / "drive", utc=T0) as board:
        board.step(0.5)
        port = board.connect(buffer=64)
        request(port, 99)
        board.step(0.05)  # the reply fills the buffer and waits for room
        port.close()
        board.step(1.5)
        port = board.connect()
        assert Token(port).info()["profile"] == "pico"


SETTINGS = (
    # A bare pin name: CircuitPython up to 10.1 refuses it (not an integer), 10.2 returns it.
    "SMARTKEY_PIN_B = GP16\n"
    # Hex, bare: an integer up to 10.1, the string "0x3D" from 10.2.
    "SMARTKEY_DISPLAY_ADDRESS = 0x3D\n"
    # Quoted decimal: a string everywhere.
    'SMARTKEY_DIM_AFTER = "45"\n'
    # Nonsense: named on the console, the default used.
    "SMARTKEY_AUTOLOCK = soon\n"
)


@pytest.mark.parametrize("release", ["9.2.9", "10.1.4", "10.2.1"])
def test_settings_are_read_whichever_form_the_release_gives(tmp_path, release):
    board = VirtualBoard(
        tmp_path / "drive", utc=T0, display=False, wiring={"B": "GP16"}, circuitpython=release
    )
    board.oled = SSD1306(128, 64, address=0x3D)  # a module strapped to 0x3D, as settings say
    board.bus.attach(board.oled)
    with open(board.drive / "settings.toml", "a") as f:
        f.write(SETTINGS)
    with board:
        board.step(0.5)
        settings = board.modules["smartkey_fw.settings"]
        assert settings.number("DISPLAY_ADDRESS", 0x3C, 0x08, 0x77) == 0x3D
        assert settings.number("DIM_AFTER", 30, 0, 3600) == 45
        assert settings.number("AUTOLOCK", 300, 0, 86400) == 300
        assert "SMARTKEY_AUTOLOCK = soon makes no sense here; using 300" in board.console
        assert panel(board) == message_frame(board, *NEW_TOKEN)  # on the display at 0x3D
        board.press("B")  # B on GP16, as settings.toml says
        assert panel(board) == pin_frame(board, "6 to 12; 10+ advised", "New PIN")


def test_an_unknown_profile_is_named_and_the_board_boots_with_its_own(tmp_path):
    board = VirtualBoard(tmp_path / "drive", utc=T0)
    with open(board.drive / "settings.toml", "a") as f:
        f.write('SMARTKEY_PROFILE = "pico2"\n')
    with board:
        board.step(0.5)
        assert "SMARTKEY_PROFILE = pico2 makes no sense here; using pico" in board.console
        assert panel(board) == message_frame(board, *NEW_TOKEN)


def test_i2c_pins_the_rp2040_cannot_pair_are_named_and_the_token_keeps_running(tmp_path):
    board = VirtualBoard(tmp_path / "drive", utc=T0)
    with open(board.drive / "settings.toml", "a") as f:
        f.write('SMARTKEY_PIN_SDA = "GP6"\nSMARTKEY_PIN_SCL = "GP9"\n')  # I2C1 SDA, I2C0 SCL
    with board:
        board.step(0.5)
        assert "I2C can't use GP6/GP9" in board.console
        assert board.fake("usb_cdc").data is not None
        # code.py is running: it answers, without the clock it could not reach.
        assert Token(board.connect()).info()["clock_status"] == "missing"


def test_the_firmware_with_250_accounts_fits_a_picos_heap_with_room_to_spare(tmp_path):
    """A Pico on 10.1.4 has 186 KB free at code.py; the firmware, its drivers and a full vault
    browsed end to end must leave at least 60 KB of it (the Pico itself kept 72.9 KB)."""
    with demo_board(tmp_path, utc=T0) as board:
        unlock(board)
        vault = board.modules["smartkey_fw.vault"].Vault(bytes(board.state.uid), "/", True)
        vault.scan()
        assert vault.unlock(DEMO_PIN)
        account = board.modules["smartkey_fw.account"].Account
        vault.commit(additions=[account(f"I{i}", f"n{i}", bytes([i]) * 20) for i in range(3, 250)])
        del vault
    board = VirtualBoard(tmp_path / "drive", utc=T0, trace_heap=True)
    with board:
        unlock(board)
        for _ in range(250):
            board.press("C")
        gc = board.fake("gc")
        gc.collect()
        assert gc.mem_free() >= 60_000, gc.mem_free()
