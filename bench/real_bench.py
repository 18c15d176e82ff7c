"""Real-network benchmark: the reference and this engine side by side on real RNN hidden states.

The tensors are the suite of ``real_networks.py`` (RNN, GRU and LSTM classifiers trained on
sktime's bundled data sets). Every fit runs in its own process under ``/usr/bin/time -v``
(``engine_bench.measure``): wall time and peak RSS of loading and fitting; neighbourhood
preservation (intra and inter, k = 10 and 40) is scored afterwards from the saved embedding.

    python bench/real_bench.py suite              # reference, new defaults and MMPHATE.reference() on every tensor
    python bench/real_bench.py ablation           # one change at a time from the 0.1 defaults
    python bench/real_bench.py suite --held-out --configs reference defaults   # the held-out networks
    python bench/real_bench.py report --update-results   # rewrite the real-network part of RESULTS.md

Measured rows are kept in ``bench/results/real.json`` (tracked in git) and reused: a plan measures only the
rows it does not have yet (``--redo NAME`` measures the configurations named again). Run on a
quiet machine.
"""

from __future__ import annotations

import argparse
import json
import platform
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from engine_bench import DEMO, SAVED_ROWS, _cores, fmt, measure, table_head, tensor_path, write_section
from real_networks import HELD_OUT, SUITE, Network, describe


@dataclass(frozen=True)
class Simulated:
    """A simulated tensor (``simulate_rnn_training``) measured beside the real networks."""

    name: str
    shape: tuple[int, int, int, int]

    @property
    def path(self) -> Path:
        return tensor_path(self.shape)


# The authors' demo size (issue 7 judges the defaults there too) and the 1,000,000-node scale row.
SIMULATED = [Simulated("simulated_demo", DEMO), Simulated("simulated_1M", (100, 100, 100, 20))]
TENSORS = [*SUITE, *SIMULATED]
ALL_TENSORS = [*TENSORS, *HELD_OUT]


def info(tensor: Network | Simulated) -> dict:
    if isinstance(tensor, Simulated):
        E, T, U, _S = tensor.shape
        return {"shape": list(tensor.shape), "nodes": E * T * U, "test_accuracy": None}
    return describe(tensor)


SAVED = SAVED_ROWS / "real.json"
BEGIN, END = "<!-- real:begin -->", "<!-- real:end -->"
SCORES = ("intra@10", "inter@10", "intra@40", "inter@40")

