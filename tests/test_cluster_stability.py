"""Cluster stability over bootstrap replicates of units and time steps."""

from __future__ import annotations

import json
from importlib import resources

import numpy as np
import pytest

from mmphate_widget.engine.cluster import cluster_units
from mmphate_widget.engine.cluster_stability import STABILITY_LEVELS, cluster_stability, stability_level
from mmphate_widget.engine.entropy import interstep_entropy_bootstrap

EPOCHS = np.linspace(0, 1, 15)


def replicates_of(traj, noise, n=50, seed=0):
    """Replicates of trajectories: the trajectories plus independent estimation noise."""
    return traj + noise * np.random.default_rng(seed).normal(size=(n, *traj.shape))


def two_groups(seed=0, noise=0.05):
    rng = np.random.default_rng(seed)
    return np.concatenate(
        [
            2 + EPOCHS + noise * rng.normal(size=(9, EPOCHS.size)),
            1.5 - EPOCHS + noise * rng.normal(size=(7, EPOCHS.size)),
        ]
    )


def test_planted_groups_are_stable_and_every_unit_confident():
    traj = two_groups()
    clusters = cluster_units(traj, 2)
    result = cluster_stability(replicates_of(traj, 0.05), clusters)
    assert result.stability == 1.0
    np.testing.assert_array_equal(result.unit_confidence, np.ones(16))
    assert stability_level(result.stability) == "stable"


@pytest.mark.parametrize("seed", range(3))
def test_a_split_of_structureless_units_is_unstable(seed):
    traj = np.random.default_rng(seed).normal(size=(16, 15))
    clusters = cluster_units(traj, 2)
    result = cluster_stability(replicates_of(traj, 0.2, seed=seed), clusters)
    assert result.stability < STABILITY_LEVELS["unstable_below"]
    assert stability_level(result.stability) == "unstable"
    assert result.unit_confidence.min() < 0.8


def test_a_unit_between_the_groups_has_the_lowest_confidence():
    traj = two_groups(noise=0.2)
    between = (2 + EPOCHS + 1.5 - EPOCHS) / 2  # halfway between the two group shapes
    traj = np.vstack([traj, between])
    clusters = cluster_units(traj, 2)
    result = cluster_stability(replicates_of(traj, 0.2), clusters)
    assert np.argmin(result.unit_confidence) == 16
    assert result.unit_confidence[16] < 0.9 <= np.delete(result.unit_confidence, 16).min()


def test_one_cluster_is_stable_by_definition():
    result = cluster_stability(np.zeros((5, 4, 3)), np.zeros(4, dtype=int))
    assert result.stability == 1.0
    np.testing.assert_array_equal(result.unit_confidence, np.ones(4))


def test_fixed_random_state_gives_identical_results():
    traj = two_groups(noise=0.3)
    clusters = cluster_units(traj, 2)
    reps = replicates_of(traj, 0.3)
    a = cluster_stability(reps, clusters, random_state=7)
    b = cluster_stability(reps, clusters, random_state=7)
    assert a.stability == b.stability
    np.testing.assert_array_equal(a.unit_confidence, b.unit_confidence)
    assert 0.0 <= a.stability <= 1.0 and np.all((a.unit_confidence >= 0) & (a.unit_confidence <= 1))


def test_stability_of_a_fitted_embedding(fitted):
    # The estimator's route: replicates from the embedding, clusters from the full trajectories.
    h, reps = interstep_entropy_bootstrap(fitted.embedding_, 12, 10, 16, random_state=0)
    result = cluster_stability(reps, cluster_units(h, 2))
    assert result.stability == pytest.approx(fitted.cluster_stability_)
    np.testing.assert_allclose(result.unit_confidence, fitted.unit_cluster_confidence_)


@pytest.mark.parametrize(
    ("reps", "clusters"),
    [
        (np.zeros((4, 3)), np.zeros(4, dtype=int)),
        (np.zeros((5, 4, 3)), np.zeros(3, dtype=int)),
        (np.zeros((0, 4, 3)), np.zeros(4, dtype=int)),
    ],
)
def test_bad_shapes_are_named(reps, clusters):
    message = r"replicates must have shape \(n_bootstrap >= 1, n_units, n_epochs\)"
    with pytest.raises(ValueError, match=message):
        cluster_stability(reps, clusters)


def test_levels_come_from_the_contract_the_front_end_bundles():
    shared = resources.files("mmphate_widget").joinpath("contract.json")
    assert json.loads(shared.read_text())["cluster_stability"] == STABILITY_LEVELS
    low, high = STABILITY_LEVELS["unstable_below"], STABILITY_LEVELS["stable_from"]
    assert [stability_level(v) for v in (low - 0.01, low, high - 0.01, high)] == [
        "unstable",
        "weak",
        "weak",
        "stable",
    ]
