"""The firmware on the virtual board: I2C traffic, and the vault's costs at 250 accounts."""

import contextlib
import tempfile
import time
import tracemalloc
from pathlib import Path

from rich.table import Table

from smartkey.sim import VirtualBoard
from smartkey.sim.buttons import enter_pin

T0 = 1_700_000_000


@contextlib.contextmanager
def _unlocked_demo(profile="pico"):
    """A demo board, unlocked, that stays bright (a dimmed screen's first press only wakes it)."""
    with tempfile.TemporaryDirectory() as tmp:
        board = VirtualBoard(Path(tmp) / "drive", utc=T0, profile=profile)
        with open(board.drive / "settings.toml", "a") as f:
            f.write("SMARTKEY_DEMO = 1\nSMARTKEY_DIM_AFTER = 0\nSMARTKEY_BLANK_AFTER = 0\n")
        with board:
            board.step(0.5)
            enter_pin(board, "123456")
            board.step(1.0)
            yield board


def _i2c_rows(profile):
    with _unlocked_demo(profile) as board:
        start, written = board.utc(), board.bus.bytes_written.copy()
        board.step(30.0)
        seconds = board.utc() - start
        display = board.bus.bytes_written[0x3C] - written[0x3C]
        clock = board.bus.bytes_written[0x68] - written[0x68]
        before = board.bus.bytes_written[0x3C]
        board.press("C")
        press = board.bus.bytes_written[0x3C] - before
    return [
        (f"{profile}: display, code shown (B/s)", f"{display / seconds:,.0f}"),
        (f"{profile}: DS3231 reads (B/s written)", f"{clock / seconds:,.0f}"),
        (f"{profile}: press → next account's code (B)", f"{press:,}"),
    ]


def _vault_rows():
    import sys

    sys.path.append(str(Path(__file__).resolve().parents[1] / "tests" / "fw"))
    from flash import Flash, load_vault

    root = Path(__file__).resolve().parents[1]
    flash = Flash()
    vault_mod, account_mod = load_vault(flash, root)
    accounts = [
        account_mod.Account(f"Issuer {i}", f"user{i}@example.com", bytes(range(20)))
        for i in range(250)
    ]
    vault = vault_mod.Vault(b"12345678", "/")
    started = time.perf_counter()
    vault.create("123456")
    derive = time.perf_counter() - started
    started = time.perf_counter()
    vault.commit(additions=accounts)
    commit = time.perf_counter() - started
    vault = vault_mod.Vault(b"12345678", "/")
    vault.scan()
    tracemalloc.start()
    started = time.perf_counter()
    vault.unlock("123456")
    for i in range(vault.count):
        vault.account(i).code(T0)
    browse = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    size = len(flash.files["/vault.bin"])
    return [
        (
            f"PBKDF2-HMAC-SHA1, {vault_mod.ITERATIONS} iterations (ms, CPython)",
            f"{derive * 1e3:,.0f}",
        ),
        ("commit 250 accounts in one generation (ms)", f"{commit * 1e3:,.0f}"),
        ("unlock + decrypt + code for all 250 (ms)", f"{browse * 1e3:,.0f}"),
        ("peak traced heap while browsing 250 (B)", f"{peak:,}"),
        ("vault file for 250 accounts (B)", f"{size:,}"),
    ]


class _CountingFilesystem:
    """The drive's file operations, counting vault commits (renames of vault.new)."""

    def __init__(self, inner):
        self.inner = inner
        self.commits = 0

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def rename(self, old, new):
        if old.endswith("vault.new"):
            self.commits += 1
        self.inner.rename(old, new)


def _provisioning_rows():
    from smartkey.account import Account
    from smartkey.device import Token

    accounts = [
        Account(secret=bytes([i]) * 20, issuer=f"Issuer {i}", name=f"user{i}@example.com")
        for i in range(247)
    ]
    with _unlocked_demo() as board:
        counting = _CountingFilesystem(board.state.filesystem)
        board.state.filesystem = counting
        token = Token(board.connect())
        board.press_later("B", after=1.0)
        started = time.perf_counter()
        total = token.add(accounts)
        elapsed = time.perf_counter() - started
    return [
        (
            f"provision {len(accounts)} accounts (to {total}) in one batch (s, wall)",
            f"{elapsed:.2f}",
        ),
        ("  … accounts per second", f"{len(accounts) / elapsed:,.0f}"),
        ("  … flash commits for the batch", f"{counting.commits}"),
    ]


def run() -> Table:
    table = Table(title="The firmware on the virtual board (simulated time; CPython)")
    table.add_column("measure")
    table.add_column("value", justify="right")
    for profile in ("pico", "feather32"):
        for row in _i2c_rows(profile):
            table.add_row(*row)
    for row in _vault_rows() + _provisioning_rows():
        table.add_row(*row)
    table.caption = "A full 128×64 frame from adafruit_ssd1306 is 1,037 bytes written."
    return table
