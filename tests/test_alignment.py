"""Aligning successive fits: Procrustes on shared nodes, stable cluster ids."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import special_ortho_group

from mmphate_widget.engine.alignment import align_embedding, match_cluster_ids


def test_a_moved_rotated_reflected_rescaled_copy_is_put_back():
    rng = np.random.default_rng(0)
    previous = rng.normal(size=(50, 3))
    rotation = special_ortho_group.rvs(3, random_state=1) @ np.diag([1, 1, -1])  # with a reflection
    grown = np.vstack([previous, rng.normal(size=(20, 3))])  # 20 new nodes
    current = 2.5 * grown @ rotation + np.array([4.0, -1.0, 7.0])
    aligned = align_embedding(previous, current, shared=50)
    np.testing.assert_allclose(aligned, grown, atol=1e-9)  # the new nodes move with the old ones


def test_noise_on_the_new_fit_is_not_amplified():
    rng = np.random.default_rng(2)
    previous = rng.normal(size=(200, 2))
    current = (previous + 0.01 * rng.normal(size=previous.shape)) @ np.array([[0, -1], [1, 0]]) * 3
    aligned = align_embedding(previous, current, shared=200)
    assert np.abs(aligned - previous).max() < 0.05
    assert np.abs(current - previous).max() > 1


def test_shared_nodes_by_index():
    rng = np.random.default_rng(3)
    previous = rng.normal(size=(30, 3))
    current = np.vstack([rng.normal(size=(5, 3)), previous]) * 2.0
    aligned = align_embedding(previous, current, shared=np.arange(5, 35))
    np.testing.assert_allclose(aligned[5:], previous, atol=1e-9)


def test_too_few_shared_nodes_leave_the_fit_alone_and_bad_shapes_are_named():
    current = np.arange(12.0).reshape(4, 3)
    np.testing.assert_array_equal(align_embedding(np.zeros((2, 3)), current, shared=2), current)
    with pytest.raises(ValueError, match="same number of dimensions"):
        align_embedding(np.zeros((4, 2)), current, shared=2)
    with pytest.raises(ValueError, match="shared=9 nodes"):
        align_embedding(np.zeros((4, 3)), current, shared=9)


def test_swapped_cluster_ids_are_swapped_back():
    previous = np.array([0, 0, 0, 1, 1, 1, 2, 2])
    current = np.array([2, 2, 2, 0, 0, 1, 1, 1])  # same groups except unit 5, renumbered
    np.testing.assert_array_equal(match_cluster_ids(previous, current), [0, 0, 0, 1, 1, 2, 2, 2])


def test_a_new_cluster_gets_a_fresh_id_and_units_that_stayed_keep_theirs():
    previous = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    current = np.array([1, 1, 1, 1, 0, 0, 2, 2])  # cluster 1 (old) split in two
    relabeled = match_cluster_ids(previous, current)
    np.testing.assert_array_equal(relabeled[:6], [0, 0, 0, 0, 1, 1])
    assert relabeled[6] == relabeled[7] == 2
    with pytest.raises(ValueError, match="same length"):
        match_cluster_ids(previous, current[:3])
