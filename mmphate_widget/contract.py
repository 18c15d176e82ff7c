"""The constants that Python and the front end must agree on, read from ``contract.json``.

``contract.json`` is the one place these values are written: hatch reads the package version from
it, esbuild bundles it into the front end (``js/src/contract.ts`` imports it), and Python reads it
here through :mod:`importlib.resources`. This module imports nothing else from the package, so
every layer (engine, analysis, widget) may use it.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

__all__ = ["CONTRACT", "__version__"]

#: The parsed ``contract.json``.
CONTRACT: dict[str, Any] = json.loads(
    resources.files(__package__).joinpath("contract.json").read_text(encoding="utf-8")
)

#: The package version (also the wheel's, through ``[tool.hatch.version]``).
__version__: str = CONTRACT["version"]
