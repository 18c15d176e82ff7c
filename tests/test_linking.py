"""link_widgets: front-end links between MMPHATEWidgets' view traits, and what it refuses to link.

The links themselves run in the browser (tests/jupyter/test_linked_widgets.py); here, which links are made,
the first widget's values copied to the others, and the validation."""

import ipywidgets
import ipywidgets.comm
import numpy as np
import pytest
from ipywidgets.widgets.widget_link import Link
from recording_comm import route_comms

from mmphate_widget.analysis.synthetic import simulate_rnn_training
from mmphate_widget.engine.estimator import MMPHATE
from mmphate_widget.widget import link_widgets
from mmphate_widget.widget.linking import LINKABLE_TRAITS
from mmphate_widget.widget.widget import MMPHATEWidget

E, T, U, S = 6, 5, 8, 12
EPOCHS = [1, 3, 5, 7, 9, 11]
PARAMS = {"interstep_knn": 5, "t": 10, "random_state": 0, "verbose": False}


def fit(n_steps=T, n_units=U, epochs=EPOCHS, labels=True, seed=0):
    hidden, y = simulate_rnn_training(E, n_steps, n_units, S, random_state=seed)
    return MMPHATE(**PARAMS).fit(hidden, labels=y if labels else None, epochs=epochs)


@pytest.fixture(scope="module")
def models():
    return {
        "a": fit(),
        "b": fit(seed=1),
        "c": fit(seed=2),
        "epochs": fit(epochs=list(range(E))),
        "steps": fit(n_steps=T + 1),
        "units": fit(n_units=U + 2),
        "unlabelled": fit(labels=False),
    }


@pytest.fixture(autouse=True)
def comms(monkeypatch):
    return route_comms(monkeypatch)


@pytest.fixture
def widgets(models):
    return [MMPHATEWidget(models[k]) for k in "abc"]


def test_default_links_colour_and_ranges_from_the_first_widget(widgets, comms):
    links = link_widgets(*widgets)
    assert [type(link) for link in links] == [Link] * 6
    pairs = [(link.source[0], link.target[0], link.source[1], link.target[1]) for link in links]
    assert pairs == [
        (widgets[0], w, name, name) for w in widgets[1:] for name in ("color_by", "epoch_range", "step_range")
    ]
    # what the browser receives: a LinkModel between the two widget models
    opened = [
        c.opened["data"]["state"]
        for c in comms
        if c.opened["data"]["state"].get("_model_name") == "LinkModel"
    ]
    assert opened[0]["source"] == [f"IPY_MODEL_{widgets[0].model_id}", "color_by"]
    assert opened[0]["target"] == [f"IPY_MODEL_{widgets[1].model_id}", "color_by"]


def test_the_others_take_the_first_widgets_values(widgets):
    first = widgets[0]
    first.color_by, first.epoch_range, first.step_range = "cluster", [3, 7], [1, 2]
    widgets[1].point_size = 9.0
    link_widgets(*widgets)
    for w in widgets[1:]:
        assert (w.color_by, w.epoch_range, w.step_range) == ("cluster", [3, 7], [1, 2])
    assert widgets[1].point_size == 9.0  # not linked


def test_links_run_in_the_browser_not_in_the_kernel(widgets):
    link_widgets(*widgets)
    widgets[0].color_by = "unit"
    # without a browser nothing carries the change over: the link is a jslink, not a traitlets link
    assert widgets[1].color_by == "epoch"


def test_unlink_closes_the_link(widgets):
    links = link_widgets(*widgets, traits="point_size")
    assert [link.source[1] for link in links] == ["point_size", "point_size"]
    links[0].unlink()
    assert links[0].comm is None and links[1].comm is not None


@pytest.mark.parametrize("traits", [("camera", "cluster_mode", "point_size"), LINKABLE_TRAITS])
def test_any_view_trait_links_between_widgets_of_the_same_shape(widgets, traits):
    links = link_widgets(*widgets, traits=traits)
    assert len(links) == 2 * len(traits)


def test_repeated_widgets_and_traits_are_linked_once(widgets):
    links = link_widgets(widgets[0], widgets[1], widgets[1], traits=["color_by", "color_by"])
    assert len(links) == 1


@pytest.mark.parametrize("args", [(), ("first",), ("first", "first")])
def test_fewer_than_two_widgets_is_an_error(widgets, args):
    chosen = [widgets[0] for _ in args]
    with pytest.raises(ValueError, match="at least two different widgets"):
        link_widgets(*chosen)


def test_a_non_widget_is_a_type_error(widgets):
    with pytest.raises(TypeError, match="argument 1 is of type IntSlider"):
        link_widgets(widgets[0], ipywidgets.IntSlider())


@pytest.mark.parametrize("bad", ["colour_by", "_positions", "layout", "value"])
def test_unknown_or_data_traits_are_refused_and_the_linkable_ones_listed(widgets, bad):
    with pytest.raises(ValueError, match=rf"'{bad}' is not a linkable MMPHATEWidget trait.*'color_by'"):
        link_widgets(*widgets, traits=("color_by", bad))


def test_no_traits_is_an_error(widgets):
    with pytest.raises(ValueError, match="traits is empty"):
        link_widgets(*widgets, traits=())


@pytest.mark.parametrize(
    ("other", "trait", "message"),
    [
        ("epochs", "epoch_range", r"widget 0 has 6 epochs \(1..11\), widget 1 has 6 epochs \(0..5\)"),
        ("steps", "step_range", "widget 0 has 5 steps, widget 1 has 6 steps"),
        ("units", "selected_units", "widget 0 has 8 units, widget 1 has 10 units"),
        ("units", "hovered_node", "widget 0 has 240 nodes, widget 1 has 300 nodes"),
        ("unlabelled", "color_by", "widget 0 has class labels, widget 1 has no class labels"),
    ],
)
def test_data_dependent_traits_need_widgets_that_agree(models, other, trait, message):
    a, b = MMPHATEWidget(models["a"]), MMPHATEWidget(models[other])
    a.color_by = "cluster"
    with pytest.raises(ValueError, match=rf"{trait} can only be linked.*{message}.*Leave '{trait}' out"):
        link_widgets(a, b, traits=trait)
    # the rest still links, and a failed call links nothing
    assert link_widgets(a, b, traits="point_size")
    assert b.color_by == "epoch"


def test_the_default_traits_link_widgets_with_other_units(models):
    a, b = MMPHATEWidget(models["a"]), MMPHATEWidget(models["units"])
    assert len(link_widgets(a, b)) == 3


def test_selected_clusters_need_the_same_number_of_clusters(models):
    a = MMPHATEWidget(models["a"])
    b = MMPHATEWidget(
        MMPHATE(n_clusters=3, **PARAMS).fit(simulate_rnn_training(E, T, U, S)[0], epochs=EPOCHS)
    )
    with pytest.raises(ValueError, match="widget 0 has 2 clusters, widget 1 has 3 clusters"):
        link_widgets(a, b, traits="selected_clusters")


def test_exported_from_the_widget_package():
    import mmphate_widget.widget as package

    assert "link_widgets" in package.__all__
    assert np.isin(["color_by", "epoch_range", "step_range"], LINKABLE_TRAITS).all()
