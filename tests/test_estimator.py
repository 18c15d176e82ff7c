"""MMPHATE end to end: fitted attributes, determinism, planted groups, failing fast."""

from __future__ import annotations

import re

import numpy as np
import pytest

import mmphate_widget.engine.estimator as estimator_module
from mmphate_widget import MMPHATE, load, simulate_rnn_training


def test_fitted_attributes(fitted, small_states):
    X, _y = small_states
    E, T, U, _S = X.shape
    N = E * T * U
    assert fitted.embedding_.shape == (N, 3)
    assert fitted.kernel_.shape == (N, N)
    assert fitted.intrastep_entropy_.shape == (E, T)
    assert fitted.interstep_entropy_.shape == (U, E)
    assert fitted.unit_clusters_.shape == (U,)
    assert set(fitted.unit_clusters_) == {0, 1}
    nodes = np.arange(N)
    np.testing.assert_array_equal((fitted.epoch_ * T + fitted.step_) * U + fitted.unit_, nodes)
    np.testing.assert_array_equal(fitted.epochs_, np.arange(12) * 5)
    assert fitted.node_top_label_.shape == (N,)
    assert fitted.class_names_ == ["0", "1"]
    assert 1 <= fitted.t_ < 100
    assert np.all(np.isfinite(fitted.embedding_))
    assert (fitted.n_epochs_, fitted.n_steps_, fitted.n_units_, fitted.n_samples_) == X.shape


def test_planted_groups_become_the_two_clusters(fitted):
    # simulate_rnn_training puts the first 60% of units (10 of 16) in the active group
    np.testing.assert_array_equal(fitted.unit_clusters_, [0] * 10 + [1] * 6)
    active = fitted.interstep_entropy_[:10, -1].mean()
    quiet = fitted.interstep_entropy_[10:, -1].mean()
    assert active > quiet
    # ... and they are stable: (nearly) every replicate reproduces them. On this small tensor
    # (10 steps) one unit may be uncertain: which one moves with the MDS solver and the seed.
    assert fitted.n_clusters_ == 2
    assert fitted.cluster_stability_ >= 0.9
    assert np.sum(fitted.unit_cluster_confidence_ < 0.95) <= 1
    assert fitted.unit_cluster_confidence_.min() >= 0.7


def test_auto_n_clusters_finds_the_planted_groups(small_states, caplog):
    import logging

    X, _ = small_states
    with caplog.at_level(logging.INFO, logger="mmphate_widget"):
        model = MMPHATE(interstep_knn=10, n_clusters="auto", verbose=False).fit(X)
    assert model.n_clusters_ == 2
    np.testing.assert_array_equal(model.unit_clusters_, [0] * 10 + [1] * 6)
    assert "the gap statistic chose 2 unit cluster(s)" in caplog.text
    assert re.search(r"2 unit clusters, stability (0\.9\d|1\.00) \(stable\)", caplog.text)


def test_unstable_clusters_are_a_warning(monkeypatch, caplog):
    from mmphate_widget.engine.cluster_stability import ClusterStability

    X, _ = simulate_rnn_training(5, 5, 6, 10, random_state=2)
    monkeypatch.setattr(
        estimator_module, "cluster_stability", lambda *a, **k: ClusterStability(0.3, np.full(6, 0.5))
    )
    model = MMPHATE(interstep_knn=5, t=5, verbose=False).fit(X)
    assert model.cluster_stability_ == 0.3
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert any("The 2 unit clusters are unstable (stability 0.30)" in w for w in warnings)


def test_fixed_random_state_gives_identical_results(small_states, fitted):
    X, y = small_states
    again = MMPHATE(interstep_knn=10, verbose=False).fit(
        X, labels=y, epochs=np.arange(12) * 5, metrics={"loss": np.linspace(1, 0.1, 12)}
    )
    np.testing.assert_array_equal(again.embedding_, fitted.embedding_)
    np.testing.assert_array_equal(again.interstep_entropy_, fitted.interstep_entropy_)
    np.testing.assert_array_equal(again.unit_clusters_, fitted.unit_clusters_)
    assert again.cluster_stability_ == fitted.cluster_stability_
    np.testing.assert_array_equal(again.unit_cluster_confidence_, fitted.unit_cluster_confidence_)


