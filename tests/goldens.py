"""Golden images of the OLED: each screen, as the emulated SSD1306 shows it, against a PNG in
tests/golden/ that was looked at once and committed.

The PNGs are one image pixel per panel pixel, black and white, so a comparison is exact and a
diff in review shows the pixels that moved. ``make golden`` (``SMARTKEY_GOLDEN=update``) writes
them again from the current firmware; look at what changed before committing.
"""

import os
from pathlib import Path

from PIL import Image

GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("SMARTKEY_GOLDEN") == "update"
ZOOM = 4  # the actual and diff images written on a mismatch, for looking at


def frame_image(rows):
    """Pixel rows (0 or 1) as a 1-bit image."""
    height, width = len(rows), len(rows[0])
    image = Image.new("1", (width, height))
    image.putdata([255 if pixel else 0 for row in rows for pixel in row])
    return image


def read_golden(path):
    """A golden PNG as pixel rows (0 or 1)."""
    with Image.open(path) as image:
        grey = image.convert("L")
        width, height = grey.size
        data = grey.tobytes()
    return [[1 if data[y * width + x] >= 128 else 0 for x in range(width)] for y in range(height)]


def _diff_image(expected, actual):
    """Both frames in one picture: unchanged lit pixels grey, pixels only in the golden image
    red, pixels only on the panel now green."""
    height, width = len(actual), len(actual[0])
    image = Image.new("RGB", (width, height))
    colours = {
        (0, 0): (0, 0, 0),
        (1, 1): (110, 110, 110),
        (1, 0): (255, 40, 40),
        (0, 1): (40, 255, 40),
    }
    image.putdata(
        [
            colours[(e, a)]
            for erow, arow in zip(expected, actual, strict=True)
            for e, a in zip(erow, arow, strict=True)
        ]
    )
    return image.resize((width * ZOOM, height * ZOOM), Image.Resampling.NEAREST)


def assert_golden(rows, name, out_dir):
    """``rows`` (the panel now) equal tests/golden/``name``.png pixel for pixel; on a mismatch
    the actual frame and a diff are written to ``out_dir`` and the message says where."""
    path = GOLDEN / (name + ".png")
    rows = [list(row) for row in rows]
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        frame_image(rows).save(path, optimize=True)
        return
    assert path.exists(), f"no golden image {path}: run `make golden`, then look at it"
    expected = read_golden(path)
    if expected == rows:
        return
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    actual_path = out_dir / (name + ".actual.png")
    diff_path = out_dir / (name + ".diff.png")
    frame_image(rows).resize(
        (len(rows[0]) * ZOOM, len(rows) * ZOOM), Image.Resampling.NEAREST
    ).save(actual_path)
    if len(expected) == len(rows) and len(expected[0]) == len(rows[0]):
        _diff_image(expected, rows).save(diff_path)
        count = sum(
            e != a
            for erow, arow in zip(expected, rows, strict=True)
            for e, a in zip(erow, arow, strict=True)
        )
        what = f"{count} of {len(rows) * len(rows[0])} pixels differ"
    else:
        what = f"the size differs ({len(expected[0])}x{len(expected)} golden)"
    raise AssertionError(
        f"{name}: {what} from {path}; the panel now: {actual_path}, the difference (red: only "
        f"in the golden image, green: only now): {diff_path}. If the change is intended, run "
        "`make golden` and look at the new image before committing it."
    )
