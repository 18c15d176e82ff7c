"""Save and load a fitted MM-PHATE result as one ``.npz`` file, without pickle.

Strings are stored as numpy unicode arrays, the parameters as a JSON string, metrics as a name
array plus a value matrix, and the kernel (optional, it can be large) as its CSR parts. Loading
uses ``allow_pickle=False``, so a file can never run code, and checks every array against the
saved dimensions before the model is rebuilt: a damaged or foreign file gives one ``ValueError``
naming the file and the problem, never a half-loaded model.
"""

from __future__ import annotations

import errno
import json
import os
import zipfile
import zlib
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


def _params_json(model: MMPHATE) -> str:
    """The estimator's parameters as JSON; numpy scalars become the Python values they hold."""
    params: dict[str, Any] = {}
    for name, value in model.get_params().items():
        if isinstance(value, np.generic):
            value = value.item()
        if value is not None and not isinstance(value, (bool, int, float, str)):
            raise ValueError(
                f"{name}={value!r} cannot be saved: save() stores parameters as JSON numbers, "
                "strings, booleans or None. Set it to one with model.set_params() and save again."
            )
        params[name] = value
    return json.dumps(params)


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
        "params": np.array(_params_json(model)),
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
    if model.cluster_stability_ is not None:
        arrays["cluster_stability"] = np.array(model.cluster_stability_)
        arrays["unit_cluster_confidence"] = model.unit_cluster_confidence_
    if include_kernel and model.kernel_ is not None:
        kernel = sparse.csr_matrix(model.kernel_)
        arrays.update(kernel_data=kernel.data, kernel_indices=kernel.indices,
                      kernel_indptr=kernel.indptr, kernel_shape=np.array(kernel.shape))
    np.savez_compressed(path, **arrays)


_KIND_NAMES = {"iu": "integers", "f": "floats", "U": "strings"}
#: Keys that save() writes together or not at all.
_GROUPS = (
    ("labels", "class_names", "node_top_label"),
    ("metric_names", "metric_values"),
    ("cluster_stability", "unit_cluster_confidence"),
    ("kernel_data", "kernel_indices", "kernel_indptr", "kernel_shape"),
)
#: What numpy and zipfile raise for a damaged archive or member.
_READ_ERRORS = (OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error)


def _not_a_result(path: str, problem: str) -> ValueError:
    return ValueError(
        f"{path!r} is not an mmphate-widget result file (one written by save()): {problem}."
    )


def _damaged(path: str, problem: str) -> ValueError:
    return ValueError(
        f"{path!r} is damaged or was not written by save(): {problem}. Save the fitted model again."
    )


def _shape_text(shape: tuple[int | None, ...]) -> str:
    """numpy's shape notation, with ``n`` for a length that may be anything."""
    inner = ", ".join("n" if n is None else str(n) for n in shape)
    return f"({inner},)" if len(shape) == 1 else f"({inner})"


def _check_array(
    f: dict[str, np.ndarray], key: str, path: str, shape: tuple[int | None, ...], kinds: str,
    context: str = "",
) -> np.ndarray:
    """``f[key]`` if it has the shape (None: any length) and dtype kind that save() writes."""
    arr = f[key]
    if arr.dtype.kind in kinds and arr.ndim == len(shape) and all(
        want is None or have == want for have, want in zip(arr.shape, shape)
    ):
        return arr
    raise _damaged(
        path, f"{key} holds {arr.dtype} of shape {arr.shape}, where save() writes "
        f"{_KIND_NAMES[kinds]} of shape {_shape_text(shape)}{context}",
    )


def _result_path(path: str | os.PathLike) -> str:
    """The file that ``save(model, path)`` wrote: numpy adds ``.npz`` to a name without it."""
    name = os.fspath(path)
    if not os.path.exists(name) and not name.endswith(".npz") and os.path.exists(name + ".npz"):
        return name + ".npz"
    return name


