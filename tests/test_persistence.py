"""Save / load round-trips through one .npz without pickle."""

from __future__ import annotations

import numpy as np
import pytest

from mmphate_widget import MMPHATE, load, save


def test_round_trip_is_identical(fitted, tmp_path):
    path = tmp_path / "result.npz"
    fitted.save(path)
    loaded = load(path)
    for name in ("embedding_", "intrastep_entropy_", "interstep_entropy_", "unit_clusters_",
                 "epochs_", "epoch_", "step_", "unit_", "labels_", "node_top_label_"):
        np.testing.assert_array_equal(getattr(loaded, name), getattr(fitted, name), err_msg=name)
    assert loaded.unit_names_ == fitted.unit_names_
    assert loaded.class_names_ == fitted.class_names_
    assert loaded.t_ == fitted.t_
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
