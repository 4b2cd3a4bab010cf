"""smartkey: a TOTP token. Build the hardware, then run the app until power-off."""

from smartkey_fw.app import App
from smartkey_fw.hardware import Hardware

App(Hardware()).run()
