/**
 * Hover tooltip: epoch number, step, unit, cluster (with the unit's cluster confidence), entropies
 * and label of the node under the pointer.
 */

import type { WidgetData } from "./decode";
import { nodeIndex } from "./decode";
import { formatValue } from "./scales";
import { confidenceText } from "./stability";

export interface NodeInfo {
  node: number;
  epochNumber: number;
  step: number;
  unit: number;
  unitName: string;
  cluster: number;
  /** Share of bootstrap replicates in which the unit stays in its cluster ("92%"), null when unknown. */
  clusterConfidence: string | null;
  intrastep: number;
  interstep: number;
  label: string | null;
}

export function nodeInfo(data: WidgetData, node: number): NodeInfo {
  const { epoch, step, unit } = nodeIndex(node, data.dims);
  const { nEpochs: E, nSteps: T } = data.dims;
  const code = data.nodeLabel ? data.nodeLabel[node] : -1;
  return {
    node,
    epochNumber: data.epochNumbers[epoch],
    step,
    unit,
    unitName: data.unitNames[unit],
    cluster: data.unitClusters[unit],
    clusterConfidence: confidenceText(data, unit),
    intrastep: data.intrastep[epoch * T + step],
    interstep: data.interstep[unit * E + epoch],
    label: data.nodeLabel ? (data.classNames[code] ?? String(code)) : null,
  };
}

export class Tooltip {
  readonly el: HTMLDivElement;

  constructor() {
    this.el = document.createElement("div");
    this.el.className = "mmphate-tooltip";
    this.el.hidden = true;
  }

  /** Show info for `node` next to (x, y), in pixels relative to the tooltip's positioned parent. */
  show(
    data: WidgetData,
    node: number,
    x: number,
    y: number,
    bounds: { width: number; height: number },
  ): void {
    const info = nodeInfo(data, node);
    const rows: [string, string][] = [
      ["epoch", String(info.epochNumber)],
      ["step", String(info.step)],
      ["cluster", String(info.cluster)],
    ];
    if (info.clusterConfidence !== null) rows.push(["cluster confidence", info.clusterConfidence]);
    rows.push(["intra-step H", formatValue(info.intrastep)], ["inter-step H", formatValue(info.interstep)]);
    if (info.label !== null) rows.push(["label", info.label]);
    const el = this.el;
    el.replaceChildren();
    el.dataset.node = String(node);
    el.dataset.unit = String(info.unit);
    const head = document.createElement("div");
    head.className = "mmphate-tooltip-title";
    head.textContent = info.unitName;
    el.append(head);
    const table = document.createElement("dl");
    for (const [k, v] of rows) {
      const dt = document.createElement("dt");
      dt.textContent = k;
      const dd = document.createElement("dd");
      dd.textContent = v;
      table.append(dt, dd);
    }
    el.append(table);
    el.hidden = false;
    // Keep the box inside the viewport: flip to the other side of the pointer near the edges.
    const w = el.offsetWidth || 160;
    const h = el.offsetHeight || 120;
    const left = x + 14 + w > bounds.width ? x - 14 - w : x + 14;
    const top = y + 14 + h > bounds.height ? y - 14 - h : y + 14;
    el.style.transform = `translate(${Math.max(0, left)}px, ${Math.max(0, top)}px)`;
  }

  hide(): void {
    this.el.hidden = true;
    delete this.el.dataset.node;
    delete this.el.dataset.unit;
  }
}
