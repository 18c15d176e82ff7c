"""Metric MDS of the PHATE potential, as phate runs it, with a leaner SMACOF.

phate embeds the (landmark) potential by classical MDS, refines that with metric MDS (its own
stochastic gradient descent, or scikit-learn's SMACOF), and rotates the result onto the classical
solution (``phate.mds.embed_MDS``). m-phate uses SMACOF, which converges to a stationary point of
the stress; phate's SGD runs a fixed schedule and can stop short of one (it then warns), which
measurably costs neighbourhood preservation on some real networks (bench/RESULTS.md).

scikit-learn's SMACOF allocates six N x N float temporaries per iteration (0.8 GB per iteration at
4000 points) and passes over them a dozen times. :func:`smacof` runs the same Guttman transform
with the same stopping rule in two preallocated N x N buffers, distances from exact differences
(``scipy.spatial.distance.cdist``): the same iterates to rounding, 2.3x faster per iteration at
2000 points and 3x at 4000, without the temporaries.
"""

from __future__ import annotations

import logging
import time

import numpy as np
import phate.mds
import scipy.spatial
from scipy.spatial.distance import cdist, pdist, squareform

__all__ = ["smacof", "smacof_embedding"]

logger = logging.getLogger(__name__)


def smacof(
    dissimilarities: np.ndarray, init: np.ndarray, max_iter: int = 3000, eps: float = 1e-6
) -> tuple[np.ndarray, float, int]:
    """Metric SMACOF from ``init``: scikit-learn's ``_smacof_single`` (metric, unit weights), leaner.

    Parameters
    ----------
    dissimilarities : ndarray of shape (n, n)
        Symmetric, zero diagonal.
    init : ndarray of shape (n, d)
        Starting configuration.
    max_iter : int, default 3000
        phate's setting (scikit-learn's default is 300).
    eps : float, default 1e-6
        Stop when the stress falls by less than ``eps`` times half the sum of squared distances
        in one iteration (scikit-learn's rule).

    Returns
    -------
    (embedding, stress, n_iter)
        The configuration after the last iteration, its raw stress
        (``sum over i<j of (d_ij - delta_ij)**2``) and the number of iterations run.
    """
    delta = np.asarray(dissimilarities, dtype=np.float64)
    n = delta.shape[0]
    X = np.array(init, dtype=np.float64)
    dist = np.empty((n, n))
    work = np.empty((n, n))
    cdist(X, X, out=dist)
    old_stress = None
    stress, n_iter = 0.0, 0
    while n_iter < max_iter:
        n_iter += 1
        dist[dist == 0] = 1e-5
        np.divide(delta, dist, out=work)  # the ratios delta_ij / d_ij
        # Guttman transform: X <- B(X) X / n, B = diag(row sums of the ratios) - ratios
        X = (work.sum(axis=1)[:, None] * X - work @ X) / n
        cdist(X, X, out=dist)
        np.subtract(dist, delta, out=work)
        residual = work.ravel()
        stress = float(residual @ residual) / 2
        if old_stress is not None:
            flat = dist.ravel()
            if (old_stress - stress) / (float(flat @ flat) / 2) < eps:
                break
        old_stress = stress
    return X, stress, n_iter


def smacof_embedding(potential: np.ndarray, n_components: int, random_state: int | None) -> np.ndarray:
    """phate's metric MDS with SMACOF (``phate.mds.embed_MDS(how="metric", solver="smacof")``).

    Euclidean distances between the rows of ``potential``, phate's classical MDS as the start,
    :func:`smacof` with phate's settings (3000 iterations at most, ``eps=1e-6``), then the Procrustes
    rotation onto the classical solution that phate applies.
    """
    start = time.perf_counter()
    distances = squareform(pdist(potential))
    classic = phate.mds.classic(distances, n_components=n_components, random_state=random_state)
    embedding, _, n_iter = smacof(distances, classic)
    logger.info(
        "Metric MDS (SMACOF) of %d points: %d iterations, %.1f s.",
        len(distances),
        n_iter,
        time.perf_counter() - start,
    )
    _, embedding, _ = scipy.spatial.procrustes(classic, embedding)
    return embedding
