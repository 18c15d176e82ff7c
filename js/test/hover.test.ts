import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { HOVER_MESSAGE_MS, Hover, LatestThrottle } from "../src/hover";

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

/** Fake timers also fake Date, so Date.now is the clock that moves with them. */
const clock = () => Date.now();

describe("LatestThrottle", () => {
  it("sends the first value on the next turn of the event loop", () => {
    const send = vi.fn();
    const throttle = new LatestThrottle<number>(send, -1, 100, clock);
    throttle.push(3);
    expect(send).not.toHaveBeenCalled();
    vi.advanceTimersByTime(0);
    expect(send).toHaveBeenCalledExactlyOnceWith(3);
  });

  it("sends at most once per interval and ends on the latest value", () => {
    const send = vi.fn();
    const throttle = new LatestThrottle<number>(send, -1, 100, clock);
    throttle.push(1);
    vi.advanceTimersByTime(0);
    throttle.push(2);
    throttle.push(3);
    vi.advanceTimersByTime(99);
    expect(send.mock.calls).toEqual([[1]]);
    throttle.push(4);
    vi.advanceTimersByTime(1);
    expect(send.mock.calls).toEqual([[1], [4]]);
  });

  it("waits only for what is left of the interval", () => {
    const send = vi.fn();
    const throttle = new LatestThrottle<number>(send, -1, 100, clock);
    throttle.push(1);
    vi.advanceTimersByTime(60);
    throttle.push(2);
    vi.advanceTimersByTime(39);
    expect(send).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1);
    expect(send).toHaveBeenLastCalledWith(2);
    vi.advanceTimersByTime(500);
    throttle.push(3);
    vi.advanceTimersByTime(0);
    expect(send).toHaveBeenLastCalledWith(3);
  });

  it("sends nothing when the value returns to the one sent last", () => {
    const send = vi.fn();
    const throttle = new LatestThrottle<number>(send, -1, 100, clock);
    throttle.push(5);
    throttle.push(-1);
    vi.runAllTimers();
    expect(send).not.toHaveBeenCalled();
  });

  it("drops a pending send on dispose", () => {
    const send = vi.fn();
    const throttle = new LatestThrottle<number>(send, -1, 100, clock);
    throttle.push(5);
    throttle.dispose();
    vi.runAllTimers();
    expect(send).not.toHaveBeenCalled();
  });
});

describe("Hover", () => {
  it("keeps only the latest pick request, and taking it clears it", () => {
    const hover = new Hover(vi.fn());
    expect(hover.take()).toBeNull();
    hover.request({ x: 1, y: 1 });
    hover.request({ x: 2, y: 3 });
    expect(hover.take()).toEqual({ x: 2, y: 3 });
    expect(hover.take()).toBeNull();
  });

  it("reports changes of the hovered node and tells the kernel, throttled", () => {
    const send = vi.fn();
    const hover = new Hover(send, HOVER_MESSAGE_MS, clock);
    expect(hover.set(-1)).toBe(false);
    expect(hover.set(7)).toBe(true);
    expect(hover.set(7)).toBe(false);
    expect(hover.hovered).toBe(7);
    vi.advanceTimersByTime(0);
    expect(send.mock.calls).toEqual([[7]]);
    hover.set(8);
    hover.set(9);
    vi.advanceTimersByTime(HOVER_MESSAGE_MS);
    expect(send.mock.calls).toEqual([[7], [9]]);
  });

  it("clear drops the pending pick and un-hovers", () => {
    const send = vi.fn();
    const hover = new Hover(send, HOVER_MESSAGE_MS, clock);
    hover.set(4);
    vi.advanceTimersByTime(HOVER_MESSAGE_MS);
    hover.request({ x: 1, y: 1 });
    expect(hover.clear()).toBe(true);
    expect(hover.take()).toBeNull();
    expect(hover.hovered).toBe(-1);
    expect(hover.clear()).toBe(false);
    vi.advanceTimersByTime(HOVER_MESSAGE_MS);
    expect(send.mock.calls).toEqual([[4], [-1]]);
  });
});
