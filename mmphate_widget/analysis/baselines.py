"""Baseline embeddings of the same tensor: PCA, t-SNE and Isomap (the paper's comparisons).

Each treats the (E*T*U) x S matrix of normalised node rows as ordinary data, so the result has
one row per node in the same node order as MM-PHATE and can be scored with
:func:`mmphate_widget.analysis.metrics.neighborhood_preservation`.
"""

from __future__ import annotations

import numpy as np
from sklearn.decomposition import PCA
from sklearn.manifold import TSNE, Isomap

from ..engine.kernel import node_features

__all__ = ["BASELINES", "baseline_embedding"]

BASELINES = ("pca", "tsne", "isomap")
# Isomap keeps a dense N x N geodesic matrix; beyond this it would not fit in memory.
MAX_ISOMAP_NODES = 20_000


def baseline_embedding(
    hidden_states: np.ndarray,
    method: str = "pca",
    *,
    n_components: int = 3,
    random_state: int | None = 0,
    n_pca: int | None = 100,
    **kwargs,
) -> np.ndarray:
    """Embed the nodes of a hidden-state tensor with a baseline method.

    Parameters
    ----------
    hidden_states : ndarray of shape (n_epochs, n_steps, n_units, n_samples)
    method : {"pca", "tsne", "isomap"}
    n_components : int, default 3
    random_state : int or None, default 0
    n_pca : int or None, default 100
        Features are normalised (and projected) exactly as for MM-PHATE.
    **kwargs
        Passed on to the scikit-learn estimator (e.g. ``perplexity`` for t-SNE,
        ``n_neighbors`` for Isomap).

    Returns
    -------
    ndarray of shape (n_nodes, n_components)
    """
    data = np.asarray(hidden_states, dtype=np.float64)
    if data.ndim != 4:
        raise ValueError(f"hidden_states must have shape (epochs, steps, units, samples); got {data.shape}")
    features = node_features(data, n_pca)
    rows = features.reshape(-1, features.shape[-1])
    n_nodes = rows.shape[0]
    if method == "pca":
        return PCA(n_components=n_components, random_state=random_state, **kwargs).fit_transform(rows)
    if method == "tsne":
        kwargs.setdefault("init", "pca")
        return TSNE(
            n_components=n_components,
            random_state=random_state,
            method="barnes_hut" if n_components < 4 else "exact",
            **kwargs,
        ).fit_transform(rows)
    if method == "isomap":
        if n_nodes > MAX_ISOMAP_NODES:
            raise ValueError(
                f"Isomap needs a dense {n_nodes} x {n_nodes} geodesic matrix; above "
                f"{MAX_ISOMAP_NODES} nodes it does not fit in memory. Subsample epochs or steps first "
                "(e.g. hidden_states[::4])."
            )
        return Isomap(n_components=n_components, **kwargs).fit_transform(rows)
    raise ValueError(f"method={method!r} is not a baseline; choose one of {BASELINES}.")
