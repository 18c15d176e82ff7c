"""The engine's import graph: no cycle, no widget, and MMPHATE's private methods stay private."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from mmphate_widget import MMPHATE

ROOT = Path(__file__).resolve().parents[1]
ENGINE = ROOT / "mmphate_widget" / "engine"


def _engine_imports(path: Path) -> set[str]:
    """The mmphate_widget modules that an engine module imports, anywhere in it (lazy imports too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.ImportFrom):
            if node.level == 0:
                module = node.module or ""
                if module.startswith("mmphate_widget"):
                    found.add(module)
                continue
            package = "mmphate_widget.engine" if node.level == 1 else "mmphate_widget"
            if node.module:
                found.add(f"{package}.{node.module}")
            else:  # from . import a, b
                found.update(f"{package}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("mmphate_widget"))
    return found


def test_engine_modules_import_each_other_without_a_cycle():
    graph = {
        f"mmphate_widget.engine.{path.stem}": _engine_imports(path)
        for path in ENGINE.glob("*.py")
        if path.stem != "__init__"
    }
    allowed = {"mmphate_widget.contract", *graph}
    for module, imports in graph.items():
        assert imports <= allowed, (
            f"{module} imports {sorted(imports - allowed)}: not the engine or the contract"
        )
    state: dict[str, str] = {}

    def visit(module: str, path: list[str]) -> None:
        state[module] = "open"
        for target in sorted(graph.get(module, ())):
            assert state.get(target) != "open", f"import cycle: {' -> '.join([*path, target])}"
            if target not in state:
                visit(target, [*path, target])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])


def test_importing_the_engine_loads_no_widget_library():
    code = (
        "import sys, mmphate_widget.engine; "
        "print(sorted(m for m in ('anywidget', 'ipywidgets', 'traitlets') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_no_module_but_the_estimator_calls_a_private_method_of_mmphate():
    private = {name for name in vars(MMPHATE) if name.startswith("_") and not name.startswith("__")}
    assert "_validate_params" in private and "_set_fitted" in private
    estimator = ENGINE / "estimator.py"
    calls = []
    for folder in ("mmphate_widget", "bench", "tests"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path == estimator or "node_modules" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
                if isinstance(node, ast.Attribute) and node.attr in private:
                    calls.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.attr}")
    assert not calls, "MMPHATE's private methods used outside estimator.py:\n" + "\n".join(calls)
