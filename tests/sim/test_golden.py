"""The token's screens, on both profiles, pixel for pixel against their reviewed golden images
in tests/golden/ (see tests/goldens.py; `make golden` rewrites them on purpose)."""

import pytest
from PIL import Image

import se_helpers
from board_helpers import T0, demo_board, hands_off, open_menu_at, set_up, step_to, unlock
from goldens import GOLDEN, UPDATE, assert_golden, read_golden
from smartkey.account import Account
from smartkey.device import Token
from smartkey.sim import VirtualBoard
from smartkey.sim.buttons import enter_pin
from smartkey.sim.terminal import write_setting

PROFILES = ("pico", "feather32")
CHIP = {"atecc608": True, "secure_element": True}
CHIP_PIN = "135790"
GLYPH_LABELS = ("ABCDEFGHIJKLMNOPQRSTU", "VWXYZ 0123456789 next")  # the OCR's alphabet


def fresh(board):
    board.step(0.5)


def choose_pin(board):
    board.step(0.5)
    board.press("B")  # past the welcome
    for button in "CBCC":  # two digits chosen: the first is masked, the second shown
        board.press(button)


def pin_entry(board):
    board.step(0.5)
    for button in "CBC":
        board.press(button)


def wrong_pin(board):
    board.step(0.5)
    enter_pin(board, "111111")
    board.step(0.5)


def waiting(board):
    board.step(0.5)
    for _ in range(3):  # the third wrong PIN costs a wait
        enter_pin(board, "111111")
        board.step(0.5)


def account(presses):
    def show(board):
        unlock(board)
        for _ in range(presses):
            board.press("C")

    return show


def next_code(board):
    unlock(board)
    step_to(board, T0 + 7.2)  # 2.8 s left in the period: the next code shows too


def add(board, accounts):
    hands_off(board)
    board.press_later("B", after=0.8)
    Token(board.connect()).add(accounts)


def hotp(board):
    unlock(board)
    add(board, [Account(secret=b"hotp secret 12345678", issuer="Bank", name="me", type="hotp")])
    board.press("A")  # the last account
    board.press("B")  # its first code


def set_time(board):
    board.rtc.lose_power()
    board.power_cycle()
    unlock(board)


def menu(board):
    unlock(board)
    board.hold("B", 1.0)


def confirm_add(board):
    unlock(board)
    hands_off(board)
    names = {"names": ["GitHub", "Mail"], "more": True}
    Token(board.connect())._send({"v": 1, "id": 1, "op": "add", "count": 12, **names})
    board.step(0.5)


def confirm_clock(board):
    unlock(board)
    hands_off(board)
    board.rtc.set_time(T0 - 3600)  # an hour slow: a jump the computer may not make alone
    new = int(board.utc()) + 60
    Token(board.connect())._send({"v": 1, "id": 5, "op": "set_time", "utc": new, "prepare": True})
    board.step(0.5)


def confirm_rename(board):
    unlock(board)
    hands_off(board)
    request = {"v": 1, "id": 6, "op": "rename", "index": 0, "issuer": "Example", "name": "alice"}
    Token(board.connect())._send(request)
    board.step(0.5)


def not_typed(board):
    unlock(board)
    board.hid.connected = False  # a charger, not a computer
    board.hold("C", 1.0)  # type the code
    board.step(0.5)


def damaged(board):
    board.step(0.5)  # the demo vault is written at first boot
    board.power_off()
    for copy in board.drive.glob("vault.*"):  # every copy: none is left to fall back on
        data = bytearray(copy.read_bytes())
        data[100] ^= 1
        copy.write_bytes(data)
    board.power_on()
    board.step(0.5)


def export_qr(board):
    unlock(board)
    open_menu_at(board, "export")
    board.press("B")
    if board.oled.height >= 64:
        enter_pin(board, "123456")
        board.press_later("B", after=1.0)
        board.step(1.5)


def no_accounts(board):
    set_up(board, "135790")
    board.step(0.5)


def chip_question(board):
    se_helpers.choose_pin(board, CHIP_PIN)
    board.step(0.6)


def chip_taken(board):
    board.atecc608.config[87] = 0x00  # its configuration locked as shipped: another's chip
    board.power_cycle()
    board.step(0.5)


def chip_set_up(then):
    """The token set up with its chip and ``CHIP_PIN``, then ``then(board)``."""

    def show(board):
        se_helpers.set_up_with_chip(board, CHIP_PIN)
        then(board)
        board.step(0.5)

    return show


def chip_blank(board):
    board.atecc608.config[86:88] = b"\x55\x55"  # another chip, as shipped, in its place
    board.power_cycle()


def chip_setting_off(board):
    write_setting(board.drive, "SMARTKEY_SECURE_ELEMENT", None)
    board.power_cycle()


def chip_lost(board):
    board.power_cycle()
    board.step(0.5)
    board.bus.detach(board.atecc608.address)  # a loose wire after boot
    se_helpers.unlock(board, CHIP_PIN)


