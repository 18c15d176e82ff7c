"""The JupyterLab widget (anywidget + three.js) and what it sends to the browser."""

from .widget import MMPHATEWidget

__all__ = ["MMPHATEWidget"]
