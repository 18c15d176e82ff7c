"""The multiway multislice kernel: structure, and equality with the reference m-phate 0.1.6."""

from __future__ import annotations

import logging
import warnings

import numpy as np
import pytest
from scipy import sparse
from tensors import converging_tensor, smooth_tensor, two_phase_tensor

from mmphate_widget.engine.kernel import (
    multislice_kernel,
    node_features,
    normalize_hidden_states,
    permute_nodes,
    project_pca,
    unit_major_order,
)


def reference_kernel(X: np.ndarray, **kwargs) -> sparse.csr_matrix:
    """m-phate's kernel on the tensor reshaped to its (slices, units, samples) layout."""
    from m_phate.kernel import multislice_kernel as m_kernel
    from m_phate.utils import normalize

    E, T, U, S = X.shape
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return m_kernel(normalize(X.reshape(E * T, U, S)), n_jobs=1, **kwargs).tocsr()


@pytest.mark.reference
@pytest.mark.parametrize("shape", [(4, 8, 6, 10), (3, 10, 12, 30), (2, 15, 7, 20), (6, 5, 9, 100)])
def test_kernel_equals_reference_when_nothing_is_dropped(shape):
    X = smooth_tensor(shape, seed=sum(shape))
    ours = multislice_kernel(X, interstep_thresh=0)
    ref = reference_kernel(X)
    assert ours.shape == ref.shape
    assert abs(ours - ref).max() <= 1e-10
    assert ours.nnz == ref.nnz


@pytest.mark.reference
@pytest.mark.parametrize("converged_from", [0.0, 0.3, 0.8])
@pytest.mark.parametrize("samples", [8, 120])  # 8: k-d tree; 120 features (no PCA): Gram screen
def test_near_duplicate_slices_equal_reference(converged_from, samples):
    """Slices 1e-7 apart: the Gram expansion alone is off by up to 1e-2 here; exact differences are not."""
    X = converging_tensor((6, 5, 4, samples), seed=samples, converged_from=converged_from)
    ours = multislice_kernel(X, interstep_knn=5, interstep_thresh=0, n_pca=None)
    ref = reference_kernel(X, interslice_knn=5, n_pca=None)
    assert abs(ours - ref).max() <= 1e-10
    assert ours.nnz == ref.nnz


@pytest.mark.reference
def test_near_duplicate_slices_keep_exact_entries_at_the_default_cut():
    X = converging_tensor((6, 5, 4, 50), seed=2, converged_from=0.3)
    ours = multislice_kernel(X, interstep_knn=5)
    ref = reference_kernel(X, interslice_knn=5)
    assert abs(ours - ref.multiply(ours != 0)).max() <= 1e-10
    assert abs(ref - ours).max() < 1e-4


@pytest.mark.reference
def test_kernel_with_other_parameters_equals_reference():
    X = smooth_tensor((5, 6, 10, 16), seed=3)
    ours = multislice_kernel(X, intrastep_knn=3, interstep_knn=7, decay=10, interstep_thresh=0)
    ref = reference_kernel(X, intraslice_knn=3, interslice_knn=7, decay=10)
    assert abs(ours - ref).max() <= 1e-10


@pytest.mark.reference
def test_default_threshold_drops_only_entries_below_thresh():
    X = two_phase_tensor((5, 12, 6, 12), seed=7)
    ref = reference_kernel(X)
    ours = multislice_kernel(X)  # interstep_thresh defaults to thresh = 1e-4
    assert ours.nnz < ref.nnz, "the smooth tensor should have interstep entries below 1e-4"
    dropped = ref - ours
    assert abs(dropped).max() < 1e-4
    assert abs(ours - ref.multiply(ours != 0)).max() <= 1e-10  # kept entries are exact


@pytest.mark.reference
def test_pca_path_matches_reference_on_projected_features():
    """With more samples than n_pca, rows are projected (exactly) before any distance."""
    X = smooth_tensor((3, 10, 8, 130), seed=11)
    ours = multislice_kernel(X, interstep_thresh=0, n_pca=100)
    projected = node_features(X, 100).reshape(3, 10, 8, 100)  # normalised, then projected
    from m_phate.kernel import multislice_kernel as m_kernel

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = m_kernel(projected.reshape(30, 8, 100), n_jobs=1).tocsr()
    assert abs(ours - ref).max() <= 1e-10


