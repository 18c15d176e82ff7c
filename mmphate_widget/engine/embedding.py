"""The PHATE stage: embed a precomputed affinity kernel with the ``phate`` package.

The graph is built exactly as m-phate builds it (``graphtools.Graph(K, precomputed="affinity")``
with landmarks when there are more nodes than ``n_landmark``). Three parts are computed faster. By
default the landmarks are placed by :mod:`mmphate_widget.engine.landmarks` (graphtools' algorithm
in fewer passes over the kernel). SMACOF runs in :mod:`mmphate_widget.engine.mds` (scikit-learn's
iterations without its N x N temporaries). And for ``t="auto"`` the von Neumann entropy needs only
the singular values of the diffusion operator P, not phate's full SVD with singular vectors. They
are taken as the square roots of the eigenvalues of the symmetric P P^T (one matrix product and a
symmetric eigensolver, about 3x faster than ``svdvals`` on a 4000 x 4000 operator and 5x faster
than phate's SVD); they agree with ``svdvals`` to about 1e-11, the entropy curve to about 1e-12,
and the chosen ``t`` is the same knee point.

phate and graphtools log through tasklogger's ``graphtools`` logger, which prints to the stdout it
first saw. A quiet fit drops everything below ERROR there, except phate's SGD-MDS convergence
warning, which is always passed on to this module's logger (``mmphate_widget.engine.embedding``).
"""

from __future__ import annotations

import contextlib
import logging
import numbers
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import graphtools
import numpy as np
import phate
import phate.vne
import scipy.linalg
from scipy import sparse

from .landmarks import attach, spectral_landmarks
from .mds import smacof_embedding

__all__ = [
    "PhateResult",
    "diffusion_potential",
    "is_exactly_symmetric",
    "phate_embedding",
    "select_t",
    "singular_values",
    "von_neumann_entropy",
]

logger = logging.getLogger(__name__)

#: How phate's SGD-MDS solver starts its "stress still changing" warning (phate/sgd_mds.py).
_SGD_MDS_WARNING = "SGD-MDS may not have converged"


class _PhateLogFilter(logging.Filter):
    """Passes phate's SGD-MDS warning on to our logger; when quiet, drops phate's log below ERROR.

    The ``graphtools`` logger is shared by every thread, so a filter acts only on the records of
    the thread that installed it (the fit it belongs to): a quiet fit in a background thread does
    not silence a verbose fit beside it, and a warning is passed on once, not once per fit running.
    """

    def __init__(self, quiet: bool) -> None:
        super().__init__()
        self.quiet = quiet
        self.thread = threading.get_ident()

    def filter(self, record: logging.LogRecord) -> bool:
        if record.thread != self.thread:
            return True  # another fit's filter decides on its own records
        message = record.getMessage().strip()  # tasklogger indents by the tasks running
        if record.levelno == logging.WARNING and message.startswith(_SGD_MDS_WARNING):
            # phate's own advice (n_iter, learning_rate) names settings MMPHATE does not expose
            logger.warning(
                "phate: %s. The layout may be slightly off; MMPHATE(mds_solver='smacof') (m-phate's "
                "solver, slower) iterates metric MDS to convergence instead.",
                message.split(" Consider ")[0].rstrip("."),
            )
        return not self.quiet or record.levelno >= logging.ERROR


@contextlib.contextmanager
def _phate_log(verbose: bool) -> Iterator[None]:
    """Filter tasklogger's ``graphtools`` logger (phate's and graphtools') for one call only."""
    phate_logger = logging.getLogger("graphtools")
    log_filter = _PhateLogFilter(quiet=not verbose)
    phate_logger.addFilter(log_filter)
    try:
        yield
    finally:
        phate_logger.removeFilter(log_filter)


@dataclass(frozen=True)
class PhateResult:
    """Output of :func:`phate_embedding`."""

    embedding: np.ndarray
    t: int


