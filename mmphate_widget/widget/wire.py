"""Binary wire format between the Python widget and the browser.

Everything heavy crosses to the browser once, as little-endian bytes that arrive in JavaScript as
a ``DataView`` (see ``docs/how-it-works.md``, "Widget wire format"). This module is the only place
that knows the layouts: :mod:`mmphate_widget.widget.widget` builds its data traits with
:func:`model_state` (the tests read them back with ``tests/wire_decode.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = [
    "decode_nodes",
    "encode_float32",
    "encode_history",
    "encode_int32",
    "encode_metrics",
    "encode_nodes",
    "encode_positions",
    "encode_unit_cluster_confidence",
    "model_state",
    "n_classes",
    "n_clusters",
    "scale_positions",
]

_F32 = np.dtype("<f4")
_I32 = np.dtype("<i4")


def scale_positions(embedding: np.ndarray) -> np.ndarray:
    """Centre and scale an embedding into [-1, 1]^3, as drawn by the widget.

    The bounding box centre moves to the origin and the largest half-extent (over all axes, so the
    aspect ratio is kept) becomes 1. Two-dimensional embeddings get ``z = 0``.

    Parameters
    ----------
    embedding : ndarray of shape (N, 2) or (N, 3)
        The MM-PHATE embedding.

    Returns
    -------
    ndarray of shape (N, 3), float32
        Scaled positions.

    Raises
    ------
    ValueError
        If the embedding is not 2-D or 3-D, or holds NaN or infinite values.
    """
    emb = np.asarray(embedding, dtype=np.float64)
    if emb.ndim != 2 or emb.shape[1] not in (2, 3):
        raise ValueError(
            f"embedding must have shape (N, 2) or (N, 3), got {emb.shape}; "
            "fit MMPHATE with n_components=2 or 3"
        )
    if not np.all(np.isfinite(emb)):
        raise ValueError("embedding holds NaN or infinite values; it cannot be drawn")
    out = np.zeros((emb.shape[0], 3), dtype=np.float64)
    out[:, : emb.shape[1]] = emb
    if emb.shape[0]:
        lo, hi = out.min(axis=0), out.max(axis=0)
        out -= (lo + hi) / 2.0
        half_extent = float(np.max(hi - lo)) / 2.0
        if half_extent > 0.0:
            out /= half_extent
    # Rounding to float32 can push a coordinate a hair past 1.
    return np.clip(out, -1.0, 1.0).astype(np.float32)


def encode_positions(embedding: np.ndarray) -> bytes:
    """Encode an embedding as the ``_positions`` trait: float32, N x 3, row-major.

    Parameters
    ----------
    embedding : ndarray of shape (N, 2) or (N, 3)
        The MM-PHATE embedding; see :func:`scale_positions`.

    Returns
    -------
    bytes
        ``N * 3 * 4`` little-endian bytes.
    """
    return scale_positions(embedding).astype(_F32, copy=False).tobytes(order="C")


def encode_int32(values: Any) -> bytes:
    """Encode integers as little-endian int32, row-major.

    Parameters
    ----------
    values : array-like of int
        Values that fit in int32.

    Returns
    -------
    bytes
        ``values.size * 4`` bytes.

    Raises
    ------
    ValueError
        If a value is not an integer or does not fit in int32.
    """
    arr = np.asarray(values)
    if arr.size and not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(f"expected integers, got dtype {arr.dtype}")
    info = np.iinfo(np.int32)
    if arr.size and (arr.min() < info.min or arr.max() > info.max):
        raise ValueError(f"values must fit in int32, got range [{arr.min()}, {arr.max()}]")
    return np.ascontiguousarray(arr, dtype=_I32).tobytes()


def encode_float32(values: Any) -> bytes:
    """Encode numbers as little-endian float32, row-major (NaN kept).

    Parameters
    ----------
    values : array-like of float
        Values to encode; 2-D arrays are flattened row by row.

    Returns
    -------
    bytes
        ``values.size * 4`` bytes.
    """
    return np.ascontiguousarray(np.asarray(values, dtype=np.float64), dtype=_F32).tobytes()


def encode_metrics(metrics: Mapping[str, Any] | None, n_epochs: int) -> tuple[bytes, list[str]]:
    """Encode per-epoch training curves as the ``_metrics`` and ``_metric_names`` traits.

    Parameters
    ----------
    metrics : mapping of str to array-like of shape (n_epochs,), or None
        Training curves, one value per epoch; ``None`` or NaN where a value is missing.
    n_epochs : int
        Number of epochs E.

    Returns
    -------
    data : bytes
        float32, M x E, row-major (empty when there are no metrics).
    names : list of str
        The M metric names, in the order of the rows.

    Raises
    ------
    ValueError
        If a curve does not have one value per epoch.
    """
    if not metrics:
        return b"", []
    names = [str(name) for name in metrics]
    rows = []
    for name, curve in metrics.items():
        # float64 conversion turns None into NaN.
        arr = np.asarray(curve, dtype=np.float64)
        if arr.shape != (n_epochs,):
            raise ValueError(f"metric {name!r} has {arr.size} values; expected one per epoch ({n_epochs})")
        rows.append(arr)
    return encode_float32(np.stack(rows)), names


def encode_history(history: Mapping[str, Any] | None) -> tuple[bytes, list[str]]:
    """Encode a training history as the ``_history`` and ``_history_names`` traits.

    The history has one value per ``record()`` call, also for epochs whose hidden states were not
    recorded (:attr:`HiddenStateRecorder.history <mmphate_widget.recording.recorder.HiddenStateRecorder.history>`).

    Parameters
    ----------
    history : mapping of str to array-like of shape (H,), or None
        ``"epoch"`` (the epoch numbers) and one curve per metric, NaN where a value is missing.

    Returns
    -------
    data : bytes
        float32, K x H, row-major: the epoch numbers first, then the metrics (empty when there
        is no history yet).
    names : list of str
        The K row names, ``"epoch"`` first.

    Raises
    ------
    ValueError
        If there is no ``"epoch"`` row or the rows differ in length.
    """
    if not history:
        return b"", []
    if "epoch" not in history:
        raise ValueError(f"a history needs an 'epoch' row; got rows {list(history)}")
    names = ["epoch", *(str(name) for name in history if name != "epoch")]
    rows = [np.asarray(history[name], dtype=np.float64) for name in names]
    if any(row.shape != rows[0].shape or row.ndim != 1 for row in rows):
        raise ValueError(
            f"history rows must be 1-D and equally long; got shapes {[row.shape for row in rows]}"
        )
    if rows[0].size == 0:
        return b"", []
    return encode_float32(np.stack(rows)), names


def encode_unit_cluster_confidence(model: Any) -> bytes:
    """Encode a model's per-unit cluster confidence as the ``_unit_cluster_confidence`` trait.

    Parameters
    ----------
    model : MMPHATE
        A fitted model; ``unit_cluster_confidence_`` is None for results saved before it existed.

    Returns
    -------
    bytes
        float32, U (empty when the model has no confidence).

    Raises
    ------
    ValueError
        If there is not one value per unit.
    """
    confidence = getattr(model, "unit_cluster_confidence_", None)
    if confidence is None:
        return b""
    confidence = np.asarray(confidence, dtype=np.float64)
    if confidence.shape != (int(model.n_units_),):
        raise ValueError(
            f"unit_cluster_confidence_ has shape {confidence.shape}; expected one value per unit "
            f"({int(model.n_units_)})"
        )
    return encode_float32(confidence)


def n_clusters(model: Any) -> int:
    """Number of unit clusters of a fitted model (cluster ids are 0..K-1).

    Parameters
    ----------
    model : MMPHATE
        A fitted model.

    Returns
    -------
    int
        ``max(unit_clusters_) + 1`` (0 when there are no units).
    """
    clusters = np.asarray(model.unit_clusters_)
    return int(clusters.max()) + 1 if clusters.size else 0


def n_classes(model: Any) -> int:
    """Number of label classes of a fitted model (0 when fitted without labels).

    Parameters
    ----------
    model : MMPHATE
        A fitted model.

    Returns
    -------
    int
        ``len(class_names_)`` when set, else one more than the largest label code seen.
    """
    if getattr(model, "node_top_label_", None) is None:
        return 0
    if getattr(model, "class_names_", None) is not None:
        return len(model.class_names_)
    codes = [np.asarray(model.node_top_label_)]
    if getattr(model, "labels_", None) is not None:
        codes.append(np.asarray(model.labels_))
    return int(max(c.max() for c in codes if c.size)) + 1


def model_state(model: Any) -> dict[str, Any]:
    """All Python -> browser data traits for a fitted model.

    Parameters
    ----------
    model : MMPHATE
        A fitted model (or one returned by :func:`mmphate_widget.engine.persistence.load`) carrying the
        attributes listed in ``docs/how-it-works.md``.

    Returns
    -------
    dict
        Trait name -> value, for ``_positions``, ``_dims``, ``_epoch_numbers``, ``_unit_clusters``,
        ``_n_clusters``, ``_cluster_stability`` (None when unknown),
        ``_unit_cluster_confidence``, ``_intrastep_entropy``, ``_interstep_entropy``,
        ``_node_label``, ``_class_names``, ``_unit_names``, ``_metrics`` and ``_metric_names``.
    """
    n_epochs, n_steps, n_units = int(model.n_epochs_), int(model.n_steps_), int(model.n_units_)
    embedding = np.asarray(model.embedding_)
    n_nodes = n_epochs * n_steps * n_units
    if embedding.shape[0] != n_nodes:
        raise ValueError(
            f"embedding_ has {embedding.shape[0]} rows but the model has "
            f"{n_epochs} x {n_steps} x {n_units} = {n_nodes} nodes"
        )
    metrics, metric_names = encode_metrics(getattr(model, "metrics_", None), n_epochs)
    stability = getattr(model, "cluster_stability_", None)
    if getattr(model, "node_top_label_", None) is None:
        node_label, class_names = b"", []
    else:
        node_label = encode_int32(np.asarray(model.node_top_label_))
        names = getattr(model, "class_names_", None)
        class_names = (
            [str(c) for c in names] if names is not None else [str(c) for c in range(n_classes(model))]
        )
    return {
        "_positions": encode_positions(embedding),
        "_dims": {
            "n_epochs": n_epochs,
            "n_steps": n_steps,
            "n_units": n_units,
            "n_components": int(embedding.shape[1]),
        },
        "_epoch_numbers": encode_int32(np.asarray(model.epochs_)),
        "_unit_clusters": encode_int32(np.asarray(model.unit_clusters_)),
        "_n_clusters": n_clusters(model),
        "_cluster_stability": None if stability is None else float(stability),
        "_unit_cluster_confidence": encode_unit_cluster_confidence(model),
        "_intrastep_entropy": encode_float32(model.intrastep_entropy_),
        "_interstep_entropy": encode_float32(model.interstep_entropy_),
        "_node_label": node_label,
        "_class_names": class_names,
        "_unit_names": [str(name) for name in model.unit_names_],
        "_metrics": metrics,
        "_metric_names": metric_names,
    }


def encode_nodes(nodes: Any, widget: Any = None) -> bytes:
    """``selected_nodes`` for the browser: sorted node indices as int32 little-endian bytes (4 bytes a
    node, so a million nodes make a 4 MB message). The signature is ipywidgets' ``to_json``."""
    return np.asarray(nodes, dtype="<i4").tobytes()


def decode_nodes(value: Any, widget: Any = None) -> Any:
    """``selected_nodes`` from the browser (``from_json``): the buffer as bytes, which the trait's
    validator reads as int32 little-endian and checks."""
    return bytes(value) if isinstance(value, memoryview) else value
