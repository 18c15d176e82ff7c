import { describe, expect, it } from "vitest";
import CONTRACT from "../../mmphate_widget/contract.json";
import { colorKey } from "../src/colors";
import { clusterSizes, clusterSummary, confidenceText, stabilityLevel } from "../src/stability";
import { bytesOf, makeData } from "./fixtures";

const LEVELS = CONTRACT.cluster_stability;

describe("stability levels", () => {
  it("read the thresholds the Python engine reads", () => {
    expect(stabilityLevel(LEVELS.unstable_below - 0.01)).toBe("unstable");
    expect(stabilityLevel(LEVELS.unstable_below)).toBe("weak");
    expect(stabilityLevel(LEVELS.stable_from - 0.01)).toBe("weak");
    expect(stabilityLevel(LEVELS.stable_from)).toBe("stable");
    expect(stabilityLevel(1)).toBe("stable");
    expect(stabilityLevel(0)).toBe("unstable");
  });
});

describe("cluster summary", () => {
  it("counts the units of each cluster", () => {
    // fixture clusters: [0, 1, 1, 2]
    expect(clusterSizes(makeData())).toEqual([1, 2, 1]);
  });

  it("rates the clusters with their stability and says what a low value means", () => {
    const weak = clusterSummary(makeData());
    expect(weak).toMatchObject({
      text: "3 clusters · stability 0.72",
      stability: "stability 0.72",
      level: "weak",
    });
    expect(weak.note).toContain("change cluster");
    const unstable = clusterSummary(makeData({ _cluster_stability: 0.31 }));
    expect(unstable.level).toBe("unstable");
    expect(unstable.note).toContain("may not be real");
    expect(clusterSummary(makeData({ _cluster_stability: 0.97 }))).toMatchObject({
      level: "stable",
      note: "",
    });
  });

  it("rates nothing for one cluster or an unknown stability", () => {
    const one = makeData({
      _unit_clusters: bytesOf(new Int32Array([0, 0, 0, 0])),
      _n_clusters: 1,
      _cluster_stability: 1,
    });
    expect(clusterSummary(one)).toEqual({ text: "1 cluster", stability: "", level: null, note: "" });
    for (const bad of [null, undefined, Number.NaN, 1.5, -0.1]) {
      const data = makeData({ _cluster_stability: bad as number | null });
      expect(data.clusterStability).toBeNull();
      expect(clusterSummary(data)).toMatchObject({ text: "3 clusters", level: null });
    }
  });

  it("shows the legend's clusters with their sizes and stability", () => {
    const key = colorKey(makeData({ _cluster_stability: 0.41 }), "cluster");
    expect(key).toMatchObject({
      kind: "categorical",
      title: "3 clusters · stability 0.41",
      stability: { level: "unstable" },
    });
    if (key.kind !== "categorical") throw new Error("expected a categorical key");
    expect(key.items.map((item) => item.label)).toEqual([
      "cluster 0 · 1 unit",
      "cluster 1 · 2 units",
      "cluster 2 · 1 unit",
    ]);
  });
});

describe("unit cluster confidence", () => {
  it("is a percentage per unit, or null when unknown", () => {
    const data = makeData();
    expect([0, 1, 2, 3].map((u) => confidenceText(data, u))).toEqual(["100%", "50%", "92%", "25%"]);
    expect(
      confidenceText(makeData({ _unit_cluster_confidence: new DataView(new ArrayBuffer(0)) }), 1),
    ).toBeNull();
    // A short buffer leaves the missing units unknown.
    const short = makeData({ _unit_cluster_confidence: bytesOf(new Float32Array([0.5])) });
    expect([confidenceText(short, 0), confidenceText(short, 3)]).toEqual(["50%", null]);
  });
});
