"""PyTorch helpers: record an RNN's hidden states for MM-PHATE, and silence chosen units.

``record_hidden_states`` gives one epoch's slice of the MM-PHATE tensor (steps, units, samples);
stack one per epoch to get (epochs, steps, units, samples). ``zero_units`` clamps chosen hidden
units to zero during forward passes, which is what a cluster ablation's ``predict`` needs
(:func:`mmphate_widget.analysis.ablation.cluster_ablation`). torch is imported only when these are called.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import numpy as np

__all__ = ["record_hidden_states", "zero_units"]


def _torch() -> Any:
    try:
        import torch
    except ImportError as err:
        raise ImportError("mmphate_widget.recording.pytorch needs PyTorch: pip install torch") from err
    return torch


def _check_rnn(torch: Any, rnn_module: Any) -> None:
    if not isinstance(rnn_module, torch.nn.RNNBase):
        raise TypeError(
            f"rnn_module must be a torch.nn.RNN, GRU or LSTM; got {type(rnn_module).__name__}. "
            "For a model that wraps one, pass the recurrent layer itself (e.g. model.lstm)."
        )


def _n_directions(rnn_module: Any) -> int:
    return 2 if rnn_module.bidirectional else 1


def _unit_size(rnn_module: Any) -> int:
    """Hidden units per direction in the layer's output (``proj_size`` for projected LSTMs)."""
    return getattr(rnn_module, "proj_size", 0) or rnn_module.hidden_size


def record_hidden_states(rnn_module: Any, inputs: Any) -> np.ndarray:
    """Top-layer hidden state of a recurrent layer at every step, for MM-PHATE.

    The layer runs once in evaluation mode (no dropout) without gradients; its training mode
    is restored afterwards.

    Parameters
    ----------
    rnn_module : torch.nn.RNN, torch.nn.GRU or torch.nn.LSTM
    inputs : torch.Tensor or array-like
        The layer's input, shape (samples, steps, features) when ``batch_first`` else
        (steps, samples, features). Moved to the layer's device and dtype.

    Returns
    -------
    ndarray of shape (n_steps, n_units, n_samples)
        ``n_units`` is the layer's output width (``hidden_size``, times 2 when bidirectional:
        forward units first). Stack one per epoch with ``np.stack`` to get the
        (epochs, steps, units, samples) tensor that :class:`mmphate_widget.MMPHATE` fits.
    """
    torch = _torch()
    _check_rnn(torch, rnn_module)
    parameter = next(rnn_module.parameters())
    x = torch.as_tensor(inputs).to(device=parameter.device, dtype=parameter.dtype)
    if x.dim() != 3:
        layout = "(samples, steps, features)" if rnn_module.batch_first else "(steps, samples, features)"
        raise ValueError(
            f"inputs must have shape {layout} (batch_first={rnn_module.batch_first}); got "
            f"{tuple(x.shape)}. For one sequence, add a samples axis."
        )
    was_training = rnn_module.training
    rnn_module.eval()
    try:
        with torch.no_grad():
            output = rnn_module(x)[0]
    finally:
        rnn_module.train(was_training)
    order = (1, 2, 0) if rnn_module.batch_first else (0, 2, 1)
    return output.permute(*order).cpu().numpy()


@contextlib.contextmanager
def zero_units(rnn_module: Any, units: Any, *, recurrent: bool = True) -> Iterator[None]:
    """Clamp chosen top-layer hidden units of a recurrent layer to zero, inside a ``with`` block.

    Parameters
    ----------
    rnn_module : torch.nn.RNN, torch.nn.GRU or torch.nn.LSTM
    units : sequence of int, or array-like of bool of shape (n_units,)
        Units to silence (True = zeroed), indexed as in :func:`record_hidden_states`.
    recurrent : bool, default True
        True: the units are zero at every step, as if lesioned: their recurrent weights (the
        top layer's ``weight_hh`` columns) are zeroed for the duration and restored afterwards,
        so they no longer drive the other units. False: only what leaves the layer is zeroed
        (output sequence and final hidden state); inside the recurrence they still run.

    Notes
    -----
    Meant for evaluation: with ``recurrent=True`` parameters are edited in place, so do not
    take optimiser steps inside the block. The LSTM cell state ``c_n`` is returned unchanged.

    Examples
    --------
    A ``predict`` for :func:`mmphate_widget.analysis.ablation.cluster_ablation`, for a classifier ``model``
    whose recurrent layer is ``model.lstm``::

        def predict(X, keep_mask):
            with torch.no_grad(), zero_units(model.lstm, ~keep_mask):
                return model(torch.as_tensor(X)).argmax(dim=1).numpy()
    """
    torch = _torch()
    _check_rnn(torch, rnn_module)
    n_dir, size = _n_directions(rnn_module), _unit_size(rnn_module)
    n_units = n_dir * size
    silenced = _unit_mask(units, n_units)
    parameter = next(rnn_module.parameters())
    keep = torch.as_tensor(~silenced, dtype=parameter.dtype, device=parameter.device)

    def hook(module: Any, args: Any, result: Any) -> Any:
        output, state = result
        if not isinstance(output, torch.Tensor):
            raise TypeError("zero_units supports padded tensor inputs, not PackedSequence.")
        h_n = state[0] if isinstance(state, tuple) else state
        top = h_n[-n_dir:] * keep.view(n_dir, *([1] * (h_n.dim() - 2)), size)
        h_n = torch.cat([h_n[:-n_dir], top])
        return output * keep, ((h_n, state[1]) if isinstance(state, tuple) else h_n)

    saved = []
    handle = rnn_module.register_forward_hook(hook)
    try:
        if recurrent:
            top_layer = rnn_module.num_layers - 1
            with torch.no_grad():
                for direction, suffix in enumerate(["", "_reverse"][:n_dir]):
                    weight = getattr(rnn_module, f"weight_hh_l{top_layer}{suffix}")
                    columns = torch.as_tensor(
                        np.flatnonzero(silenced[direction * size : (direction + 1) * size]),
                        device=weight.device,
                    )
                    saved.append((weight, columns, weight[:, columns].clone()))
                    weight[:, columns] = 0
        yield
    finally:
        handle.remove()
        with torch.no_grad():
            for weight, columns, values in saved:
                weight[:, columns] = values


def _unit_mask(units: Any, n_units: int) -> np.ndarray:
    """Boolean mask of shape (n_units,) from a boolean mask or a sequence of unit indices."""
    array = np.asarray(units.cpu() if hasattr(units, "cpu") else units)
    if array.dtype == bool:
        if array.shape != (n_units,):
            raise ValueError(
                f"a boolean units mask must have shape ({n_units},), one entry per hidden unit of "
                f"the layer; got shape {array.shape}."
            )
        return array.copy()
    if array.size and array.dtype.kind not in "iu":
        raise ValueError(f"units must be unit indices or a boolean mask; got dtype {array.dtype}.")
    indices = array.astype(np.int64).reshape(-1)
    bad = indices[(indices < -n_units) | (indices >= n_units)]
    if bad.size:
        raise ValueError(f"unit indices {bad.tolist()} are out of range for a layer with {n_units} units.")
    mask = np.zeros(n_units, dtype=bool)
    mask[indices] = True
    return mask
