/**
 * The intra-step entropy map of the side panel: epochs (columns) x time steps (rows) drawn as one
 * image, a <canvas> of E x T pixels scaled up with `image-rendering: pixelated`, so 1,000 x 1,000
 * cells cost one ImageData fill and no DOM per cell. It uses the cloud's colour map for the
 * intra-step entropy (`colorKey`), with a colour bar. Hovering a cell reports the slice (the view
 * highlights its points in the cloud) and shows its value; dragging a rectangle reports epoch and
 * step ranges, double-click the full ranges; the current ranges are drawn as an outline.
 * The pure parts (image fill, cell under the pointer, brush -> ranges) are exported for the tests.
 */
import type { Colormap } from "./colormaps";
import { cssGradient, hexToRgb, MISSING } from "./colormaps";
import { colorKey, normalise } from "./colors";
import type { WidgetData } from "./decode";
import { formatValue } from "./scales";
import type { View } from "./state";

/** One cell of the map: an epoch index and a time step. */
export interface Cell {
  epoch: number;
  step: number;
}

/** A rectangle of cells, inclusive on both ends, in epoch indices and steps. */
export interface CellRect {
  epochLo: number;
  epochHi: number;
  stepLo: number;
  stepHi: number;
}

export interface MapEvents {
  /** The slice under the pointer, or null when the pointer left the map. */
  hover(cell: Cell | null): void;
  /** A brushed (or reset) rectangle, as `epoch_range` (the user's epoch numbers) and `step_range`. */
  brush(epochRange: [number, number], stepRange: [number, number]): void;
}

/** Pointer travel (CSS px) from which a press on the map is a brush rather than a click. */
const BRUSH_TOLERANCE = 3;

/**
 * RGBA pixels of the map: pixel (x = epoch, y = step) holds the colour of intrastep[e * T + t]
 * on `map` over [min, max]; NaN cells get the missing colour. `out` is reused when it fits.
 */
export function fillEntropyImage(
  values: ArrayLike<number>,
  nEpochs: number,
  nSteps: number,
  map: Colormap,
  min: number,
  max: number,
  out?: Uint8ClampedArray<ArrayBuffer>,
): Uint8ClampedArray<ArrayBuffer> {
  const pixels =
    out && out.length === nEpochs * nSteps * 4 ? out : new Uint8ClampedArray(nEpochs * nSteps * 4);
  // A 256-entry table keeps a million cells at one lookup each.
  const last = map.stops.length - 1;
  const lut = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    const x = (i / 255) * last;
    const k = Math.min(Math.floor(x), last - 1);
    const f = x - k;
    const a = hexToRgb(map.stops[k]);
    const b = hexToRgb(map.stops[k + 1]);
    for (let c = 0; c < 3; c++) lut[i * 3 + c] = Math.round(a[c] + (b[c] - a[c]) * f);
  }
  for (let e = 0; e < nEpochs; e++)
    for (let t = 0; t < nSteps; t++) {
      const v = normalise(values[e * nSteps + t], min, max);
      const p = (t * nEpochs + e) * 4;
      if (Number.isFinite(v)) {
        const i = Math.round(Math.min(Math.max(v, 0), 1) * 255) * 3;
        pixels[p] = lut[i];
        pixels[p + 1] = lut[i + 1];
        pixels[p + 2] = lut[i + 2];
      } else {
        pixels[p] = MISSING[0];
        pixels[p + 1] = MISSING[1];
        pixels[p + 2] = MISSING[2];
      }
      pixels[p + 3] = 255;
    }
  return pixels;
}

/** The cell under (x, y), CSS pixels from the map's top-left corner of a width x height box; null outside. */
export function cellAt(
  x: number,
  y: number,
  width: number,
  height: number,
  nEpochs: number,
  nSteps: number,
): Cell | null {
  if (!(width > 0 && height > 0) || nEpochs < 1 || nSteps < 1) return null;
  if (x < 0 || y < 0 || x >= width || y >= height) return null;
  return {
    epoch: Math.min(Math.floor((x / width) * nEpochs), nEpochs - 1),
    step: Math.min(Math.floor((y / height) * nSteps), nSteps - 1),
  };
}

/** The cell nearest to (x, y), clamped into the map (for a brush dragged past its edge). */
export function clampedCellAt(
  x: number,
  y: number,
  width: number,
  height: number,
  nEpochs: number,
  nSteps: number,
): Cell | null {
  const cx = Math.min(Math.max(x, 0), Math.max(width - 1e-6, 0));
  const cy = Math.min(Math.max(y, 0), Math.max(height - 1e-6, 0));
  return cellAt(cx, cy, width, height, nEpochs, nSteps);
}

