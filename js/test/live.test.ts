import { describe, expect, it } from "vitest";
import { epochExtent, metricCurves } from "../src/chart";
import { decodeData, decodeHistory, NO_HISTORY } from "../src/decode";
import type { LiveStatus } from "../src/live";
import { errorText, liveState, parseLiveStatus, statusLine, waitingText } from "../src/live";
import { bytesOf, makeData } from "./fixtures";

const STATUS = {
  epochs_recorded: 12,
  epochs_shown: 10,
  fitting: false,
  n_fits: 2,
  error: null,
  stopped: false,
  last_fit_s: 1.234,
  refit_every: 5,
};

function status(overrides: Partial<LiveStatus> = {}): LiveStatus {
  return { ...(parseLiveStatus(STATUS) as LiveStatus), ...overrides };
}

describe("the training history", () => {
  it("decodes K x H float32 rows, the epoch row apart from the metrics", () => {
    const rows = new Float32Array([0, 1, 2, 0.9, 0.5, NaN, 0.1, 0.2, 0.3]);
    const history = decodeHistory(bytesOf(rows), ["epoch", "loss", "accuracy"]);
    expect(Array.from(history.epochs)).toEqual([0, 1, 2]);
    expect(history.names).toEqual(["loss", "accuracy"]);
    expect(Array.from(history.values[0])).toEqual([Math.fround(0.9), 0.5, NaN]);
    expect(Array.from(history.values[1])).toEqual([0.1, 0.2, 0.3].map(Math.fround));
  });

  it("is empty when there is none, no epoch row, or not one value per row", () => {
    expect(decodeHistory(undefined, undefined)).toBe(NO_HISTORY);
    expect(decodeHistory(new DataView(new ArrayBuffer(0)), [])).toBe(NO_HISTORY);
    expect(decodeHistory(bytesOf(new Float32Array([1, 2])), ["loss", "accuracy"])).toBe(NO_HISTORY);
    // Bytes for fewer than one value per row: nothing to draw.
    expect(decodeHistory(bytesOf(new Float32Array([1])), ["epoch", "loss"])).toBe(NO_HISTORY);
  });

  it("gives the chart's metric curves, else the fit's own metrics", () => {
    const data = makeData();
    const history = decodeHistory(bytesOf(new Float32Array([0, 10, 20, 40, 50, 1, 2, 3, 4, 5])), [
      "epoch",
      "loss",
    ]);
    const curves = metricCurves(data, history);
    expect(Array.from(curves.epochs)).toEqual([0, 10, 20, 40, 50]);
    expect(curves.names).toEqual(["loss"]);
    const own = metricCurves(data, NO_HISTORY);
    expect(Array.from(own.epochs)).toEqual([10, 20, 40]);
    expect(Array.from(own.values[0])).toEqual([0.9, 0.5, NaN].map(Math.fround));
    // The axis spans the fitted epochs and the recorded ones.
    expect(epochExtent(data.epochNumbers, curves.epochs)).toEqual([0, 50]);
  });

  it("spans only the recorded epochs before the first fit, and nothing with neither", () => {
    const empty = decodeData(() => undefined);
    expect(empty.n).toBe(0);
    expect(epochExtent(empty.epochNumbers, [3, 4, NaN, 7])).toEqual([3, 7]);
    expect(epochExtent(empty.epochNumbers, [])).toEqual([NaN, NaN]);
  });
});

describe("the live status", () => {
  it("is null for a widget that is not live", () => {
    expect(parseLiveStatus({})).toBeNull();
    expect(parseLiveStatus(undefined)).toBeNull();
    expect(parseLiveStatus(null)).toBeNull();
  });

  it("is parsed defensively", () => {
    const parsed = parseLiveStatus({
      epochs_recorded: -3,
      epochs_shown: 2.7,
      error: "",
      last_fit_s: Number.NaN,
    });
    expect(parsed).toEqual({
      epochsRecorded: 0,
      epochsShown: 2,
      fitting: false,
      nFits: 0,
      error: null,
      stopped: false,
      lastFitSeconds: null,
      refitEvery: 1,
    });
  });

  it("reads as waiting, fitting, idle or stopped", () => {
    expect(liveState(status({ epochsShown: 0 }))).toBe("waiting");
    expect(liveState(status())).toBe("idle");
    expect(liveState(status({ fitting: true }))).toBe("fitting");
    expect(liveState(status({ stopped: true }))).toBe("stopped");
    expect(liveState(status({ stopped: true, fitting: true }))).toBe("fitting");
  });

  it("writes one status line", () => {
    expect(statusLine(status())).toBe("live · 12 epochs recorded · fit on 10 shown · last fit 1.2 s");
    expect(statusLine(status({ fitting: true }))).toBe(
      "live · 12 epochs recorded · fit on 10 shown · fitting…",
    );
    expect(statusLine(status({ epochsRecorded: 1, epochsShown: 0, lastFitSeconds: null }))).toBe(
      "live · 1 epoch recorded · no fit yet",
    );
    expect(statusLine(status({ stopped: true, fitting: true }))).toBe(
      "stopped · 12 epochs recorded · fit on 10 shown · final fit…",
    );
  });

  it("says what it waits for before the first fit", () => {
    expect(waitingText(status({ epochsRecorded: 3, epochsShown: 0 }))).toBe(
      "Waiting for the first fit: 3 of 5 epochs recorded",
    );
    expect(waitingText(status({ epochsRecorded: 5, epochsShown: 0, fitting: true }))).toBe(
      "Fitting MM-PHATE (5 epochs recorded so far)…",
    );
    expect(waitingText(status({ epochsShown: 0, stopped: true }))).toMatch(/^Stopped before any fit/);
  });

  it("shows the last fit's error until a fit succeeds", () => {
    expect(errorText(status())).toBeNull();
    expect(errorText(status({ error: "ValueError: planted" }))).toBe(
      "Last fit failed (the next one still runs): ValueError: planted",
    );
    expect(errorText(status({ error: "ValueError: planted", stopped: true }))).toBe(
      "The last fit failed: ValueError: planted",
    );
  });
});
