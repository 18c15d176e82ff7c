"""The bundled front end in headless Chromium: drawing, colouring, filtering, picking, selection,
the entropy chart, robustness to invalid state and cleanup (docs/how-it-works.md)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from mmphate_widget.widget import wire
from mmphate_widget.widget.colormaps import BACKGROUND

pytestmark = pytest.mark.browser


def attr(page, name: str) -> str | None:
    return page.get_attribute(".mmphate-root", name)


def py_set(page, name: str, value) -> None:
    """Change a trait as the kernel would, then let the widget draw."""
    page.evaluate("([n, v]) => window.harness.pySet(n, v)", [name, value])
    page.evaluate("() => window.harness.frames(2)")


def drawn_pixels(page) -> int:
    return page.evaluate("bg => window.harness.drawnPixels(bg)", list(BACKGROUND))


def frontend_sets(page, name: str) -> list:
    sets = page.evaluate("() => window.harness.model.frontendSets")
    return [value for trait, value in sets if trait == name]


def model_value(page, name: str):
    return page.evaluate("n => window.harness.model.get(n)", name)


def screen_position(page, node: int):
    return page.evaluate("n => window.harness.root.mmphateScreenPosition(n)", node)


def isolated_nodes(page, nodes: list[int], min_gap: float = 16.0) -> list[int]:
    """The nodes (of those given) on screen with no other given node within `min_gap` pixels."""
    positions = {n: screen_position(page, n) for n in nodes}
    shown = {n: p for n, p in positions.items() if p is not None}
    out = []
    for n, p in shown.items():
        gaps = [math.dist((p["x"], p["y"]), (q["x"], q["y"])) for m, q in shown.items() if m != n]
        if all(g >= min_gap for g in gaps):
            out.append(n)
    return out


def one_slice(page, fitted, epoch_index: int = 2, step: int = 1) -> list[int]:
    """Show only one (epoch, step) slice, so each unit has one point, and point the camera at it
    from close by, so that its points spread over the canvas; return the slice's nodes."""
    epoch = fitted.epochs[epoch_index]
    nodes = [fitted.node(epoch_index, step, u) for u in range(fitted.n_units)]
    py_set(page, "epoch_range", [epoch, epoch])
    py_set(page, "step_range", [step, step])
    py_set(page, "point_size", 6)
    points = wire.scale_positions(fitted.widget.model.embedding_)[nodes].astype(float)
    centre = (points.min(axis=0) + points.max(axis=0)) / 2
    radius = max(float(np.linalg.norm(points - centre, axis=1).max()), 1e-3)
    # Look along the slice's direction of least spread, with its widest spread across the canvas.
    _, axes = np.linalg.eigh(np.cov((points - centre).T))
    position = centre + axes[:, 0] * radius * 3.5
    camera = {"position": position.tolist(), "target": centre.tolist(), "up": axes[:, 1].tolist()}
    py_set(page, "camera", camera)
    return nodes


def click(page, position, shift: bool = False) -> None:
    if shift:
        page.keyboard.down("Shift")
    page.mouse.click(position["x"], position["y"])
    if shift:
        page.keyboard.up("Shift")
    page.evaluate("() => window.harness.frames(2)")


def test_first_frame_draws_every_point(page, fitted):
    assert attr(page, "data-points-drawn") == str(fitted.n_nodes)
    assert attr(page, "data-points-visible") == str(fitted.n_nodes)
    assert drawn_pixels(page) > 200
    canvas = page.query_selector(".mmphate-viewport canvas")
    box = canvas.bounding_box()
    assert box["width"] > 300 and box["height"] > 300


def test_color_by_recolours_points_and_legend(page):
    assert page.get_attribute(".mmphate-legend", "data-kind") == "continuous"
    page.evaluate("() => window.harness.snapshot('epoch')")
    py_set(page, "color_by", "cluster")
    page.evaluate("() => window.harness.snapshot('cluster')")
    changed = page.evaluate("() => window.harness.changedPixels('epoch', 'cluster')")
    assert changed > 100
    assert page.get_attribute(".mmphate-legend", "data-kind") == "categorical"
    assert page.locator(".mmphate-legend .mmphate-swatch").count() == model_value(page, "_n_clusters")
    assert page.eval_on_selector(".mmphate-color-by", "s => s.value") == "cluster"


