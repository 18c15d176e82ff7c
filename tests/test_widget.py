"""The Python side of MMPHATEWidget: construction, synced traits, validation, what crosses the
comm, the selection table and the pythreejs export."""

import subprocess
import sys

import numpy as np
import pytest
import traitlets
from recording_comm import route_comms
from wire_decode import decode

import mmphate_widget.widget.widget as widget_module
from mmphate_widget.analysis.synthetic import simulate_rnn_training
from mmphate_widget.contract import CONTRACT
from mmphate_widget.engine.estimator import MMPHATE
from mmphate_widget.engine.persistence import load, save
from mmphate_widget.widget import colormaps as cm
from mmphate_widget.widget import wire
from mmphate_widget.widget.widget import BUILD_COMMAND, CONTRACT_TRAITS, MMPHATEWidget

E, T, U, S = 6, 5, 8, 12
N = E * T * U
EPOCHS = [1, 3, 5, 7, 9, 11]
PARAMS = {"interstep_knn": 5, "t": 10, "random_state": 0, "verbose": False}
SELECTION_COLUMNS = [
    "node", "epoch", "step", "unit", "unit_name", "x", "y", "z", "cluster", "cluster_confidence",
    "intrastep_entropy", "interstep_entropy",
]  # fmt: skip


@pytest.fixture(scope="module")
def tensor():
    return simulate_rnn_training(E, T, U, S, random_state=0)


@pytest.fixture(scope="module")
def fitted(tensor):
    hidden, labels = tensor
    return MMPHATE(**PARAMS).fit(
        hidden,
        labels=labels,
        epochs=EPOCHS,
        metrics={"loss": np.linspace(1, 0, E)},
        class_names=["a", "b"],
    )


@pytest.fixture(scope="module")
def fitted_2d(tensor):
    return MMPHATE(n_components=2, **PARAMS).fit(tensor[0])


@pytest.fixture
def comm(monkeypatch):
    """Route widget comms to RecordingComm; returns a list of the comms created."""
    return route_comms(monkeypatch)


@pytest.fixture
def w(fitted, comm):
    return MMPHATEWidget(fitted)


# ------------------------------------------------------------------------------------------------
# Construction


def test_from_tensor_fits_mmphate_with_the_given_parameters(tensor, fitted):
    hidden, labels = tensor
    w = MMPHATEWidget(hidden, labels=labels, epochs=EPOCHS, class_names=["a", "b"], **PARAMS)
    assert isinstance(w.model, MMPHATE)
    assert w.model.get_params()["t"] == 10 and w.model.get_params()["interstep_knn"] == 5
    np.testing.assert_array_equal(w.model.epochs_, EPOCHS)
    np.testing.assert_allclose(w.model.embedding_, fitted.embedding_)
    assert w.has_labels


def test_from_fitted_model_uses_it_as_is(fitted):
    w = MMPHATEWidget(fitted)
    assert w.model is fitted


def test_from_loaded_model_sends_the_same_data(fitted, tmp_path):
    path = tmp_path / "model.npz"
    save(fitted, path)
    loaded = MMPHATEWidget(load(path))
    original = MMPHATEWidget(fitted)
    for name in wire.model_state(fitted):
        assert getattr(loaded, name) == getattr(original, name), name
    assert loaded.selection().equals(original.selection())


@pytest.mark.parametrize("extra", [{"t": 5}, {"labels": np.zeros(S)}, {"metrics": {"loss": np.ones(E)}}])
def test_parameters_with_a_fitted_model_are_an_error(fitted, extra):
    with pytest.raises(TypeError, match=f"fitted model and also \\['{next(iter(extra))}'\\]"):
        MMPHATEWidget(fitted, **extra)


def test_result_saved_before_the_cluster_stability_shows_none(fitted, tmp_path, comm):
    save(fitted, tmp_path / "model.npz")
    with np.load(tmp_path / "model.npz", allow_pickle=False) as f:
        older = {k: f[k] for k in f.files if k not in ("cluster_stability", "unit_cluster_confidence")}
    np.savez(tmp_path / "older.npz", **older)
    w = MMPHATEWidget(load(tmp_path / "older.npz"))
    assert w._cluster_stability is None and w._unit_cluster_confidence == b""
    w.selected_units = [2]
    table = w.selection()
    assert table["cluster_confidence"].isna().all()
    assert table.attrs["cluster_stability"] is None


