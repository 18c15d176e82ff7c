/**
 * The entropy panel (SVG): every unit's inter-step entropy trajectory over epoch numbers, faint and
 * coloured by cluster, each cluster's mean in bold, the selected units on top in their colours in
 * the cloud, with the mean intra-step entropy per epoch, and one small panel per training metric on
 * the same epoch axis. Epochs outside `epoch_range` are shaded. Clicking a line selects its unit
 * (the nearest line within a few pixels, found by `nearestUnit`, so thin lines are easy to hit).
 * A live widget's metrics come from its training history (every recorded epoch, also those not
 * fitted yet), and the axis spans both; before the first fit only the metrics are drawn.
 */
import { rgbToCss } from "./colormaps";
import { clusterColor, finiteExtent, lineColor } from "./colors";
import type { History, WidgetData } from "./decode";
import { NO_HISTORY } from "./decode";
import type { Scale } from "./scales";
import { formatTick, linearScale, niceTicks, tickStep } from "./scales";
import { confidenceText } from "./stability";
import type { View } from "./state";

const SVG_NS = "http://www.w3.org/2000/svg";
const MARGIN = { left: 46, right: 12, top: 36, bottom: 8 };
const MAIN_HEIGHT = 214;
const METRIC_HEIGHT = 78;
const AXIS_HEIGHT = 30;
/** More selected units than this are summarised, to keep the chart readable and cheap. */
export const MAX_LINES = 40;
/** At most this many faint unit lines (evenly spread over the units); the rest are left out, and said so. */
export const MAX_TRACES = 400;
/** How far (px) from a line a click still picks it. */
const PICK_TOLERANCE = 5;

type Attrs = Record<string, string | number>;

function svgEl<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Attrs,
  parent?: Element,
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  parent?.appendChild(el);
  return el;
}

/** SVG path through (xs[i], ys[i]); non-finite values break the line instead of dropping to 0. */
export function linePath(xs: ArrayLike<number>, ys: ArrayLike<number>, sx: Scale, sy: Scale): string {
  let d = "";
  let pen = false;
  for (let i = 0; i < xs.length; i++) {
    if (!Number.isFinite(ys[i]) || !Number.isFinite(xs[i])) {
      pen = false;
      continue;
    }
    d += `${pen ? "L" : "M"}${sx(xs[i]).toFixed(1)},${sy(ys[i]).toFixed(1)}`;
    pen = true;
  }
  return d;
}

/** Mean over steps of the intra-step entropy, per epoch (NaN entries ignored). */
export function meanIntrastep(data: WidgetData): Float64Array {
  const { nEpochs: E, nSteps: T } = data.dims;
  const out = new Float64Array(E);
  for (let e = 0; e < E; e++) {
    let sum = 0;
    let k = 0;
    for (let t = 0; t < T; t++) {
      const v = data.intrastep[e * T + t];
      if (Number.isFinite(v)) {
        sum += v;
        k++;
      }
    }
    out[e] = k ? sum / k : NaN;
  }
  return out;
}

/** Inter-step entropy trajectory of one unit over the epochs. */
export function unitTrajectory(data: WidgetData, unit: number): Float32Array {
  const E = data.dims.nEpochs;
  return data.interstep.subarray(unit * E, unit * E + E);
}

/** Mean inter-step entropy trajectory of each cluster (shown while nothing is selected). */
export function clusterMeans(data: WidgetData): Float64Array[] {
  const { nEpochs: E, nUnits: U } = data.dims;
  const sums = Array.from({ length: data.nClusters }, () => new Float64Array(E));
  const counts = Array.from({ length: data.nClusters }, () => new Float64Array(E));
  for (let u = 0; u < U; u++) {
    const c = data.unitClusters[u];
    for (let e = 0; e < E; e++) {
      const v = data.interstep[u * E + e];
      if (Number.isFinite(v)) {
        sums[c][e] += v;
        counts[c][e]++;
      }
    }
  }
  return sums.map((s, c) => s.map((v, e) => (counts[c][e] ? v / counts[c][e] : NaN)));
}

/** The units drawn as faint lines: all of them, or `max` spread evenly over the unit indices. */
export function traceUnits(nUnits: number, max = MAX_TRACES): number[] {
  if (nUnits <= max) return Array.from({ length: nUnits }, (_, u) => u);
  return Array.from({ length: max }, (_, k) => Math.floor((k * nUnits) / max));
}

function segmentDistance(px: number, py: number, x0: number, y0: number, x1: number, y1: number): number {
  const dx = x1 - x0;
  const dy = y1 - y0;
  const len = dx * dx + dy * dy;
  const f = len > 0 ? Math.min(Math.max(((px - x0) * dx + (py - y0) * dy) / len, 0), 1) : 0;
  return Math.hypot(px - (x0 + f * dx), py - (y0 + f * dy));
}

