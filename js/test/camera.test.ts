import { describe, expect, it } from "vitest";
import { dataRadius, fitDistance } from "../src/camera";
import { CAMERA_FIT_MARGIN } from "../src/contract";

describe("auto-fit", () => {
  it("measures the radius of the points around the origin, ignoring z in 2-D", () => {
    const p = new Float32Array([3, 4, 0, 0, 0, 12]);
    expect(dataRadius(p, false)).toBe(12);
    expect(dataRadius(p, true)).toBe(5);
    expect(dataRadius(new Float32Array(0), false)).toBe(1);
  });

  it("backs off further for narrow views so the sphere fits horizontally too", () => {
    const wide = fitDistance(1, 40, 2);
    const narrow = fitDistance(1, 40, 0.5);
    expect(narrow).toBeGreaterThan(wide);
    // Wide view: limited by the vertical half-angle of 20 degrees.
    expect(wide).toBeCloseTo((1 / Math.sin((20 * Math.PI) / 180)) * CAMERA_FIT_MARGIN, 6);
  });
});
