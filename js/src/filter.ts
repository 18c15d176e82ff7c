/**
 * Which nodes are shown: the CPU mirror of the vertex shader's filter, used for the
 * `data-points-visible` count, for screen positions of nodes and for the per-unit flag texture.
 */

import type { WidgetData } from "./decode";
import { nodeIndex } from "./decode";
import type { View } from "./state";

/** Whether unit `u` passes the cluster filter (always true in highlight mode). */
export function unitShown(data: WidgetData, view: View, u: number): boolean {
  return view.clusterMode === "highlight" || view.clusterMask[data.unitClusters[u]] === 1;
}

export function isNodeVisible(data: WidgetData, view: View, node: number): boolean {
  if (!Number.isInteger(node) || node < 0 || node >= data.n) return false;
  const { epoch, step, unit } = nodeIndex(node, data.dims);
  return (
    epoch >= view.epochLo &&
    epoch <= view.epochHi &&
    step >= view.stepLo &&
    step <= view.stepHi &&
    unitShown(data, view, unit)
  );
}

/** Number of visible nodes: the filters are separable, so this is a product of three counts. */
export function countVisible(data: WidgetData, view: View): number {
  const epochs = Math.max(0, view.epochHi - view.epochLo + 1);
  const steps = Math.max(0, view.stepHi - view.stepLo + 1);
  let units = 0;
  for (let u = 0; u < data.dims.nUnits; u++) if (unitShown(data, view, u)) units++;
  return epochs * steps * units;
}

/**
 * Per-unit flags for the shader, RGBA bytes per unit: R = selected, G = in a selected cluster.
 * Changing the selection rewrites this tiny array, never the per-node buffers.
 */
export function unitFlags(data: WidgetData, view: View, out?: Uint8Array): Uint8Array {
  const U = data.dims.nUnits;
  const flags = out && out.length >= U * 4 ? out.fill(0) : new Uint8Array(U * 4);
  for (const u of view.selectedUnits) flags[u * 4] = 255;
  for (let u = 0; u < U; u++) {
    flags[u * 4 + 1] = view.clusterMask[data.unitClusters[u]] ? 255 : 0;
    flags[u * 4 + 3] = 255;
  }
  return flags;
}
