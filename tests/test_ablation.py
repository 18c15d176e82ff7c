"""Cluster ablation on a linear read-out whose informative units are known."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from mmphate_widget.analysis.ablation import cluster_ablation

N_CLASSES = 3
# units 0-2 carry the class (unit c is high for class c); units 3-5 are pure noise
CLUSTERS = np.array([0, 0, 0, 1, 1, 1])
READOUT = np.vstack([4.0 * np.eye(N_CLASSES), np.eye(N_CLASSES)])  # (6 units, 3 classes)


def make_data(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, N_CLASSES, size=n)
    hidden = rng.normal(size=(n, 6))
    hidden[np.arange(n), y] += 3.0
    return hidden, y


def predict(X: np.ndarray, keep: np.ndarray) -> np.ndarray:
    return ((X * keep) @ READOUT).argmax(axis=1)


@pytest.fixture(scope="module")
def result():
    datasets = {"train": make_data(3000, 0), "validation": make_data(1500, 1)}
    return cluster_ablation(predict, CLUSTERS, datasets)


def test_conditions_are_all_units_then_each_cluster(result):
    assert result.conditions == ["all units", "cluster 0", "cluster 1"]
    np.testing.assert_array_equal(result.keep_masks["all units"], np.ones(6, bool))
    np.testing.assert_array_equal(result.keep_masks["cluster 0"], [1, 1, 1, 0, 0, 0])
    np.testing.assert_array_equal(result.keep_masks["cluster 1"], [0, 0, 0, 1, 1, 1])
    np.testing.assert_array_equal(result.labels, [0, 1, 2])


def test_informative_cluster_alone_keeps_accuracy_and_noise_cluster_is_at_chance(result):
    for dataset in ("train", "validation"):
        accuracy = result.accuracy[dataset]
        assert accuracy["all units"] > 0.85
        assert accuracy["cluster 0"] > 0.85
        assert abs(accuracy["cluster 1"] - 1 / N_CLASSES) < 0.05


def test_accuracy_matches_a_direct_evaluation(result):
    X, y = make_data(1500, 1)
    expected = np.mean(predict(X, CLUSTERS == 1) == y)
    assert result.accuracy["validation"]["cluster 1"] == pytest.approx(expected)


def test_confusion_matrices_count_every_sample(result):
    for dataset, n in (("train", 3000), ("validation", 1500)):
        assert result.n_samples[dataset] == n
        for condition in result.conditions:
            matrix = result.confusion[dataset][condition]
            assert matrix.shape == (N_CLASSES, N_CLASSES)
            assert matrix.sum() == n
            assert np.trace(matrix) / n == pytest.approx(result.accuracy[dataset][condition])
        _, y = make_data(n, 0 if dataset == "train" else 1)
        np.testing.assert_array_equal(
            result.confusion[dataset]["all units"].sum(axis=1), np.bincount(y, minlength=N_CLASSES)
        )


def test_predict_receives_each_mask_as_a_fresh_boolean_array():
    seen = []

    def spy(X, keep):
        seen.append(keep)
        keep[:] = False  # must not leak into the result or later calls
        return np.zeros(len(X), dtype=int)

    result = cluster_ablation(spy, [1, 0, 1], {"a": (np.zeros((4, 3)), np.array([0, 1, 0, 1]))})
    assert len(seen) == 3
    assert all(mask.dtype == bool and mask.shape == (3,) for mask in seen)
    np.testing.assert_array_equal(result.keep_masks["cluster 1"], [True, False, True])


def test_chosen_clusters_and_string_labels_in_a_given_order():
    y = np.array(["walk", "run", "run", "stand"])
    order = ["stand", "walk", "run"]

    def constant(X, keep):
        return np.full(len(X), "run" if keep[0] else "walk")

    result = cluster_ablation(constant, [0, 1, 2], {"val": (y, y)}, clusters=[2], labels=order)
    assert result.conditions == ["all units", "cluster 2"]
    np.testing.assert_array_equal(result.labels, order)
    # all units -> "run" predicted everywhere: the "run" column holds every sample
    np.testing.assert_array_equal(result.confusion["val"]["all units"], [[0, 0, 1], [0, 0, 1], [0, 0, 2]])
    assert result.accuracy["val"]["all units"] == 0.5
    assert result.accuracy["val"]["cluster 2"] == 0.25


def test_default_labels_include_predicted_classes_absent_from_the_truth():
    result = cluster_ablation(
        lambda X, keep: np.full(len(X), 7), [0, 0], {"a": (np.zeros((2, 2)), np.array([1, 2]))}
    )
    np.testing.assert_array_equal(result.labels, [1, 2, 7])
    assert result.confusion["a"]["all units"].sum() == 2


def test_table_has_one_row_per_dataset_and_condition(result):
    table = result.table()
    assert list(table.columns) == ["dataset", "condition", "units kept", "samples", "accuracy"]
    assert len(table) == 6
    row = table[(table.dataset == "validation") & (table.condition == "cluster 0")].iloc[0]
    assert row["units kept"] == 3 and row["samples"] == 1500
    assert row["accuracy"] == result.accuracy["validation"]["cluster 0"]


def test_table_without_pandas_is_a_dict_of_columns(result, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    table = result.table()
    assert isinstance(table, dict)
    assert table["condition"][:3] == ["all units", "cluster 0", "cluster 1"]
    assert table["accuracy"][1] == result.accuracy["train"]["cluster 0"]


def test_plot_draws_one_panel_per_dataset_and_condition(result):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = result.plot(class_names=["a", "b", "c"])
    axes = fig.get_axes()
    assert len(axes) == 6
    assert axes[0].get_title().startswith("train: all units (6 units)")
    texts = sorted(int(t.get_text()) for t in axes[0].texts)
    assert sum(texts) == 3000
    plt.close(fig)
    with pytest.raises(ValueError, match="class_names has 2 entries but there are 3 labels"):
        result.plot(class_names=["a", "b"])


def test_plot_without_matplotlib_says_how_to_install(result, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match="pip install matplotlib"):
        result.plot()


DATA = {"a": (np.zeros((4, 2)), np.array([0, 1, 0, 1]))}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"unit_clusters": [0, 1], "clusters": [0, 3]},
            r"unknown cluster ids \[3\]; unit_clusters has \[0, 1\]",
        ),
        ({"unit_clusters": [0, 1], "clusters": [1, 1]}, "repeats an id"),
        ({"unit_clusters": [[0, 1]]}, "unit_clusters must be a non-empty 1-D array"),
        ({"unit_clusters": [0.5, 1.0]}, "integer cluster ids"),
        ({"unit_clusters": [0, 1], "datasets": {}}, "non-empty mapping"),
        ({"unit_clusters": [0, 1], "datasets": {"a": np.zeros(3)}}, r"datasets\['a'\] must be a pair"),
        ({"unit_clusters": [0, 1], "datasets": {"a": (np.zeros((0, 2)), [])}}, "has no samples"),
        (
            {"unit_clusters": [0, 1], "labels": [0]},
            r"misses \[1\], found in the true or predicted labels of 'a'",
        ),
        ({"unit_clusters": [0, 1], "labels": [0, 1, 1]}, "repeats a label"),
    ],
)
def test_bad_arguments_are_named(kwargs, message):
    args = {"datasets": DATA, **kwargs}
    with pytest.raises(ValueError, match=message):
        cluster_ablation(lambda X, keep: np.zeros(len(X), int), **args)


def test_predict_returning_the_wrong_number_of_labels():
    with pytest.raises(
        ValueError, match=r"predict's output on 'a' \(all units\) has 3 labels but there are 4"
    ):
        cluster_ablation(lambda X, keep: np.zeros(3, int), [0, 1], DATA)


def test_predict_must_be_callable():
    with pytest.raises(TypeError, match="predict must be a callable"):
        cluster_ablation(np.zeros(3), [0, 1], DATA)