def singular_values(matrix: np.ndarray) -> np.ndarray:
    """Singular values of a square matrix, descending, from the eigenvalues of ``M M^T``."""
    matrix = np.asarray(matrix, dtype=np.float64)
    gram = matrix @ matrix.T
    eigenvalues = scipy.linalg.eigvalsh(gram, driver="evd", overwrite_a=True, check_finite=False)
    return np.sqrt(np.clip(eigenvalues, 0.0, None))[::-1]


def von_neumann_entropy(diff_op: np.ndarray, t_max: int = 100) -> np.ndarray:
    """Von Neumann entropy of ``diff_op ** t`` for t = 0..t_max-1, as phate defines it.

    ``H(t) = -sum_i p_i log p_i`` with ``p_i = s_i**t / sum_j s_j**t`` over the singular values
    ``s_i`` of ``diff_op`` (phate's ``compute_von_neumann_entropy``).
    """
    singular = singular_values(diff_op)
    entropy = np.empty(t_max)
    powered = singular.copy()
    for t in range(t_max):
        prob = powered / powered.sum() + np.finfo(float).eps
        entropy[t] = -np.sum(prob * np.log(prob))
        powered = powered * singular
    return entropy


def select_t(diff_op: np.ndarray, t_max: int = 100) -> int:
    """The knee point of the von Neumann entropy curve (PHATE's ``t="auto"``)."""
    entropy = von_neumann_entropy(diff_op, t_max)
    return int(phate.vne.find_knee_point(y=entropy, x=np.arange(t_max)))


def diffusion_potential(diff_op: np.ndarray, t: int, gamma: float) -> np.ndarray:
    """phate's diffusion potential of ``diff_op`` at time ``t`` (``PHATE._calculate_potential``).

    ``P^t`` by numpy's ``matrix_power``, as phate takes it, and then phate's transform
    (``-log(P^t + 1e-7)`` for ``gamma = 1``, ``P^t`` for ``gamma = -1``, otherwise
    ``(P^t)^c / c`` with ``c = (1 - gamma) / 2``), applied in place: the same values, without
    phate's two further N x N arrays.
    """
    potential = np.linalg.matrix_power(diff_op, t)
    if np.shares_memory(potential, diff_op):  # t = 1 returns the operator itself
        potential = potential.copy()
    if gamma == 1:
        potential += 1e-7
        np.log(potential, out=potential)
        np.negative(potential, out=potential)
    elif gamma != -1:
        c = (1 - gamma) / 2
        potential **= c
        potential /= c
    return potential


def is_exactly_symmetric(kernel: sparse.spmatrix | np.ndarray) -> bool:
    """Whether ``kernel`` equals its transpose entry for entry (no tolerance)."""
    if not sparse.issparse(kernel):
        return bool(np.array_equal(kernel, np.asarray(kernel).T))
    matrix = sparse.csr_matrix(kernel)
    if not matrix.has_canonical_format:  # sorted indices, no duplicates
        matrix = matrix.copy()
        matrix.sum_duplicates()
    transposed = matrix.T.tocsr()
    transposed.sum_duplicates()
    return (
        np.array_equal(matrix.indptr, transposed.indptr)
        and np.array_equal(matrix.indices, transposed.indices)
        and np.array_equal(matrix.data, transposed.data)
    )


