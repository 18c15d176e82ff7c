"""End to end in JupyterLab: a live widget follows a GRU while one cell trains it. While the cell
runs, the browser switches to successive fits on more and more epochs; at the end it shows the
final fit on every epoch, with the view state set before training, and the kernel reads it back."""

from __future__ import annotations

import pytest
from test_end_to_end import open_and_run, run_code

pytestmark = pytest.mark.jupyter

EPOCHS, T, U, S = 30, 8, 8, 12
SETUP = f"""\
import time
import torch
from mmphate_widget import HiddenStateRecorder
from mmphate_widget.widget import MMPHATEWidget

torch.set_num_threads(1)
torch.manual_seed(0)
x = torch.randn(96, {T}, 2, generator=torch.Generator().manual_seed(0))
y = (x[:, :, 0].sum(dim=1) > 0).long()
gru = torch.nn.GRU(2, {U}, batch_first=True)
head = torch.nn.Linear({U}, 2)
optimizer = torch.optim.Adam([*gru.parameters(), *head.parameters()], lr=0.02)
rec = HiddenStateRecorder(gru, x[:{S}])
w = MMPHATEWidget.live(
    rec, refit_every=5, labels=y[:{S}].numpy(), n_landmark=None, interstep_knn=5, t=10, random_state=0
)
w.color_by = "cluster"
w.selected_units = [3]
w"""
TRAIN = f"""\
for epoch in range({EPOCHS}):
    optimizer.zero_grad()
    logits = head(gru(x)[0][:, -1])
    loss = torch.nn.functional.cross_entropy(logits, y)
    loss.backward()
    optimizer.step()
    rec.record(epoch, loss=loss.item(), accuracy=(logits.argmax(1) == y).float().mean().item())
    time.sleep(0.25)
# Only for slow machines, after the loop: keep the cell running until a second fit was shown.
deadline = time.time() + 60
while w.live_status.n_fits < 2 and time.time() < deadline:
    time.sleep(0.1)
w.stop()
print("FITS", w.live_status.n_fits)"""
READBACK = (
    "print(w.model.n_epochs_, w.epoch_range, w.color_by, w.selected_units, w._dims['n_epochs'], "
    "len(rec.history['epoch']), w._live_status['stopped'], w._live_status['epochs_shown'])"
)

# Records every value of data-fit-epochs the widget takes, with whether the training cell runs.
WATCH_JS = """(index) => {
  const root = document.querySelector('.mmphate-root');
  const cell = window.jupyterapp.shell.currentWidget.content.widgets[index];
  window.fitsSeen = [];
  new MutationObserver(() => window.fitsSeen.push({
    fit: Number(root.dataset.fitEpochs), running: cell.model.executionState === 'running',
  })).observe(root, {attributes: true, attributeFilter: ['data-fit-epochs']});
}"""
APPEND_JS = """(code) => {
  const notebook = window.jupyterapp.shell.currentWidget.content;
  const index = notebook.model.sharedModel.cells.length;
  notebook.model.sharedModel.insertCell(index, {cell_type: 'code', source: code});
  return index;
}"""
RUN_JS = """(index) => {
  const notebook = window.jupyterapp.shell.currentWidget.content;
  notebook.activeCellIndex = index;
  window.jupyterapp.commands.execute('notebook:run-cell');
}"""
CELL_STATE_JS = """(index) => {
  const cell = window.jupyterapp.shell.currentWidget.content.widgets[index];
  const area = cell.node.querySelector('.jp-OutputArea');
  return {state: cell.model.executionState, count: cell.model.executionCount,
          text: area ? area.innerText : ''};
}"""


def test_the_browser_follows_training_fit_by_fit(jupyter_server, page):
    open_and_run(jupyter_server, page, "live.ipynb", [SETUP])

    # 1. The widget shows at once, waiting for its first fit.
    root = page.locator('.mmphate-root[data-live-state="waiting"]')
    root.wait_for(timeout=120_000)
    assert root.get_attribute("data-fit-epochs") == "0" and root.get_attribute("data-points-drawn") == "0"
    assert page.locator(".mmphate-waiting").is_visible()

    # 2. One cell trains; the page notes every fit it switches to while that cell runs.
    index = page.evaluate(APPEND_JS, TRAIN)
    page.evaluate(WATCH_JS, index)
    page.evaluate(RUN_JS, index)
    page.wait_for_function(
        "(i) => window.jupyterapp.shell.currentWidget.content.widgets[i].model.executionCount !== null"
        " && window.jupyterapp.shell.currentWidget.content.widgets[i].model.executionState === 'idle'",
        arg=index,
        timeout=180_000,
        polling=200,
    )
    cell = page.evaluate(CELL_STATE_JS, index)
    assert "FITS" in cell["text"], cell
    seen = page.evaluate("() => window.fitsSeen")
    fits = [s["fit"] for s in seen if s["running"] and s["fit"] > 0]
    while_running = [f for i, f in enumerate(fits) if i == 0 or f != fits[i - 1]]
    assert len(while_running) >= 2, f"fits shown while training: {seen}; cell output: {cell['text']}"
    assert while_running == sorted(set(while_running)), f"epoch counts did not grow: {seen}"

    # 3. The final fit on every epoch is shown, with the view state set before training.
    page.wait_for_selector(f'.mmphate-root[data-fit-epochs="{EPOCHS}"]', timeout=60_000)
    root = page.locator(".mmphate-root").first
    assert root.get_attribute("data-points-drawn") == str(EPOCHS * T * U)
    assert root.get_attribute("data-live-state") == "stopped"
    assert page.eval_on_selector(".mmphate-color-by", "s => s.value") == "cluster"
    assert page.locator(".mmphate-chips .mmphate-chip").count() == 1
    assert page.locator(".mmphate-chart path.metric-line").count() == 2
    assert page.locator(".mmphate-live-error").is_hidden()

    # 4. The kernel reads back the same state.
    text = run_code(page, READBACK)
    assert text.strip() == f"{EPOCHS} [0, {EPOCHS - 1}] cluster [3] {EPOCHS} {EPOCHS} True {EPOCHS}"
    assert not [e for e in page.console_errors if "mmphate" in e.lower()], page.console_errors