def _read_arrays(path: str) -> dict[str, np.ndarray]:
    """Every array of the result file at ``path``, read with pickle disabled."""
    if not os.path.exists(path):
        raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), path)
    if not zipfile.is_zipfile(path):
        with open(path, "rb") as handle:
            is_npy = handle.read(6) == b"\x93NUMPY"
        raise _not_a_result(
            path, "it holds a single .npy array, not an .npz archive" if is_npy
            else "it is not an .npz (zip) archive; it may be truncated, damaged or another kind of file",
        )
    try:
        with np.load(path, allow_pickle=False) as archive:
            missing = sorted(_REQUIRED - set(archive.files))
            arrays = {} if missing else {key: archive[key] for key in archive.files}
    except _READ_ERRORS as exc:
        raise _damaged(path, f"numpy cannot read it ({type(exc).__name__}: {exc})") from exc
    if missing:
        raise _not_a_result(path, f"it lacks {', '.join(missing)}")
    return arrays


def _read_params(f: dict[str, np.ndarray], path: str) -> dict[str, Any]:
    """The saved estimator parameters, a JSON object of names MMPHATE knows."""
    try:
        params = json.loads(str(_check_array(f, "params", path, (), "U")))
    except json.JSONDecodeError as exc:
        raise _damaged(path, f"its parameters are not valid JSON ({exc})") from exc
    if not isinstance(params, dict):
        raise _damaged(
            path, f"its parameters are a JSON {type(params).__name__}, not an object of name: value pairs"
        )
    unknown = sorted(set(params) - set(MMPHATE().get_params()))
    if unknown:
        raise ValueError(
            f"{path!r} sets MMPHATE parameter(s) {', '.join(unknown)} that this mmphate-widget does "
            "not have; it was written by another version. Upgrade mmphate-widget."
        )
    return params


def _checked_model(f: dict[str, np.ndarray], path: str) -> MMPHATE:
    """An unfitted MMPHATE with the saved parameters and dimensions, once every array is checked.

    Checks the format version, the parameters (as ``fit`` would) and the shape and dtype of every
    array against the saved dimensions, so that loading fails with one clear error instead of
    leaving arrays that disagree with each other.
    """
    version = int(_check_array(f, "format_version", path, (), "iu"))
    if version > FORMAT_VERSION:
        raise ValueError(
            f"{path!r} has format version {version}; this mmphate-widget reads up to "
            f"{FORMAT_VERSION}. Upgrade mmphate-widget."
        )
    if version < 1:
        raise _damaged(path, f"format version {version} does not exist (versions start at 1)")
    dims = _check_array(f, "shape", path, (4,), "iu")
    if np.any(dims < 1):
        raise _damaged(path, f"its dimensions {dims.tolist()} (epochs, steps, units, samples) must be >= 1")
    n_epochs, n_steps, n_units, n_samples = (int(v) for v in dims)
    model = MMPHATE(**_read_params(f, path))
    try:
        model._validate_params(n_units)
    except ValueError as exc:
        raise _damaged(path, f"its saved parameters are invalid ({str(exc).rstrip('.')})") from exc
    t = int(_check_array(f, "t", path, (), "iu"))
    if t < 1:
        raise _damaged(path, f"its diffusion time t={t} must be >= 1")
    for group in _GROUPS:
        present = [key for key in group if key in f]
        if present and len(present) < len(group):
            lacking = ", ".join(key for key in group if key not in f)
            raise _damaged(path, f"it has {', '.join(present)} but lacks {lacking}")
    n_nodes = n_epochs * n_steps * n_units
    expected: dict[str, tuple[tuple[int | None, ...], str]] = {
        "embedding": ((n_nodes, model.n_components), "f"),
        "intrastep_entropy": ((n_epochs, n_steps), "f"),
        "interstep_entropy": ((n_units, n_epochs), "f"),
        "unit_clusters": ((n_units,), "iu"),
        "epochs": ((n_epochs,), "iu"),
        "unit_names": ((n_units,), "U"),
        "labels": ((n_samples,), "iu"),
        "class_names": ((None,), "U"),
        "node_top_label": ((n_nodes,), "iu"),
        "metric_names": ((None,), "U"),
        "metric_values": ((f["metric_names"].size if "metric_names" in f else None, n_epochs), "f"),
        "cluster_stability": ((), "f"),
        "unit_cluster_confidence": ((n_units,), "f"),
    }
    context = (f" (the file's dimensions: {n_epochs} epochs x {n_steps} steps x {n_units} units x "
               f"{n_samples} samples, n_components={model.n_components})")
    for key, (shape, kinds) in expected.items():
        if key in f:
            _check_array(f, key, path, shape, kinds, context)
    if "labels" in f:
        n_classes = f["class_names"].shape[0]
        for key in ("labels", "node_top_label"):
            if f[key].size and not 0 <= f[key].min() <= f[key].max() < n_classes:
                raise _damaged(path, f"{key} holds class codes outside 0..{n_classes - 1} "
                                     f"({n_classes} class_names)")
    model._set_shape(n_epochs, n_steps, n_units, n_samples)
    return model


