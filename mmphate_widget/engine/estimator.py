"""``MMPHATE``: the scikit-learn style estimator that runs the whole MM-PHATE pipeline.

hidden states -> multislice kernel -> PHATE embedding -> intra/inter-step entropies -> unit
clusters. Parameters are stored unchanged in ``__init__`` and validated in ``fit``; learned state
ends in ``_``, is the one that :mod:`.fitted_state` describes, and is assigned only once every stage
has succeeded and it has been checked against that description, so a failed fit leaves nothing
half-computed behind. ``save`` and ``load`` go through :mod:`.result_file`; ``from_fitted`` builds a
fitted model from attributes computed elsewhere.
"""

from __future__ import annotations

import logging
import numbers
import os
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator
from tqdm.auto import tqdm

from .cluster import cluster_units, validate_n_clusters
from .cluster_stability import ClusterStability, cluster_stability, stability_level
from .embedding import phate_embedding
from .entropy import interstep_entropy_bootstrap, intrastep_entropy
from .fitted_state import FITTED_STATE, check_state, dimensions, missing_attributes, to_arrays
from .inputs import validate_hidden_states
from .kernel import check_interstep_symmetrize, multislice_kernel, permute_nodes, unit_major_order
from .result_file import read_result, write_result

__all__ = ["MMPHATE", "most_active_label"]

logger = logging.getLogger(__name__)


def most_active_label(data: np.ndarray, labels: np.ndarray, n_classes: int) -> np.ndarray:
    """Per node, the class whose samples give the highest mean activation.

    Parameters
    ----------
    data : ndarray of shape (n_epochs, n_steps, n_units, n_samples)
    labels : ndarray of int of shape (n_samples,), codes 0..n_classes-1
    n_classes : int

    Returns
    -------
    ndarray of int64 of shape (n_epochs * n_steps * n_units,), in node order
    """
    onehot = np.zeros((labels.shape[0], n_classes))
    onehot[np.arange(labels.shape[0]), labels] = 1.0
    counts = np.maximum(onehot.sum(0), 1.0)
    means = data.reshape(-1, data.shape[-1]) @ (onehot / counts)
    means[:, onehot.sum(0) == 0] = -np.inf
    return means.argmax(axis=1).astype(np.int64)


def _hint_dense_kernel(kernel: sparse.csr_matrix, interstep_neighbors: int | None) -> None:
    """Log a hint when an exact kernel is so dense that the PHATE stage will be slow."""
    n_nodes = kernel.shape[0]
    per_node = kernel.nnz / max(1, n_nodes)
    if interstep_neighbors is None and n_nodes > 20_000 and per_node > 256:
        logger.warning(
            "The multislice kernel has %.0f entries per node (%.1fM in all): many slices of the same "
            "unit are near-duplicates. The PHATE stage will be slow and memory-hungry; the default "
            "interstep_neighbors='auto' (50 nearest slices) is far lighter.",
            per_node,
            kernel.nnz / 1e6,
        )


def _log_stability(n_clusters: int, stability: ClusterStability) -> None:
    """Report the clusters' stability; a warning when they are unstable."""
    if n_clusters == 1:
        return
    level = stability_level(stability.stability)
    if level == "unstable":
        logger.warning(
            "The %d unit clusters are unstable (stability %.2f): units change cluster when the "
            "units and time steps are resampled, so they may not be real communities. "
            "unit_cluster_confidence_ shows which units are unsure; n_clusters='auto' tests "
            "whether the units have cluster structure at all.",
            n_clusters,
            stability.stability,
        )
    else:
        logger.info("%d unit clusters, stability %.2f (%s).", n_clusters, stability.stability, level)


#: ``n_landmark="auto"``: nodes per landmark, and the range the count is kept in.
AUTO_NODES_PER_LANDMARK = 50
AUTO_LANDMARK_RANGE = (2000, 4000)
#: ``n_landmark="auto"`` on small tensors: at least this many nodes per landmark.
AUTO_MIN_NODES_PER_LANDMARK = 4


