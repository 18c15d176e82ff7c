"""Save and load a fitted MM-PHATE result as one ``.npz`` file, without pickle.

Strings are stored as numpy unicode arrays, the parameters as a JSON string, metrics as a name
array plus a value matrix, and the kernel (optional, it can be large) as its CSR parts. Loading
uses ``allow_pickle=False``, so a file can never run code.
"""

from __future__ import annotations

import json
import os
from typing import Any

import numpy as np
from scipy import sparse

from .estimator import MMPHATE

__all__ = ["save", "load"]

FORMAT_VERSION = 1
_REQUIRED = {
    "format_version", "params", "shape", "t", "embedding", "intrastep_entropy",
    "interstep_entropy", "unit_clusters", "epochs", "unit_names",
}
_FITTED = (
    "embedding_", "intrastep_entropy_", "interstep_entropy_", "unit_clusters_", "epochs_",
)


def _check_fitted(model: Any) -> None:
    missing = [name for name in _FITTED if not hasattr(model, name)]
    if missing:
        raise ValueError(f"the model is not fitted (missing {', '.join(missing)}); call fit() first.")


def save(model: MMPHATE, path: str | os.PathLike, *, include_kernel: bool = False) -> None:
    """Write a fitted :class:`MMPHATE` to ``path`` (a ``.npz``; the suffix is added if missing).

    Parameters
    ----------
    model : MMPHATE
        A fitted estimator.
    path : str or path-like
    include_kernel : bool, default False
        Also store the sparse kernel (can be hundreds of MB for large tensors).
    """
    _check_fitted(model)
    arrays: dict[str, np.ndarray] = {
        "format_version": np.array(FORMAT_VERSION),
        "params": np.array(json.dumps(model.get_params())),
        "shape": np.array([model.n_epochs_, model.n_steps_, model.n_units_, model.n_samples_]),
        "t": np.array(model.t_),
        "embedding": model.embedding_,
        "intrastep_entropy": model.intrastep_entropy_,
        "interstep_entropy": model.interstep_entropy_,
        "unit_clusters": model.unit_clusters_,
        "epochs": model.epochs_,
        "unit_names": np.array(model.unit_names_, dtype=str),
    }
    if model.labels_ is not None:
        arrays["labels"] = model.labels_
        arrays["class_names"] = np.array(model.class_names_, dtype=str)
        arrays["node_top_label"] = model.node_top_label_
    if model.metrics_:
        arrays["metric_names"] = np.array(list(model.metrics_), dtype=str)
        arrays["metric_values"] = np.stack(list(model.metrics_.values()))
    if include_kernel and model.kernel_ is not None:
        kernel = sparse.csr_matrix(model.kernel_)
        arrays.update(kernel_data=kernel.data, kernel_indices=kernel.indices,
                      kernel_indptr=kernel.indptr, kernel_shape=np.array(kernel.shape))
    np.savez_compressed(path, **arrays)


def load(path: str | os.PathLike) -> MMPHATE:
    """Read a result written by :func:`save` into a fitted :class:`MMPHATE`.

    The returned estimator has every fitted attribute; ``kernel_`` is None unless the file was
    saved with ``include_kernel=True``.
    """
    with np.load(path, allow_pickle=False) as f:
        files = set(f.files)
        missing = sorted(_REQUIRED - files)
        if missing:
            raise ValueError(
                f"{os.fspath(path)!r} is not an mmphate-widget result file (written by save()); "
                f"it lacks {', '.join(missing)}."
            )
        version = int(f["format_version"])
        if version > FORMAT_VERSION:
            raise ValueError(
                f"{os.fspath(path)!r} has format version {version}; this mmphate-widget reads up to "
                f"{FORMAT_VERSION}. Upgrade mmphate-widget."
            )
        model = MMPHATE(**json.loads(str(f["params"])))
        model._set_shape(*(int(v) for v in f["shape"]))
        model.t_ = int(f["t"])
        model.embedding_ = f["embedding"]
        model.intrastep_entropy_ = f["intrastep_entropy"]
        model.interstep_entropy_ = f["interstep_entropy"]
        model.unit_clusters_ = f["unit_clusters"]
        model.epochs_ = f["epochs"]
        model.unit_names_ = [str(n) for n in f["unit_names"]]
        has_labels = "labels" in files
        model.labels_ = f["labels"] if has_labels else None
        model.class_names_ = [str(n) for n in f["class_names"]] if has_labels else None
        model.node_top_label_ = f["node_top_label"] if has_labels else None
        model.metrics_ = (
            {str(n): v for n, v in zip(f["metric_names"], f["metric_values"])}
            if "metric_names" in files else None
        )
        model.kernel_ = (
            sparse.csr_matrix((f["kernel_data"], f["kernel_indices"], f["kernel_indptr"]),
                              shape=tuple(int(s) for s in f["kernel_shape"]))
            if "kernel_data" in files else None
        )
    return model
