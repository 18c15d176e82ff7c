import { describe, expect, it, vi } from "vitest";
import type { PointerIntents } from "../src/pointer";
import { CLICK_TOLERANCE, PointerInput, PressTracker, withinTolerance } from "../src/pointer";

describe("withinTolerance", () => {
  it("accepts travel up to the tolerance and rejects anything beyond", () => {
    const o = { x: 10, y: 10 };
    expect(withinTolerance(o, o)).toBe(true);
    expect(withinTolerance(o, { x: 13, y: 14 })).toBe(true); // exactly 5 px
    expect(withinTolerance(o, { x: 10, y: 10 + CLICK_TOLERANCE + 0.01 })).toBe(false);
    expect(withinTolerance(o, { x: 12, y: 10 }, 1)).toBe(false);
  });
});

describe("PressTracker", () => {
  it("counts a press and release in place as a click", () => {
    const press = new PressTracker();
    press.down({ x: 0, y: 0 });
    expect(press.move({ x: 2, y: 2 })).toBe(false);
    expect(press.up({ x: 3, y: 4 }, 0)).toBe(true);
  });

  it("turns a press into a drag once the pointer travels beyond the tolerance, until release", () => {
    const press = new PressTracker();
    press.down({ x: 0, y: 0 });
    expect(press.move({ x: 20, y: 0 })).toBe(true);
    expect(press.dragging).toBe(true);
    // Coming back to the press point does not make it a click again.
    expect(press.move({ x: 0, y: 0 })).toBe(true);
    expect(press.up({ x: 0, y: 0 }, 0)).toBe(false);
    expect(press.dragging).toBe(false);
  });

  it("rejects a release far from the press even without intermediate moves", () => {
    const press = new PressTracker();
    press.down({ x: 0, y: 0 });
    expect(press.up({ x: 0, y: 6 }, 0)).toBe(false);
  });

  it("ignores other buttons and releases without a press", () => {
    const press = new PressTracker();
    expect(press.up({ x: 0, y: 0 }, 0)).toBe(false);
    press.down({ x: 0, y: 0 });
    expect(press.up({ x: 0, y: 0 }, 2)).toBe(false);
    // The release ended the press: the next release is not a click.
    expect(press.up({ x: 0, y: 0 }, 0)).toBe(false);
  });

  it("never drags without a press", () => {
    const press = new PressTracker();
    expect(press.move({ x: 100, y: 100 })).toBe(false);
    expect(press.dragging).toBe(false);
  });
});

/** An event target with a bounding box, standing in for the canvas (node has no DOM). */
function fakeCanvas(left = 100, top = 50): HTMLCanvasElement {
  return Object.assign(new EventTarget(), {
    getBoundingClientRect: () => ({ left, top }),
  }) as unknown as HTMLCanvasElement;
}

function pointer(
  type: string,
  clientX: number,
  clientY: number,
  init: { button?: number; shiftKey?: boolean } = {},
) {
  return Object.assign(new Event(type), {
    clientX,
    clientY,
    button: init.button ?? 0,
    shiftKey: !!init.shiftKey,
  });
}

function intents() {
  return {
    hover: vi.fn<PointerIntents["hover"]>(),
    leave: vi.fn<PointerIntents["leave"]>(),
    drag: vi.fn<PointerIntents["drag"]>(),
    click: vi.fn<PointerIntents["click"]>(),
  };
}

describe("PointerInput", () => {
  it("reports hover in canvas coordinates and tracks the pointer position", () => {
    const canvas = fakeCanvas();
    const to = intents();
    const input = new PointerInput(canvas, to, new AbortController().signal);
    canvas.dispatchEvent(pointer("pointermove", 130, 70));
    expect(to.hover).toHaveBeenLastCalledWith({ x: 30, y: 20 });
    expect(input.position).toEqual({ x: 30, y: 20 });
    canvas.dispatchEvent(pointer("pointerleave", 0, 0));
    expect(to.leave).toHaveBeenCalledOnce();
    expect(input.position).toBeNull();
  });

  it("reports a click with its shift key, and a drag instead of a click", () => {
    const canvas = fakeCanvas();
    const to = intents();
    const input = new PointerInput(canvas, to, new AbortController().signal);
    canvas.dispatchEvent(pointer("pointerdown", 110, 60));
    canvas.dispatchEvent(pointer("pointerup", 111, 61, { shiftKey: true }));
    expect(to.click).toHaveBeenCalledExactlyOnceWith({ x: 11, y: 11 }, true);

    canvas.dispatchEvent(pointer("pointerdown", 110, 60));
    canvas.dispatchEvent(pointer("pointermove", 150, 60));
    expect(to.drag).toHaveBeenCalledOnce();
    expect(input.dragging).toBe(true);
    canvas.dispatchEvent(pointer("pointerup", 110, 60));
    expect(to.click).toHaveBeenCalledOnce();
    expect(input.dragging).toBe(false);
  });

  it("stops listening when the signal aborts", () => {
    const canvas = fakeCanvas();
    const to = intents();
    const dom = new AbortController();
    new PointerInput(canvas, to, dom.signal);
    dom.abort();
    canvas.dispatchEvent(pointer("pointermove", 130, 70));
    canvas.dispatchEvent(pointer("pointerdown", 130, 70));
    canvas.dispatchEvent(pointer("pointerup", 130, 70));
    expect(to.hover).not.toHaveBeenCalled();
    expect(to.click).not.toHaveBeenCalled();
  });
});
