import { describe, expect, it } from "vitest";
import { clusterMeans, linePath, meanIntrastep, nearestUnit, traceUnits, unitTrajectory } from "../src/chart";
import { formatTick, formatValue, linearScale, niceTicks, tickStep } from "../src/scales";
import { makeData } from "./fixtures";

describe("scales", () => {
  it("maps the domain onto the range, including inverted ranges", () => {
    const y = linearScale([0, 10], [100, 0]);
    expect(y(0)).toBe(100);
    expect(y(10)).toBe(0);
    expect(y(2.5)).toBe(75);
  });

  it("widens a degenerate domain instead of dividing by zero", () => {
    const x = linearScale([5, 5], [0, 100]);
    expect(x(5)).toBe(50);
    expect(x.domain).toEqual([4.5, 5.5]);
  });

  it("picks 1-2-5 tick steps", () => {
    expect(tickStep(0, 1, 5)).toBe(0.2);
    expect(tickStep(0, 100, 5)).toBe(20);
    expect(tickStep(0, 7, 3)).toBe(2);
    expect(tickStep(0, 10, 2)).toBe(5);
  });

  it("produces round ticks inside the domain", () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0.13, 0.91, 4)).toEqual([0.2, 0.4, 0.6, 0.8]);
    expect(niceTicks(3, 3)).toEqual([3]);
    expect(niceTicks(NaN, 1)).toEqual([]);
  });

  it("keeps integer ticks for epoch axes", () => {
    const ticks = niceTicks(0, 3, 10, true);
    expect(ticks).toEqual([0, 1, 2, 3]);
  });

  it("formats ticks with the decimals their step needs", () => {
    expect(formatTick(0.2, 0.2)).toBe("0.2");
    expect(formatTick(0.25, 0.05)).toBe("0.25");
    expect(formatTick(20, 5)).toBe("20");
    expect(formatValue(NaN)).toBe("–");
    expect(formatValue(0.123456)).toBe("0.123");
    expect(formatValue(7)).toBe("7");
  });
});

describe("chart data", () => {
  const data = makeData();

  it("breaks lines at missing values", () => {
    const sx = linearScale([0, 3], [0, 30]);
    const sy = linearScale([0, 1], [10, 0]);
    expect(linePath([0, 1, 2, 3], [0, 1, NaN, 0.5], sx, sy)).toBe("M0.0,10.0L10.0,0.0M30.0,5.0");
    expect(linePath([0], [NaN], sx, sy)).toBe("");
  });

  it("averages intra-step entropy over steps, ignoring NaN", () => {
    // intrastep rows (E x T): [1, 2], [3, 4], [5, NaN]
    expect(Array.from(meanIntrastep(data))).toEqual([1.5, 3.5, 5]);
  });

  it("reads a unit's inter-step trajectory over the epochs", () => {
    expect(Array.from(unitTrajectory(data, 2))).toEqual([6, 7, 8]);
  });

  it("averages trajectories within clusters", () => {
    // clusters [0, 1, 1, 2]; cluster 1 = units 1 and 2: ([3,4,5] + [6,7,8]) / 2
    expect(Array.from(clusterMeans(data)[1])).toEqual([4.5, 5.5, 6.5]);
  });
});

describe("entropy overview lines", () => {
  const data = makeData();
  // Epochs at x = 0, 100, 200; entropy 0..11 onto y = 110..0 (10 px per unit of entropy).
  const xs = [0, 100, 200];
  const y = linearScale([0, 11], [110, 0]);
  const trajectory = (u: number) => unitTrajectory(data, u);
  const all = [0, 1, 2, 3];

  it("draws every unit up to the cap, then an even spread", () => {
    expect(traceUnits(4)).toEqual([0, 1, 2, 3]);
    const spread = traceUnits(10_000, 400);
    expect(spread.length).toBe(400);
    expect(spread[0]).toBe(0);
    expect(new Set(spread).size).toBe(400);
    expect(spread[spread.length - 1]).toBeLessThan(10_000);
  });

  it("picks the line nearest to the pointer, within the tolerance", () => {
    // Unit 2 runs 6, 7, 8: at x = 50 it is at entropy 6.5, y = 45.
    expect(nearestUnit(all, trajectory, xs, y, 50, 45, 5)).toBe(2);
    expect(nearestUnit(all, trajectory, xs, y, 150, y(10.5), 5)).toBe(3);
    // Half-way between two lines (15 px from each) picks neither.
    expect(nearestUnit(all, trajectory, xs, y, 50, y(5), 5)).toBeNull();
    expect(nearestUnit(all, trajectory, xs, y, 260, y(2), 5)).toBeNull();
    expect(nearestUnit([], trajectory, xs, y, 50, 45, 5)).toBeNull();
  });

  it("prefers the line drawn last (a selected unit on top) on a tie", () => {
    const same = () => [5, 5, 5];
    expect(nearestUnit([0, 3, 1], same, xs, y, 50, y(5), 5)).toBe(1);
    expect(nearestUnit([1, 0, 3], same, xs, y, 50, y(5), 5)).toBe(3);
  });
});
