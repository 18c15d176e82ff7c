"""Neighbourhood preservation and the baseline embeddings."""

from __future__ import annotations

import numpy as np
import pytest

from mmphate_widget import baseline_embedding, neighborhood_preservation, simulate_rnn_training
from mmphate_widget.analysis.metrics import group_preservation
from mmphate_widget.engine.kernel import node_features


@pytest.fixture(scope="module")
def states():
    return simulate_rnn_training(5, 6, 12, 10, random_state=3)[0]


def test_perfect_and_random_embeddings(states):
    E, T, U, S = states.shape
    exact = node_features(states).reshape(-1, S)
    scores = neighborhood_preservation(states, exact, ks=(3, 10))
    assert scores == {"intra@3": 1.0, "inter@3": 1.0, "intra@10": 1.0, "inter@10": 1.0}
    noise = np.random.default_rng(0).normal(size=(E * T * U, 3))
    random_scores = neighborhood_preservation(states, noise, ks=(3,))
    assert random_scores["intra@3"] < 0.6
    assert random_scores["inter@3"] < 0.6


def test_group_preservation_counts_overlap():
    high = np.array([[[0.0], [1.0], [2.0], [10.0]]])
    low = np.array([[[0.0], [1.0], [10.0], [2.0]]])  # points 2 and 3 swap places
    # k = 1: 0->1 kept, 1->0 kept, 2->1 becomes 2->3 (lost), 3->2 becomes 3->1 (lost)
    assert group_preservation(high, low, 1) == pytest.approx(0.5)


def test_k_is_capped_by_group_size(states):
    scores = neighborhood_preservation(states, node_features(states).reshape(-1, 10), ks=(40,))
    assert scores["intra@40"] == 1.0


@pytest.mark.parametrize("method", ["pca", "tsne", "isomap"])
def test_baselines(states, method):
    kwargs = {"perplexity": 10, "max_iter": 250} if method == "tsne" else {}
    Y = baseline_embedding(states, method, **kwargs)
    assert Y.shape == (states[..., 0].size, 3)
    assert np.all(np.isfinite(Y))
    scores = neighborhood_preservation(states, Y, ks=(5,))
    assert 0.0 < scores["inter@5"] <= 1.0


def test_unknown_baseline_and_too_large_isomap(monkeypatch, states):
    import mmphate_widget.analysis.baselines as baselines

    with pytest.raises(ValueError, match="choose one of"):
        baseline_embedding(states, "umap")
    monkeypatch.setattr(baselines, "MAX_ISOMAP_NODES", 10)
    with pytest.raises(ValueError, match="Subsample"):
        baseline_embedding(states, "isomap")
