"""End to end in JupyterLab: link_widgets' links run in the browser, so a colouring picked in one view
reaches the other view's model and from there the kernel, in both directions."""

from __future__ import annotations

import pytest
from test_end_to_end import READY, open_and_run, run_code, wait_for_output

pytestmark = pytest.mark.jupyter

SETUP = """\
import ipywidgets
from mmphate_widget.analysis.synthetic import simulate_rnn_training
from mmphate_widget.widget import MMPHATEWidget, link_widgets

views = [
    MMPHATEWidget(simulate_rnn_training(6, 5, 8, 12, random_state=seed)[0], interstep_knn=5, t=10, verbose=False)
    for seed in (0, 1)
]
links = link_widgets(*views)
ipywidgets.HBox(views)"""
STATE = 'print("COLOR", views[0].color_by, views[1].color_by)'


def test_linked_colouring_follows_in_the_browser_and_reaches_the_kernel(jupyter_server, page):
    open_and_run(jupyter_server, page, "linking.ipynb", [SETUP])
    page.wait_for_function("(s) => document.querySelectorAll(s).length === 2", arg=READY, timeout=120_000)
    selects = page.locator(".mmphate-root .mmphate-color-by")

    # 1. Colour by unit in the first view's menu: the second view's menu follows, and both reach Python.
    selects.nth(0).select_option("unit")
    page.wait_for_function(
        "() => document.querySelectorAll('.mmphate-color-by')[1].value === 'unit'", timeout=20_000
    )
    wait_for_output(page, STATE, r"COLOR unit unit")

    # 2. Set from Python on the second widget: its view changes, the link carries it to the first.
    run_code(page, 'views[1].color_by = "cluster"')
    page.wait_for_function(
        "() => document.querySelectorAll('.mmphate-color-by')[0].value === 'cluster'", timeout=20_000
    )
    wait_for_output(page, STATE, r"COLOR cluster cluster")
    assert not [e for e in page.console_errors if "mmphate" in e.lower()], page.console_errors
