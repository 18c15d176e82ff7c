/**
 * The anywidget model as the front end sees it: the trait names and types of the wire contract
 * (docs/how-it-works.md) and the small subset of the model API the widget uses.
 */

export type ColorBy =
  | "epoch"
  | "step"
  | "unit"
  | "cluster"
  | "intrastep_entropy"
  | "interstep_entropy"
  | "label";

export const COLOR_BY: readonly ColorBy[] = [
  "epoch",
  "step",
  "unit",
  "cluster",
  "intrastep_entropy",
  "interstep_entropy",
  "label",
];

export type ClusterMode = "filter" | "highlight";

export interface CameraState {
  position: [number, number, number];
  target: [number, number, number];
  up: [number, number, number];
}

/** Binary traits arrive as DataView from anywidget; tolerate the other buffer shapes too. */
export type Binary = DataView | ArrayBuffer | ArrayBufferView | null | undefined;

export interface Traits {
  _positions: Binary;
  _dims: { n_epochs: number; n_steps: number; n_units: number; n_components: number };
  _epoch_numbers: Binary;
  _unit_clusters: Binary;
  _n_clusters: number;
  /** Mean adjusted Rand index over bootstrap replicates, in [0, 1]; null when unknown. */
  _cluster_stability: number | null;
  _unit_cluster_confidence: Binary;
  _intrastep_entropy: Binary;
  _interstep_entropy: Binary;
  _node_label: Binary;
  _class_names: string[];
  _unit_names: string[];
  _metrics: Binary;
  _metric_names: string[];
  color_by: ColorBy;
  epoch_range: number[];
  step_range: number[];
  selected_clusters: number[];
  cluster_mode: ClusterMode;
  selected_units: number[];
  point_size: number;
  camera: Partial<CameraState> | Record<string, never>;
  hovered_node: number;
}

export const DATA_TRAITS = [
  "_positions",
  "_dims",
  "_epoch_numbers",
  "_unit_clusters",
  "_n_clusters",
  "_cluster_stability",
  "_unit_cluster_confidence",
  "_intrastep_entropy",
  "_interstep_entropy",
  "_node_label",
  "_class_names",
  "_unit_names",
  "_metrics",
  "_metric_names",
] as const;

type Callback = (...args: unknown[]) => void;

/** Structural subset of anywidget's AnyModel used here (kept local to avoid a runtime dependency). */
export interface AnyModel {
  get<K extends keyof Traits>(name: K): Traits[K] | undefined;
  set<K extends keyof Traits>(name: K, value: Traits[K]): void;
  on(event: string, callback: Callback): void;
  off(event?: string | null, callback?: Callback | null): void;
  save_changes(): void;
}

/**
 * Subscribe to model events and return one function that removes every subscription, so the
 * widget's cleanup cannot forget a listener.
 */
export function subscriptions(model: AnyModel): {
  on: (event: string, callback: Callback) => void;
  dispose: () => void;
} {
  const registered: [string, Callback][] = [];
  return {
    on(event, callback) {
      model.on(event, callback);
      registered.push([event, callback]);
    },
    dispose() {
      for (const [event, callback] of registered.splice(0)) model.off(event, callback);
    },
  };
}
