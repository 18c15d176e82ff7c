"""Spectral landmarks: graphtools' landmarking in fewer passes (engine/landmarks.py)."""

from __future__ import annotations

import graphtools
import numpy as np
import pytest
from scipy import sparse
from sklearn.preprocessing import normalize
from sklearn.utils.extmath import randomized_svd

from mmphate_widget.analysis.synthetic import simulate_rnn_training
from mmphate_widget.engine.embedding import phate_embedding
from mmphate_widget.engine.kernel import multislice_kernel
from mmphate_widget.engine.landmarks import (
    attach,
    diffusion_operator,
    right_singular_vectors,
    spectral_landmarks,
)


def _kernel(n_epochs: int = 6, random_state: int = 1) -> sparse.csr_matrix:
    X, _ = simulate_rnn_training(n_epochs, 20, 10, 12, random_state=random_state)
    return multislice_kernel(X, interstep_knn=5, interstep_neighbors=10)


def _graph(kernel: sparse.csr_matrix, n_landmark: int) -> graphtools.base.BaseGraph:
    return graphtools.Graph(
        kernel, precomputed="affinity", n_landmark=n_landmark, random_state=0, verbose=False
    )


@pytest.mark.parametrize("svd_iter", ["auto", 2])
def test_singular_vectors_span_scikit_learns_subspace(svd_iter):
    graph = _graph(_kernel(), 100)
    affinity = sparse.csr_matrix(graph.diff_aff)
    n_iter = 7 if svd_iter == "auto" else svd_iter
    _, _, expected = randomized_svd(affinity, n_components=20, n_iter=n_iter, random_state=0)
    ours = right_singular_vectors(affinity, 20, svd_iter, random_state=0)
    assert ours.shape == expected.shape == (20, affinity.shape[0])
    np.testing.assert_allclose(ours @ ours.T, np.eye(20), atol=1e-10)  # orthonormal rows
    # each vector equals scikit-learn's up to its sign (the same subspace, the same order)
    np.testing.assert_allclose(np.abs(np.sum(ours * expected, axis=1)), 1.0, atol=1e-9)


def test_a_matrix_of_low_rank_gives_its_singular_vectors_and_zero_rows():
    rng = np.random.default_rng(0)
    factor = rng.normal(size=(300, 5))
    low_rank = sparse.csr_matrix(factor @ factor.T)  # rank 5, far below the 30 + 10 columns drawn
    ours = right_singular_vectors(low_rank, 30, svd_iter=2, random_state=0)
    _, _, expected = randomized_svd(low_rank.toarray(), n_components=5, random_state=0)
    assert np.all(np.isfinite(ours))
    np.testing.assert_allclose(np.abs(np.sum(ours[:5] * expected, axis=1)), 1.0, atol=1e-9)
    np.testing.assert_array_equal(ours[5:], 0.0)


def test_diffusion_operator_is_graphtools_and_shares_the_kernels_indices():
    graph = _graph(_kernel(), 150)  # graphtools drops the kernel's entries below 1e-4 in place
    kernel = graph.kernel
    entries = kernel.data.copy()
    ours = diffusion_operator(kernel)
    expected = graph.diff_op
    np.testing.assert_array_equal(ours.data, expected.data)
    np.testing.assert_array_equal(ours.indices, expected.indices)
    np.testing.assert_array_equal(ours.indptr, expected.indptr)
    assert ours.indices is kernel.indices and ours.indptr is kernel.indptr
    np.testing.assert_array_equal(kernel.data, entries)  # the kernel keeps its own values


def test_landmark_operators_are_graphtools_for_the_same_clusters():
    kernel = _kernel()
    graph = _graph(kernel, 150)
    ours = spectral_landmarks(graph.kernel, 150, n_svd=30, random_state=0)
    n_nodes = kernel.shape[0]
    labels = np.unique(ours.clusters)
    assert ours.clusters.shape == (n_nodes,)
    assert ours.operator.shape == (len(labels), len(labels))
    assert ours.transitions.shape == (n_nodes, len(labels))
    # graphtools' own construction (LandmarkGraph.build_landmark_op) from the same clusters
    pmn = sparse.vstack([sparse.csr_matrix(graph.kernel[ours.clusters == i].sum(axis=0)) for i in labels])
    pnm = normalize(pmn.T, norm="l1", axis=1)
    np.testing.assert_allclose(ours.transitions.toarray(), pnm.toarray(), rtol=0, atol=1e-13)
    np.testing.assert_allclose(ours.operator, (normalize(pmn, norm="l1", axis=1) @ pnm).toarray(), atol=1e-13)
    np.testing.assert_allclose(ours.operator.sum(axis=1), 1.0, atol=1e-12)


def test_spectral_landmarks_are_deterministic_and_cluster_like_graphtools():
    kernel = _kernel()
    graph = _graph(kernel, 150)
    a = spectral_landmarks(graph.kernel, 150, n_svd=30, svd_iter=2, random_state=4)
    b = spectral_landmarks(graph.kernel, 150, n_svd=30, svd_iter=2, random_state=4)
    np.testing.assert_array_equal(a.clusters, b.clusters)
    np.testing.assert_array_equal(a.operator, b.operator)
    # graphtools' landmarks on the same graph: k-means on the same spectral coordinates gives
    # clusterings that agree far beyond chance (k-means itself reacts to rounding)
    from sklearn.metrics import adjusted_rand_score

    graph.build_landmark_op()
    assert adjusted_rand_score(a.clusters, graph.clusters) > 0.5


def test_attached_landmarks_are_what_phate_diffuses():
    graph = _graph(_kernel(), 120)
    landmarks = spectral_landmarks(graph.kernel, 120, n_svd=30, random_state=0)
    attach(graph, landmarks)
    assert graph.landmark_op is landmarks.operator
    assert graph.transitions is landmarks.transitions
    np.testing.assert_array_equal(graph.clusters, landmarks.clusters)


def test_phate_embedding_uses_spectral_landmarks_unless_graphtools_is_asked_for(monkeypatch):
    import mmphate_widget.engine.embedding as embedding_module

    kernel = _kernel()
    calls = []
    real = embedding_module.spectral_landmarks

    def spy(*args, **kwargs):
        calls.append(kwargs["svd_iter"])
        return real(*args, **kwargs)

    monkeypatch.setattr(embedding_module, "spectral_landmarks", spy)
    fast = phate_embedding(kernel, n_landmark=150, t=5, svd_iter=2, random_state=0)
    assert calls == [2]
    graphtools_own = phate_embedding(
        kernel, n_landmark=150, t=5, landmark_method="graphtools", random_state=0
    )
    assert calls == [2]  # graphtools built the landmarks itself
    assert fast.embedding.shape == graphtools_own.embedding.shape == (kernel.shape[0], 3)
    assert np.all(np.isfinite(fast.embedding))
    phate_embedding(kernel, n_landmark=None, t=5, svd_iter=2, random_state=0)
    assert calls == [2]  # no landmarks: nothing to place


def test_fast_landmarks_reproduce_phates_embedding_on_a_small_input():
    # spec section 3: our replacement of a graphtools part is tested against phate's result. On this
    # input k-means settles on the same clusters from both computations of the spectral coordinates,
    # so the whole embedding must be phate's (on others, rounding can move k-means: see landmarks.py)
    kernel = _kernel()
    fast = phate_embedding(kernel, n_landmark=150, t=5, random_state=0)
    graphtools_own = phate_embedding(
        kernel, n_landmark=150, t=5, landmark_method="graphtools", random_state=0
    )
    np.testing.assert_allclose(fast.embedding, graphtools_own.embedding, rtol=0, atol=1e-10)
