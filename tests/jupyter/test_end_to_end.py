"""End to end in a real server: JupyterLab 4 and Notebook 7 show the widget, a click in the browser
reaches the kernel, and traits set in the kernel change what the browser draws."""

from __future__ import annotations

import io
import re

import nbformat
import numpy as np
import pytest
from PIL import Image

pytestmark = pytest.mark.jupyter

E, T, U, S = 6, 5, 8, 12
EPOCHS = [1, 3, 5, 7, 9, 11]
READY = '.mmphate-root[data-mmphate-ready="true"]'
SETUP = f"""\
import numpy as np
from mmphate_widget.analysis.synthetic import simulate_rnn_training
from mmphate_widget.widget.widget import MMPHATEWidget

hidden, labels = simulate_rnn_training({E}, {T}, {U}, {S}, random_state=0)
w = MMPHATEWidget(
    hidden, labels=labels, epochs={EPOCHS}, interstep_knn=5, t=10, random_state=0, verbose=False
)
w"""

# Page-side helpers; they reach the notebook through window.jupyterapp (expose_app_in_browser),
# which works the same in JupyterLab and Notebook 7.
KERNEL_READY_JS = """() => {
  const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const ctx = panel && panel.sessionContext;
  const kernel = ctx && ctx.session && ctx.session.kernel;
  return Boolean(ctx && ctx.isReady && kernel && kernel.status === 'idle'
    && kernel.connectionStatus === 'connected');
}"""
APPEND_AND_RUN_JS = """async (code) => {
  const app = window.jupyterapp;
  const notebook = app.shell.currentWidget.content;
  const index = notebook.model.sharedModel.cells.length;
  notebook.model.sharedModel.insertCell(index, {cell_type: 'code', source: code});
  notebook.activeCellIndex = index;
  await app.commands.execute('notebook:run-cell');
  return index;
}"""
CELL_DONE_JS = """(index) => {
  const cell = window.jupyterapp.shell.currentWidget.content.widgets[index];
  return cell && cell.model.executionCount !== null && cell.model.executionState === 'idle';
}"""
CELL_TEXT_JS = """(index) => {
  const cell = window.jupyterapp.shell.currentWidget.content.widgets[index];
  const area = cell.node.querySelector('.jp-OutputArea');
  return area ? area.innerText : '';
}"""
# The drawn node whose screen position is farthest from any node of another unit, so a click on
# it cannot pick a different unit.
ISOLATED_NODE_JS = """(root, nUnits) => {
  const n = Number(root.dataset.pointsDrawn);
  const box = root.getBoundingClientRect();
  const pos = Array.from({length: n}, (_, i) => root.mmphateScreenPosition(i));
  let best = {node: -1, gap: -1};
  for (let i = 0; i < n; i++) {
    const p = pos[i];
    if (!p || p.x < box.left + 5 || p.x > box.right - 5) continue;
    if (p.y < box.top + 5 || p.y > box.bottom - 5) continue;
    let gap = Infinity;
    for (let j = 0; j < n; j++) {
      if (!pos[j] || j % nUnits === i % nUnits) continue;
      gap = Math.min(gap, Math.hypot(pos[j].x - p.x, pos[j].y - p.y));
    }
    if (gap > best.gap) best = {node: i, gap, x: p.x, y: p.y};
  }
  return best;
}"""
# The WebGL canvas of a widget view (its largest canvas).
CLOUD_CANVAS_JS = """(root) => {
  const canvases = Array.from(root.querySelectorAll('canvas'));
  canvases.sort((a, b) => b.width * b.height - a.width * a.height);
  canvases[0].setAttribute('data-e2e-cloud', '1');
}"""


