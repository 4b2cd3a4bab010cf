"""The token with an ATECC608 (docs/secure-element.md), on the virtual board with the emulated
chip: setting it up (asked first, irreversible), unlocking, changing the PIN and exporting
through it, wrong PINs that wipe while the chip can still be re-keyed, the chip's own limit when
the token's counter is rewritten, and a clear screen for every way the chip can be missing or
wrong."""

import shutil

from test_qr_export import scanned

from board_helpers import (
    ALICE_TOTP,
    DEMO_PIN,
    hands_off,
    message_frame,
    open_menu_at,
    panel,
    pin_frame,
    run_cli,
)
from oled_text import code_on_screen, pyotp_view
from se_helpers import (
    KEY_SLOT,
    TRIES,
    chip_board,
    chip_file,
    choose_pin,
    provisioned,
    set_up_with_chip,
    tries_left,
    unlock,
)
from smartkey import uri
from smartkey._cli.accounts import SECURE_ELEMENT
from smartkey.device import Token
from smartkey.sim.buttons import enter_pin
from smartkey_fw.ui.codes import EMPTY

PIN = "314159"
NEW_PIN = "27182818"
WRONG = "999999"
_SE_FLAG = 56  # vault header byte: the keys need the chip


def wait_out_delay(board):
    board.step(board.modules["smartkey_fw.pin"].PinGuard(board.state.nvm).delay() + 0.5)


def demo_with_chip(tmp_path):
    """A demo token whose vault was made through an already set-up chip: the demo accounts,
    PIN 123456, behind the chip. (A blank chip is never locked for demo accounts.)"""
    provisioned(tmp_path, PIN)
    for copy in (tmp_path / "drive").glob("vault.*"):
        copy.unlink()  # the demo's vault replaces the first one; the chip stays set up
    return chip_board(tmp_path, demo=True)


def test_setting_up_asks_before_locking_the_chip_then_unlocks_through_it(tmp_path):
    board, chip = chip_board(tmp_path)
    with board:
        choose_pin(board, PIN)
        board.step(0.6)
        board.press("A")  # no: nothing is locked, no vault without the chip
        board.step(0.5)
        assert not chip.config_locked
        assert not (board.drive / "vault.bin").exists()
        assert panel(board) == message_frame(
            board, "NOT SET UP", ("No PIN without the", "secure element.", "B: start again")
        )
        board.press("B")  # start again, and say yes this time
        set_up_with_chip(board, PIN)
        assert chip.config_locked and chip.data_locked
        stored = (board.drive / "vault.bin").read_bytes()
        assert stored[_SE_FLAG] == 1
        assert bytes(chip.slots[KEY_SLOT][:32]) not in stored  # the vault keeps X encrypted
        assert panel(board) == message_frame(board, "EMPTY", EMPTY)

        board.power_cycle()
        board.step(1.0)
        assert panel(board) == pin_frame(board, "10 tries left")
        unlock(board, PIN)
        assert panel(board) == message_frame(board, "EMPTY", EMPTY)
        assert tries_left(chip) == TRIES  # the correct PIN gave the chip its tries back


def test_codes_change_pin_and_export_work_through_the_chip(tmp_path):
    board, chip = demo_with_chip(tmp_path)
    with board:
        board.step(3.0)  # the demo vault is made at boot, through the chip
        unlock(board, DEMO_PIN)
        assert code_on_screen(board) == pyotp_view(board, ALICE_TOTP)
        assert tries_left(chip) == TRIES

        open_menu_at(board, "change_pin")
        board.press("B")
        enter_pin(board, DEMO_PIN)  # the current PIN, checked through the chip
        board.step(2.0)
        enter_pin(board, NEW_PIN)
        enter_pin(board, NEW_PIN)
        board.step(2.0)
        board.press("B")  # PIN SET
        assert tries_left(chip) == TRIES

        board.power_cycle()
        unlock(board, DEMO_PIN)  # the old PIN no longer opens it (a demo token says so)
        assert panel(board) == pin_frame(board, "Wrong PIN; try 123456")
        unlock(board, NEW_PIN)
        assert code_on_screen(board) == pyotp_view(board, ALICE_TOTP)

        open_menu_at(board, "export")
        board.press("B")
        enter_pin(board, NEW_PIN)
        board.press_later("B", after=2.5)  # yes, show the secret
        board.step(3.0)
        assert tries_left(chip) == TRIES  # the PIN asked again was counted, then given back
        (text,) = scanned(board, tmp_path)
        assert uri.parse(text).secret == b"12345678901234567890"  # alice's, as a phone reads it


