import * as THREE from "three";
import { describe, expect, it } from "vitest";
import {
  boxPolygon,
  inBox,
  mergeSorted,
  PolygonIndex,
  pointInPolygon,
  type SelectionScope,
  selectNodes,
  validNodes,
} from "../src/lasso";

// A concave "U": the notch between x 4..6 reaches down to y 6.
const U_SHAPE = [0, 0, 10, 0, 10, 10, 6, 10, 6, 4, 4, 4, 4, 10, 0, 10];

describe("point in polygon", () => {
  it("tells inside from outside for a concave polygon", () => {
    expect(pointInPolygon(2, 5, U_SHAPE)).toBe(true);
    expect(pointInPolygon(8, 8, U_SHAPE)).toBe(true);
    expect(pointInPolygon(5, 8, U_SHAPE)).toBe(false);
    expect(pointInPolygon(5, 2, U_SHAPE)).toBe(true);
    expect(pointInPolygon(-1, 5, U_SHAPE)).toBe(false);
    expect(pointInPolygon(5, 11, U_SHAPE)).toBe(false);
  });

  it("the row index agrees with the plain test everywhere", () => {
    const star: number[] = [];
    for (let k = 0; k < 14; k++) {
      const r = k % 2 ? 20 : 55;
      star.push(60 + r * Math.cos((k * Math.PI) / 7), 60.3 + r * Math.sin((k * Math.PI) / 7));
    }
    for (const polygon of [U_SHAPE, star]) {
      const index = new PolygonIndex(polygon);
      for (let y = -2; y < 125; y += 0.7)
        for (let x = -2; x < 125; x += 0.9)
          expect(index.contains(x, y), `${x},${y}`).toBe(pointInPolygon(x, y, polygon));
    }
  });

  it("a degenerate polygon contains nothing", () => {
    expect(new PolygonIndex([1, 1, 5, 5]).contains(3, 3)).toBe(false);
    expect(new PolygonIndex([]).contains(0, 0)).toBe(false);
  });
});

describe("box", () => {
  it("contains its inside and edges, whichever corners span it", () => {
    const box = { x0: 10, y0: 20, x1: 0, y1: 5 };
    expect(inBox(5, 10, box)).toBe(true);
    expect(inBox(10, 20, box)).toBe(true);
    expect(inBox(11, 10, box)).toBe(false);
    expect(inBox(5, 4, box)).toBe(false);
    expect(boxPolygon(box)).toEqual([0, 5, 10, 5, 10, 20, 0, 20]);
  });
});

/** E x T x U nodes on a grid in the z = 0 plane: x = unit, y = step + 10 * epoch. */
function gridScope(E: number, T: number, U: number): SelectionScope {
  const positions = new Float32Array(E * T * U * 3);
  for (let e = 0; e < E; e++)
    for (let t = 0; t < T; t++)
      for (let u = 0; u < U; u++) {
        const node = (e * T + t) * U + u;
        positions[3 * node] = u;
        positions[3 * node + 1] = t + 10 * e;
      }
  return {
    positions,
    nEpochs: E,
    nSteps: T,
    nUnits: U,
    epochLo: 0,
    epochHi: E - 1,
    stepLo: 0,
    stepHi: T - 1,
    unitShown: new Uint8Array(U).fill(1),
  };
}

/** An orthographic camera mapping x in [-0.5, 99.5] and y in [-0.5, 99.5] onto a 100 x 100 canvas. */
function gridCamera(): number[] {
  const camera = new THREE.OrthographicCamera(-0.5, 99.5, 99.5, -0.5, 0.1, 10);
  camera.position.set(0, 0, 5);
  camera.updateMatrixWorld();
  return new THREE.Matrix4().multiplyMatrices(camera.projectionMatrix, camera.matrixWorldInverse).toArray();
}

