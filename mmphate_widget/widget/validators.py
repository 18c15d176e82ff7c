"""Validation of the widget's synced state traits.

Each function takes a proposed value and the bounds that depend on the fitted model, and returns
the normalised value or raises :class:`traitlets.TraitError` naming the bad value and the valid
range. :class:`mmphate_widget.widget.widget.MMPHATEWidget` calls them from its ``@validate`` hooks, so the
same rules apply to values set from Python and values sent by the browser.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
from traitlets import TraitError

from ..contract import CONTRACT

__all__ = [
    "CAMERA_DEFAULTS",
    "CLUSTER_MODES",
    "COLOR_BY",
    "POINT_SIZE_RANGE",
    "validate_camera",
    "validate_color_by",
    "validate_hovered_node",
    "validate_indices",
    "validate_nodes",
    "validate_play_speed",
    "validate_play_window",
    "validate_point_size",
    "validate_range",
]

# The allowed values, from contract.json (the front end clamps to the same ones).
COLOR_BY: tuple[str, ...] = tuple(CONTRACT["color_by"])
CLUSTER_MODES: tuple[str, ...] = tuple(CONTRACT["cluster_modes"])
POINT_SIZE_RANGE: tuple[float, float] = (
    float(CONTRACT["points"]["size_range"][0]),
    float(CONTRACT["points"]["size_range"][1]),
)
# Missing camera entries are filled from these, so the browser always gets all three vectors.
CAMERA_DEFAULTS = {key: [float(v) for v in CONTRACT["camera"][key]] for key in ("target", "up")}


def _as_int(value: Any, what: str) -> int:
    """Coerce an integer-valued number (int, numpy integer, integral float) to ``int``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TraitError(f"{what} must be an integer, got {value!r}")
    if isinstance(value, numbers.Integral):
        return int(value)
    if math.isfinite(value) and float(value).is_integer():
        return int(value)
    raise TraitError(f"{what} must be an integer, got {value!r}")


def _as_list(value: Any, name: str) -> list[Any]:
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        raise TraitError(f"{name} must be a list, got {value!r}")
    return list(value)


def validate_color_by(value: str, has_labels: bool) -> str:
    """Check a ``color_by`` value.

    Parameters
    ----------
    value : str
        One of :data:`COLOR_BY`.
    has_labels : bool
        Whether the model was fitted with labels; ``"label"`` is only valid then.

    Returns
    -------
    str
        The value.
    """
    if value not in COLOR_BY:
        raise TraitError(f"color_by must be one of {list(COLOR_BY)}, got {value!r}")
    if value == "label" and not has_labels:
        raise TraitError(
            "color_by='label' needs labels, but the model was fitted without them; "
            "pass labels= when fitting, or choose one of "
            f"{[c for c in COLOR_BY if c != 'label']}"
        )
    return value


def validate_range(value: Any, lo: int, hi: int, name: str) -> list[int]:
    """Check an inclusive ``[start, stop]`` range within ``[lo, hi]``.

    Parameters
    ----------
    value : sequence of 2 ints
        The proposed range.
    lo, hi : int
        The smallest and largest allowed values.
    name : str
        Trait name, for error messages.

    Returns
    -------
    list of 2 int
        ``[start, stop]`` with ``lo <= start <= stop <= hi``.
    """
    items = _as_list(value, name)
    if len(items) != 2:
        raise TraitError(f"{name} must be [start, stop] (2 integers), got {value!r}")
    start, stop = (_as_int(v, f"{name} entries") for v in items)
    if not (lo <= start <= hi and lo <= stop <= hi):
        raise TraitError(f"{name} must lie within [{lo}, {hi}], got {[start, stop]}")
    if start > stop:
        raise TraitError(f"{name} must have start <= stop, got {[start, stop]}")
    return [start, stop]


def validate_indices(value: Any, n: int, name: str) -> list[int]:
    """Check a list of indices in ``[0, n)``; duplicates are dropped, first occurrence kept.

    Parameters
    ----------
    value : iterable of int
        The proposed indices.
    n : int
        Number of valid indices.
    name : str
        Trait name, for error messages.

    Returns
    -------
    list of int
        The distinct indices, in the order given.
    """
    out: list[int] = []
    seen: set[int] = set()
    for item in _as_list(value, name):
        index = _as_int(item, f"{name} entries")
        if not 0 <= index < n:
            raise TraitError(f"{name} entries must lie in [0, {n - 1}], got {index}")
        if index not in seen:
            seen.add(index)
            out.append(index)
    return out


def validate_point_size(value: Any) -> float:
    """Check a point size in CSS pixels.

    Parameters
    ----------
    value : float
        The proposed size.

    Returns
    -------
    float
        The size, within :data:`POINT_SIZE_RANGE`.
    """
    lo, hi = POINT_SIZE_RANGE
    if isinstance(value, bool) or not (isinstance(value, numbers.Real) and lo <= value <= hi):
        raise TraitError(f"point_size must be a number in [{lo}, {hi}], got {value!r}")
    return float(value)


