/**
 * The anywidget model as the front end sees it: the trait names and types of the wire contract
 * (docs/how-it-works.md) and the small subset of the model API the widget uses.
 */

// The values of these two unions are listed in contract.json (COLOR_BY and CLUSTER_MODES in
// contract.ts); js/test/contract.test.ts checks that they agree.
export type ColorBy =
  | "epoch"
  | "step"
  | "unit"
  | "cluster"
  | "intrastep_entropy"
  | "interstep_entropy"
  | "label";

export type ClusterMode = "filter" | "highlight";

export interface CameraState {
  position: [number, number, number];
  target: [number, number, number];
  up: [number, number, number];
}

/** A live widget's refit status (`MMPHATEWidget.live`); `{}` for a widget showing a fixed model. */
export interface LiveStatusTrait {
  epochs_recorded: number;
  /** Epochs in the fit the widget shows (0 before the first). */
  epochs_shown: number;
  fitting: boolean;
  n_fits: number;
  /** The last fit's error ("ValueError: ..."), null once a fit succeeded. */
  error: string | null;
  stopped: boolean;
  last_fit_s: number | null;
  refit_every: number;
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
  /** int32 little-endian, sorted node indices chosen by lasso / box (or set from Python). */
  selected_nodes: Binary;
  playing: boolean;
  /** Epochs in the window that slides while playing (>= 1). */
  play_window: number;
  /** Epochs per second while playing (> 0). */
  play_speed: number;
  play_loop: boolean;
  show_trajectories: boolean;
  _live_status: Partial<LiveStatusTrait>;
  /** float32, K x H (row-major): every record() call's epoch number, then each metric. */
  _history: Binary;
  _history_names: string[];
}

// The trait names themselves are in contract.json, shared with Python.
export { DATA_TRAITS } from "./contract";

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
