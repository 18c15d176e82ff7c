/**
 * The lasso / box gesture on the canvas: in the box or lasso drag mode, or with Alt held (a lasso
 * in any mode), a primary-button drag draws the shape on an SVG overlay instead of moving the
 * camera, and on release reports it in canvas CSS pixels (Shift at release adds to the selection).
 * The camera controls are switched off for the gesture's duration; the maths is in `lasso.ts`.
 */
import type { Box } from "./lasso";
import { boxPolygon } from "./lasso";
import type { DragMode } from "./tools";

/** Lasso vertices closer than this (CSS px) to the previous one are skipped. */
const MIN_STEP = 2;
/** A shape smaller than this across (CSS px) is a click, not a selection. */
const MIN_SIZE = 4;

const SVG = "http://www.w3.org/2000/svg";

export interface LassoEvents {
  /** The drag mode chosen in the control bar. */
  mode(): DragMode;
  /** Switch the camera controls on or off. */
  orbit(enabled: boolean): void;
  /** A finished shape: a lasso polygon (x0, y0, x1, y1, ...) or a box. */
  done(shape: number[] | Box, additive: boolean): void;
}

export class LassoTool {
  readonly overlay: SVGSVGElement;
  private readonly path: SVGPolygonElement;
  private points: number[] = [];
  private kind: "box" | "lasso" | null = null;
  private pointerId = -1;

  constructor(canvas: HTMLCanvasElement, host: HTMLElement, events: LassoEvents, signal: AbortSignal) {
    this.overlay = document.createElementNS(SVG, "svg");
    this.overlay.setAttribute("class", "mmphate-lasso");
    Object.assign(this.overlay.style, {
      position: "absolute",
      inset: "0",
      width: "100%",
      height: "100%",
      pointerEvents: "none",
    });
    this.path = document.createElementNS(SVG, "polygon");
    Object.assign(this.path.style, {
      fill: "rgba(255, 255, 255, 0.08)",
      stroke: "#ffffff",
      strokeWidth: "1.5",
      strokeDasharray: "4 3",
    });
    this.overlay.append(this.path);
    this.overlay.style.display = "none";

    const local = (e: PointerEvent): [number, number] => {
      const rect = canvas.getBoundingClientRect();
      return [e.clientX - rect.left, e.clientY - rect.top];
    };
    // Capture phase on the host: runs before the camera controls' own listener on the canvas.
    host.addEventListener(
      "pointerdown",
      (e) => {
        if (e.target !== canvas || e.button !== 0 || this.kind) return;
        const mode = events.mode();
        const kind = e.altKey ? "lasso" : mode === "rotate" ? null : mode;
        if (!kind) return;
        this.kind = kind;
        this.pointerId = e.pointerId;
        this.points = local(e);
        events.orbit(false);
        canvas.setPointerCapture?.(e.pointerId);
        this.draw();
        this.overlay.style.display = "";
      },
      { capture: true, signal },
    );
    canvas.addEventListener(
      "pointermove",
      (e) => {
        if (!this.kind || e.pointerId !== this.pointerId) return;
        const [x, y] = local(e);
        const n = this.points.length;
        if (this.kind === "box") this.points = [this.points[0], this.points[1], x, y];
        else if (Math.hypot(x - this.points[n - 2], y - this.points[n - 1]) >= MIN_STEP)
          this.points.push(x, y);
        this.draw();
      },
      { signal },
    );
    const finish = (e: PointerEvent, cancelled: boolean) => {
      if (!this.kind || e.pointerId !== this.pointerId) return;
      const kind = this.kind;
      const p = this.points;
      this.kind = null;
      this.pointerId = -1;
      this.overlay.style.display = "none";
      events.orbit(true);
      if (cancelled) return;
      if (kind === "box" && p.length === 4) {
        const box = { x0: p[0], y0: p[1], x1: p[2], y1: p[3] };
        if (Math.abs(box.x1 - box.x0) >= MIN_SIZE || Math.abs(box.y1 - box.y0) >= MIN_SIZE)
          events.done(box, e.shiftKey);
      } else if (kind === "lasso" && p.length >= 6 && extent(p) >= MIN_SIZE) events.done(p, e.shiftKey);
    };
    canvas.addEventListener("pointerup", (e) => finish(e, false), { signal });
    canvas.addEventListener("pointercancel", (e) => finish(e, true), { signal });
  }

  /** A gesture is under way. */
  get active(): boolean {
    return this.kind !== null;
  }

  private draw(): void {
    const p = this.points;
    const shape =
      this.kind === "box" && p.length === 4 ? boxPolygon({ x0: p[0], y0: p[1], x1: p[2], y1: p[3] }) : p;
    const pairs: string[] = [];
    for (let i = 0; i + 1 < shape.length; i += 2) pairs.push(`${shape[i]},${shape[i + 1]}`);
    this.path.setAttribute("points", pairs.join(" "));
  }
}

function extent(p: number[]): number {
  let w = 0;
  let h = 0;
  for (let i = 2; i < p.length; i += 2) {
    w = Math.max(w, Math.abs(p[i] - p[0]));
    h = Math.max(h, Math.abs(p[i + 1] - p[1]));
  }
  return Math.max(w, h);
}
