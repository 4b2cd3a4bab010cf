"""Simulated time: the firmware runs only while the simulator lets it.

The firmware (boot.py, then code.py's endless loop) runs in a thread of its own, but never at the
same time as the simulator: it runs until it sleeps, then hands control back. ``advance(dt)``
wakes it at each of its sleep deadlines inside the window, so a run is deterministic and as fast
as the host can compute, whatever the firmware's sleep lengths.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

# A firmware thread that computes this long (real seconds) without sleeping is stuck.
_STUCK_AFTER = 60.0


class PowerOff(BaseException):
    """Raised inside the firmware thread to stop it (power cut, reset). A BaseException, so the
    firmware's own ``except Exception`` handlers cannot swallow it."""


class Scheduler:
    def __init__(self) -> None:
        self.now = 0.0  # simulated seconds since the scheduler was made
        self._wake_at: float | None = None
        self._firmware_turn = threading.Event()
        self._simulator_turn = threading.Event()
        self._thread: threading.Thread | None = None
        self._stopping = False
        self._error: BaseException | None = None
        self.finished = True

    @property
    def running(self) -> bool:
        return not self.finished

    def start(self, target: Callable[[], None]) -> None:
        """Start ``target`` (the firmware) and run it until its first sleep."""
        self.stop()
        self._stopping = False
        self._error = None
        self.finished = False
        self._wake_at = self.now
        self._thread = threading.Thread(target=self._main, args=(target,), daemon=True)
        self._simulator_turn.clear()
        self._firmware_turn.clear()
        self._thread.start()
        self._wait_for_firmware_to_yield()

    def _main(self, target: Callable[[], None]) -> None:
        self._firmware_turn.wait()
        self._firmware_turn.clear()
        try:
            if not self._stopping:
                target()
        except PowerOff:
            pass
        except BaseException as error:  # handed to the simulator, which re-raises it
            self._error = error
        finally:
            self.finished = True
            self._simulator_turn.set()

    def sleep(self, seconds: float) -> None:
        """Called by the firmware: block until simulated time reaches now + seconds."""
        if self._stopping:
            raise PowerOff
        self._wake_at = self.now + max(0.0, seconds)
        self._simulator_turn.set()
        self._firmware_turn.wait()
        self._firmware_turn.clear()
        if self._stopping:
            raise PowerOff

    def advance(self, seconds: float) -> None:
        """Let ``seconds`` of simulated time pass, running the firmware at each of its wake-ups."""
        target = self.now + seconds
        while not self.finished and self._wake_at is not None and self._wake_at <= target:
            self.now = max(self.now, self._wake_at)
            self._wait_for_firmware_to_yield()
        self.now = max(self.now, target)

    def _wait_for_firmware_to_yield(self) -> None:
        self._simulator_turn.clear()
        self._firmware_turn.set()
        if not self._simulator_turn.wait(_STUCK_AFTER):
            raise RuntimeError(f"the firmware ran for {_STUCK_AFTER:.0f} s without sleeping")
        error, self._error = self._error, None
        if error is not None:
            raise error

    def stop(self) -> None:
        """Cut the power: the firmware thread ends at its next sleep (or now, if it sleeps)."""
        if self._thread is None:
            return
        self._stopping = True
        if not self.finished:
            self._simulator_turn.clear()
            self._firmware_turn.set()
            self._simulator_turn.wait(_STUCK_AFTER)
        self._thread.join(_STUCK_AFTER)
        self._thread = None
        self._error = None
