"""Binary wire format of the widget's data traits (mmphate_widget.widget.wire)."""

import numpy as np
import pytest
from wire_decode import decode

from mmphate_widget.analysis.synthetic import simulate_rnn_training
from mmphate_widget.engine.estimator import MMPHATE
from mmphate_widget.widget import wire

E, T, U, S = 6, 5, 8, 12


@pytest.fixture(scope="module")
def fitted():
    hidden, labels = simulate_rnn_training(E, T, U, S, random_state=0)
    metrics = {
        "loss": np.linspace(1.0, 0.2, E),
        "val_accuracy": [np.nan, 0.5, 0.6, np.nan, 0.8, 0.9],
    }
    return MMPHATE(interstep_knn=5, t=10, random_state=0, verbose=False).fit(
        hidden,
        labels=labels,
        epochs=np.arange(E) * 3 + 1,
        metrics=metrics,
        class_names=["left", "right"],
    )


def test_bytes_are_little_endian():
    assert wire.encode_int32([1, -2]) == b"\x01\x00\x00\x00\xfe\xff\xff\xff"
    assert wire.encode_float32([1.0]) == b"\x00\x00\x80\x3f"
    big_endian = np.array([[1.5, 2.5]], dtype=">f8")
    assert decode(wire.encode_float32(big_endian), "float32").tolist() == [1.5, 2.5]


def test_positions_are_centred_and_scaled_into_unit_cube():
    rng = np.random.default_rng(1)
    embedding = rng.normal(size=(50, 3)) * [10.0, 2.0, 0.5] + [100.0, -3.0, 7.0]
    pos = decode(wire.encode_positions(embedding), "float32", (50, 3))
    assert pos.dtype == np.float32
    assert np.abs(pos).max() == pytest.approx(1.0)
    np.testing.assert_allclose((pos.min(axis=0) + pos.max(axis=0)) / 2, 0.0, atol=1e-6)
    # One scale for all axes: the map back to the embedding is a single affine transform.
    lo, hi = embedding.min(axis=0), embedding.max(axis=0)
    half = (hi - lo).max() / 2
    np.testing.assert_allclose(pos * half + (lo + hi) / 2, embedding, rtol=1e-5, atol=1e-4)


def test_two_dimensional_positions_get_z_zero():
    embedding = np.array([[0.0, 0.0], [2.0, 1.0], [4.0, 0.0]])
    pos = decode(wire.encode_positions(embedding), "float32", (3, 3))
    np.testing.assert_array_equal(pos, [[-1, -0.25, 0], [0, 0.25, 0], [1, -0.25, 0]])


def test_positions_of_a_single_point_are_the_origin():
    pos = decode(wire.encode_positions(np.array([[5.0, 5.0, 5.0]])), "float32", (1, 3))
    np.testing.assert_array_equal(pos, [[0, 0, 0]])


@pytest.mark.parametrize(
    ("embedding", "message"),
    [
        (np.zeros((4, 1)), r"shape \(N, 2\) or \(N, 3\), got \(4, 1\)"),
        (np.array([[0.0, np.nan]]), "NaN or infinite"),
    ],
)
def test_positions_reject_undrawable_embeddings(embedding, message):
    with pytest.raises(ValueError, match=message):
        wire.encode_positions(embedding)


def test_int32_rejects_overflow_and_floats():
    with pytest.raises(ValueError, match="fit in int32"):
        wire.encode_int32([2**31])
    with pytest.raises(ValueError, match="expected integers"):
        wire.encode_int32([1.5])
    assert wire.encode_int32(np.zeros(0, dtype=np.int64)) == b""


def test_metrics_rows_keep_order_and_missing_values():
    data, names = wire.encode_metrics({"loss": [3, 2, 1], "acc": [None, 0.5, np.nan]}, 3)
    assert names == ["loss", "acc"]
    np.testing.assert_array_equal(decode(data, "float32", (2, 3)), [[3, 2, 1], [np.nan, 0.5, np.nan]])
    assert wire.encode_metrics(None, 3) == (b"", [])
    with pytest.raises(ValueError, match="'loss' has 2 values; expected one per epoch \\(3\\)"):
        wire.encode_metrics({"loss": [1, 2]}, 3)


