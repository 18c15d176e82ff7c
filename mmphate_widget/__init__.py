"""MM-PHATE (Multiway Multislice PHATE) for recurrent neural network hidden states.

Compute the embedding, entropies and unit clusters with :class:`MMPHATE`; look at them in
JupyterLab with :class:`MMPHATEWidget`.

The package is layered; each layer imports only the ones above it in this list:

* :mod:`mmphate_widget.contract` -- constants shared with the front end (``contract.json``);
* :mod:`mmphate_widget.engine` -- inputs, kernel, embedding, entropies, clusters, persistence;
* :mod:`mmphate_widget.analysis` -- metrics, baselines, cluster ablation, simulated data;
* :mod:`mmphate_widget.recording` -- hidden states from PyTorch networks (torch imported on use);
* :mod:`mmphate_widget.widget` -- the anywidget front end's Python side.

``MMPHATEWidget`` and ``link_widgets`` are imported on first use, so engine-only code never loads
anywidget.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .analysis import (
    AblationResult,
    baseline_embedding,
    cluster_ablation,
    neighborhood_preservation,
    neighbourhood_preservation,
    simulate_rnn_training,
)
from .contract import __version__
from .engine import (
    MMPHATE,
    cluster_units,
    interstep_entropy,
    intrastep_entropy,
    load,
    multislice_kernel,
    normalize_hidden_states,
    pairwise_distance_entropy,
    save,
    validate_hidden_states,
)
from .recording import HiddenStateRecorder, pick_trace_samples

if TYPE_CHECKING:
    from .widget import MMPHATEWidget, link_widgets

__all__ = [
    "MMPHATE",
    "AblationResult",
    "HiddenStateRecorder",
    "MMPHATEWidget",
    "__version__",
    "baseline_embedding",
    "cluster_ablation",
    "cluster_units",
    "interstep_entropy",
    "intrastep_entropy",
    "link_widgets",
    "load",
    "multislice_kernel",
    "neighborhood_preservation",
    "neighbourhood_preservation",
    "normalize_hidden_states",
    "pairwise_distance_entropy",
    "pick_trace_samples",
    "save",
    "simulate_rnn_training",
    "validate_hidden_states",
]


_WIDGET_NAMES = ("MMPHATEWidget", "link_widgets")


def __getattr__(name: str) -> Any:
    if name in _WIDGET_NAMES:
        from . import widget

        return getattr(widget, name)
    raise AttributeError(f"module 'mmphate_widget' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
