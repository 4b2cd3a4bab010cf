"""USB setup, run once at reset before code.py.

Normal mode: a USB keyboard and the data serial channel; the REPL console is off, the CIRCUITPY
drive is hidden and the firmware may write its flash. Hold button A at reset for maintenance
mode: drive and console stay visible (and the firmware cannot write). The settings that can lock
a user out are applied last, so an error before them leaves the board debuggable.
"""

import board
import digitalio
import storage
import usb_cdc
import usb_hid

from smartkey_fw import profile

button = digitalio.DigitalInOut(getattr(board, str(profile.load(board.board_id)["a"])))
button.switch_to_input(pull=digitalio.Pull.UP)
maintenance = not button.value
button.deinit()

# boot_device=0: a BIOS-style boot keyboard must be USB interface 0, which the CDC interfaces
# take; asking for one with CDC enabled resets CircuitPython into safe mode. Operating systems
# use the report protocol, which every keyboard has.
usb_hid.enable((usb_hid.Device.KEYBOARD,), boot_device=0)
if maintenance:
    usb_cdc.enable(console=True, data=True)
else:
    usb_cdc.enable(console=False, data=True)
    storage.disable_usb_drive()
    storage.remount("/", readonly=False)
