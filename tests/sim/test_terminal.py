"""`smartkey sim` live in a pseudo-terminal: it draws the OLED, answers keys, and its data
channel is a serial port another program can open."""

import codecs
import functools
import os
import pty
import re
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

import pytest

from board_helpers import ALICE_TOTP
from oled_text import read_lines
from smartkey._cli.accounts import SECURE_ELEMENT
from smartkey.device import DeviceError, Token
from smartkey.transport import open_port

SMARTKEY = [sys.executable, "-P", "-c", "from smartkey._cli import main; main()"]
FRAME_TOP = "┌"
T0 = 1_700_000_000
# Generous bounds on waits for an event: they only limit how long a failure takes to show.
EXIT_TIMEOUT = 60


class Terminal:
    """A child process on a pseudo-terminal; a thread keeps reading what it draws (a program
    whose terminal is not read blocks once the buffer is full, as a real one would)."""

    def __init__(self, args, env):
        self.master, slave = pty.openpty()
        self.process = subprocess.Popen(
            args, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True
        )
        os.close(slave)
        self.output = ""
        self._changed = threading.Condition()
        # A read can end inside a multi-byte block character.
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            with self._changed:
                self.output += self._decoder.decode(chunk)
                self._changed.notify_all()

    def read_until(self, predicate, timeout=60.0):
        """Wait until what the program drew so far satisfies ``predicate``; the timeout only
        bounds a failure, so it is generous."""
        with self._changed:
            if not self._changed.wait_for(lambda: predicate(self.output), timeout):
                raise AssertionError("timed out; screen so far:\n" + self.output[-3000:])
            return self.output

    def send(self, text):
        os.write(self.master, text.encode())

    def close(self):
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(EXIT_TIMEOUT)
        os.close(self.master)


def frames(output):
    """Each full OLED frame drawn so far (the text between the box corners)."""
    return re.findall(r"┌─+┐\n(.*?)└─+┘", output.replace("\r\n", "\n"), re.S)


def screens(output):
    """Each redraw so far: the OLED in half blocks and the simulated clock on the status line."""
    drawn = re.findall(
        r"┌─+┐\n(.*?)└─+┘\n.*?data channel: \S+ +(\S+ \S+) UTC", output.replace("\r\n", "\n"), re.S
    )
    return [("\n".join(line[1:-1] for line in box.splitlines()), clock) for box, clock in drawn]


@functools.cache
def texts(box):
    """The lines of text on a frame (tests/oled_text.py reads them off the pixels)."""
    return tuple(text for _top, _scale, text in read_lines(panel_of(box)))


def is_question(box):
    """The frame is one of the token's questions to the host's user: its title reads CONFIRM,
    whatever the question and its pages."""
    return "CONFIRM" in texts(box)


def shown_for_a_second(output, showing=is_question):
    """A frame that ``showing`` accepts is on the screen, and the simulated clock has ticked
    twice since one appeared: more than a second of the token's time has passed with it."""
    drawn = screens(output)
    clocks = {clock for box, clock in drawn if showing(box)}
    return len(clocks) >= 3 and showing(drawn[-1][0])


def wait_for_screen(terminal, title):
    """Until a screen with ``title`` in a line has been readable for a second."""
    start = len(terminal.output)
    titled = lambda box: any(title in line for line in texts(box))  # noqa: E731
    terminal.read_until(lambda out: shown_for_a_second(out[start:], titled))


def answer_the_next_question(terminal, key="b"):
    """Press ``key`` (B; "B" holds it, as what cannot be undone asks) on the next question the
    simulator draws, once it has been readable for half a second (a press counts only then)."""
    start = len(terminal.output)
    terminal.read_until(lambda out: shown_for_a_second(out[start:]))
    terminal.send(key)


def wait_until_unlocked(port, timeout=60.0):
    """Ask the token over its data channel until it reports itself unlocked."""
    deadline = time.monotonic() + timeout
    with open_port(port) as connection:
        token = Token(connection)
        while time.monotonic() < deadline:
            try:
                if not token.info()["locked"]:
                    return
            except DeviceError as error:  # busy deriving the keys: the reply comes later
                assert error.code == "no-answer", error
    raise AssertionError("the token did not unlock")


