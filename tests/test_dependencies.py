"""Every library the package imports when it loads is a declared dependency in pyproject.toml.

A wheel installs only what ``[project] dependencies`` names; a module that is importable here only
because another dependency pulled it in can disappear from a stock install with that dependency's
next release. Optional libraries (pandas, matplotlib, torch, pythreejs) are imported inside the
functions that need them, with an error that names the extra, and are not checked here.
"""

from __future__ import annotations

import ast
import re
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: pytest brings tomli there
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]


def _module_level_imports(path: Path) -> set[str]:
    """Top-level names imported by the module's own statements (not inside functions or try)."""
    names = set()
    for node in ast.parse(path.read_text(), filename=str(path)).body:
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_library_imported_at_load_time_is_declared():
    declared = {
        _canonical(re.split(r"[\s<>=!~;\[]", requirement, maxsplit=1)[0])
        for requirement in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    }
    distributions = packages_distributions()
    third_party = {}
    for path in sorted((ROOT / "mmphate_widget").rglob("*.py")):
        for name in _module_level_imports(path):
            if name not in sys.stdlib_module_names and name not in ("mmphate_widget", "__future__"):
                third_party.setdefault(name, path.relative_to(ROOT))
    assert {"numpy", "phate", "threadpoolctl", "traitlets"} <= set(third_party)  # the parse works
    undeclared = {
        name: str(path)
        for name, path in third_party.items()
        if not {_canonical(d) for d in distributions.get(name, [name])} & declared
    }
    assert not undeclared, f"imported but not in [project] dependencies: {undeclared}"
