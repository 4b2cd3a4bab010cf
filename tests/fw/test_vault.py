"""The vault: encrypted and authenticated, atomic under power cuts, tamper-evident, and frugal
with memory at 250 accounts."""

import random
import tracemalloc

import pytest
from flash import Flash, PowerCut, load_vault

from paths import ROOT

UID = bytes.fromhex("e66138935f2d5a2b")
PIN = "246810"


def accounts(account_cls, n, start=0):
    return [
        account_cls(
            f"Issuer {i}",
            f"user{i}@example.com",
            bytes((i * 7 + j) & 0xFF for j in range(20 + i % 40)),
            kind=("totp", "hotp", "steam")[i % 3],
            algorithm=("sha1", "sha256", "sha512")[i % 3] if i % 3 != 2 else "sha1",
            digits=6 + i % 3 if i % 3 != 2 else 5,
            period=30 if i % 4 else 60,
            counter=i * 3,
        )
        for i in range(start, start + n)
    ]


def snapshot(vault):
    """Everything the vault holds, as comparable plain data."""
    return [
        (a.issuer, a.name, a.secret, a.kind, a.algorithm, a.digits, a.period, a.counter)
        for a in (vault.account(i) for i in range(vault.count))
    ]


@pytest.fixture(params=["aesio", "no-aesio"])
def fresh(request):
    flash = Flash(seed=1)
    vault_mod, account_mod = load_vault(flash, ROOT, aes=request.param == "aesio", iterations=20)
    return flash, vault_mod, account_mod.Account


def reopen(flash, vault_mod, marks=None):
    vault = vault_mod.Vault(UID, "/", marks=marks)
    vault.scan()
    return vault


class Nvm:
    """The chip's nvm beside ``flash``: a write is one more place the power can fail. On an
    RP2040 a write erases the whole sector first, so a cut then leaves it erased or untouched."""

    def __init__(self, flash):
        self.flash = flash
        self.data = bytearray(b"\xff" * 4096)
        self.written_at: list[int] = []  # the flash operation each write was

    def __len__(self):
        return len(self.data)

    def __getitem__(self, key):
        return self.data[key]

    def __setitem__(self, key, value):
        self.written_at.append(self.flash.ops + 1)
        try:
            self.flash._op()
        except PowerCut:
            if self.flash.rng.random() < 0.5:
                self.data[:] = b"\xff" * len(self.data)
            raise
        self.data[key] = value


def marks_on(nvm):
    from smartkey_fw import marks

    return marks.Marks(nvm)


def test_accounts_survive_a_reboot_and_need_the_pin(fresh):
    flash, vault_mod, Account = fresh
    vault = vault_mod.Vault(UID, "/")
    assert vault.scan() == vault_mod.EMPTY
    vault.create(PIN)
    vault.commit(additions=accounts(Account, 5))
    expected = snapshot(vault)
    again = reopen(flash, vault_mod)
    assert again.state == vault_mod.LOCKED and again.count == 5
    with pytest.raises(vault_mod.VaultError, match="locked"):
        again.account(0)
    assert not again.unlock("000000")
    assert again.unlock(PIN)
    assert snapshot(again) == expected


def test_nothing_readable_is_stored(fresh):
    flash, vault_mod, Account = fresh
    vault = vault_mod.Vault(UID, "/")
    vault.create(PIN)
    secret = b"very secret bytes!!!"
    vault.commit(additions=[Account("GitHub", "octocat", secret)])
    stored = bytes(flash.files["/vault.bin"])
    for needle in (secret, b"GitHub", b"octocat", PIN.encode()):
        assert needle not in stored


def test_the_same_pin_on_another_chip_does_not_open_it(fresh):
    _flash, vault_mod, _Account = fresh
    vault = vault_mod.Vault(UID, "/")
    vault.create(PIN)
    other_chip = vault_mod.Vault(b"\x00" * 8, "/")
    other_chip.scan()
    assert not other_chip.unlock(PIN)


def test_edits_rename_delete_reorder_and_change_pin(fresh):
    flash, vault_mod, Account = fresh
    vault = vault_mod.Vault(UID, "/")
    vault.create(PIN)
    vault.commit(additions=accounts(Account, 4))
    before = snapshot(vault)

    def rename(account):
        account.name = "renamed"

    vault.commit(order=[3, 1, 0], updates={1: rename})
    after = snapshot(vault)
    assert [a[1] for a in after] == [before[3][1], "renamed", before[0][1]]
    vault.commit(pin="13579135")
    again = reopen(flash, vault_mod)
    assert not again.unlock(PIN) and again.unlock("13579135")
    assert snapshot(again) == after


