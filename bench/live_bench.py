"""Overhead of the live widget on a training loop: seconds per epoch with and without it.

A small LSTM (32 units) learns sktime's bundled ItalyPowerDemand (both splits pooled, 80 % for
training in mini-batches of 8, 20 % for a validation accuracy each epoch; 1 input channel x 24
steps, 2 classes) for ``--epochs`` epochs, four ways, interleaved and repeated ``--repeats``
times (each run a fresh network with the same seed):

* *training only*: the loop alone;
* *recorder*: plus ``HiddenStateRecorder.record(epoch, loss=..., val_accuracy=...)`` on a trace set
  of 8 samples per class;
* *recorder + live widget*: plus ``MMPHATEWidget.live(rec, refit_every=5, n_landmark=500, t=10,
  random_state=0)``, refitting in a background thread while the loop runs; its comm
  goes to a stand-in that counts what would cross to the browser. ``stop()`` (the final fit on
  every epoch) runs after the loop and is timed apart;
* *recorder + live widget, fit_in='process'*: the same with the fits in one worker process.

Reported: the median over the repeats of each run's mean seconds per epoch, the time ``record()``
takes in the loop (its listeners included), the fits shown during training and how far the last
one lags, and the bytes sent per epoch and per fit. Training uses one torch thread; the fits use
whatever the machine has left. About 2-4 minutes on 2 cores::

    python bench/live_bench.py                      # print the table
    python bench/live_bench.py --update-results     # also rewrite the live section of RESULTS.md
"""

from __future__ import annotations

import argparse
import json
import logging
import platform
import statistics
import time
from typing import Any

import numpy as np
from engine_bench import _cores, _now, write_section

BEGIN, END = "<!-- live:begin -->", "<!-- live:end -->"
MODES = ("training only", "recorder", "recorder + live widget", "recorder + live widget, fit_in='process'")
LIVE_MODES = MODES[2:]
UNITS, BATCH, TRACE_PER_CLASS, REFIT_EVERY = 32, 8, 8, 5
# Settings for live use: at these sizes (4k-40k nodes) a fit with the defaults takes 8-11 s on 2
# cores, longer than the whole training loop; 500 landmarks and a fixed t take 3-5 s.
LIVE_PARAMS = {"n_landmark": 500, "t": 10, "random_state": 0}


class CountingComm:
    """Stands in for the kernel comm: keeps the size of every message the widget sends."""

    def __init__(self, data=None, buffers=None, **kwargs):
        self.comm_id = f"bench-{id(self)}"
        self.messages: list[dict[str, Any]] = []

    def send(self, data=None, buffers=None, **kwargs):
        state = (data or {}).get("state", {})
        size = len(json.dumps(data, default=str)) + sum(len(b) for b in buffers or [])
        self.messages.append(
            {
                "keys": set(state) | {p[0] for p in data.get("buffer_paths", [])},
                "bytes": size,
                "dims": state.get("_dims"),
            }
        )

    def on_msg(self, callback):
        pass

    def close(self, *args, **kwargs):
        pass


def load_data():
    """ItalyPowerDemand, both splits pooled and split again 80/20 (seeded): float32 (N, 24, 1), int64."""
    from sktime.datasets import load_italy_power_demand

    parts = [load_italy_power_demand(split=s, return_type="numpy3D") for s in ("train", "test")]
    X = np.concatenate([p[0] for p in parts]).transpose(0, 2, 1).astype(np.float32)
    y = np.unique(np.concatenate([p[1] for p in parts]), return_inverse=True)[1].astype(np.int64)
    order = np.random.default_rng(0).permutation(len(y))
    cut = int(0.8 * len(y))
    return X[order[:cut]], y[order[:cut]], X[order[cut:]], y[order[cut:]]


def run(mode: str, data, epochs: int) -> dict[str, Any]:
    """One training run; returns its per-epoch times and, with the widget, what it sent."""
    import ipywidgets.comm
    import torch

    from mmphate_widget import HiddenStateRecorder, pick_trace_samples
    from mmphate_widget.widget import MMPHATEWidget

    X_tr, y_tr, X_va, y_va = (torch.as_tensor(a) for a in data)
    torch.manual_seed(0)
    lstm = torch.nn.LSTM(1, UNITS, batch_first=True)
    head = torch.nn.Linear(UNITS, 2)
    optimizer = torch.optim.Adam([*lstm.parameters(), *head.parameters()], lr=0.01)
    rec = widget = None
    comms: list[CountingComm] = []
    if mode != "training only":
        rec = HiddenStateRecorder(lstm, X_tr[pick_trace_samples(y_tr.numpy(), TRACE_PER_CLASS)])
    if mode in LIVE_MODES:
        ipywidgets.comm.create_comm = lambda **kw: comms.append(CountingComm(**kw)) or comms[-1]
        fit_in = "process" if "process" in mode else "thread"
        widget = MMPHATEWidget.live(rec, refit_every=REFIT_EVERY, fit_in=fit_in, **LIVE_PARAMS)
    generator = torch.Generator().manual_seed(0)
    epoch_s, record_s, fitting = [], [], []
    for epoch in range(epochs):
        start = time.perf_counter()
        lstm.train()
        for batch in torch.randperm(len(y_tr), generator=generator).split(BATCH):
            optimizer.zero_grad()
            loss = torch.nn.functional.cross_entropy(head(lstm(X_tr[batch])[0][:, -1]), y_tr[batch])
            loss.backward()
            optimizer.step()
        with torch.no_grad():
            accuracy = (head(lstm(X_va)[0][:, -1]).argmax(1) == y_va).float().mean().item()
        if rec is not None:
            before = time.perf_counter()
            rec.record(epoch, loss=loss.item(), val_accuracy=accuracy)
            record_s.append(time.perf_counter() - before)
        epoch_s.append(time.perf_counter() - start)
        if widget is not None:
            fitting.append(widget.live_status.fitting)
    out = {"epoch_s": epoch_s, "record_s": record_s, "val_accuracy": accuracy}
    if widget is not None:
        messages = comms[-1].messages
        fits = [m for m in messages if "_positions" in m["keys"]]
        out["fit_epochs"] = [m["dims"]["n_epochs"] for m in fits]
        out["epoch_bytes"] = [m["bytes"] for m in messages if "_history" in m["keys"]]
        out["lag"] = epochs - (out["fit_epochs"][-1] if fits else 0)
        out["fitting"] = float(np.mean(fitting))
        start = time.perf_counter()
        widget.stop()
        out["stop_s"] = time.perf_counter() - start
        out["nodes"] = widget.n_nodes
        out["fit_bytes"] = [m["bytes"] for m in messages if "_positions" in m["keys"]]  # the final fit's too
    return out


