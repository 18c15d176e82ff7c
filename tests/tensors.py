"""Small hand-made tensors for the engine tests."""

from __future__ import annotations

import numpy as np


def smooth_tensor(shape, seed=0, drift=0.6):
    """A tensor whose rows drift smoothly over steps, so far-apart slices get tiny affinities."""
    rng = np.random.default_rng(seed)
    steps = rng.normal(size=shape)
    return np.cumsum(steps, axis=1) * drift + rng.normal(size=shape) * 0.2


def two_phase_tensor(shape, seed=0, noise=0.3):
    """Every unit flips its sample pattern half-way through the steps: the two halves are far
    apart, so interstep affinities across them fall below 1e-4."""
    rng = np.random.default_rng(seed)
    E, T, U, S = shape
    base = rng.normal(size=(U, S))
    sign = np.where(np.arange(T) < T // 2, 1.0, -1.0)
    return sign[None, :, None, None] * base[None, None] + noise * rng.normal(size=shape)
