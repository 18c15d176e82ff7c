"""The JupyterLab widget (anywidget + three.js) and what it sends to the browser."""

from .linking import link_widgets
from .widget import MMPHATEWidget

__all__ = ["MMPHATEWidget", "link_widgets"]
