"""Accounts on flash: encrypted, authenticated, versioned, atomic and power-cut safe.

File format 1 (all integers big-endian)::

    header   64 B   magic "SKV1", format, cipher, PBKDF2 iterations, salt, generation, count,
                    IV, PIN check, secure element (byte 56: 1 = the keys need the ATECC608)
    records  192 B each, encrypted (AES-128-CTR with aesio, else HMAC-SHA1 in counter mode);
                    with the secure element, one more after the accounts: the chip's key X
    MAC      20 B   HMAC-SHA1 over header and records (encrypt-then-MAC)
    checksum 20 B   SHA-1 over everything before it: finds torn writes without the PIN

Keys come from PBKDF2-HMAC-SHA1 of the PIN, salted with the chip's unique id and a random salt;
with the secure element, also from its MAC of that value (docs/secure-element.md).
A change is written to ``vault.new``, synced and read back, then renamed over ``vault.bin``; the
previous generation stays as ``vault.old`` (overwritten instead after a PIN change or a
removal). A copy is never just unlinked: FAT leaves the data, and an undeleted older copy would
open with an old PIN or hold removed accounts, so every removal overwrites it first. On boot the
newest intact file wins, so a power cut at any point leaves either the old or the new state; a
file older than the generation mark in nvm (marks.py) is refused. Only the file's header and
one record are ever in RAM.
"""

import os

from micropython import const

from smartkey_fw import kdf, otp, record

try:
    from typing import Any, Callable, Dict, List, Optional, Tuple
except ImportError:
    pass

FORMAT = const(1)
ITERATIONS = const(3500)  # about 1.4 s to unlock on an RP2040 (measured); stored per file
MAX_ACCOUNTS = const(250)
_MAGIC = b"SKV1"
_HEADER = const(64)
_TRAILER = const(40)
_MAC = const(20)
_CIPHER_AES = const(1)
_CIPHER_HMAC = const(2)
_BLOCKS_PER_RECORD = const(12)  # 192 / 16
_CHUNK = const(512)
_NAMES = ("vault.bin", "vault.new", "vault.old")
_CURRENT = const(0)
_NEW = const(1)
_OLD = const(2)

EMPTY = const(0)  # no vault: first boot
LOCKED = const(1)
UNLOCKED = const(2)
DAMAGED = const(3)  # files exist but none is intact
ROLLED_BACK = const(4)  # the PIN opens it, but it is older than one this token has used
_SE = const(56)  # header byte: 1 when the keys need the secure element


class VaultError(Exception):
    pass


class ReadOnlyError(VaultError):
    """The flash belongs to the host (maintenance mode): nothing can be saved."""


class NeedsChipError(VaultError):
    """This vault's keys need the secure element, and the token has none set up."""


def _aes() -> Any:
    try:
        import aesio

        return aesio
    except ImportError:
        return None


def _u32(data: Any, offset: int) -> int:
    return (
        (data[offset] << 24) | (data[offset + 1] << 16) | (data[offset + 2] << 8) | data[offset + 3]
    )


def _put_u32(data: bytearray, offset: int, value: int) -> None:
    for i in range(3, -1, -1):
        data[offset + i] = value & 0xFF
        value >>= 8


def _records(header: Any) -> int:
    """The records in a file: its accounts, and the chip's key when it has one."""
    return ((header[30] << 8) | header[31]) + (1 if header[_SE] == 1 else 0)


def _same(a: bytes, b: bytes) -> bool:
    """Compare without stopping at the first difference (no timing hint)."""
    if len(a) != len(b):
        return False
    diff = 0
    for i in range(len(a)):
        diff |= a[i] ^ b[i]
    return diff == 0


