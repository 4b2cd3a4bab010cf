"""The vault on CircuitPython's core with the real ``aesio``: its files open on the other
side (so the fake aesio the virtual board uses encrypts exactly as CircuitPython does), a
power cut at any file operation leaves the old or the new accounts, and a damaged copy is
passed over for an intact older one."""

import sys

import pytest
from cp_runner import ROOT, core_fixture

sys.path.append(str(ROOT / "tests" / "fw"))
from flash import Flash, load_vault

cp = core_fixture()
UID = bytes.fromhex("e66138935f2d5a2b")
PIN = "246810"
NAMES = ("vault.bin", "vault.new", "vault.old")
T = 1_700_000_000

# The vault's files live in a real folder of the host; ``os`` and ``open`` are the core's,
# wrapped so that power can be cut at the n-th operation that changes the disk (a write is
# then torn in half). FAT cannot rename over a file, and the unix core's os has no sync():
# the wrapper behaves like a board's here.
HARNESS = """
import os
from smartkey_fw import vault as vault_mod
from smartkey_fw.account import Account

ROOT = INPUT["root"] + "/"
UID = bytes.fromhex(INPUT["uid"])
PIN = INPUT["pin"]
NAMES = ("vault.bin", "vault.new", "vault.old")


class PowerCut(BaseException):
    pass


class Power:
    def __init__(self):
        self.left = None
        self.dead = False
        self.operations = 0

    def tick(self, torn=None):
        if self.dead:
            raise PowerCut()
        self.operations += 1
        if self.left is not None:
            self.left -= 1
            if self.left <= 0:
                self.dead = True
                if torn is not None:
                    torn()
                raise PowerCut()


class CutFile:
    def __init__(self, power, f):
        self.power = power
        self.f = f

    def write(self, data):
        self.power.tick(lambda: self.f.write(bytes(data[: len(data) // 2])))
        return self.f.write(data)

    def flush(self):
        self.power.tick()
        self.f.flush()

    def read(self, *size):
        return self.f.read(*size)

    def readinto(self, buffer):
        return self.f.readinto(buffer)

    def seek(self, offset, whence=0):
        return self.f.seek(offset, whence)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.f.close()


class CutOs:
    def __init__(self, power):
        self.power = power

    def stat(self, path):
        return os.stat(path)

    def urandom(self, n):
        return os.urandom(n)

    def remove(self, path):
        self.power.tick()
        os.remove(path)

    def rename(self, old, new):
        self.power.tick()
        try:
            os.stat(new)
        except OSError:
            os.rename(old, new)
            return
        raise OSError(17)  # EEXIST, as FAT answers

    def sync(self):
        self.power.tick()


def power_on():
    power = Power()

    def cut_open(path, mode="r"):
        if power.dead:
            raise PowerCut()
        if "w" in mode:
            power.tick()
        return CutFile(power, open(path, mode))

    vault_mod.open = cut_open
    vault_mod.os = CutOs(power)
    return power


def files():
    found = {}
    for name in NAMES:
        try:
            with open(ROOT + name, "rb") as f:
                found[name] = f.read().hex()
        except OSError:
            pass
    return found


def put(found):
    for name in NAMES:
        try:
            os.remove(ROOT + name)
        except OSError:
            pass
    for name, data in found.items():
        with open(ROOT + name, "wb") as f:
            f.write(bytes.fromhex(data))


def opened():
    store = vault_mod.Vault(UID, ROOT)
    state = store.scan()
    if state != vault_mod.LOCKED:
        return {"state": state}
    if not store.unlock(PIN):
        return {"state": store.state, "unlocked": False}
    accounts = [store.account(i) for i in range(store.count)]
    return {
        "state": store.state,
        "recovered": store.recovered,
        "accounts": [
            [a.issuer, a.name, a.secret.hex(), a.kind, a.algorithm, a.digits, a.period, a.counter]
            for a in accounts
        ],
        "codes": [a.code(INPUT["now"]) for a in accounts],
    }


def account(fields):
    issuer, name, secret, kind, algorithm, digits, period, counter = fields
    return Account(issuer, name, bytes.fromhex(secret), kind, algorithm, digits, period, counter)
"""


