"""The self-test: what a builder checks on a new token, from its menu or `smartkey selftest`.

RFC 4226/6238 vectors on every hash path the board has (its native hashlib and the pure-Python
SHAs), the real cost of a PIN unlock on this chip, the clock reading and ticking, a test pattern
on the display, and each button. Results are (name, ok, detail) tuples; nothing secret in them.
"""

from micropython import const

from smartkey_fw import kdf, otp

try:
    from typing import Any, Callable, List
except ImportError:
    pass

# RFC 6238 Appendix B at T = 59, 8 digits; RFC 4226 Appendix D counters 0 and 9.
_VECTORS = (
    ("sha1", b"12345678901234567890", "94287082"),
    ("sha256", b"12345678901234567890123456789012", "46119246"),
    ("sha512", b"1234567890" * 6 + b"1234", "90693936"),
)
_HOTP = (("755224", 0), ("520489", 9))
_KDF_PROBE = const(200)  # PBKDF2 iterations timed to estimate the unlock cost


def hashes(clock: "Callable[[], int]") -> "List[tuple]":
    """Every algorithm on the native path (where the chip has it) and on the fallback."""
    results = []
    for native in (True, False):
        otp.use_native(native)
        try:
            for algorithm, key, expected in _VECTORS:
                path = otp.backend(algorithm)
                if native and path != "native":
                    continue  # this chip has no native hash for it: the fallback row covers it
                started = clock()
                code = otp.totp(key, 59, 30, 8, algorithm)
                took = clock() - started
                results.append(
                    (
                        "%s %s" % (algorithm, path),
                        code == expected,
                        "%d ms per code" % took,
                    )
                )
        finally:
            otp.use_native(True)
    hotp_ok = all(otp.hotp(b"12345678901234567890", c) == code for code, c in _HOTP)
    results.append(("hotp rfc4226", hotp_ok, ""))
    return results


def unlock_cost(clock: "Callable[[], int]", iterations: int) -> tuple:
    """How long a PIN unlock takes here, measured on a short PBKDF2 run."""
    started = clock()
    kdf.pbkdf2_sha1(b"000000", b"selftest salt 16", _KDF_PROBE)
    per_iteration = (clock() - started) / 1000 / _KDF_PROBE
    seconds = per_iteration * iterations
    return ("pin unlock", seconds < 5, "%.2f s (%d iterations)" % (seconds, iterations))


def clock_ticks(clock: Any, pause: "Callable[[float], None]") -> tuple:
    """The DS3231 answers, is set, and its seconds move on."""
    first = clock.raw()
    if first is None:
        return ("clock", False, ("missing", "not set")[clock.status == 1])
    for _ in range(130):
        pause(0.01)
        if clock.raw() != first:
            return ("clock", True, "ticks")
    return ("clock", False, "does not tick")


def run(app: Any) -> "List[tuple]":
    """The tests that need no one at the token."""
    results = hashes(app.ms)
    from smartkey_fw import vault

    results.append(unlock_cost(app.ms, vault.ITERATIONS))
    results.append(clock_ticks(app.clock, app.pause))
    display = app.hw.display
    results.append(("display", display is not None, "shown" if display else "missing"))
    for problem in app.hw.problems:
        results.append(("hardware", False, problem))
    return results