@pytest.fixture
def sim(tmp_path):
    env = dict(os.environ, XDG_RUNTIME_DIR=str(tmp_path / "run"), XDG_DATA_HOME=str(tmp_path))
    terminal = Terminal([*SMARTKEY, "sim", "--utc", str(T0), "--drive", str(tmp_path / "d")], env)
    yield terminal, tmp_path
    terminal.close()


def test_sim_draws_the_oled_and_answers_a_key_press(sim):
    terminal, _ = sim
    terminal.read_until(lambda out: len(frames(out)) >= 1 and "data channel:" in out)
    before = frames(terminal.output)[-1]  # the PIN entry: nothing on it moves by itself
    terminal.send("c")  # C: the digit goes from 0 to 1
    terminal.read_until(lambda out: "pressed C" in out and frames(out)[-1] != before)
    terminal.send("q")
    assert terminal.process.wait(EXIT_TIMEOUT) == 0


def test_the_data_channel_is_a_serial_port_while_it_runs(sim):
    terminal, tmp_path = sim
    terminal.read_until(lambda out: "data channel:" in out)
    port_file = Path(tmp_path / "run" / "smartkey" / "sim-port")
    port = port_file.read_text().strip()
    assert port in terminal.output and os.path.exists(port)
    terminal.send("q")
    assert terminal.process.wait(EXIT_TIMEOUT) == 0
    assert not port_file.exists()  # a stopped simulator is not advertised


def test_the_smartkey_cli_provisions_the_running_simulator(sim):
    """`smartkey sim` in one terminal, `smartkey add` in another, B pressed in the first."""
    terminal, tmp_path = sim
    terminal.read_until(lambda out: "data channel:" in out)
    port = (tmp_path / "run" / "smartkey" / "sim-port").read_text().strip()
    terminal.send("cbcbcbcbcbcB")  # the demo PIN 123456, finished with a long B
    terminal.read_until(lambda out: "long press B" in out)
    wait_until_unlocked(port)
    output = pair_and_add(terminal, tmp_path)
    assert "Added 1 account; the token now holds 4." in output
    terminal.send("q")
    assert terminal.process.wait(EXIT_TIMEOUT) == 0


