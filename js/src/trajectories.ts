/**
 * Unit trajectories: for each selected unit, line segments through its consecutive time steps
 * within each shown epoch, coloured like the unit's line in the chart. One THREE.LineSegments whose
 * geometry is rebuilt when the selection, the ranges or the colouring change (a few thousand
 * segments at most), drawn over the cloud.
 */
import * as THREE from "three";
import { lineColor } from "./colors";
import type { WidgetData } from "./decode";
import { unitShown } from "./filter";
import type { View } from "./state";

/**
 * Node pairs (from, to) of the trajectory segments: per selected unit that passes the cluster
 * filter, per shown epoch, each pair of consecutive shown steps.
 */
export function trajectoryPairs(data: WidgetData, view: View): Int32Array {
  const { nEpochs: E, nSteps: T, nUnits: U } = data.dims;
  const units = view.selectedUnits.filter((u) => u < U && unitShown(data, view, u));
  const eLo = Math.max(view.epochLo, 0);
  const eHi = Math.min(view.epochHi, E - 1);
  const tLo = Math.max(view.stepLo, 0);
  const tHi = Math.min(view.stepHi, T - 1);
  const perUnit = Math.max(eHi - eLo + 1, 0) * Math.max(tHi - tLo, 0);
  const out = new Int32Array(units.length * perUnit * 2);
  let k = 0;
  for (const u of units)
    for (let e = eLo; e <= eHi; e++)
      for (let t = tLo; t < tHi; t++) {
        out[k++] = (e * T + t) * U + u;
        out[k++] = (e * T + t + 1) * U + u;
      }
  return out;
}

export class Trajectories {
  readonly lines: THREE.LineSegments;
  private geometry = new THREE.BufferGeometry();
  private readonly material = new THREE.LineBasicMaterial({ vertexColors: true, depthTest: false });
  /** Segments drawn now. */
  count = 0;

  constructor() {
    this.lines = new THREE.LineSegments(this.geometry, this.material);
    this.lines.frustumCulled = false;
    this.lines.renderOrder = 1;
  }

  /** Rebuild the segments for `view` (none when `show` is false). */
  update(data: WidgetData, view: View, show: boolean): void {
    const pairs = show ? trajectoryPairs(data, view) : new Int32Array(0);
    const positions = new Float32Array(pairs.length * 3);
    const colors = new Float32Array(pairs.length * 3);
    const color = new THREE.Color();
    const p = data.positions;
    const U = Math.max(data.dims.nUnits, 1);
    for (let i = 0; i < pairs.length; i++) {
      const node = pairs[i];
      positions.set([p[3 * node], p[3 * node + 1], p[3 * node + 2]], 3 * i);
      if (i % 2 === 0) {
        const [r, g, b] = lineColor(data, view.colorBy, node % U);
        color.setRGB(r / 255, g / 255, b / 255, THREE.SRGBColorSpace);
      }
      colors.set([color.r, color.g, color.b], 3 * i);
    }
    // A fresh geometry: three.js frees a geometry's GPU buffers on dispose, not on replaced attributes.
    this.geometry.dispose();
    this.geometry = new THREE.BufferGeometry();
    this.lines.geometry = this.geometry;
    this.geometry.setAttribute("position", new THREE.BufferAttribute(positions, 3));
    this.geometry.setAttribute("color", new THREE.BufferAttribute(colors, 3));
    this.geometry.setDrawRange(0, pairs.length);
    this.count = pairs.length / 2;
    this.lines.visible = this.count > 0;
  }

  dispose(): void {
    this.geometry.dispose();
    this.material.dispose();
  }
}
