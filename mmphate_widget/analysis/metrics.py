"""Neighbourhood preservation of an embedding (spec section 6).

For each point, the fraction of its k nearest neighbours in the normalised sample space that are
also among its k nearest neighbours in the embedding (self excluded), averaged over points:

* intra: neighbours among the units of the same slice (k is capped at n_units - 1);
* inter: neighbours among the slices of the same unit (k is capped at n_slices - 1).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from sklearn.neighbors import NearestNeighbors

from ..engine.kernel import node_features

__all__ = ["group_preservation", "neighborhood_preservation", "neighbourhood_preservation"]


def _knn_sets(points: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k nearest other points of every point in each group.

    points: (n_groups, n, d) -> (n_groups, n, k)
    """
    n_groups, n, _ = points.shape
    if n <= 64:  # small groups: batched exact distances
        diff = points[:, :, None, :] - points[:, None, :, :]
        dist = np.einsum("gijd,gijd->gij", diff, diff)
        dist[:, np.arange(n), np.arange(n)] = np.inf
        idx = np.argsort(dist, axis=-1, kind="stable")[..., :k]
        return idx
    out = np.empty((n_groups, n, k), dtype=np.int64)
    for g in range(n_groups):
        nn = NearestNeighbors(n_neighbors=k + 1).fit(points[g])
        idx = nn.kneighbors(return_distance=False, n_neighbors=k)
        out[g] = idx
    return out


def group_preservation(high: np.ndarray, low: np.ndarray, k: int) -> float:
    """Mean k-NN overlap between two representations of the same point groups.

    Parameters
    ----------
    high, low : ndarray of shape (n_groups, n_points, d_high) and (n_groups, n_points, d_low)
    k : int

    Returns
    -------
    float in [0, 1]
    """
    n = high.shape[1]
    k = min(k, n - 1)
    if k < 1:
        return float("nan")
    a = _knn_sets(high, k)
    b = _knn_sets(low, k)
    hits = 0
    for g in range(a.shape[0]):  # one group at a time keeps the (n, k, k) comparison small
        hits += int((a[g][:, :, None] == b[g][:, None, :]).any(-1).sum())
    return hits / (a.shape[0] * a.shape[1] * k)


def neighborhood_preservation(
    hidden_states: np.ndarray,
    embedding: np.ndarray,
    ks: Iterable[int] = (10, 40),
    n_pca: int | None = 100,
) -> dict[str, float]:
    """Intra- and inter-step neighbourhood preservation of an embedding of a hidden-state tensor.

    Parameters
    ----------
    hidden_states : ndarray of shape (n_epochs, n_steps, n_units, n_samples)
    embedding : ndarray of shape (n_nodes, d)
        In the node order ``(e*T + t)*U + u``.
    ks : iterable of int, default (10, 40)
    n_pca : int or None, default 100
        Same feature projection as the kernel uses.

    Returns
    -------
    dict
        ``{"intra@10": ..., "inter@10": ..., "intra@40": ..., "inter@40": ...}``.
    """
    data = np.asarray(hidden_states, dtype=np.float64)
    n_epochs, n_steps, n_units, _ = data.shape
    features = node_features(data, n_pca)  # (slices, units, f)
    emb = np.asarray(embedding, dtype=np.float64).reshape(n_epochs * n_steps, n_units, -1)
    if emb.shape[0] * emb.shape[1] != features.shape[0] * features.shape[1]:
        raise ValueError("embedding must have one row per node of hidden_states")
    out: dict[str, float] = {}
    for k in ks:
        out[f"intra@{k}"] = group_preservation(features, emb, k)
        out[f"inter@{k}"] = group_preservation(np.swapaxes(features, 0, 1), np.swapaxes(emb, 0, 1), k)
    return out


#: British spelling, kept as an alias of :func:`neighborhood_preservation` (the name before 0.1.0).
neighbourhood_preservation = neighborhood_preservation
