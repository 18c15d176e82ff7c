/**
 * Pointer input on the canvas, turned into intents for the view: hover here, stop hovering, a drag
 * began (the camera controls own it), a click here. Whether a press-release is a click or a drag
 * is decided by `PressTracker`, which has no DOM so it is unit-tested in node.
 */

/** A point in canvas CSS pixels, from the canvas's top-left corner. */
export interface Point {
  x: number;
  y: number;
}

/** Pointer travel (CSS px) below which a press-release counts as a click, not a drag. */
export const CLICK_TOLERANCE = 5;

/** True when `b` is no further than `tolerance` from `a`. */
export function withinTolerance(a: Point, b: Point, tolerance = CLICK_TOLERANCE): boolean {
  return Math.hypot(b.x - a.x, b.y - a.y) <= tolerance;
}

/**
 * Click-versus-drag for one pointer. A press becomes a drag once the pointer travels beyond the
 * tolerance, and stays one until release, even if the pointer comes back.
 */
export class PressTracker {
  private pressAt: Point | null = null;
  private drag = false;
  private readonly tolerance: number;

  constructor(tolerance = CLICK_TOLERANCE) {
    this.tolerance = tolerance;
  }

  /** A press is under way and has become a drag. */
  get dragging(): boolean {
    return this.drag;
  }

  down(p: Point): void {
    this.pressAt = p;
  }

  /** Pointer moved to `p`; true while the press it belongs to is a drag. */
  move(p: Point): boolean {
    if (this.pressAt && !withinTolerance(this.pressAt, p, this.tolerance)) this.drag = true;
    return this.drag;
  }

  /** Release at `p`; true when the press and release make a primary-button click. */
  up(p: Point, button: number): boolean {
    const start = this.pressAt;
    const wasDrag = this.drag;
    this.pressAt = null;
    this.drag = false;
    return start !== null && !wasDrag && button === 0 && withinTolerance(start, p, this.tolerance);
  }
}

export interface PointerIntents {
  /** The pointer is over `p`: hover should follow it. */
  hover(p: Point): void;
  /** The pointer left the canvas. */
  leave(): void;
  /** The pointer moved while a drag is under way. */
  drag(): void;
  /** A primary-button click at `p`. */
  click(p: Point, shift: boolean): void;
}

/** Listens to pointer events on `canvas` until `signal` aborts, and reports them as intents. */
export class PointerInput {
  private at: Point | null = null;
  private readonly press = new PressTracker();

  constructor(canvas: HTMLCanvasElement, intents: PointerIntents, signal: AbortSignal) {
    const opts = { signal };
    const local = (e: PointerEvent): Point => {
      const rect = canvas.getBoundingClientRect();
      return { x: e.clientX - rect.left, y: e.clientY - rect.top };
    };
    canvas.addEventListener(
      "pointermove",
      (e) => {
        const p = local(e);
        if (this.press.move(p)) intents.drag();
        this.at = p;
        intents.hover(p);
      },
      opts,
    );
    canvas.addEventListener(
      "pointerleave",
      () => {
        this.at = null;
        intents.leave();
      },
      opts,
    );
    canvas.addEventListener("pointerdown", (e) => this.press.down(local(e)), opts);
    canvas.addEventListener(
      "pointerup",
      (e) => {
        const p = local(e);
        if (this.press.up(p, e.button)) intents.click(p, e.shiftKey);
      },
      opts,
    );
  }

  /** Where the pointer is over the canvas, null when it is outside. */
  get position(): Point | null {
    return this.at;
  }

  /** A press is under way and has become a drag: no hover picks until it ends. */
  get dragging(): boolean {
    return this.press.dragging;
  }
}
