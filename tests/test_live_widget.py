"""MMPHATEWidget.live: a widget that shows before any fit, draws the training curves every epoch,
switches to each background fit in one message that keeps the view state, and stops with a final
fit on every epoch."""

from __future__ import annotations

import logging

import numpy as np
import pytest
import torch
import traitlets
from recording_comm import route_comms
from wire_decode import decode

import mmphate_widget.widget.live as live_module
from mmphate_widget import HiddenStateRecorder
from mmphate_widget.engine.estimator import MMPHATE
from mmphate_widget.widget.widget import MMPHATEWidget

torch.set_num_threads(1)
T, U, S = 6, 6, 5
PARAMS = {"n_landmark": None, "interstep_knn": 5, "t": 10, "random_state": 0}
DATA_TRAITS = {
    "_positions", "_dims", "_epoch_numbers", "_unit_clusters", "_n_clusters", "_cluster_stability",
    "_unit_cluster_confidence", "_intrastep_entropy", "_interstep_entropy", "_node_label",
}  # fmt: skip


@pytest.fixture
def comm(monkeypatch):
    """Route widget comms to RecordingComm; returns a function giving the last comm made."""
    created = route_comms(monkeypatch)
    return lambda: created[-1]


@pytest.fixture
def gru():
    torch.manual_seed(0)
    layer = torch.nn.GRU(3, U, batch_first=True)
    x = torch.randn(S, T, 3, generator=torch.Generator().manual_seed(1))
    return layer, x


def train(layer, rec, start, stop):
    """Nudge the weights as a training epoch would, and record each epoch with two metrics."""
    for epoch in range(start, stop):
        with torch.no_grad():
            for p in layer.parameters():
                p.add_(0.05 * torch.randn(p.shape, generator=torch.Generator().manual_seed(epoch)))
        rec.record(epoch, loss=1.0 / (epoch + 1), accuracy=epoch / 10)


def history(w) -> dict[str, np.ndarray]:
    rows = decode(w._history, "float32").reshape(len(w._history_names), -1)
    return dict(zip(w._history_names, rows, strict=True))


def test_shows_at_once_with_nothing_fitted(comm, gru):
    layer, x = gru
    rec = HiddenStateRecorder(layer, x)
    w = MMPHATEWidget.live(rec, refit_every=3, labels=[0, 1, 0, 1, 1], **PARAMS)
    assert w.model is None and w.n_nodes == 0
    assert w._positions == b"" and w._dims == {} and w._history == b""
    assert w._live_status["epochs_recorded"] == 0 and w._live_status["epochs_shown"] == 0
    assert not w._live_status["fitting"] and w._live_status["refit_every"] == 3
    assert w.live_status.n_fits == 0
    # The comm opened with empty data buffers: nothing is drawn until the first fit.
    assert sum(len(buffer) for buffer in comm().opened["buffers"]) == 0

    # View state that does not depend on a fit can be set already; ranges and clusters cannot.
    w.color_by = "label"
    w.selected_units = [1, 4]
    w.step_range = [1, 4]
    with pytest.raises(traitlets.TraitError, match=r"epoch_range cannot be set yet.*after 3 recorded"):
        w.epoch_range = [0, 1]
    with pytest.raises(traitlets.TraitError, match="selected_clusters cannot be set yet"):
        w.selected_clusters = [0]
    with pytest.raises(traitlets.TraitError, match=r"selected_units entries must lie in \[0, 5\]"):
        w.selected_units = [U]

    table = w.selection()
    assert len(table) == 0 and "interstep_entropy" in table.columns
    assert w.visible_mask().shape == (0,) and w.colors().shape == (0, 3)
    with pytest.raises(RuntimeError, match=r"to_html\(\) needs a fit.*after 3 recorded epochs"):
        w.to_html("never.html")


