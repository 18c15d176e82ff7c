"""The side panel's entropy views in headless Chromium: the intra-step entropy map (one image of
E x T cells in the cloud's colour map, hover highlights the slice, a brush sets the ranges) and the
inter-step entropy overview (every unit's line, clicking one selects its unit)."""

from __future__ import annotations

import base64
import re

import numpy as np
import pytest

from mmphate_widget.widget.colormaps import PLASMA, sample

pytestmark = pytest.mark.browser

MAP_PIXELS_JS = """() => {
  const canvas = window.harness.root.querySelector('.mmphate-map-image');
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  return {width: canvas.width, height: canvas.height, data: Array.from(data)};
}"""


def model_value(page, name: str):
    return page.evaluate("n => window.harness.model.get(n)", name)


def frontend_sets(page, name: str) -> list:
    sets = page.evaluate("() => window.harness.model.frontendSets")
    return [value for trait, value in sets if trait == name]


def frames(page, n: int = 2) -> None:
    page.evaluate("k => window.harness.frames(k)", n)


def cell_centre(page, fitted, epoch_index: int, step: int) -> tuple[float, float]:
    """Client coordinates of the centre of a map cell (epochs are columns, steps rows)."""
    box = page.locator(".mmphate-map-plot").bounding_box()
    x = box["x"] + (epoch_index + 0.5) * box["width"] / fitted.n_epochs
    y = box["y"] + (step + 0.5) * box["height"] / fitted.n_steps
    return x, y


def test_map_draws_one_image_of_epochs_by_steps_in_the_entropy_colours(page, fitted):
    image = page.locator(".mmphate-map canvas.mmphate-map-image")
    assert image.count() == 1
    # One element for the whole map, however many cells.
    assert page.locator(".mmphate-map *").count() < 30
    assert image.evaluate("c => getComputedStyle(c).imageRendering") == "pixelated"
    box = image.bounding_box()
    assert box["width"] > 150 and box["height"] > 80
    pixels = page.evaluate(MAP_PIXELS_JS)
    assert (pixels["width"], pixels["height"]) == (fitted.n_epochs, fitted.n_steps)
    drawn = np.array(pixels["data"], dtype=np.int16).reshape(fitted.n_steps, fitted.n_epochs, 4)

    # The same colours as the cloud's intra-step entropy colouring: plasma over the finite extent.
    values = fitted.widget.model.intrastep_entropy_.astype(np.float32).astype(np.float64)
    lo, hi = np.nanmin(values), np.nanmax(values)
    expected = sample(PLASMA, (values - lo) / (hi - lo)).astype(np.int16)  # (E, T, 3)
    assert np.abs(drawn[..., :3] - expected.transpose(1, 0, 2)).max() <= 3
    assert (drawn[..., 3] == 255).all()

    # The colour bar spans the same values.
    labels = page.locator(".mmphate-map-colorbar-labels span").all_text_contents()
    assert float(labels[0]) == pytest.approx(lo, rel=1e-2) and float(labels[1]) == pytest.approx(hi, rel=1e-2)
    # The current ranges (everything) are outlined.
    outline = page.locator(".mmphate-map-range")
    assert outline.is_visible()
    style = outline.evaluate("e => [e.style.left, e.style.width]")
    assert [float(v.rstrip("%")) for v in style] == pytest.approx([0, 100])


def test_hovering_a_cell_shows_its_value_and_highlights_the_slice_in_the_cloud(page, fitted):
    page.evaluate("() => window.harness.snapshot('before')")
    x, y = cell_centre(page, fitted, 2, 3)
    page.mouse.move(x, y)
    frames(page, 3)
    assert page.get_attribute(".mmphate-root", "data-highlighted-slice") == "2,3"
    label = page.locator(".mmphate-map-label")
    assert label.is_visible()
    value = float(fitted.widget.model.intrastep_entropy_[2, 3])
    text = label.text_content()
    assert text.startswith(f"epoch {fitted.epochs[2]} · step 3 · ")
    assert float(re.search(r"· ([-0-9.e]+)$", text).group(1)) == pytest.approx(value, rel=1e-2)
    # The slice's points are drawn larger and brighter.
    page.evaluate("() => window.harness.snapshot('hovered')")
    assert page.evaluate("() => window.harness.changedPixels('before', 'hovered')") > 20

    # Leaving the map clears the highlight and the cloud looks as before.
    page.mouse.move(5, 5)
    frames(page, 3)
    assert page.get_attribute(".mmphate-root", "data-highlighted-slice") is None
    assert label.is_hidden()
    page.evaluate("() => window.harness.snapshot('after')")
    assert page.evaluate("() => window.harness.changedPixels('before', 'after')") == 0
    # Hovering the map changes no trait.
    assert page.evaluate("() => window.harness.model.frontendSets") == []


