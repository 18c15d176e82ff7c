/** A small hand-made WidgetData (E=3, T=2, U=4) shared by the unit tests. */

import type { WidgetData } from "../src/decode";
import { decodeData } from "../src/decode";
import type { Traits } from "../src/model";

export function bytesOf(array: Float32Array | Int32Array): DataView {
  // Offset by 4 bytes inside a larger buffer, as DataViews from anywidget may be.
  const buffer = new ArrayBuffer(array.byteLength + 8);
  new Uint8Array(buffer, 4, array.byteLength).set(
    new Uint8Array(array.buffer, array.byteOffset, array.byteLength),
  );
  return new DataView(buffer, 4, array.byteLength);
}

export const E = 3;
export const T = 2;
export const U = 4;
export const N = E * T * U;

export function traits(overrides: Partial<Traits> = {}): Partial<Traits> {
  const positions = new Float32Array(N * 3).map((_, i) => ((i % 7) - 3) / 3);
  return {
    _positions: bytesOf(positions),
    _dims: { n_epochs: E, n_steps: T, n_units: U, n_components: 3 },
    _epoch_numbers: bytesOf(new Int32Array([10, 20, 40])),
    _unit_clusters: bytesOf(new Int32Array([0, 1, 1, 2])),
    _n_clusters: 3,
    _cluster_stability: 0.72,
    _unit_cluster_confidence: bytesOf(new Float32Array([1, 0.5, 0.924, 0.25])),
    _intrastep_entropy: bytesOf(new Float32Array([1, 2, 3, 4, 5, NaN])),
    _interstep_entropy: bytesOf(new Float32Array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])),
    _node_label: bytesOf(new Int32Array(N).map((_, i) => i % 2)),
    _class_names: ["left", "right"],
    _unit_names: ["a", "b", "c", "d"],
    _metrics: bytesOf(new Float32Array([0.9, 0.5, NaN])),
    _metric_names: ["loss"],
    ...overrides,
  };
}

export function makeData(overrides: Partial<Traits> = {}): WidgetData {
  const t = traits(overrides);
  return decodeData((name) => t[name]);
}