/**
 * The unit whose line passes nearest to (px, py), within `tolerance` pixels, or null. `xs` are the
 * epochs' pixel positions (increasing), `y` maps entropy to pixels; a later unit in `units` wins a
 * tie, so lines drawn on top (the selected units, listed last) are picked first.
 */
export function nearestUnit(
  units: readonly number[],
  trajectory: (unit: number) => ArrayLike<number>,
  xs: ArrayLike<number>,
  y: Scale,
  px: number,
  py: number,
  tolerance: number,
): number | null {
  const E = xs.length;
  if (E === 0 || px < xs[0] - tolerance || px > xs[E - 1] + tolerance) return null;
  let i = 0;
  while (i < E - 2 && px > xs[i + 1]) i++;
  let best: number | null = null;
  let bestDistance = tolerance;
  for (const u of units) {
    const v = trajectory(u);
    let d = Number.POSITIVE_INFINITY;
    // The segment under the pointer and its neighbours; a lone finite value counts as a point.
    for (let k = Math.max(i - 1, 0); k <= Math.min(i + 1, E - 1); k++) {
      const a = v[k];
      const b = k + 1 < E ? v[k + 1] : NaN;
      if (Number.isFinite(a) && Number.isFinite(b))
        d = Math.min(d, segmentDistance(px, py, xs[k], y(a), xs[k + 1], y(b)));
      else if (Number.isFinite(a)) d = Math.min(d, Math.hypot(px - xs[k], py - y(a)));
    }
    if (d <= bestDistance) {
      bestDistance = d;
      best = u;
    }
  }
  return best;
}

/** The metric curves to draw: the training history when there is one, else the fit's metrics. */
export interface MetricCurves {
  epochs: ArrayLike<number>;
  names: string[];
  values: Float32Array[];
}

export function metricCurves(data: WidgetData, history: History): MetricCurves {
  if (history.epochs.length > 0) return history;
  const E = data.dims.nEpochs;
  return {
    epochs: data.epochNumbers,
    names: data.metricNames,
    values: data.metricNames.map((_, m) => data.metrics.subarray(m * E, m * E + E)),
  };
}

/** First and last epoch number over the fitted epochs and the curves' epochs; NaN when none. */
export function epochExtent(fitted: ArrayLike<number>, curves: ArrayLike<number>): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const values of [fitted, curves])
    for (let i = 0; i < values.length; i++)
      if (Number.isFinite(values[i])) {
        lo = Math.min(lo, values[i]);
        hi = Math.max(hi, values[i]);
      }
  return lo <= hi ? [lo, hi] : [NaN, NaN];
}

/** What a click on the entropy panel is tested against: its lines, in drawing order. */
interface PickTarget {
  data: WidgetData;
  units: number[];
  xs: number[];
  y: Scale;
  top: number;
  bottom: number;
}

export class EntropyChart {
  readonly el: HTMLDivElement;
  private readonly svg: SVGSVGElement;
  private readonly chips: HTMLDivElement;
  private hoverLine: SVGLineElement | null = null;
  private x: Scale | null = null;
  private epochNumbers: Int32Array = new Int32Array(0);
  private target: PickTarget | null = null;
  private traces: { data: WidgetData; key: string; group: SVGGElement } | null = null;

  /** `pick(unit, shift)`: a click on the entropy panel, on a unit's line or (unit null) beside them. */
  constructor(pick?: (unit: number | null, shift: boolean) => void) {
    this.el = document.createElement("div");
    this.el.className = "mmphate-chart";
    this.svg = svgEl("svg", { class: "mmphate-chart-svg" });
    this.chips = document.createElement("div");
    this.chips.className = "mmphate-chips";
    this.el.append(this.svg, this.chips);
    if (pick)
      this.svg.addEventListener("click", (e) => {
        const t = this.target;
        if (!t) return;
        const box = this.svg.getBoundingClientRect();
        const px = e.clientX - box.left;
        const py = e.clientY - box.top;
        if (py < t.top || py > t.bottom || px < MARGIN.left) return;
        const trajectory = (u: number) => unitTrajectory(t.data, u);
        pick(nearestUnit(t.units, trajectory, t.xs, t.y, px, py, PICK_TOLERANCE), e.shiftKey);
      });
  }

