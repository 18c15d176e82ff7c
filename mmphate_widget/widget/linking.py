"""Link the view state of several ``MMPHATEWidget``s in the browser, to compare runs side by side.

:func:`link_widgets` wraps ``ipywidgets.jslink``: the links live in the front end, so moving a slider
in one view updates the others without a round trip through the kernel (each view still syncs its
own traits back to Python as usual). A linked value must be valid in every widget, so traits whose
values depend on the data (ranges, units, clusters, nodes, label colouring) are only linked between
widgets that agree on that data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import ipywidgets
import numpy as np
from ipywidgets.widgets.widget_link import Link

from .widget import MMPHATEWidget

__all__ = ["LINKABLE_TRAITS", "link_widgets"]

# The public view state (see MMPHATEWidget's "View state" traits); the data traits start with "_".
LINKABLE_TRAITS = tuple(
    sorted(name for name in MMPHATEWidget.class_own_traits(sync=True) if not name.startswith("_"))
)


def _epochs(w: MMPHATEWidget) -> str:
    epochs = np.asarray(w.model.epochs_)
    return f"{len(epochs)} epochs ({int(epochs[0])}..{int(epochs[-1])})"


# What two widgets must share for a trait's values to be valid in both: (key, description).
_SHARED: dict[str, Callable[[MMPHATEWidget], tuple[Any, str]]] = {
    "epoch_range": lambda w: (tuple(np.asarray(w.model.epochs_).tolist()), _epochs(w)),
    "step_range": lambda w: (int(w.model.n_steps_), f"{int(w.model.n_steps_)} steps"),
    "selected_units": lambda w: (int(w.model.n_units_), f"{int(w.model.n_units_)} units"),
    "selected_clusters": lambda w: (w._n_clusters, f"{w._n_clusters} clusters"),
    "hovered_node": lambda w: (w.n_nodes, f"{w.n_nodes} nodes"),
    "selected_nodes": lambda w: (w.n_nodes, f"{w.n_nodes} nodes"),
    "color_by": lambda w: (w.has_labels, "class labels" if w.has_labels else "no class labels"),
}


def _check_traits(traits: Any) -> list[str]:
    names = [traits] if isinstance(traits, str) else list(traits)
    if not names:
        raise ValueError(f"traits is empty; name at least one of {list(LINKABLE_TRAITS)}.")
    for name in names:
        if name not in LINKABLE_TRAITS:
            raise ValueError(
                f"{name!r} is not a linkable MMPHATEWidget trait; link some of {list(LINKABLE_TRAITS)}."
            )
    return list(dict.fromkeys(names))


def _check_compatible(widgets: list[MMPHATEWidget], traits: list[str]) -> None:
    for name in traits:
        if name not in _SHARED:
            continue
        first_key, first_text = _SHARED[name](widgets[0])
        for i, w in enumerate(widgets[1:], start=1):
            key, text = _SHARED[name](w)
            if key != first_key:
                raise ValueError(
                    f"{name} can only be linked between widgets whose data agree: widget 0 has "
                    f"{first_text}, widget {i} has {text}. Leave {name!r} out of traits, e.g. "
                    f"traits={tuple(t for t in traits if t != name)!r}."
                )


def link_widgets(
    *widgets: MMPHATEWidget,
    traits: str | Iterable[str] = ("color_by", "epoch_range", "step_range"),
) -> list[Link]:
    """Keep view traits of several widgets equal, in the browser (``ipywidgets.jslink``).

    The other widgets first take the first widget's values; from then on a change in any view,
    made in the browser or from Python, reaches every linked view.

    Parameters
    ----------
    *widgets : MMPHATEWidget
        Two or more widgets, e.g. the same analysis of different networks.
    traits : str or iterable of str, default ("color_by", "epoch_range", "step_range")
        View traits to link, from :data:`LINKABLE_TRAITS` (``camera``, ``cluster_mode``,
        ``color_by``, ``epoch_range``, ``hovered_node``, ``point_size``, ``selected_clusters``,
        ``selected_units``, ``step_range``).

    Returns
    -------
    list of ipywidgets.widgets.widget_link.Link
        One link per other widget and trait, from the first widget; ``link.unlink()`` undoes one.

    Raises
    ------
    TypeError
        If an argument is not an ``MMPHATEWidget``.
    ValueError
        If fewer than two distinct widgets are given, a trait is not linkable, or the widgets'
        data disagree where a trait needs them to agree: ``epoch_range`` needs the same epoch
        numbers, ``step_range`` the same number of steps, ``selected_units`` of units,
        ``selected_clusters`` of clusters, ``hovered_node`` of nodes, and ``color_by`` class
        labels in all widgets or in none (``"label"`` colouring exists only with labels).

    Examples
    --------
    >>> links = link_widgets(w_rnn, w_gru, w_lstm)                    # doctest: +SKIP
    >>> ipywidgets.HBox([w_rnn, w_gru, w_lstm])                        # doctest: +SKIP
    >>> for link in links:                                             # doctest: +SKIP
    ...     link.unlink()
    """
    for i, w in enumerate(widgets):
        if not isinstance(w, MMPHATEWidget):
            raise TypeError(f"link_widgets links MMPHATEWidgets; argument {i} is of type {type(w).__name__}.")
    distinct = list({id(w): w for w in widgets}.values())
    if len(distinct) < 2:
        raise ValueError(
            f"link_widgets needs at least two different widgets; got {len(widgets)} argument(s) "
            f"and {len(distinct)} distinct widget(s)."
        )
    names = _check_traits(traits)
    first, others = distinct[0], distinct[1:]
    _check_compatible(distinct, names)
    # The front-end link syncs the targets only once a browser shows it; set them here too so
    # Python agrees at once, with or without a browser.
    for w in others:
        with w.hold_sync():
            for name in names:
                setattr(w, name, getattr(first, name))
    return [ipywidgets.jslink((first, name), (w, name)) for w in others for name in names]
