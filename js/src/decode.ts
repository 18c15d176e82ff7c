/**
 * Decoding of the binary data traits (little-endian, see docs/how-it-works.md) into typed arrays,
 * and the node index arithmetic node = (e * T + t) * U + u.
 *
 * Malformed input never throws: short buffers are padded (NaN / 0), long ones are cut, so a
 * broken trait degrades the picture instead of breaking the widget.
 */
import type { Binary, Traits } from "./model";

export interface Dims {
  nEpochs: number;
  nSteps: number;
  nUnits: number;
  nComponents: 2 | 3;
}

export interface WidgetData {
  dims: Dims;
  /** Number of nodes drawn, E * T * U. */
  n: number;
  /** x, y, z per node. */
  positions: Float32Array;
  /** The user's epoch numbers, length E. */
  epochNumbers: Int32Array;
  /** Cluster id per unit, length U, clamped to [0, nClusters). */
  unitClusters: Int32Array;
  nClusters: number;
  /** How reproducible the clusters are, in [0, 1]; null when unknown (older saved results). */
  clusterStability: number | null;
  /** Per unit, the fraction of bootstrap replicates in which it stays in its cluster; null when unknown. */
  unitConfidence: Float32Array | null;
  /** E x T, row-major. */
  intrastep: Float32Array;
  /** U x E, row-major. */
  interstep: Float32Array;
  /** Class code per node, or null when the model has no labels. */
  nodeLabel: Int32Array | null;
  classNames: string[];
  unitNames: string[];
  /** M x E, row-major; NaN where missing. */
  metrics: Float32Array;
  metricNames: string[];
}

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function asBytes(value: Binary): Uint8Array {
  if (value == null) return new Uint8Array(0);
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  return new Uint8Array(0);
}

/** Little-endian float32 values of a binary trait, as a fresh aligned array of `length` (NaN padded). */
export function decodeFloat32(value: Binary, length?: number): Float32Array {
  const bytes = asBytes(value);
  const available = Math.floor(bytes.byteLength / 4);
  const n = length ?? available;
  const out = new Float32Array(n);
  const copied = Math.min(n, available);
  if (LITTLE_ENDIAN_HOST) {
    out.set(new Float32Array(bytes.slice(0, copied * 4).buffer));
  } else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < copied; i++) out[i] = view.getFloat32(i * 4, true);
  }
  out.fill(NaN, copied);
  return out;
}

/** Little-endian int32 values of a binary trait, as a fresh array of `length` (zero padded). */
export function decodeInt32(value: Binary, length?: number): Int32Array {
  const bytes = asBytes(value);
  const available = Math.floor(bytes.byteLength / 4);
  const n = length ?? available;
  const out = new Int32Array(n);
  const copied = Math.min(n, available);
  if (LITTLE_ENDIAN_HOST) {
    out.set(new Int32Array(bytes.slice(0, copied * 4).buffer));
  } else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < copied; i++) out[i] = view.getInt32(i * 4, true);
  }
  return out;
}

function count(value: unknown): number {
  const v = Number(value);
  return Number.isFinite(v) && v > 0 ? Math.floor(v) : 0;
}

/** Dimensions from the `_dims` trait; missing or invalid entries become 0 (nothing to draw). */
export function decodeDims(dims: Partial<Traits["_dims"]> | undefined): Dims {
  const d = dims ?? {};
  return {
    nEpochs: count(d.n_epochs),
    nSteps: count(d.n_steps),
    nUnits: count(d.n_units),
    nComponents: Number(d.n_components) === 2 ? 2 : 3,
  };
}

/** A stability value in [0, 1], or null for anything else (missing, NaN, out of range). */
function fraction(value: unknown): number | null {
  return typeof value === "number" && value >= 0 && value <= 1 ? value : null;
}

function names(value: unknown, length: number, fallback: (i: number) => string): string[] {
  const given = Array.isArray(value) ? value : [];
  return Array.from({ length }, (_, i) => (i < given.length ? String(given[i]) : fallback(i)));
}

