/**
 * Reading the synced state traits into a clamped view of what to show. Python validates what it
 * sends, but the front end never trusts it: out-of-range or malformed values are clamped or
 * replaced by defaults so the widget stays usable.
 */
import {
  CAMERA_TARGET,
  CAMERA_UP,
  CLUSTER_MODE_DEFAULT,
  CLUSTER_MODES,
  COLOR_BY,
  COLOR_BY_DEFAULT,
  POINT_SIZE_DEFAULT,
  POINT_SIZE_MAX,
  POINT_SIZE_MIN,
} from "./contract";
import type { WidgetData } from "./decode";
import type { CameraState, ClusterMode, ColorBy, Traits } from "./model";

export interface View {
  colorBy: ColorBy;
  /** Inclusive epoch index range; epochLo > epochHi when no epoch number falls in the range. */
  epochLo: number;
  epochHi: number;
  /** Inclusive step range. */
  stepLo: number;
  stepHi: number;
  /** 1 per cluster id that is selected (shown in filter mode, bright in highlight mode). */
  clusterMask: Uint8Array;
  clusterMode: ClusterMode;
  selectedUnits: number[];
  pointSize: number;
}

function finiteNumbers(value: unknown): number[] | null {
  if (!Array.isArray(value)) return null;
  return value.every((v) => typeof v === "number" && Number.isFinite(v)) ? (value as number[]) : null;
}

export function clampColorBy(value: unknown): ColorBy {
  return COLOR_BY.includes(value as ColorBy) ? (value as ColorBy) : COLOR_BY_DEFAULT;
}

export function clampClusterMode(value: unknown): ClusterMode {
  return CLUSTER_MODES.includes(value as ClusterMode) ? (value as ClusterMode) : CLUSTER_MODE_DEFAULT;
}

/**
 * Epoch index range [lo, hi] covering the epoch numbers in the inclusive range `value` (in the
 * user's epoch numbers). Malformed input selects everything; reversed bounds are swapped.
 */
export function epochIndexRange(epochNumbers: ArrayLike<number>, value: unknown): [number, number] {
  const E = epochNumbers.length;
  const range = finiteNumbers(value);
  if (range?.length !== 2) return [0, E - 1];
  const lo = Math.min(range[0], range[1]);
  const hi = Math.max(range[0], range[1]);
  let first = 0;
  while (first < E && epochNumbers[first] < lo) first++;
  let last = E - 1;
  while (last >= 0 && epochNumbers[last] > hi) last--;
  return [first, last];
}

/** Inclusive step range clamped to [0, T-1], rounded, swapped if reversed. */
export function stepRange(nSteps: number, value: unknown): [number, number] {
  const range = finiteNumbers(value);
  if (range?.length !== 2) return [0, nSteps - 1];
  const clamp = (v: number) => Math.min(Math.max(Math.round(v), 0), Math.max(nSteps - 1, 0));
  const a = clamp(range[0]);
  const b = clamp(range[1]);
  return [Math.min(a, b), Math.max(a, b)];
}

/** Distinct integer indices in [0, n), in the order given; anything else is dropped. */
export function validIndices(value: unknown, n: number): number[] {
  if (!Array.isArray(value)) return [];
  const out: number[] = [];
  const seen = new Set<number>();
  for (const v of value) {
    if (typeof v === "number" && Number.isInteger(v) && v >= 0 && v < n && !seen.has(v)) {
      seen.add(v);
      out.push(v);
    }
  }
  return out;
}

export function clampPointSize(value: unknown): number {
  const v = Number(value);
  if (value === null || typeof value === "boolean" || !Number.isFinite(v)) return POINT_SIZE_DEFAULT;
  return Math.min(Math.max(v, POINT_SIZE_MIN), POINT_SIZE_MAX);
}

/** Per-cluster mask; a missing or malformed `selected_clusters` selects all clusters. */
export function clusterMask(nClusters: number, value: unknown): Uint8Array {
  const mask = new Uint8Array(nClusters);
  if (!Array.isArray(value)) return mask.fill(1);
  for (const c of validIndices(value, nClusters)) mask[c] = 1;
  return mask;
}

function vector3(value: unknown): [number, number, number] | null {
  const v = finiteNumbers(value);
  return v && v.length === 3 ? [v[0], v[1], v[2]] : null;
}

/** A camera to apply, or null for auto-fit ({} or anything unusable). */
export function parseCamera(value: unknown): CameraState | null {
  if (!value || typeof value !== "object" || Array.isArray(value)) return null;
  const v = value as Record<string, unknown>;
  const position = vector3(v.position);
  if (!position) return null;
  const target = vector3(v.target) ?? [...CAMERA_TARGET];
  let up = vector3(v.up) ?? [...CAMERA_UP];
  if (up.every((x) => x === 0)) up = [...CAMERA_UP];
  if (position.every((x, i) => x === target[i])) return null;
  return { position, target, up };
}

/** The clamped view of all synced state traits. */
export function readView(
  get: <K extends keyof Traits>(name: K) => Traits[K] | undefined,
  data: WidgetData,
): View {
  const [epochLo, epochHi] = epochIndexRange(data.epochNumbers, get("epoch_range"));
  const [stepLo, stepHi] = stepRange(data.dims.nSteps, get("step_range"));
  return {
    colorBy: clampColorBy(get("color_by")),
    epochLo,
    epochHi,
    stepLo,
    stepHi,
    clusterMask: clusterMask(data.nClusters, get("selected_clusters")),
    clusterMode: clampClusterMode(get("cluster_mode")),
    selectedUnits: validIndices(get("selected_units"), data.dims.nUnits),
    pointSize: clampPointSize(get("point_size")),
  };
}
