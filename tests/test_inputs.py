"""Bad input fails fast with an error that names the problem and the fix."""

from __future__ import annotations

import numpy as np
import pytest

from mmphate_widget.engine.inputs import validate_hidden_states


def good(shape=(3, 4, 5, 6), seed=0):
    return np.random.default_rng(seed).normal(size=shape)


@pytest.mark.parametrize(
    "data, message",
    [
        (np.zeros((3, 4, 5)), r"4 dimensions.*got shape \(3, 4, 5\)"),
        (np.zeros((3, 0, 5, 6)), "no steps"),
        (np.zeros((3, 4, 1, 6)), "at least 2 units"),
        (np.array([[[["a"]]]]), "real numbers"),
        ([[[[1.0, 2.0]], [[1.0]]]], "ragged|could not be converted"),
    ],
)
def test_shape_errors(data, message):
    with pytest.raises(ValueError, match=message):
        validate_hidden_states(data)


def test_nan_is_located():
    X = good()
    X[1, 2, 3, 4] = np.nan
    X[2, 0, 0, 0] = np.inf
    with pytest.raises(ValueError, match=r"2 non-finite.*NaN at \[epoch 1, step 2, unit 3, sample 4\]"):
        validate_hidden_states(X)


def test_too_few_slices_for_interstep_knn():
    with pytest.raises(ValueError, match=r"12 slices.*interstep_knn=25.*interstep_knn <= 11"):
        validate_hidden_states(good(), interstep_knn=25)
    assert validate_hidden_states(good(), interstep_knn=11).shape == (3, 4, 5, 6)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"labels": [0, 1, 0]}, "labels has 3 entries but .* 6 trace samples"),
        ({"epochs": [0, 1]}, "epochs has 2 entries but .* 3 epochs"),
        ({"epochs": [0, 5, 5]}, "strictly increasing"),
        ({"epochs": [0, 1.5, 3]}, "whole numbers"),
        ({"unit_names": ["a", "b"]}, "unit_names has 2 names"),
        ({"metrics": {"loss": [1.0, 0.5]}}, r"metrics\['loss'\] has 2 values"),
        ({"metrics": [1.0, 2.0, 3.0]}, "mapping"),
        ({"class_names": ["a", "b"]}, "without labels"),
    ],
)
def test_metadata_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        validate_hidden_states(good(), **kwargs)


def test_metadata_is_coerced():
    states = validate_hidden_states(
        good().astype(np.float32),
        labels=np.array(["cat", "dog", "cat", "eel", "dog", "cat"]),
        epochs=np.array([0, 5, 10]),
        metrics={"loss": [3, 2, 1]},
    )
    assert states.data.dtype == np.float64
    assert states.class_names == ["cat", "dog", "eel"]
    np.testing.assert_array_equal(states.labels, [0, 1, 0, 2, 1, 0])
    np.testing.assert_array_equal(states.epochs, [0, 5, 10])
    assert states.unit_names == [f"unit {u}" for u in range(5)]
    np.testing.assert_array_equal(states.metrics["loss"], [3.0, 2.0, 1.0])


def test_one_hot_labels_and_integer_codes_with_names():
    onehot = np.eye(3)[[0, 2, 1, 1, 0, 2]]
    states = validate_hidden_states(good(), labels=onehot, class_names=["a", "b", "c"])
    np.testing.assert_array_equal(states.labels, [0, 2, 1, 1, 0, 2])
    assert states.class_names == ["a", "b", "c"]


def test_constant_unit_is_legal():
    X = good()
    X[:, :, 0, :] = 1.0
    assert validate_hidden_states(X).shape == X.shape


def test_some_constant_rows_and_equal_first_samples_are_legal():
    X = good()
    X[1] = 7.0  # a whole epoch constant
    X[..., 1] = X[..., 0]  # the first two samples agree everywhere; later ones differ
    assert validate_hidden_states(X).shape == X.shape


@pytest.mark.parametrize(
    "data",
    [
        np.zeros((3, 4, 5, 6)),  # states read before the network ran
        np.repeat(good((3, 4, 5, 1)), 6, axis=3),  # every node has its own value, the same in every sample
    ],
    ids=["zeros", "one-value-per-node"],
)
def test_every_unit_constant_across_samples_is_rejected(data):
    with pytest.raises(
        ValueError,
        match=r"every unit is constant across the 6 trace samples .* at every "
        r"\(epoch, step\).*no information.*samples .* that differ",
    ):
        validate_hidden_states(data)


def test_a_single_trace_sample_is_rejected():
    with pytest.raises(ValueError, match=r"1 trace sample .*Record at least 2 different trace samples"):
        validate_hidden_states(good((3, 4, 5, 1)))


def test_torch_tensor_is_accepted():
    import torch

    X = torch.from_numpy(good()).float().requires_grad_(True)
    states = validate_hidden_states(X)
    np.testing.assert_allclose(states.data, X.detach().numpy(), rtol=1e-7)


def test_nested_lists_are_accepted():
    states = validate_hidden_states(good().tolist())
    assert states.shape == (3, 4, 5, 6)


def test_missing_metric_values_become_nan():
    states = validate_hidden_states(good(), metrics={"val_loss": [1.0, None, 0.5]})
    np.testing.assert_array_equal(np.isnan(states.metrics["val_loss"]), [False, True, False])
    with pytest.raises(ValueError, match=r"metrics\['acc'\] must hold numbers"):
        validate_hidden_states(good(), metrics={"acc": ["high", "low", "mid"]})
