import { describe, expect, it } from "vitest";
import {
  CAMERA_TARGET,
  CAMERA_UP,
  POINT_SIZE_DEFAULT,
  POINT_SIZE_MAX,
  POINT_SIZE_MIN,
} from "../src/contract";
import { countVisible, isNodeVisible, unitFlags } from "../src/filter";
import type { Traits } from "../src/model";
import { clickSelection, sameIndices } from "../src/selection";
import {
  clampColorBy,
  clampPointSize,
  clusterMask,
  epochIndexRange,
  parseCamera,
  readView,
  stepRange,
  validIndices,
} from "../src/state";
import { E, makeData, N, T, traits, U } from "./fixtures";

const epochs = new Int32Array([10, 20, 40]);

describe("clamping synced state", () => {
  it("maps epoch_range in epoch numbers to epoch indices", () => {
    expect(epochIndexRange(epochs, [10, 40])).toEqual([0, 2]);
    expect(epochIndexRange(epochs, [15, 40])).toEqual([1, 2]);
    expect(epochIndexRange(epochs, [40, 20])).toEqual([1, 2]);
    expect(epochIndexRange(epochs, [-100, 1000])).toEqual([0, 2]);
  });

  it("gives an empty epoch range when no epoch number falls inside", () => {
    const [lo, hi] = epochIndexRange(epochs, [25, 35]);
    expect(lo).toBeGreaterThan(hi);
  });

  it("selects all epochs for malformed ranges", () => {
    for (const bad of [undefined, "x", [1], [1, "a"], [NaN, 3]])
      expect(epochIndexRange(epochs, bad)).toEqual([0, 2]);
  });

  it("clamps, rounds and orders step ranges", () => {
    expect(stepRange(5, [-3, 99])).toEqual([0, 4]);
    expect(stepRange(5, [3.6, 1.2])).toEqual([1, 4]);
    expect(stepRange(5, null)).toEqual([0, 4]);
  });

  it("keeps only distinct valid indices", () => {
    expect(validIndices([3, 1, 3, -1, 9, 2.5, "2", null, 2], 4)).toEqual([3, 1, 2]);
    expect(validIndices("nope", 4)).toEqual([]);
  });

  it("clamps point size and rejects non-numbers", () => {
    expect(clampPointSize(POINT_SIZE_MAX * 2)).toBe(POINT_SIZE_MAX);
    expect(clampPointSize(0)).toBe(POINT_SIZE_MIN);
    expect(clampPointSize(Infinity)).toBe(POINT_SIZE_DEFAULT);
    expect(clampPointSize(null)).toBe(POINT_SIZE_DEFAULT);
    expect(clampPointSize(7.5)).toBe(7.5);
  });

  it("falls back to epoch colouring and all clusters", () => {
    expect(clampColorBy("sparkles")).toBe("epoch");
    expect(clampColorBy("interstep_entropy")).toBe("interstep_entropy");
    expect(Array.from(clusterMask(3, undefined))).toEqual([1, 1, 1]);
    expect(Array.from(clusterMask(3, [2, 7]))).toEqual([0, 0, 1]);
    expect(Array.from(clusterMask(3, []))).toEqual([0, 0, 0]);
  });

  it("parses cameras and treats unusable ones as auto-fit", () => {
    expect(parseCamera({})).toBeNull();
    expect(parseCamera({ position: "here" })).toBeNull();
    expect(parseCamera({ position: [1, 1, 1], target: [1, 1, 1] })).toBeNull();
    expect(parseCamera({ position: [0, 0, 5] })).toEqual({
      position: [0, 0, 5],
      target: CAMERA_TARGET,
      up: CAMERA_UP,
    });
    expect(parseCamera({ position: [0, 0, 5], up: [0, 0, 0] })?.up).toEqual(CAMERA_UP);
  });
});

function view(overrides: Partial<Traits>) {
  const data = makeData();
  const t: Partial<Traits> = { ...traits(), ...overrides };
  return { data, view: readView((name) => t[name], data) };
}

describe("visibility", () => {
  it("shows everything by default", () => {
    const { data, view: v } = view({});
    expect(countVisible(data, v)).toBe(N);
  });

  it("counts what the per-node test accepts, for every filter combination", () => {
    const cases: Partial<Traits>[] = [
      { epoch_range: [20, 40] },
      { step_range: [1, 1] },
      { selected_clusters: [1] },
      { selected_clusters: [1], cluster_mode: "highlight" },
      { epoch_range: [10, 10], step_range: [0, 0], selected_clusters: [0, 2] },
      { epoch_range: [25, 35] },
      { selected_clusters: [] },
    ];
    for (const c of cases) {
      const { data, view: v } = view(c);
      let brute = 0;
      for (let i = 0; i < N; i++) if (isNodeVisible(data, v, i)) brute++;
      expect(countVisible(data, v)).toBe(brute);
    }
  });

  it("applies the filters per node", () => {
    const { data, view: v } = view({ epoch_range: [20, 40], step_range: [1, 1], selected_clusters: [1] });
    // (e=1, t=1, u=1): in range, unit 1 is in cluster 1.
    expect(isNodeVisible(data, v, (1 * T + 1) * U + 1)).toBe(true);
    expect(isNodeVisible(data, v, (0 * T + 1) * U + 1)).toBe(false); // epoch 10 filtered out
    expect(isNodeVisible(data, v, (1 * T + 0) * U + 1)).toBe(false); // step 0 filtered out
    expect(isNodeVisible(data, v, (1 * T + 1) * U + 0)).toBe(false); // cluster 0 filtered out
    expect(countVisible(data, v)).toBe(2 * 1 * 2);
    expect(isNodeVisible(data, v, -1)).toBe(false);
    expect(isNodeVisible(data, v, N)).toBe(false);
    expect(E).toBe(3);
  });

  it("encodes selection and cluster membership per unit for the shader", () => {
    const { data, view: v } = view({ selected_units: [2], selected_clusters: [1, 2] });
    const flags = unitFlags(data, v);
    expect(flags.length).toBe(U * 4);
    expect(Array.from(flags)).toEqual([0, 0, 0, 255, 0, 255, 0, 255, 255, 255, 0, 255, 0, 255, 0, 255]);
  });
});

describe("click selection", () => {
  it("selects the clicked unit alone", () => {
    expect(clickSelection([1, 2], 5, false)).toEqual([5]);
  });

  it("toggles with shift", () => {
    expect(clickSelection([1, 2], 5, true)).toEqual([1, 2, 5]);
    expect(clickSelection([1, 2, 5], 2, true)).toEqual([1, 5]);
  });

  it("clears on empty space, keeps the selection on shift + empty space", () => {
    expect(clickSelection([1, 2], null, false)).toEqual([]);
    expect(clickSelection([1, 2], null, true)).toEqual([1, 2]);
  });

  it("compares selections in order", () => {
    expect(sameIndices([1, 2], [1, 2])).toBe(true);
    expect(sameIndices([1, 2], [2, 1])).toBe(false);
  });
});
