"""One account as a QR code on the OLED: PIN again, a yes, then a code a phone can scan."""

import base64

import pyotp
import zxingcpp
from PIL import Image, ImageFilter

from board_helpers import (
    DEMO_PIN,
    T0,
    demo_board,
    message_frame,
    open_menu_at,
    panel,
    pin_frame,
    unlock,
)
from smartkey import uri
from smartkey.device import Token
from smartkey.sim.buttons import enter_pin


def open_export(board):
    open_menu_at(board, "export")
    board.press("B")


def scanned(board, tmp_path):
    """What a phone reads off the screen: the lit pixels as a slightly blurred photo (a camera
    does not see the gaps between OLED pixels that `save_png` draws), decoded."""
    oled = board.oled
    image = Image.new("L", (oled.width, oled.height))
    image.putdata([255 * oled.pixel(x, y) for y in range(oled.height) for x in range(oled.width)])
    image = image.resize((oled.width * 4, oled.height * 4), Image.NEAREST)
    image = image.filter(ImageFilter.GaussianBlur(1.2))
    image.save(tmp_path / "photo.png")
    return [result.text for result in zxingcpp.read_barcodes(image)]


def test_the_qr_on_the_oled_is_the_accounts_uri(board, tmp_path):
    board.press("C")  # the SHA-256 demo account
    open_export(board)
    enter_pin(board, DEMO_PIN)
    board.press_later("B", after=1.0)  # yes, show the secret
    board.step(1.5)
    texts = scanned(board, tmp_path)
    assert len(texts) == 1
    account = uri.parse(texts[0])
    assert (account.issuer, account.name) == ("Demo SHA-256", "bob@example.com")
    assert account.secret == b"12345678901234567890123456789012"
    assert (account.algorithm, account.digits, account.period) == ("SHA256", 8, 30)
    phone = pyotp.TOTP(base64.b32encode(account.secret).decode(), digits=8, digest="sha256")
    device = board.modules["smartkey_fw.otp"].totp(
        account.secret, int(board.utc()), 30, 8, "sha256"
    )
    assert phone.at(int(board.utc())) == device
    board.press("A")  # any button: the code view is back, the QR gone
    assert scanned(board, tmp_path) == []


def test_without_the_pin_no_qr_is_drawn(board, tmp_path):
    open_export(board)
    enter_pin(board, "999999")
    board.step(1.0)
    # A wrong PIN here counts like any other and locks the token.
    assert panel(board) == pin_frame(board, "demo PIN 123456")
    assert board.modules["smartkey_fw.pin"].PinGuard(board.state.nvm).failures == 1
    assert scanned(board, tmp_path) == []


def test_saying_no_draws_no_qr(board, tmp_path):
    open_export(board)
    enter_pin(board, DEMO_PIN)
    board.press_later("A", after=1.0)
    board.step(1.5)
    assert scanned(board, tmp_path) == []


def test_the_small_screen_says_it_needs_the_larger_one(tmp_path):
    with demo_board(tmp_path, utc=T0, profile="feather32") as board:
        unlock(board)
        open_export(board)
        assert panel(board) == message_frame(
            board, "NO ROOM", ("A QR code needs the", "128x64 screen.")
        )


def test_an_account_too_long_for_a_qr_code_says_so(board, tmp_path):
    from smartkey.account import Account
    from smartkey.device import Token

    board.press_later("B", after=0.8)
    Token(board.connect()).add([Account(secret=bytes(64), issuer="é" * 20, name="ü" * 32)])
    board.press("A")  # to the last account: the long one
    open_export(board)
    enter_pin(board, DEMO_PIN)
    board.press_later("B", after=0.8)
    board.step(1.5)
    lines = ("This account's URI", "is too long for a", "QR code here.")
    assert panel(board) == message_frame(board, "TOO LONG", lines)
    assert scanned(board, tmp_path) == []


def test_type_code_with_no_accounts_does_nothing(tmp_path):
    from smartkey.sim import VirtualBoard

    with VirtualBoard(tmp_path / "drive", utc=T0) as board:
        from board_helpers import set_up

        set_up(board, "314159")
        open_menu_at(board, "type_code")
        menu = panel(board)
        board.press("B")
        board.step(0.5)
        assert board.typed() == ""
        assert panel(board) == menu  # still the menu, on Type code
        assert Token(board.connect()).info()["accounts"] == 0  # and the loop answers
