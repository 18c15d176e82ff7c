"""End to end in JupyterLab: a rectangle brushed on the intra-step entropy map sets `epoch_range`
(in the user's epoch numbers) and `step_range`, which the kernel reads back."""

from __future__ import annotations

import pytest
from test_end_to_end import EPOCHS, READY, SETUP, E, T, U, open_and_run, wait_for_output

pytestmark = pytest.mark.jupyter

RANGES = 'print("RANGES", w.epoch_range, w.step_range)'


def test_brush_on_the_entropy_map_reaches_the_kernel(jupyter_server, page):
    open_and_run(jupyter_server, page, "entropy_map.ipynb", [SETUP])
    page.wait_for_selector(READY, timeout=120_000)
    root = page.locator(".mmphate-root").first
    plot = root.locator(".mmphate-map-plot")
    plot.scroll_into_view_if_needed()
    assert root.locator(".mmphate-map-image").evaluate("c => [c.width, c.height]") == [E, T]

    # Drag from the cell (epoch index 1, step 3) to (epoch index 3, step 1).
    box = plot.bounding_box()

    def centre(epoch_index: int, step: int) -> tuple[float, float]:
        return (
            box["x"] + (epoch_index + 0.5) * box["width"] / E,
            box["y"] + (step + 0.5) * box["height"] / T,
        )

    page.mouse.move(*centre(1, 3))
    page.mouse.down()
    page.mouse.move(*centre(2, 2), steps=3)
    page.mouse.move(*centre(3, 1), steps=3)
    page.mouse.up()
    page.wait_for_function(
        "(n) => document.querySelector('.mmphate-root').dataset.pointsVisible === String(n)",
        arg=3 * 3 * U,
        timeout=20_000,
    )
    wait_for_output(page, RANGES, rf"RANGES \[{EPOCHS[1]}, {EPOCHS[3]}\] \[1, 3\]")
    assert not [e for e in page.console_errors if "mmphate" in e.lower()], page.console_errors
