"""Engine benchmark: mmphate-widget against the reference m-phate 0.1.6, side by side.

Every fit is its own process (``run_one.py``) under ``/usr/bin/time -v``: its wall time and peak
RSS cover loading the tensor and fitting, for the reference and for us alike. The tensors are
``simulate_rnn_training(E, T, U, S, random_state=0)`` in float64, generated once and saved under
``bench/out/tensors/``. Neighbourhood preservation (spec section 6) is scored afterwards in this
process from the saved embeddings, so it never counts towards a run's time or memory.

    python bench/engine_bench.py                    # everything (~20 min on 2 cores, the reference ~4 of it)
    python bench/engine_bench.py --update-results   # ... and rewrite the engine table in RESULTS.md
    python bench/engine_bench.py --quick            # our engine only, small sizes
    python bench/engine_bench.py --only "HAR size" --update-results   # re-measure some rows, keep the rest

Results: ``bench/results/engine.json`` (the measured rows, kept in git beside RESULTS.md, so that a
later ``--only`` run or report on a fresh clone still has them) and ``bench/out/engine_results.md``; with
``--update-results`` the generated part of ``bench/RESULTS.md`` (between the ``engine:begin`` and
``engine:end`` markers) is replaced. Run it on a quiet machine: both cores are used.
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import json
import platform
import re
import subprocess
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
#: Measured rows of every benchmark, tracked in git (``bench/out/`` holds only regenerable files:
#: tensors, embeddings).
SAVED_ROWS = HERE / "results"
RESULTS = HERE / "RESULTS.md"
BEGIN, END = "<!-- engine:begin -->", "<!-- engine:end -->"

DEMO, AREA2BUMP, HAR = (46, 100, 20, 40), (64, 100, 20, 40), (127, 128, 30, 6)
KNN = {"interstep_neighbors": 50}
FAST = {"interstep_neighbors": 50, "n_landmark": 2000}

# (label, shape, implementation, options of ours)
FULL = [
    ("demo (authors' size)", DEMO, "reference", {}),
    ("demo (authors' size)", DEMO, "ours", {}),
    ("demo (authors' size)", DEMO, "ours", KNN),
    ("demo (authors' size)", DEMO, "ours", FAST),
    ("Area2Bump size", AREA2BUMP, "ours", {}),
    ("Area2Bump size", AREA2BUMP, "ours", KNN),
    ("Area2Bump size", AREA2BUMP, "ours", FAST),
    ("HAR size", HAR, "ours", KNN),
    ("HAR size", HAR, "ours", FAST),
    ("scaling", (12, 100, 20, 40), "ours", {}),
    ("scaling", (23, 100, 20, 40), "ours", {}),
    ("scaling", (12, 100, 20, 40), "ours", KNN),
    ("scaling", (23, 100, 20, 40), "ours", KNN),
]
QUICK = [
    ("scaling", (12, 100, 20, 40), "ours", {}),
    ("scaling", (12, 100, 20, 40), "ours", KNN),
]
SCORES = ("intra@10", "inter@10", "intra@40", "inter@40")


def tensor_path(shape: tuple[int, ...]) -> Path:
    """The saved float64 tensor of this shape, generated on first use."""
    path = OUT / "tensors" / ("x".join(map(str, shape)) + ".npy")
    if not path.exists():
        from mmphate_widget import simulate_rnn_training

        path.parent.mkdir(parents=True, exist_ok=True)
        X, _ = simulate_rnn_training(*shape, random_state=0)
        np.save(path, X.astype(np.float64), allow_pickle=False)
    return path


def describe(impl: str, options: dict) -> str:
    if impl == "reference":
        return "reference"
    return "ours" + (
        " (" + ", ".join(f"{k}={v}" for k, v in options.items()) + ")" if options else " (defaults)"
    )


def measure(X_path: Path, impl: str, options: dict, slug: str, timeout: float) -> dict:
    """One fit in its own process under /usr/bin/time -v, then its neighbourhood preservation.

    Returns the child's RESULT line (fit_s, t, stage times) plus wall_s, peak_rss_gb and the
    four preservation scores, or {"error": ...} when the fit failed.
    """
    from mmphate_widget import neighborhood_preservation

    slug = re.sub(r"[^A-Za-z0-9]+", "_", slug).strip("_")
    Y_path = OUT / "embeddings" / f"{slug}.npy"
    Y_path.parent.mkdir(parents=True, exist_ok=True)
    cmd = [
        "/usr/bin/time",
        "-v",
        sys.executable,
        str(HERE / "run_one.py"),
        "--impl",
        impl,
        "--tensor",
        str(X_path),
        "--embedding-out",
        str(Y_path),
        "--params",
        json.dumps(options),
    ]
    print("$", " ".join(cmd[2:]), flush=True)
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    line = next((row for row in proc.stdout.splitlines() if row.startswith("RESULT ")), None)
    result: dict = {"measured": _now()}
    if proc.returncode != 0 or line is None:
        result["error"] = proc.stderr[-2000:]
        print("   failed:", result["error"][-500:], flush=True)
        return result
    result.update(json.loads(line[len("RESULT ") :]))
    rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr).group(1))
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", proc.stderr).group(1)
    seconds = sum(float(p) * 60**i for i, p in enumerate(reversed(wall.split(":"))))
    cpu = sum(
        float(re.search(rf"{kind} time \(seconds\): ([\d.]+)", proc.stderr).group(1))
        for kind in ("User", "System")
    )
    # CPU seconds (user + system) are kept beside the wall time: they vary far less when the
    # machine is not quiet.
    result.update(wall_s=round(seconds, 1), cpu_s=round(cpu, 1), peak_rss_gb=round(rss_kb / 1024**2, 2))
    X = np.load(X_path, allow_pickle=False)
    if X_path.suffix == ".npz":
        with X:
            X = X["hidden_states"]
    scores = neighborhood_preservation(X, np.load(Y_path, allow_pickle=False), ks=(10, 40))
    result.update({k: round(float(v), 4) for k, v in scores.items()})
    print("  ", json.dumps({k: v for k, v in result.items() if k != "options"}), flush=True)
    return result


def run(label: str, shape: tuple[int, ...], impl: str, options: dict, timeout: float) -> dict:
    """One row of this benchmark: a fit of the simulated tensor of ``shape``."""
    result = {
        "label": label,
        "impl": impl,
        "options": options,
        "shape": list(shape),
        "config": describe(impl, options),
    }
    slug = f"{'x'.join(map(str, shape))}_{describe(impl, options)}"
    result.update(measure(tensor_path(shape), impl, options, slug, timeout))
    return result


def fmt(value, spec: str = "") -> str:
    return "" if value is None else format(value, spec)


def table_head(head: tuple[str, ...]) -> list[str]:
    """The header and rule lines of a Markdown table."""
    return ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]


def runs_table(rows: list[dict]) -> str:
    head = (
        "run",
        "E x T x U x S",
        "nodes",
        "implementation",
        "wall s",
        "peak RSS GB",
        "fit s",
        "kernel s",
        "PHATE s",
        "kernel nnz",
        "t",
        *SCORES,
    )
    lines = table_head(head)
    for r in rows:
        E, T, U, S = r["shape"]
        cells = [r["label"], f"{E}x{T}x{U}x{S}", f"{E * T * U:,}", r["config"]]
        if "error" in r:
            cells += ["failed"] + [""] * (len(head) - len(cells) - 1)
        else:
            cells += [
                fmt(r["wall_s"]),
                fmt(r["peak_rss_gb"]),
                fmt(r["fit_s"]),
                fmt(r.get("kernel_s")),
                fmt(r.get("phate_s")),
                fmt(r.get("kernel_nnz"), ","),
                fmt(r.get("t")),
                *(fmt(r.get(k)) for k in SCORES),
            ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def targets_table(rows: list[dict]) -> str:
    """Issue 2's targets, each judged from the measured rows."""
    ok = [r for r in rows if "error" not in r]
    ref = next((r for r in ok if r["impl"] == "reference" and tuple(r["shape"]) == DEMO), None)
    head = ("target", "implementation", "measured", "verdict")
    lines = table_head(head)
    for r in ok:
        shape = tuple(r["shape"])
        if r["impl"] != "ours":
            continue
        if shape == DEMO and ref is not None:
            speed, fit_speed = ref["wall_s"] / r["wall_s"], ref["fit_s"] / r["fit_s"]
            memory = ref["peak_rss_gb"] / r["peak_rss_gb"]
            deltas = {k: r[k] - ref[k] for k in ("intra@10", "inter@10", "inter@40")}
            worst = min(deltas.values())
            measured = (
                f"{speed:.1f}x faster (wall; fit alone {fit_speed:.1f}x), {memory:.1f}x less peak memory, "
                f"preservation vs reference " + ", ".join(f"{k} {v:+.3f}" for k, v in deltas.items())
            )
            met = speed >= 10 and memory >= 10 and worst >= -0.02
            lines.append(
                f"| 46x100x20x40: >= 10x faster, >= 10x less memory, preservation >= reference - 0.02 "
                f"| {r['config']} | {measured} | {'met' if met else '**not met**'} |"
            )
        elif shape == AREA2BUMP:
            met = r["wall_s"] < 60 and r["peak_rss_gb"] < 3
            lines.append(
                f"| 64x100x20x40: under 60 s and 3 GB | {r['config']} | {r['wall_s']} s, "
                f"{r['peak_rss_gb']} GB | {'met' if met else '**not met**'} |"
            )
        elif shape == HAR:
            met = r["wall_s"] < 600 and r["peak_rss_gb"] < 8
            lines.append(
                f"| 127x128x30x6: finishes, under 10 min and 8 GB | {r['config']} | {r['wall_s']} s, "
                f"{r['peak_rss_gb']} GB | {'met' if met else '**not met**'} |"
            )
    return "\n".join(lines)


