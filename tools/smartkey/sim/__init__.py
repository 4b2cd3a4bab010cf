"""The virtual board: smartkey's firmware on emulated hardware (see ``VirtualBoard``)."""

from smartkey.sim.board import VirtualBoard

__all__ = ["VirtualBoard"]
