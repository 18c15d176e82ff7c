"""Python colour maps and node colours (mmphate_widget.widget.colormaps). That they equal the
front end's colours is checked in the browser, tests/browser/test_colors_match_python.py."""

import numpy as np
import pytest

from mmphate_widget.contract import CONTRACT
from mmphate_widget.widget import colormaps as cm


@pytest.mark.parametrize("name", ["VIRIDIS", "PLASMA", "TAB10", "TAB20"])
def test_palettes_are_the_contract_ones(name):
    expected = [int(color[1:], 16) for color in CONTRACT["colors"][name.lower()]]
    assert list(getattr(cm, name)) == expected


def test_missing_background_and_dim_amount_are_the_contract_ones():
    colors = CONTRACT["colors"]
    assert "#{:02x}{:02x}{:02x}".format(*cm.MISSING) == colors["missing"]
    assert "#{:02x}{:02x}{:02x}".format(*cm.BACKGROUND) == colors["background"]
    assert colors["dim_amount"] == cm.DIM_AMOUNT


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


def test_dim_moves_colours_the_contract_fraction_of_the_way_to_the_background():
    amount = CONTRACT["colors"]["dim_amount"]
    out = cm.dim(np.array([[255, 0, 100]], dtype=np.uint8), background=(0, 100, 100))
    np.testing.assert_allclose(out, [[255 * (1 - amount), 100 * amount, 100]], atol=0.5)
    assert out.dtype == np.uint8