def test_holds_250_accounts_and_no_more(fresh):
    flash, vault_mod, Account = fresh
    vault = vault_mod.Vault(UID, "/")
    vault.create(PIN)
    vault.commit(additions=accounts(Account, 250))
    assert vault.count == 250
    with pytest.raises(vault_mod.VaultError, match="250"):
        vault.commit(additions=accounts(Account, 1, start=250))
    assert reopen(flash, vault_mod).count == 250


def _peak_while_browsing(flash, vault_mod):
    vault = reopen(flash, vault_mod)
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        assert vault.unlock(PIN)
        for i in range(vault.count):
            account = vault.account(i)
            account.code(1_700_000_000)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_the_number_of_accounts(fresh):
    flash, vault_mod, Account = fresh
    vault = vault_mod.Vault(UID, "/")
    vault.create(PIN)
    vault.commit(additions=accounts(Account, 10))
    small = _peak_while_browsing(flash, vault_mod)
    vault = reopen(flash, vault_mod)
    vault.unlock(PIN)
    vault.commit(additions=accounts(Account, 240, start=10))
    large = _peak_while_browsing(flash, vault_mod)
    # 25 times the accounts: the peak may differ by small change, not by 25 times anything.
    assert large < small + 4096, (small, large)


OPERATIONS = ("add", "rename", "delete", "reorder", "change-pin", "hotp")


def _apply(vault, operation, Account, rng):
    n = vault.count
    if operation == "add":
        vault.commit(additions=accounts(Account, rng.randint(1, 3), start=rng.randint(0, 999)))
    elif operation == "rename":

        def rename(account):
            account.issuer = f"Renamed {rng.randint(0, 99)}"

        vault.commit(updates={rng.randrange(n): rename})
    elif operation == "delete":
        keep = list(range(n))
        del keep[rng.randrange(n)]
        vault.commit(order=keep)
    elif operation == "reorder":
        order = list(range(n))
        rng.shuffle(order)
        vault.commit(order=order)
    elif operation == "hotp":

        def advance(account):
            account.counter += 1

        vault.commit(updates={rng.randrange(n): advance})
    else:
        return f"{rng.randint(0, 999999):06d}"
    return None


@pytest.mark.parametrize("with_marks", [False, True], ids=["plain", "generation-marks"])
@pytest.mark.parametrize("seed", range(4))
def test_a_power_cut_anywhere_leaves_the_old_or_the_new_state(seed, with_marks):
    """250 random cut points per seed (1,000 in all) over every kind of change; with the
    generation marks in nvm, a cut between the commit and the mark's update (or during it)
    never locks the user out."""
    rng = random.Random(seed)  # what each change does; replayed exactly after the dry run
    cuts = random.Random(~seed)  # where the power is cut
    flash = Flash(seed=seed)
    vault_mod, account_mod = load_vault(flash, ROOT, aes=seed % 2 == 0, iterations=10)
    Account = account_mod.Account
    nvm = Nvm(flash)
    marks = marks_on(nvm) if with_marks else None
    vault = vault_mod.Vault(UID, "/", marks=marks)
    vault.create(PIN)
    vault.commit(additions=accounts(Account, 4))
    pin = PIN
    outcomes = {"old": 0, "new": 0}
    for _ in range(250):
        old_state, old_pin = snapshot(vault), pin
        operation = rng.choice(OPERATIONS)
        if operation == "delete" and vault.count < 2:
            operation = "add"
        # A dry run on a copy counts the operation's writes; then cut at a random one of them.
        files = {k: bytearray(v) for k, v in flash.files.items()}
        nvm_before = bytearray(nvm.data)
        op_rng_state = rng.getstate()
        start = flash.ops
        new_pin = _apply(vault, operation, Account, rng)
        if new_pin:
            vault.commit(pin=new_pin)
        new_state = snapshot(vault)
        total = flash.ops - start
        flash.files = files
        nvm.data[:] = nvm_before
        rng.setstate(op_rng_state)
        vault = reopen(flash, vault_mod, marks)
        assert vault.unlock(old_pin)
        flash.cut_at = flash.ops + cuts.randint(1, total)
        with pytest.raises(PowerCut):
            new_pin = _apply(vault, operation, Account, rng)
            if new_pin:
                vault.commit(pin=new_pin)
        flash.reboot()
        vault = reopen(flash, vault_mod, marks)
        assert vault.state == vault_mod.LOCKED, "the vault must survive the cut"
        if new_pin and vault.unlock(new_pin):
            pin = new_pin
        else:
            assert vault.unlock(old_pin)
            pin = old_pin
        state = snapshot(vault)
        assert state in (old_state, new_state)
        outcomes["old" if state == old_state else "new"] += 1
    assert outcomes["old"] and outcomes["new"]  # the cuts landed both before and after commit


