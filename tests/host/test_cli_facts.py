"""Facts the CLI keeps a copy of, because the host package is installed without the firmware:
each copy equals the firmware's own."""

from smartkey._cli import config
from smartkey_fw import keyboard


def test_config_offers_exactly_the_layouts_and_suffixes_the_token_has():
    assert config.LAYOUTS == keyboard.LAYOUTS
    assert config.SUFFIXES == keyboard.SUFFIXES