class Vault:
    def __init__(
        self, uid: bytes, root: str = "/", writable: bool = True, marks: Any = None, chip=None
    ):
        self.uid = uid
        self.chip = chip  # secure_element.ATECC608 when the token has one, else None
        self.chip_key: Optional[bytes] = None  # its X, known once a PIN opened the vault
        self.marks = marks  # marks.Marks in nvm: refuses a vault older than one already used
        self.root = root
        self.writable = writable
        self.count = 0
        self.state = EMPTY
        self.recovered = False  # an older copy serves: the newest one was damaged
        self._index = -1  # which of _NAMES is in use
        self._header = bytearray(_HEADER)
        self._record = bytearray(record.SIZE)
        self._keystream = bytearray(record.SIZE)
        self._chunk = bytearray(_CHUNK)
        self._keys: Optional[Tuple[bytes, bytes]] = None  # (encryption, MAC)
        self._zeros = bytes(record.SIZE)

    # -- finding the vault -----------------------------------------------------------------
    def _path(self, which: int) -> str:
        return self.root + _NAMES[which]

    def _intact(self) -> "List[Tuple[int, int]]":
        """(generation, file) for every file whose checksum holds, newest first."""
        found = []
        for which in range(len(_NAMES)):
            generation = self._check_file(self._path(which))
            if generation >= 0:
                found.append((generation, which))
        found.sort(reverse=True)
        return found

    def _stream(self, f: Any, length: int, sink: Any) -> bool:
        """Feed the next ``length`` bytes of ``f`` to ``sink`` through the one chunk buffer."""
        view = memoryview(self._chunk)
        while length:
            n = f.readinto(view[: min(_CHUNK, length)])
            if not n:
                return False
            sink(view[:n])
            length -= n
        return True

    def _check_file(self, path: str) -> int:
        """The file's generation if its checksum holds, else -1 (torn, damaged or absent)."""
        try:
            size = os.stat(path)[6]
        except OSError:
            return -1
        if size < _HEADER + _TRAILER or (size - _HEADER - _TRAILER) % record.SIZE:
            return -1
        digest = otp._constructor("sha1")()
        try:
            with open(path, "rb") as f:
                if not self._stream(f, size - 20, digest.update):
                    return -1
                stored = f.read(20)
                f.seek(0)
                header = f.read(_HEADER)
        except OSError:
            return -1
        if not _same(digest.digest(), stored) or header[:4] != _MAGIC or header[4] != FORMAT:
            return -1
        if _records(header) * record.SIZE != size - _HEADER - _TRAILER:
            return -1
        return _u32(header, 26)

    def scan(self) -> int:
        """Look at the flash: EMPTY, LOCKED or DAMAGED. Forgets any unlocked keys."""
        self._keys = None
        self._index = -1
        self.count = 0
        intact = self._intact()
        if intact:
            self._use(intact[0][1])
            self.state = LOCKED
            self._forget_old_pin(intact)
        elif any(self._exists(which) for which in range(len(_NAMES))):
            self.state = DAMAGED
        else:
            self.state = EMPTY
        return self.state

    def _forget_old_pin(self, intact: "List[Tuple[int, int]]") -> None:
        """A vault.old under another salt opens with a previous PIN: it is what a power cut
        right after a PIN change leaves. It is never needed (the new PIN cannot open it), so
        it is overwritten now."""
        newest = intact[0][1]
        if not self.writable or newest == _OLD or not any(w == _OLD for _g, w in intact):
            return
        with open(self._path(_OLD), "rb") as f:
            old_salt = f.read(_HEADER)[10:26]
        if old_salt != bytes(self._header[10:26]):
            try:
                self._destroy(_OLD)
            except OSError:
                pass

    @property
    def needs_chip(self) -> bool:
        """Does the vault in use need the secure element to open?"""
        return self._index >= 0 and self._header[_SE] == 1

    def _exists(self, which: int) -> bool:
        try:
            os.stat(self._path(which))
            return True
        except OSError:
            return False

    def _use(self, which: int) -> None:
        self._index = which
        with open(self._path(which), "rb") as f:
            f.readinto(self._header)
        self.count = (self._header[30] << 8) | self._header[31]

    # -- keys ------------------------------------------------------------------------------
    def _derive(self, pin: str, header: Any, masters: Dict) -> Tuple[bytes, bytes, bytes]:
        """(encryption key, MAC key, PIN check) for ``pin`` under this header's salt.

        ``masters`` caches PBKDF2 results by salt within one operation: the generations of a
        vault share a salt until the PIN changes, and a second derivation costs another second.
        """
        salt = bytes(header[10:26])
        iterations = _u32(header, 6)
        cache_key = salt + bytes(header[6:10])
        master = masters.get(cache_key)
        if master is None:
            master = kdf.pbkdf2_sha1(pin.encode(), self.uid + salt, iterations)
            if header[_SE] == 1:
                master = self._through_chip(master)
            masters[cache_key] = master
        return (
            kdf.subkey(master, b"smartkey enc")[:16],
            kdf.subkey(master, b"smartkey mac"),
            kdf.subkey(master, b"smartkey pin")[:8],
        )

    def _through_chip(self, master: bytes) -> bytes:
        """Mix in the chip's MAC of the stretched PIN: one try, counted by the chip itself."""
        if self.chip is None:
            raise NeedsChipError("this vault needs its secure element")
        digest = otp._constructor("sha256")(b"smartkey se")
        digest.update(master)
        return otp.hmac(master, self.chip.response(digest.digest()), "sha1")

    def unlock(self, pin: str) -> bool:
        """True if ``pin`` opens the vault. A wrong PIN is known from the PIN check alone, before
        anything is decrypted. A file whose MAC fails is skipped for an older intact one."""
        if self.state == EMPTY or self.state == DAMAGED:
            raise VaultError("no vault to unlock")
        intact = self._intact()
        masters: Dict = {}
        first = True
        mac_failed = False
        for _generation, which in intact:
            self._use(which)
            enc, mac, check = self._derive(pin, self._header, masters)
            if not _same(check, bytes(self._header[48:56])):
                if first:
                    return False
                continue
            first = False
            if self._mac_holds(which, mac):
                # A vault.bin that is damaged (or forged) while an older copy serves: the
                # latest change was lost. A newer vault.new in use is a finished commit.
                bin_intact = any(w == _CURRENT for _g, w in intact)
                recovered = which == _OLD and (mac_failed or not bin_intact)
                if self._rolled_back(recovered):
                    self.state = ROLLED_BACK
                    return False
                self._keys = (enc, mac)
                self.recovered = recovered
                self.state = UNLOCKED
                self._open_chip_key()
                return True
            mac_failed = True
        self.scan()
        self.state = DAMAGED
        return False

    def _open_chip_key(self) -> None:
        """Read X from the chip record and give the chip its tries back (a correct PIN)."""
        self.chip_key = None
        if self._header[_SE] != 1:
            return
        assert self._keys is not None
        with open(self._path(self._index), "rb") as f:
            f.seek(_HEADER + self.count * record.SIZE)
            f.readinto(self._record)
        self._crypt(self._header[32:48], self.count, self._record, self._keys[0], self._header[5])
        self.chip_key = bytes(self._record[:32])
        for i in range(record.SIZE):
            self._record[i] = 0
        if self.chip is not None:
            self.chip.arm(self.chip_key)

    def _rolled_back(self, recovered: bool) -> bool:
        """Is the authenticated header in use older than the generation mark allows? The copy
        one generation back is the token's own vault.old, which serves when the newest copy is
        damaged; anything older was put back from outside. A vault newer than the mark is what
        a power cut between the commit and the mark's update leaves: the mark catches up."""
        if self.marks is None:
            return False
        generation = _u32(self._header, 26)
        floor = self.marks.generation
        if generation < floor - 1 or (generation == floor - 1 and not recovered):
            return True
        self.marks.save(generation)
        return False

    def _mac_holds(self, which: int, mac_key: bytes) -> bool:
        new, ipad, opad = otp.hmac_pads(mac_key, "sha1")
        inner = new(ipad)
        with open(self._path(which), "rb") as f:
            if not self._stream(f, _HEADER + _records(self._header) * record.SIZE, inner.update):
                return False
            stored = f.read(_MAC)
        outer = new(opad)
        outer.update(inner.digest())
        return _same(outer.digest(), stored)

    def check_pin(self, pin: str) -> bool:
        """Is ``pin`` the vault's PIN? (Asked again before a secret is shown as a QR code.)"""
        if self.state == EMPTY or self.state == DAMAGED:
            return False
        check = self._derive(pin, self._header, {})[2]
        right = _same(check, bytes(self._header[48:56]))
        if right and self.chip is not None and self.chip_key is not None:
            self.chip.arm(self.chip_key)  # the check used one of the chip's tries
        return right

    def lock(self) -> None:
        self._keys = None
        self.chip_key = None
        if self.state == UNLOCKED:
            self.state = LOCKED

    def derive(self, label: bytes) -> bytes:
        """A key for ``label``'s purpose (pairing.py) from the open vault's keys: as secret as
        the accounts, and another one once a wipe or a new PIN makes new keys."""
        if self._keys is None:
            raise VaultError("vault is locked")
        return kdf.subkey(self._keys[1], label)

    # -- reading ---------------------------------------------------------------------------
    def _crypt(self, iv: Any, index: int, data: bytearray, enc_key: bytes, cipher: int) -> None:
        """XOR record ``index`` with its keystream, in place (CTR: encrypt = decrypt)."""
        stream = self._keystream
        if cipher == _CIPHER_AES:
            aesio = _aes()
            if aesio is None:
                raise VaultError("this vault needs aesio")
            counter = int.from_bytes(bytes(iv), "big") + index * _BLOCKS_PER_RECORD
            block = (counter & ((1 << 128) - 1)).to_bytes(16, "big")
            aesio.AES(enc_key, aesio.MODE_CTR, block).encrypt_into(self._zeros, stream)
        else:
            new, ipad, opad = otp.hmac_pads(enc_key, "sha1")
            nonce = bytearray(bytes(iv) + b"\x00\x00\x00\x00\x00")
            _put_u32(nonce, 16, index)
            for chunk in range(10):
                nonce[20] = chunk
                block = otp.keyed_hmac(new, ipad, opad, nonce)
                start = chunk * 20
                stream[start : start + 20] = block[: min(20, record.SIZE - start)]
        for i in range(record.SIZE):
            data[i] ^= stream[i]

    def _read(self, index: int) -> bytearray:
        if self._keys is None:
            raise VaultError("vault is locked")
        if not 0 <= index < self.count:
            raise IndexError("no account %d" % index)
        with open(self._path(self._index), "rb") as f:
            f.seek(_HEADER + index * record.SIZE)
            f.readinto(self._record)
        self._crypt(self._header[32:48], index, self._record, self._keys[0], self._header[5])
        return self._record

    def account(self, index: int, with_secret: bool = True) -> Any:
        """Account ``index`` (0-based, the user's order); the secret only if asked for."""
        data = self._read(index)
        try:
            return record.decode(data, with_secret)
        finally:
            for i in range(record.SIZE):
                data[i] = 0

    # -- writing ---------------------------------------------------------------------------
    def create(self, pin: str) -> None:
        """A new, empty vault under ``pin`` (first boot). With a secure element, the chip is
        set up first (a fresh X; a blank chip is configured and locked for good)."""
        self.chip_key = self.chip.provision() if self.chip is not None else None
        self._commit([], {}, [], 0, pin)
        if self.chip is not None:
            self.chip.arm(self.chip_key)  # the new PIN's MAC used one of its tries

    def commit(
        self,
        order: "Optional[List[int]]" = None,
        updates: "Optional[Dict[int, Callable]]" = None,
        additions: "Any" = None,
        pin: "Optional[str]" = None,
        added: "Optional[int]" = None,
        hotp: "Any" = None,
    ) -> None:
        """Write a new generation in one atomic step: accounts in ``order`` (indices of the
        current ones; left out = removed), each changed by ``updates[index](account)``, then
        ``additions`` at the end; ``pin`` re-encrypts everything under a new PIN.

        ``additions`` may be a generator (accounts streaming in over USB) if ``added`` says how
        many it yields: nothing is replaced unless exactly that many arrive. ``hotp`` =
        (tag, next counter) raises that account's mark in nvm with the generation's."""
        if self._keys is None:
            raise VaultError("vault is locked")
        additions = additions or []
        self._commit(
            list(range(self.count)) if order is None else order,
            updates or {},
            additions,
            len(additions) if added is None else added,
            pin,
            hotp,
        )

    def _commit(
        self, order: List[int], updates: Dict, additions: Any, added: int, pin: Any, hotp=None
    ) -> None:
        if not self.writable:
            raise ReadOnlyError("maintenance mode: the flash is read-only")
        total = len(order) + added
        if total > MAX_ACCOUNTS:
            raise VaultError("a token holds at most %d accounts" % MAX_ACCOUNTS)
        if len(set(order)) != len(order) or any(not 0 <= i < self.count for i in order):
            raise ValueError("order must list existing accounts once each")
        self._settle()
        header = bytearray(_HEADER)
        header[0:4] = _MAGIC
        header[4] = FORMAT
        header[5] = _CIPHER_AES if _aes() is not None else _CIPHER_HMAC
        header[_SE] = 1 if self.chip_key is not None else 0
        if pin is None:
            header[6:26] = self._header[6:26]  # same iterations and salt: same keys
            keys = self._keys
            check = bytes(self._header[48:56])
        else:
            _put_u32(header, 6, ITERATIONS)
            header[10:26] = os.urandom(16)
            enc, mac, check = self._derive(pin, header, {})
            keys = (enc, mac)
            if self.chip_key is not None and self.state != EMPTY:
                self.chip.arm(self.chip_key)  # as in create()
        assert keys is not None
        generation = (_u32(self._header, 26) + 1) if self.state != EMPTY else 1
        if self.marks is not None:
            # After a wipe the count goes on from the mark: a copy of the erased vault stays older.
            generation = max(generation, self.marks.generation + 1)
        _put_u32(header, 26, generation)
        header[30] = total >> 8
        header[31] = total & 0xFF
        header[32:48] = os.urandom(16)  # a fresh IV: CTR never reuses a keystream
        header[48:56] = check
        try:
            written = self._write_new(header, keys, order, updates, additions)
            if written != total:
                raise VaultError("%d accounts announced, %d arrived" % (total, written))
        except BaseException:
            self._discard_new()
            raise
        # Replace only once the new file reads back intact.
        if self._check_file(self._path(_NEW)) != generation:
            raise VaultError("the new vault did not read back intact")
        # After a PIN change or a removal the older copies open with the old PIN or hold what
        # was removed: they are overwritten, not just unlinked (FAT keeps the data).
        forget = pin is not None or len(order) < self.count
        self._promote_new()
        if self.marks is not None:
            self.marks.save(generation, hotp)  # after the vault is in place: see marks.py
        self._use(_CURRENT)
        self._keys = keys
        self.state = UNLOCKED
        self.recovered = False
        if forget:
            try:
                self._destroy(_OLD)
            except OSError:
                pass  # the new vault is in place; a leftover copy is only a privacy matter

    def _write_new(
        self, header: bytearray, keys: Any, order: List, updates: Dict, additions: Any
    ) -> int:
        new, ipad, opad = otp.hmac_pads(keys[1], "sha1")
        mac = new(ipad)
        checksum = otp._constructor("sha1")()
        out = bytearray(record.SIZE)
        with open(self._path(_NEW), "wb") as f:
            f.write(header)
            mac.update(header)
            checksum.update(header)
            position = 0
            for source in order:
                account = self.account(source)
                change = updates.get(source)
                if change is not None:
                    change(account)
                self._seal(account, position, header, keys[0], out)
                f.write(out)
                mac.update(out)
                checksum.update(out)
                position += 1
            for account in additions:
                self._seal(account, position, header, keys[0], out)
                f.write(out)
                mac.update(out)
                checksum.update(out)
                position += 1
            if self.chip_key is not None:
                out[:] = self._zeros
                out[:32] = self.chip_key
                self._crypt(header[32:48], position, out, keys[0], header[5])
                f.write(out)
                mac.update(out)
                checksum.update(out)
            outer = new(opad)
            outer.update(mac.digest())
            tag = outer.digest()
            f.write(tag)
            checksum.update(tag)
            f.write(checksum.digest())
            f.flush()
        os.sync()
        return position

    def _discard_new(self) -> None:
        """Remove an unfinished vault.new (best effort: a torn file is ignored anyway)."""
        try:
            self._destroy(_NEW)
        except OSError:
            pass

    def _seal(self, account: Any, index: int, header: Any, enc_key: bytes, out: bytearray) -> None:
        record.encode(account, out)
        self._crypt(header[32:48], index, out, enc_key, header[5])

    def _settle(self) -> None:
        """Before writing vault.new, make the file in use vault.bin (after a recovery)."""
        if self._index == _NEW:
            self._promote_new()
            self._index = _CURRENT

    def _promote_new(self) -> None:
        # FAT cannot rename over a file; each step leaves a state scan() recovers from.
        self._destroy(_OLD)
        if self._exists(_CURRENT):
            os.rename(self._path(_CURRENT), self._path(_OLD))
        os.rename(self._path(_NEW), self._path(_CURRENT))
        os.sync()

    def _destroy(self, which: int) -> None:
        """Overwrite a copy with zeros, then remove it (FAT would leave the data behind)."""
        path = self._path(which)
        try:
            size = os.stat(path)[6]
        except OSError:
            return
        zeros = bytes(_CHUNK)
        with open(path, "r+b") as f:
            for _ in range(0, size, _CHUNK):
                f.write(zeros)
            f.flush()
        os.remove(path)
        os.sync()

    def wipe(self) -> None:
        """Destroy every copy: overwrite, then remove (too many wrong PINs, or on request)."""
        if not self.writable:
            raise ReadOnlyError("maintenance mode: the flash is read-only")
        if self.chip is not None:
            try:
                self.chip.forget()  # first: without X no copy of the vault can ever open
            except Exception:  # a failing chip must not keep the files from being destroyed
                pass
        for which in range(len(_NAMES)):
            self._destroy(which)
        self._keys = None
        self.chip_key = None
        self._header = bytearray(_HEADER)
        self.count = 0
        self.state = EMPTY
