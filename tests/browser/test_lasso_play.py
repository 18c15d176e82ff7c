"""Lasso and box selection, playing through training and unit trajectories, in headless Chromium
on the fake-model page (docs/how-it-works.md: `selected_nodes`, `playing`, `show_trajectories`)."""

from __future__ import annotations

import base64
import itertools
import math

import numpy as np
import pytest
from polygons import edge_distance, inside

from mmphate_widget.widget.colormaps import BACKGROUND

pytestmark = pytest.mark.browser

READ_NODES_JS = """() => {
  const v = window.harness.model.get('selected_nodes');
  if (!v || !v.byteLength) return [];
  return Array.from(new Int32Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength)));
}"""


def py_set(page, name: str, value) -> None:
    page.evaluate("([n, v]) => window.harness.pySet(n, v)", [name, value])
    page.evaluate("() => window.harness.frames(2)")


def py_set_nodes(page, nodes) -> None:
    """`selected_nodes` as the kernel sends it: int32 bytes, arriving as a DataView."""
    raw = base64.b64encode(np.asarray(nodes, dtype="<i4").tobytes()).decode("ascii")
    page.evaluate("s => window.harness.pySetState(s)", {"selected_nodes": {"__base64__": raw}})
    page.evaluate("() => window.harness.frames(2)")


def attr(page, name: str) -> str | None:
    return page.get_attribute(".mmphate-root", name)


def frontend_sets(page, name: str) -> list:
    sets = page.evaluate("() => window.harness.model.frontendSets")
    return [value for trait, value in sets if trait == name]


def screen_positions(page, n: int) -> dict[int, tuple[float, float]]:
    """Client positions of the visible nodes on screen."""
    got = page.evaluate(
        "n => Array.from({length: n}, (_, i) => window.harness.root.mmphateScreenPosition(i))", n
    )
    return {i: (p["x"], p["y"]) for i, p in enumerate(got) if p is not None}


def canvas_box(page) -> dict:
    return page.query_selector(".mmphate-viewport canvas").bounding_box()


def clear_polygon(page, positions, make) -> list[tuple[float, float]]:
    """The first polygon `make(scale, turn)` whose edges pass no node closer than 3 px (pointer
    positions are rounded, so a node on an edge could fall either way). Scales and turns are tried
    in turn, so that any layout of the fixture's cloud leaves one clear."""
    for turn in np.linspace(0, 2 * math.pi / 5, 6, endpoint=False):
        for scale in np.linspace(0.3, 0.45, 16):
            polygon = make(scale, turn)
            if all(edge_distance(x, y, polygon) > 3 for x, y in positions.values()):
                return polygon
    pytest.fail("no polygon keeps clear of every node")


def drag_path(page, polygon, modifiers=()) -> None:
    for key in modifiers:
        page.keyboard.down(key)
    page.mouse.move(*polygon[0])
    page.mouse.down()
    for x, y in polygon[1:] + polygon[:1]:
        page.mouse.move(x, y, steps=6)
    page.mouse.up()
    for key in reversed(modifiers):
        page.keyboard.up(key)
    page.evaluate("() => window.harness.frames(2)")


def test_alt_drag_lasso_selects_exactly_the_visible_nodes_inside(page, fitted):
    # Two of six epochs shown: the nodes of the others must never be selected.
    py_set(page, "epoch_range", [fitted.epochs[1], fitted.epochs[2]])
    positions = screen_positions(page, fitted.n_nodes)
    assert len(positions) == 2 * fitted.n_steps * fitted.n_units
    box = canvas_box(page)
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2

    def star(scale, turn):
        r = scale * min(box["width"], box["height"])
        return [
            (
                cx + (r if k % 2 else r / 2) * math.cos(turn + k * math.pi / 5),
                cy + (r if k % 2 else r / 2) * math.sin(turn + k * math.pi / 5),
            )
            for k in range(10)
        ]

    polygon = clear_polygon(page, positions, star)
    expected = sorted(n for n, (x, y) in positions.items() if inside(x, y, polygon))
    assert 0 < len(expected) < len(positions), "the lasso should take some nodes and leave others"
    page.evaluate("() => window.harness.snapshot('before')")
    drag_path(page, polygon, modifiers=("Alt",))
    assert page.evaluate(READ_NODES_JS) == expected
    assert attr(page, "data-selected-nodes") == str(len(expected))
    # The lasso did not rotate the camera, and the selection is drawn (others dimmed).
    assert frontend_sets(page, "camera") == []
    page.evaluate("() => window.harness.snapshot('after')")
    assert page.evaluate("() => window.harness.changedPixels('before', 'after')") > 50
    # The nodes the browser chose pass the Python validation and give the selection's rows.
    fitted.widget.selected_nodes = expected
    try:
        assert list(fitted.widget.selection()["node"]) == expected
    finally:
        fitted.widget.selected_nodes = []
    # A click on empty space clears the node selection too.
    page.mouse.click(box["x"] + 4, box["y"] + 4)
    page.evaluate("() => window.harness.frames(2)")
    assert page.evaluate(READ_NODES_JS) == []