def test_cluster_legend_shows_the_stability(open_widget, fitted):
    from mmphate_widget.engine.cluster_stability import stability_level

    model = fitted.widget.model
    stability = model.cluster_stability_
    level = stability_level(stability)
    page = open_widget(fitted.state)
    py_set(page, "color_by", "cluster")
    legend = page.locator(".mmphate-legend")
    rated = f"2 clusters · stability {stability:.2f}"
    assert legend.locator(".mmphate-legend-title").text_content() == (
        rated if level == "stable" else f"{rated} · {level}"
    )
    assert legend.get_attribute("data-stability") == level
    sizes = np.bincount(model.unit_clusters_)
    swatches = legend.locator(".mmphate-swatch").all_text_contents()
    assert swatches == [f"cluster {c} · {n} units" for c, n in enumerate(sizes)]
    assert (
        page.locator(".mmphate-controls .mmphate-stability")
        .text_content()
        .startswith(f"stability {stability:.2f}")
    )

    # Unstable clusters read as such, in the legend and in the control bar.
    page = open_widget({**fitted.state, "_cluster_stability": 0.31})
    py_set(page, "color_by", "cluster")
    legend = page.locator(".mmphate-legend")
    assert legend.locator(".mmphate-legend-title").text_content() == "2 clusters · stability 0.31 · unstable"
    assert legend.get_attribute("data-stability") == "unstable"
    assert legend.locator(".mmphate-stability-tag.mmphate-unstable").is_visible()
    assert "may not be real communities" in legend.locator(".mmphate-legend-note").text_content()
    badge = page.locator(".mmphate-controls .mmphate-stability")
    assert badge.text_content() == "stability 0.31 · unstable"
    assert "mmphate-unstable" in badge.get_attribute("class")

    # A result saved before the stability existed shows the clusters without a rating.
    page = open_widget(
        {**fitted.state, "_cluster_stability": None, "_unit_cluster_confidence": {"__base64__": ""}}
    )
    py_set(page, "color_by", "cluster")
    assert page.locator(".mmphate-legend-title").text_content() == "2 clusters"
    assert page.locator(".mmphate-legend").get_attribute("data-stability") is None
    assert page.locator(".mmphate-controls .mmphate-stability").is_hidden()


def test_epoch_range_filters_on_the_gpu(page, fitted):
    before = drawn_pixels(page)
    per_epoch = fitted.n_steps * fitted.n_units
    py_set(page, "epoch_range", [fitted.epochs[1], fitted.epochs[2]])
    assert attr(page, "data-points-visible") == str(2 * per_epoch)
    after = drawn_pixels(page)
    assert 0 < after < before
    # The slider shows the range in the user's epoch numbers.
    label = page.text_content(".mmphate-range-epochs .mmphate-value")
    assert label.replace(" ", "") == f"{fitted.epochs[1]}–{fitted.epochs[2]}"


def test_step_range_and_cluster_filter_count(page, fitted):
    py_set(page, "step_range", [1, 2])
    assert attr(page, "data-points-visible") == str(fitted.n_epochs * 2 * fitted.n_units)
    clusters = fitted.widget.model.unit_clusters_
    keep = int(clusters[0])
    py_set(page, "selected_clusters", [keep])
    n_units = int((clusters == keep).sum())
    assert attr(page, "data-points-visible") == str(fitted.n_epochs * 2 * n_units)
    # Highlight mode dims the other clusters instead of hiding them.
    py_set(page, "cluster_mode", "highlight")
    assert attr(page, "data-points-visible") == str(fitted.n_epochs * 2 * fitted.n_units)


