"""Fake of MicroPython's ``micropython`` module: ``const`` is the identity, as on the host."""


def const(value):
    return value


def opt_level(level=None):
    return 0