def glyphs(label):
    def show(board):
        unlock(board)
        add(board, [Account(secret=b"glyph sheet 12345678", name=label)])
        board.press("A")  # the last account
        board.step(30.0 - 2.1)  # back to the phase of the period it was shot at before add waited

    return show


# name: (profiles, demo accounts, board options, what to do after power-on)
SCREENS = {
    "new-token": (PROFILES, False, {}, fresh),
    "choose-pin": (PROFILES, False, {}, choose_pin),
    "no-accounts": (PROFILES, False, {}, no_accounts),
    "pin-entry": (PROFILES, True, {}, pin_entry),
    "pin-wrong": (PROFILES, True, {}, wrong_pin),
    "pin-wait": (PROFILES, True, {}, waiting),
    "code-sha1": (PROFILES, True, {}, account(0)),
    "code-sha256": (PROFILES, True, {}, account(1)),
    "code-steam": (PROFILES, True, {}, account(2)),
    "code-next": (PROFILES, True, {}, next_code),
    "code-hotp": (PROFILES, True, {}, hotp),
    "set-time": (PROFILES, True, {}, set_time),
    "no-clock": (PROFILES, True, {"rtc": False}, lambda board: unlock(board)),
    "menu": (PROFILES, True, {}, menu),
    "confirm-add": (PROFILES, True, {}, confirm_add),
    "confirm-clock": (PROFILES, True, {}, confirm_clock),
    "confirm-rename": (PROFILES, True, {}, confirm_rename),  # names the old and the new
    "not-typed": (PROFILES, True, {}, not_typed),
    "damaged": (PROFILES, True, {}, damaged),
    "export-qr": (PROFILES, True, {}, export_qr),  # the QR on 128×64, NO ROOM on 128×32
    # With SMARTKEY_SECURE_ELEMENT on (and, with atecc608, the emulated chip on the bus).
    "chip-new-token": (PROFILES, False, CHIP, fresh),
    "chip-question": (PROFILES, False, CHIP, chip_question),  # before it is locked for good
    "chip-absent": (PROFILES, False, {"secure_element": True}, fresh),
    "chip-taken": (PROFILES, False, CHIP, chip_taken),
    "chip-wrong": (PROFILES, False, CHIP, chip_set_up(chip_blank)),
    "chip-needed": (PROFILES, False, CHIP, chip_set_up(chip_setting_off)),
    "chip-error": (PROFILES, False, CHIP, chip_set_up(chip_lost)),
    "glyphs-1": (("pico",), True, {}, glyphs(GLYPH_LABELS[0])),
    "glyphs-2": (("pico",), True, {}, glyphs(GLYPH_LABELS[1])),
}

CASES = [
    pytest.param(name, profile, id=f"{name}-{profile}")
    for name, (profiles, *_rest) in SCREENS.items()
    for profile in profiles
]


def screen(tmp_path, name, profile):
    """The board after ``name``'s actions, still powered."""
    _profiles, demo, options, actions = SCREENS[name]
    options = dict(options)
    secure_element = options.pop("secure_element", False)
    if demo:
        board = demo_board(tmp_path, utc=T0, profile=profile, **options)
    else:
        board = VirtualBoard(tmp_path / "drive", utc=T0, profile=profile, **options)
    if secure_element:
        write_setting(board.drive, "SMARTKEY_SECURE_ELEMENT", '"atecc608"')
    board.power_on()
    actions(board)
    return board


@pytest.mark.parametrize(("name", "profile"), CASES)
def test_the_screen_is_its_golden_image(tmp_path, name, profile):
    board = screen(tmp_path, name, profile)
    try:
        assert_golden(board.oled.frame(), f"{name}-{profile}", tmp_path / "golden")
        # No screen on the way there had text that did not fit.
        assert board.modules["smartkey_fw.ui.canvas"].Canvas.cut == ""
    finally:
        board.power_off()


def test_every_golden_image_belongs_to_a_screen():
    expected = {f"{name}-{profile}.png" for name, profile in (case.values for case in CASES)}
    assert {path.name for path in GOLDEN.glob("*.png")} <= expected


def test_a_changed_screen_fails_and_shows_where(tmp_path):
    if UPDATE:
        pytest.skip("writing golden images")
    rows = read_golden(GOLDEN / "code-sha1-pico.png")
    rows[30][64] ^= 1
    with pytest.raises(AssertionError, match="1 of 8192 pixels differ") as error:
        assert_golden(rows, "code-sha1-pico", tmp_path)
    assert str(tmp_path / "code-sha1-pico.diff.png") in str(error.value)
    with Image.open(tmp_path / "code-sha1-pico.diff.png") as diff:
        assert diff.size == (128 * 4, 64 * 4)
        assert diff.getpixel((64 * 4, 30 * 4)) in ((255, 40, 40), (40, 255, 40))
    assert (tmp_path / "code-sha1-pico.actual.png").exists()
