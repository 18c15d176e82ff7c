"""Save / load round-trips through one .npz without pickle."""

from __future__ import annotations

import numpy as np
import pytest

from mmphate_widget import MMPHATE, load, save


def test_round_trip_is_identical(fitted, tmp_path):
    path = tmp_path / "result.npz"
    fitted.save(path)
    loaded = load(path)
    for name in (
        "embedding_",
        "intrastep_entropy_",
        "interstep_entropy_",
        "unit_clusters_",
        "epochs_",
        "epoch_",
        "step_",
        "unit_",
        "labels_",
        "node_top_label_",
    ):
        np.testing.assert_array_equal(getattr(loaded, name), getattr(fitted, name), err_msg=name)
    assert loaded.unit_names_ == fitted.unit_names_
    assert loaded.class_names_ == fitted.class_names_
    assert loaded.t_ == fitted.t_
    assert loaded.n_clusters_ == fitted.n_clusters_
    assert loaded.cluster_stability_ == fitted.cluster_stability_
    np.testing.assert_array_equal(loaded.unit_cluster_confidence_, fitted.unit_cluster_confidence_)
    assert loaded.get_params() == fitted.get_params()
    assert list(loaded.metrics_) == ["loss"]
    np.testing.assert_array_equal(loaded.metrics_["loss"], fitted.metrics_["loss"])
    assert loaded.kernel_ is None
    # the file holds no object arrays: it loads with pickle disabled
    with np.load(path, allow_pickle=False) as f:
        assert all(f[k].dtype != object for k in f.files)


def test_kernel_is_saved_on_request(fitted, tmp_path):
    save(fitted, tmp_path / "with_kernel.npz", include_kernel=True)
    loaded = load(tmp_path / "with_kernel.npz")
    assert abs(loaded.kernel_ - fitted.kernel_).max() == 0


def test_unfitted_model_cannot_be_saved(tmp_path):
    with pytest.raises(ValueError, match="not fitted"):
        save(MMPHATE(), tmp_path / "x.npz")


def test_foreign_file_is_rejected(tmp_path):
    np.savez(tmp_path / "other.npz", a=np.arange(3))
    with pytest.raises(ValueError, match="not an mmphate-widget result"):
        load(tmp_path / "other.npz")


def test_pickled_content_is_refused(fitted, tmp_path):
    fitted.save(tmp_path / "good.npz")
    with np.load(tmp_path / "good.npz") as f:
        arrays = {k: f[k] for k in f.files}
    arrays["embedding"] = np.array([{"a": 1}], dtype=object)  # would need pickle to load
    np.savez(tmp_path / "evil.npz", **arrays)
    with pytest.raises(ValueError, match="allow_pickle"):
        load(tmp_path / "evil.npz")


def test_load_finds_the_file_save_named(fitted, tmp_path):
    save(fitted, tmp_path / "run")  # numpy writes run.npz
    assert (tmp_path / "run.npz").is_file()
    for path in (tmp_path / "run", str(tmp_path / "run"), tmp_path / "run.npz"):
        np.testing.assert_array_equal(load(path).embedding_, fitted.embedding_)
    with pytest.raises(FileNotFoundError):
        load(tmp_path / "nothing")


def test_numpy_scalar_parameters_are_saved_as_plain_json(fitted, tmp_path):
    import copy
    import json

    model = copy.deepcopy(fitted).set_params(
        random_state=np.int64(0),
        n_components=np.int64(3),
        n_landmark=np.int64(4000),
        t=np.str_("auto"),
        decay=np.float32(5),
        gamma=np.float64(0),
        verbose=np.bool_(False),
    )
    model.save(tmp_path / "numpy.npz")
    with np.load(tmp_path / "numpy.npz", allow_pickle=False) as f:
        params = json.loads(str(f["params"]))
    assert params["random_state"] == 0 and type(params["random_state"]) is int
    assert params["decay"] == 5.0 and params["verbose"] is False
    loaded = load(tmp_path / "numpy.npz")
    assert loaded.get_params() == {**fitted.get_params(), "decay": 5.0, "n_landmark": 4000}
    np.testing.assert_array_equal(loaded.embedding_, fitted.embedding_)


