"""Fakes of the CircuitPython modules the firmware imports.

Each module here is loaded afresh for every virtual board (see ``smartkey.sim.loader``), so two
boards never share state. They are small real classes that behave like the device, not mocks.
"""
