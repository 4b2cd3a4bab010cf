"""A simulated I2C bus and a fake of CircuitPython's ``busio.I2C`` bound to it.

Chip emulators attach to an :class:`I2CBus` by their 7-bit address. :class:`I2C` reproduces the
parts of ``busio.I2C`` that the Adafruit drivers and ``adafruit_bus_device`` rely on: the
advisory lock (``try_lock``/``unlock``, "Function requires lock"), ``scan`` over the 7-bit
address range CircuitPython probes (0x08–0x77), ``start``/``end`` buffer slicing, a repeated
start between the write and read of ``writeto_then_readfrom``, ``OSError(ENODEV)`` when no target
acknowledges its address (as the RP2040 port reports a NACK), and ``ValueError`` after
``deinit``.

One call of :meth:`I2CBus.write` or :meth:`I2CBus.read` is one transaction: a START (or repeated
START), the address byte, then the payload. Targets see exactly those boundaries, which matters to
chips that latch state on START (the DS3231) or carry a parser across transactions (the SSD1306).

Two optional target methods model chips that are more than registers (the ATECC608):
``i2c_acknowledge()`` returning False NACKs the address (a chip asleep or busy), which the
controller reports as ``OSError(ENODEV)``; ``sda_low(seconds)`` is told, for every transaction on
the bus whoever it addresses, the longest time SDA stayed low, counted in bit times at the
controller's clock (zero bits, and the ACKs a target drives low) — the ATECC wakes on a long one.
"""

from __future__ import annotations

import errno
from types import TracebackType
from typing import Protocol, runtime_checkable

ReadableBuffer = bytes | bytearray | memoryview
WriteableBuffer = bytearray | memoryview

# CircuitPython's scan() skips the reserved 7-bit addresses 0b0000xxx and 0b1111xxx.
_SCAN_FIRST = 0x08
_SCAN_LAST = 0x77


@runtime_checkable
class I2CTarget(Protocol):
    """A chip on the bus, seen from the wire.

    ``i2c_write`` receives the payload of one write transaction (everything after the address
    byte); ``stop`` is False when the controller follows it with a repeated START instead of a
    STOP. ``i2c_read`` returns exactly ``nbytes`` bytes for one read transaction.
    """

    address: int

    def i2c_write(self, data: bytes, stop: bool) -> None: ...

    def i2c_read(self, nbytes: int) -> bytes: ...


# Each byte as SDA levels, followed by a low ACK bit.
_BITS_ACKED = [f"{value:08b}0" for value in range(256)]


def _longest_low(levels: str) -> int:
    return max(len(run) for run in levels.split("1"))


def _no_device(address: int) -> OSError:
    return OSError(errno.ENODEV, f"No such device at I2C address 0x{address:02x}")


