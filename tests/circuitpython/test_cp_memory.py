"""RAM on CircuitPython's core: the firmware and the drivers imported, a 250-account vault
unlocked and every code computed, as sources and as the .mpy files ``smartkey deploy`` makes.
``make bench`` reports the numbers (bench/circuitpython.py)."""

import pytest
from cp_memory import ACCOUNTS, IMPORT_SCRIPT, NOW, SCRIPT, measure, prepare
from cp_runner import core_fixture

import real_cp
from smartkey_fw import otp

cp = core_fixture()
# Free heap when code.py starts: a Pico on CircuitPython 10.1.4 (measured, see the README); a
# Pico W on 9.x has about 126 KB, which this measure says is not enough for 250 accounts.
PICO_10_FREE = 186 * 1024


@pytest.fixture(scope="module", params=["py", "mpy"])
def workload(request, tmp_path_factory):
    mpy_cross = None
    if request.param == "mpy":
        mpy_cross = real_cp.require(real_cp.MPY_CROSS) / real_cp.MPY_CROSS
    return prepare(tmp_path_factory.mktemp(request.param), mpy_cross)


def test_250_accounts_unlock_and_give_their_codes(cp, workload):
    inputs, path = workload
    result = measure(cp, inputs, path, "1M")
    assert result["count"] == ACCOUNTS
    expected = [
        otp.totp(bytes((i + j) & 0xFF for j in range(20)), NOW) for i in range(len(result["codes"]))
    ]
    assert result["codes"] == expected
    used = result["used"]
    # Each stage keeps what it loaded; the vault holds one record at a time, so 250 accounts
    # add little to what unlocking needs.
    assert 0 < used["firmware"] < used["drivers"] < used["vault"]
    assert used["vault"] - used["drivers"] < 24 * 1024


def test_the_whole_run_fits_the_heap_a_pico_has_on_circuitpython_10(cp, workload):
    inputs, path = workload
    assert cp.fits(SCRIPT, inputs, PICO_10_FREE, path)
    # and the measure can fail: far too small a heap does not fit
    assert not cp.fits(SCRIPT, inputs, 64 * 1024, path)


def test_the_compiled_firmware_imports_in_a_heap_its_sources_do_not(cp, tmp_path):
    # Why `smartkey deploy` ships .mpy: a board compiling the sources at import needs the
    # parser's memory on top (about 79 KB against 62 KB here; smaller modules, a smaller peak).
    mpy_cross = real_cp.require(real_cp.MPY_CROSS) / real_cp.MPY_CROSS
    sources = prepare(tmp_path / "py")
    compiled = prepare(tmp_path / "mpy", mpy_cross)
    assert cp.fits(IMPORT_SCRIPT, compiled[0], 72 * 1024, compiled[1])
    assert not cp.fits(IMPORT_SCRIPT, sources[0], 72 * 1024, sources[1])
