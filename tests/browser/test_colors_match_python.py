"""The colours and the view the browser draws are the ones Python reports: ``MMPHATEWidget.colors()``
(which ``to_pythreejs()`` draws with) against the pixels of every node in the page, and the
auto-fitted camera of ``to_pythreejs()`` against the page's. Python computes the colours itself
(``mmphate_widget.widget.colormaps``), so this is what keeps the two implementations equal."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from mmphate_widget.widget import wire
from mmphate_widget.widget.validators import COLOR_BY
from mmphate_widget.widget.widget import MMPHATEWidget

pytestmark = pytest.mark.browser


def show(page, widget, **traits) -> None:
    """Set the same traits in Python and, as the kernel would, in the page."""
    for name, value in traits.items():
        setattr(widget, name, value)
        page.evaluate("([n, v]) => window.harness.pySet(n, v)", [name, getattr(widget, name)])
    page.evaluate("() => window.harness.frames(2)")


def pythreejs_colors(widget) -> np.ndarray:
    """The colour of each shown node in ``to_pythreejs()``'s scene, as bytes, in node order."""
    import pythreejs as p3

    scene = widget.to_pythreejs().scene
    clouds = iter(c for c in scene.children if isinstance(c, p3.Points))
    shown = widget.visible_mask()
    selected = np.isin(widget.model.unit_, widget.selected_units)
    out = np.zeros((len(shown), 3))
    # Documented order: the other points, then those of the selected units.
    for part in (shown & ~selected, shown & selected):
        if part.any():
            out[part] = np.asarray(next(clouds).geometry.attributes["color"].array) * 255
    return out[shown]


def assert_same_colors(page, widget) -> None:
    drawn = page.evaluate("() => window.harness.drawnNodeColors()")
    shown = np.array([c is not None for c in drawn])
    np.testing.assert_array_equal(shown, widget.visible_mask())
    assert shown.any()
    browser = np.array([c for c in drawn if c is not None], dtype=np.float64)
    for source, python in (
        ("colors()", widget.colors()[shown]),
        ("to_pythreejs()", pythreejs_colors(widget)),
    ):
        worst = np.abs(browser - python).max(axis=1)
        bad = np.flatnonzero(worst > 1 + 1e-6)
        assert bad.size == 0, (
            f"{bad.size} of {len(python)} nodes differ by more than 1/255 from {source}, e.g. node "
            f"{np.flatnonzero(shown)[bad[0]]}: browser {browser[bad[0]]}, Python {python[bad[0]]}"
        )


@pytest.fixture
def pair(open_widget, state_of, fitted):
    """A fresh Python widget on the fitted model, and the page showing its state."""
    widget = MMPHATEWidget(fitted.widget.model)
    page = open_widget(state_of(widget))
    # Larger points: the pixel read back at a node's centre is then well inside it.
    show(page, widget, point_size=8.0)
    return page, widget


def test_every_colouring_matches(pair):
    page, widget = pair
    for mode in COLOR_BY:
        show(page, widget, color_by=mode)
        assert_same_colors(page, widget)


def test_dimming_of_other_clusters_and_units_matches(pair):
    page, widget = pair
    first = int(widget.model.unit_clusters_[0])
    show(page, widget, color_by="unit", cluster_mode="highlight", selected_clusters=[first])
    assert_same_colors(page, widget)
    every = list(range(wire.n_clusters(widget.model)))
    show(page, widget, color_by="cluster", cluster_mode="filter", selected_clusters=every)
    show(page, widget, selected_units=[1, 4])
    assert_same_colors(page, widget)
    show(page, widget, color_by="interstep_entropy", cluster_mode="highlight", selected_clusters=[first])
    assert_same_colors(page, widget)


def test_filtered_out_nodes_are_not_drawn(pair):
    page, widget = pair
    first = int(widget.model.unit_clusters_[0])
    epochs = [int(e) for e in widget.model.epochs_[:2]]
    show(page, widget, color_by="step", selected_clusters=[first], epoch_range=epochs)
    assert 0 < widget.visible_mask().sum() < widget.n_nodes
    assert_same_colors(page, widget)


def test_labels_beyond_ten_classes_match(open_widget, state_of, fitted):
    model = copy.copy(fitted.widget.model)
    model.class_names_ = [f"class {c}" for c in range(12)]
    model.node_top_label_ = np.arange(model.embedding_.shape[0]) % 12
    widget = MMPHATEWidget(model)
    page = open_widget(state_of(widget))
    show(page, widget, point_size=8.0, color_by="label")
    assert_same_colors(page, widget)


def test_auto_fit_view_is_the_one_to_pythreejs_takes(pair):
    page, widget = pair
    box = page.query_selector(".mmphate-viewport canvas").bounding_box()
    renderer = widget.to_pythreejs(width=round(box["width"]), height=round(box["height"]))
    camera = renderer.camera
    position = np.array(camera.position)
    target = np.array(renderer.controls[0].target)
    # The camera's frame (three.js lookAt) and its perspective projection, in client pixels.
    back = (position - target) / np.linalg.norm(position - target)
    right = np.cross(camera.up, back)
    right /= np.linalg.norm(right)
    frame = np.stack([right, np.cross(back, right), back])
    points = wire.scale_positions(widget.model.embedding_).astype(np.float64)
    local = (points - position) @ frame.T
    focal = 1 / np.tan(np.radians(camera.fov) / 2)
    ndc_x = local[:, 0] / -local[:, 2] * focal / camera.aspect
    ndc_y = local[:, 1] / -local[:, 2] * focal
    nodes = range(0, widget.n_nodes, 7)
    browser = [page.evaluate("n => window.harness.root.mmphateScreenPosition(n)", n) for n in nodes]
    for node, p in zip(nodes, browser, strict=True):
        expected = (
            box["x"] + (ndc_x[node] + 1) / 2 * box["width"],
            box["y"] + (1 - ndc_y[node]) / 2 * box["height"],
        )
        assert (p["x"], p["y"]) == pytest.approx(expected, abs=0.5), f"node {node}"