def test_click_selects_unit_shift_click_adds_empty_click_clears(page, fitted):
    nodes = isolated_nodes(page, one_slice(page, fitted))
    assert len(nodes) >= 2, "the fixture slice has too few separated points to click"
    first, second = nodes[0], nodes[1]
    unit_of = lambda node: node % fitted.n_units  # noqa: E731

    click(page, screen_position(page, first))
    assert model_value(page, "selected_units") == [unit_of(first)]
    click(page, screen_position(page, second), shift=True)
    assert model_value(page, "selected_units") == [unit_of(first), unit_of(second)]
    click(page, screen_position(page, first), shift=True)
    assert model_value(page, "selected_units") == [unit_of(second)]

    box = page.query_selector(".mmphate-viewport canvas").bounding_box()
    click(page, {"x": box["x"] + 6, "y": box["y"] + 6})
    assert model_value(page, "selected_units") == []
    # Every selection change was sent to the kernel, each a few bytes of indices.
    sent = frontend_sets(page, "selected_units")
    assert sent[-1] == [] and len(sent) == 4
    assert page.evaluate("() => window.harness.model.saves") >= 4
    # Clicks do not move the view, so they must not sync the camera to the kernel.
    assert frontend_sets(page, "camera") == []


def test_hover_shows_tooltip_and_sets_hovered_node(page, fitted):
    nodes = isolated_nodes(page, one_slice(page, fitted))
    node = nodes[0]
    unit = node % fitted.n_units
    p = screen_position(page, node)
    page.mouse.move(p["x"] - 20, p["y"] - 20)
    page.mouse.move(p["x"], p["y"])
    tooltip = page.locator(".mmphate-tooltip")
    tooltip.wait_for(state="visible", timeout=5000)
    assert tooltip.get_attribute("data-unit") == str(unit)
    text = tooltip.inner_text()
    assert fitted.widget.model.unit_names_[unit] in text
    assert str(fitted.epochs[2]) in text
    # The unit's cluster confidence, as a percentage of the float32 value the page received.
    confidence = float(np.float32(fitted.widget.model.unit_cluster_confidence_[unit]))
    assert f"cluster confidence\n{math.floor(confidence * 100 + 0.5)}%" in text
    page.wait_for_function(f"() => window.harness.model.get('hovered_node') === {node}", timeout=5000)
    # Leaving the canvas hides the tooltip and resets hovered_node.
    page.mouse.move(5, 5)
    tooltip.wait_for(state="hidden", timeout=5000)
    page.wait_for_function("() => window.harness.model.get('hovered_node') === -1", timeout=5000)


def test_selected_units_from_python_update_chart_and_highlight(page, fitted):
    assert page.locator(".mmphate-chart path.unit-line").count() == 0
    assert page.locator(".mmphate-chart path.cluster-line").count() == model_value(page, "_n_clusters")
    assert page.locator(".mmphate-chart path.metric-line").count() == 2
    page.evaluate("() => window.harness.snapshot('none')")
    py_set(page, "selected_units", [0, 3, 5])
    assert page.locator(".mmphate-chart path.unit-line").count() == 3
    units = page.eval_on_selector_all(".mmphate-chart path.unit-line", "ps => ps.map(p => +p.dataset.unit)")
    assert units == [0, 3, 5]
    d = page.get_attribute(".mmphate-chart path.unit-line", "d")
    assert d.startswith("M") and d.count("L") == fitted.n_epochs - 1
    assert page.locator(".mmphate-chips .mmphate-chip").count() == 3
    # Unselected units are dimmed in the cloud.
    page.evaluate("() => window.harness.snapshot('selected')")
    assert page.evaluate("() => window.harness.changedPixels('none', 'selected')") > 50
    py_set(page, "selected_units", [])
    assert page.locator(".mmphate-chart path.unit-line").count() == 0


def test_controls_write_to_the_model(page, fitted):
    page.select_option(".mmphate-color-by", "step")
    assert model_value(page, "color_by") == "step"
    page.eval_on_selector(
        ".mmphate-range-epochs .mmphate-dual-lo",
        "el => { el.value = '3'; el.dispatchEvent(new Event('input', { bubbles: true })); }",
    )
    assert model_value(page, "epoch_range") == [fitted.epochs[3], fitted.epochs[-1]]
    page.eval_on_selector(
        ".mmphate-range-steps .mmphate-dual-hi",
        "el => { el.value = '2'; el.dispatchEvent(new Event('input', { bubbles: true })); }",
    )
    assert model_value(page, "step_range") == [0, 2]
    page.click(".mmphate-cluster input[data-cluster='0']")
    assert 0 not in model_value(page, "selected_clusters")
    page.select_option(".mmphate-cluster-mode", "highlight")
    assert model_value(page, "cluster_mode") == "highlight"
    # Everything the browser sent is small JSON.
    sets = page.evaluate("() => window.harness.model.frontendSets")
    assert all(len(json.dumps(value)) < 200 for _, value in sets)


