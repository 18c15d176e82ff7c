"""Unit clustering on inter-step entropy trajectories, and choosing the number of clusters."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from mmphate_widget.engine.cluster import choose_n_clusters, cluster_units


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


def test_no_more_clusters_than_distinct_trajectories(caplog):
    import warnings

    two_kinds = np.array([[2.0, 3.0, 4.0]] * 3 + [[3.0, 2.0, 1.0]] * 4)
    with warnings.catch_warnings(), caplog.at_level(logging.WARNING):
        warnings.simplefilter("error")  # no ConvergenceWarning from empty k-means clusters
        labels = cluster_units(two_kinds, 3, random_state=0)
        same = cluster_units(np.zeros((5, 4)), 2, random_state=0)  # e.g. 2 time steps: all 0
        assert choose_n_clusters(np.zeros((5, 4))) == 1
        assert choose_n_clusters(two_kinds) == 2
        np.testing.assert_array_equal(cluster_units(two_kinds, "auto", random_state=0), labels)
    np.testing.assert_array_equal(labels, [0, 0, 0, 1, 1, 1, 1])  # id 0: the higher mean
    np.testing.assert_array_equal(same, np.zeros(5))
    assert (
        "Only 2 of the 7 units' inter-step entropy trajectories differ, so they form 2 clusters, not 3"
        in (caplog.text)
    )
    assert "Only 1 of the 5 units' inter-step entropy trajectories differ, so they form 1 cluster, not 2" in (
        caplog.text
    )


def test_bad_n_clusters():
    with pytest.raises(ValueError, match="n_clusters=5 must be between 1 and the number of units \\(4\\)"):
        cluster_units(np.zeros((4, 3)), 5)


# ------------------------------------------------------------------------------------------------
# n_clusters="auto": the gap statistic

EPOCHS = np.linspace(0, 1, 15)
RISING, FALLING, HUMP = 1 + EPOCHS, 2 - EPOCHS, 1 + 2 * np.sin(np.pi * EPOCHS)


def planted(sizes, shapes, noise=0.1, seed=0):
    """Units in groups of the given sizes, each following its shape plus independent noise."""
    rng = np.random.default_rng(seed)
    groups = [
        shape + noise * rng.normal(size=(n, EPOCHS.size)) for n, shape in zip(sizes, shapes, strict=False)
    ]
    return np.concatenate(groups)


@pytest.mark.parametrize("seed", range(3))
def test_auto_finds_two_planted_groups(seed):
    traj = planted([9, 7], [RISING, FALLING], noise=0.2, seed=seed)
    assert choose_n_clusters(traj) == 2
    np.testing.assert_array_equal(cluster_units(traj, "auto"), [0] * 9 + [1] * 7)


def test_auto_finds_the_two_groups_of_the_simulated_rnn(fitted):
    assert choose_n_clusters(fitted.interstep_entropy_) == 2


@pytest.mark.parametrize("seed", range(3))
def test_auto_finds_three_separated_groups(seed):
    traj = planted([6, 5, 5], [RISING, FALLING, HUMP], seed=seed)
    labels = cluster_units(traj, "auto")
    assert sorted(np.bincount(labels)) == [5, 5, 6]
    # each planted group is one cluster
    assert all(len(set(labels[a:b])) == 1 for a, b in [(0, 6), (6, 11), (11, 16)])


@pytest.mark.parametrize("shape", [(16, 15), (64, 40), (10, 5)])
def test_auto_finds_no_structure_in_noise(shape):
    for seed in range(3):
        traj = 1.0 + 0.1 * np.random.default_rng(seed).normal(size=shape)
        assert choose_n_clusters(traj) == 1
        assert set(cluster_units(traj, "auto")) == {0}


def test_auto_is_deterministic_and_logs_its_choice(caplog):
    traj = planted([9, 7], [RISING, FALLING], noise=0.2, seed=4)
    with caplog.at_level(logging.INFO, logger="mmphate_widget.engine.cluster"):
        a = cluster_units(traj, "auto", random_state=3)
    assert "the gap statistic chose 2 unit cluster(s)" in caplog.text
    np.testing.assert_array_equal(cluster_units(traj, "auto", random_state=3), a)
    assert choose_n_clusters(traj, random_state=3) == choose_n_clusters(traj, random_state=3)


def test_auto_with_too_few_units_is_one_cluster():
    assert choose_n_clusters(np.array([[0.0, 1.0], [5.0, 4.0]])) == 1


@pytest.mark.parametrize("value", ["foo", 0, 5, -1, 2.5, True, None])
def test_bad_n_clusters_names_the_fix(value):
    with pytest.raises(ValueError, match=r"between 1 and the number of units \(4\), or 'auto'"):
        cluster_units(np.random.default_rng(0).normal(size=(4, 3)), value)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_clusters": 0}, "max_clusters=0 must be a positive integer"),
        ({"n_references": 1}, "n_references=1 must be an integer >= 2"),
    ],
)
def test_bad_gap_parameters(kwargs, message):
    with pytest.raises(ValueError, match=message):
        choose_n_clusters(np.zeros((6, 3)), **kwargs)