# The 0.1 defaults, spelled out, so that the ablation does not move when the defaults do.
V01 = {
    "interstep_neighbors": None,
    "n_landmark": 4000,
    "mds_solver": "sgd",
    "interstep_thresh": 1e-4,
    "node_order": "unit",
}
# name -> (implementation, MMPHATE parameters)
CONFIGS: dict[str, tuple[str, dict]] = {
    "reference": ("reference", {}),
    "defaults": ("ours", {}),
    "MMPHATE.reference()": ("ours", {"reference": True}),
    "0.1 defaults": ("ours", V01),
    "0.1 + smacof": ("ours", {**V01, "mds_solver": "smacof"}),
    "0.1 + dense interstep": ("ours", {**V01, "interstep_thresh": 0}),
    "0.1 + spec node order": ("ours", {**V01, "node_order": "spec"}),
    "0.1 + n_landmark=2000": ("ours", {**V01, "n_landmark": 2000}),
    "0.1 + interstep_neighbors=50": ("ours", {**V01, "interstep_neighbors": 50}),
    "0.1 + t=reference's": ("ours", V01),  # t filled in from the reference row of the same tensor
    "neighbors=5, landmarks=2000": ("ours", {**V01, "interstep_neighbors": 5, "n_landmark": 2000}),
    "neighbors=10, landmarks=2000": ("ours", {**V01, "interstep_neighbors": 10, "n_landmark": 2000}),
    "neighbors=25, landmarks=2000": ("ours", {**V01, "interstep_neighbors": 25, "n_landmark": 2000}),
    "neighbors=50, landmarks=2000": ("ours", {**V01, "interstep_neighbors": 50, "n_landmark": 2000}),
    "neighbors=100, landmarks=2000": ("ours", {**V01, "interstep_neighbors": 100, "n_landmark": 2000}),
    "neighbors=50, landmarks=1000": ("ours", {**V01, "interstep_neighbors": 50, "n_landmark": 1000}),
    "SGD defaults, landmark_method=graphtools": (
        "ours",
        {"mds_solver": "sgd", "landmark_method": "graphtools"},
    ),
    "SGD, graphtools landmarks, n_landmark=2000": (
        "ours",
        {"mds_solver": "sgd", "landmark_method": "graphtools", "n_landmark": 2000},
    ),
    "SGD, graphtools landmarks, n_svd=50": (
        "ours",
        {"mds_solver": "sgd", "landmark_method": "graphtools", "n_svd": 50},
    ),
    "SGD defaults, svd_iter=4": ("ours", {"mds_solver": "sgd", "svd_iter": 4}),
    "SGD defaults, svd_iter=2": ("ours", {"mds_solver": "sgd", "svd_iter": 2}),
    "SGD defaults, svd_iter=1": ("ours", {"mds_solver": "sgd", "svd_iter": 1}),
    "SGD defaults": ("ours", {"mds_solver": "sgd"}),
    "defaults, exact kernel": ("ours", {"interstep_neighbors": None}),
    "defaults, symmetrize=mean": ("ours", {"interstep_symmetrize": "mean"}),
    "reference, random_state=1": ("reference", {"random_state": 1}),
    "reference, random_state=2": ("reference", {"random_state": 2}),
    "defaults, random_state=1": ("ours", {"random_state": 1}),
    "defaults, random_state=2": ("ours", {"random_state": 2}),
    "SGD defaults, svd_iter=2, random_state=1": (
        "ours",
        {"mds_solver": "sgd", "svd_iter": 2, "random_state": 1},
    ),
    "SGD defaults, random_state=1": ("ours", {"mds_solver": "sgd", "random_state": 1}),
    "SGD defaults, random_state=2": ("ours", {"mds_solver": "sgd", "random_state": 2}),
    "SGD defaults, svd_iter=2, random_state=2": (
        "ours",
        {"mds_solver": "sgd", "svd_iter": 2, "random_state": 2},
    ),
    "neighbors=50, landmarks=2000, spec order": (
        "ours",
        {**V01, "interstep_neighbors": 50, "n_landmark": 2000, "node_order": "spec"},
    ),
}
PLANS = {
    "suite": ["reference", "defaults", "MMPHATE.reference()", "SGD defaults"],
    "candidates": [
        "neighbors=5, landmarks=2000",
        "neighbors=10, landmarks=2000",
        "neighbors=25, landmarks=2000",
        "neighbors=50, landmarks=2000",
        "neighbors=100, landmarks=2000",
        "neighbors=50, landmarks=1000",
        "neighbors=50, landmarks=2000, spec order",
    ],
    "landmarks": [
        "SGD defaults, landmark_method=graphtools",
        "SGD defaults, svd_iter=4",
        "SGD defaults, svd_iter=2",
        "SGD defaults, svd_iter=1",
    ],
    "svd": ["SGD, graphtools landmarks, n_landmark=2000", "SGD, graphtools landmarks, n_svd=50"],
    "mds": ["SGD defaults"],
    "kernel": ["defaults, exact kernel"],
    "symmetrize": ["defaults", "defaults, symmetrize=mean"],
    "seeds": [
        "reference, random_state=1",
        "reference, random_state=2",
        "defaults, random_state=1",
        "defaults, random_state=2",
        "SGD defaults, svd_iter=2, random_state=1",
        "SGD defaults, svd_iter=2, random_state=2",
    ],
    "ablation": [
        "0.1 defaults",
        "0.1 + smacof",
        "0.1 + dense interstep",
        "0.1 + spec node order",
        "0.1 + n_landmark=2000",
        "0.1 + interstep_neighbors=50",
        "0.1 + t=reference's",
    ],
}


