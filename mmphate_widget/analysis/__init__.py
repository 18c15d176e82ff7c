"""Analysis around the engine: quality metrics, baselines, cluster ablation, a simulated RNN."""

from .ablation import AblationResult, cluster_ablation
from .baselines import baseline_embedding
from .metrics import neighborhood_preservation, neighbourhood_preservation
from .synthetic import simulate_rnn_training

__all__ = [
    "AblationResult",
    "baseline_embedding",
    "cluster_ablation",
    "neighborhood_preservation",
    "neighbourhood_preservation",
    "simulate_rnn_training",
]
