/**
 * How to read the unit clusters' stability (mmphate_widget/engine/cluster_stability.py): the level of a
 * stability value, per-cluster unit counts and the texts the legend, the control bar and the
 * tooltip show. The thresholds live in contract.json, which the Python engine reads too.
 */
import CONTRACT from "./contract";
import type { WidgetData } from "./decode";

const LEVELS = CONTRACT.cluster_stability;

export type StabilityLevel = "stable" | "weak" | "unstable";

/** Below this the clusters are unstable; below STABLE_FROM they are weak. */
export const UNSTABLE_BELOW: number = LEVELS.unstable_below;
export const STABLE_FROM: number = LEVELS.stable_from;

export function stabilityLevel(stability: number): StabilityLevel {
  if (stability < UNSTABLE_BELOW) return "unstable";
  return stability < STABLE_FROM ? "weak" : "stable";
}

/** Number of units in each cluster. */
export function clusterSizes(data: WidgetData): number[] {
  const sizes = new Array<number>(data.nClusters).fill(0);
  for (const c of data.unitClusters) sizes[c]++;
  return sizes;
}

export interface ClusterSummary {
  /** "2 clusters · stability 0.83", or "1 cluster" / "2 clusters" when there is nothing to rate. */
  text: string;
  /** "stability 0.83", or "" when there is nothing to rate. */
  stability: string;
  /** Null for one cluster or an unknown stability. */
  level: StabilityLevel | null;
  /** One sentence on what the level means; empty for stable clusters. */
  note: string;
}

const NOTES: Record<StabilityLevel, string> = {
  stable: "",
  weak: "Some units change cluster when units and time steps are resampled.",
  unstable:
    "Units change cluster when units and time steps are resampled: these may not be real communities.",
};

export function clusterSummary(data: WidgetData): ClusterSummary {
  const k = data.nClusters;
  const count = `${k} cluster${k === 1 ? "" : "s"}`;
  const stability = data.clusterStability;
  if (k < 2 || stability === null) return { text: count, stability: "", level: null, note: "" };
  const level = stabilityLevel(stability);
  const rated = `stability ${stability.toFixed(2)}`;
  return { text: `${count} · ${rated}`, stability: rated, level, note: NOTES[level] };
}

/**
 * A unit's cluster confidence as a percentage ("92%": the share of bootstrap replicates in which it
 * stays in its cluster), null when unknown.
 */
export function confidenceText(data: WidgetData, unit: number): string | null {
  const value = data.unitConfidence?.[unit];
  return value === undefined || !Number.isFinite(value) ? null : `${Math.round(value * 100)}%`;
}
