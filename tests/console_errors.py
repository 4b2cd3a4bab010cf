"""Errors a virtual board's console shows that no assertion on its screen would notice.

The firmware's main loop turns any exception into an ERROR screen and one console line
(``smartkey_fw/app.py``), and the simulated CircuitPython reports a failing boot.py or a reset
into safe mode only on the console. conftest.py fails every test that ends with such a line on
any board it made, unless the test is marked ``@pytest.mark.console_errors("why")`` because it
provokes one on purpose.
"""

import re

# The main loop's "error: <type>", a traceback, "<Type>Error: message" (boot.py output), and
# CircuitPython's safe-mode banner.
ERROR_LINE = re.compile(
    r"^(error: \w+|Traceback \(most recent call last\):|\w+(Error|Exception): .*"
    r"|You are in safe mode because:)$",
    re.M,
)


def error_lines(console):
    return [match.group(0) for match in ERROR_LINE.finditer(console.replace("\r\n", "\n"))]


class BoardRecorder:
    """Every VirtualBoard made while it is installed, so their consoles can be read at the end."""

    def __init__(self, monkeypatch):
        from smartkey.sim.board import VirtualBoard

        self.boards = []
        made = VirtualBoard.__init__

        def recording_init(board, *args, **kwargs):
            made(board, *args, **kwargs)
            self.boards.append(board)

        monkeypatch.setattr(VirtualBoard, "__init__", recording_init)

    def errors(self):
        return [line for board in self.boards for line in error_lines(board.console)]
