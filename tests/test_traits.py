"""Validation rules of the widget's synced state traits (mmphate_widget.widget.validators)."""

import re

import numpy as np
import pytest
from traitlets import TraitError

from mmphate_widget.contract import CONTRACT
from mmphate_widget.widget import validators as checks

SIZE_MIN, SIZE_MAX = checks.POINT_SIZE_RANGE


def test_allowed_values_are_the_contract_ones():
    assert tuple(CONTRACT["color_by"]) == checks.COLOR_BY
    assert tuple(CONTRACT["cluster_modes"]) == checks.CLUSTER_MODES
    assert tuple(CONTRACT["points"]["size_range"]) == checks.POINT_SIZE_RANGE
    camera = CONTRACT["camera"]
    assert {"target": camera["target"], "up": camera["up"]} == checks.CAMERA_DEFAULTS


def test_color_by_accepts_every_mode_and_label_only_with_labels():
    for mode in checks.COLOR_BY:
        assert checks.validate_color_by(mode, has_labels=True) == mode
    with pytest.raises(TraitError, match="needs labels"):
        checks.validate_color_by("label", has_labels=False)
    with pytest.raises(TraitError, match="'colour'"):
        checks.validate_color_by("colour", has_labels=True)


def test_range_normalises_to_two_python_ints():
    assert checks.validate_range((np.int64(2), 5.0), 1, 11, "epoch_range") == [2, 5]
    assert checks.validate_range([3, 3], 1, 11, "epoch_range") == [3, 3]
    assert all(type(v) is int for v in checks.validate_range(np.array([1, 2]), 0, 4, "r"))


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ([0, 5], r"within \[1, 11\], got \[0, 5\]"),
        ([2, 12], r"within \[1, 11\], got \[2, 12\]"),
        ([6, 4], r"start <= stop, got \[6, 4\]"),
        ([1, 2, 3], "2 integers"),
        ([1.5, 2], "integer, got 1.5"),
        ([True, 2], "integer, got True"),
        ("15", "must be a list"),
        (5, "must be a list"),
    ],
)
def test_range_rejects_with_the_bad_value_and_valid_range(value, message):
    with pytest.raises(TraitError, match=message):
        checks.validate_range(value, 1, 11, "epoch_range")


def test_indices_drop_duplicates_and_keep_order():
    assert checks.validate_indices([3, 1, 3, np.int32(0)], 8, "selected_units") == [3, 1, 0]
    assert checks.validate_indices([], 8, "selected_units") == []


@pytest.mark.parametrize("value", [[8], [-1], [0, 9]])
def test_indices_out_of_range_name_the_range(value):
    with pytest.raises(TraitError, match=r"selected_units entries must lie in \[0, 7\]"):
        checks.validate_indices(value, 8, "selected_units")


@pytest.mark.parametrize("value", [SIZE_MIN, 3, SIZE_MAX])
def test_point_size_in_range(value):
    assert checks.validate_point_size(value) == float(value)


@pytest.mark.parametrize("value", [SIZE_MIN - 0.1, SIZE_MAX + 1, float("nan"), "3", True])
def test_point_size_out_of_range(value):
    message = re.escape(f"point_size must be a number in [{SIZE_MIN}, {SIZE_MAX}]")
    with pytest.raises(TraitError, match=message):
        checks.validate_point_size(value)


def test_camera_fills_defaults_and_coerces_floats():
    assert checks.validate_camera({}) == {}
    assert checks.validate_camera({"position": (0, 0, 3)}) == {
        "position": [0.0, 0.0, 3.0],
        **checks.CAMERA_DEFAULTS,
    }
    full = {"position": [1, 2, 3], "target": [0, 1, 0], "up": [0, 0, 1]}
    assert checks.validate_camera(full) == {k: [float(x) for x in v] for k, v in full.items()}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"pos": [0, 0, 1]}, r"unknown keys \['pos'\]"),
        ({"target": [0, 0, 0]}, "needs a 'position'"),
        ({"position": [0, 0]}, "3 finite numbers"),
        ({"position": [0, 0, float("inf")]}, "3 finite numbers"),
        ({"position": [0, 0, 0]}, "position and target must differ"),
        ({"position": [0, 0, 1], "up": [0, 0, 0]}, "zero vector"),
        ([0, 0, 1], "must be a dict"),
    ],
)
def test_camera_rejects(value, message):
    with pytest.raises(TraitError, match=message):
        checks.validate_camera(value)


def test_hovered_node_range():
    assert checks.validate_hovered_node(-1, 10) == -1
    assert checks.validate_hovered_node(9, 10) == 9
    with pytest.raises(TraitError, match=r"\[-1, 9\], got 10"):
        checks.validate_hovered_node(10, 10)
