"""What the pure-Python SHA classes share: hashlib's interface (update, digest, copy) over
a compression function, with the message buffered in whole blocks.

Needs nothing but the language: it runs on CircuitPython and, unchanged, on CPython. A hash
class (``sha1.py``, ``sha256.py``, ``sha512.py``) sets ``name``, ``digest_size``,
``block_size``, its initial state ``_iv``, the bytes of one state word ``_word``, and
``_compress(state, buffer, offset)``, which mixes the block of ``buffer`` at ``offset`` into
``state``. Whole blocks are read in place from the caller's buffer; only an incomplete block
is copied, into a buffer each object allocates once.
"""

try:
    from typing import Any, List, Tuple, Union

    Buffer = Union[bytes, bytearray, memoryview]
except ImportError:
    pass


# Zeros to pad a block with (128 bytes: the largest block, SHA-512's), sliced without a copy:
# one slice assignment costs less than a loop over the bytes.
_ZEROS = memoryview(bytes(128))


class BlockHash:
    """A hash object with hashlib's interface; ``digest`` does not end the message."""

    name = ""
    digest_size = 0
    block_size = 64
    _iv: "Tuple[int, ...]" = ()
    _word = 4  # bytes; the message length in bits fills the last two words of the last block

    def __init__(self, data: "Buffer" = b"") -> None:
        self._state = list(self._iv)
        self._buf = bytearray(self.block_size)
        self._view = memoryview(self._buf)
        self._fill = 0  # bytes of an incomplete block waiting in _buf
        self._length = 0  # bytes hashed so far
        if data:
            self.update(data)

    @staticmethod
    def _compress(state: "List[int]", block: "Any", offset: int) -> None:
        raise NotImplementedError

    def update(self, data: "Buffer") -> None:
        if isinstance(data, str):
            raise TypeError("text must be encoded to bytes before hashing")
        # A view, so that slicing the caller's buffer copies nothing.
        data = memoryview(data)
        size = self.block_size
        compress = self._compress
        n = len(data)
        self._length += n
        fill = self._fill
        pos = 0
        if fill:
            pos = size - fill
            if n < pos:
                self._buf[fill : fill + n] = data
                self._fill = fill + n
                return
            self._buf[fill:] = data[:pos]
            compress(self._state, self._view, 0)
        while n - pos >= size:
            compress(self._state, data, pos)
            pos += size
        fill = n - pos
        if fill:
            self._buf[:fill] = data[pos:]
        self._fill = fill

    def digest(self) -> bytes:
        state = list(self._state)
        size = self.block_size
        word = self._word
        length_at = size - 2 * word
        buf = self._buf
        view = self._view
        fill = self._fill
        # The padding goes after the waiting bytes, which stay as they are for a later update().
        buf[fill] = 0x80
        view[fill + 1 :] = _ZEROS[: size - fill - 1]
        if fill >= length_at:
            self._compress(state, view, 0)
            buf = bytearray(size)
            view = memoryview(buf)
        view[length_at:] = (self._length << 3).to_bytes(size - length_at, "big")
        self._compress(state, view, 0)
        out = bytearray(self.digest_size)
        for i in range(len(state)):
            out[word * i : word * i + word] = state[i].to_bytes(word, "big")
        return bytes(out)

    def hexdigest(self) -> str:
        return self.digest().hex()

    def copy(self) -> "Any":
        other = type(self)()
        other._state[:] = self._state
        other._buf[:] = self._buf
        other._fill = self._fill
        other._length = self._length
        return other
