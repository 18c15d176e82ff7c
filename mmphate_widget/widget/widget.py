"""``MMPHATEWidget``: the JupyterLab / Notebook 7 widget showing an MM-PHATE embedding in 3-D.

The widget is an anywidget whose front end lives in ``js/`` (bundled to ``static/widget.js``). The
heavy data crosses to the browser once as binary traits built by :mod:`mmphate_widget.widget.wire`; all
view state lives in the synced traits declared below, validated by :mod:`mmphate_widget.widget.validators`, so
Python can drive the view and read it back. The contract is ``docs/how-it-works.md``.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import anywidget
import numpy as np
import traitlets

from . import colormaps, wire
from . import validators as checks

__all__ = ["BUILD_COMMAND", "CONTRACT_TRAITS", "MMPHATEWidget"]

_log = logging.getLogger(__name__)

_STATIC = Path(__file__).parent / "static"
_ESM_PATH = _STATIC / "widget.js"
_CSS_PATH = _STATIC / "widget.css"
BUILD_COMMAND = "npm ci --prefix js && npm run build --prefix js"
# Stands in for the bundle when it has not been built, so that importing the package still works;
# constructing a widget then raises and names BUILD_COMMAND.
_MISSING_BUNDLE = (
    "export default { render({ el }) { el.textContent = 'mmphate-widget: bundle missing'; } };"
)

# Vertical field of view of the widget's perspective camera, in degrees (js/src/camera.ts).
_FOV = 40


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
    if mmphate_params.get("n_components", 3) not in (2, 3):
        raise ValueError(
            f"MMPHATEWidget draws 2-D or 3-D embeddings; n_components={mmphate_params['n_components']!r} "
            "must be 2 or 3 (fit MMPHATE directly for other dimensions)"
        )
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

    Raises
    ------
    RuntimeError
        If the front-end bundle ``static/widget.js`` has not been built.
    TypeError
        If MMPHATE parameters or fit metadata are passed together with a fitted model.

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
    if _CSS_PATH.is_file():
        _css = _CSS_PATH

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
    color_by = traitlets.Enum(checks.COLOR_BY, default_value="epoch").tag(sync=True)
    epoch_range = traitlets.List().tag(sync=True)
    step_range = traitlets.List().tag(sync=True)
    selected_clusters = traitlets.List().tag(sync=True)
    cluster_mode = traitlets.Enum(checks.CLUSTER_MODES, default_value="filter").tag(sync=True)
    selected_units = traitlets.List().tag(sync=True)
    point_size = traitlets.Float(3.0).tag(sync=True)
    camera = traitlets.Dict().tag(sync=True)
    hovered_node = traitlets.Int(-1).tag(sync=True)

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
        if not _ESM_PATH.is_file():
            raise RuntimeError(
                f"The widget's front end is not built ({_ESM_PATH} is missing). "
                f"Build it from the repository root with: {BUILD_COMMAND}"
            )
        fit_metadata = {
            "labels": labels,
            "epochs": epochs,
            "unit_names": unit_names,
            "metrics": metrics,
            "class_names": class_names,
        }
        # Set before HasTraits.__init__: the validators read the model's dimensions.
        self._model = _fitted_model(data, fit_metadata, mmphate_params)
        state = wire.model_state(self._model)
        epoch_numbers = np.asarray(self._model.epochs_)
        if type(self)._esm == _MISSING_BUNDLE:
            # The bundle was built after this module was imported.
            state["_esm"] = _ESM_PATH.read_text(encoding="utf-8")
        super().__init__(
            **state,
            epoch_range=[int(epoch_numbers[0]), int(epoch_numbers[-1])],
            step_range=[0, int(self._model.n_steps_) - 1],
            selected_clusters=list(range(state["_n_clusters"])),
        )

    # ----------------------------------------------------------------------------------------
    # Validation: the same rules for values set in Python and values sent by the browser.

    @traitlets.validate("color_by")
    def _check_color_by(self, proposal: traitlets.Bunch) -> str:
        return checks.validate_color_by(proposal.value, self.has_labels)

    @traitlets.validate("epoch_range")
    def _check_epoch_range(self, proposal: traitlets.Bunch) -> list[int]:
        epochs = np.asarray(self._model.epochs_)
        return checks.validate_range(proposal.value, int(epochs[0]), int(epochs[-1]), "epoch_range")

    @traitlets.validate("step_range")
    def _check_step_range(self, proposal: traitlets.Bunch) -> list[int]:
        return checks.validate_range(proposal.value, 0, int(self._model.n_steps_) - 1, "step_range")

    @traitlets.validate("selected_units")
    def _check_selected_units(self, proposal: traitlets.Bunch) -> list[int]:
        return checks.validate_indices(proposal.value, int(self._model.n_units_), "selected_units")

    @traitlets.validate("selected_clusters")
    def _check_selected_clusters(self, proposal: traitlets.Bunch) -> list[int]:
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
            super().set_state(sync_data)
        except traitlets.TraitError as err:
            _log.warning("MMPHATEWidget rejected a value from the browser: %s", err)
            self.send_state([name for name in sync_data if name in self.keys])
            self.send({"type": "error", "message": str(err)})

    # ----------------------------------------------------------------------------------------
    # Friendly public API.

    @property
    def model(self) -> Any:
        """The fitted ``MMPHATE`` model the widget shows."""
        return self._model

    @property
    def has_labels(self) -> bool:
        """Whether the model was fitted with class labels (``color_by="label"`` is allowed)."""
        return getattr(self._model, "node_top_label_", None) is not None

    @property
    def n_nodes(self) -> int:
        """Number of nodes N = E * T * U."""
        return int(self._model.n_epochs_) * int(self._model.n_steps_) * int(self._model.n_units_)

    def selection(self) -> Any:
        """Table of the selected points: every node of the units in ``selected_units``.

        All epochs and steps of the selected units are included, whatever ``epoch_range``,
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
            same keys.
        """
        model = self._model
        n_steps = int(model.n_steps_)
        units = np.asarray(self.selected_units, dtype=np.int64)
        node_unit = np.asarray(model.unit_)
        nodes = np.flatnonzero(np.isin(node_unit, units))
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
            "intrastep_entropy": np.asarray(model.intrastep_entropy_, dtype=np.float64).reshape(
                -1, n_steps
            )[epoch_index, step],
            "interstep_entropy": np.asarray(model.interstep_entropy_, dtype=np.float64)[
                unit, epoch_index
            ],
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
            anything (other clusters are dimmed instead).
        """
        model = self._model
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
            sRGB colour per node, in node order (filtered-out nodes included).
        """
        model = self._model
        colors = colormaps.node_colors(model, self.color_by)
        unit = np.asarray(model.unit_)
        dimmed = np.zeros(len(colors), dtype=bool)
        if self.cluster_mode == "highlight":
            cluster = np.asarray(model.unit_clusters_)[unit]
            dimmed |= ~np.isin(cluster, self.selected_clusters)
        if self.selected_units:
            dimmed |= ~np.isin(unit, self.selected_units)
        colors[dimmed] = colormaps.dim(colors[dimmed])
        return colors

    def _auto_camera(self, positions: np.ndarray, aspect: float) -> dict[str, list[float]]:
        """The camera the widget picks for ``camera == {}`` (``js/src/camera.ts``).

        3-D: from the direction (0.9, 0.6, 1.5), far enough that the sphere around all points fits
        the view. 2-D: straight down the z axis, at the same distance (the widget itself uses an
        orthographic camera there).
        """
        radius = float(np.sqrt((positions**2).sum(axis=1).max())) if len(positions) else 1.0
        radius = radius if radius > 0 else 1.0
        v_half = np.radians(_FOV) / 2
        h_half = np.arctan(np.tan(v_half) * aspect)
        distance = radius / np.sin(min(v_half, h_half)) * 1.05
        three_d = int(self._model.embedding_.shape[1]) == 3
        direction = np.array([0.9, 0.6, 1.5] if three_d else [0.0, 0.0, 1.0])
        position = direction / np.linalg.norm(direction) * distance
        return {"position": position.tolist(), "target": [0.0, 0.0, 0.0], "up": [0.0, 1.0, 0.0]}

    def to_pythreejs(self, width: int = 600, height: int = 450) -> Any:
        """The point cloud as a pythreejs scene, with the current colours and filters.

        Only the nodes currently shown (``epoch_range``, ``step_range``, cluster filter) are
        included, in the widget's scaled coordinates and with the colours of :meth:`colors`;
        points of selected units are drawn 1.6 times larger, as in the widget.

        Parameters
        ----------
        width, height : int
            Size of the renderer in pixels.

        Returns
        -------
        pythreejs.Renderer
            A renderer with orbit controls. Its ``scene`` holds the camera and one ``Points``
            object (two when units are selected: the others, then the selected ones); its camera
            follows ``camera``, or looks down the z axis when ``camera`` is ``{}``.

        Raises
        ------
        ImportError
            If pythreejs is not installed (``pip install mmphate-widget[pythreejs]``).
        """
        try:
            import pythreejs as p3
        except ImportError as err:
            raise ImportError(
                "MMPHATEWidget.to_pythreejs needs pythreejs; install it with "
                "pip install mmphate-widget[pythreejs]"
            ) from err
        shown = self.visible_mask()
        selected = np.isin(np.asarray(self._model.unit_), self.selected_units)
        positions = wire.scale_positions(self._model.embedding_)
        colors = self.colors().astype(np.float32) / 255.0
        children = []
        for part, size in (
            (shown & ~selected, self.point_size),
            (shown & selected, 1.6 * self.point_size),
        ):
            if not part.any():
                continue
            geometry = p3.BufferGeometry(
                attributes={
                    "position": p3.BufferAttribute(array=positions[part], normalized=False),
                    "color": p3.BufferAttribute(array=colors[part], normalized=False),
                }
            )
            material = p3.PointsMaterial(
                vertexColors="VertexColors", size=size, sizeAttenuation=False
            )
            children.append(p3.Points(geometry=geometry, material=material))
        view = self.camera or self._auto_camera(positions, width / height)
        camera = p3.PerspectiveCamera(
            position=tuple(view["position"]), up=tuple(view["up"]), aspect=width / height, fov=_FOV
        )
        background = "#{:02x}{:02x}{:02x}".format(*colormaps.BACKGROUND)
        scene = p3.Scene(children=[*children, camera], background=background)
        controls = p3.OrbitControls(controlling=camera, target=tuple(view["target"]))
        return p3.Renderer(
            scene=scene, camera=camera, controls=[controls], width=width, height=height
        )


# The synced traits of the wire contract (docs/how-it-works.md), sorted by name; the rest of
# get_state() (_esm, layout, ...) is anywidget's business, not the front end's.
CONTRACT_TRAITS: tuple[str, ...] = tuple(MMPHATEWidget.class_own_traits(sync=True))