/** Everything the scene needs, from the model's data traits. */
export function decodeData(get: <K extends keyof Traits>(name: K) => Traits[K] | undefined): WidgetData {
  const dims = decodeDims(get("_dims"));
  const { nEpochs: E, nSteps: T, nUnits: U } = dims;
  const n = E * T * U;
  let nClusters = count(get("_n_clusters"));
  const unitClusters = decodeInt32(get("_unit_clusters"), U);
  for (let u = 0; u < U; u++) {
    if (unitClusters[u] < 0) unitClusters[u] = 0;
    if (unitClusters[u] >= nClusters) nClusters = unitClusters[u] + 1;
  }
  const epochNumbers = decodeInt32(get("_epoch_numbers"), E);
  // Missing epoch numbers fall back to 0..E-1 so the axis stays increasing.
  if (asBytes(get("_epoch_numbers")).byteLength < E * 4) for (let e = 0; e < E; e++) epochNumbers[e] = e;
  const labelBytes = asBytes(get("_node_label"));
  const classNamesRaw = get("_class_names");
  const nodeLabel = labelBytes.byteLength > 0 ? decodeInt32(labelBytes, n) : null;
  let classCount = Array.isArray(classNamesRaw) ? classNamesRaw.length : 0;
  if (nodeLabel) for (let i = 0; i < n; i++) if (nodeLabel[i] >= classCount) classCount = nodeLabel[i] + 1;
  const confidenceBytes = asBytes(get("_unit_cluster_confidence"));
  const metricNamesRaw = get("_metric_names");
  const metricNames = Array.isArray(metricNamesRaw) ? metricNamesRaw.map(String) : [];
  return {
    dims,
    n,
    positions: decodeFloat32(get("_positions"), n * 3),
    epochNumbers,
    unitClusters,
    nClusters,
    clusterStability: fraction(get("_cluster_stability")),
    unitConfidence: confidenceBytes.byteLength > 0 ? decodeFloat32(confidenceBytes, U) : null,
    intrastep: decodeFloat32(get("_intrastep_entropy"), E * T),
    interstep: decodeFloat32(get("_interstep_entropy"), U * E),
    nodeLabel,
    classNames: nodeLabel ? names(classNamesRaw, classCount, (i) => `class ${i}`) : [],
    unitNames: names(get("_unit_names"), U, (i) => `unit ${i}`),
    metrics: decodeFloat32(get("_metrics"), metricNames.length * E),
    metricNames,
  };
}

/** A live widget's training history: one entry per record() call, fitted or not. */
export interface History {
  /** Epoch numbers, length H. */
  epochs: Float32Array;
  /** The metrics' names, without "epoch". */
  names: string[];
  /** Per metric, H values (NaN where a record() call did not give it). */
  values: Float32Array[];
}

export const NO_HISTORY: History = { epochs: new Float32Array(0), names: [], values: [] };

/**
 * The `_history` and `_history_names` traits: float32, K x H row-major, one row per name, the
 * "epoch" row among them. Empty without an "epoch" row; H is what the bytes hold for K rows.
 */
export function decodeHistory(value: Binary, namesValue: unknown): History {
  const names = Array.isArray(namesValue) ? namesValue.map(String) : [];
  const K = names.length;
  const H = K ? Math.floor(asBytes(value).byteLength / 4 / K) : 0;
  const at = names.indexOf("epoch");
  if (H === 0 || at < 0) return NO_HISTORY;
  const all = decodeFloat32(value, K * H);
  const rows = names.map((_, k) => all.subarray(k * H, k * H + H));
  return {
    epochs: rows[at],
    names: names.filter((_, k) => k !== at),
    values: rows.filter((_, k) => k !== at),
  };
}

export interface NodeIndex {
  epoch: number;
  step: number;
  unit: number;
}

/** Epoch index, step and unit of a node (node = (e * T + t) * U + u). */
export function nodeIndex(node: number, dims: Dims): NodeIndex {
  const unit = node % dims.nUnits;
  const slice = (node - unit) / dims.nUnits;
  const step = slice % dims.nSteps;
  return { epoch: (slice - step) / dims.nSteps, step, unit };
}

/**
 * Per-node (epoch index, step, unit) as one interleaved vertex attribute. Uint16 when every index
 * fits (6 bytes a node instead of 12), else float32; both reach the shader as floats.
 */
export function indexAttribute(dims: Dims): Uint16Array | Float32Array {
  const { nEpochs: E, nSteps: T, nUnits: U } = dims;
  const n = E * T * U;
  const out = Math.max(E, T, U) <= 65535 ? new Uint16Array(n * 3) : new Float32Array(n * 3);
  let i = 0;
  for (let e = 0; e < E; e++)
    for (let t = 0; t < T; t++)
      for (let u = 0; u < U; u++) {
        out[i++] = e;
        out[i++] = t;
        out[i++] = u;
      }
  return out;
}