def test_wrong_pins_wipe_while_the_chip_can_still_be_rekeyed(tmp_path):
    provisioned(tmp_path, PIN)
    board, chip = chip_board(tmp_path)
    with board:
        key_before = bytes(chip.slots[KEY_SLOT][:32])
        for _attempt in range(10):
            wait_out_delay(board)
            enter_pin(board, WRONG)
        board.step(0.5)
        assert not any(board.drive.glob("vault.*"))
        assert panel(board) == message_frame(
            board, "ERASED", ("Too many wrong PINs:", "all accounts erased.", "B: set up again")
        )
        # The wipe overwrote X: no copy of the old vault can open again, on any flash.
        assert bytes(chip.slots[KEY_SLOT][:32]) != key_before
        assert tries_left(chip) == 1  # the token stopped one short of the chip's limit
        hands_off(board)
        assert chip_line(board) == (SECURE_ELEMENT["ready"], "ready")

        board.press("B")
        choose_pin(board, NEW_PIN)  # no question: the chip is already ours, it is re-keyed
        board.step(2.0)
        board.press("B")
        assert panel(board) == message_frame(board, "EMPTY", EMPTY)
        board.power_cycle()
        unlock(board, NEW_PIN)
        assert panel(board) == message_frame(board, "EMPTY", EMPTY)
        assert tries_left(chip) == TRIES


def test_rewriting_the_tokens_counter_stops_at_the_chips_limit_across_power_cuts(tmp_path):
    """Someone with the token's REPL resets the nvm counter before every try and cuts the
    power after it: the token's own limit never comes, the chip's does."""
    provisioned(tmp_path, PIN)
    board, chip = chip_board(tmp_path)
    with board:
        unlock(board, PIN)  # the owner's last unlock: the chip's full limit ahead
        macs = 0
        for _attempt in range(TRIES + 3):
            board.state.nvm[0:8] = b"\xa5\x00\xff\xa5" * 2  # zero failures, both copies
            board.power_cycle()
            before = sum(1 for name, _ in chip.commands if name == "MAC")
            unlock(board, WRONG)
            macs += sum(1 for name, _ in chip.commands if name == "MAC") - before
        assert tries_left(chip) == 0
        assert (board.drive / "vault.bin").exists()  # the token never reached its own wipe
        # Every try reached the chip; the ones beyond its limit were refused before any MAC.
        assert macs == TRIES + 3
        board.state.nvm[0:8] = b"\xa5\x00\xff\xa5" * 2
        board.power_cycle()
        unlock(board, PIN)  # even the right PIN: the chip refuses to compute
        assert panel(board) == message_frame(
            board, "CHIP ERROR", ("the chip's tries are used up", "The vault stays", "locked.")
        )
        hands_off(board)
        assert chip_line(board) == (SECURE_ELEMENT["spent"], "spent")


def test_with_the_setting_and_no_chip_the_token_asks_no_pin(tmp_path):
    board, _ = chip_board(tmp_path, chip=False)
    with board:
        board.step(0.5)
        assert panel(board) == message_frame(
            board,
            "NO CHIP",
            ("No ATECC608 at 0x60:", "check the wiring or", "the setting."),
        )
        assert not (board.drive / "vault.bin").exists()


def test_a_chip_locked_for_another_use_is_refused_and_left_alone(tmp_path):
    board, chip = chip_board(tmp_path)
    chip.config[87] = 0x00  # its configuration zone locked as shipped: someone else's chip
    with board:
        board.step(0.5)
        assert panel(board) == message_frame(
            board, "CHIP TAKEN", ("The ATECC608 is", "locked for another", "use: replace it.")
        )
        board.press("B")
        board.step(1.0)
        assert not chip.data_locked
        assert not (board.drive / "vault.bin").exists()


def test_a_vault_made_with_the_chip_opens_with_no_other(tmp_path):
    provisioned(tmp_path, PIN)
    chip_file(tmp_path).rename(tmp_path / "ours.bin")
    board, _ = chip_board(tmp_path, chip=False, setting="")  # the setting taken out
    with board:
        board.step(0.5)
        assert panel(board) == message_frame(
            board, "NEEDS CHIP", ("This vault needs its", "ATECC608: set", "SECURE_ELEMENT.")
        )
    board, _ = chip_board(tmp_path)  # a new, blank chip in its place
    with board:
        board.step(0.5)
        assert panel(board) == message_frame(
            board,
            "WRONG CHIP",
            ("This vault needs the", "ATECC608 it was made", "with: none here."),
        )
    shutil.copy(tmp_path / "ours.bin", chip_file(tmp_path))  # its own chip back
    board, _ = chip_board(tmp_path)
    with board:
        unlock(board, PIN)
        assert panel(board) == message_frame(board, "EMPTY", EMPTY)