  update(data: WidgetData, view: View, width: number, history: History = NO_HISTORY): void {
    const svg = this.svg;
    svg.replaceChildren();
    this.chips.replaceChildren();
    this.epochNumbers = data.epochNumbers;
    this.x = null;
    this.target = null;
    const E = data.dims.nEpochs;
    const curves = metricCurves(data, history);
    const height = MAIN_HEIGHT + curves.names.length * METRIC_HEIGHT + AXIS_HEIGHT;
    const w = Math.max(width, 160);
    svg.setAttribute("width", String(w));
    svg.setAttribute("height", String(height));
    svg.setAttribute("viewBox", `0 0 ${w} ${height}`);
    const [first, last] = epochExtent(data.epochNumbers, curves.epochs);
    if (Number.isNaN(first)) return;

    const epochs = Array.from(data.epochNumbers);
    const x = linearScale([first, last], [MARGIN.left, w - MARGIN.right]);
    this.x = x;
    const bottom = height - AXIS_HEIGHT;
    if (E > 0) this.entropyPanel(data, view, epochs, x, w, bottom);
    else {
      this.title("inter-step entropy", MARGIN.top - 22);
      svgEl("text", { class: "panel-note", x: MARGIN.left, y: MARGIN.top + 20 }, svg).textContent =
        "appears with the first fit";
    }

    // One small panel per training metric, sharing the epoch axis.
    curves.names.forEach((name, m) => {
      const values = curves.values[m];
      const top = MAIN_HEIGHT + m * METRIC_HEIGHT + 16;
      const y = this.panel(finiteExtent(values), top, METRIC_HEIGHT - 22, "", w);
      svgEl(
        "path",
        { class: "metric-line", "data-metric": m, d: linePath(curves.epochs, values, x, y) },
        svg,
      );
      this.title(name, top - 4);
    });

    // Shared epoch axis at the bottom.
    const step = tickStep(first, last, Math.max(2, Math.floor(w / 60)));
    for (const t of niceTicks(first, last, Math.max(2, Math.floor(w / 60)), true)) {
      svgEl("line", { class: "tick", x1: x(t), x2: x(t), y1: bottom, y2: bottom + 4 }, svg);
      svgEl(
        "text",
        { class: "tick-label", x: x(t), y: bottom + 15, "text-anchor": "middle" },
        svg,
      ).textContent = formatTick(t, Math.max(step, 1));
    }
    svgEl("line", { class: "axis", x1: MARGIN.left, x2: w - MARGIN.right, y1: bottom, y2: bottom }, svg);
    svgEl(
      "text",
      { class: "axis-label", x: w - MARGIN.right, y: bottom + 27, "text-anchor": "end" },
      svg,
    ).textContent = "epoch";
    this.hoverLine = svgEl(
      "line",
      { class: "hover-line", y1: MARGIN.top - 4, y2: bottom, visibility: "hidden" },
      svg,
    );
  }

