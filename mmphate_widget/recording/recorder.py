"""Record a PyTorch recurrent network's hidden states through training, epoch by epoch.

:class:`HiddenStateRecorder` runs a fixed trace batch through one recurrent layer after each
(scheduled) epoch and keeps the states in a growing (epochs, steps, units, samples) float32 tensor,
the tensor :class:`mmphate_widget.MMPHATE` fits, together with the training metrics passed to
:meth:`HiddenStateRecorder.record`. :func:`pick_trace_samples` chooses the trace samples the
paper's way: a fixed number from every class, seeded. torch is imported only when a recorder is
made; a recorder read back with :meth:`HiddenStateRecorder.load` needs no torch at all.
"""

from __future__ import annotations

import json
import logging
import math
import numbers
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from .pytorch import _check_rnn, _n_directions, _torch, _unit_size

__all__ = ["HiddenStateRecorder", "pick_trace_samples"]

_log = logging.getLogger(__name__)

FORMAT = "mmphate-widget hidden-state recording"
FORMAT_VERSION = 1
_MIN_CHUNK = 8


def pick_trace_samples(labels: Any, n_per_class: int, *, random_state: int | None = 0) -> np.ndarray:
    """Indices of a trace set: ``n_per_class`` samples drawn from every class, seeded.

    Parameters
    ----------
    labels : array-like of shape (n_samples,)
        Class label of every sample of the data set (ints or strings).
    n_per_class : int
        Samples to take from each class.
    random_state : int or None, default 0

    Returns
    -------
    ndarray of int64, shape (n_classes * n_per_class,)
        Sample indices grouped by class (classes in sorted order), increasing within a class.

    Raises
    ------
    ValueError
        If ``n_per_class`` is not a positive integer, or a class has fewer samples than that
        (the message names the class and its count).
    """
    labels = np.asarray(labels.cpu() if hasattr(labels, "cpu") else labels)
    if labels.ndim != 1 or labels.size == 0:
        raise ValueError(f"labels must be a non-empty 1-D array of class labels; got shape {labels.shape}.")
    if isinstance(n_per_class, bool) or not isinstance(n_per_class, numbers.Integral) or n_per_class < 1:
        raise ValueError(f"n_per_class must be a positive integer; got {n_per_class!r}.")
    rng = np.random.default_rng(random_state)
    classes, counts = np.unique(labels, return_counts=True)
    short = [(c, n) for c, n in zip(classes.tolist(), counts.tolist(), strict=True) if n < n_per_class]
    if short:
        named = ", ".join(f"{c!r} has {n}" for c, n in short)
        raise ValueError(
            f"n_per_class={n_per_class} but some classes have fewer samples ({named}); "
            f"use n_per_class <= {int(counts.min())}."
        )
    picks = [np.sort(rng.choice(np.flatnonzero(labels == c), n_per_class, replace=False)) for c in classes]
    return np.concatenate(picks).astype(np.int64)


def _schedule(epochs: Any) -> tuple[Callable[[int], bool], str]:
    """A predicate over epoch numbers, and its description (saved with the recording)."""
    if isinstance(epochs, str):
        if epochs != "all":
            raise ValueError(
                f'epochs must be "all", a positive int k (every k-th epoch), a list of '
                f"epoch numbers or a callable; got {epochs!r}."
            )
        return (lambda epoch: True), "all"
    if isinstance(epochs, numbers.Integral) and not isinstance(epochs, bool):
        if epochs < 1:
            raise ValueError(f"epochs={epochs}: every k-th epoch needs k >= 1.")
        k = int(epochs)
        return (lambda epoch: epoch % k == 0), f"every {k}"
    if callable(epochs):
        return (lambda epoch: bool(epochs(epoch))), "callable"
    if isinstance(epochs, Iterable):
        chosen = {int(e) for e in epochs}
        return (lambda epoch: epoch in chosen), f"listed {sorted(chosen)}"
    raise ValueError(
        f'epochs must be "all", a positive int k, a list of epoch numbers or a callable; '
        f"got {type(epochs).__name__}."
    )


