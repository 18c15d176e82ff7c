import { describe, expect, it } from "vitest";
import { decodeDims, decodeFloat32, decodeInt32, indexAttribute, nodeIndex } from "../src/decode";
import { bytesOf, E, makeData, N, T, U } from "./fixtures";

describe("binary decoding", () => {
  it("reads little-endian float32 from an unaligned DataView", () => {
    const buffer = new ArrayBuffer(9);
    const view = new DataView(buffer, 1, 8);
    view.setFloat32(0, 1.5, true);
    view.setFloat32(4, -2.25, true);
    expect(Array.from(decodeFloat32(view))).toEqual([1.5, -2.25]);
  });

  it("reads little-endian int32 and pads short buffers with zeros", () => {
    const out = decodeInt32(bytesOf(new Int32Array([7, -3])), 4);
    expect(Array.from(out)).toEqual([7, -3, 0, 0]);
  });

  it("pads short float buffers with NaN and cuts long ones", () => {
    expect(Array.from(decodeFloat32(bytesOf(new Float32Array([1])), 3))).toEqual([1, NaN, NaN]);
    expect(decodeFloat32(bytesOf(new Float32Array([1, 2, 3])), 2).length).toBe(2);
  });

  it("accepts ArrayBuffer, typed arrays and nothing", () => {
    expect(Array.from(decodeInt32(new Int32Array([5]).buffer))).toEqual([5]);
    expect(Array.from(decodeInt32(new Int32Array([6])))).toEqual([6]);
    expect(decodeFloat32(null).length).toBe(0);
    expect(decodeFloat32(undefined, 2).every(Number.isNaN)).toBe(true);
  });

  it("treats invalid dims as empty and n_components other than 2 as 3", () => {
    expect(decodeDims({ n_epochs: -1, n_steps: 2.7, n_units: Number.NaN, n_components: 2 })).toEqual({
      nEpochs: 0,
      nSteps: 2,
      nUnits: 0,
      nComponents: 2,
    });
    expect(decodeDims(undefined).nComponents).toBe(3);
  });
});

describe("decodeData", () => {
  it("decodes every trait with the contract's shapes", () => {
    const data = makeData();
    expect(data.n).toBe(N);
    expect(data.positions.length).toBe(N * 3);
    expect(Array.from(data.epochNumbers)).toEqual([10, 20, 40]);
    expect(Array.from(data.unitClusters)).toEqual([0, 1, 1, 2]);
    expect(data.intrastep.length).toBe(E * T);
    expect(data.interstep[1 * E + 2]).toBe(5);
    expect(data.nodeLabel?.length).toBe(N);
    expect(data.classNames).toEqual(["left", "right"]);
    expect(data.metricNames).toEqual(["loss"]);
    expect(Number.isNaN(data.metrics[2])).toBe(true);
  });

  it("treats empty node labels as no labels", () => {
    const data = makeData({ _node_label: new DataView(new ArrayBuffer(0)), _class_names: [] });
    expect(data.nodeLabel).toBeNull();
    expect(data.classNames).toEqual([]);
  });

  it("repairs cluster ids and names that do not match the dimensions", () => {
    const data = makeData({
      _unit_clusters: bytesOf(new Int32Array([-2, 5])),
      _n_clusters: 2,
      _unit_names: ["x"],
    });
    expect(Array.from(data.unitClusters)).toEqual([0, 5, 0, 0]);
    expect(data.nClusters).toBe(6);
    expect(data.unitNames).toEqual(["x", "unit 1", "unit 2", "unit 3"]);
  });

  it("falls back to epoch numbers 0..E-1 when they are missing", () => {
    expect(Array.from(makeData({ _epoch_numbers: null }).epochNumbers)).toEqual([0, 1, 2]);
  });
});

describe("node indices", () => {
  it("inverts node = (e * T + t) * U + u", () => {
    const dims = { nEpochs: E, nSteps: T, nUnits: U, nComponents: 3 as const };
    for (let e = 0; e < E; e++)
      for (let t = 0; t < T; t++)
        for (let u = 0; u < U; u++)
          expect(nodeIndex((e * T + t) * U + u, dims)).toEqual({ epoch: e, step: t, unit: u });
  });

  it("builds the interleaved (epoch, step, unit) attribute in node order", () => {
    const dims = { nEpochs: E, nSteps: T, nUnits: U, nComponents: 3 as const };
    const attr = indexAttribute(dims);
    expect(attr).toBeInstanceOf(Uint16Array);
    const node = (2 * T + 1) * U + 3;
    expect(Array.from(attr.subarray(node * 3, node * 3 + 3))).toEqual([2, 1, 3]);
  });

  it("uses float32 when an index does not fit in 16 bits", () => {
    const attr = indexAttribute({ nEpochs: 1, nSteps: 1, nUnits: 70000, nComponents: 3 });
    expect(attr).toBeInstanceOf(Float32Array);
    expect(attr[69999 * 3 + 2]).toBe(69999);
  });
});