def memory_table(rows: list[dict]) -> str:
    """Peak RSS against nodes, per configuration, with the marginal bytes per node."""
    lines = [
        "| implementation | nodes -> peak RSS GB | marginal kB per node between consecutive sizes |",
        "|---|---|---|",
    ]
    configs = sorted({r["config"] for r in rows if r["impl"] == "ours" and "error" not in r})
    for config in configs:
        series = sorted(
            (r["shape"][0] * r["shape"][1] * r["shape"][2], r["peak_rss_gb"])
            for r in rows
            if r["config"] == config and "error" not in r and r["shape"][2] == 20
        )
        if len(series) < 2:
            continue
        points = ", ".join(f"{n:,}: {gb}" for n, gb in series)
        slopes = ", ".join(
            f"{(b[1] - a[1]) * 1024**2 / (b[0] - a[0]):.1f}" for a, b in itertools.pairwise(series)
        )
        lines.append(f"| {config} | {points} | {slopes} |")
    return "\n".join(lines)


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def report(rows: list[dict]) -> str:
    import graphtools
    import phate
    import scipy
    import sklearn

    stamps = [r.get("measured", "") for r in rows]
    versions = (
        f"Python {platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__}, "
        f"scikit-learn {sklearn.__version__}, phate {phate.__version__}, graphtools {graphtools.__version__}"
    )
    return "\n\n".join(
        [
            f"Measured {' to '.join(sorted({min(stamps), max(stamps)}))} by `python bench/engine_bench.py` on {platform.machine()} with "
            f"{_cores()} cores; {versions}.",
            runs_table(rows),
            "### Against the targets of issue 2\n\n" + targets_table(rows),
            "### Peak memory against nodes (U = 20 rows)\n\n" + memory_table(rows),
        ]
    )


