"""Unit clusters from inter-step entropy trajectories (spec section 5).

Each unit is described by its inter-step entropy over the epochs; every epoch column is z-scored
across units, then k-means groups the units. Cluster ids are ordered by descending mean
inter-step entropy, so cluster 0 is the most "active" one.

``n_clusters="auto"`` picks the number of clusters with the gap statistic (Tibshirani, Walther &
Hastie 2001; our choice, the spec keeps ``n_clusters=2``): the within-cluster dispersion of the
z-scored trajectories is compared with that of reference sets drawn uniformly in the box spanned
by their principal axes, and the smallest k that the next k does not beat by more than one
standard error is kept. k = 1 (no structure) is a possible answer.
"""

from __future__ import annotations

import logging
import numbers
from typing import Any

import numpy as np
from sklearn.cluster import KMeans
from threadpoolctl import threadpool_limits

__all__ = ["choose_n_clusters", "cluster_features", "cluster_units", "validate_n_clusters"]

logger = logging.getLogger(__name__)

#: Largest k that ``n_clusters="auto"`` considers.
MAX_AUTO_CLUSTERS = 8


def validate_n_clusters(n_clusters: Any, n_units: int) -> None:
    """Check an ``n_clusters`` value: ``"auto"`` or an integer in ``[1, n_units]``.

    Raises
    ------
    ValueError
        Naming the bad value and what to pass instead.
    """
    if isinstance(n_clusters, str) and n_clusters == "auto":
        return
    if (
        isinstance(n_clusters, bool)
        or not isinstance(n_clusters, numbers.Integral)
        or not 1 <= n_clusters <= n_units
    ):
        raise ValueError(
            f"n_clusters={n_clusters!r} must be between 1 and the number of units ({n_units}), "
            "or 'auto' to choose it from the data."
        )


def _trajectories(interstep_entropy: Any) -> np.ndarray:
    traj = np.asarray(interstep_entropy, dtype=np.float64)
    if traj.ndim != 2:
        raise ValueError(f"interstep_entropy must have shape (n_units, n_epochs); got {traj.shape}")
    return traj


def cluster_features(interstep_entropy: Any) -> np.ndarray:
    """The features k-means sees: each epoch column z-scored across units.

    Parameters
    ----------
    interstep_entropy : array-like of shape (n_units, n_epochs)

    Returns
    -------
    ndarray of shape (n_units, n_epochs)
        Columns with zero spread are centred only.
    """
    traj = _trajectories(interstep_entropy)
    centred = traj - traj.mean(axis=0)
    std = centred.std(axis=0)
    return centred / np.where(std > 0, std, 1.0)


def _kmeans(features: np.ndarray, n_clusters: int, n_init: int, random_state: int | None) -> KMeans:
    """k-means as the spec fixes it. Callers run it under ``threadpool_limits(1)``: on a few
    dozen units, threads only add overhead (one thread is about 5x faster)."""
    return KMeans(n_clusters=n_clusters, n_init=n_init, random_state=random_state).fit(features)


def _ordered_labels(traj: np.ndarray, raw: np.ndarray, n_clusters: int) -> np.ndarray:
    """Relabel so that id 0 has the highest mean inter-step entropy."""
    activity = np.array([traj[raw == c].mean() if np.any(raw == c) else -np.inf for c in range(n_clusters)])
    order = np.argsort(-activity, kind="stable")
    rank = np.empty(n_clusters, dtype=np.int64)
    rank[order] = np.arange(n_clusters)
    return rank[raw]


