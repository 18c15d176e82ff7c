"""Metric MDS: the lean SMACOF equals scikit-learn's, and the embedding equals phate's own."""

from __future__ import annotations

import graphtools
import numpy as np
import phate
import phate.mds
import pytest
import sklearn.manifold
from scipy.spatial.distance import pdist, squareform

from mmphate_widget.analysis.synthetic import simulate_rnn_training
from mmphate_widget.engine.distances import pairwise_distances
from mmphate_widget.engine.embedding import phate_embedding
from mmphate_widget.engine.kernel import multislice_kernel
from mmphate_widget.engine.mds import classic_mds, smacof, smacof_embedding


def _distances(n: int = 150, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    points = rng.normal(size=(n, 6)).cumsum(axis=0) + rng.normal(size=(n, 6))
    return squareform(pdist(points))


@pytest.mark.parametrize(
    ("max_iter", "n_components", "block_rows"),
    # Blocks of 7 rows: 150 points span 22 blocks, the last one short.
    [(5, 3, None), (3000, 3, None), (3000, 2, 7)],
)
def test_smacof_equals_scikit_learn(monkeypatch, max_iter, n_components, block_rows):
    if block_rows is not None:
        monkeypatch.setattr("mmphate_widget.engine.mds._BLOCK_ELEMENTS", block_rows * 150)
    D = _distances()
    init = phate.mds.classic(D, n_components=n_components, random_state=0)
    expected, expected_stress, expected_iter = sklearn.manifold.smacof(
        D,
        n_components=n_components,
        init=init,
        n_init=1,
        max_iter=max_iter,
        eps=1e-6,
        metric=True,
        return_n_iter=True,
        normalized_stress=False,
    )
    ours, stress, n_iter = smacof(D, init, max_iter=max_iter, eps=1e-6)
    assert n_iter == expected_iter
    assert (n_iter == 5) == (max_iter == 5)  # 3000 stops on the eps rule, well before the cap
    np.testing.assert_allclose(ours, expected, rtol=0, atol=1e-9 * np.abs(expected).max())
    assert stress == pytest.approx(expected_stress, rel=1e-10)


@pytest.mark.parametrize("block_rows", [None, 7])
def test_pairwise_distances_equal_pdist_and_are_exact_for_near_duplicates(monkeypatch, block_rows):
    if block_rows is not None:
        monkeypatch.setattr("mmphate_widget.engine.distances._BLOCK_ELEMENTS", block_rows * 61)
    rng = np.random.default_rng(3)
    points = 1e3 + rng.random((60, 40))  # far from the origin: the Gram expansion cancels badly
    points = np.vstack([points, points[:1] + 1e-9])  # point 60 is a near-duplicate of point 0
    ours = pairwise_distances(points)
    expected = squareform(pdist(points))
    assert ours.shape == (61, 61)
    assert (ours == ours.T).all() and (np.diag(ours) == 0).all()
    np.testing.assert_allclose(ours, expected, rtol=1e-10, atol=0)
    # The near pair is recomputed from exact differences: 1e-9 * sqrt(40), not rounding noise.
    assert ours[0, 60] == pytest.approx(expected[0, 60], rel=1e-6)
    assert ours[0, 60] == pytest.approx(1e-9 * np.sqrt(40), rel=1e-3)


def test_smacof_lowers_the_stress_and_handles_duplicate_points():
    D = _distances(80, seed=1)
    D = np.block([[D, D[:, :1]], [D[:1, :], np.zeros((1, 1))]])  # point 80 duplicates point 0
    init = phate.mds.classic(D, n_components=2, random_state=0)
    expected = sklearn.manifold.smacof(
        D, n_components=2, init=init, n_init=1, max_iter=3000, eps=1e-6, metric=True, normalized_stress=False
    )[0]
    ours, stress, _ = smacof(D, init)
    np.testing.assert_allclose(ours, expected, rtol=0, atol=1e-9 * np.abs(expected).max())
    init_stress = ((squareform(pdist(init)) - D) ** 2).sum() / 4  # each pair counted twice
    assert np.isfinite(ours).all() and stress < init_stress


@pytest.mark.parametrize("n_components", [2, 3])
def test_classic_mds_is_phates_to_the_last_bit(n_components):
    rng = np.random.default_rng(4)
    D = squareform(pdist(rng.normal(size=(400, 12))))
    before = D.copy()
    np.testing.assert_array_equal(
        classic_mds(D, n_components, 3), phate.mds.classic(D, n_components=n_components, random_state=3)
    )
    np.testing.assert_array_equal(D, before)  # the distances are not the temporary


def test_smacof_embedding_equals_phate_embed_mds():
    rng = np.random.default_rng(2)
    potential = rng.random((120, 40)) ** 2
    expected = phate.mds.embed_MDS(potential, ndim=3, how="metric", solver="smacof", seed=0)
    ours = smacof_embedding(potential, 3, 0)
    np.testing.assert_allclose(ours, expected, rtol=0, atol=1e-9)


@pytest.mark.parametrize("n_landmark", [None, 150])
def test_phate_embedding_with_smacof_equals_phate(n_landmark):
    X, _ = simulate_rnn_training(6, 10, 8, 12, random_state=0)
    K = multislice_kernel(X, interstep_knn=5)
    ours = phate_embedding(
        K, t=6, n_landmark=n_landmark, mds_solver="smacof", landmark_method="graphtools", random_state=0
    )
    graph = graphtools.Graph(K, precomputed="affinity", n_landmark=n_landmark, random_state=0, verbose=False)
    op = phate.PHATE(
        n_components=3,
        t=6,
        gamma=0,
        n_landmark=n_landmark,
        mds_solver="smacof",
        random_state=0,
        verbose=False,
    )
    expected = op.fit(graph).transform()
    np.testing.assert_allclose(ours.embedding, expected, rtol=0, atol=1e-8 * np.abs(expected).max())