/** The rectangle spanned by two cells (in any order). */
export function cellRect(a: Cell, b: Cell): CellRect {
  return {
    epochLo: Math.min(a.epoch, b.epoch),
    epochHi: Math.max(a.epoch, b.epoch),
    stepLo: Math.min(a.step, b.step),
    stepHi: Math.max(a.step, b.step),
  };
}

/** A rectangle of cells as `epoch_range` in the user's epoch numbers and `step_range`. */
export function brushRanges(
  rect: CellRect,
  epochNumbers: ArrayLike<number>,
): { epochRange: [number, number]; stepRange: [number, number] } {
  return {
    epochRange: [epochNumbers[rect.epochLo], epochNumbers[rect.epochHi]],
    stepRange: [rect.stepLo, rect.stepHi],
  };
}

/** The view's ranges as a rectangle of cells, or null when no epoch is in range. */
export function viewRect(view: View): CellRect | null {
  if (view.epochLo > view.epochHi || view.stepLo > view.stepHi) return null;
  return { epochLo: view.epochLo, epochHi: view.epochHi, stepLo: view.stepLo, stepHi: view.stepHi };
}

/** Percent position and size of a rectangle of cells over an E x T map, for an overlay box. */
export function rectStyle(rect: CellRect, nEpochs: number, nSteps: number) {
  const pct = (v: number) => `${(100 * v).toFixed(4)}%`;
  return {
    left: pct(rect.epochLo / nEpochs),
    top: pct(rect.stepLo / nSteps),
    width: pct((rect.epochHi - rect.epochLo + 1) / nEpochs),
    height: pct((rect.stepHi - rect.stepLo + 1) / nSteps),
  };
}

