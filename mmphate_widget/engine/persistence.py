"""``save(model, path)`` and ``load(path)``: a fitted MM-PHATE result as one ``.npz``, without pickle.

The public functions, the same as :meth:`MMPHATE.save` and :meth:`MMPHATE.load`. The file format
is :mod:`.result_file`; the arrays it holds are those :mod:`.fitted_state` describes.
"""

from __future__ import annotations

import os

from .estimator import MMPHATE

__all__ = ["load", "save"]


def save(model: MMPHATE, path: str | os.PathLike, *, include_kernel: bool = False) -> None:
    """Write a fitted :class:`MMPHATE` to ``path`` (a ``.npz``; the suffix is added if missing).

    Parameters
    ----------
    model : MMPHATE
        A fitted estimator.
    path : str or path-like
    include_kernel : bool, default False
        Also store the sparse kernel (can be hundreds of MB for large tensors).

    Raises
    ------
    ValueError
        When the model is not fitted or cannot be saved; see :meth:`MMPHATE.save`.
    """
    model.save(path, include_kernel=include_kernel)


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
    return MMPHATE.load(path)
