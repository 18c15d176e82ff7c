"""Small tensors: the reference and the defaults on short recordings of the real networks.

A short recording (a few epochs), or a live widget's first refits, gives tensors of a few thousand
nodes, far below the real-network suite's 23k to 92k. Here they are cut from the suite's cached
networks (``real_networks.py``) by keeping a few evenly spaced epochs, 1,440 to 12,800 nodes.
Each fit runs in its own process under ``/usr/bin/time -v`` (``engine_bench.measure``), as in
``real_bench.py``; neighbourhood preservation is scored from the saved embedding.

    python bench/real_networks.py && python bench/real_networks.py --held-out   # the networks, cached
    python bench/small_bench.py --update-results

Measured rows are kept in ``bench/results/small.json`` (tracked in git) and reused (``--redo`` measures again).
Run on a quiet machine.
"""

from __future__ import annotations

import argparse
import json
import platform
from pathlib import Path

import numpy as np
from engine_bench import OUT, SAVED_ROWS, _cores, fmt, measure, table_head, write_section
from real_networks import HELD_OUT, SUITE

BEGIN, END = "<!-- small:begin -->", "<!-- small:end -->"
SAVED = SAVED_ROWS / "small.json"
SCORES = ("intra@10", "inter@10", "intra@40", "inter@40")
NETWORKS = {net.name: net for net in [*SUITE, *HELD_OUT]}
# (network, epochs kept): 1,440 to 12,800 nodes, below, around and above the 2,000 nodes up to
# which there are no landmarks, and the 8,000 up to which n_landmark="auto" keeps 4 nodes each.
SMALL = [
    ("italypower_rnn12", 5),
    ("basicmotions_gru16", 1),
    ("italypower_lstm32", 3),
    ("gunpoint_gru16", 1),
    ("italypower_rnn12", 10),
    ("unittest_gru32", 4),
    ("basicmotions_gru16", 2),
    ("italypower_lstm32", 8),
    ("italypower_rnn64", 4),
    ("unittest_gru32", 8),
    ("osuleaf_gru16", 1),
    ("gunpoint_gru16", 3),
    ("basicmotions_lstm32", 4),
]
CONFIGS = ("reference", "defaults")


def cut(network: str, n_epochs: int) -> tuple[str, Path]:
    """``n_epochs`` evenly spaced epochs of a cached network, saved once; (name, path)."""
    name = f"{network}_e{n_epochs}"
    path = OUT / "small" / f"{name}.npy"
    if not path.exists():
        with np.load(NETWORKS[network].path, allow_pickle=False) as saved:
            states = saved["hidden_states"]
        keep = np.unique(np.linspace(0, states.shape[0] - 1, n_epochs).round().astype(int))
        path.parent.mkdir(parents=True, exist_ok=True)
        np.save(path, np.ascontiguousarray(states[keep]))
    return name, path


def load_rows() -> dict:
    return json.loads(SAVED.read_text()) if SAVED.exists() else {}


def run(redo: bool, timeout: float) -> dict:
    rows = load_rows()
    for network, n_epochs in SMALL:
        name, path = cut(network, n_epochs)
        for config in CONFIGS:
            key = f"{name}|{config}"
            if key in rows and not redo and "error" not in rows[key]:
                continue
            impl = "reference" if config == "reference" else "ours"
            result = measure(path, impl, {}, f"small_{name}_{config}", timeout)
            result["shape"] = list(np.load(path, mmap_mode="r").shape)
            rows = {**load_rows(), key: result}
            SAVED.parent.mkdir(parents=True, exist_ok=True)
            SAVED.write_text(json.dumps(rows, indent=1))
    return rows


def report(rows: dict) -> str:
    head = ("tensor", "E x T x U x S", "nodes", "ref s", "ours s", "speed-up", "ref GB", "ours GB")
    head += ("memory", "t ref / ours", *(f"{k} ours (vs ref)" for k in SCORES))
    lines = table_head(head)
    worst = dict.fromkeys(SCORES, np.inf)
    speedups, memories = [], []
    for network, n_epochs in SMALL:
        name = f"{network}_e{n_epochs}"
        ref, ours = rows.get(f"{name}|reference"), rows.get(f"{name}|defaults")
        if not ref or not ours or "error" in ref or "error" in ours:
            lines.append(f"| {name} | | | failed or not measured |" + " |" * (len(head) - 4))
            continue
        shape = ours["shape"]
        speed, memory = ref["wall_s"] / ours["wall_s"], ref["peak_rss_gb"] / ours["peak_rss_gb"]
        speedups.append(speed)
        memories.append(memory)
        scores = []
        for k in SCORES:
            worst[k] = min(worst[k], ours[k] - ref[k])
            scores.append(f"{ours[k]:.3f} ({ours[k] - ref[k]:+.3f})")
        lines.append(
            f"| {name} | {'x'.join(map(str, shape))} | {int(np.prod(shape[:3])):,} | {fmt(ref['wall_s'])} | "
            f"{fmt(ours['wall_s'])} | {speed:.1f}x | {fmt(ref['peak_rss_gb'])} | {fmt(ours['peak_rss_gb'])} | "
            f"{memory:.1f}x | {ref['t']} / {ours['t']} | " + " | ".join(scores) + " |"
        )
    stamps = sorted(r.get("measured", "") for r in rows.values())
    summary = (
        f"Over the {len(speedups)} tensors: the defaults {min(speedups):.1f}x to {max(speedups):.1f}x faster "
        f"than the reference, a peak-memory ratio (the reference's over ours) of {min(memories):.1f}x to "
        f"{max(memories):.1f}x; the worst "
        "difference in preservation, per score: " + ", ".join(f"{k} {worst[k]:+.3f}" for k in SCORES) + "."
        if speedups
        else "Nothing measured yet."
    )
    return "\n\n".join(
        [
            f"Measured {stamps[0] if stamps else ''} to {stamps[-1] if stamps else ''} by "
            f"`python bench/small_bench.py` on {platform.machine()} with {_cores()} cores. Each tensor keeps "
            "a few evenly spaced epochs of a real network of the suite (`_eN`: N epochs); reference: "
            "m-phate 0.1.6, `n_jobs=1` (it runs without landmarks up to 4,000 nodes).",
            "\n".join(lines),
            summary,
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--redo", action="store_true", help="measure every row again")
    parser.add_argument("--report", action="store_true", help="only print (and write) the saved rows")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per fit")
    parser.add_argument("--update-results", action="store_true", help="rewrite this part of RESULTS.md")
    args = parser.parse_args()
    rows = load_rows() if args.report else run(args.redo, args.timeout)
    text = report(rows)
    print("\n" + text)
    if args.update_results:
        write_section(BEGIN, END, "## Small tensors (issue 7): `python bench/small_bench.py`", text)


if __name__ == "__main__":
    main()
