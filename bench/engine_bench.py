"""Engine benchmark: mmphate-widget against the reference m-phate 0.1.6, side by side.

Every run is its own process under ``/usr/bin/time -v`` (wall time and peak RSS). The tensors are
``simulate_rnn_training(E, T, U, S, random_state=0)``. Results go to ``bench/RESULTS.md`` (the
engine table is printed at the end and copied into RESULTS.md by hand, with the analysis; the
widget section comes from ``widget_bench.py``).

    python bench/engine_bench.py            # everything (~15 min on 2 cores, the reference ~6 of it)
    python bench/engine_bench.py --quick    # our engine only, small sizes

The OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE variables some machines here set slow numpy down; both
implementations run with the same environment, so the comparison is fair either way.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

# (label, shape, implementation, interstep_neighbors[, n_landmark])
K = 50  # interstep_neighbors for the approximate runs
FULL = [
    ("demo (authors' size)", (46, 100, 20, 40), "reference", None),
    ("demo (authors' size)", (46, 100, 20, 40), "ours", None),
    ("demo (authors' size)", (46, 100, 20, 40), "ours", K),
    ("demo, n_landmark=2000", (46, 100, 20, 40), "ours", K, 2000),
    ("Area2Bump size", (64, 100, 20, 40), "ours", None),
    ("Area2Bump size", (64, 100, 20, 40), "ours", K),
    ("HAR size", (127, 128, 30, 6), "ours", K),
    ("scaling", (12, 100, 20, 40), "ours", None),
    ("scaling", (23, 100, 20, 40), "ours", None),
    ("scaling", (12, 100, 20, 40), "ours", K),
    ("scaling", (23, 100, 20, 40), "ours", K),
]
QUICK = [
    ("scaling 1/4", (12, 100, 20, 40), "ours", None),
    ("scaling 1/2", (23, 100, 20, 40), "ours", None),
]


def run(shape, impl, neighbors, timeout, n_landmark=None):
    cmd = ["/usr/bin/time", "-v", sys.executable, str(HERE / "run_one.py"), "--impl", impl,
           "--shape", *map(str, shape)]
    if neighbors is not None:
        cmd += ["--interstep-neighbors", str(neighbors)]
    if n_landmark is not None:
        cmd += ["--n-landmark", str(n_landmark)]
    print("$", " ".join(cmd[2:]), flush=True)
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    line = next((l for l in proc.stdout.splitlines() if l.startswith("RESULT ")), None)
    if proc.returncode != 0 or line is None:
        return {"impl": impl, "shape": list(shape), "error": proc.stderr[-2000:]}
    result = json.loads(line[len("RESULT "):])
    rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr).group(1))
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", proc.stderr).group(1)
    parts = [float(p) for p in wall.split(":")]
    seconds = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
    result.update(wall_s=round(seconds, 1), peak_rss_gb=round(rss_kb / 1024**2, 2),
                  interstep_neighbors=neighbors)
    print("  ", json.dumps(result), flush=True)
    return result


COLUMNS = ("run", "E x T x U x S", "nodes", "impl", "wall s", "peak RSS GB", "kernel s", "PHATE s",
           "kernel nnz", "t", "intra@10", "inter@10", "intra@40", "inter@40")


def table(rows):
    """Markdown table of the runs."""
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for label, r in rows:
        E, T, U, S = r["shape"]
        impl = r["impl"]
        if r.get("interstep_neighbors"):
            impl += f" (interstep_neighbors={r['interstep_neighbors']})"
        if "error" in r:
            cells = [label, f"{E}x{T}x{U}x{S}", f"{E*T*U:,}", impl, "failed"] + [""] * 9
        else:
            nnz = r.get("kernel_nnz")
            cells = [label, f"{E}x{T}x{U}x{S}", f"{E*T*U:,}", impl, r["wall_s"], r["peak_rss_gb"],
                     r.get("kernel_s", ""), r.get("phate_s", ""), f"{nnz:,}" if nnz else "",
                     r.get("t", ""), r.get("intra@10", ""), r.get("inter@10", ""),
                     r.get("intra@40", ""), r.get("inter@40", "")]
        lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--out", type=Path, default=HERE / "out" / "engine_results.json")
    args = parser.parse_args()
    plan = QUICK if args.quick else FULL
    rows = []
    for label, shape, impl, neighbors, *n_landmark in plan:
        rows.append((label, run(shape, impl, neighbors, timeout=1800, n_landmark=(n_landmark or [None])[0])))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(rows, indent=1))
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    print(f"\n## Engine ({stamp}, {platform.machine()}, {os.cpu_count()} cores, python {platform.python_version()})\n")
    print(table(rows))


if __name__ == "__main__":
    main()
