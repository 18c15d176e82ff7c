"""Recording hidden states from PyTorch recurrent networks (torch is imported only when used)."""

from .pytorch import record_hidden_states, zero_units

__all__ = ["record_hidden_states", "zero_units"]
