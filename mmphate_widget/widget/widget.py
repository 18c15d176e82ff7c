"""``MMPHATEWidget``: the JupyterLab / Notebook 7 widget showing an MM-PHATE embedding in 3-D.

The widget is an anywidget whose front end lives in ``js/`` (bundled to ``static/widget.js``). The
heavy data crosses to the browser once as binary traits built by :mod:`mmphate_widget.widget.wire`; all
view state lives in the synced traits declared below, validated by :mod:`mmphate_widget.widget.validators`, so
Python can drive the view and read it back. The contract is ``docs/how-it-works.md``.

:meth:`MMPHATEWidget.live` makes a widget that follows a training run: it shows at once, with no
fit yet, draws the training curves as they are recorded, and switches to each new fit that a
:class:`~mmphate_widget.widget.live.LiveRefitter` makes in the background, keeping the view state.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

import anywidget
import numpy as np
import traitlets

from ..contract import CONTRACT
from . import colormaps, html_export, wire
from . import validators as checks

__all__ = ["BUILD_COMMAND", "CONTRACT_TRAITS", "MMPHATEWidget"]

_log = logging.getLogger(__name__)

_STATIC = Path(__file__).parent / "static"
_ESM_PATH = _STATIC / "widget.js"
BUILD_COMMAND = "npm ci --prefix js && npm run build --prefix js"
# Stands in for the bundle when it has not been built, so that importing the package still works;
# constructing a widget then raises and names BUILD_COMMAND.
_MISSING_BUNDLE = "export default { render({ el }) { el.textContent = 'mmphate-widget: bundle missing'; } };"

# Constants shared with the front end (contract.json).
_CAMERA = CONTRACT["camera"]
_POINTS = CONTRACT["points"]
_DEFAULTS = CONTRACT["defaults"]


# Columns of selection() and their dtypes (for the empty table before a live widget's first fit).
_SELECTION_DTYPES = {
    "node": np.int64, "epoch": np.int64, "step": np.int64, "unit": np.int64, "unit_name": object,
    "x": np.float64, "y": np.float64, "z": np.float64, "cluster": np.int64,
    "cluster_confidence": np.float64, "intrastep_entropy": np.float64, "interstep_entropy": np.float64,
}  # fmt: skip


def _check_bundle() -> None:
    if not _ESM_PATH.is_file():
        raise RuntimeError(
            f"The widget's front end is not built ({_ESM_PATH} is missing). "
            f"Build it from the repository root with: {BUILD_COMMAND}"
        )


def _check_n_components(mmphate_params: dict[str, Any]) -> None:
    if mmphate_params.get("n_components", 3) not in (2, 3):
        raise ValueError(
            f"MMPHATEWidget draws 2-D or 3-D embeddings; n_components={mmphate_params['n_components']!r} "
            "must be 2 or 3 (fit MMPHATE directly for other dimensions)"
        )


def _clamp(value: int, lo: int, hi: int) -> int:
    return min(max(int(value), lo), hi)


def _fitted_model(data: Any, fit_metadata: dict[str, Any], mmphate_params: dict[str, Any]) -> Any:
    """Return ``data`` if it is a fitted model, else fit ``MMPHATE(**mmphate_params)`` on it."""
    if hasattr(data, "embedding_"):
        extra = sorted(mmphate_params) + sorted(k for k, v in fit_metadata.items() if v is not None)
        if extra:
            raise TypeError(
                f"MMPHATEWidget got a fitted model and also {extra}; these only apply when "
                "fitting. Pass the hidden-state tensor instead to fit a new model, or drop them"
            )
        return data
    if hasattr(data, "fit") and hasattr(data, "get_params"):
        raise ValueError(
            f"{type(data).__name__} is not fitted; call .fit(hidden_states) first, or pass the "
            "hidden-state tensor and the MMPHATE parameters to MMPHATEWidget"
        )
    _check_n_components(mmphate_params)
    # Imported here: the estimator pulls in the whole engine (phate, graphtools, scikit-learn).
    from ..engine.estimator import MMPHATE

    return MMPHATE(**mmphate_params).fit(data, **fit_metadata)


class MMPHATEWidget(anywidget.AnyWidget):
    """Interactive 3-D view of an MM-PHATE embedding of RNN hidden-unit dynamics.

    Each point is one node: a hidden unit at one time step of one training epoch. The view can be
    rotated and zoomed, coloured and filtered by epoch, step, unit cluster and entropy, and clicking
    a point selects its unit across all epochs and steps. All view state is held in synced traits,
    so it can be set and read from Python.

    Parameters
    ----------
    data : array-like of shape (E, T, U, S) or MMPHATE
        Either hidden states (E epochs, T time steps, U units, S samples), which are then fitted
        with ``MMPHATE(**mmphate_params)`` (a progress bar shows), or an already fitted ``MMPHATE``,
        e.g. from :func:`mmphate_widget.engine.persistence.load`.
    labels : array-like of shape (S,), optional
        Class label per sample; enables ``color_by="label"``. Only when fitting.
    epochs : array-like of shape (E,), optional
        The epoch numbers (increasing); default ``0..E-1``. Only when fitting.
    unit_names : list of str, optional
        Name per unit; default ``"unit 0"``, ... Only when fitting.
    metrics : dict of str to array-like of shape (E,), optional
        Per-epoch training curves (e.g. loss and accuracy), drawn beside the cloud. Only when
        fitting.
    class_names : list of str, optional
        Names of the label classes, in code order. Only when fitting.
    **mmphate_params
        Parameters of :class:`mmphate_widget.engine.estimator.MMPHATE` (e.g. ``t=10``,
        ``random_state=0``). Only when fitting.

    Attributes
    ----------
    color_by : str
        What colours the points: ``"epoch"`` (default), ``"step"``, ``"unit"``, ``"cluster"``,
        ``"intrastep_entropy"``, ``"interstep_entropy"`` or ``"label"`` (only with labels).
    epoch_range : list of 2 int
        Shown epochs, inclusive, in the user's epoch numbers; default all.
    step_range : list of 2 int
        Shown time steps, inclusive, in ``[0, T-1]``; default all.
    selected_clusters : list of int
        Unit clusters shown (``cluster_mode="filter"``) or highlighted (``"highlight"``).
    cluster_mode : str
        ``"filter"`` hides the other clusters, ``"highlight"`` dims them.
    selected_units : list of int
        Selected unit indices, highlighted across all epochs and steps. Clicking a point in the
        browser selects its unit; shift-click toggles it; clicking empty space clears.
    point_size : float
        Point size in CSS pixels, 0.5 to 50.
    camera : dict
        ``{"position": [x, y, z], "target": [x, y, z], "up": [x, y, z]}`` in the widget's scaled
        coordinates (the cloud fits in [-1, 1]^3); ``{}`` fits the cloud automatically.
    hovered_node : int
        Node under the pointer in the browser, -1 for none (read only in practice).
    selected_nodes : ndarray of int64
        Nodes chosen by a lasso or box in the browser (Alt+drag, or the "drag" mode), sorted and
        read-only; set any integer array-like (or int32 bytes) to highlight nodes. Crosses the wire
        as int32 bytes. :meth:`selection` returns these nodes when there are any.
    playing : bool
        Whether the browser is playing through training: an epoch window of ``play_window``
        epochs slides across the epochs at ``play_speed`` epochs per second by setting
        ``epoch_range``, wrapping around with ``play_loop`` or stopping (``playing`` turns False).
    play_window : int
        Epochs in the window, at least 1.
    play_speed : float
        Epochs per second, above 0.
    play_loop : bool
        Start over at the end instead of stopping.
    show_trajectories : bool
        Draw, for each selected unit, lines through its consecutive time steps in each shown epoch.

    Raises
    ------
    RuntimeError
        If the front-end bundle ``static/widget.js`` has not been built.
    TypeError
        If MMPHATE parameters or fit metadata are passed together with a fitted model.

    See Also
    --------
    MMPHATEWidget.live : a widget that follows a training run and refits as epochs are recorded.

    Examples
    --------
    >>> from mmphate_widget import MMPHATEWidget
    >>> w = MMPHATEWidget(hidden_states, labels=y, t=10, random_state=0)  # doctest: +SKIP
    >>> w  # doctest: +SKIP
    >>> w.selected_units  # doctest: +SKIP
    [3]
    >>> w.selection()  # doctest: +SKIP
    """

    _esm = _ESM_PATH if _ESM_PATH.is_file() else _MISSING_BUNDLE

    # Data, Python -> browser, sent once (binary layouts in mmphate_widget.widget.wire).
    _positions = traitlets.Bytes(b"").tag(sync=True)
    _dims = traitlets.Dict().tag(sync=True)
    _epoch_numbers = traitlets.Bytes(b"").tag(sync=True)
    _unit_clusters = traitlets.Bytes(b"").tag(sync=True)
    _n_clusters = traitlets.Int(0).tag(sync=True)
    _cluster_stability = traitlets.Float(None, allow_none=True, min=0.0, max=1.0).tag(sync=True)
    _unit_cluster_confidence = traitlets.Bytes(b"").tag(sync=True)
    _intrastep_entropy = traitlets.Bytes(b"").tag(sync=True)
    _interstep_entropy = traitlets.Bytes(b"").tag(sync=True)
    _node_label = traitlets.Bytes(b"").tag(sync=True)
    _class_names = traitlets.List(traitlets.Unicode()).tag(sync=True)
    _unit_names = traitlets.List(traitlets.Unicode()).tag(sync=True)
    _metrics = traitlets.Bytes(b"").tag(sync=True)
    _metric_names = traitlets.List(traitlets.Unicode()).tag(sync=True)

    # View state, both directions (validated below).
    color_by = traitlets.Enum(checks.COLOR_BY, default_value=_DEFAULTS["color_by"]).tag(sync=True)
    epoch_range = traitlets.List().tag(sync=True)
    step_range = traitlets.List().tag(sync=True)
    selected_clusters = traitlets.List().tag(sync=True)
    cluster_mode = traitlets.Enum(checks.CLUSTER_MODES, default_value=_DEFAULTS["cluster_mode"]).tag(
        sync=True
    )
    selected_units = traitlets.List().tag(sync=True)
    point_size = traitlets.Float(float(_DEFAULTS["point_size"])).tag(sync=True)
    camera = traitlets.Dict().tag(sync=True)
    hovered_node = traitlets.Int(-1).tag(sync=True)
    # Lasso / box selection: a numpy array here, sorted int32 bytes on the wire (wire.encode_nodes).
    selected_nodes = traitlets.Any(checks.validate_nodes(None, 0)).tag(
        sync=True, to_json=wire.encode_nodes, from_json=wire.decode_nodes
    )
    # Playing through training: the browser slides an epoch window by setting epoch_range.
    playing = traitlets.Bool(False).tag(sync=True)
    play_window = traitlets.Int(int(_DEFAULTS["play_window"])).tag(sync=True)
    play_speed = traitlets.Float(float(_DEFAULTS["play_speed"])).tag(sync=True)
    play_loop = traitlets.Bool(bool(_DEFAULTS["play_loop"])).tag(sync=True)
    show_trajectories = traitlets.Bool(False).tag(sync=True)

    # Live widgets only (MMPHATEWidget.live), Python -> browser, updated while training runs: the
    # refit status and every record() call's metrics (layout in wire.encode_history); empty else.
    _live_status = traitlets.Dict().tag(sync=True)
    _history = traitlets.Bytes(b"").tag(sync=True)
    _history_names = traitlets.List(traitlets.Unicode()).tag(sync=True)

    def __init__(
        self,
        data: Any,
        *,
        labels: Any = None,
        epochs: Any = None,
        unit_names: Any = None,
        metrics: Any = None,
        class_names: Any = None,
        **mmphate_params: Any,
    ) -> None:
        _check_bundle()
        fit_metadata = {
            "labels": labels,
            "epochs": epochs,
            "unit_names": unit_names,
            "metrics": metrics,
            "class_names": class_names,
        }
        self._setup(_fitted_model(data, fit_metadata, mmphate_params))

    def _setup(self, model: Any) -> None:
        """Set the model (None: nothing fitted yet) and open the comm with the full state."""
        # Set before HasTraits.__init__: the validators read the model's dimensions.
        self._model = model
        self._live: Any = None
        self._recorder: Any = None
        self._live_labels = False
        self._show_error: str | None = None
        self._unsubscribe: Any = None
        # Serialises everything that swaps the model or sets synced traits from the recorder's and
        # the fitting thread's callbacks, and the browser's updates, so one never sees another half
        # done (and ipywidgets' hold_sync, which is not thread-safe, is never entered twice).
        self._switch_lock = threading.RLock()
        state = {}
        if model is not None:
            epoch_numbers = np.asarray(model.epochs_)
            state = {
                **wire.model_state(model),
                "epoch_range": [int(epoch_numbers[0]), int(epoch_numbers[-1])],
                "step_range": [0, int(model.n_steps_) - 1],
                "selected_clusters": list(range(wire.n_clusters(model))),
            }
        if type(self)._esm == _MISSING_BUNDLE:
            # The bundle was built after this module was imported.
            state["_esm"] = _ESM_PATH.read_text(encoding="utf-8")
        super().__init__(**state)

    @classmethod
    def live(
        cls,
        recorder: Any,
        *,
        refit_every: int = 5,
        labels: Any = None,
        class_names: Any = None,
        unit_names: Any = None,
        fit_in: str = "thread",
        **mmphate_params: Any,
    ) -> MMPHATEWidget:
        """A widget that follows a training run: curves every epoch, a new embedding every few.

        The widget shows at once, before anything is fitted, and draws the training metrics of
        every :meth:`~mmphate_widget.recording.recorder.HiddenStateRecorder.record` call as they
        come. Whenever ``refit_every`` more epochs have been recorded and no fit is running, a
        background thread fits ``MMPHATE(**mmphate_params)`` on everything recorded so far
        (:class:`~mmphate_widget.widget.live.LiveRefitter`: one fit at a time, each aligned to
        the last) and the widget switches to it, keeping the colouring, selection, cluster
        selection, camera, point size and step range; the epoch range grows with the fits while
        it shows all epochs. The training loop never waits for a fit. A failed fit is shown in
        the widget and logged, and the next one still runs.

        Call :meth:`stop` when training ends (or use the widget as a context manager) for one
        final fit on all recorded epochs.

        Parameters
        ----------
        recorder : HiddenStateRecorder
            The recording to follow; it may already hold epochs.
        refit_every : int, default 5
            Recorded epochs between fits (the first fit comes after this many).
        labels : array-like of shape (S,), optional
            Class label per trace sample; enables ``color_by="label"``.
        class_names : list of str, optional
            Names of the label classes, in code order.
        unit_names : list of str, optional
            Name per unit; default ``"unit 0"``, ...
        fit_in : {"thread", "process"}, default "thread"
            Where the refits run: a background thread, or one worker process (``"process"``:
            the training loop is not slowed by the fit where a core is free; the models shown
            have no ``kernel_``). See :class:`~mmphate_widget.widget.live.LiveRefitter`.
        **mmphate_params
            Parameters of :class:`~mmphate_widget.engine.estimator.MMPHATE`; ``verbose``
            defaults to False here (progress bars of a background fit would land in whichever
            cell runs at the time).

        Returns
        -------
        MMPHATEWidget
            With :attr:`live_status`, :meth:`stop`, and ``model`` None until the first fit.

        Raises
        ------
        ValueError
            If ``labels`` or ``unit_names`` do not match the recording, ``refit_every`` is not a
            positive integer or ``n_components`` is not 2 or 3.
        TypeError
            If an MMPHATE parameter name is unknown. Bad parameter values surface as the first
            fit's error in the widget (MMPHATE checks them when fitting).

        Examples
        --------
        >>> rec = HiddenStateRecorder(net.gru, trace_x)                   # doctest: +SKIP
        >>> w = MMPHATEWidget.live(rec, refit_every=5, labels=trace_y)     # doctest: +SKIP
        >>> w                                                              # doctest: +SKIP
        >>> with w:                                                        # doctest: +SKIP
        ...     for epoch in range(50):
        ...         loss = train_one_epoch()
        ...         rec.record(epoch, loss=loss)
        """
        _check_bundle()
        _check_n_components(mmphate_params)
        for name, given, expected, what in (
            ("labels", labels, recorder.n_samples, "trace sample"),
            ("unit_names", unit_names, recorder.n_units, "unit"),
        ):
            if given is not None and len(given) != expected:
                raise ValueError(
                    f"{name} has {len(given)} entries but the recording has {expected} "
                    f"{what}s; give one per {what}"
                )
        mmphate_params.setdefault("verbose", False)
        from .live import LiveRefitter

        fit_kwargs = {"labels": labels, "class_names": class_names, "unit_names": unit_names}
        widget = cls.__new__(cls)
        widget._setup(None)
        widget._recorder = recorder
        widget._live_labels = labels is not None
        try:
            widget._live = LiveRefitter(
                recorder,
                refit_every=refit_every,
                on_fit=widget._show_fit,
                on_status=widget._show_status,
                fit_kwargs={k: v for k, v in fit_kwargs.items() if v is not None},
                fit_in=fit_in,
                **mmphate_params,
            )
        except Exception:
            widget.close()
            raise
        widget._unsubscribe = recorder.subscribe(widget._show_history)
        widget._show_history()
        widget._show_status()
        widget._live.poke()  # a recording that already holds enough epochs is fitted at once
        return widget

    # ----------------------------------------------------------------------------------------
    # Validation: the same rules for values set in Python and values sent by the browser.

    @traitlets.validate("color_by")
    def _check_color_by(self, proposal: traitlets.Bunch) -> str:
        return checks.validate_color_by(proposal.value, self.has_labels)

    # A live widget has no model before its first fit: the ranges and clusters then only take []
    # (set to all on the first fit), while steps and units are known from the recording.

    def _unfitted(self, name: str, value: Any) -> list[int]:
        if isinstance(value, (list, tuple)) and not value:
            return []
        raise traitlets.TraitError(
            f"{name} cannot be set yet: the live widget has shown no fit so far (the first comes after "
            f"{self._live.refit_every} recorded epochs); set it once live_status.epochs_fitted > 0"
        )

    @traitlets.validate("epoch_range")
    def _check_epoch_range(self, proposal: traitlets.Bunch) -> list[int]:
        if self._model is None:
            return self._unfitted("epoch_range", proposal.value)
        epochs = np.asarray(self._model.epochs_)
        return checks.validate_range(proposal.value, int(epochs[0]), int(epochs[-1]), "epoch_range")

    @traitlets.validate("step_range")
    def _check_step_range(self, proposal: traitlets.Bunch) -> list[int]:
        if self._model is None and isinstance(proposal.value, (list, tuple)) and not proposal.value:
            return []
        return checks.validate_range(proposal.value, 0, self._dimension("n_steps") - 1, "step_range")

    @traitlets.validate("selected_units")
    def _check_selected_units(self, proposal: traitlets.Bunch) -> list[int]:
        return checks.validate_indices(proposal.value, self._dimension("n_units"), "selected_units")

    @traitlets.validate("selected_clusters")
    def _check_selected_clusters(self, proposal: traitlets.Bunch) -> list[int]:
        if self._model is None:
            return self._unfitted("selected_clusters", proposal.value)
        return checks.validate_indices(proposal.value, self._n_clusters, "selected_clusters")

    @traitlets.validate("point_size")
    def _check_point_size(self, proposal: traitlets.Bunch) -> float:
        return checks.validate_point_size(proposal.value)

    @traitlets.validate("camera")
    def _check_camera(self, proposal: traitlets.Bunch) -> dict[str, list[float]]:
        return checks.validate_camera(proposal.value)

    @traitlets.validate("hovered_node")
    def _check_hovered_node(self, proposal: traitlets.Bunch) -> int:
        return checks.validate_hovered_node(proposal.value, self.n_nodes)

    @traitlets.validate("selected_nodes")
    def _check_selected_nodes(self, proposal: traitlets.Bunch) -> np.ndarray:
        return checks.validate_nodes(proposal.value, self.n_nodes)

    @traitlets.validate("play_window")
    def _check_play_window(self, proposal: traitlets.Bunch) -> int:
        return checks.validate_play_window(proposal.value)

    @traitlets.validate("play_speed")
    def _check_play_speed(self, proposal: traitlets.Bunch) -> float:
        return checks.validate_play_speed(proposal.value)

    def set_state(self, sync_data: dict[str, Any]) -> None:
        """Apply a state update from the browser, rejecting invalid values.

        A rejected update leaves every trait in it unchanged; the valid values are sent back so
        the browser agrees with Python again, and the error is logged and sent to the front end
        as a custom message ``{"type": "error", "message": ...}``.

        Parameters
        ----------
        sync_data : dict
            Trait name -> new value, as received from the browser.
        """
        try:
            with self._switch_lock:
                super().set_state(sync_data)
        except traitlets.TraitError as err:
            _log.warning("MMPHATEWidget rejected a value from the browser: %s", err)
            self.send_state([name for name in sync_data if name in self.keys])
            self.send({"type": "error", "message": str(err)})

    # ----------------------------------------------------------------------------------------
    # Friendly public API.

    @property
    def model(self) -> Any:
        """The fitted ``MMPHATE`` model the widget shows (None for a live widget before its first fit)."""
        return self._model

    @property
    def has_labels(self) -> bool:
        """Whether the model was fitted with class labels (``color_by="label"`` is allowed)."""
        if self._model is None:
            return self._live_labels
        return getattr(self._model, "node_top_label_", None) is not None

    @property
    def n_nodes(self) -> int:
        """Number of nodes N = E * T * U (0 before a live widget's first fit)."""
        if self._model is None:
            return 0
        return int(self._model.n_epochs_) * int(self._model.n_steps_) * int(self._model.n_units_)

    def _dimension(self, name: str) -> int:
        """``n_steps`` or ``n_units`` of the model, or of the recording before the first fit."""
        if self._model is not None:
            return int(getattr(self._model, f"{name}_"))
        return int(getattr(self._recorder, name)) if self._recorder is not None else 0

    # ----------------------------------------------------------------------------------------
    # Live widgets (MMPHATEWidget.live).

    @property
    def live_status(self) -> Any:
        """Where the live refits stand (a :class:`~mmphate_widget.widget.live.LiveStatus`).

        None for a widget not made by :meth:`live`.
        """
        return None if self._live is None else self._live.status

    def stop(self) -> Any:
        """End a live widget: stop refitting, fit once more on every recorded epoch and show it.

        Waits for a running fit, then runs the final fit in the calling thread. The training
        curves stop updating too.

        Returns
        -------
        MMPHATE or None
            The model shown now (None if no fit ever succeeded).

        Raises
        ------
        RuntimeError
            If the widget was not made by :meth:`live`.
        """
        if self._live is None:
            raise RuntimeError(
                "stop() ends a live widget's refits; this widget shows a fixed model. "
                "Make one that follows training with MMPHATEWidget.live(recorder)."
            )
        self._unsubscribe()
        self._show_history()
        self._live.stop()
        self._show_status()
        return self._model

    def close(self) -> None:
        """Close the widget; a live one also stops listening and refitting (no final fit)."""
        live = getattr(self, "_live", None)  # absent when the constructor failed early
        if live is not None and not live.status.stopped:
            self._unsubscribe()
            live.stop(final_fit=False)
        super().close()

    def __enter__(self) -> MMPHATEWidget:
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        """Stop a live widget: with a final fit after a clean exit, without one after an error."""
        if self._live is None:
            return
        if exc_type is None:
            self.stop()
        else:
            self._unsubscribe()
            self._live.stop(final_fit=False)
            self._show_status()

    def _show_history(self, epoch: int | None = None, recorded: bool = False) -> None:
        """Recorder listener (training thread): send the training curves, every record() call."""
        data, names = wire.encode_history(self._recorder.history)
        with self._switch_lock, self.hold_sync():
            self._history = data
            self._history_names = names

    def _show_status(self, status: Any = None) -> None:
        """Refitter listener (any thread): send the newest status.

        It reads the refitter's status itself, under the lock, rather than taking the argument:
        two threads reporting at once could otherwise leave an older status shown.
        """
        with self._switch_lock:
            if self._live is not None:
                self._live_status = self._status_dict()

    def _status_dict(self) -> dict[str, Any]:
        status = self._live.status.as_dict()
        del status["epochs_fitted"]  # the refitter's count; the widget's own fit is what is shown
        status["epochs_shown"] = 0 if self._model is None else int(self._model.n_epochs_)
        status["error"] = self._show_error or status["error"]
        status["refit_every"] = self._live.refit_every
        return status

    def _show_fit(self, model: Any) -> None:
        """Refitter callback (fitting thread, or stop()'s): switch to a new fit in one message.

        Only the data traits whose values changed are sent (traitlets skips equal values); the
        view state is carried over (see :meth:`_carried_view`).
        """
        try:
            state = wire.model_state(model)
        except Exception as err:
            _log.exception("the live widget cannot show the fit on %d epochs", int(model.n_epochs_))
            self._show_error = f"{type(err).__name__}: {err}"
            return
        # The curves come from the recorder's history, which covers every record() call.
        state["_metrics"], state["_metric_names"] = b"", []
        with self._switch_lock, self.hold_sync():
            view = self._carried_view(model)
            self._model = model
            self._show_error = None
            for name, value in state.items():
                setattr(self, name, value)
            for name, value in view.items():
                setattr(self, name, value)
            self._live_status = self._status_dict()

    def _carried_view(self, new: Any) -> dict[str, Any]:
        """The view state for ``new``, from the current one (shown for ``self._model``)."""
        old = self._model
        epochs = np.asarray(new.epochs_)
        first, last = int(epochs[0]), int(epochs[-1])
        n_steps, n_units, n_clusters = int(new.n_steps_), int(new.n_units_), wire.n_clusters(new)
        old_epochs = None if old is None else np.asarray(old.epochs_)
        epoch_range = list(self.epoch_range)
        if not epoch_range or (
            old_epochs is not None and epoch_range == [int(old_epochs[0]), int(old_epochs[-1])]
        ):
            epoch_range = [first, last]
        else:
            epoch_range = [_clamp(v, first, last) for v in epoch_range]
        step_range = list(self.step_range) or [0, n_steps - 1]
        clusters = list(self.selected_clusters)
        if old is None or set(range(self._n_clusters)) <= set(clusters):
            clusters = list(range(n_clusters))
        n_nodes = len(epochs) * n_steps * n_units
        view = {
            "color_by": self.color_by
            if self.color_by != "label" or getattr(new, "node_top_label_", None) is not None
            else _DEFAULTS["color_by"],
            "epoch_range": epoch_range,
            "step_range": [_clamp(v, 0, n_steps - 1) for v in step_range],
            "selected_clusters": [c for c in clusters if c < n_clusters],
            "selected_units": [u for u in self.selected_units if u < n_units],
            "hovered_node": self.hovered_node if self.hovered_node < n_nodes else -1,
        }
        # Node indices stay valid as epochs are appended; only a smaller fit drops some (an array
        # set again would be sent again, equal or not).
        if len(self.selected_nodes) and self.selected_nodes[-1] >= n_nodes:
            view["selected_nodes"] = self.selected_nodes[self.selected_nodes < n_nodes]
        return view

    def selection(self) -> Any:
        """Table of the selected points: the nodes in ``selected_nodes`` when there are any (a
        lasso or box in the browser), otherwise every node of the units in ``selected_units``.

        For selected units, all epochs and steps are included, whatever ``epoch_range``,
        ``step_range`` and ``selected_clusters`` currently show.

        Returns
        -------
        pandas.DataFrame or dict of str to ndarray
            One row per node, ordered by node index, with columns ``node``, ``epoch`` (the user's
            epoch number), ``step``, ``unit``, ``unit_name``, ``x``, ``y``, ``z`` (the embedding
            coordinates, not the scaled ones the browser draws; ``z = 0`` for a 2-D embedding),
            ``cluster``, ``cluster_confidence`` (the unit's ``unit_cluster_confidence_``, NaN for
            results saved before it existed), ``intrastep_entropy`` (of the node's epoch and step)
            and ``interstep_entropy`` (of the node's unit and epoch). A pandas ``DataFrame`` when
            pandas is installed, with the model's ``cluster_stability_`` in
            ``.attrs["cluster_stability"]``; else a dict of equal-length numpy arrays with the
            same keys. Before a live widget's first fit, the table is empty.
        """
        model = self._model
        if model is None:
            columns = {name: np.empty(0, dtype=dtype) for name, dtype in _SELECTION_DTYPES.items()}
            try:
                import pandas as pd
            except ImportError:
                return columns
            table = pd.DataFrame(columns)
            table.attrs["cluster_stability"] = None
            return table
        n_steps = int(model.n_steps_)
        units = np.asarray(self.selected_units, dtype=np.int64)
        node_unit = np.asarray(model.unit_)
        nodes = (
            np.asarray(self.selected_nodes, dtype=np.int64)
            if len(self.selected_nodes)
            else np.flatnonzero(np.isin(node_unit, units))
        )
        epoch_index = np.asarray(model.epoch_)[nodes]
        step = np.asarray(model.step_)[nodes]
        unit = node_unit[nodes]
        embedding = np.asarray(model.embedding_, dtype=np.float64)[nodes]
        z = embedding[:, 2] if embedding.shape[1] > 2 else np.zeros(len(nodes))
        unit_names = np.asarray([str(name) for name in model.unit_names_], dtype=object)
        confidence = getattr(model, "unit_cluster_confidence_", None)
        if confidence is None:
            confidence = np.full(int(model.n_units_), np.nan)
        columns = {
            "node": nodes.astype(np.int64),
            "epoch": np.asarray(model.epochs_, dtype=np.int64)[epoch_index],
            "step": step.astype(np.int64),
            "unit": unit.astype(np.int64),
            "unit_name": unit_names[unit],
            "x": embedding[:, 0],
            "y": embedding[:, 1],
            "z": z,
            "cluster": np.asarray(model.unit_clusters_, dtype=np.int64)[unit],
            "cluster_confidence": np.asarray(confidence, dtype=np.float64)[unit],
            "intrastep_entropy": np.asarray(model.intrastep_entropy_, dtype=np.float64).reshape(-1, n_steps)[
                epoch_index, step
            ],
            "interstep_entropy": np.asarray(model.interstep_entropy_, dtype=np.float64)[unit, epoch_index],
        }
        try:
            import pandas as pd
        except ImportError:
            return columns
        table = pd.DataFrame(columns)
        table.attrs["cluster_stability"] = getattr(model, "cluster_stability_", None)
        return table

    def visible_mask(self) -> np.ndarray:
        """Which nodes the current ``epoch_range``, ``step_range`` and cluster filter show.

        Returns
        -------
        ndarray of shape (N,), bool
            True for shown nodes. In ``cluster_mode="highlight"`` the clusters do not hide
            anything (other clusters are dimmed instead). Empty before a live widget's first fit.
        """
        model = self._model
        if model is None:
            return np.zeros(0, dtype=bool)
        epoch_number = np.asarray(model.epochs_)[np.asarray(model.epoch_)]
        step = np.asarray(model.step_)
        lo, hi = self.epoch_range
        mask = (epoch_number >= lo) & (epoch_number <= hi)
        mask &= (step >= self.step_range[0]) & (step <= self.step_range[1])
        if self.cluster_mode == "filter":
            cluster = np.asarray(model.unit_clusters_)[np.asarray(model.unit_)]
            mask &= np.isin(cluster, self.selected_clusters)
        return mask

    def colors(self) -> np.ndarray:
        """Colour of every node as the widget currently draws it.

        Colours follow ``color_by``; points outside the highlighted clusters
        (``cluster_mode="highlight"``) and, while units are selected, points of other units are
        dimmed towards the background, as in the browser.

        Returns
        -------
        ndarray of shape (N, 3), uint8
            sRGB colour per node, in node order (filtered-out nodes included); empty before a
            live widget's first fit.
        """
        model = self._model
        if model is None:
            return np.zeros((0, 3), dtype=np.uint8)
        colors = colormaps.node_colors(model, self.color_by)
        unit = np.asarray(model.unit_)
        dimmed = np.zeros(len(colors), dtype=bool)
        if self.cluster_mode == "highlight":
            cluster = np.asarray(model.unit_clusters_)[unit]
            dimmed |= ~np.isin(cluster, self.selected_clusters)
        if self.selected_units or len(self.selected_nodes):
            selected = np.isin(unit, self.selected_units)
            selected[self.selected_nodes] = True
            dimmed |= ~selected
        colors[dimmed] = colormaps.dim(colors[dimmed])
        return colors

    def _auto_camera(self, positions: np.ndarray, aspect: float) -> dict[str, list[float]]:
        """The camera the widget picks for ``camera == {}`` (``js/src/camera.ts``).

        3-D: looking at the contract's ``camera.target`` (the origin) from its ``view_direction``
        (0.9, 0.6, 1.5), with its ``up`` (+y), at the distance where the sphere around all points
        just fits a ``fov_degrees`` (40) view, times ``fit_margin`` (1.05). 2-D: straight down the
        z axis, at the same distance (the widget itself uses an orthographic camera there).
        """
        radius = float(np.sqrt((positions**2).sum(axis=1).max())) if len(positions) else 1.0
        radius = radius if radius > 0 else 1.0
        v_half = np.radians(_CAMERA["fov_degrees"]) / 2
        h_half = np.arctan(np.tan(v_half) * aspect)
        distance = radius / np.sin(min(v_half, h_half)) * _CAMERA["fit_margin"]
        three_d = int(self._model.embedding_.shape[1]) == 3
        direction = np.array(_CAMERA["view_direction"] if three_d else [0.0, 0.0, 1.0], dtype=float)
        target = np.array(_CAMERA["target"], dtype=float)
        position = target + direction / np.linalg.norm(direction) * distance
        return {
            "position": position.tolist(),
            "target": target.tolist(),
            "up": [float(v) for v in _CAMERA["up"]],
        }

    def _require_model(self, what: str) -> None:
        if self._model is None:
            raise RuntimeError(
                f"{what}() needs a fit to draw, and this live widget has shown none yet (the first "
                f"comes after {self._live.refit_every} recorded epochs; stop() fits what is recorded)"
            )

    def to_html(self, path: str | Path, *, title: str = "MM-PHATE") -> Path:
        """Save the widget as one self-contained HTML file, in its current view.

        The file holds the front end and the data (no network, no Jupyter, no Python): it opens
        in a browser with the same colouring, ranges, selection and camera, and everything that
        happens in the browser keeps working (rotate, zoom, colour, filter, hover, select, the
        entropy panel). The data take about 17 bytes per point (base64 float32 positions), 22 with
        class labels: about 17 MB per million points (22 MB with labels), plus the 0.6 MB front end.

        Parameters
        ----------
        path : str or Path
            Where to write the file (``.html``).
        title : str, default "MM-PHATE"
            The page title.

        Returns
        -------
        Path
            The path written.

        Raises
        ------
        RuntimeError
            Before a live widget's first fit (there is nothing to draw yet).
        """
        self._require_model("to_html")
        state = self.get_state()
        values = {name: state[name] for name in CONTRACT_TRAITS}
        # The file is a snapshot: a live widget's training curves stay, its status line does not.
        values["_live_status"] = {}
        return html_export.write_html(path, values, _ESM_PATH.read_text(encoding="utf-8"), title=title)

    def to_pythreejs(self, width: int = 600, height: int = 450) -> Any:
        """The point cloud as a pythreejs scene, with the current colours and filters.

        Only the nodes currently shown (``epoch_range``, ``step_range``, cluster filter) are
        included, in the widget's scaled coordinates and with the colours of :meth:`colors`;
        points of selected units are drawn larger by the contract's ``points.selected_scale``
        (1.6), as in the widget.

        Parameters
        ----------
        width, height : int
            Size of the renderer in pixels.

        Returns
        -------
        pythreejs.Renderer
            A renderer with orbit controls. Its ``scene`` holds the camera and one ``Points``
            object (two when units are selected: the others, then the selected ones); its camera
            follows ``camera``, or when ``camera`` is ``{}`` takes the widget's auto-fit view:
            towards the origin from the direction (0.9, 0.6, 1.5) (``camera.view_direction`` in
            ``contract.json``), from straight above in 2-D.

        Raises
        ------
        ImportError
            If pythreejs is not installed (``pip install mmphate-widget[pythreejs]``).
        RuntimeError
            Before a live widget's first fit (there is nothing to draw yet).
        """
        self._require_model("to_pythreejs")
        try:
            import pythreejs as p3
        except ImportError as err:
            raise ImportError(
                "MMPHATEWidget.to_pythreejs needs pythreejs; install it with "
                "pip install mmphate-widget[pythreejs]"
            ) from err
        shown = self.visible_mask()
        selected = np.isin(np.asarray(self._model.unit_), self.selected_units)
        selected[self.selected_nodes] = True
        positions = wire.scale_positions(self._model.embedding_)
        colors = self.colors().astype(np.float32) / 255.0
        children = []
        for part, size in (
            (shown & ~selected, self.point_size),
            (shown & selected, _POINTS["selected_scale"] * self.point_size),
        ):
            if not part.any():
                continue
            geometry = p3.BufferGeometry(
                attributes={
                    "position": p3.BufferAttribute(array=positions[part], normalized=False),
                    "color": p3.BufferAttribute(array=colors[part], normalized=False),
                }
            )
            material = p3.PointsMaterial(vertexColors="VertexColors", size=size, sizeAttenuation=False)
            children.append(p3.Points(geometry=geometry, material=material))
        view = self.camera or self._auto_camera(positions, width / height)
        camera = p3.PerspectiveCamera(
            position=tuple(view["position"]),
            up=tuple(view["up"]),
            aspect=width / height,
            fov=_CAMERA["fov_degrees"],
        )
        background = "#{:02x}{:02x}{:02x}".format(*colormaps.BACKGROUND)
        scene = p3.Scene(children=[*children, camera], background=background)
        controls = p3.OrbitControls(controlling=camera, target=tuple(view["target"]))
        return p3.Renderer(scene=scene, camera=camera, controls=[controls], width=width, height=height)


# The synced traits of the wire contract (docs/how-it-works.md): the data traits, the state traits
# and the live traits, as contract.json lists them for both sides; the class declares exactly these.
# The rest of get_state() (_esm, layout, ...) is anywidget's business, not the front end's.
CONTRACT_TRAITS: tuple[str, ...] = (
    *CONTRACT["traits"]["data"],
    *CONTRACT["traits"]["state"],
    *CONTRACT["traits"]["live"],
)
