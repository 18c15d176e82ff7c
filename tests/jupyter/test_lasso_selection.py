"""End to end in JupyterLab: a lasso drawn with the mouse selects nodes in the browser, and the
kernel reads them back as ``w.selected_nodes`` and in ``w.selection()``."""

from __future__ import annotations

import math

import pytest
from polygons import edge_distance, inside
from test_end_to_end import READY, open_and_run, run_code, wait_for_output

pytestmark = pytest.mark.jupyter

E, T, U, S = 6, 5, 8, 12
SETUP = f"""\
from mmphate_widget.analysis.synthetic import simulate_rnn_training
from mmphate_widget.widget.widget import MMPHATEWidget

hidden, labels = simulate_rnn_training({E}, {T}, {U}, {S}, random_state=0)
w = MMPHATEWidget(hidden, labels=labels, interstep_knn=5, t=10, random_state=0, verbose=False)
w.epoch_range = [1, 3]
w"""
POSITIONS_JS = """(root) => Array.from({length: Number(root.dataset.pointsDrawn)},
  (_, i) => root.mmphateScreenPosition(i))"""


def test_lasso_in_the_browser_reaches_the_kernel(jupyter_server, page):
    name = "e2e_lasso.ipynb"
    open_and_run(jupyter_server, page, name, [SETUP])
    page.wait_for_selector(READY, timeout=120_000)
    root = page.locator(".mmphate-root").first
    # epoch_range [1, 3]: three of the six epochs (numbered 0..5) are shown.
    page.wait_for_function(
        "n => document.querySelector('.mmphate-root').dataset.pointsVisible === String(n)",
        arg=3 * T * U,
        timeout=20_000,
    )
    root.scroll_into_view_if_needed()
    page.mouse.move(0, 0)
    box = root.locator(".mmphate-viewport canvas").bounding_box()
    positions = {i: (p["x"], p["y"]) for i, p in enumerate(root.evaluate(POSITIONS_JS)) if p is not None}
    assert len(positions) == 3 * T * U
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    polygon = None
    for scale in [0.3 + 0.01 * k for k in range(20)]:
        r = scale * min(box["width"], box["height"])
        candidate = [
            (cx + r * math.cos(k * math.pi / 3), cy + r * math.sin(k * math.pi / 3)) for k in range(6)
        ]
        if all(edge_distance(x, y, candidate) > 3 for x, y in positions.values()):
            polygon = candidate
            break
    assert polygon is not None, "no lasso keeps clear of every node"
    expected = sorted(n for n, (x, y) in positions.items() if inside(x, y, polygon))
    assert expected, "the lasso should take some nodes"

    root.locator(".mmphate-drag-mode").select_option("lasso")
    page.mouse.move(*polygon[0])
    page.mouse.down()
    for x, y in polygon[1:] + polygon[:1]:
        page.mouse.move(x, y, steps=8)
    page.mouse.up()

    match = wait_for_output(page, 'print("NODES", w.selected_nodes.tolist())', r"NODES (\[[^\]]*\])")
    assert match.group(1) == str(expected)
    text = run_code(
        page,
        'table = w.selection()\nprint("ROWS", len(table), table["node"].tolist() == w.selected_nodes.tolist())',
    )
    assert f"ROWS {len(expected)} True" in text
    assert not [e for e in page.console_errors if "mmphate" in e.lower()], page.console_errors
