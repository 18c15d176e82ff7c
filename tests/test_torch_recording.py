"""Recording hidden states from, and silencing units of, real PyTorch recurrent layers."""

from __future__ import annotations

import sys

import numpy as np
import pytest
import torch
from torch_layers import make_inputs, make_layer

from mmphate_widget.recording.pytorch import record_hidden_states, zero_units


@pytest.mark.parametrize("kind", ["GRU", "LSTM", "RNN"])
@pytest.mark.parametrize("batch_first", [True, False])
def test_recording_is_the_layer_output_as_steps_units_samples(kind, batch_first):
    layer = make_layer(kind, batch_first=batch_first, num_layers=2)
    x = make_inputs(batch_first)
    hidden = record_hidden_states(layer, x)
    assert hidden.shape == (7, 5, 4)
    with torch.no_grad():
        output = layer(x)[0]
    by_sample = output if batch_first else output.transpose(0, 1)  # (samples, steps, units)
    np.testing.assert_allclose(hidden, by_sample.permute(1, 2, 0).numpy(), rtol=0, atol=1e-6)
    assert hidden[2, 3, 1] == pytest.approx(float(by_sample[1, 2, 3]))


def test_recording_the_last_step_matches_the_final_hidden_state():
    layer = make_layer("LSTM", batch_first=True)
    x = make_inputs(True)
    with torch.no_grad():
        _, (h_n, _) = layer(x)
    np.testing.assert_allclose(record_hidden_states(layer, x)[-1], h_n[-1].T.numpy(), atol=1e-6)


def test_recording_accepts_numpy_runs_in_eval_mode_and_restores_training_mode():
    layer = make_layer("GRU", batch_first=True, num_layers=2, dropout=0.9)
    layer.train()
    x = make_inputs(True).numpy().astype(np.float64)
    first = record_hidden_states(layer, x)
    second = record_hidden_states(layer, x)
    np.testing.assert_array_equal(first, second)  # dropout off while recording
    assert layer.training
    assert first.dtype == np.float32


def test_bidirectional_units_are_forward_then_reverse():
    layer = make_layer("GRU", batch_first=True, bidirectional=True)
    x = make_inputs(True)
    hidden = record_hidden_states(layer, x)
    assert hidden.shape == (7, 10, 4)
    with torch.no_grad():
        _, h_n = layer(x)
    np.testing.assert_allclose(hidden[-1, :5], h_n[0].T.numpy(), atol=1e-6)  # forward ends last
    np.testing.assert_allclose(hidden[0, 5:], h_n[1].T.numpy(), atol=1e-6)  # reverse ends first


class Classifier(torch.nn.Module):
    def __init__(self, kind):
        super().__init__()
        torch.manual_seed(0)
        self.rnn = getattr(torch.nn, kind)(3, 5, batch_first=True)
        self.readout = torch.nn.Linear(5, 2)

    def forward(self, x):
        return self.readout(self.rnn(x)[0][:, -1])


@pytest.mark.parametrize("kind", ["GRU", "LSTM"])
@pytest.mark.parametrize("recurrent", [True, False])
def test_zeroed_units_are_zero_at_every_step_and_change_the_output(kind, recurrent):
    model = Classifier(kind)
    x = make_inputs(True)
    silenced = [1, 3]
    before = record_hidden_states(model.rnn, x)
    with torch.no_grad():
        logits_before = model(x)
        with zero_units(model.rnn, silenced, recurrent=recurrent):
            during = record_hidden_states(model.rnn, x)
            logits_during = model(x)
            final_state = model.rnn(x)[1]
    h_n = final_state[0] if kind == "LSTM" else final_state
    assert np.all(during[:, silenced] == 0)
    assert torch.all(h_n[-1][:, silenced] == 0)
    kept = [0, 2, 4]
    assert np.all(np.abs(during[:, kept]) > 0)
    assert not torch.allclose(logits_before, logits_during)
    # the read-out sees exactly the kept units
    weight, bias = model.readout.weight.detach().numpy(), model.readout.bias.detach().numpy()
    np.testing.assert_allclose(logits_during.numpy(), during[-1].T @ weight.T + bias, atol=1e-5)
    if recurrent:  # the silenced units no longer drive the others
        assert not np.allclose(during[:, kept], before[:, kept], atol=1e-4)
    else:  # only the layer's output is masked: the kept units are untouched
        np.testing.assert_allclose(during[:, kept], before[:, kept], atol=1e-6)