def test_brushing_the_map_sets_the_epoch_and_step_ranges(page, fitted):
    x0, y0 = cell_centre(page, fitted, 1, 3)
    x1, y1 = cell_centre(page, fitted, 3, 1)
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move((x0 + x1) / 2, (y0 + y1) / 2, steps=3)
    assert page.locator(".mmphate-map-brush").is_visible()
    page.mouse.move(x1, y1, steps=3)
    page.mouse.up()
    frames(page)
    assert model_value(page, "epoch_range") == [fitted.epochs[1], fitted.epochs[3]]
    assert model_value(page, "step_range") == [1, 3]
    assert frontend_sets(page, "epoch_range") == [[fitted.epochs[1], fitted.epochs[3]]]
    assert page.get_attribute(".mmphate-root", "data-points-visible") == str(3 * 3 * fitted.n_units)
    assert page.locator(".mmphate-map-brush").is_hidden()
    # The new ranges are outlined on the map.
    style = page.locator(".mmphate-map-range").evaluate("e => [e.style.left, e.style.width, e.style.top]")
    assert [float(s.rstrip("%")) for s in style] == pytest.approx(
        [100 / fitted.n_epochs, 300 / fitted.n_epochs, 100 / fitted.n_steps], abs=0.01
    )

    # A click without a drag changes nothing; a double-click selects everything again.
    page.mouse.click(x0, y0)
    assert model_value(page, "step_range") == [1, 3]
    page.mouse.dblclick(x0, y0)
    frames(page)
    assert model_value(page, "epoch_range") == [fitted.epochs[0], fitted.epochs[-1]]
    assert model_value(page, "step_range") == [0, fitted.n_steps - 1]


def _trace_vertices(page) -> dict[int, np.ndarray]:
    """Client (x, y) of every vertex of every faint unit line, by unit."""
    traces = page.eval_on_selector_all(
        ".mmphate-chart path.unit-trace", "ps => ps.map(p => [+p.dataset.unit, p.getAttribute('d')])"
    )
    box = page.locator(".mmphate-chart-svg").bounding_box()
    out = {}
    for unit, d in traces:
        xy = np.array([[float(a), float(b)] for a, b in re.findall(r"[ML](-?[\d.]+),(-?[\d.]+)", d)])
        out[unit] = xy + np.array([box["x"], box["y"]])
    return out


def _isolated_vertex(vertices: dict[int, np.ndarray], exclude: set[int], gap: float = 9.0):
    """A (unit, x, y) vertex with no other unit's line within `gap` pixels at that epoch."""
    best = None
    for unit, xy in vertices.items():
        if unit in exclude:
            continue
        for e, (x, y) in enumerate(xy):
            others = [abs(v[e, 1] - y) for u, v in vertices.items() if u != unit and len(v) == len(xy)]
            distance = min(others)
            if distance >= gap and (best is None or distance > best[0]):
                best = (distance, unit, x, y)
    assert best is not None, "no unit line is far enough from the others to click"
    return best[1:]