def test_a_chip_that_stops_answering_keeps_the_vault_locked_and_says_so(tmp_path):
    provisioned(tmp_path, PIN)
    board, chip = chip_board(tmp_path)
    with board:
        board.step(0.5)
        board.bus.detach(chip.address)  # a loose wire after boot
        unlock(board, PIN)
        assert panel(board) == message_frame(
            board, "CHIP ERROR", ("no answer", "The vault stays", "locked.")
        )


def test_a_power_cut_between_the_two_locks_is_finished_at_the_next_setup(tmp_path):
    board, chip = chip_board(tmp_path)
    with board:
        board.step(0.5)
        # What a cut right after the configuration lock leaves: the token's configuration,
        # locked; the data zone not.
        image = board.modules["smartkey_fw.secure_element"]._config_image()
        chip.config[16:84] = image[0:68]
        chip.config[88:128] = image[72:112]
        chip.config[87] = 0x00
        board.power_cycle()
        set_up_with_chip(board, PIN)  # asked again: the chip is still not usable
        assert chip.data_locked
        board.power_cycle()
        unlock(board, PIN)
        assert panel(board) == message_frame(board, "EMPTY", EMPTY)
        assert tries_left(chip) == TRIES


def test_a_token_without_the_setting_never_loads_the_chips_code(tmp_path):
    board, _ = chip_board(tmp_path, setting="")  # a chip on the bus, but not asked for
    with board:
        choose_pin(board, PIN)
        board.step(0.5)
        board.press("B")
        unlock(board, PIN)
        loaded = set(board.modules)
    assert "smartkey_fw.secure_element" not in loaded
    assert not any(name.startswith("adafruit_atecc") for name in loaded)
    assert (board.drive / "vault.bin").read_bytes()[_SE_FLAG] == 0


# -- what `smartkey info` says of the chip -------------------------------------------------------


def chip_line(board):
    """The "secure element" row of `smartkey info` on this board, and the reply's field."""
    result = run_cli(board, "info")
    assert result.exit_code == 0, result.output
    (line,) = [
        row for row in result.output.splitlines() if row.split()[:2] == ["secure", "element"]
    ]
    return " ".join(line.split()[2:]), Token(board.connect()).info()["secure_element"]


def test_info_follows_the_chip_from_blank_to_the_vaults_key(tmp_path):
    board, chip = chip_board(tmp_path)
    with board:
        board.step(0.5)
        assert chip_line(board) == (SECURE_ELEMENT["not-set-up"], "not-set-up")
        set_up_with_chip(board, PIN)
        hands_off(board)
        assert chip_line(board) == (SECURE_ELEMENT["in-use"], "in-use")
        counter = str(chip.counter(0))
        assert counter not in run_cli(board, "info").output.split("secure element")[1]


def test_info_without_the_setting_and_with_a_chipless_vault(tmp_path):
    board, _ = chip_board(tmp_path, setting="")
    with board:
        choose_pin(board, PIN)
        board.step(0.5)
        board.press("B")
        hands_off(board)
        assert chip_line(board) == (SECURE_ELEMENT[None], None)
    board, _ = chip_board(tmp_path)  # the setting added later: the vault stays chipless
    with board:
        unlock(board, PIN)
        hands_off(board)
        assert chip_line(board) == (SECURE_ELEMENT["unused"], "unused")


def test_info_names_each_way_the_chip_is_missing_or_wrong(tmp_path):
    board, _ = chip_board(tmp_path / "absent", chip=False)
    with board:
        board.step(0.5)
        assert chip_line(board)[1] == "absent"
    board, chip = chip_board(tmp_path / "foreign")
    chip.config[87] = 0x00  # someone else's chip
    with board:
        board.step(0.5)
        assert chip_line(board)[1] == "foreign"
    provisioned(tmp_path, PIN)
    board, _ = chip_board(tmp_path, chip=False, setting="")
    with board:
        board.step(0.5)
        assert chip_line(board) == (SECURE_ELEMENT["needed"], "needed")
    board, chip = chip_board(tmp_path)
    with board:
        board.step(0.5)
        board.bus.detach(chip.address)  # a loose wire after boot
        unlock(board, PIN)
        hands_off(board)
        assert chip_line(board) == (SECURE_ELEMENT["error"], "error")