def test_box_mode_selects_and_shift_adds(page, fitted):
    py_set(page, "step_range", [1, 3])
    positions = screen_positions(page, fitted.n_nodes)
    box = canvas_box(page)
    page.select_option(".mmphate-drag-mode", "box")
    xs = sorted(x for x, _ in positions.values())
    ys = sorted(y for _, y in positions.values())

    def rect(x0, x1, y0, y1):
        return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]

    # A box over the left part of the cloud, its edges between nodes.
    split = next((xs[i] + xs[i + 1]) / 2 for i in range(len(xs) // 3, len(xs) - 1) if xs[i + 1] - xs[i] > 6)
    left = rect(box["x"] + 2, split, ys[0] - 10, ys[-1] + 10)
    page.mouse.move(*left[0])
    page.mouse.down()
    page.mouse.move(*left[2], steps=8)
    page.mouse.up()
    page.evaluate("() => window.harness.frames(2)")
    expected = sorted(n for n, (x, _) in positions.items() if x < split)
    assert page.evaluate(READ_NODES_JS) == expected
    # Shift at release adds the right part: everything shown is selected, nothing filtered out.
    page.keyboard.down("Shift")
    page.mouse.move(split, ys[0] - 10)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] - 2, ys[-1] + 10, steps=8)
    page.mouse.up()
    page.keyboard.up("Shift")
    page.evaluate("() => window.harness.frames(2)")
    assert page.evaluate(READ_NODES_JS) == sorted(positions)
    assert frontend_sets(page, "camera") == []
    # Back to rotate: a plain drag moves the camera again.
    page.select_option(".mmphate-drag-mode", "rotate")
    page.mouse.move(box["x"] + 100, box["y"] + 100)
    page.mouse.down()
    page.mouse.move(box["x"] + 180, box["y"] + 120, steps=5)
    page.mouse.up()
    page.evaluate("() => window.harness.frames(2)")
    assert frontend_sets(page, "camera") != []


def test_lasso_in_a_2d_view(open_widget, fitted_2d):
    page = open_widget(fitted_2d.state)
    positions = screen_positions(page, fitted_2d.n_nodes)
    xs = [x for x, _ in positions.values()]
    ys = [y for _, y in positions.values()]
    polygon = [
        (min(xs) - 8, min(ys) - 8),
        (max(xs) + 8, min(ys) - 8),
        (max(xs) + 8, max(ys) + 8),
        (min(xs) - 8, max(ys) + 8),
    ]
    drag_path(page, polygon, modifiers=("Alt",))
    assert page.evaluate(READ_NODES_JS) == sorted(positions)
    assert frontend_sets(page, "camera") == []


def test_selected_nodes_from_python_are_highlighted(page, fitted):
    page.evaluate("() => window.harness.snapshot('none')")
    py_set_nodes(page, [0, 1, 2, 3, 4, 5])
    assert attr(page, "data-selected-nodes") == "6"
    page.evaluate("() => window.harness.snapshot('some')")
    assert page.evaluate("() => window.harness.changedPixels('none', 'some')") > 50
    # Malformed values are tolerated: out-of-range and unsorted entries are dropped.
    py_set_nodes(page, [3, 1, fitted.n_nodes + 5])
    assert attr(page, "data-selected-nodes") == "1"
    py_set_nodes(page, [])
    page.evaluate("() => window.harness.snapshot('cleared')")
    assert page.evaluate("() => window.harness.changedPixels('none', 'cleared')") < 20
    # The clear button empties both kinds of selection.
    py_set_nodes(page, [7])
    page.click(".mmphate-clear")
    page.evaluate("() => window.harness.frames(2)")
    assert page.evaluate(READ_NODES_JS) == []


def test_play_slides_the_epoch_window_and_stops_at_the_end(page, fitted):
    before = page.evaluate("() => window.harness.root.mmphateDebug()")
    py_set(page, "play_window", 2)
    py_set(page, "play_speed", 25.0)
    py_set(page, "play_loop", False)
    assert page.locator(".mmphate-play").text_content().endswith("play")
    page.click(".mmphate-play")
    assert frontend_sets(page, "playing") == [True]
    page.wait_for_function("() => window.harness.model.get('playing') === false", timeout=20_000)
    windows = frontend_sets(page, "epoch_range")
    epochs = fitted.epochs
    assert windows[0] == [epochs[0], epochs[1]]
    assert windows[-1] == [epochs[-2], epochs[-1]]
    starts = [epochs.index(lo) for lo, _ in windows]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    assert all(epochs.index(hi) - epochs.index(lo) == 1 for lo, hi in windows)
    assert frontend_sets(page, "playing")[-1] is False
    assert attr(page, "data-points-visible") == str(2 * fitted.n_steps * fitted.n_units)
    # Only uniforms moved: no buffer or texture was added.
    after = page.evaluate("() => window.harness.root.mmphateDebug()")
    assert after["geometries"] == before["geometries"] and after["textures"] == before["textures"]


