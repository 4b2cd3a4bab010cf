"""Finding and opening a token's data serial port (pyserial).

A CircuitPython board shows two serial ports when both CDC channels are on; the token's normal
mode turns the console off, leaving only the data channel. Real boards are recognised by USB
vendor id and interface name; a running ``smartkey sim`` publishes its pseudo-terminal's path.
"""

from __future__ import annotations

import os
from pathlib import Path

import serial
from serial.tools import list_ports

# Adafruit (CircuitPython boards) and Raspberry Pi (the Pico's own CircuitPython build).
VENDOR_IDS = (0x239A, 0x2E8A)


class TransportError(Exception):
    pass


def sim_port_file() -> Path:
    base = os.environ.get("XDG_RUNTIME_DIR") or str(Path.home() / ".cache")
    return Path(base) / "smartkey" / "sim-port"


def candidates() -> list[str]:
    """Data ports of plugged-in tokens, then a running simulator's."""
    found = []
    for port in list_ports.comports():
        if port.vid not in VENDOR_IDS:
            continue
        interface = (port.interface or "").lower()
        # With the console on too, the data channel is the second CDC interface, "… data".
        if "data" in interface or not interface:
            found.append(port.device)
    published = sim_port_file()
    if published.exists():
        path = published.read_text().strip()
        if path and os.path.exists(path):
            found.append(path)
    return found


def open_port(port: str | None = None) -> serial.Serial:
    if port is None:
        ports = candidates()
        if not ports:
            raise TransportError(
                "no token found: plug one in (not in maintenance mode), start `smartkey sim`, "
                "or name the port with --port"
            )
        port = ports[0]
    try:
        return serial.Serial(port, 115200, timeout=5.0, write_timeout=5.0)
    except (serial.SerialException, OSError) as error:
        raise TransportError(f"cannot open {port}: {error}") from None