def test_two_components_and_fixed_t():
    X, _ = simulate_rnn_training(6, 5, 8, 12, random_state=1)
    model = MMPHATE(n_components=2, t=7, interstep_knn=5, verbose=False)
    Y = model.fit_transform(X)
    assert Y.shape == (6 * 5 * 8, 2)
    assert model.t_ == 7
    assert model.node_top_label_ is None


def test_most_active_label():
    X = np.zeros((1, 1, 2, 4))
    X[0, 0, 0] = [5, 5, 0, 0]  # unit 0 fires for class 0
    X[0, 0, 1] = [0, 1, 3, 4]  # unit 1 fires for class 1
    labels = np.array([0, 0, 1, 1])
    np.testing.assert_array_equal(estimator_module.most_active_label(X, labels, 2), [0, 1])


@pytest.mark.parametrize(
    "params, message",
    [
        ({"n_clusters": 20}, r"n_clusters=20 must be between 1 and the number of units \(8\), or 'auto'"),
        ({"n_clusters": 0}, r"n_clusters=0 must be between 1 and the number of units \(8\), or 'auto'"),
        ({"n_clusters": "foo"}, r"n_clusters='foo' must be .*, or 'auto' to choose it from the data"),
        ({"intrastep_knn": 8}, "intrastep_knn"),
        ({"t": 0}, "t=0"),
        ({"t": "fast"}, "t='fast'"),
        ({"gamma": 3}, "gamma"),
        ({"mds_solver": "classic"}, "mds_solver='classic' must be 'auto', 'smacof' or 'sgd'"),
        ({"mds_solver": ["sgd"]}, r"mds_solver=\['sgd'\] must be"),
        ({"thresh": 1.5}, "thresh"),
        ({"interstep_neighbors": 0}, "interstep_neighbors"),
        ({"interstep_neighbors": "many"}, "interstep_neighbors='many' must be 'auto'"),
        ({"interstep_symmetrize": "min"}, r"interstep_symmetrize='min' must be one of \['max', 'mean'\]"),
        ({"interstep_symmetrize": None}, r"interstep_symmetrize=None must be one of"),
        ({"n_landmark": "lots"}, "n_landmark='lots' must be 'auto'"),
        ({"svd_iter": -1}, r"svd_iter=-1 must be 'auto' or an integer >= 0"),
        ({"svd_iter": "many"}, r"svd_iter='many' must be 'auto' or an integer >= 0"),
        ({"svd_iter": True}, r"svd_iter=True must be 'auto' or an integer >= 0"),
        ({"landmark_method": "random"}, r"landmark_method='random' must be 'fast' or 'graphtools'"),
        ({"landmark_method": "graphtools", "svd_iter": 2}, r"svd_iter=2 needs landmark_method='fast'"),
        ({"node_order": "random"}, "node_order='random' must be 'unit' or 'spec'"),
        ({"interstep_thresh": 2}, r"interstep_thresh=2 must be None or in \[0, 1\)"),
        ({"interstep_knn": 40}, "interstep_knn=40"),
        ({"interstep_knn": "many"}, "interstep_knn='many'"),
    ],
)
def test_bad_parameters_fail_before_any_heavy_work(params, message, monkeypatch):
    def boom(*args, **kwargs):
        raise AssertionError("the kernel must not be built for bad parameters")

    monkeypatch.setattr(estimator_module, "multislice_kernel", boom)
    X, _ = simulate_rnn_training(6, 5, 8, 12, random_state=1)
    model = MMPHATE(interstep_knn=5, verbose=False).set_params(**params)
    with pytest.raises(ValueError, match=message):
        model.fit(X)
    assert not hasattr(model, "embedding_")


def test_bad_input_fails_before_any_heavy_work(monkeypatch):
    monkeypatch.setattr(estimator_module, "multislice_kernel", lambda *a, **k: 1 / 0)
    X, _ = simulate_rnn_training(6, 5, 8, 12, random_state=1)
    X[2, 1, 0, 3] = np.nan
    with pytest.raises(ValueError, match="NaN at"):
        MMPHATE(interstep_knn=5, verbose=False).fit(X)


