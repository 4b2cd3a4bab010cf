"""The token's main loop: buttons in, screens out.

Screens are small duck-typed objects (``view(ctx, utc) -> tuple``, ``draw(canvas, view)``,
``press(ctx, event)``, see ``ui/template.py``); they get ``self.context`` (``ui/context.py``,
what a screen may read and do), never the App. The display is redrawn only when the current
screen's view changes.
``App.tick(now)`` is one pass of the loop and can be called on its own, so a test or the virtual
board steps the firmware deterministically; ``run()`` is that pass forever with a short sleep.
Times are integer milliseconds (``App.ms``): CircuitPython's floats would lose the milliseconds
after days powered on, and a short press would turn into a long one.
"""

import time

from micropython import const

from smartkey_fw import buttons, clock, keyboard, marks, pin, settings, vault
from smartkey_fw.preferences import Preferences
from smartkey_fw.protocol import ForHost, Protocol
from smartkey_fw.ui import pin_flows  # every boot starts in it: no use putting it off
from smartkey_fw.ui.canvas import Canvas
from smartkey_fw.ui.codes import Codes
from smartkey_fw.ui.confirm import Confirm, Progress
from smartkey_fw.ui.context import Context
from smartkey_fw.ui.display import PartialDisplay
from smartkey_fw.ui.message import Message, Notice

try:
    from typing import Any, Optional
except ImportError:
    pass

_TICK = 0.02  # seconds between loop passes: keypad scan rate, and the CPU sleeps in between
# The DS3231's seconds roll over on its own schedule: reading it ten times a second shows a new
# code within 0.1 s of the period boundary, for 10 bytes/s of I2C writes.
_CLOCK_READS_PER_SECOND = const(10)
_CONFIRM_SECONDS = const(30)  # how long a host's question waits for an answer on the token
_READ_MS = const(500)  # a question is on screen at least this long before a press counts
# A button touched this recently (ms) means someone is using the token for something of their
# own: a host's question then must not take over the screen their next press lands on.
_BUSY_MS = const(2000)
# The OLED's pixels wear where they stay lit: dim, then blank, when nobody uses the token.
_AWAKE = const(0)
_DIM = const(1)
_BLANK = const(2)
_DIM_CONTRAST = const(1)
_FULL_CONTRAST = const(255)