def report(runs: dict[str, list[dict[str, Any]]], epochs: int, started: str) -> str:
    import phate
    import torch

    def median(values):
        return statistics.median(values) if values else float("nan")

    per_epoch = {mode: median([statistics.fmean(r["epoch_s"]) for r in runs[mode]]) for mode in MODES}
    base = per_epoch["recorder"]
    lines = [
        f"Measured {started} to {_now()} by `python bench/live_bench.py --epochs {epochs} --repeats "
        f"{len(runs[MODES[0]])}` on {platform.machine()} with {_cores()} cores; Python "
        f"{platform.python_version()}, torch {torch.__version__} (1 thread), numpy {np.__version__}, "
        f"phate {phate.__version__}. LSTM with {UNITS} units on ItalyPowerDemand "
        f"({epochs} epochs in mini-batches of {BATCH}, trace set {2 * TRACE_PER_CLASS} samples, "
        f"refit_every={REFIT_EVERY}, MM-PHATE with n_landmark=500, t=10: the defaults' fits take 8-11 s "
        "here, longer than the whole loop); runs of the modes interleaved; the median over the "
        "repeats of each run's mean.",
        "",
        "| mode | s / epoch | added vs recorder | record() ms (median) | val. accuracy |",
        "|---|---|---|---|---|",
    ]
    for mode in MODES:
        record_ms = median([median(r["record_s"]) * 1000 for r in runs[mode]]) if mode != MODES[0] else None
        added = per_epoch[mode] - base
        lines.append(
            f"| {mode} | {per_epoch[mode]:.3f} | "
            + ("" if mode not in LIVE_MODES else f"{added:+.3f} s ({added / base:+.0%})")
            + f" | {'' if record_ms is None else f'{record_ms:.2f}'} | "
            f"{median([r['val_accuracy'] for r in runs[mode]]):.3f} |"
        )
    for mode in LIVE_MODES:
        live = runs[mode]
        fits = [len(r["fit_epochs"]) for r in live]
        shown = "; ".join(", ".join(str(e) for e in r["fit_epochs"]) or "none" for r in live)
        lines += [
            "",
            f"*{mode}*: {median(fits):g} fits shown during the {epochs} epochs (median; epochs "
            f"in each fit, per run: {shown}); the last one shown lagged the loop's end by "
            f"{median([r['lag'] for r in live]):g} epochs; a fit was running at the end of "
            f"{median([r['fitting'] for r in live]):.0%} of the epochs. `stop()`'s final fit on all {epochs} epochs "
            f"({live[0]['nodes']:,} nodes) took {median([r['stop_s'] for r in live]):.1f} s after the loop. "
            f"Sent per epoch (curves and status): {median([median(r['epoch_bytes']) for r in live]) / 1e3:.1f} kB; "
            f"per fit (changed data traits, the new ranges and the status in one message): "
            f"{median([median(r['fit_bytes']) for r in live]) / 1e6:.2f} MB (median, the final fit's included).",
        ]
    lines += [
        "",
        f"Training only runs at {per_epoch[MODES[0]]:.3f} s / epoch, so the recorder itself adds "
        f"{base - per_epoch[MODES[0]]:+.3f} s. In a thread, a fit competes with the training loop for "
        "Python's interpreter lock; in a worker process it runs on the other core.",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--epochs", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--update-results", action="store_true", help="rewrite the live section of RESULTS.md"
    )
    args = parser.parse_args()
    import torch

    torch.set_num_threads(1)
    logging.getLogger("mmphate_widget").setLevel(logging.ERROR)  # the fits' cluster-stability notes
    started = _now()
    data = load_data()
    runs: dict[str, list[dict[str, Any]]] = {mode: [] for mode in MODES}
    for repeat in range(args.repeats):
        for mode in MODES:
            runs[mode].append(run(mode, data, args.epochs))
            r = runs[mode][-1]
            print(
                f"repeat {repeat + 1} {mode}: {statistics.fmean(r['epoch_s']):.3f} s/epoch"
                + (f", fits on {r['fit_epochs']}, stop {r['stop_s']:.1f} s" if "fit_epochs" in r else ""),
                flush=True,
            )
    text = report(runs, args.epochs, started)
    print("\n" + text)
    if args.update_results:
        write_section(BEGIN, END, "## Live widget overhead (issue 9)", text)


if __name__ == "__main__":
    main()
