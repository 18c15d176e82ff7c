"""Fit one MM-PHATE implementation on one saved tensor; save the embedding, print a JSON line.

Called by ``engine_bench.py`` under ``/usr/bin/time -v``, one process per run, so that the wall
time and peak memory are those of loading the tensor and fitting, nothing else (the neighbourhood
preservation is scored afterwards, in the parent process, from the saved embedding)::

    python bench/run_one.py --impl ours --tensor T.npy --embedding-out Y.npy [--params '{"n_landmark": 2000}']
    python bench/run_one.py --impl reference --tensor T.npz --embedding-out Y.npy

``--params`` is a JSON object of ``MMPHATE`` parameters (``"reference": true`` starts from
``MMPHATE.reference()``); for the reference only ``random_state`` is read. A ``.npz`` tensor is read from its ``hidden_states`` array.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings

import numpy as np


def run_ours(X: np.ndarray, args: argparse.Namespace) -> tuple[np.ndarray, dict]:
    import mmphate_widget.engine.estimator as est
    from mmphate_widget import MMPHATE
    from mmphate_widget.engine.cluster import choose_n_clusters

    params = json.loads(args.params)
    factory = MMPHATE.reference if params.pop("reference", False) else MMPHATE
    model = factory(**{"n_components": 3, "random_state": 0, "verbose": False, **params})
    stages = {}
    kernel_fn, phate_fn = est.multislice_kernel, est.phate_embedding

    def timed(name, fn):
        def wrapper(*a, **k):
            t0 = time.perf_counter()
            out = fn(*a, **k)
            stages[name] = round(time.perf_counter() - t0, 2)
            return out

        return wrapper

    # time the two heavy stages by wrapping the calls the estimator makes
    est.multislice_kernel = timed("kernel_s", kernel_fn)
    est.phate_embedding = timed("phate_s", phate_fn)
    model.fit(X)
    stages["kernel_nnz"] = int(model.kernel_.nnz)
    stages["t"] = model.t_
    stages["cluster_sizes"] = np.bincount(model.unit_clusters_).tolist()
    stages["cluster_stability"] = round(float(model.cluster_stability_), 3)
    stages["auto_n_clusters"] = choose_n_clusters(model.interstep_entropy_, random_state=0)
    return model.embedding_, stages


def run_reference(X: np.ndarray, args: argparse.Namespace) -> tuple[np.ndarray, dict]:
    import m_phate

    E, T, U, S = X.shape
    seed = json.loads(args.params).get("random_state", 0)  # the one parameter the reference takes
    op = m_phate.M_PHATE(n_components=3, n_jobs=1, random_state=seed, verbose=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        Y = op.fit_transform(X.reshape(E * T, U, S))
    return np.asarray(Y), {"t": int(op.optimal_t) if op.optimal_t is not None else None}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--impl", choices=["ours", "reference"], required=True)
    parser.add_argument("--tensor", required=True, help=".npy file of shape (E, T, U, S)")
    parser.add_argument("--embedding-out", required=True, help="where to save the (N, 3) embedding")
    parser.add_argument("--params", default="{}", help="JSON object of MMPHATE parameters (ours)")
    args = parser.parse_args()

    X = np.load(args.tensor, allow_pickle=False)
    if args.tensor.endswith(".npz"):
        with X:
            X = X["hidden_states"]
    t0 = time.perf_counter()
    Y, extra = (run_ours if args.impl == "ours" else run_reference)(X, args)
    seconds = time.perf_counter() - t0
    np.save(args.embedding_out, np.asarray(Y, dtype=np.float64), allow_pickle=False)
    result = {"impl": args.impl, "shape": list(X.shape), "fit_s": round(seconds, 2), **extra}
    print("RESULT " + json.dumps(result))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
