"""Validation and coercion of a hidden-state tensor and its metadata.

Everything here is cheap and runs before any heavy computation, so that bad input fails fast with
an error that names the problem and the fix.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["HiddenStates", "as_numpy", "validate_hidden_states"]


@dataclass(frozen=True)
class HiddenStates:
    """A validated hidden-state tensor with its metadata.

    Attributes
    ----------
    data : ndarray of shape (n_epochs, n_steps, n_units, n_samples), float64
        Activation of each unit at each step of each trace sample, recorded after each epoch.
    epochs : ndarray of shape (n_epochs,), int64
        The true epoch numbers, strictly increasing.
    unit_names : list of str
        One name per unit.
    labels : ndarray of shape (n_samples,), int64, or None
        Class codes ``0..n_classes-1`` of the trace samples.
    class_names : list of str or None
        Names of the classes, in code order.
    metrics : dict of str to ndarray of shape (n_epochs,), or None
        Per-epoch training curves.
    """

    data: np.ndarray
    epochs: np.ndarray
    unit_names: list[str]
    labels: np.ndarray | None = None
    class_names: list[str] | None = None
    metrics: dict[str, np.ndarray] | None = field(default=None)

    @property
    def shape(self) -> tuple[int, int, int, int]:
        """``(n_epochs, n_steps, n_units, n_samples)``."""
        return tuple(int(s) for s in self.data.shape)  # type: ignore[return-value]


def as_numpy(x: Any, name: str = "hidden_states") -> np.ndarray:
    """Convert a numpy array, torch tensor or nested array-like to a numpy array.

    Torch tensors are detached and moved to the CPU; nothing is copied when ``x`` already is a
    numpy array.
    """
    if hasattr(x, "detach") and hasattr(x, "cpu"):  # torch.Tensor, without importing torch
        x = x.detach().cpu().numpy()
    try:
        arr = np.asarray(x)
    except (ValueError, TypeError) as exc:
        raise ValueError(
            f"{name} could not be converted to a numpy array ({exc}); pass a numpy array, "
            "a torch tensor or a nested list of equal-length lists."
        ) from exc
    if arr.dtype == object:
        raise ValueError(
            f"{name} is ragged or holds non-numbers (numpy made an object array); every epoch "
            "must have the same number of steps, units and samples."
        )
    return arr


def _check_finite(data: np.ndarray) -> None:
    bad = ~np.isfinite(data)
    if bad.any():
        n_bad = int(bad.sum())
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        kind = "NaN" if np.isnan(data[first]) else "inf"
        raise ValueError(
            f"hidden_states holds {n_bad} non-finite value(s) (NaN or inf); the first is {kind} at "
            f"[epoch {first[0]}, step {first[1]}, unit {first[2]}, sample {first[3]}]. Remove or "
            "impute them (e.g. np.nan_to_num) before fitting."
        )


def _check_not_all_constant(data: np.ndarray) -> None:
    """Reject a tensor in which every unit is constant across the samples at every step.

    Each (epoch, step, unit) row is z-scored across the samples (the spec's normalisation), so such
    a tensor makes every node the same point: there is nothing to embed. A single constant unit, or
    some constant steps, is legal.
    """
    n_samples = data.shape[3]
    # Real recordings differ between their first two samples somewhere, which ends the check after
    # one cheap comparison; only a suspicious tensor is compared sample by sample.
    if np.any(data[..., 1:2] != data[..., :1]) or np.any(data[..., 2:] != data[..., :1]):
        return
    if n_samples == 1:
        cause = "hidden_states has 1 trace sample (axis 3), so every unit is constant across the samples"
        fix = (
            "Record at least 2 different trace samples (input sequences), and check the axis "
            "order (epochs, steps, units, samples)."
        )
    else:
        cause = f"every unit is constant across the {n_samples} trace samples (axis 3) at every (epoch, step)"
        fix = (
            "Record the hidden states on trace samples (input sequences) that differ, and check "
            "the recording: e.g. that the same sample was not stored S times, or that the states "
            "were not read before the network ran (all zeros)."
        )
    raise ValueError(
        f"{cause}: after the per-unit normalisation across samples every node is the same point, "
        f"so the embedding would carry no information. {fix}"
    )


def _check_epochs(epochs: Any, n_epochs: int) -> np.ndarray:
    if epochs is None:
        return np.arange(n_epochs, dtype=np.int64)
    arr = as_numpy(epochs, "epochs").reshape(-1)
    if arr.shape[0] != n_epochs:
        raise ValueError(
            f"epochs has {arr.shape[0]} entries but hidden_states has {n_epochs} epochs "
            "(axis 0); give one epoch number per recorded epoch."
        )
    if not np.issubdtype(arr.dtype, np.number) or not np.all(np.isfinite(arr)):
        raise ValueError("epochs must be finite numbers (the true epoch numbers, e.g. 0, 1, 2, 5).")
    if not np.all(arr == np.round(arr)):
        raise ValueError("epochs must be whole numbers (the true epoch numbers, e.g. 0, 1, 2, 5).")
    arr = arr.astype(np.int64)
    if np.any(np.diff(arr) <= 0):
        raise ValueError(
            f"epochs must be strictly increasing; got {arr.tolist()[:10]}{'...' if n_epochs > 10 else ''}. "
            "Sort the tensor's epoch axis and the epoch numbers together."
        )
    return arr


def _check_labels(
    labels: Any, class_names: Sequence[str] | None, n_samples: int
) -> tuple[np.ndarray | None, list[str] | None]:
    if labels is None:
        if class_names is not None:
            raise ValueError("class_names was given without labels; pass labels=... as well.")
        return None, None
    arr = as_numpy(labels, "labels")
    if arr.ndim == 2 and arr.shape[1] > 1 and arr.shape[0] == n_samples:
        arr = arr.argmax(axis=1)  # one-hot labels
    arr = arr.reshape(-1)
    if arr.shape[0] != n_samples:
        raise ValueError(
            f"labels has {arr.shape[0]} entries but hidden_states has {n_samples} trace samples "
            "(axis 3); give one class label per sample."
        )
    values, codes = np.unique(arr, return_inverse=True)
    if class_names is None:
        names = [str(v) for v in values]
    else:
        names = [str(c) for c in class_names]
        if np.issubdtype(values.dtype, np.integer) and values.min() >= 0 and values.max() < len(names):
            codes = arr.astype(np.int64)  # labels are already codes into class_names
        elif len(names) != len(values):
            raise ValueError(
                f"class_names has {len(names)} names but labels hold {len(values)} distinct "
                "classes; give one name per class."
            )
    return codes.astype(np.int64), names


def _check_unit_names(unit_names: Any, n_units: int) -> list[str]:
    if unit_names is None:
        return [f"unit {u}" for u in range(n_units)]
    names = [str(n) for n in unit_names]
    if len(names) != n_units:
        raise ValueError(f"unit_names has {len(names)} names but hidden_states has {n_units} units (axis 2).")
    return names


def _check_metrics(metrics: Any, n_epochs: int) -> dict[str, np.ndarray] | None:
    if metrics is None:
        return None
    if hasattr(metrics, "history") and isinstance(metrics.history, Mapping):  # Keras History
        metrics = metrics.history
    if hasattr(metrics, "to_dict") and hasattr(metrics, "columns"):  # pandas DataFrame
        metrics = {str(c): metrics[c].to_numpy() for c in metrics.columns}
    if not isinstance(metrics, Mapping):
        raise ValueError(
            "metrics must be a mapping from a curve name to per-epoch values, e.g. "
            "{'loss': [...], 'val_accuracy': [...]}, or a pandas DataFrame with one row per epoch."
        )
    out: dict[str, np.ndarray] = {}
    for name, values in metrics.items():
        if hasattr(values, "detach"):
            values = as_numpy(values, f"metrics[{name!r}]")
        try:  # None becomes NaN: a missing value
            arr = np.array(values, dtype=np.float64).reshape(-1)
        except (TypeError, ValueError) as exc:
            raise ValueError(
                f"metrics[{name!r}] must hold numbers (None or NaN where a value is missing): {exc}"
            ) from None
        if arr.shape[0] != n_epochs:
            raise ValueError(
                f"metrics[{name!r}] has {arr.shape[0]} values but hidden_states has {n_epochs} "
                "epochs; give one value per recorded epoch (NaN where a value is missing)."
            )
        out[str(name)] = arr
    return out


def validate_hidden_states(
    hidden_states: Any,
    *,
    labels: Any = None,
    epochs: Any = None,
    unit_names: Any = None,
    metrics: Any = None,
    class_names: Sequence[str] | None = None,
    interstep_knn: int | None = None,
) -> HiddenStates:
    """Check a hidden-state tensor and its metadata, and coerce them to numpy.

    Parameters
    ----------
    hidden_states : array-like or torch.Tensor of shape (n_epochs, n_steps, n_units, n_samples)
        Hidden-unit activations.
    labels : array-like of shape (n_samples,) or (n_samples, n_classes), optional
        Class label of each trace sample (any hashable values, or one-hot rows).
    epochs : array-like of int of shape (n_epochs,), optional
        The true epoch numbers (default ``0..n_epochs-1``).
    unit_names : sequence of str of length n_units, optional
    metrics : mapping of str to array-like of shape (n_epochs,), optional
        Per-epoch training curves (loss, accuracy, ...); a Keras ``History`` or a DataFrame works.
    class_names : sequence of str, optional
        Class names; when labels are integer codes, ``class_names[code]`` names each class.
    interstep_knn : int, optional
        When given, also check that there are more slices (epochs x steps) than this.

    Returns
    -------
    HiddenStates

    Raises
    ------
    ValueError
        With a message naming the problem and the fix.
    """
    data = as_numpy(hidden_states)
    if data.ndim != 4:
        raise ValueError(
            f"hidden_states must have 4 dimensions (epochs, steps, units, samples); got shape "
            f"{data.shape}. A single epoch needs a leading axis of size 1 "
            "(hidden_states[None]); a tensor recorded as (epochs, samples, steps, units) needs "
            "np.transpose(x, (0, 2, 3, 1))."
        )
    if 0 in data.shape:
        axis = ["epochs", "steps", "units", "samples"][data.shape.index(0)]
        raise ValueError(f"hidden_states has no {axis} (shape {data.shape}); every axis needs size >= 1.")
    if not (
        np.issubdtype(data.dtype, np.floating) or np.issubdtype(data.dtype, np.integer) or data.dtype == bool
    ):
        raise ValueError(f"hidden_states must hold real numbers; got dtype {data.dtype}.")
    n_epochs, n_steps, n_units, n_samples = data.shape
    if n_units < 2:
        raise ValueError(
            f"hidden_states has {n_units} unit; MM-PHATE needs at least 2 units (axis 2) to build "
            "the intra-step kernel. Check the axis order (epochs, steps, units, samples)."
        )
    if isinstance(interstep_knn, numbers.Integral) and n_epochs * n_steps < interstep_knn + 1:
        raise ValueError(
            f"hidden_states has {n_epochs * n_steps} slices (epochs x steps = {n_epochs} x "
            f"{n_steps}) but interstep_knn={interstep_knn} needs at least {interstep_knn + 1}; "
            f"pass interstep_knn <= {n_epochs * n_steps - 1} or record more epochs or steps."
        )
    data = np.asarray(data, dtype=np.float64)
    _check_finite(data)
    _check_not_all_constant(data)
    epoch_numbers = _check_epochs(epochs, n_epochs)
    codes, names = _check_labels(labels, class_names, n_samples)
    return HiddenStates(
        data=data,
        epochs=epoch_numbers,
        unit_names=_check_unit_names(unit_names, n_units),
        labels=codes,
        class_names=names,
        metrics=_check_metrics(metrics, n_epochs),
    )