# The reference on the simulated demo tensor takes 4 minutes and 18 GB; this row is the measurement
# of 2026-11-26 (engine_bench.py, same tensor, same scoring; see the engine section of RESULTS.md),
# used unless the plan measures it again (--networks simulated_demo --configs reference).
EARLIER = {
    ("simulated_demo", "reference"): {
        "network": "simulated_demo",
        "config": "reference",
        "options": {},
        "measured": "2026-11-26 17:54 UTC",
        "impl": "reference",
        "shape": list(DEMO),
        "fit_s": 235.65,
        "t": 34,
        "wall_s": 236.1,
        "peak_rss_gb": 17.67,
        "intra@10": 0.6563,
        "inter@10": 0.4926,
        "intra@40": 1.0,
        "inter@40": 0.5512,
    },
}


def load_rows() -> dict:
    """Every measured row, keyed by (tensor, configuration)."""
    rows = dict(EARLIER)
    if SAVED.exists():
        rows.update({tuple(k.split("|")): v for k, v in json.loads(SAVED.read_text()).items()})
    return rows


def _options(name: str, net: Network | Simulated, rows: dict) -> dict:
    options = CONFIGS[name][1]
    if name == "0.1 + t=reference's":
        options = {**options, "t": rows[(net.name, "reference")]["t"]}
    return options


def run_plan(names: list[str], networks: list[Network | Simulated], redo: set[str], timeout: float) -> dict:
    rows = load_rows()
    for net in networks:
        for name in names:
            if (net.name, name) in rows and name not in redo and "error" not in rows[(net.name, name)]:
                continue
            impl, _ = CONFIGS[name]
            options = _options(name, net, rows)
            result = {"network": net.name, "config": name, "options": options}
            result.update(measure(net.path, impl, options, f"{net.name}_{name}", timeout))
            # Merge into what is on disk now: another plan may have saved rows meanwhile.
            rows = {**load_rows(), (net.name, name): result}
            SAVED.parent.mkdir(parents=True, exist_ok=True)
            SAVED.write_text(
                json.dumps({"|".join(k): v for k, v in rows.items() if k not in EARLIER}, indent=1)
            )
    return rows


def _row_cells(r: dict, ref: dict | None) -> list[str]:
    if "error" in r:
        return ["failed"] + [""] * 7
    speed = f"{ref['wall_s'] / r['wall_s']:.1f}x" if ref and r is not ref else ""
    memory = f"{ref['peak_rss_gb'] / r['peak_rss_gb']:.1f}x" if ref and r is not ref else ""
    scores = [
        fmt(r.get(k), ".3f") + (f" ({r[k] - ref[k]:+.3f})" if ref and r is not ref else "") for k in SCORES
    ]
    return [fmt(r["wall_s"]), speed, fmt(r["peak_rss_gb"]), memory, fmt(r.get("t")), *scores]


def table(rows: dict, names: list[str], tensors: list[Network | Simulated] = TENSORS) -> str:
    head = (
        "network",
        "E x T x U x S",
        "nodes",
        "test acc.",
        "configuration",
        "wall s",
        "speed-up",
        "peak GB",
        "memory",
        "t",
        *SCORES,
    )
    lines = table_head(head)
    for net in tensors:
        about = info(net)
        ref = rows.get((net.name, "reference"))
        ref = ref if ref and "error" not in ref else None
        for name in names:
            r = rows.get((net.name, name))
            if r is None:
                continue
            lines.append(
                "| "
                + " | ".join(
                    [
                        net.name,
                        "x".join(map(str, about["shape"])),
                        f"{about['nodes']:,}",
                        fmt(about["test_accuracy"]),
                        name,
                        *_row_cells(r, ref),
                    ]
                )
                + " |"
            )
    return "\n".join(lines)


