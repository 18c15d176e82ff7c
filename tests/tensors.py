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
    _E, T, U, S = shape
    base = rng.normal(size=(U, S))
    sign = np.where(np.arange(T) < T // 2, 1.0, -1.0)
    return sign[None, :, None, None] * base[None, None] + noise * rng.normal(size=shape)


def converging_tensor(shape, seed=0, converged_from=0.5, jitter=1e-7):
    """Every unit settles on one state: from ``converged_from`` of the epochs on, its slices differ
    only by ``jitter`` (converged late epochs, saturated units). ``converged_from=0`` makes every
    slice of a unit a near-duplicate of every other."""
    rng = np.random.default_rng(seed)
    E, T, U, S = shape
    X = rng.normal(size=shape)
    settled = rng.normal(size=(U, S))
    late = np.arange(E) >= round(converged_from * E)
    X[late] = settled[None, None] + jitter * rng.normal(size=(int(late.sum()), T, U, S))
    return X