def test_cluster_stability_trait_is_a_fraction(w):
    with pytest.raises(traitlets.TraitError):
        w._cluster_stability = 1.5


def test_embedding_dimensions_other_than_2_or_3_fail_before_fitting(tensor, monkeypatch):
    import mmphate_widget.engine.estimator as estimator_module

    monkeypatch.setattr(estimator_module.MMPHATE, "fit", lambda *a, **k: 1 / 0)
    with pytest.raises(ValueError, match="n_components=4 must be 2 or 3"):
        MMPHATEWidget(tensor, n_components=4)


def test_unfitted_estimator_is_an_error():
    with pytest.raises(ValueError, match=r"MMPHATE is not fitted; call \.fit\(hidden_states\) first"):
        MMPHATEWidget(MMPHATE(t=10))


def test_missing_bundle_is_reported_at_construction_with_the_build_command(fitted, monkeypatch, tmp_path):
    monkeypatch.setattr(widget_module, "_ESM_PATH", tmp_path / "widget.js")
    with pytest.raises(RuntimeError, match="npm ci --prefix js && npm run build --prefix js"):
        MMPHATEWidget(fitted)
    assert BUILD_COMMAND == "npm ci --prefix js && npm run build --prefix js"


def test_package_imports_without_the_bundle():
    # A fresh interpreter in which widget.js looks absent: importing works, constructing explains.
    code = """
import pathlib
real_is_file = pathlib.Path.is_file
pathlib.Path.is_file = lambda p: p.name != "widget.js" and real_is_file(p)
from mmphate_widget.widget.widget import MMPHATEWidget
try:
    MMPHATEWidget(None)
except RuntimeError as err:
    print("RAISED", err)
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "RAISED The widget's front end is not built" in result.stdout
    assert "npm run build --prefix js" in result.stdout


# ------------------------------------------------------------------------------------------------
# Traits and what crosses the comm


def test_state_trait_defaults(w):
    defaults = CONTRACT["defaults"]
    assert w.color_by == defaults["color_by"] == "epoch"
    assert w.epoch_range == [1, 11]
    assert w.step_range == [0, T - 1]
    assert w.selected_clusters == list(range(int(w.model.unit_clusters_.max()) + 1))
    assert w.cluster_mode == defaults["cluster_mode"] == "filter"
    assert w.selected_units == []
    assert w.point_size == defaults["point_size"]
    assert w.camera == {}
    assert w.hovered_node == -1


def test_synced_traits_are_the_contract_ones(w):
    synced = list(MMPHATEWidget.class_own_traits(sync=True))
    assert sorted(synced) == sorted(CONTRACT_TRAITS)
    assert len(set(CONTRACT_TRAITS)) == len(CONTRACT_TRAITS)
    assert set(CONTRACT_TRAITS) <= set(w.get_state())


def test_data_cross_once_as_binary_buffers(w):
    opened = w.comm.opened
    state, paths, buffers = (
        opened["data"]["state"],
        opened["data"]["buffer_paths"],
        opened["buffers"],
    )
    binary = {"_positions", "_epoch_numbers", "_unit_clusters", "_unit_cluster_confidence",
              "_intrastep_entropy", "_interstep_entropy", "_node_label", "_metrics",
              "_history", "selected_nodes"}  # fmt: skip
    assert {p[0] for p in paths} == binary
    by_name = {p[0]: bytes(b) for p, b in zip(paths, buffers, strict=True)}
    assert by_name["_history"] == b"" and state["_live_status"] == {}  # a fixed widget is not live
    positions = decode(by_name["_positions"], "float32", (N, 3))
    np.testing.assert_array_equal(positions, wire.scale_positions(w.model.embedding_))
    np.testing.assert_array_equal(decode(by_name["_epoch_numbers"], "int32"), EPOCHS)
    np.testing.assert_array_equal(decode(by_name["_node_label"], "int32"), w.model.node_top_label_)
    assert state["_dims"] == {"n_epochs": E, "n_steps": T, "n_units": U, "n_components": 3}
    assert state["_class_names"] == ["a", "b"] and state["_metric_names"] == ["loss"]
    assert state["_cluster_stability"] == w.model.cluster_stability_
    np.testing.assert_allclose(
        decode(by_name["_unit_cluster_confidence"], "float32"),
        w.model.unit_cluster_confidence_,
        rtol=1e-6,
    )
    # Nothing per node travels as JSON: every JSON list is short.
    assert all(len(v) < N for v in state.values() if isinstance(v, list))


def test_setting_state_from_python_sends_only_that_trait(w):
    w.selected_units = [2, 5]
    w.epoch_range = (3, np.int64(9))
    updates = [m["data"] for m in w.comm.sent if m["data"]["method"] == "update"]
    assert updates == [
        {"method": "update", "state": {"selected_units": [2, 5]}, "buffer_paths": []},
        {"method": "update", "state": {"epoch_range": [3, 9]}, "buffer_paths": []},
    ]
    assert all(m["buffers"] == [] for m in w.comm.sent)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("color_by", "colour", "'colour'"),
        ("epoch_range", [0, 5], r"epoch_range must lie within \[1, 11\], got \[0, 5\]"),
        ("epoch_range", [9, 3], r"start <= stop, got \[9, 3\]"),
        ("step_range", [0, T], rf"step_range must lie within \[0, {T - 1}\], got \[0, {T}\]"),
        ("selected_units", [U], rf"selected_units entries must lie in \[0, {U - 1}\], got {U}"),
        ("selected_clusters", [99], r"selected_clusters entries must lie in \[0, \d+\], got 99"),
        ("point_size", 0.1, r"point_size must be a number in \[0.5, 50.0\], got 0.1"),
        ("camera", {"eye": [0, 0, 1]}, r"unknown keys \['eye'\]"),
        ("cluster_mode", "hide", "'hide'"),
        ("hovered_node", N, rf"hovered_node must lie in \[-1, {N - 1}\], got {N}"),
    ],
)
def test_invalid_values_from_python_raise_and_leave_the_widget_usable(w, name, value, message):
    before = getattr(w, name)
    with pytest.raises(traitlets.TraitError, match=message):
        setattr(w, name, value)
    assert getattr(w, name) == before
    w.selected_units = [1]
    assert w.selected_units == [1]


def test_label_colouring_needs_labels(fitted_2d, fitted):
    with pytest.raises(traitlets.TraitError, match="needs labels"):
        MMPHATEWidget(fitted_2d).color_by = "label"
    w = MMPHATEWidget(fitted)
    w.color_by = "label"
    assert w.color_by == "label"


def test_camera_is_completed_from_python(w):
    w.camera = {"position": [0, 0, 4]}
    assert w.camera == {
        "position": [0.0, 0.0, 4.0],
        "target": [0.0, 0.0, 0.0],
        "up": [0.0, 1.0, 0.0],
    }
    w.camera = {}
    assert w.camera == {}


def test_browser_updates_reach_python(w):
    w.set_state({"selected_units": [4], "hovered_node": 17, "color_by": "cluster"})
    assert (w.selected_units, w.hovered_node, w.color_by) == ([4], 17, "cluster")


def test_invalid_browser_update_is_rejected_and_the_browser_resynced(w, caplog):
    w.selected_units = [3]
    w.comm.sent.clear()
    w.set_state({"selected_units": [1], "epoch_range": [0, 99]})
    # The whole update is rolled back, and the valid values go back to the browser.
    assert w.selected_units == [3] and w.epoch_range == [1, 11]
    data = [m["data"] for m in w.comm.sent]
    resync = [d for d in data if d.get("method") == "update"]
    assert resync[-1]["state"] == {"selected_units": [3], "epoch_range": [1, 11]}
    errors = [d["content"] for d in data if d.get("method") == "custom"]
    assert errors == [{"type": "error", "message": "epoch_range must lie within [1, 11], got [0, 99]"}]
    assert "rejected a value from the browser" in caplog.text
    w.set_state({"selected_units": [2]})
    assert w.selected_units == [2]


def test_redisplay_shows_the_same_model_and_keeps_state(w, comm):
    w.selected_units = [6]
    w.color_by = "unit"
    n_comms = len(comm)
    first = w._repr_mimebundle_()
    state = w.get_state()
    second = w._repr_mimebundle_()
    assert first == second
    model_id = first[0]["application/vnd.jupyter.widget-view+json"]["model_id"]
    assert model_id == w.model_id == w.comm.comm_id
    assert w.get_state() == state and len(comm) == n_comms
    assert (w.selected_units, w.color_by) == ([6], "unit")


# ------------------------------------------------------------------------------------------------
# Friendly methods


def test_selection_lists_every_node_of_the_selected_units(w):
    w.selected_units = [4, 1]
    w.epoch_range = [3, 5]  # filters do not shrink the selection table
    table = w.selection()
    model = w.model
    assert list(table.columns) == SELECTION_COLUMNS
    assert len(table) == 2 * E * T
    nodes = table["node"].to_numpy()
    np.testing.assert_array_equal(nodes, np.flatnonzero(np.isin(model.unit_, [1, 4])))
    e, t, u = model.epoch_[nodes], model.step_[nodes], model.unit_[nodes]
    np.testing.assert_array_equal(nodes, (e * T + t) * U + u)
    np.testing.assert_array_equal(table["epoch"], np.asarray(EPOCHS)[e])
    np.testing.assert_array_equal(table["step"], t)
    np.testing.assert_array_equal(table["unit"], u)
    assert list(table["unit_name"]) == [f"unit {x}" for x in u]
    np.testing.assert_array_equal(table[["x", "y", "z"]].to_numpy(), model.embedding_[nodes])
    np.testing.assert_array_equal(table["cluster"], model.unit_clusters_[u])
    np.testing.assert_array_equal(table["cluster_confidence"], model.unit_cluster_confidence_[u])
    assert table.attrs["cluster_stability"] == model.cluster_stability_
    np.testing.assert_array_equal(table["intrastep_entropy"], model.intrastep_entropy_[e, t])
    np.testing.assert_array_equal(table["interstep_entropy"], model.interstep_entropy_[u, e])


def test_empty_selection_is_an_empty_table_with_the_columns(w):
    table = w.selection()
    assert list(table.columns) == SELECTION_COLUMNS and len(table) == 0


def test_selection_without_pandas_is_a_dict_of_arrays(w, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    w.selected_units = [0]
    table = w.selection()
    assert isinstance(table, dict) and list(table) == SELECTION_COLUMNS
    assert all(isinstance(v, np.ndarray) and len(v) == E * T for v in table.values())


def test_selection_of_a_2d_embedding_has_z_zero(fitted_2d):
    w = MMPHATEWidget(fitted_2d)
    w.selected_units = [2]
    table = w.selection()
    assert (table["z"] == 0).all()
    np.testing.assert_array_equal(table[["x", "y"]].to_numpy(), fitted_2d.embedding_[table["node"]])


def test_colors_follow_color_by_like_the_front_end(w):
    model = w.model
    first, last = model.epoch_ == 0, model.epoch_ == E - 1
    colors = w.colors()
    assert (colors[first] == cm.sample(cm.VIRIDIS, 0.0)).all()
    assert (colors[last] == cm.sample(cm.VIRIDIS, 1.0)).all()
    w.color_by = "unit"
    np.testing.assert_array_equal(w.colors(), cm.categorical(cm.TAB20, model.unit_))
    w.color_by = "cluster"
    np.testing.assert_array_equal(w.colors(), cm.categorical(cm.TAB10, model.unit_clusters_[model.unit_]))
    w.color_by = "label"
    np.testing.assert_array_equal(w.colors(), cm.categorical(cm.TAB10, model.node_top_label_))
    w.color_by = "intrastep_entropy"
    entropy = model.intrastep_entropy_.astype(np.float32)
    highest = entropy[model.epoch_, model.step_] == entropy.max()
    assert (w.colors()[highest] == cm.sample(cm.PLASMA, 1.0)).all()


def test_colors_dim_other_units_and_clusters(w):
    base = w.colors()
    w.selected_units = [3]
    dimmed = w.colors()
    selected = w.model.unit_ == 3
    np.testing.assert_array_equal(dimmed[selected], base[selected])
    np.testing.assert_array_equal(dimmed[~selected], cm.dim(base[~selected]))
    w.selected_units = []
    w.cluster_mode = "highlight"
    w.selected_clusters = [0]
    in_cluster = w.model.unit_clusters_[w.model.unit_] == 0
    np.testing.assert_array_equal(w.colors()[in_cluster], base[in_cluster])
    np.testing.assert_array_equal(w.colors()[~in_cluster], cm.dim(base[~in_cluster]))


def test_visible_mask_follows_ranges_and_cluster_filter(w):
    w.epoch_range = [3, 7]
    w.step_range = [1, 2]
    mask = w.visible_mask()
    assert mask.sum() == 3 * 2 * U
    w.selected_clusters = [0]
    expected = 3 * 2 * int((w.model.unit_clusters_ == 0).sum())
    assert w.visible_mask().sum() == expected
    w.cluster_mode = "highlight"
    assert w.visible_mask().sum() == 3 * 2 * U


def test_to_pythreejs_draws_the_shown_points_with_the_current_colours(w):
    import pythreejs as p3

    w.color_by = "unit"
    w.epoch_range = [1, 5]
    w.selected_units = [2]
    w.point_size = 4.0
    renderer = w.to_pythreejs(width=400, height=300)
    assert isinstance(renderer, p3.Renderer) and isinstance(renderer.scene, p3.Scene)
    points = [c for c in renderer.scene.children if isinstance(c, p3.Points)]
    assert len(points) == 2
    shown = w.visible_mask()
    selected = w.model.unit_ == 2
    positions = wire.scale_positions(w.model.embedding_)
    colors = w.colors() / 255.0
    for obj, part, size in [
        (points[0], shown & ~selected, 4.0),
        (points[1], shown & selected, 4.0 * CONTRACT["points"]["selected_scale"]),
    ]:
        attrs = obj.geometry.attributes
        np.testing.assert_array_equal(attrs["position"].array, positions[part])
        np.testing.assert_allclose(attrs["color"].array, colors[part], rtol=1e-6)
        assert obj.material.size == pytest.approx(size)
        assert obj.material.vertexColors == "VertexColors"
    assert len(points[0].geometry.attributes["position"].array) == 3 * T * (U - 1)
    assert renderer.scene.background == CONTRACT["colors"]["background"]
    assert renderer.camera.fov == CONTRACT["camera"]["fov_degrees"]


def test_to_pythreejs_without_camera_takes_the_auto_fit_view(w):
    camera = CONTRACT["camera"]
    renderer = w.to_pythreejs(width=400, height=300)
    position = np.array(renderer.camera.position) - camera["target"]
    direction = np.array(camera["view_direction"])
    np.testing.assert_allclose(position / np.linalg.norm(position), direction / np.linalg.norm(direction))
    # Wide view: the vertical half-angle decides the distance at which the points' sphere fits.
    radius = np.linalg.norm(wire.scale_positions(w.model.embedding_), axis=1).max()
    half = np.radians(camera["fov_degrees"]) / 2
    assert np.linalg.norm(position) == pytest.approx(radius / np.sin(half) * camera["fit_margin"])
    assert list(renderer.camera.up) == camera["up"]
    assert list(renderer.controls[0].target) == camera["target"]


def test_to_pythreejs_uses_the_camera_trait(w):
    w.camera = {"position": [0, 0, 2.5], "up": [0, 0, 1]}
    renderer = w.to_pythreejs()
    assert renderer.camera.position == (0.0, 0.0, 2.5)
    assert renderer.camera.up == (0.0, 0.0, 1.0)
    assert renderer.controls[0].target == (0.0, 0.0, 0.0)


def test_to_pythreejs_without_pythreejs_names_the_extra(w, monkeypatch):
    monkeypatch.setitem(sys.modules, "pythreejs", None)
    with pytest.raises(ImportError, match=r"pip install mmphate-widget\[pythreejs\]"):
        w.to_pythreejs()
