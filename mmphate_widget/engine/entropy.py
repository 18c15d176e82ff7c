"""Entropies over an MM-PHATE embedding (spec section 4; the paper gives no formula, this is ours).

``H(points)`` is the Shannon entropy (nats) of the histogram of the pairwise Euclidean distances
among a set of points, with ``bins`` equal-width bins spanning the global [min, max] of those
distances over all sets of the same kind, so values compare across epochs. It depends on
distances only, so it is invariant to rotating and translating the embedding.

* intra-step entropy ``H_intra[e, t]``: the set is the U unit positions of slice (e, t);
* inter-step entropy ``H_inter[u, e]``: the set is the T positions of unit u within epoch e.

Falling entropy means the points collapse (compression); rising entropy means they spread out
(processing).

:func:`interstep_entropy_bootstrap` also returns bootstrap replicates of the inter-step entropy
(time steps resampled within each epoch, from the same embedding and the same global bins), from
which :mod:`mmphate_widget.engine.cluster_stability` measures how stable the unit clusters are.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

__all__ = [
    "interstep_entropy",
    "interstep_entropy_bootstrap",
    "intrastep_entropy",
    "pairwise_distance_entropy",
]

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


def _distance_range(sets: np.ndarray) -> tuple[float, float]:
    """Smallest and largest pairwise distance within any of the sets."""
    n_sets, n_points, dim = sets.shape
    lo, hi = np.inf, -np.inf
    for part in _chunks(n_sets, n_points, dim):
        dist = _pairwise_distances(sets[part])
        lo, hi = min(lo, dist.min()), max(hi, dist.max())
    return float(lo), float(hi)


def _bin_index(dist: np.ndarray, lo: float, hi: float, bins: int) -> np.ndarray:
    """Bin of each distance among ``bins`` equal-width bins over [lo, hi] (all in bin 0 if lo == hi)."""
    width = (hi - lo) / bins
    if width > 0:
        return np.minimum(((dist - lo) / width).astype(np.int64), bins - 1)
    return np.zeros(dist.shape, dtype=np.int64)


def _histogram_entropy(counts: np.ndarray, axis: int = -1) -> np.ndarray:
    """Shannon entropy (nats) of histograms along ``axis``; 0 for an empty histogram."""
    total = counts.sum(axis=axis, keepdims=True)
    p = counts / np.where(total > 0, total, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return 0.0 - np.where(p > 0, p * np.log(p), 0.0).sum(axis=axis)


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
    lo, hi = _distance_range(sets)
    entropy = np.empty(n_sets)
    for part in _chunks(n_sets, n_points, dim):
        idx = _bin_index(_pairwise_distances(sets[part]), lo, hi, bins)
        rows = idx.shape[0]
        counts = np.bincount((idx + bins * np.arange(rows)[:, None]).ravel(), minlength=rows * bins)
        entropy[part] = _histogram_entropy(counts.reshape(rows, bins))
    return entropy


def intrastep_entropy(
    embedding: np.ndarray, n_epochs: int, n_steps: int, n_units: int, bins: int = 20
) -> np.ndarray:
    """Entropy of the unit positions within each slice; shape (n_epochs, n_steps)."""
    points = np.asarray(embedding).reshape(n_epochs * n_steps, n_units, -1)
    return pairwise_distance_entropy(points, bins).reshape(n_epochs, n_steps)


def interstep_entropy(
    embedding: np.ndarray, n_epochs: int, n_steps: int, n_units: int, bins: int = 20
) -> np.ndarray:
    """Entropy of each unit's T positions within each epoch; shape (n_units, n_epochs)."""
    points = np.asarray(embedding).reshape(n_epochs, n_steps, n_units, -1)
    sets = np.transpose(points, (2, 0, 1, 3)).reshape(n_units * n_epochs, n_steps, -1)
    return pairwise_distance_entropy(sets, bins).reshape(n_units, n_epochs)


