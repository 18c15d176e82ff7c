"""Small seeded PyTorch recurrent layers and inputs shared by the recording tests."""

from __future__ import annotations

import torch

torch.set_num_threads(1)


def make_layer(kind, **kwargs):
    """A seeded ``torch.nn.<kind>`` with 3 input features and 5 hidden units."""
    torch.manual_seed(0)
    return getattr(torch.nn, kind)(input_size=3, hidden_size=5, **kwargs)


def make_inputs(batch_first, samples=4, steps=7):
    """Seeded inputs for :func:`make_layer`'s layers, in the layout ``batch_first`` asks for."""
    x = torch.randn(samples, steps, 3, generator=torch.Generator().manual_seed(1))
    return x if batch_first else x.transpose(0, 1)