@pytest.mark.parametrize("stage", ["phate_embedding", "cluster_stability"])
def test_failed_fit_leaves_nothing_half_computed(monkeypatch, stage):
    X, _ = simulate_rnn_training(6, 5, 8, 12, random_state=1)

    def broken_stage(*args, **kwargs):
        raise RuntimeError(f"{stage} failed")

    monkeypatch.setattr(estimator_module, stage, broken_stage)
    model = MMPHATE(interstep_knn=5, verbose=False)
    with pytest.raises(RuntimeError):
        model.fit(X)
    assert not any(name.endswith("_") and not name.startswith("_") for name in vars(model))


def test_progress_bar_when_verbose(capsys):
    X, _ = simulate_rnn_training(5, 5, 6, 10, random_state=2)
    MMPHATE(interstep_knn=5, t=5, verbose=True).fit(X)
    assert "MM-PHATE" in capsys.readouterr().err
    MMPHATE(interstep_knn=5, t=5, verbose=False).fit(X)
    assert capsys.readouterr().err == ""


def test_sklearn_parameter_api():
    model = MMPHATE(n_clusters=3)
    assert model.get_params()["n_clusters"] == 3
    assert model.set_params(n_clusters=4) is model
    assert "n_clusters=4" in repr(model)


def test_numpy_scalar_parameters_fit_like_python_numbers():
    X, _ = simulate_rnn_training(5, 5, 6, 10, random_state=2)
    plain = {
        "n_components": 3,
        "n_landmark": 50,
        "t": 5,
        "interstep_knn": 5,
        "n_clusters": 2,
        "random_state": 0,
        "decay": 5.0,
        "gamma": 0.0,
        "verbose": False,
    }
    as_numpy = {
        name: np.bool_(v) if isinstance(v, bool) else np.float32(v) if isinstance(v, float) else np.int64(v)
        for name, v in plain.items()
    }
    model = MMPHATE(**as_numpy).fit(X)
    assert model.get_params()["random_state"] is as_numpy["random_state"]  # stored unchanged
    reference = MMPHATE(**plain).fit(X)
    np.testing.assert_array_equal(model.embedding_, reference.embedding_)
    np.testing.assert_array_equal(model.unit_clusters_, reference.unit_clusters_)


def test_dense_kernel_hint(caplog):
    import logging

    from scipy import sparse

    dense = sparse.csr_matrix(np.ones((30_000, 300)))  # 300 entries per node
    with caplog.at_level(logging.WARNING, logger="mmphate_widget.engine.estimator"):
        estimator_module._hint_dense_kernel(dense, None)
    assert "interstep_neighbors='auto'" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="mmphate_widget.engine.estimator"):
        estimator_module._hint_dense_kernel(dense, 50)
        estimator_module._hint_dense_kernel(sparse.csr_matrix(np.ones((100, 300))), None)
    assert caplog.text == ""


def test_landmark_path_hands_phate_unit_major_nodes_and_restores_the_order(monkeypatch):
    X, _ = simulate_rnn_training(3, 10, 6, 12, random_state=2)
    E, T, U, _ = X.shape
    seen = {}
    real_phate = estimator_module.phate_embedding

    def recording_phate(kernel, **kwargs):
        seen["kernel"] = kernel.copy()
        result = real_phate(kernel, **kwargs)
        # tag each row with its node's degree in the kernel phate was given
        degree = np.asarray(kernel.sum(axis=1)).ravel()
        return type(result)(embedding=np.column_stack([degree, result.embedding[:, 1:]]), t=result.t)

    monkeypatch.setattr(estimator_module, "phate_embedding", recording_phate)
    model = MMPHATE(n_landmark=50, interstep_knn=5, verbose=False).fit(X)
    neighbors = estimator_module.resolve_interstep_neighbors(model.interstep_neighbors, 5)
    spec_kernel = estimator_module.multislice_kernel(X, interstep_knn=5, interstep_neighbors=neighbors)
    # phate saw the nodes unit by unit ...
    order = estimator_module.unit_major_order(E * T, U)
    assert abs(seen["kernel"] - spec_kernel[order][:, order]).max() == 0
    # ... and everything returned is back in the spec's epoch-major order
    assert abs(model.kernel_ - spec_kernel).max() == 0
    np.testing.assert_allclose(model.embedding_[:, 0], np.asarray(spec_kernel.sum(axis=1)).ravel())