  /** The main panel: shading of the epochs out of range, entropy lines and the selected units' chips. */
  private entropyPanel(
    data: WidgetData,
    view: View,
    epochs: number[],
    x: Scale,
    w: number,
    bottom: number,
  ): void {
    const svg = this.svg;
    const E = epochs.length;

    // Shade the epochs that are filtered out (half-way to the neighbouring epoch number).
    const edge = (i: number, side: -1 | 1) => {
      const j = i + side;
      return j >= 0 && j < E ? x((epochs[i] + epochs[j]) / 2) : side < 0 ? MARGIN.left : w - MARGIN.right;
    };
    const shade = (x0: number, x1: number) =>
      x1 > x0 &&
      svgEl(
        "rect",
        { class: "out-of-range", x: x0, y: MARGIN.top - 4, width: x1 - x0, height: bottom - MARGIN.top + 4 },
        svg,
      );
    if (view.epochLo > view.epochHi) shade(MARGIN.left, w - MARGIN.right);
    else {
      shade(MARGIN.left, edge(view.epochLo, -1));
      shade(edge(view.epochHi, 1), w - MARGIN.right);
    }

    // Main panel: inter-step entropy of selected units (or cluster means) + mean intra-step.
    const intra = meanIntrastep(data);
    const [ilo, ihi] = finiteExtent(intra);
    const [slo, shi] = finiteExtent(data.interstep);
    const lo = Math.min(...[ilo, slo].filter(Number.isFinite));
    const hi = Math.max(...[ihi, shi].filter(Number.isFinite));
    const main = this.panel([lo, hi], MARGIN.top, MAIN_HEIGHT - MARGIN.top - 10, "entropy", w);
    // Every unit faint in its cluster's colour, the cluster means bold, the selected units on top.
    const traces = traceUnits(data.dims.nUnits);
    // The faint lines change only with the data and the scales: range changes (and playing) reuse them.
    const key = `${w} ${x.domain} ${main.domain}`;
    if (this.traces?.data !== data || this.traces.key !== key) {
      const group = svgEl("g", { class: "unit-traces" });
      for (const u of traces)
        svgEl(
          "path",
          {
            class: "unit-trace",
            "data-unit": u,
            d: linePath(epochs, unitTrajectory(data, u), x, main),
            stroke: rgbToCss(clusterColor(data.unitClusters[u])),
          },
          group,
        );
      this.traces = { data, key, group };
    }
    svg.append(this.traces.group);
    clusterMeans(data).forEach((means, c) => {
      svgEl(
        "path",
        {
          class: "cluster-line",
          "data-cluster": c,
          d: linePath(epochs, means, x, main),
          stroke: rgbToCss(clusterColor(c)),
        },
        svg,
      );
    });
    const lines = view.selectedUnits.slice(0, MAX_LINES);
    if (lines.length === 0)
      this.hint(
        view.epochLo > view.epochHi ? "No epoch in the range" : "Click a point or a line to select its unit",
      );
    if (traces.length < data.dims.nUnits)
      this.hint(`faint lines: ${traces.length} of ${data.dims.nUnits.toLocaleString()} units`);
    for (const u of lines) {
      const color = rgbToCss(lineColor(data, view.colorBy, u));
      svgEl(
        "path",
        {
          class: "unit-line",
          "data-unit": u,
          d: linePath(epochs, unitTrajectory(data, u), x, main),
          stroke: color,
        },
        svg,
      );
      const chip = document.createElement("span");
      chip.className = "mmphate-chip";
      chip.style.setProperty("--chip", color);
      chip.textContent = data.unitNames[u];
      const confidence = confidenceText(data, u);
      chip.title = `cluster ${data.unitClusters[u]}${confidence ? `, confidence ${confidence}` : ""}`;
      this.chips.append(chip);
    }
    if (view.selectedUnits.length > lines.length)
      this.hint(`+${view.selectedUnits.length - lines.length} more selected`);
    this.target = {
      data,
      units: [...traces, ...lines],
      xs: epochs.map(x),
      y: main,
      top: main.range[1] - 4,
      bottom: main.range[0] + 4,
    };
    svgEl("path", { class: "intra-line", d: linePath(epochs, intra, x, main) }, svg);
    this.title("inter-step entropy (bold: cluster means)", MARGIN.top - 22);
    svgEl("text", { class: "panel-note", x: MARGIN.left, y: MARGIN.top - 9 }, svg).textContent =
      "dashed: mean intra-step entropy per epoch";
  }

  /** Mark the epoch of the hovered node (an epoch index), or clear it with null. */
  setHover(epochIndex: number | null): void {
    const line = this.hoverLine;
    if (!line || !this.x) return;
    if (epochIndex === null || epochIndex < 0 || epochIndex >= this.epochNumbers.length) {
      line.setAttribute("visibility", "hidden");
      return;
    }
    const px = this.x(this.epochNumbers[epochIndex]);
    line.setAttribute("x1", String(px));
    line.setAttribute("x2", String(px));
    line.setAttribute("visibility", "visible");
  }

  private panel(extent: [number, number], top: number, height: number, label: string, w: number): Scale {
    // About one labelled tick per 30 px keeps small panels legible.
    const ticks = Math.max(2, Math.floor(height / 30));
    const [lo, hi] = Number.isFinite(extent[0]) ? extent : [0, 1];
    const pad = (hi - lo) * 0.06;
    const y = linearScale([lo - pad, hi + pad], [top + height, top]);
    const step = tickStep(y.domain[0], y.domain[1], ticks);
    const svg = this.svg;
    for (const t of niceTicks(y.domain[0], y.domain[1], ticks)) {
      svgEl("line", { class: "grid", x1: MARGIN.left, x2: w - MARGIN.right, y1: y(t), y2: y(t) }, svg);
      svgEl(
        "text",
        { class: "tick-label", x: MARGIN.left - 5, y: y(t) + 3.5, "text-anchor": "end" },
        svg,
      ).textContent = formatTick(t, step);
    }
    svgEl("line", { class: "axis", x1: MARGIN.left, x2: MARGIN.left, y1: top, y2: top + height }, svg);
    if (label)
      svgEl(
        "text",
        {
          class: "axis-label",
          transform: `translate(11 ${top + height / 2}) rotate(-90)`,
          "text-anchor": "middle",
        },
        svg,
      ).textContent = label;
    return y;
  }

  private title(text: string, y: number): void {
    svgEl("text", { class: "panel-title", x: MARGIN.left, y }, this.svg).textContent = text;
  }

  private hint(text: string): void {
    const hint = document.createElement("span");
    hint.className = "mmphate-hint";
    hint.textContent = text;
    this.chips.append(hint);
  }
}
