"""Unit clusters from inter-step entropy trajectories (spec section 5).

Each unit is described by its inter-step entropy over the epochs; every epoch column is z-scored
across units, then k-means groups the units. Cluster ids are ordered by descending mean
inter-step entropy, so cluster 0 is the most "active" one.
"""

from __future__ import annotations

import numpy as np
from sklearn.cluster import KMeans

__all__ = ["cluster_units"]


def cluster_units(
    interstep_entropy: np.ndarray,
    n_clusters: int = 2,
    *,
    n_init: int = 10,
    random_state: int | None = 0,
) -> np.ndarray:
    """Cluster units by their inter-step entropy trajectories.

    Parameters
    ----------
    interstep_entropy : ndarray of shape (n_units, n_epochs)
    n_clusters : int, default 2
    n_init : int, default 10
        k-means restarts.
    random_state : int or None, default 0

    Returns
    -------
    ndarray of int64 of shape (n_units,)
        Cluster id per unit; id 0 has the highest mean inter-step entropy.
    """
    traj = np.asarray(interstep_entropy, dtype=np.float64)
    if traj.ndim != 2:
        raise ValueError(f"interstep_entropy must have shape (n_units, n_epochs); got {traj.shape}")
    n_units = traj.shape[0]
    if not 1 <= n_clusters <= n_units:
        raise ValueError(f"n_clusters={n_clusters} must be between 1 and the number of units ({n_units}).")
    centred = traj - traj.mean(axis=0)
    std = centred.std(axis=0)
    features = centred / np.where(std > 0, std, 1.0)
    raw = KMeans(n_clusters=n_clusters, n_init=n_init, random_state=random_state).fit_predict(features)
    activity = np.array([traj[raw == c].mean() if np.any(raw == c) else -np.inf for c in range(n_clusters)])
    order = np.argsort(-activity, kind="stable")
    rank = np.empty(n_clusters, dtype=np.int64)
    rank[order] = np.arange(n_clusters)
    return rank[raw]