function div(className: string, text?: string): HTMLDivElement {
  const el = document.createElement("div");
  el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

function place(el: HTMLElement, rect: CellRect | null, nEpochs: number, nSteps: number): void {
  el.hidden = rect === null;
  if (rect) Object.assign(el.style, rectStyle(rect, nEpochs, nSteps));
}

export class EntropyMap {
  readonly el: HTMLDivElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly plot: HTMLDivElement;
  private readonly range: HTMLDivElement;
  private readonly brushBox: HTMLDivElement;
  private readonly hoverBox: HTMLDivElement;
  private readonly label: HTMLDivElement;
  private readonly bar: HTMLDivElement;
  private readonly barMin: HTMLSpanElement;
  private readonly barMax: HTMLSpanElement;
  private readonly epochFirst: HTMLSpanElement;
  private readonly epochLast: HTMLSpanElement;
  private readonly stepLast: HTMLSpanElement;
  private data: WidgetData | null = null;
  private pixels: Uint8ClampedArray<ArrayBuffer> | undefined;
  private hovered: Cell | null = null;
  private press: { x: number; y: number; cell: Cell; brushing: boolean } | null = null;

  constructor(private readonly events: MapEvents) {
    this.el = div("mmphate-map");
    const title = div("mmphate-map-title", "intra-step entropy");
    this.plot = div("mmphate-map-plot");
    this.canvas = document.createElement("canvas");
    this.canvas.className = "mmphate-map-image";
    this.range = div("mmphate-map-range");
    this.brushBox = div("mmphate-map-brush");
    this.hoverBox = div("mmphate-map-hover");
    this.label = div("mmphate-map-label");
    for (const box of [this.brushBox, this.hoverBox, this.label]) box.hidden = true;
    this.plot.append(this.canvas, this.range, this.hoverBox, this.brushBox, this.label);
    this.plot.title = "Drag to set the epoch and step ranges; double-click for all";

    const stepAxis = div("mmphate-map-steps");
    const stepFirst = document.createElement("span");
    stepFirst.textContent = "0";
    this.stepLast = document.createElement("span");
    stepAxis.append(stepFirst, div("mmphate-map-axis-name", "step"), this.stepLast);
    const epochAxis = div("mmphate-map-epochs");
    this.epochFirst = document.createElement("span");
    this.epochLast = document.createElement("span");
    epochAxis.append(this.epochFirst, div("mmphate-map-axis-name", "epoch"), this.epochLast);
    const grid = div("mmphate-map-grid");
    grid.append(stepAxis, this.plot, div("mmphate-map-corner"), epochAxis);

    this.bar = div("mmphate-map-colorbar");
    const barLabels = div("mmphate-map-colorbar-labels");
    this.barMin = document.createElement("span");
    this.barMax = document.createElement("span");
    barLabels.append(this.barMin, this.barMax);
    this.el.append(title, grid, this.bar, barLabels);
    this.el.hidden = true;

    this.plot.addEventListener("pointerdown", (e) => this.down(e));
    this.plot.addEventListener("pointermove", (e) => this.move(e));
    this.plot.addEventListener("pointerup", (e) => this.up(e));
    this.plot.addEventListener("pointercancel", () => this.cancel());
    this.plot.addEventListener("pointerleave", () => {
      if (!this.press) this.setHover(null);
    });
    this.plot.addEventListener("dblclick", () => {
      const d = this.data;
      if (!d || d.dims.nEpochs === 0 || d.dims.nSteps === 0) return;
      const all = { epochLo: 0, epochHi: d.dims.nEpochs - 1, stepLo: 0, stepHi: d.dims.nSteps - 1 };
      const { epochRange, stepRange } = brushRanges(all, d.epochNumbers);
      this.events.brush(epochRange, stepRange);
    });
  }

  /** Redraw the image when the data changed, and the range outline always. */
  update(data: WidgetData, view: View): void {
    const { nEpochs: E, nSteps: T } = data.dims;
    this.el.hidden = E === 0 || T === 0;
    if (this.el.hidden) {
      this.data = data;
      return;
    }
    if (data !== this.data) {
      this.data = data;
      this.setHover(null);
      this.draw(data);
    }
    place(this.range, viewRect(view), E, T);
  }

  private draw(data: WidgetData): void {
    const { nEpochs: E, nSteps: T } = data.dims;
    const key = colorKey(data, "intrastep_entropy");
    if (key.kind !== "continuous") return;
    this.canvas.width = E;
    this.canvas.height = T;
    this.canvas.dataset.epochs = String(E);
    this.canvas.dataset.steps = String(T);
    const ctx = this.canvas.getContext("2d");
    this.pixels = fillEntropyImage(data.intrastep, E, T, key.map, key.min, key.max, this.pixels);
    ctx?.putImageData(new ImageData(this.pixels, E, T), 0, 0);
    this.bar.style.background = cssGradient(key.map);
    this.barMin.textContent = formatValue(key.min);
    this.barMax.textContent = formatValue(key.max);
    this.epochFirst.textContent = String(data.epochNumbers[0]);
    this.epochLast.textContent = String(data.epochNumbers[E - 1]);
    this.stepLast.textContent = String(T - 1);
  }

  private cellOf(e: PointerEvent, clamp: boolean): Cell | null {
    const d = this.data;
    if (!d) return null;
    const box = this.plot.getBoundingClientRect();
    const at = clamp ? clampedCellAt : cellAt;
    return at(
      e.clientX - box.left,
      e.clientY - box.top,
      box.width,
      box.height,
      d.dims.nEpochs,
      d.dims.nSteps,
    );
  }

  private down(e: PointerEvent): void {
    if (e.button !== 0) return;
    const cell = this.cellOf(e, false);
    if (!cell) return;
    this.press = { x: e.clientX, y: e.clientY, cell, brushing: false };
    this.plot.setPointerCapture?.(e.pointerId);
  }

  private move(e: PointerEvent): void {
    const press = this.press;
    if (!press) {
      this.setHover(this.cellOf(e, false));
      return;
    }
    if (!press.brushing && Math.hypot(e.clientX - press.x, e.clientY - press.y) < BRUSH_TOLERANCE) return;
    press.brushing = true;
    const cell = this.cellOf(e, true);
    if (!cell || !this.data) return;
    this.setHover(cell);
    place(this.brushBox, cellRect(press.cell, cell), this.data.dims.nEpochs, this.data.dims.nSteps);
  }

  private up(e: PointerEvent): void {
    const press = this.press;
    this.cancel();
    const cell = this.cellOf(e, true);
    if (!press?.brushing || !cell || !this.data) return;
    const { epochRange, stepRange } = brushRanges(cellRect(press.cell, cell), this.data.epochNumbers);
    this.events.brush(epochRange, stepRange);
  }

  private cancel(): void {
    this.press = null;
    this.brushBox.hidden = true;
  }

  private setHover(cell: Cell | null): void {
    const d = this.data;
    const same =
      cell === this.hovered ||
      (cell !== null &&
        this.hovered !== null &&
        cell.epoch === this.hovered.epoch &&
        cell.step === this.hovered.step);
    if (same) return;
    this.hovered = cell;
    if (!cell || !d) {
      this.hoverBox.hidden = this.label.hidden = true;
      this.events.hover(null);
      return;
    }
    const { nEpochs: E, nSteps: T } = d.dims;
    place(this.hoverBox, cellRect(cell, cell), E, T);
    const value = d.intrastep[cell.epoch * T + cell.step];
    this.label.textContent = `epoch ${d.epochNumbers[cell.epoch]} · step ${cell.step} · ${formatValue(value)}`;
    this.label.dataset.epoch = String(d.epochNumbers[cell.epoch]);
    this.label.dataset.step = String(cell.step);
    this.label.hidden = false;
    // Keep the label inside the map: above the cell in the lower half, below it in the upper half.
    const lower = cell.step >= T / 2;
    this.label.style.top = lower ? "2px" : "";
    this.label.style.bottom = lower ? "" : "2px";
    this.events.hover(cell);
  }
}
