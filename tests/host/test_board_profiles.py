"""The board profiles have one source, the firmware's data module: the firmware, the virtual
board and ``smartkey deploy`` all read it."""

import ast

import pytest

from paths import ROOT
from smartkey import profiles
from smartkey.deploy import FIRMWARE_PACKAGE, known_board_ids
from smartkey.sim.board import PROFILES
from smartkey_fw import profile
from smartkey_fw import profiles as firmware_profiles

FIRMWARE = ROOT / FIRMWARE_PACKAGE
TABLE = profiles.read(FIRMWARE)
NO_PROFILE = "no_such_board"  # a board id no profile will ever name (a real one may get one)


def test_the_table_is_data_the_host_can_import_without_running_firmware_code():
    tree = ast.parse((FIRMWARE / profiles.MODULE).read_text())
    for node in tree.body:
        if isinstance(node, ast.Expr):  # the docstring
            continue
        assert isinstance(node, ast.Assign), ast.unparse(node)
        ast.literal_eval(node.value)  # raises on anything but a literal


@pytest.mark.parametrize("name", sorted(TABLE))
def test_the_firmware_picks_what_the_host_reads_for_each_board(name):
    for board_id in TABLE[name].board_ids:
        loaded = profile.load(board_id)
        assert loaded.pop("name") == name
        assert loaded == dict(TABLE[name].fields)


def test_every_field_of_the_table_reaches_the_firmware():
    fields = {field for field, *_ in firmware_profiles.FIELDS}
    assert set(profile.load("raspberry_pi_pico")) == fields | {"name"}


def test_an_unknown_board_gets_the_default_profile():
    assert profile.load(NO_PROFILE)["name"] == firmware_profiles.DEFAULT
    assert next(iter(TABLE)) == firmware_profiles.DEFAULT


def test_the_virtual_board_and_deploy_use_the_same_table():
    assert PROFILES == TABLE
    assert known_board_ids() == {board for p in TABLE.values() for board in p.board_ids}
    assert {"raspberry_pi_pico", "raspberry_pi_pico_w", "adafruit_feather_rp2040"} <= (
        known_board_ids()
    )
    assert TABLE["feather32"].display == (128, 32)
    assert TABLE["pico"].buttons == {"A": "GP13", "B": "GP14", "C": "GP15"}
