"""How stable the unit clusters are (our addition to spec section 5; the paper reports none).

k-means always returns k clusters, structure or not. To tell a real split from an arbitrary one,
the clustering is repeated on bootstrap replicates of what it is estimated from, and compared
with the full clustering. Each replicate resamples, with replacement,

* the units (the objects being clustered, as in Hennig's ``clusterboot``, 2007): a unit's
  cluster should not depend on which other units happen to be there;
* the time steps of every epoch, from which the inter-step entropies are recomputed on the
  fitted embedding (:func:`mmphate_widget.engine.entropy.interstep_entropy_bootstrap`; PHATE is not
  refitted): the entropies' own estimation noise.

Each replicate is clustered with the same k-means procedure and the same k as the full data
(:func:`mmphate_widget.engine.cluster.cluster_units`); replicate clusters are matched to full ones by
Hungarian matching on the contingency table of the drawn units. Reported:

* ``stability``: the mean adjusted Rand index between replicate and full clusterings over the
  drawn units, clipped to [0, 1]: 1 when every replicate reproduces the clusters, near 0 when
  the split is no better than chance. 1 by definition when k = 1.
* ``unit_confidence``: per unit, the fraction of the replicates that drew it in which it lands
  in its own (matched) cluster.

Resampling the time steps alone is not enough: on a 16-unit GRU (sktime's BasicMotions) whose
two clusters changed with the MM-PHATE settings, the step bootstrap reproduced the default fit's
3 / 13 split every time (stability 1.0), because 100 steps pin each entropy down well;
resampling the units as well gives 0.54 to 0.83 on five settings' embeddings, against 1.0 for
the planted groups of ``simulate_rnn_training`` and 0.1 to 0.3 for a split of structureless
units. The replicates do not refit MM-PHATE, so they cannot show how the clusters depend on its
settings: clusters that fail here are not real, clusters that pass are worth checking under
other settings.
:data:`STABILITY_LEVELS` (shared with the widget through ``contract.json``) names the
readings: below 0.6 unstable, below 0.85 weak.
"""

from __future__ import annotations

import warnings
from typing import Any, NamedTuple

import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import adjusted_rand_score
from threadpoolctl import threadpool_limits

from ..contract import CONTRACT
from .cluster import _kmeans, cluster_features

__all__ = ["STABILITY_LEVELS", "ClusterStability", "cluster_stability", "stability_level"]

#: Thresholds for reading a stability value, shared with the widget (``contract.json``):
#: ``{"unstable_below": 0.6, "stable_from": 0.85}``. On the adjusted Rand index, 0.6 is about
#: one unit in eight changing cluster between replicates.
STABILITY_LEVELS: dict[str, float] = dict(CONTRACT["cluster_stability"])


def stability_level(stability: float) -> str:
    """``"unstable"``, ``"weak"`` or ``"stable"``: how to read a stability value."""
    if stability < STABILITY_LEVELS["unstable_below"]:
        return "unstable"
    return "weak" if stability < STABILITY_LEVELS["stable_from"] else "stable"


class ClusterStability(NamedTuple):
    """Result of :func:`cluster_stability`."""

    stability: float
    """Mean adjusted Rand index between replicate and full clusterings, in [0, 1]."""
    unit_confidence: np.ndarray
    """(n_units,) fraction of the replicates drawing each unit in which it stays in its cluster."""


def cluster_stability(
    replicates: Any,
    clusters: Any,
    *,
    n_init: int = 10,
    random_state: int | None = 0,
) -> ClusterStability:
    """Stability of a unit clustering over bootstrap replicates of units and time steps.

    Replicate b clusters ``replicates[b]`` (its own time-step draw) restricted to a bootstrap
    draw of the units; see the module docstring for what is compared.

    Parameters
    ----------
    replicates : array-like of shape (n_bootstrap, n_units, n_epochs)
        Inter-step entropy replicates over resampled time steps, from
        :func:`~mmphate_widget.engine.entropy.interstep_entropy_bootstrap`.
    clusters : array-like of int of shape (n_units,)
        The full clustering, ids 0..k-1 (``unit_clusters_``).
    n_init : int, default 10
        k-means restarts, as for the full clustering.
    random_state : int or None, default 0
        Seeds the unit draws (a stream independent of the time-step draws made with the same
        seed) and k-means, as for the full clustering.

    Returns
    -------
    ClusterStability
        ``stability`` (float in [0, 1]) and ``unit_confidence`` (ndarray of shape (n_units,)).
    """
    reps = np.asarray(replicates, dtype=np.float64)
    labels = np.asarray(clusters, dtype=np.int64)
    if reps.ndim != 3 or labels.shape != reps.shape[1:2] or len(reps) == 0:
        raise ValueError(
            f"replicates must have shape (n_bootstrap >= 1, n_units, n_epochs) and clusters shape "
            f"(n_units,); got {reps.shape} and {labels.shape}"
        )
    n_units = labels.size
    k = int(labels.max()) + 1 if n_units else 1
    if k == 1:
        return ClusterStability(1.0, np.ones(n_units))
    rng = np.random.default_rng(np.random.SeedSequence(random_state).spawn(1)[0])
    stays = np.zeros(n_units)
    drawn = np.zeros(n_units)
    scores = np.empty(len(reps))
    with threadpool_limits(1), warnings.catch_warnings():
        # A draw with fewer distinct units than k makes k-means warn; the replicate still says
        # how the drawn units split.
        warnings.simplefilter("ignore", ConvergenceWarning)
        for b, rep in enumerate(reps):
            draw = rng.integers(0, n_units, size=n_units)
            raw = _kmeans(cluster_features(rep[draw]), k, n_init, random_state).labels_
            units, first = np.unique(draw, return_index=True)
            raw, full = raw[first], labels[units]
            scores[b] = adjusted_rand_score(full, raw)
            table = np.bincount(full * k + raw, minlength=k * k).reshape(k, k)
            full_ids, rep_ids = linear_sum_assignment(table, maximize=True)
            to_full = np.empty(k, dtype=np.int64)
            to_full[rep_ids] = full_ids
            stays[units] += to_full[raw] == full
            drawn[units] += 1
    confidence = stays / np.maximum(drawn, 1)
    return ClusterStability(float(np.clip(scores.mean(), 0.0, 1.0)), confidence)
