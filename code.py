"""smartkey: a TOTP token. Build the hardware, then run the app until power-off."""

import os

from smartkey_fw.app import App
from smartkey_fw.hardware import Hardware

accounts = []
if os.getenv("SMARTKEY_DEMO"):
    from smartkey_fw import demo

    accounts = demo.accounts()
App(Hardware(), accounts).run()
