"""Unit clustering on inter-step entropy trajectories."""

from __future__ import annotations

import numpy as np
import pytest

from mmphate_widget.cluster import cluster_units


def test_planted_groups_are_found_and_ordered_by_activity():
    rng = np.random.default_rng(0)
    epochs = np.linspace(0, 1, 15)
    active = 2.0 + epochs + 0.05 * rng.normal(size=(7, 15))  # rising entropy
    quiet = 1.5 - epochs + 0.05 * rng.normal(size=(5, 15))  # compressing
    traj = np.concatenate([quiet, active])
    labels = cluster_units(traj, 2, random_state=0)
    np.testing.assert_array_equal(labels, [1] * 5 + [0] * 7)  # 0 = most active


def test_deterministic_with_fixed_seed():
    traj = np.random.default_rng(1).normal(size=(20, 8))
    a = cluster_units(traj, 3, random_state=5)
    b = cluster_units(traj, 3, random_state=5)
    np.testing.assert_array_equal(a, b)
    means = [traj[a == c].mean() for c in range(3)]
    assert means == sorted(means, reverse=True)


def test_bad_n_clusters():
    with pytest.raises(ValueError, match="n_clusters=5 must be between 1 and the number of units \\(4\\)"):
        cluster_units(np.zeros((4, 3)), 5)
