"""Cluster ablation (spec section 5): how well does the model do with only one unit cluster kept?

Framework-agnostic: the caller supplies ``predict(X, keep_mask)``, which runs its own trained
model with the hidden units where ``keep_mask`` is False set to zero (for PyTorch recurrent
layers, :func:`mmphate_widget.recording.pytorch.zero_units` does that in a few lines). This module
only chooses the masks, calls ``predict`` and scores the predictions.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.metrics import confusion_matrix

__all__ = ["AblationResult", "cluster_ablation"]

ALL_UNITS = "all units"


@dataclass(frozen=True)
class AblationResult:
    """Accuracies and confusion matrices of a model under each unit-keeping condition.

    Attributes
    ----------
    conditions : list of str
        ``"all units"`` followed by ``"cluster <id>"`` for every cluster evaluated.
    keep_masks : dict of str to ndarray of bool of shape (n_units,)
        The units kept in each condition.
    labels : ndarray of shape (n_classes,)
        Class labels, in the row/column order of the confusion matrices.
    n_samples : dict of str to int
        Number of samples of each dataset.
    accuracy : dict of str to dict of str to float
        ``accuracy[dataset][condition]``: fraction of correct predictions.
    confusion : dict of str to dict of str to ndarray of int64 of shape (n_classes, n_classes)
        ``confusion[dataset][condition]``: rows are true labels, columns predicted labels.
    """

    conditions: list[str]
    keep_masks: dict[str, np.ndarray]
    labels: np.ndarray
    n_samples: dict[str, int]
    accuracy: dict[str, dict[str, float]]
    confusion: dict[str, dict[str, np.ndarray]]

    def table(self) -> Any:
        """One row per (dataset, condition): units kept, samples and accuracy.

        Returns
        -------
        pandas.DataFrame, or a dict of column name to list when pandas is not installed
        """
        columns: dict[str, list] = {
            "dataset": [],
            "condition": [],
            "units kept": [],
            "samples": [],
            "accuracy": [],
        }
        for dataset, by_condition in self.accuracy.items():
            for condition in self.conditions:
                columns["dataset"].append(dataset)
                columns["condition"].append(condition)
                columns["units kept"].append(int(self.keep_masks[condition].sum()))
                columns["samples"].append(self.n_samples[dataset])
                columns["accuracy"].append(by_condition[condition])
        try:
            import pandas as pd
        except ImportError:
            return columns
        return pd.DataFrame(columns)

    def plot(self, *, class_names: Sequence[str] | None = None, cmap: str = "Blues") -> Any:
        """Draw every confusion matrix: one row of panels per dataset, one column per condition.

        Parameters
        ----------
        class_names : sequence of str, optional
            Tick labels, in the order of ``labels`` (default: the labels themselves).
        cmap : str, default "Blues"
            Matplotlib colour map; colours are row-normalised so that classes of different sizes
            compare, while the numbers written in the cells are counts.

        Returns
        -------
        matplotlib.figure.Figure
        """
        try:
            import matplotlib.pyplot as plt
        except ImportError as err:
            raise ImportError(
                "AblationResult.plot needs matplotlib: pip install matplotlib "
                "(or use AblationResult.table / .confusion)."
            ) from err
        names = [str(label) for label in self.labels] if class_names is None else list(class_names)
        if len(names) != len(self.labels):
            raise ValueError(
                f"class_names has {len(names)} entries but there are {len(self.labels)} labels "
                f"({list(self.labels)})."
            )
        datasets = list(self.confusion)
        n_rows, n_cols = len(datasets), len(self.conditions)
        size = 1.0 + 0.45 * len(names)
        fig, axes = plt.subplots(
            n_rows, n_cols, figsize=(size * n_cols + 0.5, size * n_rows + 0.6), squeeze=False
        )
        for row, dataset in enumerate(datasets):
            for col, condition in enumerate(self.conditions):
                ax = axes[row, col]
                counts = self.confusion[dataset][condition]
                rates = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
                ax.imshow(rates, cmap=cmap, vmin=0, vmax=1)
                for (i, j), count in np.ndenumerate(counts):
                    ax.text(
                        j,
                        i,
                        str(count),
                        ha="center",
                        va="center",
                        fontsize=8,
                        color="white" if rates[i, j] > 0.5 else "black",
                    )
                ticks = np.arange(len(names))
                ax.set_xticks(ticks, names if row == n_rows - 1 else [], rotation=45, ha="right")
                ax.set_yticks(ticks, names if col == 0 else [])
                units = int(self.keep_masks[condition].sum())
                accuracy = self.accuracy[dataset][condition]
                ax.set_title(f"{dataset}: {condition} ({units} units)\naccuracy {accuracy:.2f}", fontsize=9)
            axes[row, 0].set_ylabel("true")
        for ax in axes[-1]:
            ax.set_xlabel("predicted")
        fig.tight_layout()
        return fig


def _as_labels(values: Any, what: str, n_expected: int | None = None) -> np.ndarray:
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValueError(f"{what} must be one-dimensional (one label per sample); got shape {array.shape}.")
    if n_expected is not None and array.shape[0] != n_expected:
        raise ValueError(f"{what} has {array.shape[0]} labels but there are {n_expected} samples.")
    return array


def cluster_ablation(
    predict: Callable[[Any, np.ndarray], Any],
    unit_clusters: Any,
    datasets: Mapping[str, tuple[Any, Any]],
    *,
    clusters: Sequence[int] | None = None,
    labels: Sequence[Any] | None = None,
) -> AblationResult:
    """Evaluate a trained model with all units, then with only one unit cluster kept at a time.

    Parameters
    ----------
    predict : callable ``predict(X, keep_mask) -> labels``
        Runs the trained model on the inputs ``X`` (passed through unchanged) with every hidden
        unit whose ``keep_mask`` entry is False set to zero, and returns one predicted label per
        sample. ``keep_mask`` is a fresh boolean array of shape (n_units,).
    unit_clusters : array-like of int of shape (n_units,)
        Cluster id of each hidden unit, e.g. ``MMPHATE(...).fit(...).unit_clusters_``.
    datasets : mapping of str to (X, y)
        Named evaluation sets, e.g. ``{"train": (X_train, y_train), "validation": (X_val, y_val)}``.
    clusters : sequence of int, optional
        Cluster ids to evaluate alone (default: every id in ``unit_clusters``, ascending).
    labels : sequence, optional
        Class labels in the order wanted for the confusion matrices. Default: every label seen
        in the true or predicted labels, sorted.

    Returns
    -------
    AblationResult

    Examples
    --------
    >>> import numpy as np
    >>> weights = np.eye(4)[:, :2]          # units 0 and 1 read out classes 0 and 1
    >>> X = np.eye(4)[[0, 1, 0, 1]]
    >>> y = np.array([0, 1, 0, 1])
    >>> predict = lambda X, keep: ((X * keep) @ weights).argmax(axis=1)
    >>> result = cluster_ablation(predict, [0, 0, 1, 1], {"train": (X, y)})
    >>> result.accuracy["train"]
    {'all units': 1.0, 'cluster 0': 1.0, 'cluster 1': 0.5}
    """
    if not callable(predict):
        raise TypeError(f"predict must be a callable predict(X, keep_mask); got {type(predict).__name__}.")
    ids = np.asarray(unit_clusters)
    if ids.ndim != 1 or ids.shape[0] == 0:
        raise ValueError(
            f"unit_clusters must be a non-empty 1-D array (one id per unit); got shape {ids.shape}."
        )
    if ids.dtype.kind not in "iub" and not (ids.dtype.kind == "f" and np.all(ids == np.round(ids))):
        raise ValueError(f"unit_clusters must hold integer cluster ids; got dtype {ids.dtype}.")
    ids = ids.astype(np.int64)
    present = np.unique(ids)
    if clusters is None:
        chosen = [int(c) for c in present]
    else:
        chosen = [int(c) for c in clusters]
        unknown = sorted(set(chosen) - set(present.tolist()))
        if unknown:
            raise ValueError(f"unknown cluster ids {unknown}; unit_clusters has {present.tolist()}.")
        if len(set(chosen)) != len(chosen):
            raise ValueError(f"clusters={list(clusters)} repeats an id.")
    if not isinstance(datasets, Mapping) or not datasets:
        raise ValueError("datasets must be a non-empty mapping of name to (X, y), e.g. {'train': (X, y)}.")

    keep_masks = {ALL_UNITS: np.ones(ids.shape[0], dtype=bool)}
    keep_masks.update({f"cluster {c}": ids == c for c in chosen})

    truths: dict[str, np.ndarray] = {}
    predictions: dict[str, dict[str, np.ndarray]] = {}
    for name, pair in datasets.items():
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise ValueError(f"datasets[{name!r}] must be a pair (X, y).")
        X, y = pair
        truths[name] = _as_labels(y, f"y of datasets[{name!r}]")
        n = truths[name].shape[0]
        if n == 0:
            raise ValueError(f"datasets[{name!r}] has no samples.")
        predictions[name] = {
            condition: _as_labels(predict(X, mask.copy()), f"predict's output on {name!r} ({condition})", n)
            for condition, mask in keep_masks.items()
        }

    if labels is None:
        seen = list(truths.values())
        seen += [p for by_condition in predictions.values() for p in by_condition.values()]
        label_order = np.unique(np.concatenate(seen))
    else:
        label_order = _as_labels(labels, "labels")
        if len(np.unique(label_order)) != len(label_order):
            raise ValueError(f"labels={list(label_order)} repeats a label.")
        for name, y in truths.items():
            outside = np.setdiff1d(np.concatenate([y, *predictions[name].values()]), label_order)
            if outside.size:
                raise ValueError(
                    f"labels={list(label_order)} misses {outside.tolist()}, found in the true or "
                    f"predicted labels of {name!r}; the confusion matrices would not count them."
                )

    accuracy: dict[str, dict[str, float]] = {}
    confusion: dict[str, dict[str, np.ndarray]] = {}
    for name, y in truths.items():
        accuracy[name] = {c: float(np.mean(p == y)) for c, p in predictions[name].items()}
        confusion[name] = {
            c: confusion_matrix(y, p, labels=label_order).astype(np.int64)
            for c, p in predictions[name].items()
        }
    return AblationResult(
        conditions=list(keep_masks),
        keep_masks=keep_masks,
        labels=label_order,
        n_samples={name: int(y.shape[0]) for name, y in truths.items()},
        accuracy=accuracy,
        confusion=confusion,
    )