def test_recurrent_silencing_equals_clamping_the_units_step_by_step():
    torch.manual_seed(0)
    cell = torch.nn.GRUCell(3, 5)
    layer = torch.nn.GRU(3, 5, batch_first=True)
    with torch.no_grad():
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            getattr(layer, f"{name}_l0").copy_(getattr(cell, name))
    x = make_inputs(True)
    keep = torch.tensor([1.0, 0.0, 1.0, 1.0, 0.0])
    h = torch.zeros(4, 5)
    steps = []
    with torch.no_grad():
        for t in range(x.shape[1]):
            h = cell(x[:, t], h) * keep
            steps.append(h)
    expected = torch.stack(steps).permute(0, 2, 1).numpy()
    with zero_units(layer, np.array([False, True, False, False, True])):
        hidden = record_hidden_states(layer, x)
    np.testing.assert_allclose(hidden, expected, atol=1e-6)


def test_weights_and_hooks_are_restored_after_the_block_even_on_error():
    model = Classifier("LSTM")
    x = make_inputs(True)
    weights = {name: p.detach().clone() for name, p in model.rnn.named_parameters()}
    before = record_hidden_states(model.rnn, x)
    with pytest.raises(RuntimeError, match="boom"), zero_units(model.rnn, [0, 1, 2]):
        raise RuntimeError("boom")
    for name, p in model.rnn.named_parameters():
        torch.testing.assert_close(p.detach(), weights[name], rtol=0, atol=0)
    assert not model.rnn._forward_hooks
    np.testing.assert_array_equal(record_hidden_states(model.rnn, x), before)


def test_multilayer_silences_the_top_layer_only():
    layer = make_layer("LSTM", batch_first=True, num_layers=2)
    x = make_inputs(True)
    with torch.no_grad(), zero_units(layer, [4]):
        _, (h_n, _) = layer(x)
        bottom_before = h_n[0].clone()
    with torch.no_grad():
        _, (h_n_plain, _) = layer(x)
    assert torch.all(h_n[1][:, 4] == 0)
    torch.testing.assert_close(bottom_before, h_n_plain[0])


def test_ablation_predict_in_a_few_lines():
    from mmphate_widget.analysis.ablation import cluster_ablation

    model = Classifier("GRU")
    x = make_inputs(True, samples=12)

    def predict(X, keep_mask):
        with torch.no_grad(), zero_units(model.rnn, ~keep_mask):
            return model(torch.as_tensor(X)).argmax(dim=1).numpy()

    y = predict(x, np.ones(5, bool))
    result = cluster_ablation(predict, [0, 0, 1, 1, 1], {"train": (x, y)}, labels=[0, 1])
    assert result.accuracy["train"]["all units"] == 1.0
    assert result.confusion["train"]["cluster 1"].sum() == 12


@pytest.mark.parametrize(
    ("units", "error", "message"),
    [
        (np.ones(4, bool), ValueError, r"boolean units mask must have shape \(5,\).*got shape \(4,\)"),
        ([0, 5], ValueError, r"unit indices \[5\] are out of range for a layer with 5 units"),
        ([0.5], ValueError, "unit indices or a boolean mask"),
    ],
)
def test_bad_units_are_named(units, error, message):
    with pytest.raises(error, match=message), zero_units(make_layer("GRU"), units):
        pass


def test_not_a_recurrent_layer():
    with pytest.raises(TypeError, match=r"torch\.nn\.RNN, GRU or LSTM; got Linear.*model\.lstm"):
        record_hidden_states(torch.nn.Linear(3, 5), torch.zeros(2, 3))
    with pytest.raises(TypeError, match="got Classifier"), zero_units(Classifier("GRU"), [0]):
        pass


def test_inputs_of_the_wrong_rank():
    with pytest.raises(ValueError, match=r"\(samples, steps, features\) \(batch_first=True\); got \(7, 3\)"):
        record_hidden_states(make_layer("GRU", batch_first=True), torch.zeros(7, 3))


def test_missing_torch_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(ImportError, match="pip install torch"):
        record_hidden_states(object(), np.zeros((1, 1, 1)))


def test_packed_sequences_are_refused_by_name():
    layer = make_layer("GRU", batch_first=True)
    packed = torch.nn.utils.rnn.pack_padded_sequence(make_inputs(True), [7, 5, 3, 2], batch_first=True)
    with pytest.raises(TypeError, match="not PackedSequence"), zero_units(layer, [0]):
        layer(packed)