def test_interstep_symmetrize_reaches_the_kernel_and_survives_save(tmp_path):
    X, _ = simulate_rnn_training(4, 6, 5, 8, random_state=3)
    params = {"interstep_knn": 5, "interstep_neighbors": 4, "verbose": False}
    mean = MMPHATE(interstep_symmetrize="mean", **params).fit(X)
    union = MMPHATE(**params).fit(X)
    assert union.interstep_symmetrize == "max"
    expected = estimator_module.multislice_kernel(
        X, interstep_knn=5, interstep_neighbors=4, interstep_symmetrize="mean"
    )
    assert abs(mean.kernel_ - expected).max() == 0
    assert abs(mean.kernel_ - union.kernel_).max() > 0
    assert not np.array_equal(mean.embedding_, union.embedding_)
    mean.save(tmp_path / "mean.npz")
    loaded = load(tmp_path / "mean.npz")
    assert loaded.get_params()["interstep_symmetrize"] == "mean"
    np.testing.assert_array_equal(loaded.embedding_, mean.embedding_)


def test_two_time_steps_give_one_unit_cluster_and_say_why(caplog):
    import logging
    import warnings

    # one distance per unit and epoch: every inter-step entropy is 0, all trajectories alike
    X, _ = simulate_rnn_training(15, 2, 8, 10, random_state=0)
    with warnings.catch_warnings(), caplog.at_level(logging.WARNING):
        warnings.simplefilter("error")  # not scikit-learn's ConvergenceWarning for empty clusters
        model = MMPHATE(interstep_knn=10, verbose=False).fit(X)
    assert np.all(model.interstep_entropy_ == 0)
    assert model.n_clusters_ == 1 and np.all(model.unit_clusters_ == 0)
    assert "so they form 1 cluster, not 2" in caplog.text


def test_a_quiet_fit_leaves_the_stdout_of_other_threads_alone(capsys):
    import sys
    import threading
    import time

    # a live refit runs beside the training loop, whose prints must all arrive
    X, _ = simulate_rnn_training(8, 20, 12, 10, random_state=0)
    done = threading.Event()
    fit = threading.Thread(target=lambda: (MMPHATE(n_landmark=500, verbose=False).fit(X), done.set()))
    stdout = sys.stdout
    fit.start()
    printed, swapped = 0, 0
    while not done.is_set():
        swapped += sys.stdout is not stdout
        print("training line")
        printed += 1
        time.sleep(0.002)
    fit.join()
    assert printed > 10 and swapped == 0
    assert capsys.readouterr().out.count("training line") == printed


def test_quiet_fit_prints_nothing_even_from_phate():
    import io
    import logging

    import tasklogger

    # phate logs through tasklogger's "graphtools" logger, whose handler holds the stdout it first
    # saw (pytest's capture can't see it); point that handler at a buffer instead
    tasklogger.get_tasklogger("graphtools").set_level(1)
    handler = logging.getLogger("graphtools").handlers[0]
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    try:
        # 31 x 20 x 20 with 1000 landmarks: phate's SGD-MDS convergence heuristic fires here
        X, _ = simulate_rnn_training(31, 20, 20, 12, random_state=0)
        MMPHATE(n_landmark=1000, verbose=False).fit(X)
        assert buffer.getvalue() == ""
        MMPHATE(n_landmark=1000, verbose=2).fit(X)  # phate's own log when asked for
        assert "Running PHATE on precomputed affinity matrix" in buffer.getvalue()
    finally:
        handler.setStream(previous)