def test_training_curves_update_on_every_record(comm, gru):
    layer, x = gru
    rec = HiddenStateRecorder(layer, x, epochs=2)  # states every 2nd epoch, metrics every epoch
    w = MMPHATEWidget.live(rec, refit_every=5, **PARAMS)
    train(layer, rec, 0, 3)
    assert w._history_names == ["epoch", "loss", "accuracy"]
    curves = history(w)
    np.testing.assert_array_equal(curves["epoch"], [0, 1, 2])
    np.testing.assert_allclose(curves["loss"], [1, 1 / 2, 1 / 3], rtol=1e-6)
    assert w._live_status["epochs_recorded"] == 2  # epochs 0 and 2 hold states
    # Every record() sent the curves as a binary buffer, never as a list of numbers.
    sent = [u for u in comm().updates() if "_history" in u]
    assert len(sent) == 3
    assert all(isinstance(u["_history"], memoryview | bytes) for u in sent)
    rec.record(3, loss=0.2)  # a metric may be missing in an epoch: NaN there
    assert np.isnan(history(w)["accuracy"][-1])
    assert w.model is None


def test_a_new_fit_switches_in_one_message_and_keeps_the_view(comm, gru):
    layer, x = gru
    rec = HiddenStateRecorder(layer, x)
    w = MMPHATEWidget.live(rec, refit_every=3, **PARAMS)
    w.selected_units = [2]
    train(layer, rec, 0, 3)
    w._live.wait()
    assert w.model.n_epochs_ == 3 and w.n_nodes == 3 * T * U
    assert w.epoch_range == [0, 2] and w.step_range == [0, T - 1]
    assert w.selected_clusters == list(range(w._n_clusters))
    assert w.selected_units == [2]
    assert w._live_status["epochs_shown"] == 3 and w._live_status["n_fits"] == 1

    camera = {"position": [0.5, 1.0, 3.0], "target": [0.0, 0.1, 0.0], "up": [0.0, 1.0, 0.0]}
    w.color_by, w.cluster_mode, w.point_size, w.camera = "cluster", "highlight", 6.0, camera
    w.step_range = [1, 4]
    first = w.model
    comm().sent.clear()
    train(layer, rec, 3, 6)
    w._live.wait()

    assert w.model is not first and w.model.n_epochs_ == 6
    assert w.epoch_range == [0, 5]  # it showed every epoch, so it follows the fit
    assert (w.color_by, w.cluster_mode, w.point_size, w.camera) == ("cluster", "highlight", 6.0, camera)
    assert w.step_range == [1, 4] and w.selected_units == [2]
    assert w.selected_clusters == list(range(w._n_clusters))
    assert len(decode(w._positions, "float32")) == 6 * T * U * 3
    # One message carries the whole switch: the changed data, the new ranges and the status.
    switches = [u for u in comm().updates() if "_positions" in u]
    assert len(switches) == 1
    switch = switches[0]
    assert {"_positions", "_dims", "_epoch_numbers", "epoch_range", "_live_status"} <= set(switch)
    assert set(switch) <= DATA_TRAITS | {"epoch_range", "selected_clusters", "_live_status"}
    assert switch["_live_status"]["epochs_shown"] == 6
    # Unchanged values are not sent again: names, metrics, the bundle, the view state.
    for unchanged in ("_unit_names", "_class_names", "_metrics", "_esm", "color_by", "camera", "step_range"):
        assert unchanged not in switch


def test_a_narrowed_epoch_range_and_cluster_choice_are_kept(comm, gru):
    layer, x = gru
    rec = HiddenStateRecorder(layer, x)
    w = MMPHATEWidget.live(rec, refit_every=3, **PARAMS)
    train(layer, rec, 0, 3)
    w._live.wait()
    w.epoch_range = [1, 2]
    w.selected_clusters = [0]
    train(layer, rec, 3, 6)
    w._live.wait()
    assert w.model.n_epochs_ == 6
    assert w.epoch_range == [1, 2] and w.selected_clusters == [0]


def test_a_failed_fit_is_shown_and_logged_and_the_next_one_runs(comm, gru, monkeypatch, caplog):
    class FailsOnce(MMPHATE):
        failed = False

        def fit(self, X, *args, **kwargs):
            if not FailsOnce.failed:
                FailsOnce.failed = True
                raise ValueError("planted failure")
            return super().fit(X, *args, **kwargs)

    monkeypatch.setattr(live_module, "MMPHATE", FailsOnce)
    layer, x = gru
    rec = HiddenStateRecorder(layer, x)
    w = MMPHATEWidget.live(rec, refit_every=3, **PARAMS)
    with caplog.at_level(logging.ERROR, logger="mmphate_widget.widget.live"):
        train(layer, rec, 0, 3)
        w._live.wait()
    assert w._live_status["error"] == "ValueError: planted failure"
    assert w.live_status.error == "ValueError: planted failure"
    assert not w._live_status["fitting"] and w.model is None
    assert "planted failure" in caplog.text
    train(layer, rec, 3, 6)
    w._live.wait()
    assert w.model.n_epochs_ == 6
    assert w._live_status["error"] is None and w._live_status["epochs_shown"] == 6


