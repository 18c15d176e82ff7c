"""The PHATE stage: fast t selection, the potential and the graph agree with phate's own."""

from __future__ import annotations

import graphtools
import numpy as np
import phate
import phate.vne
import pytest

from mmphate_widget.analysis.synthetic import simulate_rnn_training
from mmphate_widget.engine.embedding import (
    diffusion_potential,
    is_exactly_symmetric,
    phate_embedding,
    select_t,
    singular_values,
    von_neumann_entropy,
)
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


def test_phate_log_filters_act_on_their_own_threads_records_only(caplog):
    import logging
    import threading

    from mmphate_widget.engine import embedding

    phate_logger = logging.getLogger("graphtools")  # tasklogger's: it does not propagate
    seen: list[str] = []
    collect = logging.Handler()
    collect.emit = lambda record: seen.append(record.getMessage())
    phate_logger.addHandler(collect)
    level = phate_logger.level
    phate_logger.setLevel(logging.INFO)
    entered, release = threading.Event(), threading.Event()

    def quiet_fit_beside():
        with embedding._phate_log(False):
            entered.set()
            release.wait(10)

    beside = threading.Thread(target=quiet_fit_beside)
    beside.start()
    entered.wait(10)
    sgd = "SGD-MDS may not have converged: stress changed by -1.0% in final iterations. Consider more."
    try:
        with embedding._phate_log(True), caplog.at_level(logging.WARNING, logger=embedding.logger.name):
            phate_logger.info("Calculating PHATE...")  # a verbose fit's log, beside a quiet fit
            phate_logger.warning(sgd)
    finally:
        release.set()
        beside.join()
        phate_logger.removeHandler(collect)
        phate_logger.setLevel(level)
    assert seen == ["Calculating PHATE...", sgd]
    ours = [r.getMessage() for r in caplog.records if r.name == embedding.logger.name]
    assert len(ours) == 1 and "SGD-MDS may not have converged" in ours[0]  # passed on once
    assert phate_logger.filters == []


@pytest.mark.parametrize("t", [1, 2, 3, 11])
@pytest.mark.parametrize("gamma", [0, 1, -1, 0.3])
def test_diffusion_potential_is_phates_and_leaves_the_operator_alone(t, gamma):
    X, _ = simulate_rnn_training(5, 8, 6, 10, random_state=2)
    K = multislice_kernel(X, interstep_knn=5)
    op = phate.PHATE(t=t, gamma=gamma, n_landmark=None, random_state=0, verbose=False)
    op.fit(graphtools.Graph(K, precomputed="affinity", random_state=0, verbose=False))
    operator = op.diff_op.copy()
    ours = diffusion_potential(op.diff_op, t, gamma)
    np.testing.assert_array_equal(ours, op._calculate_potential())
    np.testing.assert_array_equal(op.diff_op, operator)
    assert not np.shares_memory(ours, op.diff_op)


def test_exact_symmetry_is_told_from_near_symmetry():
    X, _ = simulate_rnn_training(4, 6, 5, 10, random_state=0)
    K = multislice_kernel(X, interstep_knn=5)
    assert is_exactly_symmetric(K)
    assert is_exactly_symmetric(K.toarray())
    unsorted = K.copy()  # the same matrix, each row's entries stored in reverse order
    for row in range(K.shape[0]):
        stored = slice(K.indptr[row], K.indptr[row + 1])
        unsorted.indices[stored] = K.indices[stored][::-1]
        unsorted.data[stored] = K.data[stored][::-1]
    unsorted.has_sorted_indices = False
    assert is_exactly_symmetric(unsorted)
    nudged = K.copy()
    row = 3
    entry = (
        nudged.indptr[row]
        + np.flatnonzero(nudged.indices[nudged.indptr[row] : nudged.indptr[row + 1]] != row)[0]
    )
    nudged.data[entry] *= 1 + 1e-15  # one entry a few rounding steps off its mirror
    assert not is_exactly_symmetric(nudged)
    assert not is_exactly_symmetric(nudged.toarray())
    one_sided = K.tolil()
    one_sided[0, K.shape[0] - 1] = 0.5  # an entry without its mirror
    assert not is_exactly_symmetric(one_sided.tocsr())


def test_a_kernel_not_exactly_symmetric_is_symmetrised_as_graphtools_does():
    X, _ = simulate_rnn_training(6, 10, 8, 12, random_state=0)
    K = multislice_kernel(X, interstep_knn=5).tolil()
    K[0, 7] = K[0, 7] + 0.25  # now K[0, 7] != K[7, 0]
    K = K.tocsr()
    for n_landmark in (None, 150):
        ours = phate_embedding(K, t=6, n_landmark=n_landmark, mds_solver="smacof", random_state=0)
        symmetrised = phate_embedding(
            (K + K.T) / 2, t=6, n_landmark=n_landmark, mds_solver="smacof", random_state=0
        )
        np.testing.assert_array_equal(ours.embedding, symmetrised.embedding)