class App:
    def __init__(self, hardware: Any) -> None:
        self.hw = hardware
        self.buttons = buttons.Buttons(
            hardware.keys, started=hardware.keys_started, held=hardware.keys_held
        )
        self.clock = clock.Clock(hardware.rtc, hardware.nvm)
        self.marks = marks.Marks(hardware.nvm)
        chip = hardware.secure_element
        self.vault = vault.Vault(hardware.uid, "/", hardware.flash_writable, self.marks, chip)
        self.guard = pin.PinGuard(hardware.nvm, settings.number("PIN_TRIES", 10, 3, 50))
        if chip is not None:
            chip.tries = self.guard.max_tries + 1  # its wipe leaves the chip one use to re-key
        self.autolock = settings.number("AUTOLOCK", 300, 0, 86400)
        self.demo = bool(settings.number("DEMO", 0, 0, 1))
        self.preferences = Preferences(hardware.nvm)
        self.dim_after = settings.number("DIM_AFTER", 30, 0, 3600)
        self.blank_after = settings.number("BLANK_AFTER", 120, 0, 86400)
        self._light = _AWAKE
        display = hardware.display
        self.canvas: Optional[Canvas] = None
        self.panel: Optional[PartialDisplay] = None
        if display is not None:
            self.panel = PartialDisplay(display)
            self.canvas = Canvas(display.buf, display.width, display.height)
        self.codes = Codes()
        self.protocol = Protocol(hardware.serial, ForHost(self))
        self.screen: Any = None
        self._shown: Any = None
        self._clock_read = -1
        self.now = self.ms()  # ms since the chip started (not since code.py did)
        self._last_press = self.now  # starting counts as use: no instant dim or lock
        self.context = Context(  # what screens get instead of the App
            self,
            self.vault,
            self.guard,
            self.clock,
            self.preferences,
            self.codes,
            self.canvas,
            self.demo,
            hardware.profile["name"],
        )
        for problem in hardware.problems:
            print(problem)
        pin_flows.start(self.context)

    def show(self, screen: Any) -> None:
        self.screen = screen
        self._clock_read = -1  # redraw on this pass

    def show_now(self, screen: Any) -> None:
        """Show ``screen`` at once, before a slow step (deriving keys, writing flash)."""
        self.show(screen)
        self.render(None)

    def run(self) -> None:
        while True:
            try:
                self.tick(self.ms())
            except Exception as error:  # a flash or I2C fault must not end the token's loop
                print("error:", type(error).__name__)
                self.show(Message("ERROR", (type(error).__name__, "B: carry on"), _back_to_codes))
            time.sleep(_TICK)

    def tick(self, now: int) -> None:
        self.now = now
        pressed = False
        event = self.buttons.next(now)
        while event != buttons.NONE:
            pressed = True
            self._last_press = now
            dark = self._light == _BLANK
            self.wake()
            if not dark:  # a dimmed screen can be read: only a dark one swallows the press
                self.screen.press(self.context, event)
            event = self.buttons.next(now)
        if self._idle_lock_due(now):
            self.lock()
        self._rest_display(now)
        self.protocol.poll(now)
        clock_read = now * _CLOCK_READS_PER_SECOND // 1000
        if pressed or clock_read != self._clock_read:
            self._clock_read = clock_read
            self.render(self.clock.now())
        tick = getattr(self.screen, "tick", None)
        if tick is not None:
            tick(self.context, now)

    def _rest_display(self, now: int) -> None:
        display = self.hw.display
        if display is None:
            return
        idle = (now - self._last_press) // 1000
        if self._light != _BLANK and self.blank_after and idle >= self.blank_after:
            display.poweroff()
            self._light = _BLANK
        elif self._light == _AWAKE and self.dim_after and idle >= self.dim_after:
            display.contrast(_DIM_CONTRAST)
            self._light = _DIM

    def wake(self) -> None:
        """Full brightness again; the panel kept its RAM while off, so only changes are sent.
        Not activity by itself: only a press postpones the dimming and the idle lock, so a
        host that keeps asking cannot keep an unattended token unlocked."""
        display = self.hw.display
        if display is None or self._light == _AWAKE:
            return
        if self._light == _BLANK:
            display.poweron()
        display.contrast(_FULL_CONTRAST)
        self._light = _AWAKE
        self._clock_read = -1

    def _idle_lock_due(self, now: int) -> bool:
        return (
            self.autolock > 0
            and self.vault.state == vault.UNLOCKED
            and now - self._last_press >= self.autolock * 1000
        )

    def render(self, utc: Optional[int]) -> None:
        """Draw the current screen at ``utc``; send it to the display only if it changed."""
        screen = self.screen
        if screen is self.codes and utc is None:
            # A clock that cannot be trusted shows no code at all.
            screen = clock_screen(self)
        view = screen.view(self.context, utc)
        if view == self._shown or self.canvas is None or self.panel is None:
            return
        if self._light == _BLANK:
            return  # nothing to see: the frame is drawn when the screen wakes
        self._shown = view
        screen.draw(self.canvas, view)
        self.panel.flush()

    # -- what the protocol asks of the app -------------------------------------------------
    @staticmethod
    def ms() -> int:
        """Milliseconds since power-on, exact however long the token has been on."""
        return time.monotonic_ns() // 1_000_000

    @staticmethod
    def pause(seconds: float) -> None:
        time.sleep(seconds)

    def busy(self) -> bool:
        """Someone is using the buttons for something of their own (PIN entry, the menu, a
        message to read on), or touched one in the last 2 s: no host question now."""
        if self.buttons.touched(self.ms(), _BUSY_MS):
            return True
        screen = self.screen
        # The codes (or SET TIME in their place) and dead-end messages (DAMAGED) wait for
        # nothing the user is doing; every other screen is part of a flow on the buttons.
        return screen is not self.codes and getattr(screen, "on_done", True) is not None

    def confirm(self, question: tuple, destructive: bool = False) -> "Optional[bool]":
        """Ask on the screen; True for B (held, when ``destructive``), False for A, None when
        nobody answers in time."""
        previous = self.screen
        yes = buttons.LONG_B if destructive else buttons.B
        try:
            screen = Confirm(question, destructive)
            event = self.wait_for_button(screen, (buttons.A, yes), _CONFIRM_SECONDS)
        finally:
            self.show(previous)
        return None if event is None else event == yes

    def wait_for_button(self, screen: Any, wanted: tuple, seconds: float) -> "Optional[int]":
        """Show ``screen`` and run only the buttons until one of ``wanted`` (or time is up)."""
        self.wake()
        self.show_now(screen)
        self.buttons.forget_held()
        shown = self.ms()
        deadline = shown + int(seconds * 1000)
        readable = False
        while self.ms() < deadline:
            time.sleep(_TICK)
            now = self.ms()
            if not readable and now - shown >= _READ_MS:
                # Only a press that begins once the question was readable answers it.
                self.buttons.forget_held()
                readable = True
            event = self.buttons.next(now)
            if readable and event in wanted:
                self._last_press = now
                return event
            self.render(None)  # a long question turns its pages
        return None

    def self_test(self, with_buttons: bool) -> list:
        """The self-test (selftest.py), plus a display pattern and, with someone at the token,
        each button. Returns (name, ok, detail) tuples; shows the summary on the screen."""
        from smartkey_fw import selftest

        previous = self.screen
        self.show_now(Message("SELF-TEST", ("running ...",)))
        results = selftest.run(self)
        if self.canvas is not None and self.panel is not None:
            for lit in (1, 0):  # every pixel on, then off: dead pixels and stuck rows show
                self.canvas.fill_rect(0, 0, self.canvas.width, self.canvas.height, lit)
                self.panel.flush()
                time.sleep(0.5)
            self._shown = None
        if with_buttons:
            for event, name in ((buttons.A, "A"), (buttons.B, "B"), (buttons.C, "C")):
                prompt = Message("SELF-TEST", ("Press button " + name,))
                pressed = self.wait_for_button(prompt, (event,), 10)
                results.append(("button " + name, pressed == event, ""))
        failed = [r[0] for r in results if not r[1]]
        summary = ("all %d passed" % len(results),) if not failed else ("FAILED:",) + tuple(failed)
        self.show(Notice("SELF-TEST", summary, previous, 5.0))
        return results

    def progress(self, label: str, done: int, total: int) -> None:
        self.show_now(Progress(label, done, total))

    def progress_done(self) -> None:
        self.codes.forget()
        self.show(self.codes if self.vault.state == vault.UNLOCKED else self.screen)

    def erase(self) -> None:
        """Wipe on the user's confirmed request: the token returns to first boot."""
        self.codes.forget()
        self.vault.wipe()
        self.guard.reset()
        pin_flows.setup(self.context)

    # -- what screens ask of the app (through ui/context.py) -------------------------------
    def lock(self) -> None:
        self.codes.forget()
        self.vault.lock()
        pin_flows.ask_pin(self.context)

    def type_code(self, index: int) -> None:
        """Type account ``index``'s code on the USB keyboard (never while locked)."""
        if self.vault.state != vault.UNLOCKED or not self.vault.count:
            return
        back = self.codes
        board_keyboard = self.hw.keyboard()
        if board_keyboard is None:
            self.show(Notice("NOT TYPED", ("No computer is", "listening on USB."), back, 3.0))
            return
        account = self.vault.account(index)
        if account.kind == "hotp":
            try:
                code = self.next_hotp(index)
            except (vault.VaultError, OSError) as error:
                self.show(Notice("NOT TYPED", (str(error),), back, 3.0))
                return
        else:
            utc = self.clock.now()
            if utc is None:
                self.show(clock_screen(self))
                return
            remaining = account.period - utc % account.period
            if remaining < 2:
                # A code typed now would expire before the login form is sent: type the next.
                self.show_now(Message("TYPING", ("the next code", "in %d s" % remaining)))
                time.sleep(remaining)
                utc = self.clock.now() or utc + remaining
            code = account.code(utc)
        try:
            keyboard.type_text(
                board_keyboard,
                code + self.preferences.suffix_text(),
                self.preferences.layout,
                time.sleep,
            )
        except (OSError, keyboard.KeyboardError):
            self.show(Notice("NOT TYPED", ("The computer stopped", "listening."), back, 3.0))
            return
        self.show(Notice("TYPED", (account.label[:21],), back, 1.0))

    def next_hotp(self, index: int) -> str:
        """The HOTP code for account ``index``; its counter is saved before the code is shown.

        The counter never goes below the account's mark in nvm: an older vault.bin that serves
        (the newest copy was damaged) must not show a code this token has shown already."""
        account = self.vault.account(index)
        tag = marks.hotp_tag(account.secret)
        account.counter = max(account.counter, self.marks.hotp(tag))
        code = account.code(0)
        following = account.counter + 1

        def advance(stored: Any) -> None:
            stored.counter = following

        self.vault.commit(updates={index: advance}, hotp=(tag, following))
        return code


def _back_to_codes(ctx: Context) -> None:
    ctx.home()


def clock_screen(app: App) -> Message:
    if app.clock.status == clock.MISSING:
        return Message("NO CLOCK", tuple(app.hw.problems) or ("DS3231 not answering",))
    return Message("SET TIME", ("Clock is not set.", "On a computer run:", "smartkey time sync"))