def test_drag_rotates_and_syncs_camera(page):
    box = page.query_selector(".mmphate-viewport canvas").bounding_box()
    page.evaluate("() => window.harness.snapshot('before')")
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(cx, cy)
    page.mouse.down()
    page.mouse.move(cx + 80, cy + 10, steps=5)
    page.mouse.up()
    page.evaluate("() => window.harness.frames(2)")
    camera = model_value(page, "camera")
    assert set(camera) == {"position", "target", "up"}
    assert all(len(camera[k]) == 3 for k in camera)
    page.evaluate("() => window.harness.snapshot('after')")
    assert page.evaluate("() => window.harness.changedPixels('before', 'after')") > 100
    assert model_value(page, "selected_units") == []  # a drag is not a click
    # A camera set from Python moves the view; {} fits it again.
    py_set(page, "camera", {"position": [0, 0, 6], "target": [0, 0, 0], "up": [0, 1, 0]})
    page.evaluate("() => window.harness.snapshot('python')")
    assert page.evaluate("() => window.harness.changedPixels('after', 'python')") > 100
    py_set(page, "camera", {})
    page.evaluate("() => window.harness.snapshot('fit')")
    assert page.evaluate("() => window.harness.changedPixels('before', 'fit')") < 20


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("epoch_range", "not a range"),
        ("epoch_range", [1000, -1000]),
        ("step_range", [-5, 999]),
        ("selected_units", [999, -1, "x", 2.5, None]),
        ("selected_clusters", "all"),
        ("point_size", float("inf")),
        ("point_size", None),
        ("color_by", "no such mode"),
        ("cluster_mode", 7),
        ("camera", {"position": "here"}),
        ("camera", {"position": [0, 0, 0], "target": [0, 0, 0]}),
    ],
)
def test_invalid_values_from_python_are_tolerated(page, fitted, name, value):
    if value == float("inf"):
        page.evaluate("n => window.harness.pySet(n, Infinity)", name)
    else:
        py_set(page, name, value)
    page.evaluate("() => window.harness.frames(2)")
    visible = int(attr(page, "data-points-visible"))
    assert 0 <= visible <= fitted.n_nodes
    assert attr(page, "data-mmphate-ready") == "true"
    # Still usable: a valid change afterwards works.
    py_set(page, "epoch_range", [fitted.epochs[0], fitted.epochs[-1]])
    py_set(page, "step_range", [0, fitted.n_steps - 1])
    py_set(page, "selected_clusters", list(range(model_value(page, "_n_clusters"))))
    py_set(page, "cluster_mode", "filter")
    assert attr(page, "data-points-visible") == str(fitted.n_nodes)
    assert drawn_pixels(page) > 200


def test_malformed_data_traits_do_not_break_the_page(open_widget, fitted):
    state = dict(fitted.state)
    state["_positions"] = {"__base64__": ""}  # no positions at all
    state["_interstep_entropy"] = None
    state["_metric_names"] = ["loss", "missing"]
    page = open_widget(state)
    assert attr(page, "data-points-drawn") == str(fitted.n_nodes)
    py_set(page, "selected_units", [1])
    assert page.locator(".mmphate-chart path.unit-line").count() == 1


def test_cleanup_releases_gpu_memory_and_listeners(page):
    info = page.evaluate("() => window.harness.root.mmphateDebug()")
    assert info["geometries"] >= 1 and info["textures"] >= 1 and not info["contextLost"]
    assert page.evaluate("() => window.harness.model.listenerCount()") > 0
    page.evaluate("() => window.harness.cleanup()")
    page.evaluate("() => window.harness.frames(2)")
    assert page.locator(".mmphate-root").count() == 0
    assert page.locator("canvas").count() == 0
    info = page.evaluate("() => window.harness.root.mmphateDebug()")
    assert info["geometries"] == 0
    assert info["textures"] == 0
    assert info["contextLost"] is True and info["disposed"] is True
    assert page.evaluate("() => window.harness.model.listenerCount()") == 0
    # Changes after cleanup are ignored without errors.
    py_set(page, "color_by", "unit")