def phate_embedding(
    kernel: sparse.spmatrix,
    *,
    n_components: int = 3,
    t: int | str = "auto",
    gamma: float = 0,
    n_landmark: int | None = 4000,
    n_svd: int = 100,
    landmark_method: str = "fast",
    svd_iter: int | str = "auto",
    mds_solver: str = "sgd",
    random_state: int | None = 0,
    n_jobs: int = 1,
    verbose: bool = False,
) -> PhateResult:
    """Embed a symmetric affinity matrix with PHATE.

    Parameters
    ----------
    kernel : sparse matrix of shape (N, N)
        Symmetric affinities, e.g. from :func:`mmphate_widget.engine.kernel.multislice_kernel`.
    n_components : int, default 3
    t : int or "auto", default "auto"
        Diffusion time; ``"auto"`` takes the knee of the von Neumann entropy (t < 100).
    gamma : float, default 0
        Informational distance constant: 0 gives the square-root potential, 1 the log potential.
    n_landmark : int or None, default 4000
        Landmarks for fast PHATE, used only when N > n_landmark.
    n_svd : int, default 100
        Singular vectors used to place landmarks.
    landmark_method : {"fast", "graphtools"}, default "fast"
        "fast": landmarks from :func:`mmphate_widget.engine.landmarks.spectral_landmarks`
        (graphtools' algorithm in fewer passes); "graphtools": graphtools' own, as the reference.
    svd_iter : int or "auto", default "auto"
        Power iterations of the randomized SVD that places the landmarks ("fast" only; "auto" is
        scikit-learn's rule, which graphtools uses).
    mds_solver : {"sgd", "smacof"}, default "sgd"
        Metric MDS solver: phate's stochastic gradient descent, or SMACOF (what m-phate uses,
        iterated to convergence; run by :func:`mmphate_widget.engine.mds.smacof_embedding`,
        the same iterations as phate's scikit-learn call, leaner).
    random_state : int or None, default 0
        numpy integers are accepted (phate's SGD-MDS seeds only from a Python ``int``).
    n_jobs : int, default 1
    verbose : bool, default False
        Let phate and graphtools print their own progress and warnings; otherwise only errors.
        Either way phate's SGD-MDS convergence warning is logged as a WARNING of
        ``mmphate_widget.engine.embedding``.

    Returns
    -------
    PhateResult
    """
    n_nodes = kernel.shape[0]
    landmarks = n_landmark if n_landmark is not None and n_landmark < n_nodes else None
    if isinstance(random_state, numbers.Integral):
        random_state = int(random_state)
    # phate and graphtools log through tasklogger, whose handler keeps the stdout it first saw.
    # Their level stays at WARNING (False) even when quiet, so that the SGD-MDS convergence warning
    # is emitted at all; _phate_log drops the rest. (sys.stdout is left alone: redirecting it would
    # swallow the prints of every other thread, such as a training loop beside a live refit.)
    log_level = bool(verbose)
    with _phate_log(log_level):
        graph = graphtools.Graph(
            kernel,
            precomputed="affinity",
            n_landmark=landmarks,
            n_svd=n_svd,
            n_jobs=n_jobs,
            random_state=random_state,
            verbose=log_level,
            # graphtools' (K + K^T) / 2 of an exactly symmetric K is K again, as a second copy
            kernel_symm=None if is_exactly_symmetric(kernel) else "+",
        )
        if landmarks is not None and landmark_method == "fast":
            attach(
                graph,
                spectral_landmarks(
                    graph.kernel,
                    landmarks,
                    n_svd=n_svd,
                    svd_iter=svd_iter,
                    random_state=random_state,
                ),
            )
        operator = phate.PHATE(
            n_components=n_components,
            t=t if t != "auto" else 1,
            gamma=gamma,
            n_landmark=landmarks,
            mds_solver=mds_solver,
            n_jobs=n_jobs,
            random_state=random_state,
            verbose=log_level,
        )
        operator.fit(graph)
        if t == "auto":
            t = select_t(operator.diff_op)
            operator.set_params(t=t)
        if mds_solver == "smacof":
            # phate's MDS step with a leaner SMACOF (engine/mds.py) on phate's potential, computed
            # here in place and released once its distances are taken; then phate's last step,
            # the interpolation of the landmark embedding to every node.
            embedding = smacof_embedding(
                diffusion_potential(operator.diff_op, int(t), gamma), n_components, random_state
            )
            if isinstance(graph, graphtools.graphs.LandmarkGraph):
                embedding = graph.interpolate(embedding)
        else:
            embedding = operator.transform()
    return PhateResult(embedding=np.asarray(embedding, dtype=np.float64), t=int(t))
