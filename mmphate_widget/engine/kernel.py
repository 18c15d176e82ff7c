"""The multiway multislice kernel of MM-PHATE (spec section 2), built sparsely and blockwise.

Nodes are the triples (epoch, step, unit) in epoch-major order, ``node = (e*T + t)*U + u``; a
*slice* is one (epoch, step) pair, ``slice = e*T + t``. The kernel has two kinds of edges:

* intrastep: units within one slice, an adaptive alpha-decay kernel (as graphtools builds it);
* interstep: each unit with itself in every other slice, a fixed-bandwidth Gaussian.

The reference (m-phate 0.1.6) builds the interstep part densely, ``U * (E*T)**2`` entries. Here it
is computed one unit and one block of slices at a time, and entries below ``interstep_thresh`` are
dropped (each dropped entry is < thresh, so the kernel differs from the reference by less than
that per entry). ``interstep_neighbors`` keeps only each slice's nearest slices: an explicit,
logged approximation for inputs whose interstep part would not fit in memory.

Interstep distances are screened with the fast Gram expansion ``|a|^2 + |b|^2 - 2ab`` (on each
unit's features centred over its slices) and every pair that can matter (kept entries, and the
candidates for a k-th nearest slice) is then recomputed from exact differences. The Gram expansion
alone loses the digits of near-duplicate slices (converged or saturated units), and the kernel of
such a unit is steep in exactly those distances; the reference uses exact differences throughout.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
from scipy import sparse
from scipy.spatial import cKDTree
from scipy.spatial.distance import cdist
from sklearn.utils.extmath import randomized_svd
from tqdm.auto import tqdm

from .distances import centred_rows, exact_sq_distances, gram_slack, row_blocks, squared_distances

__all__ = [
    "INTERSTEP_SYMMETRIZE",
    "check_interstep_symmetrize",
    "multislice_kernel",
    "node_features",
    "normalize_hidden_states",
    "permute_nodes",
    "project_pca",
    "unit_major_order",
]

logger = logging.getLogger(__name__)

_EPS = np.finfo(float).eps
# Elements of float64 scratch space a block may use (~64 MB).
_BLOCK_ELEMENTS = 8_000_000
# Up to this many features, nearest slices come from a k-d tree instead of brute force. A unit's
# slices trace a trajectory through training and time, of low intrinsic dimension: there the tree
# was 1.4x to 20x faster than brute force on every tensor we measured (up to 40 features, and 20x
# at 1,000,000 nodes); on full-dimensional noise it is up to 2x slower.
_TREE_MAX_FEATURES = 100
#: How the k-nearest-slices interstep kernel is made symmetric (``interstep_symmetrize``).
INTERSTEP_SYMMETRIZE = ("max", "mean")
# Above this many samples, the PCA projection is randomized (seeded) instead of exact.
_EXACT_PCA_MAX_SAMPLES = 2000


def normalize_hidden_states(data: np.ndarray) -> np.ndarray:
    """Z-score every (epoch, step, unit) row across the samples (last axis).

    Population standard deviation (ddof=0); a row that never varies is only centred, as the
    reference does.
    """
    data = np.asarray(data, dtype=np.float64)
    centred = data - data.mean(axis=-1, keepdims=True)
    std = centred.std(axis=-1, keepdims=True)
    return centred / np.where(std > 0, std, 1.0)


def project_pca(rows: np.ndarray, n_pca: int | None, random_state: int | None = 0) -> np.ndarray:
    """Project rows on their first ``n_pca`` principal components when there are more columns.

    Up to ``_EXACT_PCA_MAX_SAMPLES`` (2000) columns the projection is exact (eigendecomposition of
    the column covariance, deterministic), unlike the reference's randomized PCA. With more
    columns that S x S eigendecomposition would dominate the fit, so a randomized SVD (Halko et
    al., seeded by ``random_state``) is used instead, as the reference always does; this is
    logged. Distances between projected rows are what matters downstream.
    """
    if n_pca is None or rows.shape[1] <= n_pca:
        return rows
    centred = rows - rows.mean(axis=0)
    if rows.shape[1] > _EXACT_PCA_MAX_SAMPLES:
        logger.info(
            "%d trace samples: projecting on %d components with a randomized (seeded) PCA.",
            rows.shape[1],
            n_pca,
        )
        _, _, vt = randomized_svd(centred, n_pca, n_iter=7, random_state=random_state)
        return centred @ vt.T
    _, vectors = np.linalg.eigh(centred.T @ centred)
    return centred @ vectors[:, ::-1][:, :n_pca]


def node_features(
    data: np.ndarray, n_pca: int | None = 100, normalize: bool = True, random_state: int | None = 0
) -> np.ndarray:
    """Normalised (and, with more than ``n_pca`` samples, PCA-projected) node features.

    Returns an array of shape (n_slices, n_units, n_features), slice-major like the node order.
    """
    n_epochs, n_steps, n_units, n_samples = data.shape
    rows = (normalize_hidden_states(data) if normalize else data).reshape(-1, n_samples)
    rows = project_pca(rows, n_pca, random_state)
    return rows.reshape(n_epochs * n_steps, n_units, -1)


def _intrastep_entries(
    features: np.ndarray, knn: int, decay: float, thresh: float, index_dtype: type = np.int64
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """COO entries of the intrastep alpha-decay kernel, all slices, batched."""
    n_slices, n_units, _ = features.shape
    knn = min(knn, n_units - 1)
    # Scratch is U x U per slice (no U x U x F temporary), so 1,024 units and more work.
    batch = max(1, _BLOCK_ELEMENTS // max(1, n_units * n_units))
    rows, cols, vals = [], [], []
    for start in range(0, n_slices, batch):
        block = features[start : start + batch]
        # Differences, not the Gram expansion: the alpha-decay kernel is steep in d / sigma.
        dist = np.empty((block.shape[0], n_units, n_units))
        for i, points in enumerate(block):
            dist[i] = cdist(points, points)
        sigma = np.maximum(np.partition(dist, knn, axis=-1)[..., knn], _EPS)
        with np.errstate(invalid="ignore"):
            affinity = np.exp(-np.power(dist / sigma[..., None], decay))
        affinity = np.where(np.isnan(affinity), 1.0, affinity)
        affinity[affinity < thresh] = 0.0
        affinity = (affinity + np.swapaxes(affinity, 1, 2)) / 2
        s, u, v = np.nonzero(affinity)
        offset = (start + s).astype(index_dtype) * n_units
        rows.append(offset + u.astype(index_dtype))
        cols.append(offset + v.astype(index_dtype))
        vals.append(affinity[s, u, v])
    return np.concatenate(rows), np.concatenate(cols), np.concatenate(vals)


def _interstep_bandwidth(features: np.ndarray, knn: int, progress: Any) -> float:
    """Mean over units of the median distance from a slice to its knn-th nearest other slice."""
    n_slices, n_units, _ = features.shape
    medians = np.empty(n_units)
    for u in range(n_units):
        kth_d2 = np.empty(n_slices)
        for start, stop, _, near_d2 in _nearest_candidates(np.ascontiguousarray(features[:, u, :]), knn):
            kth_d2[start:stop] = np.partition(near_d2, knn, axis=1)[:, knn]
        medians[u] = np.median(np.sqrt(kth_d2))
        progress.update(1)
    return float(np.mean(np.maximum(medians, _EPS)))


def _squared_cutoff(bandwidth: float, thresh: float) -> float:
    """The squared distance below which the interstep affinity exp(-d2 / bw^2) is >= thresh."""
    return np.finfo(float).max if thresh <= 0 else -(bandwidth**2) * np.log(thresh)


# exp(-x) underflows to 0 in float64 beyond this x: such entries carry no mass.
_UNDERFLOW = 746.0


def _log_mass_cut(kept: np.ndarray, removed: np.ndarray, intra_mass: np.ndarray, thresh: float) -> None:
    """Log the largest fraction of any row's interstep mass that the threshold removed.

    ``kept``, ``removed`` and ``intra_mass`` are per-node row sums in node order. A WARNING is
    logged when the cut removes more than 1% of some row's whole kernel mass (what diffusion
    from that node sees); otherwise INFO.
    """

    def worst(part: np.ndarray, whole: np.ndarray) -> float:
        return float(np.max(np.divide(part, whole, out=np.zeros_like(whole), where=whole > 0), initial=0.0))

    of_inter = worst(removed, kept + removed)
    of_total = worst(removed, kept + removed + intra_mass)
    level = logging.WARNING if of_total > 0.01 else logging.INFO
    logger.log(
        level,
        "The interstep cut at %.0e removed at most %.3g%% of any row's interstep mass "
        "(at most %.3g%% of a row's whole kernel mass)%s.",
        thresh,
        100 * of_inter,
        100 * of_total,
        "; pass interstep_thresh=0 to keep every entry" if level == logging.WARNING else "",
    )


def _interstep_entries(
    features: np.ndarray,
    bandwidth: float,
    thresh: float,
    intra_mass: np.ndarray,
    progress: Any,
    index_dtype: type = np.int64,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """COO entries of the exact interstep Gaussian kernel, one unit and one block of slices at a time.

    Only the upper triangle (columns after the row) is computed and then mirrored: half the work,
    and the kernel comes out exactly symmetric. Pairs are screened with the Gram expansion and
    every pair that may be kept is recomputed from exact differences.
    """
    n_slices, n_units, n_features = features.shape
    cutoff = _squared_cutoff(bandwidth, thresh)
    inv_bw2 = 1.0 / bandwidth**2
    kept_mass = np.zeros(n_slices * n_units)
    removed_mass = np.zeros(n_slices * n_units)
    rows, cols, vals = [], [], []
    for u in range(n_units):
        points = np.ascontiguousarray(features[:, u, :])
        centred, sq = centred_rows(points)
        a_parts, b_parts, v_parts = [], [], []
        for start, stop in row_blocks(n_slices, n_slices, _BLOCK_ELEMENTS):
            d2 = squared_distances(centred[start:stop], centred[start:], sq[start:])
            slack = gram_slack(sq[start:stop], sq[start:], n_features)
            a, b = np.nonzero(d2 <= (cutoff + slack)[:, None])
            upper = b > a
            a, b = a[upper] + start, b[upper] + start
            value = np.exp(exact_sq_distances(points, a, b) * -inv_bw2)
            # An entry that underflowed to 0 carries nothing (the reference stores none either).
            keep = (value >= thresh) & (value > 0)
            a_parts.append(a[keep].astype(np.int32))
            b_parts.append(b[keep].astype(np.int32))
            v_parts.append(value[keep])
            if thresh > 0:
                la, lb = np.nonzero((d2 > cutoff) & (d2 < _UNDERFLOW / inv_bw2))
                upper = lb > la
                la, lb = la[upper], lb[upper]
                lost = np.exp(d2[la, lb] * -inv_bw2)
                removed_mass[u::n_units] += np.bincount(la + start, lost, n_slices) + np.bincount(
                    lb + start, lost, n_slices
                )
        a, b, v = np.concatenate(a_parts), np.concatenate(b_parts), np.concatenate(v_parts)
        kept_mass[u::n_units] = np.bincount(a, v, n_slices) + np.bincount(b, v, n_slices)
        rows.append(np.concatenate([a, b]).astype(index_dtype) * n_units + u)
        cols.append(np.concatenate([b, a]).astype(index_dtype) * n_units + u)
        vals.append(np.concatenate([v, v]))
        progress.update(1)
    if thresh > 0:
        _log_mass_cut(kept_mass, removed_mass, intra_mass, thresh)
    return np.concatenate(rows), np.concatenate(cols), np.concatenate(vals)


def _nearest_candidates(points: np.ndarray, reach: int):
    """The ``reach + 1`` nearest slices of every slice of one unit, self included (distance 0).

    Yields ``(start, stop, order, sq_dist)`` for blocks of rows, ``order`` and ``sq_dist`` of shape
    (stop - start, reach + 1), in no particular order within a row; distances are exact. Up to
    ``_TREE_MAX_FEATURES`` features a k-d tree finds them (exact differences). Otherwise blocks of
    the Gram-expansion distance matrix are screened: every slice within rounding of the
    ``reach``-th nearest is recomputed from exact differences, and the nearest are chosen from
    those.
    """
    n_slices, n_features = points.shape
    if n_features <= _TREE_MAX_FEATURES:
        dist, order = cKDTree(points).query(points, k=reach + 1)
        yield 0, n_slices, order, dist * dist
        return
    centred, sq = centred_rows(points)
    first = np.arange(reach + 1)
    for start, stop in row_blocks(n_slices, n_slices, _BLOCK_ELEMENTS):
        local = np.arange(stop - start)
        d2 = squared_distances(centred[start:stop], centred, sq)
        d2[local, local + start] = 0.0
        bound = np.partition(d2, reach, axis=1)[:, reach] + gram_slack(sq[start:stop], sq, n_features)
        # Every row has at least reach + 1 candidates (those at or below its Gram reach-th).
        a, b = np.nonzero(d2 <= bound[:, None])
        exact = exact_sq_distances(points, a + start, b)
        by_row = np.lexsort((exact, a))
        b, exact = b[by_row], exact[by_row]
        row_start = np.concatenate([[0], np.cumsum(np.bincount(a, minlength=stop - start))[:-1]])
        take = row_start[:, None] + first
        yield start, stop, b[take], exact[take]


def _nearest_slices(
    features: np.ndarray, knn: int, n_neighbors: int, progress: Any
) -> tuple[float, np.ndarray, np.ndarray]:
    """One nearest-neighbour pass per unit for the k-nearest-slices kernel.

    Returns the interstep bandwidth (as :func:`_interstep_bandwidth` computes it), and for every
    unit and slice its ``n_neighbors`` nearest other slices: indices and squared distances, both
    of shape (n_units, n_slices, n_neighbors).
    """
    n_slices, n_units, _ = features.shape
    # The `reach` + 1 nearest slices (self included) hold both the knn-th nearest other slice
    # (for the bandwidth) and the n_neighbors nearest.
    reach = max(knn, n_neighbors)
    medians = np.empty(n_units)
    neighbors = np.empty((n_units, n_slices, n_neighbors), dtype=np.int32)
    sq_dists = np.empty((n_units, n_slices, n_neighbors))
    for u in range(n_units):
        kth_d2 = np.empty(n_slices)
        for start, stop, order, near_d2 in _nearest_candidates(
            np.ascontiguousarray(features[:, u, :]), reach
        ):
            kth_d2[start:stop] = np.partition(near_d2, knn, axis=1)[:, knn]
            if reach > n_neighbors:
                closest = np.argpartition(near_d2, n_neighbors, axis=1)[:, : n_neighbors + 1]
                order = np.take_along_axis(order, closest, axis=1)
                near_d2 = np.take_along_axis(near_d2, closest, axis=1)
            # Drop self. A row whose self fell out (more exact duplicates than n_neighbors)
            # drops its farthest candidate instead.
            drop = order == np.arange(start, stop)[:, None]
            lost = ~drop.any(axis=1)
            drop[lost, np.argmax(near_d2[lost], axis=1)] = True
            keep = ~drop
            neighbors[u, start:stop] = order[keep].reshape(-1, n_neighbors)
            sq_dists[u, start:stop] = near_d2[keep].reshape(-1, n_neighbors)
        medians[u] = np.median(np.sqrt(kth_d2))
        progress.update(1)
    return float(np.mean(np.maximum(medians, _EPS))), neighbors, sq_dists


def _nearest_slice_entries(
    neighbors: np.ndarray,
    sq_dists: np.ndarray,
    bandwidth: float,
    thresh: float,
    intra_mass: np.ndarray,
    progress: Any,
    index_dtype: type = np.int64,
    symmetrize: str = "max",
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """COO entries of the k-nearest-slices interstep kernel.

    A pair of slices is kept when either has the other among its nearest (the union of both
    directions). ``symmetrize="max"`` gives every kept pair its exact value; ``"mean"`` is
    graphtools' ``(A + A^T) / 2`` for kNN kernels, which halves a pair only one side chose.
    """
    n_units, n_slices, n_neighbors = neighbors.shape
    cutoff = _squared_cutoff(bandwidth, thresh)
    source = np.repeat(np.arange(n_slices, dtype=np.int32), n_neighbors)
    kept_mass = np.zeros((n_units, n_slices))
    removed_mass = np.zeros((n_units, n_slices))
    rows, cols, vals = [], [], []
    for u in range(n_units):
        d2 = sq_dists[u].ravel()
        weight = np.exp(d2 * (-1.0 / bandwidth**2))
        kept = d2 <= cutoff
        kept_mass[u] = np.bincount(source[kept], weight[kept], n_slices)
        removed_mass[u] = np.bincount(source[~kept], weight[~kept], n_slices)
        directed = sparse.csr_matrix(
            (weight[kept], (source[kept], neighbors[u].ravel()[kept])),
            shape=(n_slices, n_slices),
        )
        if symmetrize == "mean":
            # both directions carry the same value w: (w + w) / 2 = w, one direction w / 2.
            # Floating-point addition commutes, so the result is exactly symmetric.
            union = ((directed + directed.T) * 0.5).tocoo()
        else:
            # The kernel is symmetric, so both directions carry the same value and the
            # elementwise maximum is that value.
            union = directed.maximum(directed.T).tocoo()
        rows.append(union.row.astype(index_dtype) * n_units + u)
        cols.append(union.col.astype(index_dtype) * n_units + u)
        vals.append(union.data)
        progress.update(1)
    if thresh > 0:
        _log_mass_cut(kept_mass.T.ravel(), removed_mass.T.ravel(), intra_mass, thresh)
    return np.concatenate(rows), np.concatenate(cols), np.concatenate(vals)


def check_interstep_symmetrize(value: Any) -> None:
    """Raise ``ValueError`` unless ``value`` is one of :data:`INTERSTEP_SYMMETRIZE`."""
    if not isinstance(value, str) or value not in INTERSTEP_SYMMETRIZE:
        raise ValueError(f"interstep_symmetrize={value!r} must be one of {list(INTERSTEP_SYMMETRIZE)}.")


def multislice_kernel(
    hidden_states: np.ndarray,
    *,
    intrastep_knn: int = 2,
    interstep_knn: int = 25,
    decay: float = 5,
    thresh: float = 1e-4,
    interstep_thresh: float | None = None,
    interstep_neighbors: int | None = None,
    interstep_symmetrize: str = "max",
    n_pca: int | None = 100,
    normalize: bool = True,
    random_state: int | None = 0,
    verbose: bool = False,
) -> sparse.csr_matrix:
    """Build the MM-PHATE multiway multislice kernel.

    Parameters
    ----------
    hidden_states : ndarray of shape (n_epochs, n_steps, n_units, n_samples)
        Hidden-unit activations (validate them first with
        :func:`mmphate_widget.engine.inputs.validate_hidden_states`).
    intrastep_knn : int, default 2
        Adaptive bandwidth of unit u in a slice = distance to its k-th nearest other unit.
    interstep_knn : int, default 25
        The interstep bandwidth is the mean over units of the median distance from a slice to its
        ``interstep_knn``-th nearest other slice of the same unit.
    decay : float, default 5
        Alpha-decay exponent of the intrastep kernel.
    thresh : float, default 1e-4
        Intrastep affinities below this are set to 0 before symmetrisation (reference behaviour).
    interstep_thresh : float, optional
        Interstep affinities below this are dropped; defaults to ``thresh``. ``0`` keeps every
        entry, like the reference's dense interstep block. The largest fraction of any row's
        interstep mass that the cut removes is logged (INFO; WARNING above 5%).
    interstep_neighbors : int, optional
        When given, each slice keeps interstep edges only to its ``interstep_neighbors`` nearest
        slices of the same unit (union of both directions). An approximation, logged, for inputs
        whose interstep part does not fit in memory.
    interstep_symmetrize : {"max", "mean"}, default "max"
        With ``interstep_neighbors``: "max" keeps every pair either slice chose at its exact
        value; "mean" is graphtools' symmetrisation of kNN kernels, ``(A + A^T) / 2``, which
        halves the pairs only one slice chose. Without ``interstep_neighbors`` nothing to choose.
    n_pca : int or None, default 100
        With more samples than this, rows are projected on their first ``n_pca`` components.
    normalize : bool, default True
        Z-score each (epoch, step, unit) row across samples first (reference behaviour).
    random_state : int or None, default 0
        Seed of the randomized PCA used above 2000 samples (see :func:`project_pca`).
    verbose : bool, default False
        Show a progress bar over the units.

    Returns
    -------
    scipy.sparse.csr_matrix of shape (N, N), N = n_epochs * n_steps * n_units
        Symmetric, ones on the diagonal, in the node order ``(e*T + t)*U + u``.
    """
    data = np.asarray(hidden_states, dtype=np.float64)
    if data.ndim != 4:
        raise ValueError(f"hidden_states must have shape (epochs, steps, units, samples); got {data.shape}.")
    n_epochs, n_steps, n_units, _n_samples = data.shape
    n_slices = n_epochs * n_steps
    if not 1 <= interstep_knn < n_slices:
        raise ValueError(
            f"interstep_knn={interstep_knn} must be between 1 and the number of slices - 1 ({n_slices - 1})."
        )
    if intrastep_knn < 1:
        raise ValueError(f"intrastep_knn={intrastep_knn} must be at least 1.")
    if interstep_neighbors is not None and interstep_neighbors < 1:
        raise ValueError(f"interstep_neighbors={interstep_neighbors} must be a positive int or None.")
    check_interstep_symmetrize(interstep_symmetrize)
    if interstep_thresh is None:
        interstep_thresh = thresh
    if interstep_neighbors is not None:
        logger.info(
            "Approximate interstep kernel: each slice keeps edges to its %d nearest slices of the "
            "same unit only (interstep_neighbors=%d, interstep_symmetrize=%r).",
            interstep_neighbors,
            interstep_neighbors,
            interstep_symmetrize,
        )
    features = node_features(data, n_pca, normalize, random_state)

    n_nodes = n_slices * n_units
    index_dtype = np.int32 if n_nodes < 2**31 else np.int64
    with tqdm(total=2 * n_units + 1, desc="multislice kernel", disable=not verbose, leave=False) as bar:
        intra = _intrastep_entries(features, intrastep_knn, decay, thresh, index_dtype)
        intra_mass = np.bincount(intra[0], intra[2], n_nodes)
        bar.update(1)
        if interstep_neighbors is not None and interstep_neighbors < n_slices - 1:
            bandwidth, neighbors, sq_dists = _nearest_slices(
                features, interstep_knn, interstep_neighbors, bar
            )
            inter = _nearest_slice_entries(
                neighbors,
                sq_dists,
                bandwidth,
                interstep_thresh,
                intra_mass,
                bar,
                index_dtype,
                interstep_symmetrize,
            )
            del neighbors, sq_dists
        else:
            bandwidth = _interstep_bandwidth(features, interstep_knn, bar)
            inter = _interstep_entries(features, bandwidth, interstep_thresh, intra_mass, bar, index_dtype)
    rows = np.concatenate([intra[0], inter[0]])
    cols = np.concatenate([intra[1], inter[1]])
    vals = np.concatenate([intra[2], inter[2]])
    del intra, inter
    # COO -> CSR is a counting sort in scipy (no argsort); intra and inter pairs never coincide.
    kernel = sparse.coo_matrix((vals, (rows, cols)), shape=(n_nodes, n_nodes)).tocsr()
    del rows, cols, vals
    kernel.sort_indices()
    return kernel


def unit_major_order(n_slices: int, n_units: int) -> np.ndarray:
    """Node indices listed unit by unit: position ``u * n_slices + slice`` holds node ``slice * n_units + u``.

    In this order each unit's interstep edges form one contiguous diagonal block of the kernel,
    which keeps sparse products with the kernel cache-friendly.
    """
    return np.arange(n_slices * n_units).reshape(n_slices, n_units).T.ravel()


def permute_nodes(kernel: sparse.csr_matrix, order: np.ndarray) -> sparse.csr_matrix:
    """``kernel[order][:, order]`` for a square CSR matrix, with a single copy of the entries."""
    order = np.asarray(order)
    n_nodes = kernel.shape[0]
    if kernel.shape != (n_nodes, n_nodes) or order.shape != (n_nodes,):
        raise ValueError(f"order of shape {order.shape} does not match a kernel of shape {kernel.shape}.")
    permuted = sparse.csr_matrix(kernel)[order]
    inverse = np.empty(n_nodes, dtype=permuted.indices.dtype)
    inverse[order] = np.arange(n_nodes, dtype=inverse.dtype)
    permuted.indices = inverse[permuted.indices]
    permuted.has_sorted_indices = False
    permuted.sort_indices()
    return permuted