def write_section(begin: str, end: str, heading: str, text: str) -> None:
    """Put ``text`` between the ``begin`` and ``end`` markers of RESULTS.md (a new ``heading`` section
    at the end when the markers are not there yet)."""
    current = RESULTS.read_text()
    if begin not in current:
        current += f"\n{heading}\n\n{begin}\n{end}\n"
    start, stop = current.index(begin) + len(begin), current.index(end)
    RESULTS.write_text(current[:start] + "\n" + text + "\n" + current[stop:])
    print(f"\nupdated {RESULTS}")


def _cores() -> int:
    import os

    return len(os.sched_getaffinity(0))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="our engine only, small sizes")
    parser.add_argument("--update-results", action="store_true", help="rewrite the engine part of RESULTS.md")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per run")
    parser.add_argument(
        "--only",
        nargs="+",
        metavar="LABEL",
        help="re-measure only the rows with these labels; keep the others from the last run",
    )
    args = parser.parse_args()
    plan = QUICK if args.quick else FULL
    saved = SAVED_ROWS / "engine.json"
    previous = {}
    if args.only:
        if not saved.exists():
            parser.error(f"--only needs the results of an earlier full run in {saved}")
        previous = {(r["label"], r["config"], tuple(r["shape"])): r for r in json.loads(saved.read_text())}
    rows = []
    for label, shape, impl, options in plan:
        key = (label, describe(impl, options), tuple(shape))
        if args.only and label not in args.only and key in previous:
            rows.append(previous[key])
        else:
            rows.append(run(label, shape, impl, options, args.timeout))
    OUT.mkdir(parents=True, exist_ok=True)
    saved.parent.mkdir(parents=True, exist_ok=True)
    saved.write_text(json.dumps(rows, indent=1))
    text = report(rows)
    (OUT / "engine_results.md").write_text(text + "\n")
    print("\n" + text)
    if args.update_results:
        current = RESULTS.read_text()
        start, stop = current.index(BEGIN) + len(BEGIN), current.index(END)
        RESULTS.write_text(current[:start] + "\n" + text + "\n" + current[stop:])
        print(f"\nupdated {RESULTS}")


if __name__ == "__main__":
    main()