def test_pca_projection_keeps_the_top_components():
    rng = np.random.default_rng(0)
    rows = rng.normal(size=(200, 5)) @ rng.normal(size=(5, 40))  # rank 5
    projected = project_pca(rows, 5)
    assert projected.shape == (200, 5)
    d_full = np.linalg.norm(rows[:, None] - rows[None], axis=-1)
    d_proj = np.linalg.norm(projected[:, None] - projected[None], axis=-1)
    np.testing.assert_allclose(d_proj, d_full, atol=1e-8)
    assert project_pca(rows, 100) is rows


def test_kernel_structure_and_node_order():
    E, T, U, S = 3, 4, 5, 12
    X = smooth_tensor((E, T, U, S), seed=2)
    K = multislice_kernel(X, interstep_knn=5)
    assert isinstance(K, sparse.csr_matrix)
    assert K.shape == (E * T * U,) * 2
    assert abs(K - K.T).max() == 0
    np.testing.assert_array_equal(K.diagonal(), 1.0)
    coo = K.tocoo()
    slice_r, unit_r = np.divmod(coo.row, U)
    slice_c, unit_c = np.divmod(coo.col, U)
    same_slice = slice_r == slice_c
    same_unit = unit_r == unit_c
    assert np.all(same_slice | same_unit), "only intrastep and interstep edges"
    # interstep edges connect unit u in slice a = e*T + t to unit u in another slice
    assert np.any(same_unit & ~same_slice)
    assert np.all((coo.data > 0) & (coo.data <= 1))


def test_constant_unit_is_centred_not_divided():
    X = smooth_tensor((3, 4, 5, 10), seed=4)
    X[:, :, 2, :] = 3.0
    Z = normalize_hidden_states(X)
    np.testing.assert_array_equal(Z[:, :, 2, :], 0.0)
    assert np.all(np.isfinite(multislice_kernel(X, interstep_knn=5).data))


def test_interstep_neighbors_is_a_logged_sparser_subset(caplog):
    X = smooth_tensor((6, 10, 5, 12), seed=5)
    exact = multislice_kernel(X, interstep_thresh=0)
    with caplog.at_level(logging.INFO, logger="mmphate_widget.engine.kernel"):
        approx = multislice_kernel(X, interstep_thresh=0, interstep_neighbors=4)
    assert "interstep_neighbors=4" in caplog.text
    assert approx.nnz < exact.nnz
    assert abs(approx - approx.T).max() == 0
    # every kept entry has its exact value
    assert abs(approx - exact.multiply(approx != 0)).max() <= 1e-12
    # each node keeps at least its 4 nearest other slices of the same unit
    U = 5
    inter = approx.tocoo()
    mask = (inter.row % U == inter.col % U) & (inter.row != inter.col)
    per_node = np.bincount(inter.row[mask], minlength=approx.shape[0])
    assert per_node.min() >= 4


def _interstep_block(kernel, unit, n_units):
    """Dense (slices x slices) interstep block of one unit, diagonal zeroed."""
    block = kernel[unit::n_units, unit::n_units].toarray()
    np.fill_diagonal(block, 0.0)
    return block


# 6 samples: nearest slices from a k-d tree; 120 without PCA: brute force (more than
# _TREE_MAX_FEATURES features)
@pytest.mark.parametrize("samples", [6, 120])
@pytest.mark.parametrize("k", [1, 3, 7, 30])
def test_interstep_neighbors_keeps_exactly_the_union_of_nearest_slices(k, samples):
    X = smooth_tensor((5, 8, 4, samples), seed=11)
    U = X.shape[2]
    exact = multislice_kernel(X, interstep_thresh=0, interstep_knn=5, n_pca=None)
    approx = multislice_kernel(X, interstep_thresh=0, interstep_knn=5, interstep_neighbors=k, n_pca=None)
    for u in range(U):
        full = _interstep_block(exact, u, U)
        kept = _interstep_block(approx, u, U) != 0
        # directed k nearest = the k largest affinities of each row (distinct distances here)
        nearest = np.zeros_like(kept)
        top = np.argsort(-full, axis=1)[:, :k]
        np.put_along_axis(nearest, top, True, axis=1)
        np.testing.assert_array_equal(kept, nearest | nearest.T)