class I2CBus:
    """The wires: targets by 7-bit address, and counters of the traffic sent to each.

    Counters, keyed by target address (only transactions a target acknowledged are counted):

    - ``bytes_written``: payload bytes of write transactions, address byte excluded. This is the
      figure to compare with a driver's buffers (e.g. a full SSD1306 frame is 1 + 1024 bytes).
    - ``wire_bytes``: bytes the controller clocks onto SDA: the address byte of every
      transaction (writes, reads and repeated STARTs) plus write payloads.
    - ``bytes_read``: bytes returned by read transactions.
    """

    def __init__(self) -> None:
        self._targets: dict[int, I2CTarget] = {}
        self.bytes_written: dict[int, int] = {}
        self.wire_bytes: dict[int, int] = {}
        self.bytes_read: dict[int, int] = {}
        self.transactions: int = 0
        # SCL in Hz, as the controller (the I2C fake) sets it; it times the SDA-low runs.
        self.frequency = 100_000

    def attach(self, device: I2CTarget) -> None:
        """Connect ``device`` at ``device.address``; two targets may not share an address."""
        address = device.address
        if not 0 <= address <= 0x7F:
            raise ValueError(f"I2C address out of 7-bit range: {address!r}")
        if address in self._targets:
            raise ValueError(f"I2C address 0x{address:02x} already in use")
        self._targets[address] = device

    def detach(self, address: int) -> I2CTarget:
        """Disconnect and return the target at ``address`` (``KeyError`` if there is none)."""
        return self._targets.pop(address)

    def device(self, address: int) -> I2CTarget | None:
        """The target at ``address``, or None."""
        return self._targets.get(address)

    @property
    def addresses(self) -> list[int]:
        """Addresses of the attached targets, ascending."""
        return sorted(self._targets)

    def __contains__(self, address: object) -> bool:
        return address in self._targets

    def probe(self, address: int) -> bool:
        """An address-only transaction: True if a target acknowledges ``address``.

        The target's transaction methods are not called; a bare address phase changes no state
        in the chips modelled here, except that its SDA-low run can wake an ATECC.
        """
        target = self._acknowledging(address)
        self._sda_levels(address << 1, b"", target is not None, read=False)
        if target is not None:
            self._count_wire(address, 1)
            return True
        return False

    def address_phase(self, address: int, *, read: bool = False) -> bool:
        """The address byte alone, for a controller that learns the ACK before it sends anything
        else (the emulated RP2040's I2C block): True if a target acknowledges ``address``.

        A NACK ends the transaction there, so its SDA-low run (a write to address 0x00 is eight
        low bits: the ATECC's wake token) is reported now; an acknowledged transaction's is
        reported by the :meth:`write` or :meth:`read` that carries it.
        """
        if self._acknowledging(address) is not None:
            return True
        self._sda_levels(address << 1 | read, b"", False, read=read)
        return False

    def write(self, address: int, data: ReadableBuffer, *, stop: bool = True) -> None:
        """One write transaction: ``data`` is delivered to the target at ``address``."""
        target = self._acknowledging(address)
        payload = bytes(data)
        self._sda_levels(address << 1, payload, target is not None, read=False)
        if target is None:
            raise _no_device(address)
        self.transactions += 1
        self.bytes_written[address] = self.bytes_written.get(address, 0) + len(payload)
        self._count_wire(address, 1 + len(payload))
        target.i2c_write(payload, stop)

    def read(self, address: int, nbytes: int) -> bytes:
        """One read transaction of ``nbytes`` bytes from the target at ``address``."""
        target = self._acknowledging(address)
        if target is None:
            self._sda_levels(address << 1 | 1, b"", False, read=True)
            raise _no_device(address)
        self.transactions += 1
        self._count_wire(address, 1)
        data = bytes(target.i2c_read(nbytes))
        if len(data) != nbytes:
            raise RuntimeError(
                f"target 0x{address:02x} returned {len(data)} bytes, {nbytes} requested"
            )
        self._sda_levels(address << 1 | 1, data, True, read=True)
        self.bytes_read[address] = self.bytes_read.get(address, 0) + nbytes
        return data

    @property
    def total_written(self) -> int:
        """Payload bytes written to all targets (see ``bytes_written``)."""
        return sum(self.bytes_written.values())

    def reset_counters(self) -> None:
        """Zero every traffic counter."""
        self.bytes_written.clear()
        self.wire_bytes.clear()
        self.bytes_read.clear()
        self.transactions = 0

    def _count_wire(self, address: int, nbytes: int) -> None:
        self.wire_bytes[address] = self.wire_bytes.get(address, 0) + nbytes

    def _acknowledging(self, address: int) -> I2CTarget | None:
        target = self._targets.get(address)
        acknowledge = getattr(target, "i2c_acknowledge", None)
        if acknowledge is not None and not acknowledge():
            return None
        return target

    def _sda_levels(self, address_byte: int, payload: bytes, acked: bool, *, read: bool) -> None:
        """Tell the targets that watch SDA how long this transaction held it low at most."""
        watchers = [w for w in self._targets.values() if hasattr(w, "sda_low")]
        if not watchers:
            return
        levels = f"{address_byte:08b}" + ("0" if acked else "1")
        if acked:
            levels += "".join(_BITS_ACKED[value] for value in payload)
            if read and payload:
                levels = levels[:-1] + "1"  # the controller NACKs the last byte it reads
        seconds = _longest_low(levels) / self.frequency
        for watcher in watchers:
            watcher.sda_low(seconds)


