"""Python colour maps and node colours match the front end's (mmphate_widget.widget.colormaps)."""

import re
from pathlib import Path

import numpy as np
import pytest

from mmphate_widget.widget import colormaps as cm

JS_SRC = Path(__file__).resolve().parents[1] / "js" / "src"


def _ts_constant(text: str, name: str) -> list[int]:
    """Hex colours of a constant in colormaps.ts (a bare array or a map's `stops`)."""
    match = re.search(rf"export const {name}\b[^=]*=\s*(\{{[^}}]*\}}|\[[^\]]*\])", text, re.S)
    assert match, f"{name} not found in colormaps.ts"
    return [int(h, 16) for h in re.findall(r"0x([0-9a-fA-F]{6})", match.group(1))]


@pytest.mark.parametrize("name", ["VIRIDIS", "PLASMA", "TAB10", "TAB20"])
def test_palettes_equal_the_front_end_ones(name):
    text = (JS_SRC / "colormaps.ts").read_text()
    assert list(getattr(cm, name)) == _ts_constant(text, name)


def test_missing_background_and_dim_amount_equal_the_front_end_ones():
    colormaps_ts = (JS_SRC / "colormaps.ts").read_text()
    missing = re.search(r"export const MISSING: RGB = \[(\d+), (\d+), (\d+)\]", colormaps_ts)
    assert tuple(int(v) for v in missing.groups()) == cm.MISSING
    points_ts = (JS_SRC / "points.ts").read_text()
    assert f"mix(color, uBackground, {cm.DIM_AMOUNT})" in points_ts
    styles_ts = (JS_SRC / "styles.ts").read_text()
    background = re.search(
        r"export const BACKGROUND[^=]*= \[0x(\w\w), 0x(\w\w), 0x(\w\w)\]", styles_ts
    )
    assert tuple(int(v, 16) for v in background.groups()) == cm.BACKGROUND


def test_sample_interpolates_between_stops_and_marks_nan():
    stops = (0x000000, 0x0000FF, 0xFFFFFF)
    out = cm.sample(stops, [0.0, 0.25, 0.5, 1.0, 2.0, -1.0, np.nan])
    expected = [
        [0, 0, 0],
        [0, 0, 128],
        [0, 0, 255],
        [255, 255, 255],
        [255, 255, 255],
        [0, 0, 0],
        cm.MISSING,
    ]
    np.testing.assert_array_equal(out, expected)
    assert out.dtype == np.uint8


def test_categorical_cycles_and_marks_negative_ids():
    out = cm.categorical(cm.TAB10, [0, 10, 11, -1])
    np.testing.assert_array_equal(
        out, [[0x1F, 0x77, 0xB4], [0x1F, 0x77, 0xB4], [0xFF, 0x7F, 0x0E], cm.MISSING]
    )


def test_dim_moves_colours_most_of_the_way_to_the_background():
    out = cm.dim(np.array([[255, 0, 100]], dtype=np.uint8), background=(0, 100, 100))
    np.testing.assert_array_equal(out, [[71, 72, 100]])
