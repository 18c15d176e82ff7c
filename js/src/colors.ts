/**
 * Per-node colours for each `color_by` mode, and the matching colour key that the legend draws.
 * Colours are computed once per mode change into a Uint8 RGB vertex attribute.
 */

import type { Colormap, RGB } from "./colormaps";
import { categorical, MISSING, PLASMA, sample, TAB10, TAB20, VIRIDIS } from "./colormaps";
import type { WidgetData } from "./decode";
import type { ColorBy } from "./model";
import type { StabilityLevel } from "./stability";
import { clusterSizes, clusterSummary } from "./stability";

export interface CategoryItem {
  label: string;
  color: RGB;
}

export type ColorKey =
  | { kind: "continuous"; title: string; map: Colormap; min: number; max: number; integer: boolean }
  | {
      kind: "categorical";
      title: string;
      items: CategoryItem[];
      more: number;
      /** For the clusters: how stable they are (null when unknown) and what that means. */
      stability?: { level: StabilityLevel | null; note: string };
    }
  | { kind: "none"; title: string; message: string };

/** Most categories the legend lists before summarising the rest as "+k more". */
export const MAX_LEGEND_ITEMS = 20;

/** Finite minimum and maximum of `values` (NaN when none is finite). */
export function finiteExtent(values: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : [NaN, NaN];
}

/** Position of v in [lo, hi] as [0, 1]; a degenerate range maps to the middle. */
export function normalise(v: number, lo: number, hi: number): number {
  if (!Number.isFinite(v)) return NaN;
  return hi > lo ? (v - lo) / (hi - lo) : 0.5;
}

export function clusterColor(cluster: number): RGB {
  return categorical(TAB10, cluster);
}

export function unitColor(unit: number): RGB {
  return categorical(TAB20, unit);
}

function classPalette(nClasses: number): readonly number[] {
  return nClasses <= 10 ? TAB10 : TAB20;
}

/**
 * Colour of a unit's line in the entropy chart: its cluster colour when the cloud is coloured by
 * cluster, else its unit colour (the colour it has in the cloud when coloured by unit).
 */
export function lineColor(data: WidgetData, colorBy: ColorBy, unit: number): RGB {
  return colorBy === "cluster" ? clusterColor(data.unitClusters[unit]) : unitColor(unit);
}

/** The colour key (legend content) for a mode. */
export function colorKey(data: WidgetData, colorBy: ColorBy): ColorKey {
  const { nEpochs: E, nSteps: T, nUnits: U } = data.dims;
  const categories = (
    title: string,
    count: number,
    item: (i: number) => CategoryItem,
    stability?: { level: StabilityLevel | null; note: string },
  ): ColorKey => ({
    kind: "categorical",
    title,
    items: Array.from({ length: Math.min(count, MAX_LEGEND_ITEMS) }, (_, i) => item(i)),
    more: Math.max(0, count - MAX_LEGEND_ITEMS),
    stability,
  });
  switch (colorBy) {
    case "step":
      return {
        kind: "continuous",
        title: "step",
        map: VIRIDIS,
        min: 0,
        max: Math.max(T - 1, 0),
        integer: true,
      };
    case "unit":
      return categories("unit", U, (u) => ({ label: data.unitNames[u], color: unitColor(u) }));
    case "cluster": {
      const sizes = clusterSizes(data);
      const summary = clusterSummary(data);
      return categories(
        summary.text,
        data.nClusters,
        (c) => ({
          label: `cluster ${c} · ${sizes[c]} unit${sizes[c] === 1 ? "" : "s"}`,
          color: clusterColor(c),
        }),
        { level: summary.level, note: summary.note },
      );
    }
    case "intrastep_entropy": {
      const [min, max] = finiteExtent(data.intrastep);
      return { kind: "continuous", title: "intra-step entropy", map: PLASMA, min, max, integer: false };
    }
    case "interstep_entropy": {
      const [min, max] = finiteExtent(data.interstep);
      return { kind: "continuous", title: "inter-step entropy", map: PLASMA, min, max, integer: false };
    }
    case "label": {
      if (!data.nodeLabel) return { kind: "none", title: "label", message: "no labels: fit with labels=" };
      const palette = classPalette(data.classNames.length);
      return categories("most active class", data.classNames.length, (c) => ({
        label: data.classNames[c],
        color: categorical(palette, c),
      }));
    }
    default: {
      const min = E > 0 ? data.epochNumbers[0] : 0;
      const max = E > 0 ? data.epochNumbers[E - 1] : 0;
      return { kind: "continuous", title: "epoch", map: VIRIDIS, min, max, integer: true };
    }
  }
}

function put(out: Uint8Array, node: number, c: RGB): void {
  out[node * 3] = c[0];
  out[node * 3 + 1] = c[1];
  out[node * 3 + 2] = c[2];
}

/** RGB bytes per node (length 3N) for a mode; small per-epoch/step/unit tables keep it O(N). */
export function nodeColors(data: WidgetData, colorBy: ColorBy, out?: Uint8Array): Uint8Array {
  const { nEpochs: E, nSteps: T, nUnits: U } = data.dims;
  const colors = out && out.length === data.n * 3 ? out : new Uint8Array(data.n * 3);
  const key = colorKey(data, colorBy);
  const ramp = (v: number): RGB =>
    key.kind === "continuous" ? sample(key.map, normalise(v, key.min, key.max)) : [...MISSING];

  if (colorBy === "label") {
    const palette = classPalette(data.classNames.length);
    for (let i = 0; i < data.n; i++)
      put(colors, i, data.nodeLabel ? categorical(palette, data.nodeLabel[i]) : MISSING);
    return colors;
  }
  // Colour of node (e, t, u) = table[index(e, t, u)]; each table is tiny compared with N.
  let table: RGB[];
  let index: (e: number, t: number, u: number) => number;
  switch (colorBy) {
    case "step":
      table = Array.from({ length: T }, (_, t) => ramp(t));
      index = (_e, t) => t;
      break;
    case "unit":
      table = Array.from({ length: U }, (_, u) => unitColor(u));
      index = (_e, _t, u) => u;
      break;
    case "cluster":
      table = Array.from({ length: U }, (_, u) => clusterColor(data.unitClusters[u]));
      index = (_e, _t, u) => u;
      break;
    case "intrastep_entropy":
      table = Array.from(data.intrastep, ramp);
      index = (e, t) => e * T + t;
      break;
    case "interstep_entropy":
      table = Array.from(data.interstep, ramp);
      index = (e, _t, u) => u * E + e;
      break;
    default:
      table = Array.from(data.epochNumbers, ramp);
      index = (e) => e;
  }
  let node = 0;
  for (let e = 0; e < E; e++)
    for (let t = 0; t < T; t++) for (let u = 0; u < U; u++) put(colors, node++, table[index(e, t, u)]);
  return colors;
}