@pytest.mark.parametrize("k", [1, 3, 7])
def test_interstep_symmetrize_mean_halves_the_pairs_only_one_slice_chose(k):
    X = smooth_tensor((5, 8, 4, 6), seed=11)
    U = X.shape[2]
    params = {"interstep_thresh": 0, "interstep_knn": 5, "interstep_neighbors": k, "n_pca": None}
    union = multislice_kernel(X, **params)
    mean = multislice_kernel(X, interstep_symmetrize="mean", **params)
    assert abs(mean - mean.T).max() == 0  # exactly symmetric
    # the same pairs; the intrastep part and the diagonal untouched
    np.testing.assert_array_equal((mean != 0).toarray(), (union != 0).toarray())
    same_slice = np.equal.outer(
        np.arange(X.shape[0] * X.shape[1] * U) // U, np.arange(X.shape[0] * X.shape[1] * U) // U
    )
    np.testing.assert_array_equal(mean.toarray()[same_slice], union.toarray()[same_slice])
    halved = 0
    for u in range(U):
        exact = _interstep_block(union, u, U)
        block = _interstep_block(mean, u, U)
        chose = np.zeros_like(exact, dtype=bool)  # row slice chose column slice
        np.put_along_axis(chose, np.argsort(-exact, axis=1)[:, :k], True, axis=1)
        both, one = chose & chose.T, chose ^ chose.T
        np.testing.assert_allclose(block[both], exact[both], rtol=1e-15)
        np.testing.assert_allclose(block[one], exact[one] / 2, rtol=1e-15)
        halved += int(one.sum())
    assert halved > 0  # the tensor has one-sided pairs, so the two kernels differ


def test_interstep_symmetrize_is_validated():
    X = smooth_tensor((3, 4, 3, 6), seed=1)
    with pytest.raises(ValueError, match=r"interstep_symmetrize='min' must be one of \['max', 'mean'\]"):
        multislice_kernel(X, interstep_knn=2, interstep_neighbors=2, interstep_symmetrize="min")


@pytest.mark.parametrize("samples", [6, 120])
def test_interstep_neighbors_with_duplicate_slices(samples):
    # a unit frozen in one state: every slice of it is an exact duplicate of every other
    X = smooth_tensor((4, 10, 4, samples), seed=12)
    X[:, :, 1, :] = X[0, 0, 1, :]
    U, k = X.shape[2], 5
    approx = multislice_kernel(X, interstep_knn=5, interstep_neighbors=k, n_pca=None)
    exact = multislice_kernel(X, interstep_knn=5, n_pca=None)
    assert abs(approx - approx.T).max() == 0
    np.testing.assert_array_equal(approx.diagonal(), 1.0)  # no interstep self-edges
    block = _interstep_block(approx, 1, U)
    out_degree = (block != 0).sum(axis=1)
    assert out_degree.min() >= k  # ties broken arbitrarily, but never fewer than k
    np.testing.assert_allclose(block[block != 0], 1.0)  # duplicates: distance 0, affinity 1
    # Both paths take duplicates' distances from exact differences: exactly 0 apart.
    assert abs(approx - exact.multiply(approx != 0)).max() <= 1e-12


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"interstep_knn": 60}, "interstep_knn"),
        ({"intrastep_knn": 0, "interstep_knn": 5}, "intrastep_knn"),
        ({"interstep_neighbors": 0, "interstep_knn": 5}, "interstep_neighbors"),
    ],
)
def test_kernel_rejects_bad_parameters(kwargs, message):
    X = smooth_tensor((3, 4, 5, 10), seed=0)
    with pytest.raises(ValueError, match=message):
        multislice_kernel(X, **kwargs)


