"""Recording hidden states from PyTorch recurrent networks (torch is imported only when used)."""

from .pytorch import record_hidden_states, zero_units
from .recorder import HiddenStateRecorder, pick_trace_samples

__all__ = ["HiddenStateRecorder", "pick_trace_samples", "record_hidden_states", "zero_units"]
