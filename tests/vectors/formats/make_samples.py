"""Write the frozen samples of the on-disk formats from ``known.json``, with the code as it is now.

Run once per format version, never to make a failing test pass:

    .venv/bin/python -P tests/vectors/formats/make_samples.py

The samples are what tokens and backups in users' hands hold; tests/fw/test_formats.py checks
that today's code still opens them to exactly the accounts in ``known.json``. A new format
version gets new files beside these (the old ones stay, and so do their tests).
"""

import json
import sys
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
# As in tests/conftest.py: appended, so the standard library wins over the fakes and code.py.
sys.path.insert(0, str(ROOT / "tests" / "fw"))
sys.path += [str(ROOT), str(ROOT / "tools" / "smartkey" / "sim" / "fakes")]

from flash import Flash, load_vault  # noqa: E402  (the flash of the vault tests)

from smartkey.account import Account  # noqa: E402
from smartkey.backup import seal  # noqa: E402


def known():
    return json.loads((HERE / "known.json").read_text(encoding="utf-8"))


def write_vault(data, aes):
    flash = Flash(seed=2026 if aes else 2027)  # urandom: salt and IVs
    vault_mod, account_mod = load_vault(flash, ROOT, aes=aes)  # the real PBKDF2 iterations
    vault = vault_mod.Vault(bytes.fromhex(data["uid"]), "/")
    vault.scan()
    vault.create(data["pin"])
    vault.commit(
        additions=[
            account_mod.Account(
                a["issuer"],
                a["name"],
                bytes.fromhex(a["secret"]),
                a["type"],
                a["algorithm"],
                a["digits"],
                a["period"],
                a["counter"],
            )
            for a in data["accounts"]
        ]
    )
    name = "vault-aes.bin" if aes else "vault-hmac.bin"
    (HERE / name).write_bytes(bytes(flash.files["/vault.bin"]))
    return name


def write_nvm(data):
    from smartkey_fw import clock, pin, preferences

    nvm = bytearray(b"\xff" * 32)  # erased flash reads 0xFF; the firmware uses bytes 0-19
    guard = pin.PinGuard(nvm)
    for _ in range(data["nvm"]["failures"]):
        guard.begin_attempt()
    clock.Clock(None, nvm)._store(data["nvm"]["synced"], data["nvm"]["centi_ppm"])
    preferences.Preferences(nvm).set(data["nvm"]["layout"], data["nvm"]["suffix"])
    (HERE / "nvm.bin").write_bytes(bytes(nvm))
    return "nvm.bin"


def write_backup(data):
    accounts = [
        Account(
            secret=bytes.fromhex(a["secret"]),
            issuer=a["issuer"],
            name=a["name"],
            type=a["type"],
            algorithm=a["algorithm"].upper(),
            digits=a["digits"],
            period=a["period"],
            counter=a["counter"],
        )
        for a in data["accounts"]
    ]
    created = datetime.fromisoformat(data["created"])
    # The default Argon2id cost: the sample is a file exactly as `smartkey backup` writes it.
    (HERE / "backup.skbackup").write_bytes(seal(accounts, data["passphrase"], created=created))
    return "backup.skbackup"


def main():
    data = known()
    for name in (write_vault(data, True), write_vault(data, False), write_nvm(data)):
        print("wrote", HERE / name)
    print("wrote", HERE / write_backup(data))
    return 0


if __name__ == "__main__":
    sys.exit(main())