def test_play_loops_until_paused(page, fitted):
    py_set(page, "play_window", 3)
    py_set(page, "play_speed", 30.0)
    py_set(page, "play_loop", True)
    py_set(page, "playing", True)
    # Wrapped around: a window at the start follows one at the end.
    page.wait_for_function(
        f"""() => {{
          const w = window.harness.model.frontendSets.filter(([n]) => n === 'epoch_range').map(([, v]) => v[0]);
          const end = w.indexOf({fitted.epochs[3]});
          return end >= 0 && w.slice(end + 1).includes({fitted.epochs[0]});
        }}""",
        timeout=20_000,
    )
    assert page.evaluate("() => window.harness.model.get('playing')") is True
    page.click(".mmphate-play")
    assert frontend_sets(page, "playing")[-1] is False
    n = len(frontend_sets(page, "epoch_range"))
    page.wait_for_timeout(300)
    assert len(frontend_sets(page, "epoch_range")) == n


def test_two_views_of_one_widget_play_as_one(page, fitted):
    """A widget shown in two cells: one view steps the window, each window is sent once, and when
    that view closes while playing the other goes on from the window shown."""
    page.evaluate("() => window.harness.mountSecond()")
    page.evaluate("() => window.harness.frames(2)")
    py_set(page, "play_window", 2)
    py_set(page, "play_speed", 25.0)
    py_set(page, "play_loop", False)
    page.click(".mmphate-play")
    page.wait_for_function("() => window.harness.model.get('playing') === false", timeout=20_000)
    epochs = fitted.epochs
    starts = [epochs.index(lo) for lo, _ in frontend_sets(page, "epoch_range")]
    # Each window once, in order (a slow frame may skip one), from the first to the last.
    assert starts == sorted(set(starts)) and starts[0] == 0 and starts[-1] == len(epochs) - 2
    assert page.get_attribute(".mmphate-root >> nth=1", "data-playing") == "false"

    py_set(page, "epoch_range", [epochs[0], epochs[1]])
    py_set(page, "play_speed", 8.0)
    py_set(page, "play_loop", True)
    py_set(page, "playing", True)
    page.wait_for_function(
        "() => window.harness.model.frontendSets.filter(([n]) => n === 'epoch_range').length >= "
        f"{len(starts) + 2}",
        timeout=20_000,
    )
    page.evaluate("() => window.harness.closeFirst()")
    sent = len(frontend_sets(page, "epoch_range"))
    page.wait_for_function(
        f"() => window.harness.model.frontendSets.filter(([n]) => n === 'epoch_range').length >= {sent + 3}",
        timeout=20_000,
    )
    after = [epochs.index(lo) for lo, _ in frontend_sets(page, "epoch_range")[sent - 1 :]]
    # The second view took over where the first left off, and moves forward (wrapping at the end).
    n_starts = len(epochs) - 1
    assert all(0 < (b - a) % n_starts <= 2 for a, b in itertools.pairwise(after))
    py_set(page, "playing", False)


def test_trajectories_follow_selection_and_filters(page, fitted):
    E, T = fitted.n_epochs, fitted.n_steps
    assert attr(page, "data-trajectory-segments") == "0"
    py_set(page, "selected_units", [1, 3])
    page.evaluate("() => window.harness.snapshot('units')")
    page.click(".mmphate-show-trajectories")
    page.evaluate("() => window.harness.frames(2)")
    assert page.evaluate("() => window.harness.model.get('show_trajectories')") is True
    assert attr(page, "data-trajectory-segments") == str(2 * E * (T - 1))
    page.evaluate("() => window.harness.snapshot('lines')")
    assert page.evaluate("() => window.harness.changedPixels('units', 'lines')") > 50
    py_set(page, "step_range", [1, 3])
    assert attr(page, "data-trajectory-segments") == str(2 * E * 2)
    py_set(page, "epoch_range", [fitted.epochs[0], fitted.epochs[1]])
    assert attr(page, "data-trajectory-segments") == str(2 * 2 * 2)
    # A unit hidden by the cluster filter draws no trajectory.
    clusters = fitted.widget.model.unit_clusters_
    py_set(page, "selected_clusters", [int(clusters[1])])
    shown = sum(int(clusters[u]) == int(clusters[1]) for u in (1, 3))
    assert attr(page, "data-trajectory-segments") == str(shown * 2 * 2)
    py_set(page, "show_trajectories", False)
    assert attr(page, "data-trajectory-segments") == "0"
    drawn = page.evaluate("bg => window.harness.drawnPixels(bg)", list(BACKGROUND))
    assert drawn > 0