def verdicts(rows: dict, name: str = "defaults", tensors: list[Network | Simulated] = TENSORS) -> str:
    """The targets of issue 7, judged for configuration ``name`` on every tensor."""
    head = (
        "network",
        "speed-up (>= 4x)",
        "memory (>= 5x less)",
        "worst preservation delta (>= -0.005)",
        "verdict",
    )
    lines = table_head(head)
    for net in tensors:
        ref, r = rows.get((net.name, "reference")), rows.get((net.name, name))
        if not ref or not r or "error" in ref or "error" in r:
            continue
        speed, memory = ref["wall_s"] / r["wall_s"], ref["peak_rss_gb"] / r["peak_rss_gb"]
        worst = min(r[k] - ref[k] for k in SCORES)
        met = speed >= 4 and memory >= 5 and worst >= -0.005
        lines.append(
            f"| {net.name} | {speed:.1f}x | {memory:.1f}x | {worst:+.3f} | {'met' if met else '**not met**'} |"
        )
    return "\n".join(lines)


def cluster_table(rows: dict, name: str = "defaults", tensors: list[Network | Simulated] = TENSORS) -> str:
    """Unit clusters of the fits with configuration ``name``: sizes, stability, the gap statistic's k."""
    head = ("network", "units", "cluster sizes (k = 2)", "cluster_stability_", "n_clusters='auto' picks")
    lines = table_head(head)
    for net in tensors:
        r = rows.get((net.name, name))
        if not r or "cluster_stability" not in r:
            continue
        sizes = r["cluster_sizes"]
        lines.append(
            f"| {net.name} | {sum(sizes)} | {' / '.join(map(str, sizes))} | {r['cluster_stability']:.2f} | "
            f"{r['auto_n_clusters']} |"
        )
    return "\n".join(lines)


def scale_verdict(rows: dict) -> str:
    """Issue 7's scale target: 1,000,000 nodes in under 5 minutes and 8 GB."""
    lines = []
    for name in ("defaults", "SGD defaults, landmark_method=graphtools", *PLANS["svd"]):
        r = rows.get(("simulated_1M", name))
        if not r:
            continue
        if "error" in r:
            lines.append(f"- simulated_1M with {name}: **failed**")
            continue
        met = r["wall_s"] < 300 and r["peak_rss_gb"] < 8
        lines.append(
            f"- simulated_1M (100x100x100x20 = 1,000,000 nodes), {name}: {r['wall_s']} s "
            f"({r.get('cpu_s')} CPU s; kernel {r.get('kernel_s')} s, PHATE {r.get('phate_s')} s), "
            f"{r['peak_rss_gb']} GB peak, t = {r.get('t')}, intra@10 {r['intra@10']:.3f}, "
            f"inter@10 {r['inter@10']:.3f}: {'met' if met else '**not met**'} (target: under 300 s and 8 GB)."
        )
    return "\n".join(lines) or "(not measured)"


def seed_table(rows: dict) -> str:
    """Each score's mean and range over random_state 0, 1, 2, the reference's beside the defaults'."""
    head = (
        "network",
        "score",
        "reference: mean (min to max)",
        "defaults: mean (min to max)",
        "difference of means",
    )
    lines = table_head(head)
    for net in ALL_TENSORS:
        fits = {
            impl: [
                rows.get((net.name, name))
                for name in (base, f"{base}, random_state=1", f"{base}, random_state=2")
            ]
            for impl, base in (("reference", "reference"), ("defaults", "defaults"))
        }
        if any(r is None or "error" in r for runs in fits.values() for r in runs):
            continue
        for score in SCORES:
            cells, means = [], []
            for runs in fits.values():
                values = np.array([r[score] for r in runs])
                means.append(values.mean())
                cells.append(f"{values.mean():.3f} ({values.min():.3f} to {values.max():.3f})")
            lines.append(f"| {net.name} | {score} | {cells[0]} | {cells[1]} | {means[1] - means[0]:+.3f} |")
    return "\n".join(lines)