def test_flipped_bytes_are_found_and_the_previous_generation_serves(fresh):
    flash, vault_mod, Account = fresh
    vault = vault_mod.Vault(UID, "/")
    vault.create(PIN)
    vault.commit(additions=accounts(Account, 3))
    previous = snapshot(vault)
    vault.commit(additions=accounts(Account, 1, start=3))
    rng = random.Random(5)
    size = len(flash.files["/vault.bin"])
    pristine = {k: bytearray(v) for k, v in flash.files.items()}
    for offset in [*sorted(rng.sample(range(size), 60)), 0, size - 1]:
        flash.files = {k: bytearray(v) for k, v in pristine.items()}
        flash.files["/vault.bin"][offset] ^= 1 << rng.randrange(8)
        again = reopen(flash, vault_mod)
        assert again.state == vault_mod.LOCKED
        assert again.unlock(PIN)
        assert again.recovered
        assert snapshot(again) == previous


def test_flipped_bytes_in_every_copy_give_a_damaged_vault(fresh):
    flash, vault_mod, Account = fresh
    vault = vault_mod.Vault(UID, "/")
    vault.create(PIN)
    vault.commit(additions=accounts(Account, 2))
    for content in flash.files.values():
        content[70] ^= 0x40
    assert reopen(flash, vault_mod).state == vault_mod.DAMAGED


def test_a_forged_checksum_is_caught_by_the_mac(fresh):
    """An attacker who rewrites a record and fixes the plain checksum still fails the MAC."""
    import hashlib

    flash, vault_mod, Account = fresh
    vault = vault_mod.Vault(UID, "/")
    vault.create(PIN)
    vault.commit(additions=accounts(Account, 2))
    flash.files.pop("/vault.old", None)
    content = flash.files["/vault.bin"]
    content[64 + 20] ^= 0xFF  # inside the first encrypted record
    content[-20:] = hashlib.sha1(bytes(content[:-20])).digest()
    again = reopen(flash, vault_mod)
    assert again.state == vault_mod.LOCKED
    assert not again.unlock(PIN)
    assert again.state == vault_mod.DAMAGED


def test_wipe_overwrites_and_removes_every_copy(fresh):
    flash, vault_mod, Account = fresh
    vault = vault_mod.Vault(UID, "/")
    vault.create(PIN)
    vault.commit(additions=accounts(Account, 2))
    vault.wipe()
    assert flash.files == {}
    assert reopen(flash, vault_mod).state == vault_mod.EMPTY


def test_a_read_only_flash_refuses_changes_clearly(fresh):
    _flash, vault_mod, Account = fresh
    vault = vault_mod.Vault(UID, "/")
    vault.create(PIN)
    read_only = vault_mod.Vault(UID, "/", writable=False)
    read_only.scan()
    assert read_only.unlock(PIN)
    with pytest.raises(vault_mod.ReadOnlyError, match="read-only"):
        read_only.commit(additions=accounts(Account, 1))


def test_a_copy_under_the_old_pin_left_by_a_power_cut_is_overwritten_at_boot(fresh):
    flash, vault_mod, Account = fresh
    vault = vault_mod.Vault(UID, "/")
    vault.create(PIN)
    vault.commit(additions=accounts(Account, 2))
    old_copy = bytes(flash.files["/vault.bin"])
    vault.commit(pin="13579135")
    # As if the power failed after the new vault was in place, before the old one was erased:
    flash.files["/vault.old"] = bytearray(old_copy)
    again = reopen(flash, vault_mod)
    assert "/vault.old" not in flash.files
    assert again.unlock("13579135") and not again.unlock(PIN)