def interstep_entropy_bootstrap(
    embedding: np.ndarray,
    n_epochs: int,
    n_steps: int,
    n_units: int,
    bins: int = 20,
    *,
    n_bootstrap: int = 50,
    random_state: int | None = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Inter-step entropy and bootstrap replicates of it over the time steps (our choice).

    Each replicate draws, within every epoch, ``n_steps`` time steps with replacement (one draw
    per epoch, shared by all units, so the units stay comparable) and recomputes every unit's
    inter-step entropy from the embedding's positions at the drawn steps, with the same global
    histogram bins as the full estimate. Pairs of two copies of the same step are left out: their
    distance is 0 and would pile up in the first bin. A replicate is therefore the histogram of
    the original pairs of distinct steps, each weighted by how often both of its steps were drawn,
    computed for all replicates at once as one sparse product per epoch from the distances of the
    full estimate (no extra distance pass). Nothing is refitted.

    The bootstrap of the units, the other half of the cluster stability, happens in
    :func:`mmphate_widget.engine.cluster_stability.cluster_stability`.

    Parameters
    ----------
    embedding : ndarray of shape (n_epochs * n_steps * n_units, n_dims)
        The embedding, in node order ``(e * n_steps + t) * n_units + u``.
    n_epochs, n_steps, n_units : int
    bins : int, default 20
    n_bootstrap : int, default 50
        Number of replicates.
    random_state : int or None, default 0
        Seed of the resampling.

    Returns
    -------
    entropy : ndarray of shape (n_units, n_epochs)
        Identical to :func:`interstep_entropy`.
    replicates : ndarray of shape (n_bootstrap, n_units, n_epochs)
        The inter-step entropy of each replicate.
    """
    if bins < 1:
        raise ValueError(f"bins={bins} must be at least 1")
    if n_bootstrap < 1:
        raise ValueError(f"n_bootstrap={n_bootstrap} must be at least 1")
    points = np.asarray(embedding, dtype=np.float64).reshape(n_epochs, n_steps, n_units, -1)
    entropy = np.zeros((n_units, n_epochs))
    replicates = np.zeros((n_bootstrap, n_units, n_epochs))
    if n_steps < 2 or n_units == 0:
        return entropy, replicates
    dim = points.shape[-1]
    lo, hi = _distance_range(np.transpose(points, (2, 0, 1, 3)).reshape(n_units * n_epochs, n_steps, dim))
    rng = np.random.default_rng(random_state)
    draws = rng.multinomial(n_steps, np.full(n_steps, 1.0 / n_steps), size=(n_epochs, n_bootstrap))
    first, second = np.triu_indices(n_steps, k=1)
    n_pairs = first.size
    for e in range(n_epochs):
        # Weight of each pair of distinct steps in each replicate, (n_pairs, n_bootstrap). float32
        # sums of these integer weights are exact while n_steps**2 / 2 < 2**24 (n_steps < 5792).
        weights = np.ascontiguousarray((draws[e][:, first] * draws[e][:, second]).T, dtype=np.float32)
        sets = np.transpose(points[e], (1, 0, 2))  # (n_units, n_steps, dim)
        for part in _chunks(n_units, n_steps, dim):
            idx = _bin_index(_pairwise_distances(sets[part]), lo, hi, bins)  # (units, pairs)
            rows = idx.shape[0]
            # One-hot (unit, bin) x pair matrix: column p holds one entry per unit, at its pair's bin.
            onehot = sparse.csc_matrix(
                (
                    np.ones(rows * n_pairs, dtype=np.float32),
                    (idx.T + bins * np.arange(rows)).ravel(),
                    np.arange(n_pairs + 1) * rows,
                ),
                shape=(rows * bins, n_pairs),
            )
            full = np.bincount((idx + bins * np.arange(rows)[:, None]).ravel(), minlength=rows * bins)
            entropy[part, e] = _histogram_entropy(full.reshape(rows, bins))
            boot = (onehot @ weights).reshape(rows, bins, n_bootstrap)
            replicates[:, part, e] = _histogram_entropy(boot.astype(np.float64), axis=1).T
    return entropy, replicates
