"""Synthetic hidden-state tensors: a small tanh RNN whose weights move through 'training'.

No deep-learning framework is needed. The simulated network reads noisy class-dependent input
sequences; over the epochs its weights move from a random initialisation towards a solution in
which one group of units ("active") is driven ever more strongly by the input while the other
group ("quiet") is progressively reduced to holding a static, sample-specific value. The two groups therefore have different inter-step
entropy trajectories, which makes the tensor useful for examples, tests and benchmarks.
"""

from __future__ import annotations

import numpy as np

__all__ = ["simulate_rnn_training"]


def simulate_rnn_training(
    n_epochs: int = 20,
    n_steps: int = 30,
    n_units: int = 16,
    n_samples: int = 40,
    *,
    n_classes: int = 2,
    n_inputs: int = 3,
    active_fraction: float = 0.6,
    noise: float = 0.05,
    random_state: int | None = 0,
    dtype: type = np.float32,
) -> tuple[np.ndarray, np.ndarray]:
    """Simulate the hidden states of an RNN recorded through training.

    Parameters
    ----------
    n_epochs, n_steps, n_units, n_samples : int
        Shape of the returned tensor (epochs, time steps, hidden units, trace samples).
    n_classes : int, default 2
        Number of input classes; class c drives the input at frequency ``c + 1``.
    n_inputs : int, default 3
        Input dimension.
    active_fraction : float, default 0.6
        Fraction of units in the "active" group (the first units); the rest are "quiet".
    noise : float, default 0.05
        Standard deviation of the input noise and of the per-epoch weight jitter.
    random_state : int or None, default 0
        Seed; a fixed seed gives an identical tensor.
    dtype : numpy dtype, default float32

    Returns
    -------
    hidden_states : ndarray of shape (n_epochs, n_steps, n_units, n_samples)
    labels : ndarray of int64 of shape (n_samples,)
        The class of each trace sample.
    """
    if min(n_epochs, n_steps, n_units, n_samples, n_classes, n_inputs) < 1:
        raise ValueError("all sizes must be at least 1")
    if not 0.0 < active_fraction < 1.0:
        raise ValueError(f"active_fraction={active_fraction} must be strictly between 0 and 1")
    rng = np.random.default_rng(random_state)
    labels = np.arange(n_samples) % n_classes
    rng.shuffle(labels)

    time = np.linspace(0.0, 2.0 * np.pi, n_steps)
    phase = rng.uniform(0, 2 * np.pi, size=(n_samples, n_inputs))
    freq = (labels + 1.0)[:, None]
    inputs = np.sin(freq[:, None, :] * time[None, :, None] + phase[:, None, :])  # (S, T, I)
    inputs += noise * rng.standard_normal(inputs.shape)

    n_active = max(1, min(n_units - 1, round(active_fraction * n_units)))
    active = np.arange(n_units) < n_active

    w_init = rng.standard_normal((n_units, n_units)) * (0.9 / np.sqrt(n_units))
    v_init = rng.standard_normal((n_units, n_inputs)) * 0.5
    w_goal = rng.standard_normal((n_units, n_units)) * (1.2 / np.sqrt(n_units))
    w_goal[~active] *= 0.05
    v_goal = rng.standard_normal((n_units, n_inputs)) * 2.0
    v_goal[~active] *= 0.02
    bias = rng.standard_normal(n_units) * 0.1
    # Quiet units end up holding a static, sample-specific value (a "memory"): their activation
    # pattern across samples stops changing with the time step, i.e. they compress.
    static_drive = rng.standard_normal(n_samples)
    static_gain = np.where(active, 0.0, 1.5)

    out = np.empty((n_epochs, n_steps, n_units, n_samples), dtype=dtype)
    for e in range(n_epochs):
        progress = 1.0 - np.exp(-4.0 * e / max(1, n_epochs - 1))
        w = (1 - progress) * w_init + progress * w_goal + noise * 0.1 * rng.standard_normal(w_init.shape)
        v = (1 - progress) * v_init + progress * v_goal
        h = np.zeros((n_samples, n_units))
        for t in range(n_steps):
            drive = h @ w.T + inputs[:, t, :] @ v.T + bias
            drive += progress * static_drive[:, None] * static_gain[None, :]
            h = np.tanh(drive)
            out[e, t] = h.T
    return out, labels.astype(np.int64)
