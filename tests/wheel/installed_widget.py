"""Runs inside the fresh virtual environment of ``test_installed_wheel.py``, with no Node on the
PATH: never in the repository's own environment, and never imported by pytest.

It builds an ``MMPHATEWidget`` from the installed wheel on a tiny simulated model, showing one
(epoch, step) slice close up, and prints one ``RESULT`` line of JSON: where the package was
imported from, what ``shutil.which`` finds for node and npm, the ES module the widget sends to the
browser (anywidget's ``_esm``) and the synced state for ``tests/browser/harness.html``. It then
reads one line of JSON from stdin, the trait changes the front end made, applies them as the kernel
applies a front end's update message (``Widget.set_state``), and prints what Python reads back.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import numpy as np

import mmphate_widget
from mmphate_widget import MMPHATE, MMPHATEWidget, simulate_rnn_training
from mmphate_widget.widget import wire
from mmphate_widget.widget.html_export import jsonable
from mmphate_widget.widget.widget import CONTRACT_TRAITS

EPOCHS = [0, 5, 10, 15, 20, 25]
N_STEPS, N_UNITS = 5, 8
EPOCH_INDEX, STEP = 2, 1


def _emit(payload: dict) -> None:
    print("RESULT " + json.dumps(payload), flush=True)


def _slice_close_up(model) -> tuple[list[int], dict]:
    """The nodes of one slice and a camera that spreads them over the canvas."""
    first = (EPOCH_INDEX * N_STEPS + STEP) * N_UNITS
    nodes = list(range(first, first + N_UNITS))
    points = wire.scale_positions(model.embedding_)[nodes].astype(float)
    centre = (points.min(axis=0) + points.max(axis=0)) / 2
    radius = max(float(np.linalg.norm(points - centre, axis=1).max()), 1e-3)
    # Look along the slice's direction of least spread, with its widest spread across the canvas.
    _, axes = np.linalg.eigh(np.cov((points - centre).T))
    position = centre + axes[:, 0] * radius * 3.5
    return nodes, {"position": position.tolist(), "target": centre.tolist(), "up": axes[:, 1].tolist()}


def main() -> None:
    hidden, labels = simulate_rnn_training(len(EPOCHS), N_STEPS, N_UNITS, 12, random_state=0)
    model = MMPHATE(random_state=0, interstep_knn=5, t=10, verbose=False).fit(
        hidden, labels=labels, epochs=EPOCHS
    )
    nodes, camera = _slice_close_up(model)
    widget = MMPHATEWidget(model)
    epoch = EPOCHS[EPOCH_INDEX]
    widget.epoch_range, widget.step_range = [epoch, epoch], [STEP, STEP]
    widget.point_size, widget.camera = 6.0, camera
    state = widget.get_state()
    _emit({
        "package": mmphate_widget.__file__,
        "bundle_file": str(Path(mmphate_widget.__file__).parent / "widget" / "static" / "widget.js"),
        "node": shutil.which("node"),
        "npm": shutil.which("npm"),
        "sys_path": sys.path,
        "esm": state["_esm"],
        "state": {name: jsonable(state[name]) for name in CONTRACT_TRAITS},
        "nodes": nodes,
        "n_units": N_UNITS,
    })  # fmt: skip

    front_end_sets = json.loads(sys.stdin.readline())
    for name, value in front_end_sets:
        widget.set_state({name: value})
    table = widget.selection()
    _emit({
        "selected_units": widget.selected_units,
        "selection_units": sorted({int(u) for u in table["unit"]}),
        "selection_rows": len(table["unit"]),
    })  # fmt: skip


if __name__ == "__main__":
    main()
