"""LiveRefitter: background refits of a growing recording, one at a time, aligned."""

from __future__ import annotations

import logging
import threading

import numpy as np
import pytest
import torch

from mmphate_widget import MMPHATE, HiddenStateRecorder
from mmphate_widget.widget.live import LiveRefitter

torch.set_num_threads(1)
PARAMS = {"n_components": 2, "n_landmark": None, "interstep_knn": 5, "random_state": 0}


def recorder(steps=6, samples=5):
    torch.manual_seed(0)
    layer = torch.nn.GRU(3, 6, batch_first=True)
    x = torch.randn(samples, steps, 3, generator=torch.Generator().manual_seed(1))
    return layer, HiddenStateRecorder(layer, x)


def train(layer, rec, epochs, start=0):
    for epoch in range(start, start + epochs):
        with torch.no_grad():
            for p in layer.parameters():
                p.add_(0.05 * torch.randn(p.shape, generator=torch.Generator().manual_seed(epoch)))
        rec.record(epoch, loss=1.0 / (epoch + 1))


def test_fits_when_due_aligns_and_finishes_with_a_final_fit():
    layer, rec = recorder()
    fits, statuses = [], []
    live = LiveRefitter(rec, refit_every=3, on_fit=fits.append, on_status=statuses.append, **PARAMS)
    train(layer, rec, 2)
    assert not live.status.fitting and live.status.n_fits == 0  # not due yet
    train(layer, rec, 1, start=2)  # 3 epochs: the first fit starts
    live.wait()
    assert live.status.epochs_fitted == 3 and live.status.n_fits == 1
    train(layer, rec, 4, start=3)
    live.wait()
    model = live.stop()
    assert model is fits[-1]
    assert model.embedding_.shape[0] == 7 * 6 * 6
    assert live.status.epochs_fitted == 7 and live.status.stopped and not live.status.fitting
    assert next(len(f.epochs_) for f in fits) == 3
    np.testing.assert_array_equal(model.epochs_, np.arange(7))
    np.testing.assert_allclose(model.metrics_["loss"], 1.0 / np.arange(1, 8))
    # aligned: the shared nodes of consecutive fits are close, not an arbitrary rotation apart
    a, b = fits[-2].embedding_, fits[-1].embedding_
    shared = len(a)
    spread = np.linalg.norm(a - a.mean(axis=0), axis=1).mean()
    assert np.linalg.norm(b[:shared] - a, axis=1).mean() < 0.5 * spread
    assert any(s.fitting for s in statuses) and statuses[-1].stopped


def test_never_more_than_one_fit_and_the_loop_never_waits():
    layer, rec = recorder()
    gate = threading.Event()
    running, most = [0], [0]

    def slow_fit(model):
        running[0] += 1
        most[0] = max(most[0], running[0])
        gate.wait(5)
        running[0] -= 1

    live = LiveRefitter(rec, refit_every=1, on_fit=slow_fit, **PARAMS)
    train(layer, rec, 2)  # the first fit needs 2 epochs (enough slices) -- it may fail on 1
    live.wait(0.01)
    train(layer, rec, 5, start=2)  # returns at once although a fit may be held at the gate
    assert len(rec) == 7
    gate.set()
    live.stop()
    assert most[0] == 1
    assert live.status.epochs_fitted == 7


def test_a_failing_fit_is_reported_and_the_next_one_still_runs(caplog):
    layer, rec = recorder(steps=2)
    live = LiveRefitter(rec, refit_every=1, **PARAMS)  # 1 epoch x 2 steps: too few slices
    train(layer, rec, 1)
    live.wait()
    assert live.status.error is not None and "ValueError" in live.status.error
    assert "live MM-PHATE fit on 1 epochs failed" in caplog.text
    train(layer, rec, 5, start=1)
    live.stop()
    assert live.status.error is None and live.status.epochs_fitted == 6


def test_background_fits_show_each_warning_once(caplog):
    layer, rec = recorder()
    fits = []
    live = LiveRefitter(rec, refit_every=1, on_fit=fits.append, verbose=False, **PARAMS)
    unstable = "unit clusters are unstable"
    with caplog.at_level(logging.WARNING):
        for epoch in range(4):
            train(layer, rec, 1, start=epoch)
            live.wait()
        warned = [r.getMessage() for r in caplog.records if unstable in r.getMessage()]
        # every one of these fits logged the warning, with its own stability; it is shown once
        assert sum(model.cluster_stability_ < 0.6 for model in fits) >= 3
        assert len(warned) == 1 and f"stability {fits[0].cluster_stability_:.2f}" in warned[0]
        # fits in any other thread log every time
        caplog.clear()
        hidden, epochs, _ = rec.snapshot()
        for _ in range(2):
            model = MMPHATE(verbose=False, **PARAMS).fit(hidden, epochs=epochs)
        assert model.cluster_stability_ < 0.6
        assert sum(unstable in r.getMessage() for r in caplog.records) == 2
        # a second refitter shows it again, once
        caplog.clear()
        layer2, rec2 = recorder()
        other = LiveRefitter(rec2, refit_every=1, verbose=False, **PARAMS)
        for epoch in range(4):
            train(layer2, rec2, 1, start=epoch)
            other.wait()
        other.stop(final_fit=False)
        assert sum(unstable in r.getMessage() for r in caplog.records) == 1
    live.stop(final_fit=False)


def test_every_engine_logger_drops_repeats_of_background_fits():
    from mmphate_widget.widget import live

    engine = [
        logger
        for name, logger in logging.Logger.manager.loggerDict.items()
        if name.startswith("mmphate_widget.engine.") and isinstance(logger, logging.Logger)
    ]
    assert len(engine) >= 5
    assert all(live._SHOW_ONCE in logger.filters for logger in engine)


def test_bad_settings_fail_at_once():
    _, rec = recorder()
    with pytest.raises(ValueError, match="refit_every must be a positive integer"):
        LiveRefitter(rec, refit_every=0)
    with pytest.raises(TypeError):
        LiveRefitter(rec, not_a_parameter=1)


def test_fits_in_a_worker_process_give_the_same_embedding():
    layer, rec = recorder()
    train(layer, rec, 4)
    in_thread = LiveRefitter(rec, refit_every=10, **PARAMS)
    in_process = LiveRefitter(rec, refit_every=10, fit_in="process", **PARAMS)
    a, b = in_thread.stop(), in_process.stop()
    assert in_process._pool is None  # the worker is shut down with the refits
    np.testing.assert_array_equal(a.embedding_, b.embedding_)  # deterministic for a random_state
    assert b.kernel_ is None and a.kernel_ is not None
    assert in_process.status.epochs_fitted == 4 and in_process.status.error is None
    with pytest.raises(ValueError, match='fit_in must be "thread" or "process"'):
        LiveRefitter(rec, fit_in="gpu")
