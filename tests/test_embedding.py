"""The PHATE stage: fast t selection agrees with phate's own."""

from __future__ import annotations

import numpy as np
import phate
import phate.vne

from mmphate_widget.analysis.synthetic import simulate_rnn_training
from mmphate_widget.engine.embedding import phate_embedding, select_t, singular_values, von_neumann_entropy
from mmphate_widget.engine.kernel import multislice_kernel


def test_von_neumann_entropy_matches_phate():
    rng = np.random.default_rng(0)
    P = rng.random((60, 60))
    P /= P.sum(1, keepdims=True)
    np.testing.assert_allclose(
        von_neumann_entropy(P, 30), phate.vne.compute_von_neumann_entropy(P, t_max=30), rtol=1e-10
    )


def test_singular_values_of_a_landmark_operator_match_svdvals():
    import graphtools
    import scipy.linalg

    X, _ = simulate_rnn_training(8, 20, 10, 12, random_state=1)
    K = multislice_kernel(X, interstep_knn=5)
    graph = graphtools.Graph(K, precomputed="affinity", n_landmark=300, random_state=0, verbose=False)
    P = graph.landmark_op
    reference = scipy.linalg.svdvals(P)
    ours = singular_values(P)
    assert np.all(np.diff(ours) <= 0)
    np.testing.assert_allclose(ours, reference, rtol=0, atol=1e-9)
    np.testing.assert_allclose(
        von_neumann_entropy(P), phate.vne.compute_von_neumann_entropy(P), rtol=0, atol=1e-9
    )
    with np.errstate(all="ignore"):
        phate_t = phate.vne.find_knee_point(phate.vne.compute_von_neumann_entropy(P), np.arange(100))
    assert select_t(P) == phate_t


def test_auto_t_equals_phate_auto_t():
    X, _ = simulate_rnn_training(6, 6, 8, 12, random_state=0)
    K = multislice_kernel(X, interstep_knn=5)
    ours = phate_embedding(K, t="auto", random_state=0)
    import graphtools

    op = phate.PHATE(t="auto", random_state=0, verbose=False, n_landmark=None)
    op.fit(graphtools.Graph(K, precomputed="affinity", random_state=0, verbose=False))
    op.transform()
    assert ours.t == op.optimal_t
    assert select_t(op.diff_op) == op.optimal_t


def test_embedding_is_deterministic_and_has_the_right_shape():
    X, _ = simulate_rnn_training(6, 6, 8, 12, random_state=0)
    K = multislice_kernel(X, interstep_knn=5)
    a = phate_embedding(K, n_components=2, t=5, random_state=3)
    b = phate_embedding(K, n_components=2, t=5, random_state=3)
    assert a.embedding.shape == (K.shape[0], 2)
    np.testing.assert_array_equal(a.embedding, b.embedding)


def test_numpy_integer_seed_gives_the_python_int_result():
    X, _ = simulate_rnn_training(3, 4, 5, 8, random_state=0)
    K = multislice_kernel(X, interstep_knn=3)
    np.testing.assert_array_equal(
        phate_embedding(K, t=5, random_state=np.int64(3)).embedding,
        phate_embedding(K, t=5, random_state=3).embedding,
    )


def test_sgd_mds_convergence_warning_is_logged_even_when_quiet(caplog, capsys):
    import io
    import logging

    import tasklogger

    # phate's tasklogger handler holds the stdout it first saw; point it at a buffer to see its prints
    tasklogger.get_tasklogger("graphtools").set_level(1)
    phate_logger = logging.getLogger("graphtools")
    buffer = io.StringIO()
    previous = phate_logger.handlers[0].setStream(buffer)
    X, _ = simulate_rnn_training(3, 4, 5, 8, random_state=0)
    K = multislice_kernel(X, interstep_knn=3)
    try:
        with caplog.at_level(logging.WARNING, logger="mmphate_widget.engine.embedding"):
            # 60 nodes: phate's SGD-MDS heuristic ("stress still changing") fires on this input
            phate_embedding(K, t=5, random_state=0, verbose=False)
            ours = [r for r in caplog.records if r.name == "mmphate_widget.engine.embedding"]
            assert [r.levelno for r in ours] == [logging.WARNING]
            assert "SGD-MDS may not have converged" in ours[0].getMessage()
            assert "mds_solver='smacof'" in ours[0].getMessage()
            caplog.clear()
            phate_embedding(K, t=5, random_state=0, mds_solver="smacof", verbose=False)
            assert not [r for r in caplog.records if r.name == "mmphate_widget.engine.embedding"]
    finally:
        phate_logger.handlers[0].setStream(previous)
    # the rest of phate's log stays quiet, and its logger is left as it was found
    assert buffer.getvalue() == ""
    assert capsys.readouterr() == ("", "")
    assert phate_logger.filters == []
