"""Colour maps and per-node colours, computed as the front end computes them (``js/src/colors.ts``).

Used where Python draws the cloud itself (:meth:`MMPHATEWidget.to_pythreejs`) and reports the
colours (:meth:`MMPHATEWidget.colors`), so an export shows the colours the widget shows. The maps,
palettes, background and dim amount are read from ``contract.json``, which the front end bundles.
Colours are sRGB bytes; sequential maps are linear interpolation between their stops, categorical
palettes cycle. ``tests/browser/test_colors_match_python.py`` checks them against the browser's.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..contract import CONTRACT
from .wire import n_classes

__all__ = [
    "BACKGROUND",
    "DIM_AMOUNT",
    "MISSING",
    "PLASMA",
    "TAB10",
    "TAB20",
    "VIRIDIS",
    "categorical",
    "dim",
    "node_colors",
    "sample",
]


def _hex(color: str) -> int:
    """``"#rrggbb"`` as ``0xRRGGBB``."""
    return int(color[1:], 16)


def _triple(color: str) -> tuple[int, int, int]:
    """``"#rrggbb"`` as sRGB bytes."""
    value = _hex(color)
    return ((value >> 16) & 255, (value >> 8) & 255, value & 255)


_COLORS = CONTRACT["colors"]
# Sequential maps (stops) and categorical palettes, as 0xRRGGBB.
VIRIDIS: tuple[int, ...] = tuple(map(_hex, _COLORS["viridis"]))
PLASMA: tuple[int, ...] = tuple(map(_hex, _COLORS["plasma"]))
TAB10: tuple[int, ...] = tuple(map(_hex, _COLORS["tab10"]))
TAB20: tuple[int, ...] = tuple(map(_hex, _COLORS["tab20"]))
# Colour of missing (NaN) values.
MISSING: tuple[int, int, int] = _triple(_COLORS["missing"])
# The widget's background, and how far dimmed points (other clusters in highlight mode, other
# units while some are selected) fade towards it.
BACKGROUND: tuple[int, int, int] = _triple(_COLORS["background"])
DIM_AMOUNT: float = float(_COLORS["dim_amount"])


def _rgb(hex_colors: tuple[int, ...]) -> np.ndarray:
    arr = np.asarray(hex_colors, dtype=np.int64)
    return np.stack([(arr >> 16) & 255, (arr >> 8) & 255, arr & 255], axis=1).astype(np.float64)


def sample(stops: tuple[int, ...], t: Any) -> np.ndarray:
    """Sample a sequential map, like ``sample`` in ``colormaps.ts``.

    Parameters
    ----------
    stops : tuple of int
        The map's stops as 0xRRGGBB, e.g. :data:`VIRIDIS`.
    t : array-like of float
        Positions in [0, 1] (clamped); NaN gives :data:`MISSING`.

    Returns
    -------
    ndarray of shape t.shape + (3,), uint8
        sRGB colours.
    """
    t = np.asarray(t, dtype=np.float64)
    rgb = _rgb(stops)
    last = len(stops) - 1
    finite = np.isfinite(t)
    x = np.clip(np.where(finite, t, 0.0), 0.0, 1.0) * last
    i = np.minimum(np.floor(x).astype(np.int64), last - 1)
    f = (x - i)[..., None]
    # JavaScript's Math.round rounds halves up, numpy's round to even: floor(v + 0.5) matches JS.
    out = np.floor(rgb[i] + (rgb[i + 1] - rgb[i]) * f + 0.5)
    out[~finite] = MISSING
    return out.astype(np.uint8)


def categorical(palette: tuple[int, ...], index: Any) -> np.ndarray:
    """Colours of categories, cycling through ``palette``; negative ids give :data:`MISSING`.

    Parameters
    ----------
    palette : tuple of int
        0xRRGGBB colours, e.g. :data:`TAB10`.
    index : array-like of int
        Category ids.

    Returns
    -------
    ndarray of shape index.shape + (3,), uint8
        sRGB colours.
    """
    index = np.asarray(index, dtype=np.int64)
    out = _rgb(palette)[np.mod(index, len(palette))]
    out[index < 0] = MISSING
    return out.astype(np.uint8)


def _normalise(values: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """Position of values in [lo, hi] as [0, 1]; a degenerate range maps to the middle."""
    if hi > lo:
        return (values - lo) / (hi - lo)
    return np.where(np.isfinite(values), 0.5, np.nan)


def _finite_extent(values: np.ndarray) -> tuple[float, float]:
    finite = values[np.isfinite(values)]
    return (float(finite.min()), float(finite.max())) if finite.size else (np.nan, np.nan)


def node_colors(model: Any, color_by: str) -> np.ndarray:
    """Colour of every node for a ``color_by`` mode, as the widget draws it (``colors.ts``).

    ``epoch`` and ``step`` use viridis over the epoch numbers and steps, the two entropies use
    plasma over their finite range, ``unit`` tab20, ``cluster`` tab10, and ``label`` (the node's
    most active class) tab10, or tab20 with more than 10 classes.

    Parameters
    ----------
    model : MMPHATE
        A fitted model.
    color_by : str
        One of :data:`mmphate_widget.widget.validators.COLOR_BY`.

    Returns
    -------
    ndarray of shape (N, 3), uint8
        sRGB colour per node, in node order.
    """
    epoch = np.asarray(model.epoch_)
    step = np.asarray(model.step_)
    unit = np.asarray(model.unit_)
    if color_by == "step":
        n_steps = int(model.n_steps_)
        return sample(VIRIDIS, _normalise(step.astype(np.float64), 0.0, max(n_steps - 1, 0)))
    if color_by == "unit":
        return categorical(TAB20, unit)
    if color_by == "cluster":
        return categorical(TAB10, np.asarray(model.unit_clusters_)[unit])
    if color_by in ("intrastep_entropy", "interstep_entropy"):
        # float32 as sent to the browser, so the normalisation rounds the same way.
        table = np.asarray(getattr(model, color_by + "_"), dtype=np.float32).astype(np.float64)
        lo, hi = _finite_extent(table)
        value = table[epoch, step] if color_by == "intrastep_entropy" else table[unit, epoch]
        return sample(PLASMA, _normalise(value, lo, hi))
    if color_by == "label":
        palette = TAB10 if n_classes(model) <= 10 else TAB20
        return categorical(palette, np.asarray(model.node_top_label_))
    if color_by != "epoch":
        raise ValueError(f"unknown color_by {color_by!r}")
    numbers = np.asarray(model.epochs_, dtype=np.float64)
    return sample(VIRIDIS, _normalise(numbers[epoch], numbers[0], numbers[-1]))


def dim(colors: np.ndarray, background: tuple[int, int, int] = BACKGROUND) -> np.ndarray:
    """Dimmed colours, as the widget draws points outside a highlighted cluster or selection.

    Parameters
    ----------
    colors : ndarray of shape (..., 3), uint8
        sRGB colours.
    background : tuple of 3 int
        The background they fade into (default :data:`BACKGROUND`).

    Returns
    -------
    ndarray of shape (..., 3), uint8
        ``colors`` moved the fraction :data:`DIM_AMOUNT` of the way to ``background``.
    """
    c = np.asarray(colors, dtype=np.float64)
    return np.floor(c + (np.asarray(background, dtype=np.float64) - c) * DIM_AMOUNT + 0.5).astype(np.uint8)