def _kernel(f: dict[str, np.ndarray], path: str, n_nodes: int) -> sparse.csr_matrix | None:
    """The saved kernel (None when saved without it), checked to be a valid N x N CSR matrix."""
    if "kernel_data" not in f:
        return None
    shape = _check_array(f, "kernel_shape", path, (2,), "iu")
    if shape.tolist() != [n_nodes, n_nodes]:
        raise _damaged(path, f"kernel_shape is {shape.tolist()}, but the file has {n_nodes} nodes")
    try:
        kernel = sparse.csr_matrix(
            (f["kernel_data"], f["kernel_indices"], f["kernel_indptr"]), shape=(n_nodes, n_nodes)
        )
        kernel.check_format(full_check=True)
    except (TypeError, ValueError) as exc:
        raise _damaged(path, f"its kernel is not a valid CSR matrix ({exc})") from exc
    return kernel


def load(path: str | os.PathLike) -> MMPHATE:
    """Read a result written by :func:`save` into a fitted :class:`MMPHATE`.

    The returned estimator has every fitted attribute; ``kernel_`` is None unless the file was
    saved with ``include_kernel=True``. Like :func:`save`, ``load("run")`` reads ``run.npz``.

    Raises
    ------
    FileNotFoundError
        When there is no such file.
    ValueError
        Naming the file and the problem, when it is not a result file written by :func:`save`, is
        truncated or damaged, has a newer format version, holds invalid parameters or arrays that
        disagree with the saved dimensions, or would need pickle to load.
    """
    path = _result_path(path)
    f = _read_arrays(path)
    files = set(f)
    model = _checked_model(f, path)
    model.t_ = int(f["t"])
    model.embedding_ = f["embedding"]
    model.intrastep_entropy_ = f["intrastep_entropy"]
    model.interstep_entropy_ = f["interstep_entropy"]
    model.unit_clusters_ = f["unit_clusters"]
    model.epochs_ = f["epochs"]
    model.unit_names_ = [str(n) for n in f["unit_names"]]
    model.n_clusters_ = int(model.unit_clusters_.max()) + 1
    # Files written before the cluster stability existed load with None for it.
    has_stability = "cluster_stability" in files
    model.cluster_stability_ = float(f["cluster_stability"]) if has_stability else None
    model.unit_cluster_confidence_ = f["unit_cluster_confidence"] if has_stability else None
    has_labels = "labels" in files
    model.labels_ = f["labels"] if has_labels else None
    model.class_names_ = [str(n) for n in f["class_names"]] if has_labels else None
    model.node_top_label_ = f["node_top_label"] if has_labels else None
    model.metrics_ = (
        {str(n): v for n, v in zip(f["metric_names"], f["metric_values"])}
        if "metric_names" in files else None
    )
    model.kernel_ = _kernel(f, path, model.embedding_.shape[0])
    return model
