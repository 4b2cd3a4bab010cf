"""The firmware on an emulated RP2040 running the real CircuitPython UF2.

``EmulatedBoard`` boots CircuitPython 10.1.4 for the Raspberry Pi Pico in rp2040js (Node, the
harness in ``tools/rp2040/``) with the firmware on its CIRCUITPY drive, and wires it to the same
chip emulators as the virtual board (``smartkey.sim``): the SSD1306 and the DS3231 answer on I2C0,
the three buttons are GPIOs, and a small USB host reads the console, the data channel and the
keyboard.
"""

from smartkey.rp2040.board import EmulatedBoard

__all__ = ["EmulatedBoard"]
