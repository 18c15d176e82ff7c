import { describe, expect, it } from "vitest";
import {
  advance,
  claimPlayDriver,
  clampWindow,
  lastStart,
  readPlay,
  releasePlayDriver,
  startIndex,
} from "../src/play";

describe("play window stepping", () => {
  it("clamps the window to the epochs", () => {
    expect(clampWindow(0, 6)).toBe(1);
    expect(clampWindow(9, 6)).toBe(6);
    expect(clampWindow(Number.NaN, 6)).toBe(1);
    expect(lastStart(6, 2)).toBe(4);
    expect(lastStart(0, 3)).toBe(0);
  });

  it("starts at the shown range, or at the first epoch when at the end", () => {
    expect(startIndex(2, 6, 2)).toBe(2);
    expect(startIndex(4, 6, 2)).toBe(0);
    expect(startIndex(5, 6, 2)).toBe(0);
  });

  it("steps one epoch per 1/speed seconds and keeps the remainder", () => {
    let s = advance(0, 0, 0.4, 2, 6, 2, false);
    expect(s).toEqual({ start: 0, carry: 0.8, done: false });
    s = advance(s.start, s.carry, 0.4, 2, 6, 2, false);
    expect(s.start).toBe(1);
    expect(s.carry).toBeCloseTo(0.6);
    expect(advance(0, 0, 1.5, 2, 6, 2, false).start).toBe(3);
  });

  it("stops at the end without loop, wraps with loop", () => {
    expect(advance(3, 0, 1, 2, 6, 2, false)).toEqual({ start: 4, carry: 0, done: true });
    expect(advance(4, 0, 0.5, 1, 6, 2, false)).toEqual({ start: 4, carry: 0.5, done: false });
    expect(advance(4, 0, 1, 1, 6, 2, true)).toEqual({ start: 0, carry: 0, done: false });
    expect(advance(3, 0, 3, 1, 6, 2, true).start).toBe(1);
  });

  it("a long stall does not spin", () => {
    const s = advance(0, 0, 1e9, 10, 6, 1, true);
    expect(s.start).toBeGreaterThanOrEqual(0);
    expect(s.start).toBeLessThanOrEqual(5);
    expect(s.done).toBe(false);
  });

  it("ignores bad speeds", () => {
    expect(advance(1, 0, 1, -3, 6, 2, true)).toEqual({ start: 1, carry: 0, done: false });
  });
});

describe("play settings", () => {
  it("clamps invalid trait values to the defaults", () => {
    const traits: Record<string, unknown> = { playing: "yes", play_window: 0, play_speed: -1, play_loop: 3 };
    const got = readPlay((name) => traits[name] as never);
    expect(got).toEqual({ playing: false, window: 1, speed: 2, loop: true });
    traits.playing = true;
    traits.play_window = 3;
    traits.play_speed = 0.5;
    traits.play_loop = false;
    expect(readPlay((name) => traits[name] as never)).toEqual({
      playing: true,
      window: 3,
      speed: 0.5,
      loop: false,
    });
  });
});

describe("one view drives playing per model", () => {
  it("lets the first view drive until it lets go, then the next", () => {
    const model = {};
    const [first, second] = [{}, {}];
    expect(claimPlayDriver(model, first)).toBe(true);
    expect(claimPlayDriver(model, first)).toBe(true);
    expect(claimPlayDriver(model, second)).toBe(false);
    releasePlayDriver(model, second); // not the driver: changes nothing
    expect(claimPlayDriver(model, second)).toBe(false);
    releasePlayDriver(model, first);
    expect(claimPlayDriver(model, second)).toBe(true);
    expect(claimPlayDriver(model, first)).toBe(false);
  });

  it("keeps models apart", () => {
    const [a, b] = [{}, {}];
    const view = {};
    expect(claimPlayDriver(a, view)).toBe(true);
    expect(claimPlayDriver(b, {})).toBe(true);
    expect(claimPlayDriver(b, view)).toBe(false);
  });
});
