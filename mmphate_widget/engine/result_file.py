"""The result file: a fitted MM-PHATE result as one ``.npz``, without pickle.

The file-format layer under ``MMPHATE.save`` and ``MMPHATE.load``. A file holds a format version,
the estimator's parameters as a JSON string, and the arrays of the fitted state under exactly the
keys that :mod:`.fitted_state` describes (strings as numpy unicode arrays, metrics as a name array
plus a value matrix, the optional kernel as its CSR parts). Reading uses ``allow_pickle=False``, so
a file can never run code, and checks every array against the saved dimensions before anything is
built: a damaged or foreign file gives one ``ValueError`` naming the file and the problem.

It knows nothing of the estimator: the caller hands over the parameters' defaults and their check.
"""

from __future__ import annotations

import errno
import json
import os
import zipfile
import zlib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import numpy as np

from .fitted_state import check_array, from_arrays, required_keys, stored_dimensions

__all__ = ["FORMAT_VERSION", "HEADER_KEYS", "read_result", "result_path", "write_result"]

#: Bumped only when a reader of the previous version could not read a new file; every version up
#: to this one stays readable.
FORMAT_VERSION = 1
#: The keys a result file has besides the fitted state's.
HEADER_KEYS = ("format_version", "params")
#: What numpy and zipfile raise for a damaged archive or member.
_READ_ERRORS = (OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error)


def _params_json(params: Mapping[str, Any]) -> str:
    """The parameters as JSON; numpy scalars become the Python values they hold."""
    plain: dict[str, Any] = {}
    for name, value in params.items():
        if isinstance(value, np.generic):
            value = value.item()
        if value is not None and not isinstance(value, (bool, int, float, str)):
            raise ValueError(
                f"{name}={value!r} cannot be saved: save() stores parameters as JSON numbers, "
                "strings, booleans or None. Set it to one with model.set_params() and save again."
            )
        plain[name] = value
    return json.dumps(plain)


def write_result(
    path: str | os.PathLike, params: Mapping[str, Any], arrays: Mapping[str, np.ndarray]
) -> None:
    """Write the parameters and the fitted state's arrays to ``path`` (numpy adds ``.npz`` if missing).

    Raises
    ------
    ValueError
        When a parameter is not a JSON number, string, boolean or None; nothing is written then.
    """
    header = {"format_version": np.array(FORMAT_VERSION), "params": np.array(_params_json(params))}
    np.savez_compressed(path, **header, **arrays)


def _not_a_result(path: str, problem: str) -> ValueError:
    return ValueError(f"{path!r} is not an mmphate-widget result file (one written by save()): {problem}.")


def _damaged(path: str, problem: str) -> ValueError:
    return ValueError(
        f"{path!r} is damaged or was not written by save(): {problem}. Save the fitted model again."
    )


def result_path(path: str | os.PathLike) -> str:
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
            path,
            "it holds a single .npy array, not an .npz archive"
            if is_npy
            else "it is not an .npz (zip) archive; it may be truncated, damaged or another kind of file",
        )
    required = set(HEADER_KEYS) | set(required_keys())
    try:
        with np.load(path, allow_pickle=False) as archive:
            missing = sorted(required - set(archive.files))
            arrays = {} if missing else {key: archive[key] for key in archive.files}
    except _READ_ERRORS as exc:
        raise _damaged(path, f"numpy cannot read it ({type(exc).__name__}: {exc})") from exc
    if missing:
        raise _not_a_result(path, f"it lacks {', '.join(missing)}")
    return arrays


@contextmanager
def _damaged_on_error(path: str, problem: str = "{}") -> Iterator[None]:
    """Turn a ValueError about the contents into the one error naming the file."""
    try:
        yield
    except ValueError as exc:
        raise _damaged(path, problem.format(str(exc).rstrip("."))) from exc


def _read_params(f: Mapping[str, np.ndarray], path: str, defaults: Mapping[str, Any]) -> dict[str, Any]:
    """The saved parameters, a JSON object of names that ``defaults`` has."""
    with _damaged_on_error(path):
        text = str(check_array("params", f["params"], "str", (), holder="save() writes"))
    try:
        params = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _damaged(path, f"its parameters are not valid JSON ({exc})") from exc
    if not isinstance(params, dict):
        raise _damaged(
            path, f"its parameters are a JSON {type(params).__name__}, not an object of name: value pairs"
        )
    unknown = sorted(set(params) - set(defaults))
    if unknown:
        raise ValueError(
            f"{path!r} sets MMPHATE parameter(s) {', '.join(unknown)} that this mmphate-widget does "
            "not have; it was written by another version. Upgrade mmphate-widget."
        )
    return params


def read_result(
    path: str | os.PathLike,
    defaults: Mapping[str, Any],
    check_params: Callable[[dict[str, Any], int], None],
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The parameters and the saved fitted attributes of the result file at ``path``.

    Like ``save``, ``read_result("run", ...)`` reads ``run.npz``.

    Parameters
    ----------
    path : str or path-like
    defaults : mapping of str to object
        Every parameter the estimator has, with its default; a saved name not among them asks for
        an upgrade.
    check_params : callable
        ``check_params(params, n_units)`` raises ValueError for invalid parameters (``params``
        completed with the defaults).

    Returns
    -------
    params : dict
        The saved parameters, as saved.
    attributes : dict
        The saved fitted attributes (:func:`.fitted_state.from_arrays`), checked against the
        description and the saved dimensions.

    Raises
    ------
    FileNotFoundError
        When there is no such file.
    ValueError
        Naming the file and the problem, when it is not a result file written by ``save``, is
        truncated or damaged, has a newer format version, holds invalid parameters or arrays that
        disagree with the saved dimensions, or would need pickle to load.
    """
    path = result_path(path)
    f = _read_arrays(path)
    with _damaged_on_error(path):
        version = int(check_array("format_version", f["format_version"], "int64", (), holder="save() writes"))
    if version > FORMAT_VERSION:
        raise ValueError(
            f"{path!r} has format version {version}; this mmphate-widget reads up to "
            f"{FORMAT_VERSION}. Upgrade mmphate-widget."
        )
    with _damaged_on_error(path):
        if version < 1:
            raise ValueError(f"format version {version} does not exist (versions start at 1)")
        n_units = stored_dimensions(f)["U"]
    params = _read_params(f, path, defaults)
    complete = {**defaults, **params}
    with _damaged_on_error(path, "its saved parameters are invalid ({})"):
        check_params(complete, n_units)
    with _damaged_on_error(path):
        attributes = from_arrays(f, complete["n_components"])
    return params, attributes
