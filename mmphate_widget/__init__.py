"""MM-PHATE (Multiway Multislice PHATE) for recurrent neural network hidden states.

Compute the embedding, entropies and unit clusters with :class:`MMPHATE`; look at them in
JupyterLab with :class:`MMPHATEWidget`.
"""

from .ablation import AblationResult, cluster_ablation
from .baselines import baseline_embedding
from .cluster import cluster_units
from .entropy import interstep_entropy, intrastep_entropy, pairwise_distance_entropy
from .estimator import MMPHATE
from .inputs import validate_hidden_states
from .kernel import multislice_kernel, normalize_hidden_states
from .metrics import neighbourhood_preservation
from .persistence import load, save
from .synthetic import simulate_rnn_training
from .widget import MMPHATEWidget

__version__ = "0.1.0"

__all__ = [
    "AblationResult",
    "MMPHATE",
    "MMPHATEWidget",
    "baseline_embedding",
    "cluster_ablation",
    "cluster_units",
    "interstep_entropy",
    "intrastep_entropy",
    "load",
    "multislice_kernel",
    "neighbourhood_preservation",
    "normalize_hidden_states",
    "pairwise_distance_entropy",
    "save",
    "simulate_rnn_training",
    "validate_hidden_states",
]
