"""What a screen may read and do: the one object every screen receives, as ``ctx``.

A screen is a small duck-typed object (see ``template.py``): ``view(ctx, utc) -> tuple``,
``draw(canvas, view)``, ``press(ctx, event)`` and optionally ``tick(ctx, now)``. It never sees
the ``App``: only this context, so what a screen depends on is written down here and mypy
holds every screen to it. The vault is reached through ``Accounts``, the few things a screen
does with it; adding to the protocol or the loop does not widen what screens can touch.
"""

try:
    from typing import Any, Optional, Protocol

    from smartkey_fw.clock import Clock
    from smartkey_fw.pin import PinGuard
    from smartkey_fw.preferences import Preferences
    from smartkey_fw.ui.canvas import Canvas

    # Only for mypy: CircuitPython has no typing, so this class is never built on a board.
    class Accounts(Protocol):
        """The vault as a screen uses it (``vault.Vault`` is the one implementation)."""

        state: int  # vault.EMPTY, LOCKED, UNLOCKED, DAMAGED or ROLLED_BACK
        count: int
        writable: bool  # False in maintenance mode: nothing can be saved
        recovered: bool  # an older copy serves: the newest one was damaged
        chip: Any  # secure_element.ATECC608, or None without one

        @property
        def needs_chip(self) -> bool: ...  # the vault in use opens only with the chip

        def scan(self) -> int: ...
        def account(self, index: int) -> Any: ...
        def unlock(self, pin: str) -> bool: ...
        def check_pin(self, pin: str) -> bool: ...
        def create(self, pin: str) -> None: ...
        def commit(self, *, pin: Optional[str]) -> None: ...
        def lock(self) -> None: ...
        def wipe(self) -> None: ...

    class CodeList(Protocol):
        """The code list (``codes.Codes``), as other screens use it."""

        index: int  # the account on screen

        def forget(self) -> None: ...

except ImportError:
    pass


class Context:
    """Built once by the ``App``. Reads: ``vault``, ``guard`` (the PIN tries), ``clock``,
    ``preferences``, ``codes`` (the code list, the screen the token comes back to),
    ``canvas`` (None without a panel), ``demo``, ``profile`` (the board's name), ``now``
    (ms, this pass of the loop). Does: show a screen, ask a yes/no question, lock, type or
    advance a code, run the self-test."""

    def __init__(
        self,
        app: Any,  # only for what a screen may do, through the methods below
        vault: "Accounts",
        guard: "PinGuard",
        clock: "Clock",
        preferences: "Preferences",
        codes: "CodeList",
        canvas: "Optional[Canvas]",
        demo: bool,
        profile: str,
    ) -> None:
        self._app = app
        self.vault = vault
        self.guard = guard
        self.clock = clock
        self.preferences = preferences
        self.codes = codes
        self.canvas = canvas
        self.demo = demo
        self.profile = profile

    @property
    def now(self) -> int:
        return self._app.now

    def ms(self) -> int:
        """Milliseconds since power-on, read now (``now`` is the start of this pass)."""
        return self._app.ms()

    def show(self, screen: Any) -> None:
        """``screen`` becomes the current screen; it is drawn on this pass of the loop."""
        self._app.show(screen)

    def show_now(self, screen: Any) -> None:
        """Draw ``screen`` at once, before a slow step (deriving keys, writing flash)."""
        self._app.show_now(screen)

    def home(self) -> None:
        """Back to the codes (or SET TIME in their place)."""
        self._app.show(self.codes)

    def ask(self, question: tuple, destructive: bool = False) -> "Optional[bool]":
        """Ask on the screen and wait: True for B (held, when ``destructive``), False for A,
        None when nobody answers in time. The screen shown before comes back."""
        return self._app.confirm(question, destructive)

    def lock(self) -> None:
        """Forget the keys and ask for the PIN."""
        self._app.lock()

    def type_code(self, index: int) -> None:
        """Type account ``index``'s code on the USB keyboard (never while locked)."""
        self._app.type_code(index)

    def next_hotp(self, index: int) -> str:
        """Account ``index``'s next HOTP code; its counter is saved before it is returned."""
        return self._app.next_hotp(index)

    def self_test(self) -> None:
        """The self-test with someone at the token (each button is asked for)."""
        self._app.self_test(True)
