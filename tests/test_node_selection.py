"""The lasso / box selection and play traits on the Python side: ``selected_nodes`` as a numpy array
that crosses as int32 bytes, its validation from Python and from the browser, ``selection()`` over
the selected nodes, and the play and trajectory traits."""

from __future__ import annotations

import numpy as np
import pytest
import traitlets

from mmphate_widget.widget import wire
from mmphate_widget.widget.widget import MMPHATEWidget

E, T, U, S = 4, 3, 5, 8


@pytest.fixture(scope="module")
def w():
    from mmphate_widget.analysis.synthetic import simulate_rnn_training

    hidden, labels = simulate_rnn_training(E, T, U, S, random_state=0)
    return MMPHATEWidget(hidden, labels=labels, interstep_knn=3, t=10, random_state=0, verbose=False)


@pytest.fixture(autouse=True)
def reset(w):
    yield
    w.selected_nodes = []
    w.selected_units = []


def test_selected_nodes_default_is_an_empty_read_only_array(w):
    assert isinstance(w.selected_nodes, np.ndarray)
    assert w.selected_nodes.dtype == np.int64 and len(w.selected_nodes) == 0
    assert not w.selected_nodes.flags.writeable


def test_selected_nodes_from_python_are_sorted_unique_and_cross_as_int32_bytes(w):
    w.selected_nodes = [7, 2, 7, 0]
    np.testing.assert_array_equal(w.selected_nodes, [0, 2, 7])
    state = w.get_state(["selected_nodes"])["selected_nodes"]
    assert state == np.array([0, 2, 7], dtype="<i4").tobytes()
    w.selected_nodes = np.array([3.0, 4.0])
    np.testing.assert_array_equal(w.selected_nodes, [3, 4])
    w.selected_nodes = np.array([5, 1], dtype="<i4").tobytes()
    np.testing.assert_array_equal(w.selected_nodes, [1, 5])


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ([0, E * T * U], rf"must lie in \[0, {E * T * U - 1}\], got {E * T * U}"),
        ([-1], r"must lie in \[0, \d+\], got -1"),
        ([0.5], "non-integral"),
        ([[1, 2]], "1-D array"),
        ("nodes", "array of node indices"),
        (b"\x00\x01\x02", "multiple of 4 bytes"),
    ],
)
def test_invalid_selected_nodes_are_refused(w, value, message):
    with pytest.raises(traitlets.TraitError, match=message):
        w.selected_nodes = value
    assert len(w.selected_nodes) == 0


def test_selected_nodes_from_the_browser_arrive_as_a_buffer(w):
    nodes = np.array([1, 4, 9], dtype="<i4")
    w.set_state({"selected_nodes": memoryview(nodes.tobytes())})
    np.testing.assert_array_equal(w.selected_nodes, [1, 4, 9])
    # An out-of-range index from the browser is rejected and the value kept.
    sent = []
    w.send = lambda msg, *a, **k: sent.append(msg)
    try:
        w.set_state({"selected_nodes": memoryview(np.array([E * T * U], dtype="<i4").tobytes())})
    finally:
        del w.send
    np.testing.assert_array_equal(w.selected_nodes, [1, 4, 9])
    assert sent and "selected_nodes" in sent[0]["message"]


def test_a_million_nodes_make_a_message_far_below_the_limit():
    assert len(wire.encode_nodes(np.arange(1_000_000))) == 4_000_000 < 10 * 2**20


def test_selection_returns_the_selected_nodes_first(w):
    w.selected_units = [2]
    assert sorted(set(w.selection()["unit"])) == [2]
    w.selected_nodes = [3, 11, 40]
    table = w.selection()
    np.testing.assert_array_equal(table["node"], [3, 11, 40])
    np.testing.assert_array_equal(table["unit"], np.array([3, 11, 40]) % U)
    np.testing.assert_array_equal(table["step"], (np.array([3, 11, 40]) // U) % T)


def test_selected_nodes_are_drawn_highlighted(w):
    plain = w.colors()
    w.selected_nodes = [0, 1]
    colors = w.colors()
    np.testing.assert_array_equal(colors[:2], plain[:2])
    assert (colors[2:] != plain[2:]).any(axis=1).all()  # the others are dimmed


def test_play_traits_are_validated(w):
    assert (w.playing, w.play_window, w.play_speed, w.play_loop, w.show_trajectories) == (
        False,
        1,
        2.0,
        True,
        False,
    )
    w.play_window = 3
    w.play_speed = 0.5
    assert (w.play_window, w.play_speed) == (3, 0.5)
    with pytest.raises(traitlets.TraitError, match="play_window must be at least 1 epoch, got 0"):
        w.play_window = 0
    with pytest.raises(traitlets.TraitError, match="play_speed must be a positive number"):
        w.play_speed = -1
    with pytest.raises(traitlets.TraitError, match="play_speed must be a positive number"):
        w.play_speed = float("nan")
    w.play_window, w.play_speed = 1, 2.0