def test_a_vault_older_than_one_used_here_is_refused_even_with_the_right_pin(fresh):
    flash, vault_mod, Account = fresh
    marks = marks_on(bytearray(b"\xff" * 4096))
    vault = vault_mod.Vault(UID, "/", marks=marks)
    vault.create(PIN)
    vault.commit(additions=accounts(Account, 3))
    kept = bytes(flash.files["/vault.bin"])  # copied off the drive in maintenance mode
    vault.commit(order=[0, 2])  # an account removed
    vault.commit(updates={1: lambda account: setattr(account, "counter", 99)})
    # Put back through the drive, with the newer copies gone:
    flash.files = {"/vault.bin": bytearray(kept)}
    again = reopen(flash, vault_mod, marks)
    assert again.state == vault_mod.LOCKED
    assert not again.unlock(PIN)
    assert again.state == vault_mod.ROLLED_BACK
    with pytest.raises(vault_mod.VaultError, match="locked"):
        again.account(0)
    # A wipe and a new vault go on counting: the old copy stays refused afterwards too.
    again.wipe()
    again.create(PIN)
    assert marks.generation == 5
    flash.files["/vault.bin"] = bytearray(kept)
    flash.files.pop("/vault.old", None)
    assert not reopen(flash, vault_mod, marks).unlock(PIN)


def test_the_tokens_own_previous_copy_still_serves_when_the_newest_is_damaged(fresh):
    flash, vault_mod, Account = fresh
    marks = marks_on(bytearray(b"\xff" * 4096))
    vault = vault_mod.Vault(UID, "/", marks=marks)
    vault.create(PIN)
    vault.commit(additions=accounts(Account, 3))
    previous = snapshot(vault)
    vault.commit(additions=accounts(Account, 1, start=3))
    flash.files["/vault.bin"][70] ^= 0x01
    again = reopen(flash, vault_mod, marks)
    assert again.unlock(PIN) and again.recovered and snapshot(again) == previous
    # The next change is newer than the mark, not a repeat of the lost generation's number.
    again.commit(additions=accounts(Account, 1, start=9))
    assert marks.generation == 4
    assert reopen(flash, vault_mod, marks).unlock(PIN)


def test_a_power_cut_before_the_mark_is_raised_does_not_lock_the_user_out(fresh):
    """The vault is written first and the mark after: a cut at the mark's write (the sector
    erased, or left as it was) leaves a vault newer than its mark, which opens."""
    flash, vault_mod, Account = fresh
    nvm = Nvm(flash)
    marks = marks_on(nvm)
    for seed in range(6):
        flash.files.clear()
        nvm.data[:] = b"\xff" * 4096
        vault = vault_mod.Vault(UID, "/", marks=marks)
        vault.create(PIN)
        vault.commit(additions=accounts(Account, 2))
        files = {k: bytearray(v) for k, v in flash.files.items()}
        nvm_before = bytearray(nvm.data)
        del nvm.written_at[:]
        start = flash.ops
        vault.commit(additions=accounts(Account, 1, start=5))
        expected = snapshot(vault)
        (mark_write,) = nvm.written_at
        flash.files, nvm.data[:] = files, nvm_before
        vault = reopen(flash, vault_mod, marks)
        assert vault.unlock(PIN)
        flash.rng.seed(seed)
        flash.cut_at = flash.ops + mark_write - start
        with pytest.raises(PowerCut):
            vault.commit(additions=accounts(Account, 1, start=5))
        assert marks.generation in (0, 2)  # the mark was not raised: erased or as it was
        flash.reboot()
        again = reopen(flash, vault_mod, marks)
        assert again.unlock(PIN), "the new vault must open though its mark was not written"
        assert snapshot(again) == expected
        assert marks.generation == 3  # the mark caught up at the unlock


def test_no_copy_is_unlinked_without_being_overwritten_first(fresh):
    """FAT keeps an unlinked file's data: an older generation undeleted from the drive would
    hold removed accounts, older HOTP counters, or open with an old PIN."""
    flash, vault_mod, Account = fresh
    vault = vault_mod.Vault(UID, "/")
    vault.create(PIN)
    for start in range(3):
        vault.commit(additions=accounts(Account, 1, start=start))
    vault.commit(updates={0: lambda account: setattr(account, "issuer", "Renamed")})
    vault.commit(pin="13579135")
    vault.commit(order=[1, 0, 2])
    assert len(flash.unlinked) >= 5
    assert all(not any(left) for left in flash.unlinked), "a copy was unlinked with its data"