def write_notebook(path, sources) -> None:
    """A Python 3 notebook at ``path`` with one code cell per source, unexecuted."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    nbformat.write(nb, path)


def open_and_run(jupyter_server, page, name: str, sources) -> None:
    """Write a notebook of ``sources``, open it in JupyterLab, wait for its kernel, run every cell."""
    write_notebook(jupyter_server.root_dir / name, sources)
    page.goto(jupyter_server.page_url(f"lab/tree/{name}") + "&reset")
    # JupyterLab can report "idle" while there is still no kernel: wait for a connected, idle one.
    page.wait_for_function(KERNEL_READY_JS, timeout=120_000)
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")


def run_code(page, code: str, timeout_ms: int = 60_000) -> str:
    """Append a code cell, run it in the kernel and return its text output."""
    index = page.evaluate(APPEND_AND_RUN_JS, code)
    page.wait_for_function(CELL_DONE_JS, arg=index, timeout=timeout_ms)
    return page.evaluate(CELL_TEXT_JS, index)


def wait_for_output(page, code: str, pattern: str, timeout_s: float = 20.0) -> re.Match:
    """Run ``code`` in new cells until its output matches ``pattern`` (state syncs async)."""
    deadline = page.evaluate("() => performance.now()") + timeout_s * 1000
    while True:
        text = run_code(page, code)
        match = re.search(pattern, text)
        if match or page.evaluate("() => performance.now()") > deadline:
            assert match, f"output {text!r} never matched {pattern!r}"
            return match
        page.wait_for_timeout(300)


def cloud_pixels(page, root_index: int) -> np.ndarray:
    """RGB pixels of the point-cloud canvas of the ``root_index``-th widget view."""
    root = page.locator(".mmphate-root").nth(root_index)
    root.evaluate(CLOUD_CANVAS_JS)
    png = root.locator("canvas[data-e2e-cloud]").screenshot()
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.int16)


@pytest.mark.parametrize(("ui", "path"), [("jupyterlab", "lab/tree/{}"), ("notebook7", "notebooks/{}")])
def test_click_reaches_kernel_and_python_drives_the_view(jupyter_server, page, ui, path):
    name = f"e2e_{ui}.ipynb"
    write_notebook(jupyter_server.root_dir / name, [SETUP, 'print("SELECTED", w.selected_units)'])
    url = jupyter_server.page_url(path.format(name))
    page.goto(url + ("&reset" if ui == "jupyterlab" else ""))
    # JupyterLab can report "idle" while there is still no kernel: wait for a connected, idle one.
    page.wait_for_function(KERNEL_READY_JS, timeout=120_000)
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")

    # 1. The first cell displays the widget and it draws all E*T*U points.
    page.wait_for_selector(READY, timeout=120_000)
    root = page.locator(".mmphate-root").first
    assert root.get_attribute("data-points-drawn") == str(E * T * U)
    assert root.get_attribute("data-points-visible") == str(E * T * U)

    # 2. Click a known node in the browser; its unit reaches Python's selected_units.
    root.scroll_into_view_if_needed()
    page.mouse.move(0, 0)
    target = root.evaluate(ISOLATED_NODE_JS, U)
    assert target["node"] >= 0 and target["gap"] > 4, f"no clickable node: {target}, {page.console_errors}"
    page.mouse.click(target["x"], target["y"])
    unit = target["node"] % U
    wait_for_output(page, 'print("SELECTED", w.selected_units)', rf"SELECTED \[{unit}\]")

    # 3. Python sets color_by: the same view redraws with other colours.
    page.mouse.move(0, 0)
    before = cloud_pixels(page, 0)
    run_code(page, 'w.color_by = "unit"')
    changed = 0
    for _ in range(50):
        after = cloud_pixels(page, 0)
        changed = int((np.abs(after - before).max(axis=2) > 40).sum())
        if changed > 20:
            break
        page.wait_for_timeout(200)
    assert changed > 20, f"colouring by unit changed only {changed} pixels"

    # 4. Python narrows epoch_range (user's epoch numbers 1..5 = the first 3 of 6 epochs).
    run_code(page, "w.epoch_range = [1, 5]")
    page.wait_for_function(
        "(n) => document.querySelector('.mmphate-root').dataset.pointsVisible === String(n)",
        arg=3 * T * U,
        timeout=20_000,
    )
    assert cloud_pixels(page, 0).shape == before.shape

    # 5. An invalid value from Python is rejected and the widget keeps working.
    text = run_code(page, "try:\n    w.point_size = 99\nexcept Exception as err:\n    print('REJECTED', err)")
    assert "REJECTED point_size must be a number in [0.5, 50.0], got 99" in text
    assert "6.0" in run_code(page, "w.point_size = 6\nprint(w.point_size)")

    # 6. Displaying the widget again shows the same state in a second view.
    run_code(page, "w")
    page.wait_for_function("(s) => document.querySelectorAll(s).length === 2", arg=READY, timeout=60_000)
    second = page.locator(".mmphate-root").nth(1)
    assert second.get_attribute("data-points-visible") == str(3 * T * U)
    state = run_code(page, "print(w.selected_units, w.color_by, w.epoch_range)")
    assert state.strip() == f"[{unit}] unit [1, 5]"
    assert not [e for e in page.console_errors if "mmphate" in e.lower()], page.console_errors
