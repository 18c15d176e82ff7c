"""HiddenStateRecorder: recording real PyTorch layers through a training loop, and saving it."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch_layers import make_inputs, make_layer

from mmphate_widget import MMPHATE, HiddenStateRecorder, pick_trace_samples
from mmphate_widget.recording.pytorch import record_hidden_states


def nudge(layer, seed):
    """Change the weights a little, as a training step would."""
    with torch.no_grad():
        for p in layer.parameters():
            p.add_(0.1 * torch.randn(p.shape, generator=torch.Generator().manual_seed(seed)))


@pytest.mark.parametrize("kind", ["RNN", "GRU", "LSTM"])
@pytest.mark.parametrize("batch_first", [True, False])
def test_records_one_slice_per_epoch_equal_to_the_layer_output(kind, batch_first):
    layer = make_layer(kind, batch_first=batch_first, num_layers=2)
    x = make_inputs(batch_first)
    rec = HiddenStateRecorder(layer, x)
    expected = []
    for epoch in range(3):
        nudge(layer, epoch)
        assert rec.record(epoch, train_loss=1.0 / (epoch + 1))
        expected.append(record_hidden_states(layer, x))
    assert rec.hidden_states.shape == (3, 7, 5, 4)
    assert rec.hidden_states.dtype == np.float32
    np.testing.assert_allclose(rec.hidden_states, np.stack(expected), atol=1e-6)
    np.testing.assert_array_equal(rec.epochs, [0, 1, 2])
    np.testing.assert_allclose(rec.metrics["train_loss"], [1.0, 0.5, 1 / 3])


def test_a_lower_layer_feeds_the_layer_above():
    """Layer 0's recorded outputs, run through layer 1's weights, give the network's output."""
    layer = make_layer("LSTM", batch_first=True, num_layers=2, dropout=0.5)
    layer.train()
    x = make_inputs(True)
    rec = HiddenStateRecorder(layer, x, layer=0)
    rec.record(0)
    assert layer.training  # the mode is restored
    below = torch.tensor(rec.hidden_states[0]).permute(2, 0, 1)  # (samples, steps, units)
    top = torch.nn.LSTM(5, 5, batch_first=True)
    with torch.no_grad():
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            getattr(top, f"{name}_l0").copy_(getattr(layer, f"{name}_l1"))
        layer.eval()
        np.testing.assert_allclose(top(below)[0].numpy(), layer(x)[0].numpy(), atol=1e-5)


def test_one_direction_of_a_bidirectional_layer():
    layer = make_layer("GRU", batch_first=False, bidirectional=True, num_layers=2)
    x = make_inputs(False)
    both = HiddenStateRecorder(layer, x)
    forward = HiddenStateRecorder(layer, x, direction="forward")
    reverse = HiddenStateRecorder(layer, x, layer=-1, direction="reverse")
    for rec in (both, forward, reverse):
        rec.record(0)
    assert both.hidden_states.shape == (1, 7, 10, 4)
    np.testing.assert_array_equal(forward.hidden_states[0], both.hidden_states[0, :, :5])
    np.testing.assert_array_equal(reverse.hidden_states[0], both.hidden_states[0, :, 5:])


@pytest.mark.parametrize("bidirectional", [False, True])
def test_lstm_cell_state_ends_in_the_final_cell_state(bidirectional):
    layer = make_layer("LSTM", batch_first=True, num_layers=2, bidirectional=bidirectional)
    x = make_inputs(True)
    n_dir = 2 if bidirectional else 1
    with torch.no_grad():
        _, (_, c_n) = layer(x)
    for which in range(2):
        rec = HiddenStateRecorder(layer, x, layer=which, state="cell")
        rec.record(0)
        cells = rec.hidden_states[0]  # (steps, units, samples)
        assert cells.shape == (7, 5 * n_dir, 4)
        # forward: the last step's cell state; reverse: the first step's
        np.testing.assert_allclose(cells[-1, :5], c_n[which * n_dir].T.numpy(), atol=1e-5)
        if bidirectional:
            np.testing.assert_allclose(cells[0, 5:], c_n[which * n_dir + 1].T.numpy(), atol=1e-5)


def test_a_schedule_records_some_epochs_and_keeps_every_metric():
    layer = make_layer("GRU", batch_first=True)
    rec = HiddenStateRecorder(layer, make_inputs(True), epochs=5)
    recorded = [
        rec.record(epoch, loss=float(epoch), acc=0.1 * epoch if epoch % 2 else None or np.nan)
        for epoch in range(12)
    ]
    assert recorded == [e % 5 == 0 for e in range(12)]
    np.testing.assert_array_equal(rec.epochs, [0, 5, 10])
    assert len(rec) == 3 and rec.hidden_states.shape[0] == 3
    np.testing.assert_array_equal(rec.metrics["loss"], [0.0, 5.0, 10.0])
    np.testing.assert_array_equal(rec.history["epoch"], np.arange(12))
    listed = HiddenStateRecorder(layer, make_inputs(True), epochs=[1, 3])
    assert [listed.record(e) for e in range(4)] == [False, True, False, True]
    custom = HiddenStateRecorder(layer, make_inputs(True), epochs=lambda e: e >= 2)
    assert [custom.record(e) for e in range(3)] == [False, False, True]


def test_a_metric_given_late_is_nan_before():
    rec = HiddenStateRecorder(make_layer("RNN", batch_first=True), make_inputs(True))
    rec.record(0, loss=1.0)
    rec.record(1, loss=0.5, val_accuracy=torch.tensor(0.75))
    np.testing.assert_array_equal(rec.metrics["val_accuracy"], [np.nan, 0.75])


