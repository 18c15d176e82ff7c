"""Reading binary traits back in tests: the inverse of ``mmphate_widget.widget.wire``'s encoders."""

from __future__ import annotations

import numpy as np


def decode(buffer: bytes | memoryview, dtype: str, shape: tuple[int, ...] | None = None) -> np.ndarray:
    """Decode a binary trait back into a numpy array (the inverse of the ``encode_*`` functions).

    Parameters
    ----------
    buffer : bytes or memoryview
        The trait value.
    dtype : {"float32", "int32"}
        Element type; read as little-endian.
    shape : tuple of int, optional
        Shape to reshape to (row-major); flat when omitted.

    Returns
    -------
    ndarray
        A read-only view on ``buffer``.
    """
    arr = np.frombuffer(buffer, dtype=np.dtype(dtype).newbyteorder("<"))
    return arr.reshape(shape) if shape is not None else arr