def test_model_state_round_trips_every_data_trait(fitted):
    state = wire.model_state(fitted)
    n = E * T * U
    assert state["_dims"] == {"n_epochs": E, "n_steps": T, "n_units": U, "n_components": 3}
    pos = decode(state["_positions"], "float32", (n, 3))
    np.testing.assert_array_equal(pos, wire.scale_positions(fitted.embedding_))
    np.testing.assert_array_equal(decode(state["_epoch_numbers"], "int32"), fitted.epochs_)
    np.testing.assert_array_equal(decode(state["_unit_clusters"], "int32"), fitted.unit_clusters_)
    assert state["_n_clusters"] == fitted.unit_clusters_.max() + 1
    assert state["_cluster_stability"] == fitted.cluster_stability_
    np.testing.assert_allclose(
        decode(state["_unit_cluster_confidence"], "float32", (U,)),
        fitted.unit_cluster_confidence_,
        rtol=1e-6,
    )
    np.testing.assert_allclose(
        decode(state["_intrastep_entropy"], "float32", (E, T)),
        fitted.intrastep_entropy_,
        rtol=1e-6,
    )
    np.testing.assert_allclose(
        decode(state["_interstep_entropy"], "float32", (U, E)),
        fitted.interstep_entropy_,
        rtol=1e-6,
    )
    np.testing.assert_array_equal(decode(state["_node_label"], "int32"), fitted.node_top_label_)
    assert state["_class_names"] == ["left", "right"]
    assert state["_unit_names"] == [f"unit {u}" for u in range(U)]
    assert state["_metric_names"] == ["loss", "val_accuracy"]
    np.testing.assert_allclose(
        decode(state["_metrics"], "float32", (2, E)),
        [np.linspace(1.0, 0.2, E), [np.nan, 0.5, 0.6, np.nan, 0.8, 0.9]],
        rtol=1e-6,
    )
    binary = {k for k, v in state.items() if isinstance(v, bytes)}
    assert binary == {
        "_positions", "_epoch_numbers", "_unit_clusters", "_unit_cluster_confidence",
        "_intrastep_entropy", "_interstep_entropy", "_node_label", "_metrics",
    }  # fmt: skip


def test_model_state_without_labels_or_metrics_sends_empty_traits():
    hidden, _ = simulate_rnn_training(E, T, U, S, random_state=0)
    model = MMPHATE(n_components=2, interstep_knn=5, t=10, random_state=0, verbose=False).fit(hidden)
    state = wire.model_state(model)
    assert state["_node_label"] == b"" and state["_class_names"] == []
    assert state["_metrics"] == b"" and state["_metric_names"] == []
    assert state["_dims"]["n_components"] == 2
    pos = decode(state["_positions"], "float32", (E * T * U, 3))
    assert np.all(pos[:, 2] == 0)
    assert wire.n_classes(model) == 0


def test_model_state_without_cluster_stability_sends_null_and_empty_bytes(fitted):
    class Older:
        """A result loaded from a file written before the cluster stability existed."""

    older = Older()
    older.__dict__.update(vars(fitted), cluster_stability_=None, unit_cluster_confidence_=None)
    state = wire.model_state(older)
    assert state["_cluster_stability"] is None and state["_unit_cluster_confidence"] == b""


def test_unit_cluster_confidence_needs_one_value_per_unit(fitted):
    class Broken:
        pass

    broken = Broken()
    broken.__dict__.update(vars(fitted), unit_cluster_confidence_=np.ones(U + 1))
    with pytest.raises(ValueError, match=rf"shape \({U + 1},\); expected one value per unit \({U}\)"):
        wire.model_state(broken)