def _bytes_view(buffer: ReadableBuffer) -> memoryview:
    view = memoryview(buffer)
    # CircuitPython treats every buffer as bytes, whatever its item type.
    return view if view.format == "B" and view.ndim == 1 else view.cast("B")


class I2C:
    """Fake of ``busio.I2C`` on a simulated :class:`I2CBus`.

    ``scl``/``sda`` are kept for inspection only; ``frequency`` and ``timeout`` are recorded but
    transfers take no simulated time.
    """

    def __init__(
        self,
        bus: I2CBus,
        scl: object = None,
        sda: object = None,
        *,
        frequency: int = 100000,
        timeout: int = 255,
    ) -> None:
        self._bus: I2CBus | None = bus
        bus.frequency = frequency
        self.scl = scl
        self.sda = sda
        self._frequency = frequency
        self.timeout = timeout
        self._locked = False

    @property
    def frequency(self) -> int:
        """The requested bus clock in Hz (read-only, as on the device)."""
        self._check_live()
        return self._frequency

    def deinit(self) -> None:
        """Release the bus; any later use raises ``ValueError``."""
        self._bus = None
        self._locked = False

    def __enter__(self) -> I2C:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.deinit()

    def try_lock(self) -> bool:
        """Take the lock; False if it is already held (the lock is not reentrant)."""
        self._check_live()
        if self._locked:
            return False
        self._locked = True
        return True

    def unlock(self) -> None:
        """Release the lock (harmless if not held, as on the device)."""
        self._check_live()
        self._locked = False

    def scan(self) -> list[int]:
        """Addresses that acknowledge a zero-length write, 0x08–0x77."""
        bus = self._check_locked()
        return [a for a in range(_SCAN_FIRST, _SCAN_LAST + 1) if bus.probe(a)]

    def writeto(
        self,
        address: int,
        buffer: ReadableBuffer,
        *,
        start: int = 0,
        end: int | None = None,
    ) -> None:
        """Write ``buffer[start:end]`` to ``address`` and send STOP."""
        bus = self._check_locked()
        _check_address(address)
        bus.write(address, _bytes_view(buffer)[start:end], stop=True)

    def readfrom_into(
        self,
        address: int,
        buffer: WriteableBuffer,
        *,
        start: int = 0,
        end: int | None = None,
    ) -> None:
        """Fill ``buffer[start:end]`` with bytes read from ``address``."""
        bus = self._check_locked()
        _check_address(address)
        target = _bytes_view(buffer)[start:end]
        if len(target) < 1:
            raise ValueError("buffer length must be >= 1")
        target[:] = bus.read(address, len(target))

    def writeto_then_readfrom(
        self,
        address: int,
        out_buffer: ReadableBuffer,
        in_buffer: WriteableBuffer,
        *,
        out_start: int = 0,
        out_end: int | None = None,
        in_start: int = 0,
        in_end: int | None = None,
    ) -> None:
        """Write ``out_buffer[out_start:out_end]`` without STOP, then read into
        ``in_buffer[in_start:in_end]`` after a repeated START.

        The two buffers may be the same object (``adafruit_register`` does this), so the
        outgoing bytes are copied before anything is read.
        """
        bus = self._check_locked()
        _check_address(address)
        out = bytes(_bytes_view(out_buffer)[out_start:out_end])
        target = _bytes_view(in_buffer)[in_start:in_end]
        if len(target) < 1:
            raise ValueError("in_buffer length must be >= 1")
        bus.write(address, out, stop=False)
        target[:] = bus.read(address, len(target))

    def _check_live(self) -> I2CBus:
        if self._bus is None:
            raise ValueError(
                "Object has been deinitialized and can no longer be used. Create a new object."
            )
        return self._bus

    def _check_locked(self) -> I2CBus:
        bus = self._check_live()
        if not self._locked:
            raise RuntimeError("Function requires lock")
        return bus


def _check_address(address: int) -> None:
    if not 0 <= address <= 0x7F:
        raise ValueError(f"address must be 0-127, not {address}")