def test_two_dimensional_embedding_pans_without_rotating(open_widget, fitted_2d):
    page = open_widget(fitted_2d.state)
    assert attr(page, "data-points-drawn") == str(fitted_2d.n_nodes)
    assert drawn_pixels(page) > 50
    assert page.get_attribute(".mmphate-color-by option[value='label']", "disabled") is not None
    box = page.query_selector(".mmphate-viewport canvas").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(cx, cy)
    page.mouse.down()
    page.mouse.move(cx + 60, cy + 40, steps=5)
    page.mouse.up()
    page.evaluate("() => window.harness.frames(2)")
    camera = model_value(page, "camera")
    # Dragging pans: the view still looks straight down the z axis, with +y up.
    assert camera["target"][:2] != [0, 0]
    assert camera["position"][:2] == pytest.approx(camera["target"][:2])
    assert camera["position"][2] > camera["target"][2]
    assert camera["up"] == pytest.approx([0, 1, 0])
    # Zooming in shortens the camera distance that stands for the orthographic zoom.
    distance = camera["position"][2] - camera["target"][2]
    page.mouse.wheel(0, -400)
    page.wait_for_function(
        f"() => {{ const c = window.harness.model.get('camera'); return c.position[2] - c.target[2] < {distance}; }}",
        timeout=5000,
    )


def test_new_data_rebuilds_the_scene(page, fitted, fitted_2d):
    info = page.evaluate("() => window.harness.root.mmphateDebug()")
    page.evaluate("s => window.harness.pySetState(s)", fitted_2d.state)
    page.evaluate("() => window.harness.frames(3)")
    assert attr(page, "data-points-drawn") == str(fitted_2d.n_nodes)
    assert attr(page, "data-points-visible") == str(fitted_2d.n_nodes)
    assert drawn_pixels(page) > 50
    after = page.evaluate("() => window.harness.root.mmphateDebug()")
    # The old cloud's buffers were released, not leaked next to the new ones.
    assert after["geometries"] == info["geometries"] and after["textures"] == info["textures"]
    assert page.locator(".mmphate-cluster input").count() == fitted_2d.state["_n_clusters"]
    assert page.locator(".mmphate-chart path.metric-line").count() == 0


def test_empty_dims_draw_nothing_but_stay_usable(open_widget, fitted):
    state = dict(fitted.state, _dims={})
    page = open_widget(state)
    assert attr(page, "data-points-drawn") == "0"
    assert attr(page, "data-points-visible") == "0"
    assert screen_position(page, 0) is None
    py_set(page, "color_by", "unit")
    py_set(page, "selected_units", [1])


def test_error_message_from_python_is_shown(page):
    page.evaluate("() => window.harness.pySend({type: 'other', message: 'ignored'})")
    assert page.locator(".mmphate-message").is_hidden()
    page.evaluate(
        "() => window.harness.pySend({type: 'error', message: 'epoch_range must lie within [0, 25]'})"
    )
    message = page.locator(".mmphate-message")
    assert message.is_visible()
    assert "epoch_range" in message.inner_text()


def test_png_button_downloads_the_canvas(page):
    import io

    from PIL import Image

    size = page.evaluate(
        "() => { const c = window.harness.root.querySelector('canvas'); return [c.width, c.height]; }"
    )
    with page.expect_download() as download:
        page.click(".mmphate-save-png")
    assert download.value.suggested_filename == "mmphate.png"
    image = Image.open(io.BytesIO(download.value.path().read_bytes()))
    assert image.format == "PNG" and list(image.size) == size
    pixels = np.asarray(image.convert("RGB"), dtype=np.int16)
    drawn = (np.abs(pixels - np.asarray(BACKGROUND)).max(axis=2) > 12).sum()
    assert drawn > 200  # the points, not an empty buffer