def test_unit_major_order_lists_each_unit_across_slices():
    order = unit_major_order(n_slices=4, n_units=3)
    np.testing.assert_array_equal(order[:4], [0, 3, 6, 9])  # unit 0 in slices 0..3
    np.testing.assert_array_equal(np.sort(order), np.arange(12))


def test_permute_nodes_is_a_symmetric_permutation():
    X = smooth_tensor((3, 5, 4, 10), seed=13)
    K = multislice_kernel(X, interstep_knn=5)
    order = unit_major_order(15, 4)
    P = permute_nodes(K, order)
    assert P.has_sorted_indices
    np.testing.assert_array_equal(P.toarray(), K.toarray()[np.ix_(order, order)])
    # unit-major: every interstep edge lies in its unit's diagonal block
    coo = P.tocoo()
    assert np.all((coo.row // 15 == coo.col // 15) | (coo.row % 15 == coo.col % 15))
    np.testing.assert_array_equal(permute_nodes(P, np.argsort(order)).toarray(), K.toarray())
    with pytest.raises(ValueError, match="order"):
        permute_nodes(K, order[:-1])


def _logged_cut_percent(text: str) -> float:
    import re

    return float(re.search(r"removed at most ([\d.e+-]+)% of any row's interstep mass", text).group(1))


def test_largest_interstep_mass_cut_is_logged(caplog):
    X = two_phase_tensor((4, 10, 5, 12), seed=3, noise=0.6)
    N, U = 40 * 5, 5
    dense = multislice_kernel(X, interstep_knn=5, interstep_thresh=0)
    with caplog.at_level(logging.INFO, logger="mmphate_widget.engine.kernel"):
        multislice_kernel(X, interstep_knn=5, thresh=1e-2)
    same_unit = np.subtract.outer(np.arange(N) % U, np.arange(N) % U) == 0
    inter = dense.toarray() * same_unit
    np.fill_diagonal(inter, 0)
    expected = (np.where(inter < 1e-2, inter, 0).sum(1) / inter.sum(1)).max()
    assert expected > 1e-3
    assert _logged_cut_percent(caplog.text) / 100 == pytest.approx(expected, rel=2e-3)


def test_mass_cut_among_nearest_slices_is_logged(caplog):
    X = two_phase_tensor((4, 10, 5, 12), seed=3, noise=0.6)
    with caplog.at_level(logging.INFO, logger="mmphate_widget.engine.kernel"):
        multislice_kernel(X, interstep_knn=5, thresh=0.5, interstep_neighbors=8)
    assert 0 < _logged_cut_percent(caplog.text) <= 100


@pytest.mark.reference
def test_a_thousand_units_in_a_slice_without_a_units_squared_times_features_temporary():
    import tracemalloc

    X = smooth_tensor((1, 2, 1024, 100), seed=5)
    tracemalloc.start()
    ours = multislice_kernel(X, interstep_knn=1, interstep_thresh=0)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 400e6, f"peak {peak / 1e6:.0f} MB: a U x U x F temporary is 840 MB here"
    ref = reference_kernel(X, interslice_knn=1)
    assert abs(ours - ref).max() <= 1e-10


def test_many_samples_use_a_seeded_randomized_pca(caplog):
    rng = np.random.default_rng(0)
    rows = rng.normal(size=(200, 6)) @ rng.normal(size=(6, 2100)) + 1e-3 * rng.normal(size=(200, 2100))
    with caplog.at_level(logging.INFO, logger="mmphate_widget.engine.kernel"):
        projected = project_pca(rows, 6, random_state=1)
    assert "randomized" in caplog.text
    np.testing.assert_array_equal(projected, project_pca(rows, 6, random_state=1))
    # the same subspace as the exact PCA: pairwise distances agree
    from scipy.spatial.distance import pdist

    centred = rows - rows.mean(0)
    vt = np.linalg.svd(centred, full_matrices=False)[2][:6]
    np.testing.assert_allclose(pdist(projected), pdist(centred @ vt.T), rtol=1e-6)
