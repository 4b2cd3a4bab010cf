"""A token's life on the real interpreter: first boot, PIN, clock sync and accounts through the
smartkey CLI, codes on the OLED and typed over USB, lock, power cuts, wrong and right PINs.

One long scenario rather than many short ones: each boot of the emulated RP2040 costs seconds.
"""

import re

import pyotp
from rp2040_helpers import (
    LONG,
    pair_through_cli,
    run_cli,
    run_cli_on_port,
    shows_code,
    type_pin,
    wait_title,
    yes_when_asked,
)

from board_helpers import T0, panel, pin_frame
from smartkey.rp2040 import EmulatedBoard

PIN = "246810"
ACCOUNTS = (
    (
        "otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Example",
        "SHA1",
        6,
    ),
    (
        "otpauth://totp/Bank:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Bank"
        "&algorithm=SHA256&digits=8",
        "SHA256",
        8,
    ),
    (
        "otpauth://totp/Mail:carol?secret=KRUGS4ZANFZSAYJAORSXG5BAONSWG4TFOQ&issuer=Mail"
        "&algorithm=SHA512",
        "SHA512",
        6,
    ),
)


def totp_of(uri):
    return pyotp.parse_uri(uri)


def test_a_token_from_first_boot_to_codes_across_power_cuts(tmp_path, builds):
    with EmulatedBoard(tmp_path / "drive", builds, utc=T0) as board:
        # First boot: NEW TOKEN, then the PIN chosen twice on the buttons.
        wait_title(board, "NEW TOKEN", 40)
        board.press("B")
        wait_title(board, "", 5)
        type_pin(board, PIN)
        type_pin(board, PIN)
        wait_title(board, "PIN SET", 60)
        board.press("B")

        # The clock, 40 days off, is set from the host after a yes on the token.
        board.rtc.set_time(board.utc() - 40 * 86400)
        yes_when_asked(board)
        result = run_cli(board, "time", "sync")
        assert result.exit_code == 0, result.output
        assert abs(board.rtc.now() - board.utc()) < 0.1

        # Pairing: the code on the OLED is the one the CLI prints; B there, "y" here.
        pair_through_cli(board)

        # Three accounts through the unmodified CLI on a pseudo-terminal, each after a yes.
        for uri, _algorithm, _digits in ACCOUNTS:
            yes_when_asked(board)
            added = run_cli_on_port(board, "add", "-", input=uri + "\n")  # not in argv
            assert added.returncode == 0, added.stdout + added.stderr
        listed = run_cli_on_port(board, "list")
        assert listed.returncode == 0, listed.stderr
        assert [line for line in listed.stdout.splitlines() if re.search(r"SHA", line)]

        # Each account's code on the OLED is pyotp's at the token's time (C: next account).
        for index, (uri, _algorithm, digits) in enumerate(ACCOUNTS):
            if index:
                board.press("C")
            totp = totp_of(uri)
            assert totp.digits == digits
            board.wait_until(lambda totp=totp: shows_code(board, totp), 5)

        # Hold C types the code shown (the SHA-512 account's) on the USB keyboard.
        totp = totp_of(ACCOUNTS[-1][0])
        start = int(board.rtc.now())
        board.hold("C", LONG)
        board.wait_until(lambda: len(board.typed()) >= 6, 10)
        assert board.typed() in {totp.at(start + s) for s in range(0, 35)}

        # Lock now (menu, first line): the PIN screen, and hold C types nothing.
        ten, nine = pin_frame(board, "10 tries left"), pin_frame(board, "9 tries left")
        board.hold("B", LONG)
        board.press("B")
        board.wait_until(lambda: panel(board) == ten, 10)
        typed = board.typed()
        board.hold("C", LONG)
        board.step(2.0)
        assert board.typed() == typed

        # Power cut: the vault is in flash; a wrong PIN is counted (in nvm, before the check).
        board.power_cycle()
        board.wait_until(lambda: panel(board) == ten, 40)
        type_pin(board, "135791")
        board.wait_until(lambda: panel(board) == nine, 60)
        board.power_cycle()
        board.wait_until(lambda: panel(board) == nine, 40)
        assert "/VAULT.BIN" in board.files()  # FatFs's lower-case flag is not read back

        # The right PIN: the first account's code again.
        type_pin(board, PIN)
        totp = totp_of(ACCOUNTS[0][0])
        board.wait_until(lambda: shows_code(board, totp), 60)
