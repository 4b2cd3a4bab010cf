"""`smartkey sim` live in a pseudo-terminal: it draws the OLED, answers keys, and its data
channel is a serial port another program can open."""

import codecs
import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

SMARTKEY = [sys.executable, "-P", "-c", "from smartkey._cli import main; main()"]
FRAME_TOP = "┌"
T0 = 1_700_000_000


class Terminal:
    """A child process on a pseudo-terminal, with the screen text it wrote so far."""

    def __init__(self, args, env):
        self.master, slave = pty.openpty()
        self.process = subprocess.Popen(
            args, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True
        )
        os.close(slave)
        self.output = ""
        # A read can end inside a multi-byte block character.
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")

    def read_until(self, predicate, timeout=30.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate(self.output):
                return self.output
            ready, _, _ = select.select([self.master], [], [], 0.2)
            if ready:
                try:
                    self.output += self._decoder.decode(os.read(self.master, 65536))
                except OSError:
                    break
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
