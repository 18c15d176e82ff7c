"""The fitted state described once: fit, from_fitted, save, load and the docs all follow FITTED_STATE."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from scipy import sparse

from mmphate_widget import MMPHATE, load
from mmphate_widget.engine import fitted_state
from mmphate_widget.engine.fitted_state import FITTED_STATE, markdown_table
from mmphate_widget.engine.result_file import HEADER_KEYS

DOCS = Path(__file__).resolve().parents[1] / "docs" / "how-it-works.md"
SAVED = [attr for attr in FITTED_STATE if attr.keys]


def _dims(model: MMPHATE) -> dict[str, int]:
    E, T, U, S = model.n_epochs_, model.n_steps_, model.n_units_, model.n_samples_
    dims = {"E": E, "T": T, "U": U, "S": S, "N": E * T * U, "n_components": model.n_components}
    if model.class_names_ is not None:
        dims["C"] = len(model.class_names_)
    if model.metrics_ is not None:
        dims["M"] = len(model.metrics_)
    return dims


def _assert_described(model: MMPHATE) -> None:
    """Every described attribute is set, with the described type, dtype and shape."""
    dims = _dims(model)
    for attr in FITTED_STATE:
        value = getattr(model, attr.name)
        if value is None:
            assert not attr.required, attr.name
            continue
        shape = tuple(dims[s] if isinstance(s, str) else s for s in attr.shape)
        if attr.form in ("scalar", "dimension"):
            assert type(value) is (int if attr.dtype == "int64" else float), attr.name
        elif attr.form == "names":
            assert isinstance(value, list) and all(isinstance(v, str) for v in value), attr.name
            assert (len(value),) == shape, attr.name
        elif attr.form == "metrics":
            assert isinstance(value, dict) and len(value) == shape[0], attr.name
            assert all(v.dtype == attr.dtype and v.shape == shape[1:] for v in value.values()), attr.name
        elif attr.form == "csr":
            assert sparse.isspmatrix_csr(value) and value.shape == shape and value.dtype == attr.dtype
        else:
            assert isinstance(value, np.ndarray), attr.name
            assert (value.dtype, value.shape) == (np.dtype(attr.dtype), shape), attr.name


def _saved_attributes(model: MMPHATE) -> dict:
    return {attr.name: getattr(model, attr.name) for attr in SAVED}


def _assert_same_state(a: MMPHATE, b: MMPHATE) -> None:
    for attr in FITTED_STATE:
        left, right = getattr(a, attr.name), getattr(b, attr.name)
        if attr.form == "csr":
            assert (left is None) == (right is None), attr.name
            if left is not None:
                assert abs(left - right).max() == 0
        elif attr.form == "metrics":
            assert list(left) == list(right)
            for name in left:
                np.testing.assert_array_equal(left[name], right[name])
        else:
            np.testing.assert_array_equal(left, right, err_msg=attr.name)


def test_the_description_is_consistent():
    names = [attr.name for attr in FITTED_STATE]
    assert len(names) == len(set(names))
    assert all(name.endswith("_") and not name.startswith("_") for name in names)
    for attr in FITTED_STATE:
        assert attr.dtype in ("float64", "int64", "str"), attr.name
        assert all(s in fitted_state.DIMENSIONS for s in attr.shape if isinstance(s, str)), attr.name
        assert bool(attr.keys) != (attr.derive is not None), f"{attr.name}: saved or derived, not both"
        assert attr.required or attr.keys, f"{attr.name}: an optional attribute must be saved"
    assert set(fitted_state.required_keys()) <= set(fitted_state.stored_keys())
    assert not set(HEADER_KEYS) & set(fitted_state.stored_keys())


def test_fit_sets_every_described_attribute(fitted):
    _assert_described(fitted)
    assert fitted.__sklearn_is_fitted__()
    assert not MMPHATE().__sklearn_is_fitted__()


def test_fit_without_labels_or_metrics_sets_the_optional_ones_to_none():
    from mmphate_widget import simulate_rnn_training

    X, _ = simulate_rnn_training(5, 5, 6, 10, random_state=2)
    model = MMPHATE(interstep_knn=5, t=5, n_components=2, verbose=False).fit(X)
    _assert_described(model)
    assert model.labels_ is None and model.class_names_ is None and model.metrics_ is None


@pytest.mark.parametrize("include_kernel", [True, False])
def test_save_and_load_round_trip_exactly_the_described_keys(fitted, tmp_path, include_kernel):
    path = tmp_path / "result.npz"
    fitted.save(path, include_kernel=include_kernel)
    with np.load(path, allow_pickle=False) as f:
        keys = set(f.files)
    kernel_keys = set(next(attr.keys for attr in FITTED_STATE if attr.name == "kernel_"))
    described = set(HEADER_KEYS) | set(fitted_state.stored_keys())
    assert keys == (described if include_kernel else described - kernel_keys)
    loaded = load(path)
    _assert_described(loaded)
    if include_kernel:
        _assert_same_state(loaded, fitted)
    else:
        assert loaded.kernel_ is None


def test_load_leaves_optional_attributes_whose_keys_are_absent_none(fitted, tmp_path):
    from mmphate_widget import simulate_rnn_training

    X, _ = simulate_rnn_training(5, 5, 6, 10, random_state=2)
    MMPHATE(interstep_knn=5, t=5, verbose=False).fit(X).save(tmp_path / "plain.npz")
    loaded = load(tmp_path / "plain.npz")
    _assert_described(loaded)
    optional = [attr.name for attr in FITTED_STATE if not attr.required]
    assert [name for name in optional if getattr(loaded, name) is not None] == [
        "cluster_stability_",
        "unit_cluster_confidence_",
    ]


def test_a_format_1_file_as_first_written_still_loads(fitted, tmp_path):
    # The keys and dtypes exactly as the first save() wrote them (format version 1), kept here
    # literally so that a change to the description cannot silently drop old files.
    import json

    arrays = {
        "format_version": np.array(1),
        "params": np.array(json.dumps(fitted.get_params())),
        "shape": np.array([fitted.n_epochs_, fitted.n_steps_, fitted.n_units_, fitted.n_samples_]),
        "t": np.array(fitted.t_),
        "embedding": fitted.embedding_,
        "intrastep_entropy": fitted.intrastep_entropy_,
        "interstep_entropy": fitted.interstep_entropy_,
        "unit_clusters": fitted.unit_clusters_,
        "epochs": fitted.epochs_,
        "unit_names": np.array(fitted.unit_names_, dtype=str),
        "labels": fitted.labels_,
        "class_names": np.array(fitted.class_names_, dtype=str),
        "node_top_label": fitted.node_top_label_,
        "metric_names": np.array(list(fitted.metrics_), dtype=str),
        "metric_values": np.stack(list(fitted.metrics_.values())),
        "cluster_stability": np.array(fitted.cluster_stability_),
        "unit_cluster_confidence": fitted.unit_cluster_confidence_,
        "kernel_data": fitted.kernel_.data,
        "kernel_indices": fitted.kernel_.indices,
        "kernel_indptr": fitted.kernel_.indptr,
        "kernel_shape": np.array(fitted.kernel_.shape),
    }
    np.savez_compressed(tmp_path / "v1.npz", **arrays)
    loaded = load(tmp_path / "v1.npz")
    _assert_same_state(loaded, fitted)
    assert loaded.get_params() == fitted.get_params()
    # narrower integer and float widths are cast to the described dtypes
    narrow = {**arrays, "epochs": arrays["epochs"].astype(np.int32)}
    narrow["embedding"] = arrays["embedding"].astype(np.float32)
    np.savez_compressed(tmp_path / "narrow.npz", **narrow)
    loaded = load(tmp_path / "narrow.npz")
    assert loaded.epochs_.dtype == np.int64 and loaded.embedding_.dtype == np.float64


def test_from_fitted_rebuilds_a_fitted_model(fitted):
    rebuilt = MMPHATE.from_fitted(_saved_attributes(fitted), **fitted.get_params())
    _assert_described(rebuilt)
    _assert_same_state(rebuilt, fitted)
    assert rebuilt.get_params() == fitted.get_params()


def test_from_fitted_needs_only_the_required_attributes(fitted):
    required = {attr.name: getattr(fitted, attr.name) for attr in SAVED if attr.required}
    model = MMPHATE.from_fitted(required, verbose=False)
    _assert_described(model)
    assert model.n_clusters_ == fitted.n_clusters_
    assert all(getattr(model, attr.name) is None for attr in FITTED_STATE if not attr.required)


@pytest.mark.parametrize(
    "name, change, message",
    [
        (
            "embedding_",
            lambda x: x[:-1],
            r"embedding_ holds float64 of shape \(1919, 3\), where a fitted MMPHATE holds floats of shape "
            r"\(1920, 3\) = \(N, n_components\) \(the model's dimensions: 12 epochs x 10 steps",
        ),
        (
            "interstep_entropy_",
            lambda x: x.T,
            r"interstep_entropy_ holds float64 of shape \(12, 16\), .* \(16, 12\) = \(U, E\)",
        ),
        ("unit_clusters_", lambda x: x * 1.0, r"unit_clusters_ holds float64 .* integers of shape \(16,\)"),
        (
            "unit_names_",
            lambda x: x[:3],
            r"unit_names_ holds <U\d+ of shape \(3,\), .* strings of shape \(16",
        ),
        ("t_", lambda _: 0, r"t_=0 must be >= 1"),
        ("t_", lambda _: 2.5, r"t_ holds float64 of shape \(\), .* integers of shape \(\)"),
        ("n_units_", lambda _: 0, r"n_units_=0 must be an integer >= 1"),
        ("metrics_", lambda m: {"loss": m["loss"][1:]}, r"metrics_ \(metric_values\) .* \(1, 12\) = \(M, E"),
        ("labels_", lambda x: x + 5, r"labels_ holds class codes outside 0\.\.1 \(2 class_names_\)"),
        ("class_names_", lambda _: None, r"labels_, node_top_label_ are set but class_names_ is None"),
        ("kernel_", lambda k: k[:10, :10], r"kernel_ \(kernel_shape\) is \[10, 10\], but the model has 1920"),
        ("kernel_", lambda k: k.toarray(), r"kernel_ must be a scipy.sparse matrix or None; got ndarray"),
        ("epochs_", None, r"the fitted state lacks epochs_"),
        ("n_clusters_", lambda _: 2, r"unexpected fitted attribute\(s\) n_clusters_: give only embedding_, "),
        ("colour_", lambda _: 1, r"unexpected fitted attribute\(s\) colour_"),
    ],
)
def test_from_fitted_names_the_attribute_that_disagrees(fitted, name, change, message):
    attributes = _saved_attributes(fitted)
    if change is None:
        del attributes[name]
    else:
        attributes[name] = change(attributes.get(name))
    with pytest.raises(ValueError, match=message):
        MMPHATE.from_fitted(attributes, **fitted.get_params())


def test_from_fitted_checks_the_parameters_like_fit(fitted):
    attributes = _saved_attributes(fitted)
    with pytest.raises(ValueError, match=r"embedding_ .* \(1920, 2\) = \(N, n_components\).*n_components=2"):
        MMPHATE.from_fitted(attributes, n_components=2)
    with pytest.raises(ValueError, match=r"n_clusters=20 must be between 1 and the number of units \(16\)"):
        MMPHATE.from_fitted(attributes, n_clusters=20)


def test_save_refuses_attributes_changed_to_another_shape(fitted, tmp_path):
    import copy

    model = copy.deepcopy(fitted)
    model.intrastep_entropy_ = model.intrastep_entropy_[:, :3]
    with pytest.raises(ValueError, match=r"intrastep_entropy_ holds float64 of shape \(12, 3\)"):
        model.save(tmp_path / "x.npz")
    assert not (tmp_path / "x.npz").exists()


def test_the_docs_table_is_the_description():
    text = DOCS.read_text()
    table = markdown_table()
    assert table in text, (
        "docs/how-it-works.md's table of fitted attributes differs from FITTED_STATE; paste in the "
        "output of `python -c 'from mmphate_widget.engine.fitted_state import markdown_table; "
        f"print(markdown_table())'`:\n{table}"
    )
    for attr in FITTED_STATE:
        assert f"| `{attr.name}` |" in text


def test_the_estimator_docstring_names_every_fitted_attribute():
    doc = MMPHATE.__doc__
    attributes = doc[doc.index("Attributes\n    ----------") : doc.index("Examples\n    --------")]
    for attr in FITTED_STATE:
        assert re.search(rf"\b{attr.name}(?!\w)", attributes), attr.name