def pair_and_add(terminal, tmp_path):
    """`smartkey pair`, then `smartkey add` of octocat's account, each confirmed with B in the
    simulator, then `smartkey list` shows it; what `add` printed."""
    env = dict(os.environ, XDG_RUNTIME_DIR=str(tmp_path / "run"))
    # First this computer pairs with the token: B in the simulator, "y" here.
    pair = subprocess.Popen(
        [*SMARTKEY, "pair"], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        answer_the_next_question(terminal)
        output, _ = pair.communicate(b"y\n", timeout=60)
    finally:
        if pair.poll() is None:
            pair.kill()
    assert pair.returncode == 0 and b"Paired with token" in output, output.decode()
    uri = "otpauth://totp/GitHub:octocat?secret=JBSWY3DPEHPK3PXP&issuer=GitHub"
    add = subprocess.Popen(
        [*SMARTKEY, "add", uri], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        answer_the_next_question(terminal)
        output, _ = add.communicate(timeout=60)
    finally:
        if add.poll() is None:
            add.kill()
            print("smartkey add said:", add.communicate()[0].decode())  # shown on a failure
    assert add.returncode == 0, output.decode()
    listing = subprocess.run(
        [*SMARTKEY, "list"], env=env, capture_output=True, text=True, timeout=60
    )
    assert listing.returncode == 0 and "octocat" in listing.stdout
    return output.decode()


def test_sim_with_the_secure_element_sets_the_chip_up_and_unlocks_through_it(tmp_path):
    """`smartkey sim --secure-element` the first time: a new token (no demo accounts), the
    chip's question after the PIN, then pair and add from the CLI; `smartkey info` says the
    vault needs the chip, and the next run unlocks through it."""
    env = dict(os.environ, XDG_RUNTIME_DIR=str(tmp_path / "run"), XDG_DATA_HOME=str(tmp_path))
    args = [*SMARTKEY, "sim", "--secure-element", "--utc", str(T0)]
    terminal = Terminal(args, env)
    try:
        wait_for_screen(terminal, "NEW TOKEN")
        terminal.send("b" + "cbcbcbcbcbcB" * 2)  # past the screen, then PIN 123456 twice
        answer_the_next_question(terminal, "B")  # set up the chip: held B, what cannot be undone
        wait_for_screen(terminal, "PIN SET")
        terminal.send("b")
        output = pair_and_add(terminal, tmp_path)
        assert "Added 1 account; the token now holds 1." in output  # no demo accounts
        info = subprocess.run(
            [*SMARTKEY, "info"], env=env, capture_output=True, text=True, timeout=60
        )
        assert SECURE_ELEMENT["in-use"] in " ".join(info.stdout.split()), info.stdout
        terminal.send("q")
        assert terminal.process.wait(EXIT_TIMEOUT) == 0
    finally:
        terminal.close()
    chip = tmp_path / "smartkey" / "sim-pico-atecc608.atecc608"  # the EEPROM, beside the drive
    assert chip.stat().st_size > 0
    terminal = Terminal(args, env)
    try:
        wait_for_screen(terminal, "PIN")  # the PIN entry, after the chip was found at boot
        port = (tmp_path / "run" / "smartkey" / "sim-port").read_text().strip()
        terminal.send("cbcbcbcbcbcB")
        wait_until_unlocked(port)
        terminal.send("q")
        assert terminal.process.wait(EXIT_TIMEOUT) == 0
    finally:
        terminal.close()


# -- the README's demo, as a newcomer follows it -----------------------------------------------

README = Path(__file__).resolve().parents[2] / "README.md"
PIXELS = {" ": (0, 0), "▀": (1, 0), "▄": (0, 1), "█": (1, 1)}
FAINT_BOX = "\x1b[2m┌"


def readme_demo_keys():
    """The keys the README's "Try it" section says to press for the demo PIN, in its order."""
    text = " ".join(README.read_text().split())
    sentence = text.split("the demo PIN **123456**:", 1)[1].split("(see", 1)[0]
    return "".join(re.findall(r"`(.)`", sentence))


def panel_of(box):
    """The OLED pixel rows of a frame the terminal drew in half blocks."""
    rows = []
    for line in box.splitlines():
        pairs = [PIXELS[char] for char in line]
        rows += [[top for top, _ in pairs], [bottom for _, bottom in pairs]]
    return rows


def shows_alices_code(output):
    """The last redraw shows the first demo account's code for the simulated time on the
    status line (or a second before: the screen follows the clock within 0.1 s)."""
    drawn = screens(output)
    if not drawn:
        return False
    box, clock = drawn[-1]
    large = [text for _top, scale, text in read_lines(panel_of(box)) if scale > 1]
    utc = int(datetime.fromisoformat(clock.replace(" ", "T") + "+00:00").timestamp())
    return [code.replace(" ", "") for code in large] in (
        [ALICE_TOTP.at(utc)],
        [ALICE_TOTP.at(utc - 1)],
    )


def light(output):
    """What the status line of the last redraw says of the screen: bright, dim or dark."""
    found = re.findall(r"UTC +screen (\w+)", output)
    return found[-1] if found else ""


@pytest.mark.parametrize(("skips", "seen"), [(4, "dim"), (13, "dark")], ids=["40s", "130s"])
def test_the_readme_demo_unlocks_after_any_pause(tmp_path, skips, seen):
    """`make sim` on a first run, a pause past the dim (30 s) or dark (2 min) timeout, made with
    the simulator's own `>` key so the firmware lives through it as through a real wait, then
    exactly the keys the README gives: the first demo account's code appears."""
    keys = readme_demo_keys()
    assert keys == "Acbcbcbcbcbc" + "B"
    env = dict(os.environ, XDG_RUNTIME_DIR=str(tmp_path / "run"), XDG_DATA_HOME=str(tmp_path))
    terminal = Terminal([*SMARTKEY, "sim"], env)  # what `make sim` runs
    try:
        terminal.read_until(lambda out: "data channel:" in out and light(out) == "bright")
        terminal.send(">" * skips)
        terminal.read_until(lambda out: light(out) == seen)
        assert FAINT_BOX in terminal.output.rsplit("data channel:", 2)[-2]  # drawn faint
        terminal.send(keys)
        terminal.read_until(shows_alices_code)
        assert light(terminal.output) == "bright"
        terminal.send("q")
        assert terminal.process.wait(EXIT_TIMEOUT) == 0
    finally:
        terminal.close()
