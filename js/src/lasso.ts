/**
 * Lasso and box selection maths (pure, no DOM, so it is unit-tested in node). Nodes are projected
 * in one pass over the position array with the camera's view-projection matrix; only the visible
 * epoch/step/unit blocks are visited, and no object is made per point. A lasso's edges are bucketed
 * by screen row first, so each point tests the two or three edges of its row, not the whole polygon.
 */
import { decodeInt32 } from "./decode";
import type { Binary } from "./model";

/** A closed polygon in screen pixels: x0, y0, x1, y1, ... (the last vertex joins the first). */
export type Polygon = ArrayLike<number>;

/** An axis-aligned screen rectangle, in pixels. */
export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Even-odd point-in-polygon test (crossing number), exact; for single points and tests. */
export function pointInPolygon(x: number, y: number, polygon: Polygon): boolean {
  const n = Math.floor(polygon.length / 2);
  let inside = false;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xi = polygon[2 * i];
    const yi = polygon[2 * i + 1];
    const xj = polygon[2 * j];
    const yj = polygon[2 * j + 1];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/**
 * A polygon prepared for many containment tests: its edges bucketed by unit-height row of the
 * bounding box, so `contains` tests only the edges crossing that row. Same answers as
 * `pointInPolygon`.
 */
export class PolygonIndex {
  readonly minX: number;
  readonly minY: number;
  readonly maxX: number;
  readonly maxY: number;
  private readonly polygon: Float64Array;
  private readonly offsets: Int32Array;
  private readonly edges: Int32Array;

  constructor(polygon: Polygon) {
    const n = Math.floor(polygon.length / 2);
    this.polygon = Float64Array.from({ length: 2 * n }, (_, i) => polygon[i]);
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (let i = 0; i < n; i++) {
      minX = Math.min(minX, this.polygon[2 * i]);
      maxX = Math.max(maxX, this.polygon[2 * i]);
      minY = Math.min(minY, this.polygon[2 * i + 1]);
      maxY = Math.max(maxY, this.polygon[2 * i + 1]);
    }
    this.minX = minX;
    this.minY = minY;
    this.maxX = maxX;
    this.maxY = maxY;
    const rows = n >= 3 ? Math.floor(maxY - minY) + 1 : 0;
    const counts = new Int32Array(rows + 1);
    const span = (e: number): [number, number] => {
      const j = e === 0 ? n - 1 : e - 1;
      const a = this.polygon[2 * e + 1];
      const b = this.polygon[2 * j + 1];
      return [Math.floor(Math.min(a, b) - minY), Math.floor(Math.max(a, b) - minY)];
    };
    for (let e = 0; e < n && rows > 0; e++) {
      const [r0, r1] = span(e);
      for (let r = r0; r <= r1; r++) counts[r + 1]++;
    }
    for (let r = 0; r < rows; r++) counts[r + 1] += counts[r];
    this.offsets = counts;
    this.edges = new Int32Array(rows > 0 ? counts[rows] : 0);
    const fill = counts.slice(0, rows);
    for (let e = 0; e < n && rows > 0; e++) {
      const [r0, r1] = span(e);
      for (let r = r0; r <= r1; r++) this.edges[fill[r]++] = e;
    }
  }

  contains(x: number, y: number): boolean {
    if (!(x >= this.minX && x <= this.maxX && y >= this.minY && y <= this.maxY)) return false;
    const row = Math.floor(y - this.minY);
    const p = this.polygon;
    const n = p.length / 2;
    let inside = false;
    for (let k = this.offsets[row]; k < this.offsets[row + 1]; k++) {
      const i = this.edges[k];
      const j = i === 0 ? n - 1 : i - 1;
      const xi = p[2 * i];
      const yi = p[2 * i + 1];
      const xj = p[2 * j];
      const yj = p[2 * j + 1];
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
    return inside;
  }
}

/** The rectangle spanned by two corners, as a polygon (for drawing and for `selectNodes`). */
export function boxPolygon(box: Box): number[] {
  const x0 = Math.min(box.x0, box.x1);
  const x1 = Math.max(box.x0, box.x1);
  const y0 = Math.min(box.y0, box.y1);
  const y1 = Math.max(box.y0, box.y1);
  return [x0, y0, x1, y0, x1, y1, x0, y1];
}

/** Whether (x, y) lies in the rectangle spanned by the box's corners (edges included). */
export function inBox(x: number, y: number, box: Box): boolean {
  return (
    x >= Math.min(box.x0, box.x1) &&
    x <= Math.max(box.x0, box.x1) &&
    y >= Math.min(box.y0, box.y1) &&
    y <= Math.max(box.y0, box.y1)
  );
}

/** What the selection pass needs to know about the data and the filters. */
export interface SelectionScope {
  /** float32 x, y, z per node. */
  positions: Float32Array;
  nEpochs: number;
  nSteps: number;
  nUnits: number;
  /** Inclusive index ranges shown (lo > hi selects nothing). */
  epochLo: number;
  epochHi: number;
  stepLo: number;
  stepHi: number;
  /** 1 per unit that passes the cluster filter. */
  unitShown: Uint8Array;
}

/**
 * The visible nodes whose screen position lies in `shape` (a polygon, or a box), sorted, as int32.
 * `viewProjection` is the camera's projection times its view matrix (column-major, as three.js
 * keeps it); screen coordinates are pixels from the top-left of a `width` x `height` canvas.
 * Nodes outside the clip volume (behind the camera, beyond near/far) are never selected.
 */
export function selectNodes(
  scope: SelectionScope,
  viewProjection: ArrayLike<number>,
  width: number,
  height: number,
  shape: Polygon | Box,
): Int32Array {
  const m = viewProjection;
  const box = "x0" in shape ? shape : null;
  const index = box ? null : new PolygonIndex(shape as Polygon);
  const { positions: p, nSteps: T, nUnits: U, unitShown } = scope;
  const eHi = Math.min(scope.epochHi, scope.nEpochs - 1);
  const tHi = Math.min(scope.stepHi, T - 1);
  const eLo = Math.max(scope.epochLo, 0);
  const tLo = Math.max(scope.stepLo, 0);
  const hw = width / 2;
  const hh = height / 2;
  let out = new Int32Array(1024);
  let count = 0;
  for (let e = eLo; e <= eHi; e++)
    for (let t = tLo; t <= tHi; t++) {
      const base = (e * T + t) * U;
      for (let u = 0; u < U; u++) {
        if (!unitShown[u]) continue;
        const node = base + u;
        const x = p[3 * node];
        const y = p[3 * node + 1];
        const z = p[3 * node + 2];
        const w = m[3] * x + m[7] * y + m[11] * z + m[15];
        if (!(w > 0)) continue;
        const cz = m[2] * x + m[6] * y + m[10] * z + m[14];
        if (cz < -w || cz > w) continue;
        const sx = ((m[0] * x + m[4] * y + m[8] * z + m[12]) / w + 1) * hw;
        const sy = (1 - (m[1] * x + m[5] * y + m[9] * z + m[13]) / w) * hh;
        if (box ? !inBox(sx, sy, box) : !index?.contains(sx, sy)) continue;
        if (count === out.length) {
          const grown = new Int32Array(out.length * 2);
          grown.set(out);
          out = grown;
        }
        out[count++] = node;
      }
    }
  return out.slice(0, count);
}

/**
 * The `selected_nodes` trait (int32, sorted) as node indices: entries outside [0, n), repeated or
 * out of order are dropped, so a malformed value never breaks the view.
 */
export function validNodes(value: Binary, n: number): Int32Array {
  const raw = decodeInt32(value);
  const out = new Int32Array(raw.length);
  let k = 0;
  for (let i = 0; i < raw.length; i++) {
    const v = raw[i];
    if (v >= 0 && v < n && (k === 0 || v > out[k - 1])) out[k++] = v;
  }
  return k === raw.length ? out : out.slice(0, k);
}

/** Union of two sorted index arrays, sorted, without duplicates. */
export function mergeSorted(a: Int32Array, b: Int32Array): Int32Array {
  const out = new Int32Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length || j < b.length) {
    const v = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i++] : b[j++];
    if (k === 0 || out[k - 1] !== v) out[k++] = v;
  }
  return out.slice(0, k);
}
