"""Fixtures for the layer-2 browser tests: the bundled front end on a static page in headless
Chromium, driven by a fake anywidget model whose state comes from the real Python widget.

The page (``harness.html``) and the bundle are served from a temporary directory by a
``http.server`` thread on 127.0.0.1; nothing is fetched from the network. Chromium is Debian's,
with software WebGL2 (see ``browser`` in tests/conftest.py).
"""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from mmphate_widget.widget.html_export import jsonable
from mmphate_widget.widget.widget import CONTRACT_TRAITS

REPO = Path(__file__).resolve().parents[2]
BUNDLE = REPO / "mmphate_widget" / "widget" / "static" / "widget.js"
HARNESS = Path(__file__).with_name("harness.html")
FAKE_MODEL = Path(__file__).with_name("fake_model.js")


@dataclass
class Fixture:
    """The Python widget and its state as the page receives it."""

    widget: Any
    state: dict[str, Any]
    epochs: list[int]
    n_epochs: int
    n_steps: int
    n_units: int

    @property
    def n_nodes(self) -> int:
        return self.n_epochs * self.n_steps * self.n_units

    def node(self, epoch_index: int, step: int, unit: int) -> int:
        return (epoch_index * self.n_steps + step) * self.n_units + unit


def page_state(widget: Any) -> dict[str, Any]:
    """The contract traits of a widget, from ``get_state()``, ready for ``harness.mount``."""
    state = widget.get_state()
    return {name: jsonable(state[name]) for name in CONTRACT_TRAITS}


@pytest.fixture(scope="session")
def state_of():
    """:func:`page_state`, for tests that make widgets of their own."""
    return page_state


@pytest.fixture(scope="session")
def fitted() -> Fixture:
    """A widget on a small fitted model: 6 epochs (numbered 0, 5, ..., 25) x 5 steps x 8 units."""
    if not BUNDLE.is_file():
        pytest.fail(f"{BUNDLE} is missing; build it with: npm ci --prefix js && npm run build --prefix js")
    from mmphate_widget.analysis.synthetic import simulate_rnn_training
    from mmphate_widget.engine.estimator import MMPHATE
    from mmphate_widget.widget.widget import MMPHATEWidget

    hidden, labels = simulate_rnn_training(6, 5, 8, 12, random_state=0)
    epochs = [0, 5, 10, 15, 20, 25]
    metrics = {"loss": np.linspace(1.0, 0.2, 6), "accuracy": np.linspace(0.5, 0.95, 6)}
    model = MMPHATE(random_state=0, interstep_knn=5, t=10, verbose=False).fit(
        hidden, labels=labels, epochs=epochs, metrics=metrics
    )
    widget = MMPHATEWidget(model)
    return Fixture(widget, page_state(widget), epochs, 6, 5, 8)


@pytest.fixture(scope="session")
def fitted_2d() -> Fixture:
    """A widget on a two-component embedding: 4 epochs x 3 steps x 5 units, no labels."""
    from mmphate_widget.analysis.synthetic import simulate_rnn_training
    from mmphate_widget.engine.estimator import MMPHATE
    from mmphate_widget.widget.widget import MMPHATEWidget

    hidden, _ = simulate_rnn_training(4, 3, 5, 10, random_state=1)
    model = MMPHATE(n_components=2, random_state=0, interstep_knn=3, t=10, verbose=False).fit(hidden)
    widget = MMPHATEWidget(model)
    return Fixture(widget, page_state(widget), [0, 1, 2, 3], 4, 3, 5)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def static_url(tmp_path_factory: pytest.TempPathFactory):
    """Base URL of a loopback server for the harness page and the bundle."""
    root = tmp_path_factory.mktemp("browser-harness")
    shutil.copy(HARNESS, root / "index.html")
    shutil.copy(FAKE_MODEL, root / "fake_model.js")
    if BUNDLE.is_file():
        shutil.copy(BUNDLE, root / "widget.js")
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def open_widget(browser, static_url):
    """Open the harness and mount the widget with a given state; returns the page.

    The page fails the test on any uncaught error or console error.
    """
    contexts = []
    errors: list[str] = []

    def _open(state: dict[str, Any]):
        context = browser.new_context(viewport={"width": 1200, "height": 800})
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(f"{static_url}/index.html")
        page.wait_for_function("window.harnessLoaded === true")
        page.evaluate("state => window.harness.mount(state)", state)
        page.wait_for_selector('.mmphate-root[data-mmphate-ready="true"]', timeout=20_000)
        page.errors = errors
        return page

    yield _open
    for context in contexts:
        context.close()
    assert not errors, f"errors in the page: {errors}"


@pytest.fixture
def page(open_widget, fitted):
    """The widget on the fitted fixture's state."""
    return open_widget(fitted.state)