def accounts(n, start=0):
    """Plain fields of ``n`` accounts of every kind, algorithm and length."""
    return [
        [
            f"Issuer {i}",
            f"user{i}@example.com" if i % 5 else "ünïcode ✓",
            bytes((i * 7 + j) & 0xFF for j in range(10 + i % 55)).hex(),
            ("totp", "hotp", "steam")[i % 3],
            ("sha1", "sha256", "sha512")[i % 3] if i % 3 != 2 else "sha1",
            6 + i % 3 if i % 3 != 2 else 5,
            30 if i % 4 or i % 3 == 2 else 60,  # Steam is always 30 s
            i * 3 + (2**40 if i % 2 else 0),
        ]
        for i in range(start, start + n)
    ]


def host_vault(iterations):
    """The vault module on CPython over an in-memory flash (tests/fw/flash.py)."""
    flash = Flash(seed=3)
    vault_mod, account_mod = load_vault(flash, ROOT, iterations=iterations)
    return flash, vault_mod, account_mod.Account


def host_opened(flash, vault_mod):
    store = vault_mod.Vault(UID, "/")
    assert store.scan() == vault_mod.LOCKED
    assert store.unlock(PIN)
    found = [store.account(i) for i in range(store.count)]
    return [
        [a.issuer, a.name, a.secret.hex(), a.kind, a.algorithm, a.digits, a.period, a.counter]
        for a in found
    ], [a.code(T) for a in found]


def inputs(tmp_path, **more):
    return {"root": str(tmp_path), "uid": UID.hex(), "pin": PIN, "now": T, **more}


def test_a_vault_written_on_circuitpython_opens_on_cpython(cp, tmp_path):
    written = cp.run(
        HARNESS
        + """
power_on()
store = vault_mod.Vault(UID, ROOT)
store.scan()
store.create(PIN)
store.commit(additions=[account(a) for a in INPUT["accounts"]])
done({"files": files(), "opened": opened(), "aes": vault_mod._aes() is not None})
""",
        inputs(tmp_path, accounts=accounts(12)),
    )
    assert written["aes"]  # the core's real aesio encrypted it
    assert written["opened"]["accounts"] == accounts(12)
    flash, vault_mod, _ = host_vault(None)
    for name, data in written["files"].items():
        flash.files["/" + name] = bytearray(bytes.fromhex(data))
    assert bytes.fromhex(written["files"]["vault.bin"])[5] == 1  # cipher 1: AES-128-CTR
    fields, codes = host_opened(flash, vault_mod)
    assert fields == accounts(12)
    assert codes == written["opened"]["codes"]


def test_a_vault_written_on_cpython_opens_on_circuitpython(cp, tmp_path):
    flash, vault_mod, Account = host_vault(iterations=3)
    store = vault_mod.Vault(UID, "/")
    store.scan()
    store.create(PIN)
    store.commit(additions=[Account(*a[:2], bytes.fromhex(a[2]), *a[3:]) for a in accounts(12)])
    _, codes = host_opened(flash, vault_mod)
    found = {name.lstrip("/"): bytes(data).hex() for name, data in flash.files.items()}
    got = cp.run(
        HARNESS + "power_on()\nput(INPUT['files'])\ndone(opened())\n", inputs(tmp_path, files=found)
    )
    assert got["accounts"] == accounts(12)
    assert got["codes"] == codes


