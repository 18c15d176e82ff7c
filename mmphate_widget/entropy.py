"""Entropies over an MM-PHATE embedding (spec section 4; the paper gives no formula, this is ours).

``H(points)`` is the Shannon entropy (nats) of the histogram of the pairwise Euclidean distances
among a set of points, with ``bins`` equal-width bins spanning the global [min, max] of those
distances over all sets of the same kind, so values compare across epochs. It depends on
distances only, so it is invariant to rotating and translating the embedding.

* intra-step entropy ``H_intra[e, t]``: the set is the U unit positions of slice (e, t);
* inter-step entropy ``H_inter[u, e]``: the set is the T positions of unit u within epoch e.

Falling entropy means the points collapse (compression); rising entropy means they spread out
(processing).
"""

from __future__ import annotations

import numpy as np

__all__ = ["pairwise_distance_entropy", "intrastep_entropy", "interstep_entropy"]

# Distances held at once while histogramming (float64 elements).
_CHUNK_ELEMENTS = 4_000_000


def _pairwise_distances(sets: np.ndarray) -> np.ndarray:
    """Condensed pairwise distances within each set: (n_sets, n, d) -> (n_sets, n*(n-1)/2)."""
    n = sets.shape[1]
    i, j = np.triu_indices(n, k=1)
    diff = sets[:, i, :] - sets[:, j, :]
    return np.sqrt(np.einsum("spd,spd->sp", diff, diff))


def _chunks(n_sets: int, set_size: int, dim: int):
    pairs = max(1, set_size * (set_size - 1) // 2)
    step = max(1, _CHUNK_ELEMENTS // (pairs * max(1, dim)))
    for start in range(0, n_sets, step):
        yield slice(start, min(n_sets, start + step))


def pairwise_distance_entropy(sets: np.ndarray, bins: int = 20) -> np.ndarray:
    """Entropy of the pairwise-distance histogram of each set of points.

    Parameters
    ----------
    sets : ndarray of shape (n_sets, n_points, n_dims)
        Point sets of equal size.
    bins : int, default 20
        Equal-width bins over the global [min, max] of all the sets' pairwise distances.

    Returns
    -------
    ndarray of shape (n_sets,)
        Entropy in nats; 0 for sets with fewer than two points or when all distances are equal.
    """
    sets = np.asarray(sets, dtype=np.float64)
    if sets.ndim != 3:
        raise ValueError(f"sets must have shape (n_sets, n_points, n_dims); got {sets.shape}")
    if bins < 1:
        raise ValueError(f"bins={bins} must be at least 1")
    n_sets, n_points, dim = sets.shape
    if n_points < 2 or n_sets == 0:
        return np.zeros(n_sets)
    lo, hi = np.inf, -np.inf
    for part in _chunks(n_sets, n_points, dim):
        dist = _pairwise_distances(sets[part])
        lo, hi = min(lo, dist.min()), max(hi, dist.max())
    width = (hi - lo) / bins
    entropy = np.empty(n_sets)
    for part in _chunks(n_sets, n_points, dim):
        dist = _pairwise_distances(sets[part])
        if width > 0:
            idx = np.minimum(((dist - lo) / width).astype(np.int64), bins - 1)
        else:
            idx = np.zeros(dist.shape, dtype=np.int64)
        rows = idx.shape[0]
        counts = np.bincount((idx + bins * np.arange(rows)[:, None]).ravel(), minlength=rows * bins)
        p = counts.reshape(rows, bins) / idx.shape[1]
        with np.errstate(divide="ignore", invalid="ignore"):
            entropy[part] = 0.0 - np.where(p > 0, p * np.log(p), 0.0).sum(axis=1)
    return entropy


def intrastep_entropy(embedding: np.ndarray, n_epochs: int, n_steps: int, n_units: int,
                      bins: int = 20) -> np.ndarray:
    """Entropy of the unit positions within each slice; shape (n_epochs, n_steps)."""
    points = np.asarray(embedding).reshape(n_epochs * n_steps, n_units, -1)
    return pairwise_distance_entropy(points, bins).reshape(n_epochs, n_steps)


def interstep_entropy(embedding: np.ndarray, n_epochs: int, n_steps: int, n_units: int,
                      bins: int = 20) -> np.ndarray:
    """Entropy of each unit's T positions within each epoch; shape (n_units, n_epochs)."""
    points = np.asarray(embedding).reshape(n_epochs, n_steps, n_units, -1)
    sets = np.transpose(points, (2, 0, 1, 3)).reshape(n_units * n_epochs, n_steps, -1)
    return pairwise_distance_entropy(sets, bins).reshape(n_units, n_epochs)