def choose_n_clusters(
    interstep_entropy: Any,
    *,
    max_clusters: int = MAX_AUTO_CLUSTERS,
    n_references: int = 20,
    n_init: int = 10,
    random_state: int | None = 0,
) -> int:
    """Number of unit clusters by the gap statistic with the one-standard-error rule.

    For k = 1, 2, ... the log within-cluster sum of squares of k-means on the z-scored
    trajectories (:func:`cluster_features`) is compared with its mean over ``n_references``
    reference sets drawn uniformly in the box aligned with the features' principal axes
    (Tibshirani, Walther & Hastie 2001, reference "b"): ``gap(k) = mean(log W*_k) - log W_k``,
    with ``s(k) = sd(log W*_k) * sqrt(1 + 1 / n_references)``. The answer is the smallest k with
    ``gap(k) >= gap(k + 1) - s(k + 1)`` (their rule), so 1 when the units show no cluster
    structure; the scan stops there.

    It gives small answers where they are due (2 for the planted groups of
    :func:`~mmphate_widget.analysis.synthetic.simulate_rnn_training`, 1 for a 16-unit GRU whose two
    clusters changed with the MM-PHATE settings), where the rule that looks for the largest gap
    (Dudoit & Fridlyand 2002) splits off small groups of units, up to k = 7 on those planted
    groups. Its known weakness: it stops early when a
    split in two explains no more than it does in the reference, e.g. for three equal groups
    evenly spaced along one direction, or four in a symmetric arrangement; pass an explicit
    ``n_clusters`` when you expect such structure.

    Parameters
    ----------
    interstep_entropy : array-like of shape (n_units, n_epochs)
    max_clusters : int, default 8
        Largest k considered; capped at ``n_units - 1`` (with one unit per cluster there is no
        dispersion left to compare) and at the number of distinct trajectories.
    n_references : int, default 20
        Reference sets.
    n_init : int, default 10
        k-means restarts, for the data and the references alike.
    random_state : int or None, default 0
        Seeds the reference sets and k-means.

    Returns
    -------
    int
        The chosen k, between 1 and ``max_clusters``.
    """
    features = cluster_features(interstep_entropy)
    n_units = features.shape[0]
    if isinstance(max_clusters, bool) or not isinstance(max_clusters, numbers.Integral) or max_clusters < 1:
        raise ValueError(f"max_clusters={max_clusters!r} must be a positive integer.")
    if isinstance(n_references, bool) or not isinstance(n_references, numbers.Integral) or n_references < 2:
        raise ValueError(f"n_references={n_references!r} must be an integer >= 2.")
    # more clusters than distinct trajectories leave some empty (k-means warns)
    k_max = min(int(max_clusters), n_units - 1, len(np.unique(features, axis=0)))
    if k_max < 2:
        return 1
    # Principal axes of the (column-centred) features; W_k does not change under rotation, so
    # the data and the references are clustered in these coordinates.
    _, _, axes = np.linalg.svd(features, full_matrices=False)
    coords = features @ axes.T
    lo, hi = coords.min(axis=0), coords.max(axis=0)
    rng = np.random.default_rng(random_state)
    references = lo + (hi - lo) * rng.random((n_references, *coords.shape))
    tiny = np.finfo(np.float64).tiny

    def log_dispersion(points: np.ndarray, k: int) -> float:
        if k == 1:
            inertia = float(((points - points.mean(axis=0)) ** 2).sum())
        else:
            inertia = float(_kmeans(points, k, n_init, random_state).inertia_)
        return float(np.log(max(inertia, tiny)))

    gaps: list[float] = []
    chosen = k_max
    with threadpool_limits(1):
        for k in range(1, k_max + 1):
            ref = np.array([log_dispersion(r, k) for r in references])
            gaps.append(float(ref.mean()) - log_dispersion(coords, k))
            spread = float(ref.std()) * np.sqrt(1.0 + 1.0 / n_references)
            if k >= 2 and gaps[-2] >= gaps[-1] - spread:
                chosen = k - 1
                break
    logger.info(
        "n_clusters='auto': the gap statistic chose %d unit cluster(s) (gap by k: %s).",
        chosen,
        ", ".join(f"{k}: {g:.3f}" for k, g in enumerate(gaps, start=1)),
    )
    return chosen


def cluster_units(
    interstep_entropy: Any,
    n_clusters: int | str = 2,
    *,
    n_init: int = 10,
    random_state: int | None = 0,
) -> np.ndarray:
    """Cluster units by their inter-step entropy trajectories.

    Parameters
    ----------
    interstep_entropy : array-like of shape (n_units, n_epochs)
    n_clusters : int or "auto", default 2
        "auto" chooses k with the gap statistic (:func:`choose_n_clusters`, logged at INFO).
    n_init : int, default 10
        k-means restarts.
    random_state : int or None, default 0

    Returns
    -------
    ndarray of int64 of shape (n_units,)
        Cluster id per unit; id 0 has the highest mean inter-step entropy.
    """
    traj = _trajectories(interstep_entropy)
    validate_n_clusters(n_clusters, traj.shape[0])
    if isinstance(n_clusters, str):  # "auto", validated above
        n_clusters = choose_n_clusters(traj, n_init=n_init, random_state=random_state)
    k = int(n_clusters)
    features = cluster_features(traj)
    distinct = len(np.unique(features, axis=0))
    if distinct < k:
        # k-means would return empty clusters (with scikit-learn's ConvergenceWarning)
        logger.warning(
            "Only %d of the %d units' inter-step entropy trajectories differ, so they form %d "
            "cluster%s, not %d. (For instance, with 2 time steps every inter-step entropy is 0: "
            "one distance per unit and epoch.)",
            distinct,
            traj.shape[0],
            distinct,
            "" if distinct == 1 else "s",
            k,
        )
        k = distinct
    with threadpool_limits(1):
        raw = _kmeans(features, k, n_init, random_state).labels_
    return _ordered_labels(traj, raw, k)
