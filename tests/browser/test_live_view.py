"""A live widget's front end in headless Chromium: the empty state before the first fit, the
training curves and status line as epochs are recorded, the switch to a new fit (the cloud redraws
with the new node count, the view state stays) and a failed fit's error. The states are made by a
real ``MMPHATEWidget.live`` following a small GRU, and handed to the page as the kernel sends
them: only the traits that changed, in one message."""

from __future__ import annotations

import pytest

from mmphate_widget.widget.colormaps import BACKGROUND

pytestmark = pytest.mark.browser

T, U, S = 5, 6, 8
CAMERA = {"position": [1.2, 0.8, 2.6], "target": [0.05, 0.0, 0.0], "up": [0.0, 1.0, 0.0]}


def changed(before: dict, after: dict) -> dict:
    """The traits of ``after`` that differ from ``before``: what one update message carries."""
    return {name: value for name, value in after.items() if before.get(name) != value}


@pytest.fixture(scope="module")
def live_states(state_of):
    """Page states of one live widget: empty, 2 epochs recorded, fit on 3, a view set, fit on 6."""
    import torch

    from mmphate_widget import HiddenStateRecorder
    from mmphate_widget.widget.widget import MMPHATEWidget

    torch.set_num_threads(1)
    torch.manual_seed(0)
    layer = torch.nn.GRU(3, U, batch_first=True)
    rec = HiddenStateRecorder(layer, torch.randn(S, T, 3, generator=torch.Generator().manual_seed(1)))
    w = MMPHATEWidget.live(rec, refit_every=3, n_landmark=None, interstep_knn=5, t=10, random_state=0)

    def train(start, stop):
        for epoch in range(start, stop):
            with torch.no_grad():
                for p in layer.parameters():
                    p.add_(0.08 * torch.randn(p.shape, generator=torch.Generator().manual_seed(epoch)))
            rec.record(epoch, loss=1.0 / (epoch + 1), accuracy=0.1 * epoch)
        w._live.wait()

    states = {"empty": state_of(w)}
    train(0, 2)
    states["recorded"] = state_of(w)
    train(2, 3)
    states["fit3"] = state_of(w)
    w.color_by, w.selected_units, w.point_size, w.camera = "cluster", [2], 6.0, CAMERA
    states["view"] = state_of(w)
    train(3, 6)
    states["fit6"] = state_of(w)
    w.stop()
    return states


def attr(page, name: str) -> str | None:
    return page.get_attribute(".mmphate-root", name)


def update(page, values: dict) -> None:
    """Apply one kernel message (several traits at once), then let the widget draw."""
    page.evaluate("s => window.harness.pySetState(s)", values)
    page.evaluate("() => window.harness.frames(3)")


def test_waits_with_nothing_fitted_then_switches_to_each_fit(open_widget, live_states):
    s = live_states
    page = open_widget(s["empty"])
    assert attr(page, "data-points-drawn") == "0" and attr(page, "data-fit-epochs") == "0"
    assert attr(page, "data-live-state") == "waiting"
    waiting = page.locator(".mmphate-waiting")
    assert waiting.is_visible()
    assert waiting.inner_text() == "Waiting for the first fit: 0 of 3 epochs recorded"
    assert page.locator(".mmphate-live").inner_text() == "live · 0 epochs recorded · no fit yet"
    assert page.locator(".mmphate-legend").is_hidden()
    assert page.locator(".mmphate-save-png").is_disabled()
    assert page.evaluate("bg => window.harness.drawnPixels(bg)", list(BACKGROUND)) == 0

    # Two epochs recorded: the curves are drawn on the epoch axis, the cloud still waits.
    update(page, changed(s["empty"], s["recorded"]))
    assert page.locator(".mmphate-chart path.metric-line").count() == 2
    assert page.locator(".mmphate-chart path.cluster-line").count() == 0
    assert "appears with the first fit" in page.locator(".mmphate-chart").inner_text()
    assert waiting.inner_text() == "Waiting for the first fit: 2 of 3 epochs recorded"
    assert attr(page, "data-epochs-recorded") == "2"

    # The first fit: points, the entropy panel, no waiting message.
    update(page, changed(s["recorded"], s["fit3"]))
    assert attr(page, "data-points-drawn") == str(3 * T * U)
    assert attr(page, "data-fit-epochs") == "3" and attr(page, "data-live-state") == "idle"
    assert waiting.is_hidden() and page.locator(".mmphate-legend").is_visible()
    assert page.locator(".mmphate-chart path.cluster-line").count() >= 1
    assert page.evaluate("bg => window.harness.drawnPixels(bg)", list(BACKGROUND)) > 50
    assert page.locator(".mmphate-live").inner_text().startswith("live · 3 epochs recorded · fit on 3 shown")

    # The user's view, then the next fit: more points, the same view.
    update(page, changed(s["fit3"], s["view"]))
    info = page.evaluate("() => window.harness.root.mmphateDebug()")
    message = changed(s["view"], s["fit6"])
    assert not {"color_by", "selected_units", "point_size", "camera", "_esm"} & set(message)
    update(page, message)
    assert attr(page, "data-points-drawn") == str(6 * T * U)
    assert attr(page, "data-points-visible") == str(6 * T * U)
    assert attr(page, "data-fit-epochs") == "6"
    assert page.eval_on_selector(".mmphate-color-by", "s => s.value") == "cluster"
    assert page.locator(".mmphate-legend").get_attribute("data-kind") == "categorical"
    assert page.locator(".mmphate-chips .mmphate-chip").count() == 1
    assert page.text_content(".mmphate-range-epochs .mmphate-value").replace(" ", "") == "0–5"
    camera = page.evaluate("() => window.harness.three.renderers.at(-1).lastCamera.position.toArray()")
    assert camera == pytest.approx(CAMERA["position"], abs=1e-6)
    assert page.evaluate("bg => window.harness.drawnPixels(bg)", list(BACKGROUND)) > 50
    # The old cloud's buffers were released, not kept next to the new ones.
    after = page.evaluate("() => window.harness.root.mmphateDebug()")
    assert (after["geometries"], after["textures"]) == (info["geometries"], info["textures"])
    # Nothing was sent back to the kernel by the switch.
    assert page.evaluate("() => window.harness.model.frontendSets") == []


def test_a_failed_fit_shows_its_error_until_a_fit_succeeds(open_widget, live_states):
    state = live_states["fit3"]
    page = open_widget(state)
    error = page.locator(".mmphate-live-error")
    assert error.is_hidden()
    failed = {**state["_live_status"], "error": "ValueError: planted failure", "fitting": False}
    update(page, {"_live_status": failed})
    assert error.is_visible()
    assert error.inner_text() == "Last fit failed (the next one still runs): ValueError: planted failure"
    update(page, {"_live_status": {**failed, "error": None, "n_fits": 2}})
    assert error.is_hidden()


def test_a_fixed_widget_shows_no_live_status(page):
    assert page.locator(".mmphate-live").is_hidden()
    assert page.locator(".mmphate-waiting").is_hidden()
    assert attr(page, "data-live-state") is None
