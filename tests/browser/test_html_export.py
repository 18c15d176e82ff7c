"""A widget saved as one HTML file opens from file:// with the same view, and clicks still select."""

from __future__ import annotations

import re

import numpy as np
import pytest

from mmphate_widget.widget import wire

pytestmark = pytest.mark.browser


def slice_view(fitted, epoch_index=2, step=1):
    """Set the Python widget to one (epoch, step) slice, seen from close by; return its nodes."""
    w = fitted.widget
    nodes = [fitted.node(epoch_index, step, u) for u in range(fitted.n_units)]
    w.epoch_range = [fitted.epochs[epoch_index]] * 2
    w.step_range = [step, step]
    w.point_size = 6
    points = wire.scale_positions(w.model.embedding_)[nodes].astype(float)
    centre = (points.min(axis=0) + points.max(axis=0)) / 2
    radius = max(float(np.linalg.norm(points - centre, axis=1).max()), 1e-3)
    _, axes = np.linalg.eigh(np.cov((points - centre).T))
    w.camera = {
        "position": (centre + axes[:, 0] * radius * 3.5).tolist(),
        "target": centre.tolist(),
        "up": axes[:, 1].tolist(),
    }
    return nodes


def test_the_html_file_is_self_contained_and_interactive(browser, fitted, tmp_path):
    w = fitted.widget
    saved = {
        name: getattr(w, name) for name in ("epoch_range", "step_range", "point_size", "camera", "color_by")
    }
    try:
        nodes = slice_view(fitted)
        w.color_by = "cluster"
        path = w.to_html(tmp_path / "run.html")
    finally:
        for name, value in saved.items():
            setattr(w, name, value)
    text = path.read_text(encoding="utf-8")
    # one file: no external scripts, styles or fetches
    assert not re.search(r"<script[^>]+src=|<link[^>]+stylesheet|https?://(?!www\.w3\.org)", text)

    context = browser.new_context(viewport={"width": 1200, "height": 800}, offline=True)
    errors: list[str] = []
    try:
        page = context.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(path.as_uri())
        page.wait_for_selector('.mmphate-root[data-mmphate-ready="true"]', timeout=20_000)
        root = ".mmphate-root"
        # the same view: one slice shown, coloured by cluster
        assert page.get_attribute(root, "data-points-visible") == str(fitted.n_units)
        assert page.evaluate("() => window.mmphate.model.get('color_by')") == "cluster"
        positions = {
            n: page.evaluate("n => document.querySelector('.mmphate-root').mmphateScreenPosition(n)", n)
            for n in nodes
        }
        shown = {n: p for n, p in positions.items() if p is not None}
        isolated = [
            n
            for n, p in shown.items()
            if all(np.hypot(p["x"] - q["x"], p["y"] - q["y"]) >= 16 for m, q in shown.items() if m != n)
        ]
        assert isolated, "no point of the slice is clear of the others"
        node = isolated[0]
        page.mouse.click(shown[node]["x"], shown[node]["y"])
        page.wait_for_function("() => window.mmphate.model.get('selected_units').length === 1", timeout=5000)
        assert page.evaluate("() => window.mmphate.model.get('selected_units')") == [node % fitted.n_units]
        # interactions that need no kernel work: recolour from the page's own control
        page.select_option(".mmphate-root select.mmphate-color-by", "unit")
        assert page.evaluate("() => window.mmphate.model.get('color_by')") == "unit"
    finally:
        context.close()
    assert not errors, f"errors in the page: {errors}"