def report(rows: dict) -> str:
    import graphtools
    import phate
    import scipy
    import sklearn

    stamps = sorted(r.get("measured", "") for r in rows.values())
    versions = (
        f"Python {platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__}, "
        f"scikit-learn {sklearn.__version__}, phate {phate.__version__}, graphtools {graphtools.__version__}"
    )
    return "\n\n".join(
        [
            f"Measured {stamps[0]} to {stamps[-1]} by `python bench/real_bench.py` on {platform.machine()} with "
            f"{_cores()} cores; {versions}. Speed-up, memory and preservation deltas are against the reference "
            "(m-phate 0.1.6, `n_jobs=1`) on the same tensor.",
            "### Side by side\n\n" + table(rows, PLANS["suite"]),
            "### Targets (issue 7), defaults against the reference\n\n" + verdicts(rows),
            "### Scale\n\n" + scale_verdict(rows),
            "### Are the clusters real? (defaults)\n\n" + cluster_table(rows),
            "### Held out: networks no default was chosen on\n\n"
            + table(rows, ["reference", "defaults", "SGD defaults"], HELD_OUT)
            + "\n\n"
            + verdicts(rows, tensors=HELD_OUT)
            + "\n\n"
            + cluster_table(rows, tensors=HELD_OUT),
            "### Seeds: the reference and the defaults at random_state 0, 1 and 2\n\n" + seed_table(rows),
            "### Metric MDS: SMACOF (the default up to 3000 points) against phate's SGD\n\n"
            + table(rows, ["reference", "defaults", "SGD defaults"]),
            "### Interstep kernel: the 50 nearest slices (defaults) against the exact kernel, both with SMACOF\n\n"
            + table(rows, ["reference", "defaults", "defaults, exact kernel"], ALL_TENSORS),
            "### Landmarks: graphtools' own against ours, and the randomized SVD's power iterations "
            "(measured with the SGD solver, the default before SMACOF)\n\n"
            + table(rows, ["reference", "SGD defaults", *PLANS["landmarks"]]),
            "### Ablation: one change at a time from the 0.1 defaults\n\n"
            + table(rows, ["reference", *PLANS["ablation"]]),
            "### Candidate defaults: sparse interstep kernel and fewer landmarks\n\n"
            + table(rows, ["reference", *PLANS["candidates"]]),
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("plan", choices=[*PLANS, "report"])
    parser.add_argument(
        "--networks",
        nargs="+",
        help="only these tensors (the real suite by default; simulated_demo and simulated_1M on request)",
    )
    parser.add_argument("--held-out", action="store_true", help="the held-out networks instead of the suite")
    parser.add_argument("--configs", nargs="+", help="only these configurations of the plan")
    parser.add_argument("--redo", nargs="*", default=[], help="measure these configurations again")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per fit")
    parser.add_argument(
        "--update-results", action="store_true", help="rewrite the real-network part of RESULTS.md"
    )
    args = parser.parse_args()
    pool = HELD_OUT if args.held_out else ALL_TENSORS if args.networks else SUITE
    networks = [n for n in pool if not args.networks or n.name in args.networks]
    if args.plan == "report":
        rows = load_rows()
    else:
        names = [c for c in PLANS[args.plan] if not args.configs or c in args.configs]
        rows = run_plan(names, networks, set(args.redo), args.timeout)
    text = report(rows)
    print("\n" + text)
    if args.update_results:
        missing = [
            f"{net.name} / {name}"
            for net in [*SUITE, *HELD_OUT]
            for name in ("reference", "defaults")
            if (net.name, name) not in rows
        ]
        if missing:
            # The rows measured before bench/results/ was tracked (up to 2026-12-06) were kept in the
            # git-ignored bench/out/ and are lost: rewriting now would drop their measurements.
            raise SystemExit(
                f"Not rewriting RESULTS.md: {len(missing)} rows of the suite are not in {SAVED} "
                f"(e.g. {missing[0]}). Measure them first (the plans above), then report again."
            )
        write_section(BEGIN, END, "## Real networks (issue 7)", text)


if __name__ == "__main__":
    main()
