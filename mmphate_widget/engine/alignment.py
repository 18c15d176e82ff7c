"""Keep successive fits comparable: align embeddings on shared nodes, keep unit cluster ids.

When MM-PHATE is refitted on a growing recording (more epochs), the new embedding is a new
MDS solution: rotated, reflected, shifted and rescaled at will, and k-means numbers its clusters
afresh. :func:`align_embedding` maps it onto the previous one by orthogonal Procrustes on the
nodes both fits share, and :func:`match_cluster_ids` renumbers the new clusters so that each keeps
the id of the old cluster it overlaps most.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import orthogonal_procrustes
from scipy.optimize import linear_sum_assignment

__all__ = ["align_embedding", "match_cluster_ids"]


def align_embedding(previous: np.ndarray, current: np.ndarray, shared: int | np.ndarray) -> np.ndarray:
    """``current`` moved onto ``previous`` by a similarity transform fitted on the shared nodes.

    The transform (translation, rotation or reflection, one uniform scale) minimises the squared
    distance between the shared nodes of the two embeddings (orthogonal Procrustes) and is applied
    to every node of ``current``, so new nodes move with the old ones.

    Parameters
    ----------
    previous : ndarray of shape (n_previous, d)
    current : ndarray of shape (n_current, d)
    shared : int or ndarray of int
        The shared nodes: an int ``n`` means rows ``0..n-1`` of both (a recording that grew by
        epochs, with the epoch-major node order); an index array gives rows of ``current`` that
        match rows ``0..len-1`` of ``previous``.

    Returns
    -------
    ndarray of shape (n_current, d), float64
    """
    previous = np.asarray(previous, dtype=np.float64)
    current = np.asarray(current, dtype=np.float64)
    if previous.ndim != 2 or current.ndim != 2 or previous.shape[1] != current.shape[1]:
        raise ValueError(
            f"embeddings must be 2-D with the same number of dimensions; got {previous.shape} "
            f"and {current.shape}."
        )
    if np.ndim(shared) == 0:
        n = int(shared)
        if not 0 <= n <= min(len(previous), len(current)):
            raise ValueError(f"shared={n} nodes, but the embeddings have {len(previous)} and {len(current)}.")
        target, source = previous[:n], current[:n]
    else:
        index = np.asarray(shared, dtype=np.int64)
        target, source = previous[: len(index)], current[index]
    if len(source) < current.shape[1] + 1:
        return current.copy()  # too few shared nodes to fix a transform: leave the new fit as it is
    source_mean, target_mean = source.mean(axis=0), target.mean(axis=0)
    source_c, target_c = source - source_mean, target - target_mean
    rotation, singular_sum = orthogonal_procrustes(source_c, target_c)
    norm = float(np.sum(source_c**2))
    scale = singular_sum / norm if norm > 0 else 1.0
    return (current - source_mean) @ rotation * scale + target_mean


def match_cluster_ids(previous: np.ndarray, current: np.ndarray) -> np.ndarray:
    """``current`` cluster labels renumbered to agree with ``previous`` as far as possible.

    New clusters are matched one to one with old clusters to maximise the number of units whose
    id does not change (Hungarian assignment on the overlap counts); a new cluster with no old
    partner gets the smallest id that no matched cluster uses. Units that stayed together keep
    their id.

    Parameters
    ----------
    previous, current : ndarray of int of shape (n_units,)
        Cluster ids of the same units in the previous and the new fit.

    Returns
    -------
    ndarray of int64 of shape (n_units,)
    """
    previous = np.asarray(previous, dtype=np.int64)
    current = np.asarray(current, dtype=np.int64)
    if previous.shape != current.shape or previous.ndim != 1:
        raise ValueError(
            f"cluster labels must be 1-D and of the same length; got {previous.shape} and {current.shape}."
        )
    if previous.size == 0:
        return current.copy()
    old_ids, new_ids = np.unique(previous), np.unique(current)
    overlap = np.zeros((len(new_ids), len(old_ids)), dtype=np.int64)
    np.add.at(overlap, (np.searchsorted(new_ids, current), np.searchsorted(old_ids, previous)), 1)
    rows, cols = linear_sum_assignment(overlap, maximize=True)
    mapping = {int(new_ids[r]): int(old_ids[c]) for r, c in zip(rows, cols, strict=True) if overlap[r, c] > 0}
    used = set(mapping.values())
    free = (i for i in range(len(new_ids) + len(old_ids)) if i not in used)
    for new in new_ids.tolist():
        if new not in mapping:
            mapping[new] = next(free)
    return np.array([mapping[c] for c in current.tolist()], dtype=np.int64)
