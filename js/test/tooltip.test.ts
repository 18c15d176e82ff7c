import { describe, expect, it } from "vitest";
import { nodeInfo } from "../src/tooltip";
import { E, makeData, T, U } from "./fixtures";

describe("nodeInfo", () => {
  it("describes a node with epoch number, step, unit, cluster, entropies and label", () => {
    const data = makeData();
    const node = (2 * T + 0) * U + 1;
    expect(nodeInfo(data, node)).toEqual({
      node,
      epochNumber: 40,
      step: 0,
      unit: 1,
      unitName: "b",
      cluster: 1,
      clusterConfidence: "50%",
      intrastep: 5,
      interstep: 1 * E + 2,
      label: "right",
    });
  });

  it("has no cluster confidence for results saved before it existed", () => {
    expect(nodeInfo(makeData({ _unit_cluster_confidence: null }), 0).clusterConfidence).toBeNull();
  });

  it("has no label without labels", () => {
    expect(nodeInfo(makeData({ _node_label: null }), 0).label).toBeNull();
  });
});
