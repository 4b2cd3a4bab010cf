"""An account's otpauth URI as a QR code on the OLED, for a phone app to scan.

Shown only after the PIN was typed again and the user said yes; any button takes it away. A
QR code wants dark modules on a light ground, so the square is lit and the modules are off.
"""

from micropython import const

try:
    from typing import Any

    from smartkey_fw.ui.context import Context
except ImportError:
    pass

_QUIET = const(4)


class QrView:
    def __init__(self, code: Any, back: Any) -> None:
        self.code = code  # a qr.QR, made (and found to fit) before this screen is shown
        self.back = back

    def view(self, ctx: "Context", utc: Any) -> tuple:
        return ("qr", id(self.code))

    def press(self, ctx: "Context", event: int) -> None:
        self.back(ctx)

    def draw(self, canvas: Any, view: tuple) -> None:
        code = self.code
        quiet = _QUIET
        while (code.size + 2 * quiet) > canvas.height and quiet > 1:
            quiet -= 1  # the largest codes keep a narrower (but still lit) margin
        side = code.size + 2 * quiet
        canvas.clear()
        code.blit(
            canvas.buf,
            canvas.width,
            (canvas.width - side) // 2,
            (canvas.height - side) // 2,
            1,
            quiet,
        )