def test_a_parameter_json_cannot_hold_is_refused_at_save(fitted, tmp_path):
    import copy

    model = copy.deepcopy(fitted).set_params(random_state=np.random.RandomState(0))
    with pytest.raises(ValueError, match=r"random_state=RandomState.*cannot be saved.*set_params"):
        model.save(tmp_path / "x.npz")


@pytest.fixture(scope="module")
def saved(fitted, tmp_path_factory):
    """A good result file (with labels and metrics) and its arrays."""
    path = tmp_path_factory.mktemp("saved") / "good.npz"
    fitted.save(path)
    with np.load(path, allow_pickle=False) as f:
        return path, {key: f[key] for key in f.files}


def _params(params, **changes):
    """A saved ``params`` array with some parameters changed."""
    import json

    return np.array(json.dumps({**json.loads(str(params)), **changes}))


def test_not_a_result_file_is_one_clear_error(saved, tmp_path):
    good, _ = saved
    data = good.read_bytes()
    cases = {
        "garbage.npz": (np.random.default_rng(0).bytes(5000), r"not an \.npz \(zip\) archive"),
        "truncated.npz": (data[: len(data) // 2], r"not an \.npz \(zip\) archive; it may be truncated"),
        "empty.npz": (b"", r"not an \.npz \(zip\) archive"),
        "notes.txt": (b"hello", r"not an \.npz \(zip\) archive"),
    }
    for name, (content, message) in cases.items():
        (tmp_path / name).write_bytes(content)
        with pytest.raises(ValueError, match=rf"{name}'? is not an mmphate-widget result file.*{message}"):
            load(tmp_path / name)
    np.save(tmp_path / "array.npy", np.arange(3))
    with pytest.raises(ValueError, match=r"array\.npy'? is not an mmphate-widget.*single \.npy array"):
        load(tmp_path / "array.npy")


def test_a_damaged_member_is_one_clear_error(saved, tmp_path):
    import zipfile

    good, _ = saved
    with zipfile.ZipFile(good) as archive:
        info = archive.getinfo("embedding.npy")
    data = bytearray(good.read_bytes())
    middle = info.header_offset + 30 + len(info.filename) + len(info.extra) + info.compress_size // 2
    data[middle : middle + 64] = bytes(64)  # zero out part of the compressed embedding
    (tmp_path / "damaged.npz").write_bytes(bytes(data))
    with pytest.raises(ValueError, match=r"damaged\.npz'? is damaged.*numpy cannot read it"):
        load(tmp_path / "damaged.npz")


def test_a_newer_format_version_asks_for_an_upgrade(saved, tmp_path):
    _, arrays = saved
    np.savez(tmp_path / "future.npz", **{**arrays, "format_version": np.array(2)})
    with pytest.raises(ValueError, match=r"future\.npz'? has format version 2; .* reads up to 1\. Upgrade"):
        load(tmp_path / "future.npz")


def test_unknown_saved_parameter_asks_for_an_upgrade(saved, tmp_path):
    _, arrays = saved
    np.savez(tmp_path / "newer.npz", **{**arrays, "params": _params(arrays["params"], warp_speed=9)})
    with pytest.raises(ValueError, match=r"newer\.npz'? sets MMPHATE parameter\(s\) warp_speed .* Upgrade"):
        load(tmp_path / "newer.npz")


@pytest.mark.parametrize(
    "key, edit, message",
    [
        ("params", lambda _: np.array("[1, 2]"), "parameters are a JSON list, not an object"),
        ("params", lambda _: np.array("{n_components: 3"), "parameters are not valid JSON"),
        ("params", lambda x: _params(x, n_components=0), r"parameters are invalid \(n_components=0"),
        ("params", lambda x: _params(x, mds_solver="magic"), r"invalid \(mds_solver='magic'"),
        ("format_version", lambda _: np.array(0), "format version 0 does not exist"),
        ("shape", lambda _: np.array([12, 10, 0, 30]), r"dimensions \[12, 10, 0, 30\]"),
        ("shape", lambda x: x[:3], r"shape holds int64 of shape \(3,\), .* integers of shape \(4,\)"),
        ("t", lambda _: np.array(0), "t=0 must be >= 1"),
        (
            "embedding",
            lambda x: x[:-1],
            r"embedding holds float64 of shape \(1919, 3\), where save\(\) writes floats of shape \(1920, 3\)",
        ),
        ("embedding", lambda x: x[:, :2], r"embedding .* \(1920, 3\).*n_components=3"),
        ("intrastep_entropy", lambda x: x.T, r"intrastep_entropy .* \(12, 10\)"),
        ("interstep_entropy", lambda x: x[:, 1:], r"interstep_entropy .* \(16, 12\)"),
        ("unit_clusters", lambda x: x[1:], r"unit_clusters .* integers of shape \(16,\)"),
        ("unit_clusters", lambda x: x * 1.0, r"unit_clusters holds float64 .* integers"),
        ("epochs", lambda x: x[1:], r"epochs .* \(12,\).*12 epochs x 10 steps x 16 units x 30 samples"),
        ("unit_names", lambda x: x[:3], r"unit_names .* strings of shape \(16,\)"),
        ("labels", lambda x: x[1:], r"labels .* \(30,\)"),
        ("labels", lambda x: x + 5, r"labels holds class codes outside 0\.\.1"),
        ("node_top_label", lambda x: x[:10], r"node_top_label .* \(1920,\)"),
        ("metric_values", lambda x: x[:, 1:], r"metric_values .* \(1, 12\)"),
        ("class_names", None, "has labels, node_top_label but lacks class_names"),
        ("metric_values", None, "has metric_names but lacks metric_values"),
        ("unit_cluster_confidence", lambda x: x[1:], r"unit_cluster_confidence .* floats of shape \(16,\)"),
        ("cluster_stability", lambda _: np.array([0.5, 0.5]), r"cluster_stability .* floats of shape \(\)"),
        ("unit_cluster_confidence", None, "has cluster_stability but lacks unit_cluster_confidence"),
    ],
)
def test_inconsistent_contents_are_one_clear_error(saved, tmp_path, key, edit, message):
    _, arrays = saved
    arrays = {k: v for k, v in arrays.items() if k != key or edit is not None}
    if edit is not None:
        arrays[key] = edit(arrays[key])
    np.savez(tmp_path / "bad.npz", **arrays)
    damaged = r"bad\.npz'? is damaged or was not written by save\(\): "
    with pytest.raises(ValueError, match=damaged + ".*" + message):
        load(tmp_path / "bad.npz")


def test_a_broken_saved_kernel_is_one_clear_error(fitted, tmp_path):
    save(fitted, tmp_path / "kernel.npz", include_kernel=True)
    with np.load(tmp_path / "kernel.npz", allow_pickle=False) as f:
        arrays = {key: f[key] for key in f.files}
    np.savez(tmp_path / "shape.npz", **{**arrays, "kernel_shape": np.array([5, 5])})
    with pytest.raises(
        ValueError, match=r"shape\.npz'? is damaged.*kernel_shape is \[5, 5\], but .* 1920 nodes"
    ):
        load(tmp_path / "shape.npz")
    indices = arrays["kernel_indices"].copy()
    indices[0] = 10**6
    np.savez(tmp_path / "indices.npz", **{**arrays, "kernel_indices": indices})
    with pytest.raises(ValueError, match=r"indices\.npz'? is damaged.*kernel is not a valid CSR matrix"):
        load(tmp_path / "indices.npz")


def test_a_file_from_before_the_cluster_stability_loads_without_it(saved, tmp_path):
    _, arrays = saved
    older = {k: v for k, v in arrays.items() if k not in ("cluster_stability", "unit_cluster_confidence")}
    np.savez(tmp_path / "older.npz", **older)
    loaded = load(tmp_path / "older.npz")
    assert loaded.cluster_stability_ is None and loaded.unit_cluster_confidence_ is None
    assert loaded.n_clusters_ == int(arrays["unit_clusters"].max()) + 1
    # ... and saves again as it was
    loaded.save(tmp_path / "again.npz")
    with np.load(tmp_path / "again.npz", allow_pickle=False) as f:
        assert "cluster_stability" not in f.files


def test_auto_n_clusters_is_saved_as_a_parameter(fitted, tmp_path):
    fitted.save(tmp_path / "a.npz")
    load(tmp_path / "a.npz").set_params(n_clusters="auto").save(tmp_path / "auto.npz")
    loaded = load(tmp_path / "auto.npz")
    assert loaded.get_params()["n_clusters"] == "auto"
    assert loaded.n_clusters_ == fitted.n_clusters_
