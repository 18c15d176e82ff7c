"""The MM-PHATE engine: inputs, kernel, PHATE embedding, entropies, unit clusters, persistence.

Nothing here imports the widget: ``import mmphate_widget.engine`` loads neither anywidget nor
ipywidgets.
"""

from .cluster import choose_n_clusters, cluster_units
from .entropy import interstep_entropy, intrastep_entropy, pairwise_distance_entropy
from .estimator import MMPHATE
from .inputs import validate_hidden_states
from .kernel import multislice_kernel, normalize_hidden_states
from .persistence import load, save

__all__ = [
    "MMPHATE",
    "choose_n_clusters",
    "cluster_units",
    "interstep_entropy",
    "intrastep_entropy",
    "load",
    "multislice_kernel",
    "normalize_hidden_states",
    "pairwise_distance_entropy",
    "save",
    "validate_hidden_states",
]