def test_overview_draws_every_unit_and_clicking_a_line_selects_its_unit(page, fitted):
    clusters = fitted.widget.model.unit_clusters_
    traces = page.locator(".mmphate-chart path.unit-trace")
    assert traces.count() == fitted.n_units
    assert page.locator(".mmphate-chart path.cluster-line").count() == len(np.unique(clusters))
    strokes = page.eval_on_selector_all(
        ".mmphate-chart path.unit-trace", "ps => ps.map(p => [+p.dataset.unit, p.getAttribute('stroke')])"
    )
    by_cluster = {}
    for unit, stroke in strokes:
        by_cluster.setdefault(int(clusters[unit]), set()).add(stroke)
    assert all(len(s) == 1 for s in by_cluster.values()) and len(set().union(*by_cluster.values())) == len(
        by_cluster
    )

    # A new range redraws the chart but reuses the faint lines (cheap while playing).
    page.evaluate("() => { window.traces = document.querySelector('.mmphate-chart g.unit-traces'); }")
    page.evaluate("v => window.harness.pySet('epoch_range', v)", fitted.epochs[1:3])
    frames(page)
    assert page.locator(".mmphate-chart rect.out-of-range").count() == 2
    assert page.evaluate("() => document.querySelector('.mmphate-chart g.unit-traces') === window.traces")
    page.evaluate("v => window.harness.pySet('epoch_range', v)", [fitted.epochs[0], fitted.epochs[-1]])
    frames(page)

    vertices = _trace_vertices(page)
    unit, x, y = _isolated_vertex(vertices, set())
    page.mouse.click(x, y)
    frames(page)
    assert model_value(page, "selected_units") == [unit]
    # The selected unit is drawn on top, in its own colour, and the cluster means stay.
    assert page.eval_on_selector_all(
        ".mmphate-chart path.unit-line", "ps => ps.map(p => +p.dataset.unit)"
    ) == [unit]
    assert page.locator(".mmphate-chart path.cluster-line").count() == len(np.unique(clusters))

    other, x2, y2 = _isolated_vertex(_trace_vertices(page), {unit})
    page.keyboard.down("Shift")
    page.mouse.click(x2, y2)
    page.keyboard.up("Shift")
    frames(page)
    assert model_value(page, "selected_units") == [unit, other]
    page.keyboard.down("Shift")
    page.mouse.click(x, y)
    page.keyboard.up("Shift")
    frames(page)
    assert model_value(page, "selected_units") == [other]
    assert frontend_sets(page, "selected_units") == [[unit], [unit, other], [other]]


def test_map_of_a_million_cells_is_one_image(open_widget, fitted):
    n = 1000
    e, t = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    intrastep = (e + t).astype("<f4")
    state = dict(
        fitted.state,
        _dims={"n_epochs": n, "n_steps": n, "n_units": 0, "n_components": 3},
        _epoch_numbers={"__base64__": base64.b64encode((np.arange(n) * 2).astype("<i4").tobytes()).decode()},
        _intrastep_entropy={"__base64__": base64.b64encode(intrastep.tobytes()).decode()},
        epoch_range=[0, 2 * (n - 1)],
        step_range=[0, n - 1],
    )
    page = open_widget(state)
    pixels = page.evaluate(
        """() => {
      const c = window.harness.root.querySelector('.mmphate-map-image');
      const px = (x, y) => Array.from(c.getContext('2d').getImageData(x, y, 1, 1).data);
      return {size: [c.width, c.height], first: px(0, 0), last: px(c.width - 1, c.height - 1)};
    }"""
    )
    assert pixels["size"] == [n, n]
    assert page.locator(".mmphate-map *").count() < 30
    assert pixels["first"][:3] == sample(PLASMA, 0.0).tolist()
    assert pixels["last"][:3] == sample(PLASMA, 1.0).tolist()
    box = page.locator(".mmphate-map-plot").bounding_box()
    page.mouse.move(box["x"] + box["width"] - 0.5, box["y"] + box["height"] - 0.5)
    # A screen pixel covers a few cells: the label names one of the last few, with its value.
    label = page.locator(".mmphate-map-label").text_content()
    epoch, step, value = map(int, re.fullmatch(r"epoch (\d+) · step (\d+) · (\d+)", label).groups())
    assert epoch // 2 >= n - 8 and step >= n - 8 and value == epoch // 2 + step
    assert page.get_attribute(".mmphate-root", "data-highlighted-slice") == f"{epoch // 2},{step}"
