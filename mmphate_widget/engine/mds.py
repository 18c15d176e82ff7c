"""Metric MDS of the PHATE potential, as phate runs it, with a leaner SMACOF.

phate embeds the (landmark) potential by classical MDS, refines that with metric MDS (its own
stochastic gradient descent, or scikit-learn's SMACOF), and rotates the result onto the classical
solution (``phate.mds.embed_MDS``). m-phate uses SMACOF, which converges to a stationary point of
the stress; phate's SGD runs a fixed schedule and can stop short of one (it then warns), which
measurably costs neighbourhood preservation on some real networks (bench/RESULTS.md).

scikit-learn's SMACOF allocates six N x N float temporaries per iteration (0.8 GB per iteration at
4000 points) and passes over them a dozen times. :func:`smacof` runs the same Guttman transform
with the same stopping rule in one pass over the dissimilarities per iteration, a block of rows at a
time (distances from exact differences, ``scipy.spatial.distance.cdist``), with no N x N array of
its own: the same iterates to rounding. The dissimilarities themselves (Euclidean distances between
the rows of the N x N potential, O(N^3)) come from the BLAS Gram expansion instead of scipy's
``pdist`` loop, with every pair that rounding could spoil recomputed exactly
(:func:`mmphate_widget.engine.distances.pairwise_distances`).
"""

from __future__ import annotations

import logging
import time

import numpy as np
import scipy.spatial
from scipy.spatial.distance import cdist
from sklearn.decomposition import PCA

from .distances import pairwise_distances, row_blocks

__all__ = ["classic_mds", "smacof", "smacof_embedding"]

logger = logging.getLogger(__name__)

# Elements of a block of rows of the N x N dissimilarities (~2 MB of float64: the block and its
# ratios stay in cache while one SMACOF iteration passes over them).
_BLOCK_ELEMENTS = 256_000


def smacof(
    dissimilarities: np.ndarray, init: np.ndarray, max_iter: int = 3000, eps: float = 1e-6
) -> tuple[np.ndarray, float, int]:
    """Metric SMACOF from ``init``: scikit-learn's ``_smacof_single`` (metric, unit weights), leaner.

    Each iteration passes over the dissimilarities once, in blocks of rows that stay in the CPU's
    cache: the block's distances in the current configuration, their stress, the ratios
    ``delta_ij / d_ij`` and the block's rows of the Guttman transform ``X <- B(X) X / n`` (``B`` =
    diag(row sums of the ratios) - ratios). No N x N array is allocated besides the input. The
    iterates, the stopping rule and the iteration count are scikit-learn's; only the order of the
    floating-point sums differs.

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
    blocks = row_blocks(n, n, _BLOCK_ELEMENTS)
    rows = blocks[0][1] - blocks[0][0] if blocks else 0
    dist = np.empty((rows, n))
    work = np.empty((rows, n))
    old_stress = None
    stress = 0.0
    for n_iter in range(max_iter + 1):
        # One pass: the stress of X (= X_n_iter) and, from the same distances, the next iterate.
        following = np.empty_like(X)
        stress = norm = 0.0
        for start, stop in blocks:
            d, w = dist[: stop - start], work[: stop - start]
            cdist(X[start:stop], X, out=d)
            np.subtract(d, delta[start:stop], out=w)
            residual, flat = w.ravel(), d.ravel()
            stress += float(residual @ residual)
            norm += float(flat @ flat)
            d[d == 0] = 1e-5
            np.divide(delta[start:stop], d, out=w)
            following[start:stop] = w.sum(axis=1)[:, None] * X[start:stop] - w @ X
        stress /= 2
        # scikit-learn compares the stress of consecutive iterates from the second one on.
        if n_iter >= 2 and (old_stress - stress) / (norm / 2) < eps:
            break
        if n_iter == max_iter:
            break
        old_stress = stress
        X = following / n
    return X, stress, n_iter


def classic_mds(distances: np.ndarray, n_components: int, random_state: int | None) -> np.ndarray:
    """phate's classical MDS (``phate.mds.classic``) with one N x N temporary instead of four.

    The squared distances, centred by their column means and then their row means, and a
    randomized PCA of the result, as phate computes them; here the centring and scikit-learn's PCA
    (``copy=False``) work in place on the one array of squares. The same values.
    """
    centred = np.square(distances)
    centred -= centred.mean(axis=0)[None, :]
    centred -= centred.mean(axis=1)[:, None]
    pca = PCA(n_components=n_components, svd_solver="randomized", random_state=random_state, copy=False)
    return pca.fit_transform(centred)


def smacof_embedding(potential: np.ndarray, n_components: int, random_state: int | None) -> np.ndarray:
    """phate's metric MDS with SMACOF (``phate.mds.embed_MDS(how="metric", solver="smacof")``).

    Euclidean distances between the rows of ``potential``, phate's classical MDS as the start,
    :func:`smacof` with phate's settings (3000 iterations at most, ``eps=1e-6``), then the Procrustes
    rotation onto the classical solution that phate applies. The potential is not needed once its
    distances are taken: a caller that hands it over without keeping a reference lets it go then.
    """
    start = time.perf_counter()
    distances = pairwise_distances(potential)
    del potential
    classic = classic_mds(distances, n_components, random_state)
    embedding, _, n_iter = smacof(distances, classic)
    logger.info(
        "Metric MDS (SMACOF) of %d points: %d iterations, %.1f s.",
        len(distances),
        n_iter,
        time.perf_counter() - start,
    )
    _, embedding, _ = scipy.spatial.procrustes(classic, embedding)
    return embedding
