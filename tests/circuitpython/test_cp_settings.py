"""settings.toml values as CircuitPython's releases hand them over, read by the firmware on
CircuitPython's own core: integers and refusals up to 10.1, strings from 10.2.

``os.getenv`` here is a stand-in that answers as the release would (the unix core's own reads
the process environment); the parsing, the reading of settings.toml and the fallbacks run on
CircuitPython's interpreter.
"""

import pytest
from cp_runner import core_fixture

cp = core_fixture()

SETTINGS = """\
SMARTKEY_PIN_A = GP13  # bare: 9.x and 10.0-10.1 refuse it
SMARTKEY_DISPLAY_ADDRESS = 0x3D
SMARTKEY_DIM_AFTER = "045"
SMARTKEY_AUTOLOCK = soon
SMARTKEY_DEMO = true
"""
# What each release's getenv gives for the lines above: a value, or "refuse" (ValueError).
RELEASES = {
    "10.1": {
        "SMARTKEY_PIN_A": "refuse",
        "SMARTKEY_DISPLAY_ADDRESS": 0x3D,
        "SMARTKEY_DIM_AFTER": "045",
        "SMARTKEY_AUTOLOCK": "refuse",
        "SMARTKEY_DEMO": "refuse",
    },
    "10.2": {
        "SMARTKEY_PIN_A": "GP13",
        "SMARTKEY_DISPLAY_ADDRESS": "0x3D",
        "SMARTKEY_DIM_AFTER": "045",
        "SMARTKEY_AUTOLOCK": "soon",
        "SMARTKEY_DEMO": "true",
    },
}

READ = """
import sys


class _Os:
    def getenv(self, key, default=None):
        value = INPUT["getenv"].get(key)
        if value == "refuse":
            raise ValueError("invalid syntax for integer with base 0")
        return default if value is None else value


sys.modules["os"] = _Os()
from smartkey_fw import settings

settings._PATH = INPUT["path"]
done(
    [
        settings.text("PIN_A", "GP15"),
        settings.number("DISPLAY_ADDRESS", 0x3C, 0x08, 0x77),
        settings.number("DIM_AFTER", 30, 0, 3600),
        settings.number("AUTOLOCK", 300, 0, 86400),
        settings.number("DEMO", 0, 0, 1),
        settings.text("PROFILE", "pico"),
    ]
)
"""


@pytest.mark.parametrize("release", sorted(RELEASES))
def test_every_form_of_a_setting_reads_the_same_on_circuitpython(cp, tmp_path, release):
    toml = tmp_path / "settings.toml"
    toml.write_text(SETTINGS)
    got = cp.run(READ, {"getenv": RELEASES[release], "path": str(toml)})
    assert got == ["GP13", 0x3D, 45, 300, 1, "pico"]
