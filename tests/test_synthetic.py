"""The simulated RNN tensor."""

from __future__ import annotations

import numpy as np
import pytest

from mmphate_widget import simulate_rnn_training


def test_shape_dtype_labels_and_determinism():
    X, y = simulate_rnn_training(4, 5, 6, 7, n_classes=3, random_state=1)
    assert X.shape == (4, 5, 6, 7) and X.dtype == np.float32
    assert y.shape == (7,) and set(y) <= {0, 1, 2}
    X2, _y2 = simulate_rnn_training(4, 5, 6, 7, n_classes=3, random_state=1)
    np.testing.assert_array_equal(X, X2)
    X3, _ = simulate_rnn_training(4, 5, 6, 7, n_classes=3, random_state=2)
    assert not np.array_equal(X, X3)
    assert np.all(np.abs(X) <= 1.0)


def test_quiet_units_become_static_over_training():
    X, _ = simulate_rnn_training(10, 20, 10, 30, random_state=0)
    # spread of each unit's activity over the steps, at the last epoch
    spread = X[-1].std(axis=0).mean(axis=1)
    assert spread[:6].mean() > 3 * spread[6:].mean()


def test_bad_sizes():
    with pytest.raises(ValueError):
        simulate_rnn_training(0, 5, 6, 7)
    with pytest.raises(ValueError):
        simulate_rnn_training(2, 5, 6, 7, active_fraction=1.0)