@pytest.mark.parametrize(
    ("n_nodes", "expected"),
    [
        (1_500, None),  # exact PHATE
        (2_000, None),
        (2_400, 600),  # at least 4 nodes per landmark
        (6_144, 1536),
        (8_000, 2000),
        (48_000, 2000),
        (150_000, 3000),
        (1_000_000, 4000),
    ],
)
def test_auto_landmarks_grow_with_the_nodes_within_bounds(n_nodes, expected):
    chosen = estimator_module.resolve_n_landmark("auto", n_nodes)
    assert (chosen if chosen < n_nodes else None) == expected  # the fit's own test of "exact"
    assert estimator_module.resolve_n_landmark(700, n_nodes) == 700
    assert estimator_module.resolve_n_landmark(None, n_nodes) is None


@pytest.mark.parametrize(
    ("n_points", "expected"),
    [(500, "smacof"), (2000, "smacof"), (3000, "smacof"), (3001, "sgd"), (4000, "sgd")],
)
def test_auto_mds_solver_is_smacof_up_to_3000_points(n_points, expected, caplog):
    import logging

    with caplog.at_level(logging.INFO):
        assert estimator_module.resolve_mds_solver("auto", n_points) == expected
    assert f"mds_solver='auto': {expected} for {n_points} points" in caplog.text
    assert estimator_module.resolve_mds_solver("sgd", 500) == "sgd"
    assert estimator_module.resolve_mds_solver("smacof", 10_000) == "smacof"


def test_auto_interstep_neighbors_is_twice_the_bandwidth_neighbourhood():
    assert estimator_module.resolve_interstep_neighbors("auto", 25) == 50
    assert estimator_module.resolve_interstep_neighbors("auto", 7) == 14
    assert estimator_module.resolve_interstep_neighbors(None, 25) is None
    assert estimator_module.resolve_interstep_neighbors(np.int64(30), 25) == 30


def test_defaults_use_the_logged_sparse_kernel_and_auto_landmarks(caplog, monkeypatch):
    import logging

    X, _ = simulate_rnn_training(10, 30, 12, 10, random_state=2)  # 3,600 nodes, 300 slices
    seen = {}
    real_phate = estimator_module.phate_embedding

    def recording_phate(kernel, **kwargs):
        seen.update(kwargs)
        return real_phate(kernel, **{**kwargs, "n_landmark": 200, "t": 5})

    monkeypatch.setattr(estimator_module, "phate_embedding", recording_phate)
    with caplog.at_level(logging.INFO):
        model = MMPHATE(verbose=False).fit(X)
    assert (
        "nearest slices of the same unit only (interstep_neighbors=50, interstep_symmetrize='max')"
        in caplog.text
    )
    assert seen["n_landmark"] == 900  # a small tensor: one landmark per 4 nodes
    assert "n_landmark='auto': 900 landmarks for 3600 nodes" in caplog.text
    assert seen["mds_solver"] == "smacof"
    assert "mds_solver='auto': smacof for 900 points" in caplog.text
    exact = estimator_module.multislice_kernel(X, interstep_knn=25)
    assert model.kernel_.nnz < exact.nnz


@pytest.mark.reference
def test_reference_switch_makes_the_reference_choices():
    model = MMPHATE.reference(n_components=2)
    params = model.get_params()
    assert params["n_components"] == 2
    for key, value in MMPHATE.REFERENCE_SETTINGS.items():
        assert params[key] == value
    assert (
        params["interstep_thresh"],
        params["interstep_neighbors"],
        params["mds_solver"],
        params["node_order"],
    ) == (0.0, None, "smacof", "spec")
    # its kernel is the reference's dense one, entry for entry
    import warnings

    from m_phate.kernel import multislice_kernel as m_kernel
    from m_phate.utils import normalize

    X, _ = simulate_rnn_training(3, 10, 6, 12, random_state=4)
    X = X.astype(np.float64)  # the reference normalises in the input's precision
    fitted = MMPHATE.reference(interstep_knn=5, n_landmark=None, t=5, verbose=False).fit(X)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = m_kernel(normalize(X.reshape(30, 6, 12)), interslice_knn=5, n_jobs=1).tocsr()
    ref.data[ref.data < 1e-4] = 0  # graphtools drops these, for the reference and for us
    ref.eliminate_zeros()
    assert abs(fitted.kernel_ - ref).max() <= 1e-10
    assert fitted.kernel_.nnz == ref.nnz
