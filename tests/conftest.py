"""Shared fixtures: small deterministic hidden-state tensors, and one headless Chromium."""

from __future__ import annotations

import numpy as np
import pytest

from mmphate_widget.analysis.synthetic import simulate_rnn_training


@pytest.fixture(scope="session")
def small_states() -> tuple[np.ndarray, np.ndarray]:
    """12 epochs x 10 steps x 16 units x 30 samples from the simulated RNN, with labels."""
    return simulate_rnn_training(12, 10, 16, 30, random_state=0)


@pytest.fixture(scope="session")
def fitted(small_states):
    """An MMPHATE fitted on ``small_states`` (shared: tests must not modify it)."""
    from mmphate_widget import MMPHATE

    X, y = small_states
    return MMPHATE(interstep_knn=10, verbose=False).fit(
        X, labels=y, epochs=np.arange(12) * 5, metrics={"loss": np.linspace(1, 0.1, 12)}
    )


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium with software WebGL2 (SwiftShader), shared by every browser test.

    One Playwright instance serves the whole session: the sync API cannot run two at once.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--use-angle=swiftshader",
                "--enable-unsafe-swiftshader",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        yield chromium
        chromium.close()