def test_memory_grows_in_chunks_not_per_epoch():
    rec = HiddenStateRecorder(make_layer("GRU", batch_first=True), make_inputs(True))
    buffers = set()
    for epoch in range(40):
        rec.record(epoch)
        buffers.add(id(rec._buffer))
    assert len(buffers) <= 4  # 8, 16, 32, 64 slices of capacity, not 40 re-stacks


def test_recording_copies_the_states():
    layer = make_layer("GRU", batch_first=True)
    rec = HiddenStateRecorder(layer, make_inputs(True))
    rec.record(0)
    first = rec.hidden_states.copy()
    nudge(layer, 1)
    rec.record(1)
    np.testing.assert_array_equal(rec.hidden_states[0], first[0])
    assert not rec.hidden_states.flags.writeable
    states, _epochs, _ = rec.snapshot()
    states[:] = 0
    assert rec.hidden_states.any()


def test_clear_errors():
    layer = make_layer("LSTM", batch_first=True)
    x = make_inputs(True)
    with pytest.raises(TypeError, match=r"torch\.nn\.RNN, GRU or LSTM"):
        HiddenStateRecorder(torch.nn.Linear(3, 5), x)
    with pytest.raises(ValueError, match=r"trace_inputs must have shape \(samples, steps, features\)"):
        HiddenStateRecorder(layer, torch.zeros(4, 7, 2))
    with pytest.raises(ValueError, match="trace_inputs must have shape"):
        HiddenStateRecorder(layer, torch.zeros(4, 7))
    with pytest.raises(ValueError, match="layer=2 is not a layer"):
        HiddenStateRecorder(layer, x, layer=2)
    with pytest.raises(ValueError, match="needs a bidirectional layer"):
        HiddenStateRecorder(layer, x, direction="reverse")
    with pytest.raises(ValueError, match="needs an LSTM"):
        HiddenStateRecorder(make_layer("GRU"), make_inputs(False), state="cell")
    with pytest.raises(ValueError, match='epochs must be "all"'):
        HiddenStateRecorder(layer, x, epochs="some")
    rec = HiddenStateRecorder(layer, x)
    rec.record(3)
    with pytest.raises(ValueError, match="epoch 3 was already recorded"):
        rec.record(3)
    with pytest.raises(ValueError, match="record epochs in increasing order"):
        rec.record(1)
    with pytest.raises(ValueError, match="metric 'loss' must be a number"):
        rec.record(4, loss="low")
    assert len(rec) == 1


def test_save_and_load_round_trip(tmp_path):
    layer = make_layer("LSTM", batch_first=True)
    rec = HiddenStateRecorder(layer, make_inputs(True), epochs=2)
    for epoch in range(5):
        nudge(layer, epoch)
        rec.record(epoch, loss=1.0 / (epoch + 1))
    written = rec.save(tmp_path / "run")
    assert written.name == "run.npz"
    back = HiddenStateRecorder.load(tmp_path / "run")
    np.testing.assert_array_equal(back.hidden_states, rec.hidden_states)
    np.testing.assert_array_equal(back.epochs, [0, 2, 4])
    np.testing.assert_array_equal(back.metrics["loss"], rec.metrics["loss"])
    np.testing.assert_array_equal(back.history["loss"], rec.history["loss"])
    assert back.schedule == "every 2"
    with pytest.raises(RuntimeError, match="loaded from a file"):
        back.record(6)
    (tmp_path / "junk.npz").write_bytes(b"not a zip")
    with pytest.raises(ValueError, match="not a hidden-state recording"):
        HiddenStateRecorder.load(tmp_path / "junk.npz")
    np.savez(tmp_path / "other.npz", x=np.zeros(3))
    with pytest.raises(ValueError, match="not a hidden-state recording"):
        HiddenStateRecorder.load(tmp_path / "other.npz")


def test_a_recording_fits():
    layer = make_layer("GRU", batch_first=True)
    rec = HiddenStateRecorder(layer, make_inputs(True, samples=6, steps=8))
    for epoch in range(4):
        nudge(layer, epoch)
        rec.record(epoch)
    model = MMPHATE(n_components=2, n_landmark=None, random_state=0).fit(rec.hidden_states)
    assert model.embedding_.shape == (4 * 8 * 5, 2)


def test_pick_trace_samples_takes_n_per_class_seeded():
    labels = np.array(["a"] * 10 + ["b"] * 6 + ["c"] * 8)
    picks = pick_trace_samples(labels, 3, random_state=0)
    assert len(picks) == 9
    assert (labels[picks] == np.repeat(["a", "b", "c"], 3)).all()
    np.testing.assert_array_equal(picks, pick_trace_samples(labels, 3, random_state=0))
    assert not np.array_equal(picks, pick_trace_samples(labels, 3, random_state=1))
    with pytest.raises(ValueError, match=r"'b' has 6.*use n_per_class <= 6"):
        pick_trace_samples(labels, 7)
    with pytest.raises(ValueError, match="positive integer"):
        pick_trace_samples(labels, 0)


def test_listeners_hear_every_record_and_cannot_break_training(caplog):
    rec = HiddenStateRecorder(make_layer("GRU", batch_first=True), make_inputs(True), epochs=2)
    heard = []
    unsubscribe = rec.subscribe(lambda epoch, recorded: heard.append((epoch, recorded)))
    rec.subscribe(lambda epoch, recorded: 1 / 0)
    for epoch in range(3):
        assert rec.record(epoch) == (epoch % 2 == 0)
    assert heard == [(0, True), (1, False), (2, True)]
    assert "listener failed after epoch 2" in caplog.text
    unsubscribe()
    rec.record(3)
    assert len(heard) == 3