describe("selectNodes", () => {
  const E = 3;
  const T = 4;
  const U = 5;
  // Screen x = unit + 0.5, screen y = 100 - (step + 10 * epoch + 0.5).
  const node = (e: number, t: number, u: number) => (e * T + t) * U + u;

  it("selects the visible nodes in a box, sorted", () => {
    const scope = gridScope(E, T, U);
    // Units 1..3 of epoch 1, all steps: screen x 1.5..3.5, y 86.5..89.5.
    const got = selectNodes(scope, gridCamera(), 100, 100, { x0: 1, y0: 86, x1: 4, y1: 90 });
    const want = [];
    for (let t = 0; t < T; t++) for (let u = 1; u <= 3; u++) want.push(node(1, t, u));
    expect(Array.from(got)).toEqual(want.sort((a, b) => a - b));
  });

  it("skips nodes filtered out by epoch, step or cluster", () => {
    const scope = { ...gridScope(E, T, U), stepLo: 1, stepHi: 2, epochLo: 1, epochHi: 1 };
    scope.unitShown[2] = 0;
    const all = selectNodes(scope, gridCamera(), 100, 100, { x0: 0, y0: 0, x1: 100, y1: 100 });
    expect(Array.from(all)).toEqual([
      node(1, 1, 0),
      node(1, 1, 1),
      node(1, 1, 3),
      node(1, 1, 4),
      node(1, 2, 0),
      node(1, 2, 1),
      node(1, 2, 3),
      node(1, 2, 4),
    ]);
    const none = selectNodes(
      { ...scope, epochLo: 2, epochHi: 1 },
      gridCamera(),
      100,
      100,
      boxPolygon({ x0: 0, y0: 0, x1: 100, y1: 100 }),
    );
    expect(none.length).toBe(0);
  });

  it("a lasso selects exactly the nodes inside the polygon", () => {
    const scope = gridScope(E, T, U);
    // A triangle over epoch 0 (screen y 96.5..99.5).
    const triangle = [0, 100, 6, 100, 0, 95];
    const got = selectNodes(scope, gridCamera(), 100, 100, triangle);
    const want: number[] = [];
    for (let t = 0; t < T; t++)
      for (let u = 0; u < U; u++)
        if (pointInPolygon(u + 0.5, 100 - (t + 0.5), triangle)) want.push(node(0, t, u));
    expect(want.length).toBeGreaterThan(3);
    expect(Array.from(got)).toEqual(want.sort((a, b) => a - b));
  });

  it("never selects points behind a perspective camera", () => {
    const scope = gridScope(1, 1, 3);
    const camera = new THREE.PerspectiveCamera(40, 1, 0.1, 100);
    camera.position.set(1, 0, 0.5);
    camera.lookAt(1, 0, 5);
    camera.updateMatrixWorld();
    const m = new THREE.Matrix4().multiplyMatrices(camera.projectionMatrix, camera.matrixWorldInverse);
    expect(selectNodes(scope, m.toArray(), 100, 100, { x0: -1e6, y0: -1e6, x1: 1e6, y1: 1e6 }).length).toBe(
      0,
    );
  });

  it("handles a million points in one typed-array pass", () => {
    const scope = gridScope(10, 100, 1000);
    const camera = new THREE.OrthographicCamera(-1, 1001, 1001, -1, 0.1, 10);
    camera.position.set(0, 0, 5);
    camera.updateMatrixWorld();
    const m = new THREE.Matrix4().multiplyMatrices(camera.projectionMatrix, camera.matrixWorldInverse);
    const ring: number[] = [];
    for (let k = 0; k < 400; k++) ring.push(500 + 450 * Math.cos(k / 63.66), 500 + 450 * Math.sin(k / 63.66));
    const got = selectNodes(scope, m.toArray(), 1000, 1000, ring);
    expect(got.length).toBeGreaterThan(100_000);
    let sorted = true;
    for (let i = 1; i < got.length; i++) sorted &&= got[i] > got[i - 1];
    expect(sorted).toBe(true);
  });
});

describe("node index helpers", () => {
  it("validNodes keeps sorted in-range indices only", () => {
    const bytes = new DataView(Int32Array.from([-1, 0, 3, 3, 2, 7, 9, 12]).buffer);
    expect(Array.from(validNodes(bytes, 10))).toEqual([0, 3, 7, 9]);
    expect(validNodes(null, 10).length).toBe(0);
  });

  it("mergeSorted is the sorted union", () => {
    const got = mergeSorted(Int32Array.from([1, 4, 6]), Int32Array.from([2, 4, 9]));
    expect(Array.from(got)).toEqual([1, 2, 4, 6, 9]);
  });
});