def _vector3(value: Any, key: str) -> list[float]:
    items = _as_list(value, f"camera[{key!r}]")
    if len(items) != 3 or not all(
        isinstance(v, numbers.Real) and not isinstance(v, bool) and math.isfinite(v) for v in items
    ):
        raise TraitError(f"camera[{key!r}] must be 3 finite numbers [x, y, z], got {value!r}")
    return [float(v) for v in items]


def validate_camera(value: Any) -> dict[str, list[float]]:
    """Check a camera dict.

    Parameters
    ----------
    value : dict
        ``{}`` (auto-fit) or ``{"position": [x, y, z], "target": [x, y, z], "up": [x, y, z]}``;
        ``target`` and ``up`` may be left out and default to :data:`CAMERA_DEFAULTS` (the
        contract's auto-fit target and up: the origin and +y).

    Returns
    -------
    dict
        ``{}`` or a dict with all three keys, as lists of floats.
    """
    if not isinstance(value, Mapping):
        raise TraitError(f"camera must be a dict, got {value!r}")
    if not value:
        return {}
    unknown = set(value) - {"position", "target", "up"}
    if unknown:
        raise TraitError(
            f"camera has unknown keys {sorted(map(str, unknown))}; "
            "allowed: 'position', 'target', 'up' (or {} to auto-fit)"
        )
    if "position" not in value:
        raise TraitError(f"camera needs a 'position' (or use {{}} to auto-fit), got {value!r}")
    camera = {**CAMERA_DEFAULTS, **value}
    camera = {key: _vector3(camera[key], key) for key in ("position", "target", "up")}
    if camera["position"] == camera["target"]:
        raise TraitError(f"camera position and target must differ, both are {camera['target']}")
    if not any(camera["up"]):
        raise TraitError("camera['up'] must not be the zero vector")
    return camera


def validate_hovered_node(value: Any, n_nodes: int) -> int:
    """Check a hovered node index (``-1`` for none).

    Parameters
    ----------
    value : int
        The proposed node.
    n_nodes : int
        Number of nodes N.

    Returns
    -------
    int
        The node, in ``[-1, N)``.
    """
    node = _as_int(value, "hovered_node")
    if not -1 <= node < n_nodes:
        raise TraitError(f"hovered_node must lie in [-1, {n_nodes - 1}], got {node}")
    return node


def validate_nodes(value: Any, n_nodes: int) -> np.ndarray:
    """Check a set of node indices (``selected_nodes``).

    Parameters
    ----------
    value : bytes or array-like of int
        Node indices: int32 little-endian bytes (as the browser sends them) or any integer
        array-like; ``None`` for none.
    n_nodes : int
        Number of nodes N.

    Returns
    -------
    ndarray of int64
        The distinct indices, sorted, read-only.
    """
    if value is None:
        nodes = np.zeros(0, dtype=np.int64)
    elif isinstance(value, (bytes, bytearray, memoryview)):
        data = bytes(value)
        if len(data) % 4:
            raise TraitError(
                f"selected_nodes as bytes must be int32 little-endian (a multiple of 4 bytes), got {len(data)} bytes"
            )
        nodes = np.frombuffer(data, dtype="<i4").astype(np.int64)
    else:
        if isinstance(value, (str, Mapping)):
            raise TraitError(f"selected_nodes must be an array of node indices, got {value!r}")
        array = np.asarray(value)
        if array.size == 0:
            array = array.astype(np.int64)
        if array.ndim != 1 or array.dtype.kind not in "iuf" or array.dtype == np.bool_:
            raise TraitError(
                f"selected_nodes must be a 1-D array of integer node indices, got {type(value).__name__} "
                f"of dtype {array.dtype} and shape {array.shape}"
            )
        if array.dtype.kind == "f" and not (np.isfinite(array).all() and (array == np.round(array)).all()):
            raise TraitError("selected_nodes must hold integers, got non-integral numbers")
        nodes = array.astype(np.int64)
    if len(nodes) and (nodes.min() < 0 or nodes.max() >= n_nodes):
        bad = int(nodes[(nodes < 0) | (nodes >= n_nodes)][0])
        raise TraitError(f"selected_nodes entries must lie in [0, {n_nodes - 1}], got {bad}")
    if len(nodes) > 1 and not (np.diff(nodes) > 0).all():
        nodes = np.unique(nodes)
    nodes.flags.writeable = False
    return nodes


def validate_play_window(value: Any) -> int:
    """Check ``play_window``: the epochs in the window that slides while playing, an integer >= 1."""
    window = _as_int(value, "play_window")
    if window < 1:
        raise TraitError(f"play_window must be at least 1 epoch, got {window}")
    return window


def validate_play_speed(value: Any) -> float:
    """Check ``play_speed``: epochs per second while playing, a finite number > 0."""
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not math.isfinite(value)
        or value <= 0
    ):
        raise TraitError(f"play_speed must be a positive number of epochs per second, got {value!r}")
    return float(value)
