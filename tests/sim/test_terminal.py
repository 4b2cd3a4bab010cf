"""`smartkey sim` live in a pseudo-terminal: it draws the OLED, answers keys, and its data
channel is a serial port another program can open."""

import codecs
import os
import pty
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

SMARTKEY = [sys.executable, "-P", "-c", "from smartkey._cli import main; main()"]
FRAME_TOP = "┌"
T0 = 1_700_000_000


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
            self.output += self._decoder.decode(chunk)

    def read_until(self, predicate, timeout=30.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate(self.output):
                return self.output
            time.sleep(0.05)
        raise AssertionError("timed out; screen so far:\n" + self.output[-3000:])

    def send(self, text):
        os.write(self.master, text.encode())

    def close(self):
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(10)
        os.close(self.master)


def frames(output):
    """Each full OLED frame drawn so far (the text between the box corners)."""
    return re.findall(r"┌─+┐\n(.*?)└─+┘", output.replace("\r\n", "\n"), re.S)


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
    assert terminal.process.wait(10) == 0


def test_the_data_channel_is_a_serial_port_while_it_runs(sim):
    terminal, tmp_path = sim
    terminal.read_until(lambda out: "data channel:" in out)
    port_file = Path(tmp_path / "run" / "smartkey" / "sim-port")
    port = port_file.read_text().strip()
    assert port in terminal.output and os.path.exists(port)
    terminal.send("q")
    assert terminal.process.wait(10) == 0
    assert not port_file.exists()  # a stopped simulator is not advertised


def test_the_smartkey_cli_provisions_the_running_simulator(sim):
    """`smartkey sim` in one terminal, `smartkey add` in another, B pressed in the first."""
    terminal, tmp_path = sim
    terminal.read_until(lambda out: "data channel:" in out)
    terminal.send("cbcbcbcbcbcB")  # the demo PIN 123456, finished with a long B
    terminal.read_until(lambda out: "long press B" in out)
    time.sleep(2.0)  # the PIN check and the first code
    env = dict(os.environ, XDG_RUNTIME_DIR=str(tmp_path / "run"))
    uri = "otpauth://totp/GitHub:octocat?secret=JBSWY3DPEHPK3PXP&issuer=GitHub"
    add = subprocess.Popen(
        [*SMARTKEY, "add", uri], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        time.sleep(2.0)  # the question is on the token's screen now
        terminal.send("b")
        output, _ = add.communicate(timeout=40)
    finally:
        if add.poll() is None:
            add.kill()
    assert add.returncode == 0, output.decode()
    assert "Added 1 account; the token now holds 4." in output.decode()
    listing = subprocess.run(
        [*SMARTKEY, "list"], env=env, capture_output=True, text=True, timeout=40
    )
    assert listing.returncode == 0 and "octocat" in listing.stdout
    terminal.send("q")
    assert terminal.process.wait(10) == 0
