"""The example notebooks run top to bottom (the README's main job opens the quickstart)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbconvert.preprocessors import ExecutePreprocessor

NOTEBOOKS = Path(__file__).resolve().parents[1] / "example_notebooks"


@pytest.mark.parametrize("name", ["quickstart.ipynb", "lstm_basic_motions.ipynb", "architectures.ipynb"])
def test_notebook_runs(name, tmp_path):
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    ExecutePreprocessor(timeout=600, kernel_name="python3").preprocess(
        nb, {"metadata": {"path": str(tmp_path)}}
    )
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    # the widget was displayed: a widget view in some output
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)