def test_stop_shows_a_final_fit_on_every_epoch(comm, gru, tmp_path):
    layer, x = gru
    rec = HiddenStateRecorder(layer, x)
    w = MMPHATEWidget.live(rec, refit_every=3, **PARAMS)
    train(layer, rec, 0, 5)  # one fit on 3 epochs; 2 more are recorded meanwhile
    w._live.wait()
    assert w.model.n_epochs_ == 3
    model = w.stop()
    assert model is w.model and model.n_epochs_ == 5
    np.testing.assert_array_equal(model.epochs_, np.arange(5))
    assert w.epoch_range == [0, 4]
    status = w._live_status
    assert status["stopped"] and not status["fitting"] and status["epochs_shown"] == 5
    assert w.live_status.stopped
    # After stop nothing follows the recorder any more.
    train(layer, rec, 5, 9)
    assert w.model is model and len(history(w)["epoch"]) == 5
    # An exported file keeps the training curves but no live status line.
    text = w.to_html(tmp_path / "run.html").read_text()
    assert '"_history_names":["epoch","loss","accuracy"]' in text and '"_live_status":{}' in text


def test_the_widget_is_a_context_manager(comm, gru):
    layer, x = gru
    rec = HiddenStateRecorder(layer, x)
    with MMPHATEWidget.live(rec, refit_every=10, **PARAMS) as w:
        train(layer, rec, 0, 4)
        assert w.model is None  # not due yet
    assert w.model.n_epochs_ == 4 and w.live_status.stopped

    # Leaving with an error stops without the final fit.
    rec = HiddenStateRecorder(layer, x)
    with pytest.raises(KeyError), MMPHATEWidget.live(rec, refit_every=10, **PARAMS) as w:
        train(layer, rec, 0, 4)
        raise KeyError("training broke")
    assert w.model is None and w.live_status.stopped and w._live_status["stopped"]


def test_closing_a_live_widget_stops_its_refits(comm, gru):
    layer, x = gru
    rec = HiddenStateRecorder(layer, x)
    w = MMPHATEWidget.live(rec, refit_every=2, **PARAMS)
    train(layer, rec, 0, 1)
    w.close()
    assert w.live_status.stopped
    train(layer, rec, 1, 6)  # no more fits and no more curve updates after close
    assert w.model is None and w.live_status.n_fits == 0 and not w.live_status.fitting


def test_a_fit_already_due_starts_at_once(comm, gru):
    layer, x = gru
    rec = HiddenStateRecorder(layer, x)
    train(layer, rec, 0, 4)
    w = MMPHATEWidget.live(rec, refit_every=3, **PARAMS)
    assert len(history(w)["epoch"]) == 4
    w._live.wait()
    assert w.model.n_epochs_ == 4


def test_bad_arguments_fail_before_anything_runs(comm, gru, fitted):
    layer, x = gru
    rec = HiddenStateRecorder(layer, x)
    with pytest.raises(ValueError, match="labels has 2 entries but the recording has 5 trace samples"):
        MMPHATEWidget.live(rec, labels=[0, 1])
    with pytest.raises(ValueError, match="unit_names has 1 entries but the recording has 6 units"):
        MMPHATEWidget.live(rec, unit_names=["a"])
    with pytest.raises(ValueError, match="n_components=4"):
        MMPHATEWidget.live(rec, n_components=4)
    with pytest.raises(ValueError, match="refit_every must be a positive integer"):
        MMPHATEWidget.live(rec, refit_every=0)
    with pytest.raises(TypeError):
        MMPHATEWidget.live(rec, no_such_parameter=1)
    with pytest.raises(ValueError, match='fit_in must be "thread" or "process"'):
        MMPHATEWidget.live(rec, fit_in="gpu")
    w = MMPHATEWidget(fitted)
    assert w.live_status is None
    with pytest.raises(RuntimeError, match=r"MMPHATEWidget\.live"):
        w.stop()