def resolve_n_landmark(n_landmark: int | str | None, n_nodes: int) -> int | None:
    """The number of landmarks a fit uses; ``"auto"`` is resolved (and logged) here.

    ``"auto"`` keeps one landmark per 50 nodes, within [2000, 4000]: 2000 (phate's own default)
    up to 100,000 nodes, where it is as faithful as the reference on the real-network suite at a
    fraction of the cost, rising to m-phate's 4000 at 200,000 nodes and beyond, where 2000 start
    to cost inter-step neighborhood preservation. Small tensors keep at least 4 nodes per
    landmark (from 2000 to 8000 nodes, ``n_nodes // 4``): nearly one landmark per node costs the
    time of exact PHATE without its exactness, and on the benchmark's small tensors a quarter
    of the nodes gave the same preservation 1.3 to 3.7x faster. Up to 2000 nodes there are no
    landmarks, as in phate. (The real-network benchmark, ``bench/`` in the source repository.)
    """
    if not (isinstance(n_landmark, str) and n_landmark == "auto"):
        return None if n_landmark is None else int(n_landmark)
    low, high = AUTO_LANDMARK_RANGE
    if n_nodes <= low:
        return low  # no more nodes than landmarks: exact PHATE
    chosen = int(np.clip(n_nodes // AUTO_NODES_PER_LANDMARK, low, high))
    chosen = min(chosen, n_nodes // AUTO_MIN_NODES_PER_LANDMARK)
    logger.info("n_landmark='auto': %d landmarks for %d nodes.", chosen, n_nodes)
    return chosen


#: ``mds_solver="auto"``: SMACOF up to this many points to embed (landmarks, or nodes without them).
AUTO_SMACOF_MAX_POINTS = 3000


def resolve_mds_solver(mds_solver: str, n_points: int) -> str:
    """The metric MDS solver a fit uses; ``"auto"`` is resolved (and logged) here.

    ``"auto"`` runs SMACOF (m-phate's solver, iterated to convergence) when at most 3000 points
    are embedded, which with ``n_landmark="auto"`` is every tensor of up to 150,000 nodes. On the
    real-network benchmark phate's SGD solver stopped short of convergence on some networks and
    lost up to 0.07 of neighborhood preservation there, while SMACOF matched the reference. Each
    SMACOF iteration costs O(n^2) (0.04 s at 2000 points, 0.18 s at 4000; 21 to 192 iterations
    on the benchmark's tensors), so above 3000 points phate's SGD solver is used.
    """
    if mds_solver != "auto":
        return mds_solver
    chosen = "smacof" if n_points <= AUTO_SMACOF_MAX_POINTS else "sgd"
    logger.info("mds_solver='auto': %s for %d points.", chosen, n_points)
    return chosen


def resolve_interstep_neighbors(interstep_neighbors: int | str | None, interstep_knn: int) -> int | None:
    """The nearest slices a fit keeps per slice; ``"auto"`` is ``2 * interstep_knn``."""
    if isinstance(interstep_neighbors, str) and interstep_neighbors == "auto":
        return 2 * int(interstep_knn)
    return None if interstep_neighbors is None else int(interstep_neighbors)


def _check_int(name: str, value: Any, low: int, high: float = np.inf, none_ok: bool = False) -> None:
    if value is None and none_ok:
        return
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or not low <= value <= high:
        bound = f"an integer >= {low}" if high == np.inf else f"an integer in [{low}, {high}]"
        raise ValueError(f"{name}={value!r} must be {bound}{' or None' if none_ok else ''}.")


def _check_int_or_auto(name: str, value: Any, low: int) -> None:
    if isinstance(value, str):
        if value != "auto":
            raise ValueError(f"{name}={value!r} must be 'auto', an integer >= {low} or None.")
        return
    _check_int(name, value, low, none_ok=True)


class MMPHATE(BaseEstimator):
    """Multiway Multislice PHATE for hidden states recorded through training.

    Every point of the embedding is one hidden unit at one time step of one epoch, in the node
    order ``node = (e * n_steps + t) * n_units + u``.

    Parameters
    ----------
    n_components : int, default 3
        Embedding dimensions (3 for the 3-D view, 2 for a flat one).
    intrastep_knn : int, default 2
        Adaptive bandwidth of the intrastep kernel: distance to the k-th nearest other unit.
    interstep_knn : int, default 25
        Interstep bandwidth: mean over units of the median distance to the k-th nearest other slice.
    decay : float, default 5
        Alpha-decay exponent of the intrastep kernel.
    thresh : float, default 1e-4
        Kernel entries below this are dropped.
    t : int or "auto", default "auto"
        Diffusion time; "auto" picks the knee of the von Neumann entropy.
    gamma : float, default 0
        0: square-root potential (m-phate's default); 1: PHATE's log potential.
    n_landmark : int, "auto" or None, default "auto"
        Landmarks of fast PHATE (used when there are more nodes). "auto" takes one per 50 nodes
        within [2000, 4000] (see :func:`resolve_n_landmark`; logged): phate's own default of 2000
        up to 100,000 nodes, m-phate's 4000 from 200,000 nodes on; from 2000 to 8000 nodes one
        per 4 nodes, and none up to 2000 nodes. Most of the PHATE stage's fixed cost grows with
        it (k-means, the landmark operator's powers and MDS). None: no landmarks.
    n_svd : int, default 100
        Singular vectors used to choose landmarks.
    landmark_method : {"fast", "graphtools"}, default "fast"
        Who places the landmarks. Both run graphtools' algorithm (k-means on spectral coordinates
        from a randomized SVD of the diffusion affinity) with the same settings and random draws.
        "fast" is :func:`mmphate_widget.engine.landmarks.spectral_landmarks`, which makes the
        same arrays in fewer passes (the PHATE stage took 200 s instead of 278 s at a million
        nodes); its singular vectors agree with graphtools' to about 1e-9 (up to sign), but
        k-means reacts to rounding, so on some tensors the landmarks, and with them the
        embedding, differ within the randomness of landmarking. "graphtools" is graphtools' own
        code, as in the reference.
    svd_iter : int or "auto", default "auto"
        Power iterations of that randomized SVD (``landmark_method="fast"`` only). "auto" is
        scikit-learn's rule, as graphtools uses it: 7 for 100 singular vectors of a large operator.
        Fewer are faster; on the benchmark suite 2 lifted inter-step preservation on every real
        network but cost a simulated tensor 0.02, through a larger ``t`` (``bench/RESULTS.md``).
    n_pca : int or None, default 100
        With more trace samples than this, node features are projected on this many components.
    mds_solver : {"auto", "smacof", "sgd"}, default "auto"
        Metric MDS solver. "smacof" is m-phate's (run by :mod:`mmphate_widget.engine.mds`, the
        same iterations as scikit-learn's, leaner); "sgd" is phate's stochastic gradient descent,
        faster on many landmarks but it can stop short of convergence. "auto" is "smacof" up to
        3000 points to embed, "sgd" above (see :func:`resolve_mds_solver`; logged).
    n_clusters : int or "auto", default 2
        Unit clusters found from the inter-step entropy trajectories. "auto" picks the number
        from the data with the gap statistic (1 when the units show no cluster structure; see
        :func:`mmphate_widget.engine.cluster.choose_n_clusters`); the choice is logged.
    entropy_bins : int, default 20
        Histogram bins of the distance-entropy estimator.
    interstep_thresh : float or None, default None
        Interstep entries below this are dropped; None uses ``thresh``. 0 keeps the reference's
        dense interstep block. The largest fraction of a row's interstep mass that the cut
        removes is logged.
    node_order : {"unit", "spec"}, default "unit"
        The order in which phate receives the nodes when landmarks are used. "unit" (unit by
        unit) makes graphtools' sparse products faster; "spec" is the spec's epoch-major order,
        as the reference uses (it changes which nodes the landmark draw sees first, so results
        differ within the randomness of landmarking). Returned arrays are always in spec order.
    interstep_neighbors : int, "auto" or None, default "auto"
        Each slice keeps interstep edges to its ``interstep_neighbors`` nearest slices of the same
        unit (union of both directions; the bandwidth is computed as in the exact kernel): the
        spec's k-nearest-slices sparsification, logged. "auto" keeps ``2 * interstep_knn`` (50 by
        default): twice the neighbourhood that sets the bandwidth, which holds nearly all of a
        slice's Gaussian mass. On the real-network benchmark (``bench/`` in the source repository) this is far more
        faithful across slices than the reference's dense block and about as faithful within a
        slice, at a fraction of the time and memory (fewer neighbours lost intra-step
        preservation on some networks, more lost it on others). None keeps every interstep entry
        above ``interstep_thresh`` (the spec's exact kernel, dense for units whose slices repeat);
        ``MMPHATE.reference()`` reproduces the reference's choices.
    interstep_symmetrize : {"max", "mean"}, default "max"
        How the nearest-slices kernel is made symmetric (with ``interstep_neighbors`` only). A
        pair is kept when either slice chose the other; "max" gives it its exact value, "mean"
        halves the pairs only one slice chose (graphtools' ``(A + A^T) / 2`` for kNN kernels).
        On the real-network benchmark "mean" kept more of each unit's neighbourhood across slices
        on all 12 networks (inter-step preservation up to +0.03) at the same cost, but not more
        within slices everywhere; see ``bench/RESULTS.md``.
    random_state : int or None, default 0
        A fixed value makes results identical from run to run.
    n_jobs : int, default 1
        Parallel jobs for phate / graphtools.
    verbose : bool or int, default True
        True shows progress bars; 2 also lets phate and graphtools print.

    Attributes
    ----------
    embedding_ : ndarray of shape (n_nodes, n_components)
    kernel_ : scipy.sparse.csr_matrix of shape (n_nodes, n_nodes)
        The affinity PHATE diffused on: the multislice kernel less the entries below ``thresh``,
        which graphtools removes (as it does for the reference).
    t_ : int
        The diffusion time used.
    intrastep_entropy_ : ndarray of shape (n_epochs, n_steps)
    interstep_entropy_ : ndarray of shape (n_units, n_epochs)
    unit_clusters_ : ndarray of int of shape (n_units,)
    n_clusters_ : int
        The number of clusters found (the one chosen with ``n_clusters="auto"``).
    cluster_stability_ : float
        How reproducible the clusters are over 50 bootstrap replicates of the units and the
        time steps, in [0, 1] (1 by definition for one cluster); below 0.6 they are unstable,
        below 0.85 weak (:mod:`mmphate_widget.engine.cluster_stability`).
    unit_cluster_confidence_ : ndarray of shape (n_units,)
        Per unit, the fraction of those replicates in which it stays in its cluster.
    epoch_, step_, unit_ : ndarray of int of shape (n_nodes,)
        Epoch index, step and unit of every node.
    epochs_ : ndarray of int of shape (n_epochs,)
        The true epoch numbers.
    unit_names_ : list of str
    labels_, class_names_, node_top_label_ : per-sample class codes, class names and, per node,
        the class with the highest mean activation (None without labels).
    metrics_ : dict of str to ndarray of shape (n_epochs,) or None
    n_epochs_, n_steps_, n_units_, n_samples_ : int

    Each one's dtype, shape and ``.npz`` key are described once, in
    :data:`mmphate_widget.engine.fitted_state.FITTED_STATE`.

    Examples
    --------
    >>> from mmphate_widget import MMPHATE, simulate_rnn_training
    >>> X, y = simulate_rnn_training(10, 8, 12, 20)
    >>> model = MMPHATE(interstep_knn=10, verbose=False).fit(X, labels=y)
    >>> model.embedding_.shape
    (960, 3)
    """

    def __init__(
        self,
        n_components: int = 3,
        intrastep_knn: int = 2,
        interstep_knn: int = 25,
        decay: float = 5,
        thresh: float = 1e-4,
        t: int | str = "auto",
        gamma: float = 0,
        n_landmark: int | str | None = "auto",
        n_svd: int = 100,
        landmark_method: str = "fast",
        svd_iter: int | str = "auto",
        n_pca: int | None = 100,
        mds_solver: str = "auto",
        n_clusters: int | str = 2,
        entropy_bins: int = 20,
        interstep_neighbors: int | str | None = "auto",
        interstep_symmetrize: str = "max",
        interstep_thresh: float | None = None,
        node_order: str = "unit",
        random_state: int | None = 0,
        n_jobs: int = 1,
        verbose: bool | int = True,
    ):
        self.n_components = n_components
        self.intrastep_knn = intrastep_knn
        self.interstep_knn = interstep_knn
        self.decay = decay
        self.thresh = thresh
        self.t = t
        self.gamma = gamma
        self.n_landmark = n_landmark
        self.n_svd = n_svd
        self.landmark_method = landmark_method
        self.svd_iter = svd_iter
        self.n_pca = n_pca
        self.mds_solver = mds_solver
        self.n_clusters = n_clusters
        self.entropy_bins = entropy_bins
        self.interstep_neighbors = interstep_neighbors
        self.interstep_symmetrize = interstep_symmetrize
        self.interstep_thresh = interstep_thresh
        self.node_order = node_order
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.verbose = verbose

    #: The reference's (m-phate 0.1.6) pipeline choices, where ours differ by default.
    REFERENCE_SETTINGS: ClassVar[dict[str, Any]] = {
        "interstep_thresh": 0.0,
        "interstep_neighbors": None,
        "mds_solver": "smacof",
        "node_order": "spec",
        "n_landmark": 4000,
        "t": "auto",
        "gamma": 0,
        "n_svd": 100,
        "landmark_method": "graphtools",
        "svd_iter": "auto",
        "n_pca": 100,
        "intrastep_knn": 2,
        "interstep_knn": 25,
        "decay": 5,
        "thresh": 1e-4,
    }

    @classmethod
    def reference(cls, **params: Any) -> MMPHATE:
        """An estimator that makes the reference's (m-phate 0.1.6) pipeline choices.

        The dense interstep block (``interstep_thresh=0``, no ``interstep_neighbors``), SMACOF
        metric MDS, 4000 landmarks placed by graphtools and the spec's node order: for users who
        need the paper's numbers. Slower and far more memory-hungry than the defaults on large tensors. Any
        parameter may still be overridden, e.g. ``MMPHATE.reference(n_components=2)``.
        """
        return cls(**{**cls.REFERENCE_SETTINGS, **params})

    def _validate_params(self, n_units: int) -> None:
        _check_int("n_components", self.n_components, 1)
        _check_int("intrastep_knn", self.intrastep_knn, 1, n_units - 1)
        _check_int("interstep_knn", self.interstep_knn, 1)
        _check_int_or_auto("n_landmark", self.n_landmark, 2)
        _check_int("n_svd", self.n_svd, 1)
        if self.landmark_method not in ("fast", "graphtools"):
            raise ValueError(f"landmark_method={self.landmark_method!r} must be 'fast' or 'graphtools'.")
        if not (
            self.svd_iter == "auto"
            or (
                isinstance(self.svd_iter, numbers.Integral)
                and not isinstance(self.svd_iter, bool)
                and self.svd_iter >= 0
            )
        ):
            raise ValueError(f"svd_iter={self.svd_iter!r} must be 'auto' or an integer >= 0.")
        if self.landmark_method == "graphtools" and self.svd_iter != "auto":
            raise ValueError(
                f"svd_iter={self.svd_iter!r} needs landmark_method='fast': graphtools chooses its own "
                "iterations (use svd_iter='auto')."
            )
        _check_int("n_pca", self.n_pca, 1, none_ok=True)
        validate_n_clusters(self.n_clusters, n_units)
        _check_int("entropy_bins", self.entropy_bins, 1)
        _check_int_or_auto("interstep_neighbors", self.interstep_neighbors, 1)
        check_interstep_symmetrize(self.interstep_symmetrize)
        if not (self.t == "auto" or (isinstance(self.t, numbers.Integral) and self.t >= 1)):
            raise ValueError(f"t={self.t!r} must be 'auto' or a positive integer.")
        if not isinstance(self.decay, numbers.Real) or self.decay <= 0:
            raise ValueError(f"decay={self.decay!r} must be a positive number.")
        if not isinstance(self.thresh, numbers.Real) or not 0 <= self.thresh < 1:
            raise ValueError(f"thresh={self.thresh!r} must be in [0, 1).")
        if not isinstance(self.gamma, numbers.Real) or not -1 <= self.gamma <= 1:
            raise ValueError(f"gamma={self.gamma!r} must be in [-1, 1].")
        if self.interstep_thresh is not None and (
            isinstance(self.interstep_thresh, bool)
            or not isinstance(self.interstep_thresh, numbers.Real)
            or not 0 <= self.interstep_thresh < 1
        ):
            raise ValueError(f"interstep_thresh={self.interstep_thresh!r} must be None or in [0, 1).")
        if self.node_order not in ("unit", "spec"):
            raise ValueError(f"node_order={self.node_order!r} must be 'unit' or 'spec'.")
        if not isinstance(self.mds_solver, str) or self.mds_solver not in ("auto", "sgd", "smacof"):
            raise ValueError(f"mds_solver={self.mds_solver!r} must be 'auto', 'smacof' or 'sgd'.")

    def fit(
        self,
        X: Any,
        y: Any = None,
        *,
        labels: Any = None,
        epochs: Any = None,
        unit_names: Sequence[str] | None = None,
        metrics: Any = None,
        class_names: Sequence[str] | None = None,
    ) -> MMPHATE:
        """Compute the embedding, entropies and unit clusters of a hidden-state tensor.

        Parameters
        ----------
        X : array-like or torch.Tensor of shape (n_epochs, n_steps, n_units, n_samples)
        y : ignored
            Present for scikit-learn compatibility; use ``labels``.
        labels : array-like of shape (n_samples,), optional
            Class label of each trace sample (enables colouring by most active class).
        epochs : array-like of int of shape (n_epochs,), optional
            True epoch numbers of the recorded epochs (default 0..n_epochs-1).
        unit_names : sequence of str, optional
        metrics : mapping of str to array-like of shape (n_epochs,), optional
            Per-epoch training curves, kept for display.
        class_names : sequence of str, optional

        Returns
        -------
        self
        """
        states = validate_hidden_states(
            X,
            labels=labels,
            epochs=epochs,
            unit_names=unit_names,
            metrics=metrics,
            class_names=class_names,
            interstep_knn=self.interstep_knn,
        )
        self._validate_params(states.shape[2])
        n_epochs, n_steps, n_units, n_samples = states.shape
        show = bool(self.verbose)
        interstep_neighbors = resolve_interstep_neighbors(self.interstep_neighbors, self.interstep_knn)
        with tqdm(total=4, desc="MM-PHATE", disable=not show, unit="stage") as bar:
            bar.set_postfix_str("multislice kernel")
            kernel = multislice_kernel(
                states.data,
                intrastep_knn=self.intrastep_knn,
                interstep_knn=self.interstep_knn,
                decay=self.decay,
                thresh=self.thresh,
                interstep_thresh=self.interstep_thresh,
                interstep_neighbors=interstep_neighbors,
                interstep_symmetrize=self.interstep_symmetrize,
                n_pca=self.n_pca,
                random_state=self.random_state,
                verbose=show,
            )
            bar.update(1)
            _hint_dense_kernel(kernel, interstep_neighbors)
            bar.set_postfix_str(f"PHATE on {kernel.nnz / 1e6:.1f}M kernel entries")
            order = None
            n_landmark = resolve_n_landmark(self.n_landmark, kernel.shape[0])
            uses_landmarks = n_landmark is not None and kernel.shape[0] > n_landmark
            if self.node_order == "unit" and uses_landmarks:
                # Landmark PHATE multiplies the kernel by tall dense matrices many times (randomized
                # SVD, spectral coordinates). Handed over unit by unit, each unit's interstep edges
                # form one contiguous block and those products run 1.5-4x faster. The original
                # order is restored below; rebinding `kernel` keeps a single copy in memory.
                order = unit_major_order(n_epochs * n_steps, n_units)
                kernel = permute_nodes(kernel, order)
            result = phate_embedding(
                kernel,
                n_components=self.n_components,
                t=self.t,
                gamma=self.gamma,
                n_landmark=n_landmark,
                n_svd=self.n_svd,
                landmark_method=self.landmark_method,
                svd_iter=self.svd_iter,
                mds_solver=resolve_mds_solver(
                    self.mds_solver, n_landmark if uses_landmarks else kernel.shape[0]
                ),
                random_state=self.random_state,
                n_jobs=self.n_jobs,
                verbose=isinstance(self.verbose, numbers.Integral)
                and not isinstance(self.verbose, bool)
                and self.verbose >= 2,
            )
            embedding = result.embedding
            if order is not None:
                inverse = np.argsort(order)
                embedding = np.ascontiguousarray(embedding[inverse])
                kernel = permute_nodes(kernel, inverse)
            bar.update(1)
            bar.set_postfix_str("entropies")
            h_intra = intrastep_entropy(embedding, n_epochs, n_steps, n_units, self.entropy_bins)
            # The bootstrap replicates share the full estimate's distance pass (cluster stability).
            h_inter, h_inter_boot = interstep_entropy_bootstrap(
                embedding, n_epochs, n_steps, n_units, self.entropy_bins, random_state=self.random_state
            )
            bar.update(1)
            bar.set_postfix_str("unit clusters")
            clusters = cluster_units(h_inter, self.n_clusters, random_state=self.random_state)
            stability = cluster_stability(h_inter_boot, clusters, random_state=self.random_state)
            bar.update(1)
        _log_stability(int(clusters.max()) + 1, stability)
        top_label = None
        if states.labels is not None:
            top_label = most_active_label(states.data, states.labels, len(states.class_names))
        return self._set_fitted(
            {
                "embedding_": embedding,
                "kernel_": kernel,
                "t_": result.t,
                "intrastep_entropy_": h_intra,
                "interstep_entropy_": h_inter,
                "unit_clusters_": clusters,
                "cluster_stability_": stability.stability,
                "unit_cluster_confidence_": stability.unit_confidence,
                "epochs_": states.epochs,
                "unit_names_": states.unit_names,
                "labels_": states.labels,
                "class_names_": states.class_names,
                "node_top_label_": top_label,
                "metrics_": states.metrics,
                "n_epochs_": n_epochs,
                "n_steps_": n_steps,
                "n_units_": n_units,
                "n_samples_": n_samples,
            }
        )

    def _set_fitted(self, attributes: Mapping[str, Any]) -> MMPHATE:
        """Check the attributes against the fitted-state description, then set all of them."""
        for name, value in check_state(attributes, self.n_components).items():
            setattr(self, name, value)
        return self

    @classmethod
    def from_fitted(cls, attributes: Mapping[str, Any], **params: Any) -> MMPHATE:
        """A fitted estimator from attributes computed elsewhere, checked as ``fit``'s own are.

        For results computed outside ``fit`` (a benchmark's synthetic model, another
        implementation's output) that the widget, ``save`` or the analysis functions should take.
        :meth:`load` builds its models this way.

        Parameters
        ----------
        attributes : mapping of str to object
            The fitted attributes that :data:`mmphate_widget.engine.fitted_state.FITTED_STATE`
            gives ``.npz`` keys for, e.g. ``{"embedding_": ..., "t_": 5, "n_units_": 16, ...}``;
            optional ones (``kernel_``, ``labels_``, ``metrics_``, ...) may be None or left out.
            The others (``n_clusters_``, ``epoch_``, ``step_``, ``unit_``) are computed here.
        **params
            Estimator parameters, as for ``MMPHATE(...)``; ``n_components`` must match the
            embedding's width.

        Returns
        -------
        MMPHATE
            With every fitted attribute set, cast to the described dtype.

        Raises
        ------
        ValueError
            Naming the attribute, when one is missing or unknown, or its dtype or shape is not the
            described one for the given dimensions; or naming the parameter, when one is invalid.

        Examples
        --------
        >>> import numpy as np
        >>> from mmphate_widget import MMPHATE
        >>> E, T, U = 2, 3, 4
        >>> model = MMPHATE.from_fitted({
        ...     "embedding_": np.zeros((E * T * U, 3)), "t_": 1,
        ...     "intrastep_entropy_": np.zeros((E, T)), "interstep_entropy_": np.zeros((U, E)),
        ...     "unit_clusters_": np.array([0, 0, 1, 1]), "epochs_": np.arange(E),
        ...     "unit_names_": [f"unit {u}" for u in range(U)],
        ...     "n_epochs_": E, "n_steps_": T, "n_units_": U, "n_samples_": 10,
        ... })
        >>> model.n_clusters_, model.kernel_
        (2, None)
        """
        model = cls(**params)
        model._validate_params(dimensions(attributes)["U"])
        return model._set_fitted(attributes)

    def __sklearn_is_fitted__(self) -> bool:
        """Fitted when it has every attribute that the fitted-state description requires."""
        return not missing_attributes(self)

    def fit_transform(self, X: Any, y: Any = None, **fit_params: Any) -> np.ndarray:
        """Fit and return ``embedding_``, shape (n_nodes, n_components)."""
        return self.fit(X, y, **fit_params).embedding_

    def save(self, path: str | os.PathLike, *, include_kernel: bool = False) -> None:
        """Write the fitted result to ``path``, one ``.npz`` without pickle (the suffix is added if missing).

        The file holds the parameters and the fitted attributes under the keys that
        :data:`mmphate_widget.engine.fitted_state.FITTED_STATE` describes; :meth:`load` reads it.

        Parameters
        ----------
        path : str or path-like
        include_kernel : bool, default False
            Also store the sparse kernel (can be hundreds of MB for large tensors).

        Raises
        ------
        ValueError
            When the model is not fitted, a fitted attribute was changed to one of another dtype or
            shape, or a parameter is not a JSON number, string, boolean or None.
        """
        missing = missing_attributes(self)
        if missing:
            raise ValueError(f"the model is not fitted (missing {', '.join(missing)}); call fit() first.")
        saved = {attr.name: getattr(self, attr.name) for attr in FITTED_STATE if attr.keys}
        state = check_state(saved, self.n_components)
        arrays = to_arrays(state, leave_out=() if include_kernel else ("kernel_",))
        write_result(path, self.get_params(), arrays)

    @classmethod
    def load(cls, path: str | os.PathLike) -> MMPHATE:
        """Read a result written by :meth:`save` into a fitted estimator.

        The returned estimator has every fitted attribute; ``kernel_`` is None unless the file was
        saved with ``include_kernel=True``, and ``cluster_stability_`` and
        ``unit_cluster_confidence_`` are None for a file saved before they existed. Like
        :meth:`save`, ``MMPHATE.load("run")`` reads ``run.npz``.

        Raises
        ------
        FileNotFoundError
            When there is no such file.
        ValueError
            Naming the file and the problem, when it is not a result file written by :meth:`save`,
            is truncated or damaged, has a newer format version, holds invalid parameters or arrays
            that disagree with the saved dimensions, or would need pickle to load.
        """

        def check_params(params: dict[str, Any], n_units: int) -> None:
            cls(**params)._validate_params(n_units)

        params, attributes = read_result(path, cls().get_params(), check_params)
        return cls.from_fitted(attributes, **params)
