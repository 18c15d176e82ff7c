import { describe, expect, it } from "vitest";
import { categorical, MISSING, PLASMA, sample, TAB10, TAB20, VIRIDIS } from "../src/colormaps";
import { colorKey, finiteExtent, lineColor, MAX_LEGEND_ITEMS, nodeColors, normalise } from "../src/colors";
import { COLOR_BY } from "../src/contract";
import { E, makeData, N, T, U } from "./fixtures";

const data = makeData();
const node = (e: number, t: number, u: number) => (e * T + t) * U + u;
const colorOf = (colors: Uint8Array, i: number) => Array.from(colors.subarray(i * 3, i * 3 + 3));

describe("helpers", () => {
  it("finiteExtent ignores NaN and reports NaN when nothing is finite", () => {
    expect(finiteExtent([3, NaN, -1, 2])).toEqual([-1, 3]);
    expect(finiteExtent([NaN]).every(Number.isNaN)).toBe(true);
  });

  it("normalise maps a degenerate range to the middle", () => {
    expect(normalise(5, 0, 10)).toBe(0.5);
    expect(normalise(3, 3, 3)).toBe(0.5);
    expect(Number.isNaN(normalise(NaN, 0, 1))).toBe(true);
  });
});

describe("nodeColors", () => {
  it("returns 3 bytes per node for every mode", () => {
    for (const mode of COLOR_BY) expect(nodeColors(data, mode).length).toBe(N * 3);
  });

  it("colours by epoch number with viridis", () => {
    const c = nodeColors(data, "epoch");
    expect(colorOf(c, node(0, 1, 2))).toEqual(sample(VIRIDIS, 0));
    // Epoch numbers 10, 20, 40: the middle epoch sits at a third of the map, not half.
    expect(colorOf(c, node(1, 0, 0))).toEqual(sample(VIRIDIS, 1 / 3));
    expect(colorOf(c, node(2, 1, 3))).toEqual(sample(VIRIDIS, 1));
  });

  it("colours by step, unit and cluster", () => {
    expect(colorOf(nodeColors(data, "step"), node(2, 1, 0))).toEqual(sample(VIRIDIS, 1));
    expect(colorOf(nodeColors(data, "unit"), node(1, 1, 3))).toEqual(categorical(TAB20, 3));
    const byCluster = nodeColors(data, "cluster");
    expect(colorOf(byCluster, node(0, 0, 1))).toEqual(colorOf(byCluster, node(2, 1, 2)));
    expect(colorOf(byCluster, node(0, 0, 3))).toEqual(categorical(TAB10, 2));
  });

  it("colours by entropies over their finite range, NaN as missing", () => {
    const intra = nodeColors(data, "intrastep_entropy");
    expect(colorOf(intra, node(0, 0, 2))).toEqual(sample(PLASMA, 0));
    expect(colorOf(intra, node(2, 0, 1))).toEqual(sample(PLASMA, 1));
    expect(colorOf(intra, node(2, 1, 1))).toEqual(MISSING);
    const inter = nodeColors(data, "interstep_entropy");
    // interstep[u * E + e] = u * E + e, range 0..11.
    expect(colorOf(inter, node(1, 0, 2))).toEqual(sample(PLASMA, (2 * E + 1) / 11));
  });

  it("colours by label, or missing when there are no labels", () => {
    expect(colorOf(nodeColors(data, "label"), 5)).toEqual(categorical(TAB10, 1));
    const unlabelled = makeData({ _node_label: null, _class_names: [] });
    expect(colorOf(nodeColors(unlabelled, "label"), 5)).toEqual(MISSING);
  });

  it("reuses an output buffer of the right size", () => {
    const out = new Uint8Array(N * 3);
    expect(nodeColors(data, "unit", out)).toBe(out);
  });
});

describe("colorKey", () => {
  it("describes continuous modes with the value range", () => {
    expect(colorKey(data, "epoch")).toMatchObject({ kind: "continuous", min: 10, max: 40, integer: true });
    expect(colorKey(data, "intrastep_entropy")).toMatchObject({ kind: "continuous", min: 1, max: 5 });
  });

  it("lists categories and counts the rest", () => {
    expect(colorKey(data, "cluster")).toMatchObject({ kind: "categorical", more: 0 });
    const many = makeData({ _dims: { n_epochs: 1, n_steps: 1, n_units: 25, n_components: 3 } });
    const key = colorKey(many, "unit");
    expect(key.kind === "categorical" && key.items.length).toBe(MAX_LEGEND_ITEMS);
    expect(key.kind === "categorical" && key.more).toBe(5);
  });

  it("explains a label colouring without labels", () => {
    expect(colorKey(makeData({ _node_label: null }), "label").kind).toBe("none");
  });
});

describe("lineColor", () => {
  it("follows the cloud: cluster colour by cluster, unit colour otherwise", () => {
    expect(lineColor(data, "cluster", 3)).toEqual(categorical(TAB10, 2));
    expect(lineColor(data, "unit", 3)).toEqual(categorical(TAB20, 3));
  });
});
