"""Pairing this computer with a virtual board the way a user does (smartkey.pairing)."""

from click.testing import CliRunner

from board_helpers import hands_off
from smartkey._cli import main
from smartkey.clock import HostClock


def pair_board(board):
    """``smartkey pair``: the code compared, B pressed on the token, "y" typed here."""
    connection = board.connect()
    given = {"connect": lambda port: connection, "clock": HostClock(board.utc, board.step)}
    board.press_later("B", after=1.0)
    result = CliRunner().invoke(main, ["pair"], obj=given, input="y\n")
    assert result.exit_code == 0 and "Paired with token" in result.output, result.output
    hands_off(board)  # the user reads the result: the next question is not refused as busy
    return result