# One base vault (3 accounts, 3 PBKDF2 iterations, made on CPython) and one change, cut at
# every operation in turn; then the core boots again and opens what is there.
CUT_EVERYWHERE = """
power = power_on()
put(INPUT["files"])
store = vault_mod.Vault(UID, ROOT)
store.scan()
store.unlock(PIN)
change = INPUT["change"]
if change == "add":
    store.commit(additions=[account(a) for a in INPUT["accounts"]])
else:
    store.commit(order=[1, 2])
operations = power.operations
outcomes = []
for cut_at in range(1, operations + 1):
    put(INPUT["files"])
    power = power_on()
    store = vault_mod.Vault(UID, ROOT)
    store.scan()
    store.unlock(PIN)
    power.left = cut_at
    try:
        if change == "add":
            store.commit(additions=[account(a) for a in INPUT["accounts"]])
        else:
            store.commit(order=[1, 2])
    except PowerCut:
        pass
    power_on()
    outcome = opened()
    outcome["left"] = sorted(files())
    outcomes.append(outcome)
done({"operations": operations, "outcomes": outcomes})
"""


@pytest.mark.parametrize("change", ["add", "remove"])
def test_a_power_cut_at_any_operation_leaves_the_old_or_the_new_accounts(cp, tmp_path, change):
    flash, vault_mod, Account = host_vault(iterations=3)
    store = vault_mod.Vault(UID, "/")
    store.scan()
    store.create(PIN)
    store.commit(additions=[Account(*a[:2], bytes.fromhex(a[2]), *a[3:]) for a in accounts(3)])
    found = {name.lstrip("/"): bytes(data).hex() for name, data in flash.files.items()}
    added = accounts(4, start=3)
    got = cp.run(
        HARNESS + CUT_EVERYWHERE, inputs(tmp_path, files=found, change=change, accounts=added)
    )
    old = accounts(3)
    new = old + added if change == "add" else old[1:]
    assert got["operations"] >= 8  # writes, flushes, renames, removes, syncs
    seen = []
    for cut_at, outcome in enumerate(got["outcomes"], 1):
        assert outcome["state"] == 2, (cut_at, outcome)  # UNLOCKED
        assert outcome["accounts"] in (old, new), (cut_at, outcome)
        seen.append("new" if outcome["accounts"] == new else "old")
    # Cut early, the change is lost; cut at the last step, it is made.
    assert seen[0] == "old" and seen[-1] == "new"
    assert seen == sorted(seen, key=["old", "new"].index)  # never back to old once new
    if change == "remove":
        # The removed account's copy is destroyed once the change is complete.
        assert got["outcomes"][-1]["left"] == ["vault.bin"]


def test_a_damaged_newest_copy_gives_way_to_the_older_one(cp, tmp_path):
    flash, vault_mod, Account = host_vault(iterations=3)
    store = vault_mod.Vault(UID, "/")
    store.scan()
    store.create(PIN)
    store.commit(additions=[Account(*a[:2], bytes.fromhex(a[2]), *a[3:]) for a in accounts(3)])
    store.commit(additions=[Account(*a[:2], bytes.fromhex(a[2]), *a[3:]) for a in accounts(1, 3)])
    found = {name.lstrip("/"): bytes(data).hex() for name, data in flash.files.items()}
    assert sorted(found) == ["vault.bin", "vault.old"]
    got = cp.run(
        HARNESS
        + """
power_on()
results = []
for damaged in ([], ["vault.bin"], ["vault.bin", "vault.old"]):
    hurt = dict(INPUT["files"])
    for name in damaged:
        data = bytearray(bytes.fromhex(hurt[name]))
        data[100] ^= 0x01  # inside the first record
        hurt[name] = bytes(data).hex()
    put(hurt)
    results.append(opened())
done(results)
""",
        inputs(tmp_path, files=found),
    )
    intact, one_damaged, both_damaged = got
    assert intact["accounts"] == accounts(4) and not intact["recovered"]
    assert one_damaged["accounts"] == accounts(3) and one_damaged["recovered"]
    assert both_damaged == {"state": 3}  # DAMAGED: no code from a file that fails its check
