"""Distance-histogram entropies: known values, shapes and invariances."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from mmphate_widget.engine.entropy import (
    interstep_entropy,
    interstep_entropy_bootstrap,
    intrastep_entropy,
    pairwise_distance_entropy,
)


def test_known_values():
    # set 0: three points with distances {1, 1, 2} -> bins at min 1 and max 2 -> p = (2/3, 1/3)
    # set 1: three collinear points at distance {1, 1, 2} as well, shifted
    line = np.array([[0.0, 0, 0], [1, 0, 0], [2, 0, 0]])
    sets = np.stack([line, line + 5.0])
    h = pairwise_distance_entropy(sets, bins=2)
    expected = -(2 / 3 * np.log(2 / 3) + 1 / 3 * np.log(1 / 3))
    np.testing.assert_allclose(h, [expected, expected])


def test_collapsed_set_has_zero_entropy_and_spread_set_more():
    rng = np.random.default_rng(0)
    collapsed = np.zeros((1, 10, 3))
    spread = rng.normal(size=(1, 10, 3)) * 5
    h = pairwise_distance_entropy(np.concatenate([collapsed, spread]), bins=20)
    assert h[0] == 0.0
    assert h[1] > 1.0
    assert h[1] <= np.log(20)


def test_fewer_than_two_points_gives_zero():
    assert pairwise_distance_entropy(np.ones((4, 1, 3))).tolist() == [0.0] * 4


def test_shapes_and_node_order():
    E, T, U = 4, 6, 5
    rng = np.random.default_rng(1)
    Y = rng.normal(size=(E * T * U, 3))
    h_intra = intrastep_entropy(Y, E, T, U)
    h_inter = interstep_entropy(Y, E, T, U)
    assert h_intra.shape == (E, T)
    assert h_inter.shape == (U, E)
    # collapse the units of slice (e=2, t=3): node = (e*T + t)*U + u
    Y2 = Y.copy()
    Y2[(2 * T + 3) * U : (2 * T + 4) * U] = 0.0
    assert intrastep_entropy(Y2, E, T, U)[2, 3] == 0.0
    # collapse unit 4 within epoch 1
    Y3 = Y.copy()
    Y3[[(1 * T + t) * U + 4 for t in range(T)]] = 7.0
    assert interstep_entropy(Y3, E, T, U)[4, 1] == 0.0


@pytest.mark.parametrize("estimator", [intrastep_entropy, interstep_entropy])
def test_rotation_and_translation_invariance(estimator):
    E, T, U = 3, 7, 6
    rng = np.random.default_rng(2)
    Y = rng.normal(size=(E * T * U, 3))
    R = Rotation.random(random_state=3).as_matrix()
    moved = Y @ R.T + np.array([10.0, -4.0, 2.5])
    np.testing.assert_allclose(estimator(moved, E, T, U), estimator(Y, E, T, U), atol=1e-12)


def test_bins_span_the_global_range_so_values_compare_across_sets():
    small = np.array([[[0.0, 0], [1, 0], [0, 1]]])
    big = small * 10
    h = pairwise_distance_entropy(np.concatenate([small, big]), bins=20)
    # the small set's distances all fall in the first bin of the global range
    assert h[0] == 0.0
    assert h[1] > 0.0


def test_large_inputs_are_processed_in_chunks_identically(monkeypatch):
    import mmphate_widget.engine.entropy as entropy

    rng = np.random.default_rng(4)
    sets = rng.normal(size=(50, 12, 3))
    whole = pairwise_distance_entropy(sets)
    monkeypatch.setattr(entropy, "_CHUNK_ELEMENTS", 500)
    np.testing.assert_array_equal(pairwise_distance_entropy(sets), whole)


# ------------------------------------------------------------------------------------------------
# Bootstrap replicates of the inter-step entropy (cluster stability)


def _replicate_by_hand(Y, E, T, U, counts, bins):
    """Inter-step entropy of one replicate, from the resampled points themselves: every pair of
    drawn steps except two copies of the same step, histogrammed over the full data's range."""
    points = Y.reshape(E, T, U, -1)
    full_pairs = [
        np.linalg.norm(points[e, i, u] - points[e, j, u])
        for u in range(U)
        for e in range(E)
        for i in range(T)
        for j in range(i + 1, T)
    ]
    lo, hi = min(full_pairs), max(full_pairs)
    out = np.empty((U, E))
    for u in range(U):
        for e in range(E):
            drawn = np.repeat(np.arange(T), counts[e])
            dist = [
                np.linalg.norm(points[e, a, u] - points[e, b, u])
                for x, a in enumerate(drawn)
                for b in drawn[x + 1 :]
                if a != b
            ]
            hist = np.histogram(dist, bins=bins, range=(lo, hi))[0]
            p = hist[hist > 0] / hist.sum()
            out[u, e] = -(p * np.log(p)).sum()
    return out


def test_bootstrap_full_estimate_is_interstep_entropy_and_replicates_resample_steps():
    E, T, U, B = 3, 7, 4, 5
    Y = np.random.default_rng(5).normal(size=(E * T * U, 3))
    full, reps = interstep_entropy_bootstrap(Y, E, T, U, bins=6, n_bootstrap=B, random_state=2)
    np.testing.assert_array_equal(full, interstep_entropy(Y, E, T, U, bins=6))
    assert reps.shape == (B, U, E)
    # The documented draw: per epoch and replicate, T steps with replacement (seeded).
    draws = np.random.default_rng(2).multinomial(T, np.full(T, 1 / T), size=(E, B))
    for b in range(B):
        np.testing.assert_allclose(reps[b], _replicate_by_hand(Y, E, T, U, draws[:, b], 6), atol=1e-6)


def test_bootstrap_is_seeded_and_chunking_changes_nothing(monkeypatch):
    import mmphate_widget.engine.entropy as entropy

    E, T, U = 4, 9, 6
    Y = np.random.default_rng(6).normal(size=(E * T * U, 2))
    full, reps = interstep_entropy_bootstrap(Y, E, T, U, random_state=1)
    np.testing.assert_array_equal(interstep_entropy_bootstrap(Y, E, T, U, random_state=1)[1], reps)
    assert not np.array_equal(interstep_entropy_bootstrap(Y, E, T, U, random_state=2)[1], reps)
    monkeypatch.setattr(entropy, "_CHUNK_ELEMENTS", 50)
    chunked_full, chunked_reps = interstep_entropy_bootstrap(Y, E, T, U, random_state=1)
    np.testing.assert_array_equal(chunked_full, full)
    np.testing.assert_array_equal(chunked_reps, reps)


def test_bootstrap_of_a_single_step_is_zero():
    full, reps = interstep_entropy_bootstrap(np.ones((2 * 1 * 3, 3)), 2, 1, 3, n_bootstrap=4)
    assert full.shape == (3, 2) and reps.shape == (4, 3, 2)
    assert not full.any() and not reps.any()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"bins": 0}, "bins=0 must be at least 1"),
        ({"n_bootstrap": 0}, "n_bootstrap=0 must be at least 1"),
    ],
)
def test_bootstrap_rejects_bad_counts(kwargs, message):
    with pytest.raises(ValueError, match=message):
        interstep_entropy_bootstrap(np.zeros((24, 3)), 2, 3, 4, **kwargs)
