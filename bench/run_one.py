"""Run one MM-PHATE implementation on one synthetic tensor and print a JSON line of results.

Called by ``engine_bench.py`` under ``/usr/bin/time -v``, one process per run, so that peak memory
is that run's alone.

    python bench/run_one.py --impl ours --shape 46 100 20 40 [--interstep-neighbors 50] [--n-landmark 2000]
    python bench/run_one.py --impl reference --shape 46 100 20 40
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings

import numpy as np


def run_ours(X: np.ndarray, args: argparse.Namespace) -> tuple[np.ndarray, dict]:
    from mmphate_widget import MMPHATE

    model = MMPHATE(n_components=3, random_state=0, verbose=False,
                    interstep_neighbors=args.interstep_neighbors, n_landmark=args.n_landmark)
    stages = {}
    import mmphate_widget.estimator as est

    # time the stages by wrapping the two heavy calls
    kernel_fn, phate_fn = est.multislice_kernel, est.phate_embedding

    def timed(name, fn):
        def wrapper(*a, **k):
            t0 = time.perf_counter()
            out = fn(*a, **k)
            stages[name] = round(time.perf_counter() - t0, 2)
            return out
        return wrapper

    est.multislice_kernel = timed("kernel_s", kernel_fn)
    est.phate_embedding = timed("phate_s", phate_fn)
    model.fit(X)
    stages["kernel_nnz"] = int(model.kernel_.nnz)
    stages["t"] = model.t_
    return model.embedding_, stages


def run_reference(X: np.ndarray, args: argparse.Namespace) -> tuple[np.ndarray, dict]:
    import m_phate

    E, T, U, S = X.shape
    op = m_phate.M_PHATE(n_components=3, n_jobs=1, random_state=0, verbose=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        Y = op.fit_transform(X.reshape(E * T, U, S))
    return np.asarray(Y), {"t": int(op.optimal_t) if op.optimal_t is not None else None}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--impl", choices=["ours", "reference"], required=True)
    parser.add_argument("--shape", type=int, nargs=4, required=True, metavar=("E", "T", "U", "S"))
    parser.add_argument("--interstep-neighbors", type=int, default=None)
    parser.add_argument("--n-landmark", type=int, default=4000)
    parser.add_argument("--no-quality", action="store_true", help="skip neighbourhood preservation")
    args = parser.parse_args()

    from mmphate_widget import neighbourhood_preservation, simulate_rnn_training

    X, _ = simulate_rnn_training(*args.shape, random_state=0)
    X = X.astype(np.float64)
    t0 = time.perf_counter()
    Y, extra = (run_ours if args.impl == "ours" else run_reference)(X, args)
    seconds = time.perf_counter() - t0
    result = {"impl": args.impl, "shape": args.shape, "fit_s": round(seconds, 2), **extra}
    if not args.no_quality:
        scores = neighbourhood_preservation(X, Y, ks=(10, 40))
        result.update({k: round(v, 4) for k, v in scores.items()})
    print("RESULT " + json.dumps(result))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