class HiddenStateRecorder:
    """Record one recurrent layer's states on a fixed trace batch, once per (scheduled) epoch.

    Parameters
    ----------
    rnn_module : torch.nn.RNN, torch.nn.GRU or torch.nn.LSTM
        The recurrent layer (e.g. ``model.lstm``), single or stacked, uni- or bidirectional,
        ``batch_first`` or not.
    trace_inputs : torch.Tensor or array-like
        The layer's input for the trace samples: (samples, steps, features) when ``batch_first``,
        else (steps, samples, features). Copied once, to the layer's device and dtype.
    epochs : "all", int, iterable of int or callable, default "all"
        Which epochs :meth:`record` records: every epoch, every k-th (``epoch % k == 0``), the
        listed ones, or those for which ``epochs(epoch)`` is true. Metrics are kept for every
        call either way.
    layer : int, default -1
        Which layer of a stacked network (negative counts from the top).
    direction : {None, "forward", "reverse"}, default None
        For a bidirectional layer: None records both directions (forward units first, as the
        layer's output); otherwise one direction's units only.
    state : {"hidden", "cell"}, default "hidden"
        ``"cell"`` records an LSTM's cell state instead of its hidden state.

    Examples
    --------
    >>> rec = HiddenStateRecorder(net.lstm, trace_x, epochs=5)           # doctest: +SKIP
    >>> for epoch in range(50):                                         # doctest: +SKIP
    ...     train_one_epoch()
    ...     rec.record(epoch, train_loss=loss, val_accuracy=acc)
    >>> MMPHATEWidget(rec.hidden_states, epochs=rec.epochs, metrics=rec.metrics)  # doctest: +SKIP

    Notes
    -----
    :meth:`record` copies the states into the recorder and returns; the tensor grows in chunks
    (capacity doubles), so recording E epochs copies O(E) slices in all. Reading
    :attr:`hidden_states` from another thread while recording is safe: :meth:`snapshot` returns
    a consistent copy.
    """

    def __init__(
        self,
        rnn_module: Any,
        trace_inputs: Any,
        *,
        epochs: Any = "all",
        layer: int = -1,
        direction: str | None = None,
        state: str = "hidden",
    ) -> None:
        torch = _torch()
        _check_rnn(torch, rnn_module)
        self._scheduled, self.schedule = _schedule(epochs)
        self._module = rnn_module
        self.layer = self._check_layer(layer, rnn_module)
        self.direction = self._check_direction(direction, rnn_module)
        self.state = self._check_state(state, rnn_module)
        parameter = next(rnn_module.parameters())
        x = torch.as_tensor(trace_inputs).detach().to(device=parameter.device, dtype=parameter.dtype)
        self._inputs = self._check_inputs(x, rnn_module).clone()
        samples_axis = 0 if rnn_module.batch_first else 1
        self.n_samples = int(x.shape[samples_axis])
        self.n_steps = int(x.shape[1 - samples_axis])
        width = _unit_size(rnn_module) if state == "hidden" else rnn_module.hidden_size
        self.n_units = int(width * (_n_directions(rnn_module) if self.direction is None else 1))
        self._init_storage()

    # -- validation ----------------------------------------------------------------------------

    @staticmethod
    def _check_layer(layer: Any, module: Any) -> int:
        n = module.num_layers
        if isinstance(layer, bool) or not isinstance(layer, numbers.Integral) or not -n <= layer < n:
            raise ValueError(
                f"layer={layer!r} is not a layer of this {n}-layer network; use 0..{n - 1} "
                "or -1 for the top layer."
            )
        return int(layer) % n

    @staticmethod
    def _check_direction(direction: Any, module: Any) -> int | None:
        if direction is None:
            return None
        if direction not in ("forward", "reverse"):
            raise ValueError(f'direction must be None, "forward" or "reverse"; got {direction!r}.')
        if direction == "reverse" and not module.bidirectional:
            raise ValueError('direction="reverse" needs a bidirectional layer; this one is not.')
        return 0 if direction == "forward" else 1

    @staticmethod
    def _check_state(state: Any, module: Any) -> str:
        if state not in ("hidden", "cell"):
            raise ValueError(f'state must be "hidden" or "cell"; got {state!r}.')
        torch = _torch()
        if state == "cell" and not isinstance(module, torch.nn.LSTM):
            raise ValueError(f'state="cell" needs an LSTM; {type(module).__name__} has no cell state.')
        if state == "cell" and getattr(module, "proj_size", 0):
            raise ValueError('state="cell" is not supported for LSTMs with proj_size > 0.')
        return state

    @staticmethod
    def _check_inputs(x: Any, module: Any) -> Any:
        layout = "(samples, steps, features)" if module.batch_first else "(steps, samples, features)"
        if x.dim() != 3 or x.shape[2] != module.input_size or 0 in tuple(x.shape):
            raise ValueError(
                f"trace_inputs must have shape {layout} with features = the layer's input_size "
                f"({module.input_size}), batch_first={module.batch_first}; got {tuple(x.shape)}."
            )
        return x

    # -- storage -------------------------------------------------------------------------------

    def _init_storage(self) -> None:
        self._lock = threading.Lock()
        self._buffer = np.empty((0, self.n_steps, self.n_units, self.n_samples), dtype=np.float32)
        self._n = 0
        self._epochs: list[int] = []
        self._history: dict[str, list[float]] = {"epoch": []}
        self._listeners: list[Callable[[int, bool], None]] = []

    def subscribe(self, listener: Callable[[int, bool], None]) -> Callable[[], None]:
        """Call ``listener(epoch, recorded)`` after every :meth:`record`; returns an unsubscribe function.

        Listeners run in the training loop's thread, so they must return quickly (the live
        widget only updates its curves and may start a background fit). An exception in a
        listener is logged, never raised into the training loop.
        """
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    def _append(self, states: np.ndarray) -> None:
        if self._n == len(self._buffer):
            capacity = max(_MIN_CHUNK, 2 * len(self._buffer))
            grown = np.empty((capacity, *self._buffer.shape[1:]), dtype=np.float32)
            grown[: self._n] = self._buffer[: self._n]
            self._buffer = grown
        self._buffer[self._n] = states
        self._n += 1

    # -- recording -----------------------------------------------------------------------------

    def record(self, epoch: int, **metrics: Any) -> bool:
        """Record the states after ``epoch`` if the schedule says so; keep ``metrics`` either way.

        Parameters
        ----------
        epoch : int
            The epoch just trained (>= 0); epochs must come in increasing order, each once.
        **metrics : float
            Training metrics of this epoch, e.g. ``train_loss=0.3, val_accuracy=0.9`` (numbers,
            numpy or 0-d torch scalars).

        Returns
        -------
        bool
            Whether the states were recorded (the epoch is in the schedule).
        """
        if self._module is None:
            raise RuntimeError(
                "this recorder was loaded from a file and has no network to record; "
                "make a new HiddenStateRecorder(rnn_module, trace_inputs) to record more."
            )
        if isinstance(epoch, bool) or not isinstance(epoch, numbers.Integral) or epoch < 0:
            raise ValueError(f"epoch must be a non-negative integer; got {epoch!r}.")
        epoch = int(epoch)
        seen = self._history["epoch"]
        if seen and epoch in seen:
            raise ValueError(f"epoch {epoch} was already recorded; call record() once per epoch.")
        if seen and epoch < seen[-1]:
            raise ValueError(
                f"epoch {epoch} comes after epoch {int(seen[-1])}; record epochs in increasing order."
            )
        values = {}
        for name, value in metrics.items():
            try:
                values[name] = float(value.item() if hasattr(value, "item") else value)
            except (TypeError, ValueError) as err:
                raise ValueError(f"metric {name!r} must be a number; got {value!r}.") from err
        states = self._states() if self._scheduled(epoch) else None
        with self._lock:
            if states is not None:
                self._append(states)
                self._epochs.append(epoch)
            n_before = len(seen)
            for name in values:
                self._history.setdefault(name, [math.nan] * n_before)
            for name, column in self._history.items():
                column.append(float(epoch) if name == "epoch" else values.get(name, math.nan))
        for listener in list(self._listeners):
            try:
                listener(epoch, states is not None)
            except Exception:
                _log.exception("a HiddenStateRecorder listener failed after epoch %d", epoch)
        return states is not None

    def _states(self) -> np.ndarray:
        """(steps, units, samples) float32 states of the chosen layer on the trace inputs."""
        torch = _torch()
        module = self._module
        was_training = module.training
        module.eval()
        try:
            with torch.no_grad():
                if self.state == "cell":
                    below = self._layers_output(self.layer)
                    states = self._cell_states(below)
                else:
                    output = self._layers_output(self.layer + 1)
                    if not module.batch_first:
                        output = output.transpose(0, 1)
                    states = output.permute(1, 2, 0)  # (steps, units, samples)
                    if self.direction is not None:
                        size = _unit_size(module)
                        states = states[:, self.direction * size : (self.direction + 1) * size]
        finally:
            module.train(was_training)
        return states.to(dtype=torch.float32, device="cpu").numpy().copy()

    def _layers_output(self, n_layers: int) -> Any:
        """Output sequence of the first ``n_layers`` layers (the trace inputs when 0)."""
        module = self._module
        if n_layers == 0:
            return self._inputs
        if n_layers == module.num_layers:
            return module(self._inputs)[0]
        torch = _torch()
        base = next(c for c in (torch.nn.LSTM, torch.nn.GRU, torch.nn.RNN) if isinstance(module, c))
        kwargs = {
            "input_size": module.input_size,
            "hidden_size": module.hidden_size,
            "num_layers": n_layers,
            "bias": module.bias,
            "batch_first": module.batch_first,
            "bidirectional": module.bidirectional,
        }
        if base is torch.nn.LSTM:
            kwargs["proj_size"] = module.proj_size
        if base is torch.nn.RNN:
            kwargs["nonlinearity"] = module.nonlinearity
        parameter = next(module.parameters())
        lower = base(**kwargs).to(device=parameter.device, dtype=parameter.dtype)
        weights = {
            name: value
            for name, value in module.state_dict().items()
            if int(re.search(r"_l(\d+)", name).group(1)) < n_layers
        }
        lower.load_state_dict(weights)
        lower.eval()
        return lower(self._inputs)[0]

    def _cell_states(self, below: Any) -> Any:
        """An LSTM layer's cell state at every step, by stepping its cell over ``below``."""
        torch = _torch()
        module = self._module
        if not module.batch_first:
            below = below.transpose(0, 1)  # (samples, steps, features)
        size = module.hidden_size
        directions = [self.direction] if self.direction is not None else list(range(_n_directions(module)))
        per_direction = []
        for direction in directions:
            suffix = f"_l{self.layer}" + ("_reverse" if direction == 1 else "")
            cell = torch.nn.LSTMCell(below.shape[2], size, bias=module.bias).to(below)
            cell.weight_ih.copy_(getattr(module, "weight_ih" + suffix))
            cell.weight_hh.copy_(getattr(module, "weight_hh" + suffix))
            if module.bias:
                cell.bias_ih.copy_(getattr(module, "bias_ih" + suffix))
                cell.bias_hh.copy_(getattr(module, "bias_hh" + suffix))
            h = below.new_zeros(below.shape[0], size)
            c = below.new_zeros(below.shape[0], size)
            out = below.new_empty(below.shape[1], size, below.shape[0])
            steps = range(below.shape[1] - 1, -1, -1) if direction == 1 else range(below.shape[1])
            for t in steps:
                h, c = cell(below[:, t], (h, c))
                out[t] = c.T
            per_direction.append(out)
        return torch.cat(per_direction, dim=1)

    # -- reading -------------------------------------------------------------------------------

    @property
    def hidden_states(self) -> np.ndarray:
        """(epochs, steps, units, samples) float32: the recorded states so far (read-only view)."""
        with self._lock:
            # a new view object: marking it read-only leaves the buffer writable
            view = self._buffer[: self._n]
        view.flags.writeable = False
        return view

    @property
    def epochs(self) -> np.ndarray:
        """Epoch numbers of the recorded states, shape (epochs,)."""
        with self._lock:
            return np.asarray(self._epochs, dtype=np.int64)

    @property
    def metrics(self) -> dict[str, np.ndarray]:
        """Metrics at the recorded epochs: name -> float64 array of shape (epochs,), NaN if not given.

        Ready for ``MMPHATEWidget(rec.hidden_states, epochs=rec.epochs, metrics=rec.metrics)``.
        """
        with self._lock:
            return self._metrics_at(self._epochs)

    def _metrics_at(self, epochs: list[int]) -> dict[str, np.ndarray]:
        seen = np.asarray(self._history["epoch"], dtype=np.int64)
        where = np.searchsorted(seen, np.asarray(epochs, dtype=np.int64))
        return {
            name: np.asarray(column, dtype=np.float64)[where]
            for name, column in self._history.items()
            if name != "epoch"
        }

    @property
    def history(self) -> dict[str, np.ndarray]:
        """Every :meth:`record` call: ``"epoch"`` and each metric, float64 arrays (NaN if not given)."""
        with self._lock:
            return {name: np.asarray(column, dtype=np.float64) for name, column in self._history.items()}

    def snapshot(self) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
        """A consistent copy of (hidden_states, epochs, metrics), safe to use from another thread."""
        with self._lock:
            return (
                self._buffer[: self._n].copy(),
                np.asarray(self._epochs, dtype=np.int64),
                self._metrics_at(self._epochs),
            )

    def __len__(self) -> int:
        return self._n

    def __repr__(self) -> str:
        return (
            f"HiddenStateRecorder({self._n} epochs recorded x {self.n_steps} steps x {self.n_units} units "
            f"x {self.n_samples} samples; schedule {self.schedule})"
        )

    # -- files ---------------------------------------------------------------------------------

    def save(self, path: str | Path) -> Path:
        """Write the recording (states, epochs, metrics, settings) to one ``.npz`` (no pickle).

        Returns the path written (``.npz`` is appended when missing).
        """
        path = Path(path)
        if path.suffix != ".npz":
            path = path.with_name(path.name + ".npz")
        with self._lock:
            header = {
                "format": FORMAT,
                "version": FORMAT_VERSION,
                "schedule": self.schedule,
                "layer": self.layer,
                "direction": [None, "forward", "reverse"][
                    0 if self.direction is None else self.direction + 1
                ],
                "state": self.state,
                "metric_names": [n for n in self._history if n != "epoch"],
            }
            arrays = {
                "hidden_states": self._buffer[: self._n],
                "epochs": np.asarray(self._epochs, dtype=np.int64),
                "history_epoch": np.asarray(self._history["epoch"], dtype=np.int64),
            }
            for i, name in enumerate(header["metric_names"]):
                arrays[f"metric_{i}"] = np.asarray(self._history[name], dtype=np.float64)
        np.savez(path, header=np.array(json.dumps(header)), **arrays)
        return path

    @classmethod
    def load(cls, path: str | Path) -> HiddenStateRecorder:
        """Read a recording written by :meth:`save` (without torch; it cannot record further).

        Raises
        ------
        ValueError
            If the file is not such a recording, is from a newer format version, or is inconsistent.
        """
        path = Path(path)
        if not path.exists() and path.suffix != ".npz" and path.with_name(path.name + ".npz").exists():
            path = path.with_name(path.name + ".npz")
        try:
            with np.load(path, allow_pickle=False) as data:
                arrays = {key: data[key] for key in data.files}
            header = json.loads(str(arrays.pop("header")))
        except FileNotFoundError:
            raise
        except Exception as err:
            raise ValueError(
                f"{path} is not a hidden-state recording written by HiddenStateRecorder.save "
                f"({type(err).__name__}: {err})."
            ) from err
        if not isinstance(header, Mapping) or header.get("format") != FORMAT:
            raise ValueError(f"{path} is not a hidden-state recording written by HiddenStateRecorder.save.")
        if int(header.get("version", 0)) > FORMAT_VERSION:
            raise ValueError(
                f"{path} was written by a newer mmphate-widget (recording format "
                f"{header['version']} > {FORMAT_VERSION}); upgrade mmphate-widget to read it."
            )
        names = list(header.get("metric_names", []))
        try:
            states = np.asarray(arrays["hidden_states"], dtype=np.float32)
            epochs = arrays["epochs"].astype(np.int64)
            seen = arrays["history_epoch"].astype(np.int64)
            columns = [arrays[f"metric_{i}"].astype(np.float64) for i in range(len(names))]
        except KeyError as err:
            raise ValueError(f"{path} is missing the array {err.args[0]!r}; the file is incomplete.") from err
        if (
            states.ndim != 4
            or len(states) != len(epochs)
            or any(len(c) != len(seen) for c in columns)
            or not np.isin(epochs, seen).all()
        ):
            raise ValueError(
                f"{path}: the recorded states, epochs and metrics disagree in length; the file is damaged."
            )
        rec = cls.__new__(cls)
        rec._module = None
        rec._scheduled, rec.schedule = (lambda epoch: False), str(header.get("schedule"))
        rec.layer, rec.state = int(header.get("layer", -1)), str(header.get("state", "hidden"))
        direction = header.get("direction")
        rec.direction = None if direction is None else (0 if direction == "forward" else 1)
        _, rec.n_steps, rec.n_units, rec.n_samples = states.shape
        rec._init_storage()
        rec._buffer, rec._n = states, len(states)
        rec._epochs = epochs.tolist()
        rec._history = {
            "epoch": seen.astype(float).tolist(),
            **{n: c.tolist() for n, c in zip(names, columns, strict=True)},
        }
        return rec
